//! What the process sets up before it reads anything: the allocator's first
//! reservation (src/main.rs, `arena`).

/// mimalloc's first arena is 64 MiB, not its default 1 GiB, whose
/// bookkeeping alone costs a small run a millisecond; the option index the
/// binary sets is the arena reservation (mimalloc's own statistics say so).
#[cfg(target_os = "linux")]
#[test]
fn allocator_reserves_64_mib_first() {
    let out = assert_cmd::Command::cargo_bin("checksheet")
        .expect("the checksheet binary is built")
        .arg("--version")
        .env("MIMALLOC_SHOW_STATS", "1")
        .output()
        .expect("checksheet runs");
    assert!(out.status.success());
    let stats = String::from_utf8_lossy(&out.stderr);
    let reserved = stats
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("reserved"))
        .unwrap_or_else(|| panic!("no reservation in mimalloc's statistics:\n{stats}"));
    let mut words = reserved.trim_start_matches([' ', ':']).split_whitespace();
    let amount: f64 = words.next().and_then(|w| w.parse().ok()).unwrap();
    let unit = words.next().unwrap_or_default();
    assert_eq!(unit, "MiB", "reserved {reserved}");
    assert!(
        (64.0..72.0).contains(&amount),
        "reserved {amount} {unit} at first"
    );
}
