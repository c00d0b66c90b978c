//! Step 1 analyzers: was it sent, did it reach Microsoft 365, what happened in each journey.

pub mod deferrals;
pub mod expansion;
pub mod implausible_dates;
pub mod journeys;
pub mod missing_details;
pub mod outcome;
pub mod timeline;
