//! Step 3: transport rules and DLP policies, allow/block lists, connectors, third-party
//! gateways, and trace and headers read together.

pub mod connectors;
pub mod evidence_agreement;
pub mod fired_rules;
pub mod gateways;
pub mod list_decisions;
pub mod rule_actions;
pub mod spam_bypass;
