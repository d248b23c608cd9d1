use std::time::Instant;
fn main() {
    let p = std::path::PathBuf::from(std::env::args().nth(1).unwrap());
    let bytes = std::fs::read(&p).unwrap();
    let n = 50;
    let t = Instant::now();
    let mut book = None;
    for _ in 0..n {
        book =
            Some(checksheet::source::read_bytes(&p, bytes.clone(), &Default::default()).unwrap());
    }
    println!("read {:?}", t.elapsed() / n);
    let book = book.unwrap();
    let t = Instant::now();
    for _ in 0..n {
        for s in &book.sheets {
            std::hint::black_box(s.spread_rows());
        }
    }
    println!("spread {:?}", t.elapsed() / n);
    let t = Instant::now();
    let mut l = None;
    for _ in 0..n {
        l = Some(checksheet::layout::detect(&p, &book.sheets, None));
    }
    println!("layout {:?}", t.elapsed() / n);
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(
            checksheet::catalog::from_book(&p, &book, &Default::default()).unwrap(),
        );
    }
    println!(
        "from_book {:?} ({} records)",
        t.elapsed() / n,
        l.unwrap().records.len()
    );
}
