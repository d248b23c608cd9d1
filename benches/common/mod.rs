//! What every benchmark shares: the binary's allocator, the samples, and
//! criterion's settings for stages that take milliseconds.

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::Criterion;

// The allocator the binary uses (src/main.rs), for the library and the
// floor alike.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A file of `samples/`.
#[allow(dead_code)] // not every benchmark reads the samples
pub fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name)
}

/// Twenty samples after a second's warm-up, measured for `seconds`.
#[allow(dead_code)] // not every benchmark keeps criterion's defaults off
pub fn config(seconds: u64) -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(seconds))
}
