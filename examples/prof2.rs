fn main() {
    let p = std::path::PathBuf::from(std::env::args().nth(1).unwrap());
    let bytes = std::fs::read(&p).unwrap();
    let book = checksheet::source::read_bytes(&p, bytes.clone(), &Default::default()).unwrap();
    for _ in 0..10 {
        std::hint::black_box(
            checksheet::catalog::from_book(&p, &book, &Default::default()).unwrap(),
        );
    }
}
