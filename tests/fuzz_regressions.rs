//! Inputs the fuzzers (fuzz/run.sh) found crashing, replayed through the real
//! binary: each must end in a result or a clean error (exit 2 naming the
//! file), never a panic. One file per finding in tests/fixtures/fuzz/, named
//! after the target and what broke.

mod common;

#[test]
fn every_fuzz_finding_ends_cleanly() {
    let dir = common::root().join("tests/fixtures/fuzz");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/fuzz exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e != "md"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "the findings are kept");
    for file in files {
        let out = common::run([
            "catalog".as_ref(),
            file.as_os_str(),
            "-f".as_ref(),
            "csv".as_ref(),
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            matches!(out.status.code(), Some(0..=2)),
            "{}: exit {:?}",
            file.display(),
            out.status.code()
        );
        assert!(!stderr.contains("panicked"), "{}: {stderr}", file.display());
        if out.status.code() == Some(2) {
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            assert!(
                stderr.contains(&name),
                "{}: the error names the file: {stderr}",
                file.display()
            );
        }
    }
}
