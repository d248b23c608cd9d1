//! Every reader (xlsx, xlsm, xlsb, xls, ods, csv/tsv in any encoding) on
//! arbitrary bytes, then the whole catalog: an error is fine, a panic, hang or
//! blow-up is not.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The library turns a panic inside calamine into a clean error (as the
// binary does); libFuzzer's own hook would abort before that, so it is
// replaced. A panic the library does not catch still ends the run.
fuzz_target!(init: { std::panic::set_hook(Box::new(|_| {})); }, |data: &[u8]| {
    let path = std::path::Path::new("fuzz.bin");
    if let Ok(book) = checksheet::source::read_bytes(path, data.to_vec(), &Default::default()) {
        let _ = checksheet::catalog::from_book(path, &book, &Default::default());
    }
});
