//! How the bounce itself reached the sender, from the bounce's own header block: a bounce
//! filed in Junk or quarantined is one the sender never saw, which is why "I never got an
//! error" tickets exist; its hops show how long it took.

use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity, Status};
use crate::step::Step;
use crate::words::{Units, duration};

/// Reads the bounce's own placement and transit.
pub struct BounceDelivery;

impl Analyzer for BounceDelivery {
    fn id(&self) -> &'static str {
        "headers-bounce-delivery"
    }

    fn codes(&self) -> &'static [&'static str] {
        &["bounce-delivered", "bounce-not-in-inbox", "bounce-route"]
    }

    fn step(&self) -> Step {
        Step::Headers
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(bounce) = cx.facts.bounce.as_ref() else {
            return;
        };
        let hops = bounce.hops.len();
        let transit: f64 = bounce
            .hops
            .iter()
            .filter_map(|h| h.delay_seconds)
            .filter(|d| *d > 0.0)
            .sum();
        let route = if hops == 0 {
            "its header block has no Received hops".to_owned()
        } else {
            format!(
                "it crossed {hops} hop{} in {}",
                if hops == 1 { "" } else { "s" },
                duration(transit.round() as i64, Units::Words)
            )
        };
        let evidence: Vec<String> = bounce
            .hops
            .iter()
            .take(8)
            .map(|h| {
                format!(
                    "hop {}: {} → {} {}",
                    h.index,
                    h.from.as_deref().unwrap_or("?"),
                    h.by.as_deref().unwrap_or("?"),
                    h.time.as_deref().unwrap_or_default()
                )
            })
            .collect();
        let finding = match &bounce.placement {
            Some((status @ (Status::Junk | Status::Quarantined), location)) => {
                let mut f = Finding::new(
                    "bounce-not-in-inbox",
                    Severity::Warning,
                    format!("The bounce itself went to: {location}"),
                )
                .detail(format!(
                    "The non-delivery report was {} at the sender's side, so the sender may never have seen it; {route}.",
                    if *status == Status::Junk { "filed in Junk" } else { "quarantined" }
                ));
                "Tell the sender the mail did not arrive and why; mark the bounce \"Not junk\" (or release it) so later bounces are seen.".clone_into(&mut f.advice);
                f
            }
            Some((_, location)) => Finding::new(
                "bounce-delivered",
                Severity::Info,
                format!("The bounce reached the sender: {location}"),
            )
            .detail(format!("The non-delivery report was delivered; {route}.")),
            None => Finding::new(
                "bounce-route",
                Severity::Info,
                "The bounce's own route to the sender",
            )
            .detail(format!(
                "The bounce's headers do not say where it was filed; {route}."
            )),
        };
        out.push(finding.evidence_lines(evidence));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{CaseMessage, HeaderSource, NdrReport};
    use crate::input::header_block::split_fields;
    use crate::testing::Scenario;

    fn run(headers: &str) -> Vec<Finding> {
        let block = split_fields(headers);
        let headers = crate::input::eml::describe(HeaderSource::Eml, block);
        let message = CaseMessage {
            ndrs: vec![NdrReport {
                bounce_headers: Some(Box::new(headers)),
                ..NdrReport::default()
            }],
            ..CaseMessage::default()
        };
        Scenario::from_message(message).run(&BounceDelivery)
    }

    #[test]
    fn a_bounce_filed_in_junk_says_so() {
        let out = run(
            "Received: from mx.example.net (192.0.2.7) by DM6PR01MB0001.namprd01.prod.outlook.com with Microsoft SMTP Server; Mon, 3 Feb 2025 10:00:05 +0000\r\nX-Forefront-Antispam-Report: CIP:192.0.2.7;CTRY:US;SFV:SPM;SCL:5;CAT:SPM;DIR:INB;\r\nX-Microsoft-Antispam-Mailbox-Delivery: ucf:0;jmr:0;auth:0;dest:J;OFR:SpamFilterJunk;\r\nFrom: MAILER-DAEMON@mx.example.net\r\nSubject: failure notice\r\n",
        );
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].code, "bounce-not-in-inbox");
        assert!(out[0].title.contains("Junk"), "{}", out[0].title);
    }

    #[test]
    fn silent_without_a_bounce_header_block() {
        assert!(Scenario::empty().run(&BounceDelivery).is_empty());
    }

    #[test]
    fn a_bounce_filed_in_the_inbox_was_delivered() {
        let scenario = Scenario::from_fixture("ndr/failed-bounce-in-inbox.eml");
        let f = scenario.finding(&BounceDelivery, "bounce-delivered");
        assert_eq!(f.severity, Severity::Info);
        assert!(f.title.contains("Inbox"), "{}", f.title);
    }

    #[test]
    fn a_delay_notice_in_junk_is_not_in_the_inbox() {
        let scenario = Scenario::from_fixture("ndr/delayed-two-recipients-in-junk.eml");
        let f = scenario.finding(&BounceDelivery, "bounce-not-in-inbox");
        assert!(f.severity >= Severity::Warning, "{:?}", f.severity);
    }

    #[test]
    fn a_bounce_without_mailbox_stamps_shows_its_route() {
        let scenario = Scenario::from_sample("06-ndr-5.1.10-recipient-not-found.txt");
        let f = scenario.finding(&BounceDelivery, "bounce-route");
        assert_eq!(f.severity, Severity::Info);
        assert!(
            f.detail
                .starts_with("The bounce's headers do not say where it was filed")
        );
    }
}
