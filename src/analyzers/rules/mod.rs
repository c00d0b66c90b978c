//! Step analyzers for `rules`.
