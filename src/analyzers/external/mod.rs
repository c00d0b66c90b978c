//! Step analyzers for `external`.
