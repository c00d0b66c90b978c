//! SCL -1 "bypass spam filtering": a rule (or allow list) that let the message skip the
//! spam filter. A warning when it let spam, phish or unauthenticated mail in.

use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity};
use crate::facts::headers::AuthResult;
use crate::facts::headers::FilterSkip;
use crate::step::Step;

/// Flags spam-filter bypasses.
pub struct SpamBypass;

impl Analyzer for SpamBypass {
    fn id(&self) -> &'static str {
        "rules-spam-bypass"
    }

    fn codes(&self) -> &'static [&'static str] {
        &["spam-filter-bypassed-by-rule"]
    }

    fn step(&self) -> Step {
        Step::Rules
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let antispam = cx.facts.headers.as_ref().map(|h| &h.antispam);
        let auth = cx.facts.headers.as_ref().map(|h| &h.authentication);
        let skip = cx.facts.headers.as_ref().and_then(|h| h.spam.filter_skip());
        let header_bypass = skip == Some(FilterSkip::Rule);
        // Internal mail is never spam-filtered: its SCL -1 in a trace is no rule's doing.
        let trace_bypass = skip != Some(FilterSkip::Internal)
            && cx.facts.journeys.iter().any(|j| j.scl == Some(-1));
        if !header_bypass && !trace_bypass {
            return;
        }
        let gateway_rules: Vec<&str> = cx
            .facts
            .gateways
            .iter()
            .flat_map(|g| g.rules.iter().map(|(n, _)| n.as_str()))
            .collect();
        let rules: Vec<&str> = cx
            .facts
            .rules
            .iter()
            .map(|r| r.name.as_str())
            .filter(|n| !gateway_rules.contains(n))
            .collect();
        let cat = antispam.and_then(|a| a.cat.as_deref()).unwrap_or("");
        let failed = |v: Option<&String>| v.is_some_and(|r| AuthResult::parse(r).is_failure());
        let auth_failed = auth.is_some_and(|a| {
            failed(a.dmarc.as_ref())
                || failed(a.compauth.as_ref())
                || failed(a.spf.as_ref()) && failed(a.dkim.as_ref())
        });
        let risky = auth_failed
            || ["SPM", "PHSH", "HPHSH", "SPOOF", "HSPM", "BULK"]
                .iter()
                .any(|c| cat.eq_ignore_ascii_case(c));
        let rule_words = if rules.is_empty() {
            "a mail flow rule".to_owned()
        } else {
            format!(
                "{} '{}'",
                crate::words::noun(rules.len() as u64, "the rule", "the rules"),
                rules.join("', '")
            )
        };
        let mut evidence: Vec<String> = Vec::new();
        if let Some(a) = antispam {
            evidence.push(format!(
                "SFV:{} SCL:{} CAT:{}",
                a.sfv.as_deref().unwrap_or("-"),
                a.scl.map_or_else(|| "-".to_owned(), |s| s.to_string()),
                a.cat.as_deref().unwrap_or("-")
            ));
        }
        if let Some(a) = auth {
            evidence.push(format!(
                "spf={} dkim={} dmarc={} compauth={}",
                a.spf.as_deref().unwrap_or("-"),
                a.dkim.as_deref().unwrap_or("-"),
                a.dmarc.as_deref().unwrap_or("-"),
                a.compauth.as_deref().unwrap_or("-")
            ));
        }
        out.push(
            Finding::new(
                "spam-filter-bypassed-by-rule",
                if risky { Severity::Warning } else { Severity::Info },
                format!("Spam filtering was skipped (SCL -1) by {rule_words}"),
            )
            .detail(if risky {
                "The message skipped the spam filter although its authentication failed or the filter's category says spam/phish: the rule, not the filter, put it in the inbox. SCL -1 rules do not bypass malware or high-confidence phish, but they do let spoofing and spam through."
            } else {
                "The message skipped the spam filter (SFV:SKN / SCL -1): a mail flow rule marked it safe before filtering, so whatever the filter would have said, it was delivered."
            })
            .evidence_lines(evidence)
            .advice("An admin reviews the bypass rule: narrow it to authenticated senders (e.g. a header the gateway stamps, or DMARC pass), or replace it with Enhanced Filtering for the gateway's connector or a Tenant Allow/Block List entry."),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Scenario;

    #[test]
    fn a_bypass_of_a_failed_spoof_is_a_warning() {
        let scenario =
            Scenario::from_fixture("headers/verdicts/sfv-skn-bypass-rule-auth-failed.txt");
        let f = scenario.finding(&SpamBypass, "spam-filter-bypassed-by-rule");
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(f.evidence[0], "SFV:SKN SCL:-1 CAT:SPOOF");
        assert!(f.evidence[1].starts_with("spf=fail"), "{:?}", f.evidence);
    }

    #[test]
    fn silent_when_the_filter_ran_or_the_mail_is_internal() {
        let filtered = Scenario::from_sample("15-headers-junk-spam-verdict.txt");
        assert!(filtered.run(&SpamBypass).is_empty());
        let internal = Scenario::from_fixture("headers/internal-mapi.txt");
        assert!(internal.run(&SpamBypass).is_empty());
    }
}
