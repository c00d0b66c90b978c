//! Journeys: a message relayed to a gateway or smart host and back makes two journeys; the
//! first one's "Delivered" only means "handed on".

use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity};
use crate::step::Step;
use crate::words::{Units, duration};

/// Counts journeys and explains hand-offs and returns.
pub struct Journeys;

impl Analyzer for Journeys {
    fn id(&self) -> &'static str {
        "trace-journeys"
    }

    fn codes(&self) -> &'static [&'static str] {
        &[
            "gateway-hand-off-and-return",
            "gateway-never-returned",
            "handed-to-remote-server",
            "smart-host-hand-off",
            "trace-several-journeys",
        ]
    }

    fn step(&self) -> Step {
        Step::Trace
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let facts = cx.facts;
        if facts.journeys.len() > 1 {
            let lines = facts.journeys.iter().enumerate().map(|(n, j)| {
                format!(
                    "Journey {}: {}{}",
                    n + 1,
                    j.status.label(),
                    j.location
                        .as_ref()
                        .map(|l| format!(" — {l}"))
                        .unwrap_or_default()
                )
            });
            out.push(
                Finding::new("trace-several-journeys", Severity::Info, format!("The message made {} journeys through Exchange Online", facts.journeys.len()))
                    .detail("Each trace record is one journey. A message sent out to a security gateway or smart host and returned shows up twice with the same Message-ID; the outcome is the last journey's.")
                    .evidence_lines(lines),
            );
        }
        for (n, journey) in facts.journeys.iter().enumerate() {
            let Some(hand) = &journey.hand_off else {
                continue;
            };
            let later = facts.journeys.get(n + 1..).unwrap_or_default();
            let returned = later
                .iter()
                .find(|j| j.recipients == journey.recipients || journey.recipients.is_empty());
            let target = hand
                .host
                .clone()
                .or_else(|| hand.ip.clone())
                .unwrap_or_else(|| "an external host".into());
            let vendor = hand
                .vendor
                .as_deref()
                .and_then(|id| cx.knowledge.vendors.profiles.iter().find(|p| p.id == id));
            match (vendor, returned) {
                (Some(profile), Some(back)) => {
                    let dwell = match (journey.end, back.start) {
                        (Some(out), Some(back)) => {
                            let seconds = (back - out).num_seconds();
                            if seconds >= 0 {
                                format!(
                                    " It came back after about {}.",
                                    duration(seconds, Units::Words)
                                )
                            } else {
                                String::new()
                            }
                        }
                        _ => String::new(),
                    };
                    out.push(
                        Finding::new("gateway-hand-off-and-return", Severity::Info, format!("Handed to {} and returned", profile.display_name))
                            .detail(format!("Journey {} sent the message to {target} ({}); its \"Delivered\" only means handed to the gateway. Journey {} is the message coming back from the gateway.{dwell}", n + 1, profile.display_name, n + 2))
                            .evidence(journey.location.as_ref().map(ToString::to_string).unwrap_or_default()),
                    );
                }
                (Some(profile), None) if profile.expected_journeys > 1 => {
                    out.push(
                        Finding::new("gateway-never-returned", Severity::Problem, format!("Handed to {} and never came back", profile.display_name))
                            .detail(format!("Journey {} sent the message to {target} for scanning, and no later journey shows {} returning it to Microsoft 365. The message is held, dropped or delayed at the gateway.", n + 1, profile.display_name))
                            .evidence(journey.location.as_ref().map(ToString::to_string).unwrap_or_default())
                            .advice(format!("Look the message up in the {} console (quarantine, message log) by Message-ID; if the trace was run right after sending, run it again in 10 minutes.", profile.display_name)),
                    );
                }
                _ if hand.via_connector => {
                    out.push(
                        Finding::new("smart-host-hand-off", Severity::Info, "Handed to a smart host through an organisation connector")
                            .detail(format!("The message left Microsoft 365 through {} to {target}. \"Delivered\" means the smart host accepted it, not that it reached a mailbox.", hand.connector.as_deref().map_or("a connector".to_owned(), |c| format!("the connector '{c}'"))))
                            .evidence(journey.location.as_ref().map(ToString::to_string).unwrap_or_default())
                            .advice("Follow the message in the smart host's own logs."),
                    );
                }
                _ => {
                    out.push(
                        Finding::new("handed-to-remote-server", Severity::Info, "Handed to the recipient's mail server")
                            .detail(format!("Microsoft 365 delivered the message to {target}. That is the end of what a message trace can see: whether it reached the inbox is up to the receiving side."))
                            .evidence(journey.location.as_ref().map(ToString::to_string).unwrap_or_default())
                            .advice("Ask the recipient's IT to search their logs for the Message-ID; give them the time and the destination IP."),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn each_hand_off_says_where_the_message_went() {
        use crate::diagnosis::Severity;
        use crate::testing::Scenario;
        let inky = Scenario::from_sample("11-eac-copytext-inky-two-journeys.txt");
        let f = inky.finding(&super::Journeys, "gateway-hand-off-and-return");
        assert_eq!(f.severity, Severity::Info);
        assert!(
            f.detail.contains("It came back after about 1 minute."),
            "{}",
            f.detail
        );
        let several = inky.finding(&super::Journeys, "trace-several-journeys");
        assert_eq!(several.evidence.len(), 2, "{:?}", several.evidence);
        let lost = Scenario::from_sample("12b-graph-getdetailsbyrecipient-inky-journey1.json");
        let f = lost.finding(&super::Journeys, "gateway-never-returned");
        assert_eq!(f.severity, Severity::Problem);
        let remote = Scenario::from_fixture("trace/eac-outbound-deferred-then-sent.txt");
        let f = remote.finding(&super::Journeys, "handed-to-remote-server");
        assert!(f.detail.contains("mail.example.org"), "{}", f.detail);
        let relay = Scenario::from_fixture("trace/eac-outbound-smart-host-connector.txt");
        let f = relay.finding(&super::Journeys, "smart-host-hand-off");
        assert!(
            f.detail.contains("the connector 'Outbound via relay'"),
            "{}",
            f.detail
        );
    }

    #[test]
    fn silent_on_one_journey_into_a_mailbox() {
        let scenario =
            crate::testing::Scenario::from_sample("01-eac-copytext-delivered-singleline-enUS.txt");
        assert!(scenario.run(&super::Journeys).is_empty());
    }
}
