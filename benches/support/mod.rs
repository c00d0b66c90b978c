//! What every benchmark binary shares.

/// The allocator the shipped binary uses (`src/main.rs`), so the figures are the app's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
