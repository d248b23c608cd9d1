//! Runs one command and records its wall time and peak RSS: the launcher
//! through which `bench/compare.py` starts every process it measures.
//!
//! ```text
//! cargo run --release --example peak_rss -- OUT CMD [ARGS...]
//! ```
//!
//! The command inherits stdin, stdout and stderr; when it has ended, OUT
//! holds one line, `wall_seconds maxrss_kib exit_code` (a signal's death is
//! 128 + the signal, as shells report it), and this program exits with the
//! command's code.
//!
//! Why not `os.wait4` in the Python script itself: Linux keeps a process's
//! peak RSS across `exec`, so a child forked (or vforked) by the script
//! starts with the script's own RSS as its peak: 56 MB for `/bin/true` after
//! the script has imported its modules, 300 MB once it has generated the
//! revision pairs. Started from this small program, a child's `ru_maxrss`
//! (taken with `getrusage(RUSAGE_CHILDREN)` once it is reaped, the only
//! child) begins at about 2 MB, so that even calamine's raw read of a small
//! workbook is measured as it is.

use std::process::ExitCode;

#[cfg(not(unix))]
fn main() -> ExitCode {
    eprintln!("peak_rss: getrusage is a Unix call; this launcher runs on Unix only");
    ExitCode::from(2)
}

#[cfg(unix)]
fn main() -> ExitCode {
    use std::io::Write;
    use std::process::Command;
    use std::time::Instant;

    let mut args = std::env::args_os().skip(1);
    let (Some(out), Some(program)) = (args.next(), args.next()) else {
        eprintln!("usage: peak_rss OUT CMD [ARGS...]");
        return ExitCode::from(2);
    };
    let started = Instant::now();
    let status = match Command::new(&program).args(args).status() {
        Ok(status) => status,
        Err(e) => {
            eprintln!("peak_rss: cannot run {}: {e}", program.to_string_lossy());
            return ExitCode::from(127);
        }
    };
    let wall = started.elapsed().as_secs_f64();
    // SAFETY: getrusage only writes into the struct it is given, which is
    // plain data for which all zeroes is a valid value.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) != 0 {
            eprintln!("peak_rss: getrusage: {}", std::io::Error::last_os_error());
            return ExitCode::from(2);
        }
        usage
    };
    // Linux reports kibibytes, macOS bytes.
    let maxrss_kib = if cfg!(target_os = "macos") {
        usage.ru_maxrss / 1024
    } else {
        usage.ru_maxrss
    };
    let code = status.code().unwrap_or_else(|| {
        use std::os::unix::process::ExitStatusExt;
        128 + status.signal().unwrap_or(0)
    });
    let written =
        std::fs::File::create(&out).and_then(|mut f| writeln!(f, "{wall:.6} {maxrss_kib} {code}"));
    if let Err(e) = written {
        eprintln!("peak_rss: {}: {e}", out.to_string_lossy());
        return ExitCode::from(2);
    }
    ExitCode::from(u8::try_from(code).unwrap_or(2))
}
