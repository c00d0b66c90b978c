//! Diagnoses built in code for the exporters' unit tests.

use crate::diagnosis::{Diagnosis, SCHEMA_VERSION, StepReport, Tool, Verdict};
use crate::step::Step;

/// A diagnosis with nothing in it but five empty steps.
pub fn minimal() -> Diagnosis {
    Diagnosis {
        schema_version: SCHEMA_VERSION,
        tool: Tool::default(),
        inputs: Vec::new(),
        verdict: Verdict::default(),
        messages: Vec::new(),
        selected_message: 0,
        steps: Step::ALL.iter().map(|&s| StepReport::empty(s)).collect(),
        message: None,
        trace: None,
        hops: Vec::new(),
        authentication: None,
        antispam: None,
        rules: Vec::new(),
        ndr: None,
        recipients: Vec::new(),
        decision_chain: Vec::new(),
        next_actions: Vec::new(),
    }
}
