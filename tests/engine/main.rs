//! Engine tests: inputs → diagnosis, on fixtures of our own and the shared samples.
//! One binary, one module per area (a test binary is expensive to link).

#[path = "../support/mod.rs"]
mod support;

mod arc;
mod badinput;
mod bounces;
mod export;
mod finding_codes;
mod formats;
mod headers;
mod online_dns;
mod samples;
mod status_codes;
mod trace_rows;
mod who_acts;
