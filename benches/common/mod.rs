//! What the benches share.

use std::time::{Duration, Instant};

/// The median time of `runs` calls of `f`, after one warm-up call.
pub(crate) fn median(mut f: impl FnMut(), runs: usize) -> Duration {
    f();
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}
