//! Each recipient a bounce names, with its own reply and reason: a bounce for several
//! recipients can fail them for different reasons (one address mistyped, one mailbox full),
//! and a reply without an enhanced status code still says why in its words. The decisive
//! code alone is explained by the status-code analyzer; this one speaks when a bounce names
//! more than one failure or a failure that code does not cover.

use crate::analyzers::{Analyzer, Context};
use crate::case::RecipientFailure;
use crate::diagnosis::{Finding, Severity};
use crate::knowledge::bounce_phrases::BouncePhrases;
use crate::step::Step;

/// Explains every failed recipient of the message's bounces.
pub struct BounceRecipients;

/// Recipients listed at most; a bounce for a whole distribution list can name hundreds.
const MAX_RECIPIENTS: usize = 20;

impl Analyzer for BounceRecipients {
    fn id(&self) -> &'static str {
        "external-bounce-recipients"
    }

    fn codes(&self) -> &'static [&'static str] {
        &["bounce-recipient-delayed", "bounce-recipient-failed"]
    }

    fn step(&self) -> Step {
        Step::External
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let failures: Vec<&RecipientFailure> = cx
            .message
            .ndrs
            .iter()
            .flat_map(|n| n.failures.iter())
            .collect();
        let several = failures.len() > 1;
        for failure in failures.into_iter().take(MAX_RECIPIENTS) {
            if several || failure.status_code.is_none() {
                out.push(finding(failure));
            }
        }
    }
}

fn finding(failure: &RecipientFailure) -> Finding {
    let delayed = failure.action.as_deref() == Some("delayed");
    let reply = [
        failure.smtp_reply.map(|r| r.to_string()),
        failure.status_code.clone(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let why = failure
        .reason
        .map_or("the reply does not say why in words Mailflow knows", |r| {
            r.describe()
        });
    let verb = if delayed { "is delayed" } else { "failed" };
    let title = if reply.is_empty() {
        format!("{} {verb}: {why}", failure.address)
    } else {
        format!("{} {verb} ({reply}): {why}", failure.address)
    };
    let mut f = Finding::new(
        if delayed {
            "bounce-recipient-delayed"
        } else {
            "bounce-recipient-failed"
        },
        if delayed {
            Severity::Warning
        } else {
            Severity::Problem
        },
        title,
    );
    f.detail = match (&failure.status_code, &failure.remote_server) {
        (None, _) => "The reply has an SMTP reply code but no enhanced status code; the reason is read from its words.".to_owned(),
        (Some(_), Some(server)) => format!("The recipient's server {server} gave this reply."),
        (Some(_), None) => "The bounce gives this reply for the recipient.".to_owned(),
    };
    f.evidence = failure.diagnostic.iter().cloned().collect();
    if let Some(advice) = failure
        .reason
        .and_then(|r| BouncePhrases::embedded().advice(r))
    {
        advice.clone_into(&mut f.advice);
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{CaseMessage, NdrReport};
    use crate::knowledge::bounce_phrases::BounceReason;

    fn run(failures: Vec<RecipientFailure>) -> Vec<Finding> {
        let message = CaseMessage {
            ndrs: vec![NdrReport {
                failures,
                ..NdrReport::default()
            }],
            ..CaseMessage::default()
        };
        crate::testing::Scenario::from_message(message).run(&BounceRecipients)
    }

    fn failure(address: &str, code: Option<&str>, reason: BounceReason) -> RecipientFailure {
        RecipientFailure {
            address: address.into(),
            status_code: code.map(str::to_owned),
            smtp_reply: Some(550),
            diagnostic: Some("550 reply".into()),
            reason: Some(reason),
            ..RecipientFailure::default()
        }
    }

    #[test]
    fn every_recipient_of_a_bounce_for_several_gets_its_reason() {
        let out = run(vec![
            failure(
                "a@example.org",
                Some("5.2.1"),
                BounceReason::MailboxDisabled,
            ),
            failure("b@example.org", Some("5.2.2"), BounceReason::MailboxFull),
        ]);
        assert_eq!(out.len(), 2);
        assert!(out[0].title.starts_with("a@example.org failed (550 5.2.1)"));
        assert!(out[1].title.contains("mailbox is full"));
        assert!(out[1].advice.contains("free space"));
    }

    #[test]
    fn one_failure_with_a_code_is_left_to_the_status_code_analyzer() {
        assert!(
            run(vec![failure(
                "a@example.org",
                Some("5.1.1"),
                BounceReason::UserUnknown
            )])
            .is_empty()
        );
        let out = run(vec![failure(
            "a@example.org",
            None,
            BounceReason::UserUnknown,
        )]);
        assert_eq!(out.len(), 1);
        assert!(out[0].detail.contains("no enhanced status code"));
    }

    #[test]
    fn a_delay_notice_for_several_recipients_says_delayed() {
        let scenario =
            crate::testing::Scenario::from_fixture("ndr/delayed-two-recipients-in-junk.eml");
        let out = scenario.run(&BounceRecipients);
        let codes: Vec<&str> = out.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(
            codes,
            ["bounce-recipient-delayed", "bounce-recipient-delayed"]
        );
        assert!(
            out[0].title.starts_with("ana@example.org is delayed"),
            "{}",
            out[0].title
        );
    }
}
