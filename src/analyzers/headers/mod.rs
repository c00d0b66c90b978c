//! Step analyzers for `headers`.
