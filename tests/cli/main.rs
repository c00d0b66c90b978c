//! Runs the real `mailflow` binary: exit codes, stderr lines, the JSON contract.

#[path = "../support/mod.rs"]
mod support;

mod contract;
mod errors;
mod ndr;
mod online;
