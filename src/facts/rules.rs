//! Transport (mail flow) rules and DLP policies that fired, from trace events.

use std::sync::LazyLock;

use regex::Regex;

use crate::case::{EventKind, TraceRecord};

/// One firing of a rule in a journey.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleFiring {
    /// Rule name.
    pub name: String,
    /// Rule GUID, when given.
    pub id: Option<String>,
    /// DLP policy name, when the event names one.
    pub dlp_policy: Option<String>,
    /// The rule's action, when the format records it (`RejectMessage`, `SetSCL`, …).
    pub action: Option<String>,
    /// Journey number (1-based, in the message's journey order).
    pub journey: usize,
    /// The event line, for evidence.
    pub evidence: String,
}

static TRANSPORT_RULE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:Transport|Mail flow) rule:\s*'([^']*)',\s*ID:\s*\(?'?\{?([0-9A-Fa-f-]{8,36}|-1)\}?'?\)?(?:,\s*DLP policy:\s*'([^']*)')?",
    )
    .expect("static regex")
});
static DLP_RULE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)DLP (?:rule|policy):\s*'([^']+)'").expect("static regex"));
static TRA_DATA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)ETR\|ruleId=([0-9A-Fa-f-]{8,36}|-1)(?:\|st=[^|;]*)?(?:\|action=([A-Za-z]+))?")
        .expect("static regex")
});

/// The rule firings recorded in one trace record (journey number `journey`).
pub fn firings(record: &TraceRecord, journey: usize) -> Vec<RuleFiring> {
    let mut out = Vec::new();
    for event in &record.events {
        let line = format!("{} | {} | {}", event.time_raw, event.name, event.detail);
        if let Some(caps) = TRANSPORT_RULE.captures(&event.detail) {
            let name = caps.get(1).map_or("", |m| m.as_str()).to_owned();
            let dlp = caps
                .get(3)
                .map(|m| m.as_str().to_owned())
                .filter(|p| !p.is_empty());
            out.push(RuleFiring {
                name,
                id: caps.get(2).map(|m| m.as_str().to_ascii_uppercase()),
                dlp_policy: dlp,
                action: event.action.clone().filter(|a| !a.is_empty()),
                journey,
                evidence: line,
            });
            continue;
        }
        if event.kind == EventKind::DlpRule
            && let Some(caps) = DLP_RULE.captures(&event.detail)
        {
            out.push(RuleFiring {
                name: caps.get(1).map_or("", |m| m.as_str()).to_owned(),
                id: None,
                dlp_policy: caps.get(1).map(|m| m.as_str().to_owned()),
                action: event.action.clone().filter(|a| !a.is_empty()),
                journey,
                evidence: line,
            });
            continue;
        }
        let has_tra_pair = event
            .data
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("S:TRA"));
        for (key, value) in &event.data {
            let is_tra = key.eq_ignore_ascii_case("S:TRA")
                || (!has_tra_pair && value.contains("ETR|ruleId="));
            if !is_tra {
                continue;
            }
            for caps in TRA_DATA.captures_iter(value) {
                let id = caps.get(1).map(|m| m.as_str().to_ascii_uppercase());
                out.push(RuleFiring {
                    name: id
                        .clone()
                        .map_or_else(String::new, |id| format!("rule {id}")),
                    id,
                    dlp_policy: None,
                    action: caps.get(2).map(|m| m.as_str().to_owned()),
                    journey,
                    evidence: format!("{line} | {key}={value}"),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{TraceEvent, TraceFormat};

    #[test]
    fn reads_eac_rule_events() {
        let mut record = TraceRecord::new(TraceFormat::EacCopyText, 0);
        record.events.push(TraceEvent::new(
            None,
            "12/6/2022, 12:31 PM",
            EventKind::TransportRule,
            "Transport rule",
            "Transport rule: 'IPW Processed SPAM', ID: ('AE9B2C61-C9C5-4AA4-B249-24D6334EBBAA'), DLP policy: '', ID: (00000000-0000-0000-0000-000000000000).",
        ));
        let firings = firings(&record, 1);
        assert_eq!(firings.len(), 1);
        assert_eq!(firings[0].name, "IPW Processed SPAM");
        assert_eq!(
            firings[0].id.as_deref(),
            Some("AE9B2C61-C9C5-4AA4-B249-24D6334EBBAA")
        );
        assert_eq!(firings[0].dlp_policy, None);
    }
}
