//! Helpers the unit tests of several stages share.

/// A small deterministic random source (xorshift64): each call gives a number below `n`.
/// Tests that generate inputs use it so that a failure names a step that replays.
pub(crate) fn xorshift(mut seed: u64) -> impl FnMut(usize) -> usize {
    move |n| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    }
}
