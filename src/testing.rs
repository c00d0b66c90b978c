//! What unit tests share.

/// A xorshift generator from `seed` (not zero): the same pseudo-random numbers on every
/// run, so a generated input that fails a test fails it again.
pub fn xorshift(mut seed: u64) -> impl FnMut() -> u64 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    }
}
