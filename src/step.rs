//! The five wizard steps: the one place their numbers, ids and titles are defined.

use serde::{Deserialize, Serialize};

/// A wizard step. Analyzers declare the step their findings belong to; the JSON contract
/// lists the steps in this order, and the GUI's step rail is built from [`Step::ALL`].
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub enum Step {
    /// 1. Was it sent, did it reach Microsoft 365, the event timeline and journeys.
    #[default]
    Trace,
    /// 2. Where it landed and which layer decided.
    Status,
    /// 3. Transport rules, DLP, allow/block lists, connectors, third-party gateways.
    Rules,
    /// 4. Received chain, authentication and anti-spam headers.
    Headers,
    /// 5. Status codes, throttling, reputation and (opt-in) DNS checks.
    External,
}

impl Step {
    /// Every step in wizard order.
    pub const ALL: [Self; 5] = [
        Self::Trace,
        Self::Status,
        Self::Rules,
        Self::Headers,
        Self::External,
    ];

    /// The step's number in the wizard and the contract (1–5).
    pub fn number(self) -> u8 {
        match self {
            Self::Trace => 1,
            Self::Status => 2,
            Self::Rules => 3,
            Self::Headers => 4,
            Self::External => 5,
        }
    }

    /// The stable id the JSON contract uses.
    pub fn id(self) -> &'static str {
        match self {
            Self::Trace => "trace",
            Self::Status => "status",
            Self::Rules => "rules",
            Self::Headers => "headers",
            Self::External => "external",
        }
    }

    /// The human title, shown in the GUI and the reports.
    pub fn title(self) -> &'static str {
        match self {
            Self::Trace => "Message trace",
            Self::Status => "Mail status",
            Self::Rules => "Rules & policies",
            Self::Headers => "Header analysis",
            Self::External => "External factors",
        }
    }
}
