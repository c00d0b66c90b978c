//! X-Microsoft-Antispam-Mailbox-Delivery (undocumented; community readings): the folder
//! the mailbox chose (`dest:I/J/C`) and why (`OFR:CustomRules` = the user's own rule), the
//! Junk folder without a spam verdict (the user's junk settings), and — unlike MHA — a
//! missing header on a quarantined, bounced or outgoing message is expected, not an error.

use super::{field_lines, header_facts};
use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity, Status};
use crate::step::Step;

/// Explains the mailbox's folder decision.
pub struct MailboxDelivery;

const HEADER: &str = "X-Microsoft-Antispam-Mailbox-Delivery";

impl Analyzer for MailboxDelivery {
    fn id(&self) -> &'static str {
        "headers-mailbox-delivery"
    }

    fn codes(&self) -> &'static [&'static str] {
        &[
            "inbox-despite-spam-verdict",
            "inbox-rule-moved-it",
            "junk-by-user-settings",
            "mailbox-folder",
            "no-mailbox-delivery-stamp",
        ]
    }

    fn step(&self) -> Step {
        Step::Headers
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(facts) = header_facts(cx) else {
            return;
        };
        let spam = &facts.spam;
        if spam.mailbox_delivery.is_empty() {
            if !spam.report.is_empty() {
                let why = match cx.decision.verdict.status {
                    Status::Quarantined => {
                        "the message was quarantined and never reached a mailbox"
                    }
                    Status::Blocked | Status::Failed => {
                        "the message was not delivered to a mailbox"
                    }
                    _ if !cx.message.ndrs.is_empty() => {
                        "these are the headers of a message that bounced"
                    }
                    _ => {
                        "the message has not been delivered to a mailbox in this organization (quarantine, outgoing mail, or headers copied before delivery)"
                    }
                };
                out.push(
                    Finding::new("no-mailbox-delivery-stamp", Severity::Info, "No mailbox delivery stamp — expected here")
                        .detail(format!("The mailbox writes {HEADER} when it files a message; it is missing because {why}. This is not an error."))
                        .evidence_lines(field_lines(cx, &["X-Forefront-Antispam-Report"])),
                );
            }
            return;
        }
        let evidence = field_lines(cx, &[HEADER, "X-Forefront-Antispam-Report"]);
        let dest = spam
            .mailbox_value("dest")
            .map(|d| d.trim().to_ascii_uppercase());
        let dest_field = spam
            .mailbox_delivery
            .iter()
            .find(|f| f.key.eq_ignore_ascii_case("dest"));
        let folder = dest_field
            .and_then(|f| f.value_meaning.clone())
            .unwrap_or_else(|| "an unknown folder".to_owned());
        let ofr = spam.mailbox_value("OFR").unwrap_or("");
        let sfv = spam.verdict("SFV").unwrap_or_default();
        let scl = spam.scl();
        let not_spam = spam.filter_said_not_spam();
        if ofr.eq_ignore_ascii_case("CustomRules") || dest.as_deref() == Some("C") {
            out.push(
                Finding::new("inbox-rule-moved-it", Severity::Warning, "The user's own inbox rule filed it")
                    .detail(format!("OFR:CustomRules / dest:C: an Outlook inbox rule of the recipient moved the message, not Exchange Online's filters. Folder: {folder} (This header is undocumented; community reading.)"))
                    .evidence_lines(evidence)
                    .advice("Check the user's inbox rules (Outlook > Rules, or Get-InboxRule -Mailbox user)."),
            );
            return;
        }
        if dest.as_deref() == Some("J") && not_spam {
            out.push(
                Finding::new("junk-by-user-settings", Severity::Warning, "In Junk although the spam filter said not spam")
                    .detail(format!("SFV:{} / SCL {}: the filter did not call it spam, yet the mailbox filed it in Junk{}. The user's own junk settings decided: the sender is on Blocked Senders, or 'Only trust email from my Safe Senders' (TrustedListsOnly) is on.", if sfv.is_empty() { "?" } else { sfv.as_str() }, scl.map_or_else(|| "?".to_owned(), |s| s.to_string()), if ofr.is_empty() { String::new() } else { format!(" (OFR:{ofr})") }))
                    .evidence_lines(evidence)
                    .advice("Check the user's junk email options (Get-MailboxJunkEmailConfiguration): Blocked Senders and TrustedListsOnly."),
            );
            return;
        }
        if dest.as_deref() == Some("I") && sfv == "SPM" {
            out.push(
                Finding::new("inbox-despite-spam-verdict", Severity::Info, "In the Inbox although filtered as spam")
                    .detail("SFV:SPM but dest:I: the user's Safe Senders, a policy action of 'no action / add X-header', or a rule kept it in the Inbox.")
                    .evidence_lines(evidence),
            );
            return;
        }
        out.push(
            Finding::new("mailbox-folder", Severity::Info, format!("The mailbox filed it in: {folder}"))
                .detail(format!(
                    "dest:{}{} (X-Microsoft-Antispam-Mailbox-Delivery is undocumented; this is the community reading).",
                    dest.as_deref().unwrap_or("?"),
                    if ofr.is_empty() { String::new() } else { format!(", OFR:{ofr}") }
                ))
                .evidence_lines(evidence),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Scenario;

    #[test]
    fn the_mailbox_folder_is_named() {
        let scenario = Scenario::from_sample("15-headers-junk-spam-verdict.txt");
        let f = scenario.finding(&MailboxDelivery, "mailbox-folder");
        assert_eq!(f.severity, Severity::Info);
        assert!(f.title.contains("Junk Email folder"), "{}", f.title);
    }

    #[test]
    fn the_users_own_rule_filed_it() {
        let scenario = Scenario::from_fixture("headers/user-rule-folder.txt");
        let f = scenario.finding(&MailboxDelivery, "inbox-rule-moved-it");
        assert_eq!(f.severity, Severity::Warning);
    }

    #[test]
    fn junk_without_a_spam_verdict_is_the_users_junk_settings() {
        let scenario = Scenario::from_fixture("headers/verdicts/junk-by-user-settings.txt");
        let f = scenario.finding(&MailboxDelivery, "junk-by-user-settings");
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.detail.contains("OFR:TrustedListsOnly"), "{}", f.detail);
    }

    #[test]
    fn inbox_despite_a_spam_verdict_is_noted() {
        let scenario = Scenario::from_fixture("headers/verdicts/inbox-despite-spam.txt");
        let f = scenario.finding(&MailboxDelivery, "inbox-despite-spam-verdict");
        assert_eq!(f.severity, Severity::Info);
    }

    #[test]
    fn headers_without_a_mailbox_stamp_say_so() {
        let scenario = Scenario::from_fixture("headers/outbound-to-webmail.txt");
        assert_eq!(
            scenario.codes(&MailboxDelivery),
            ["no-mailbox-delivery-stamp"]
        );
    }

    #[test]
    fn silent_without_headers() {
        let scenario = Scenario::from_sample("01-eac-copytext-delivered-singleline-enUS.txt");
        assert!(scenario.run(&MailboxDelivery).is_empty());
    }
}
