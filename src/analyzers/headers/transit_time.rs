//! Time between hops: the total transit, hops slower than five minutes with whose side the
//! wait was on, clocks that go backwards (skew, never a delay) and the gap of a message that
//! was delivered and later forwarded (a gap, not a delay).

use super::{block, header_facts};
use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity};
use crate::facts::headers::{Operator, ReceivedChain, ReceivedHop};
use crate::step::Step;
use crate::verdict::perimeter::Perimeter;
use crate::words::{Units, duration};

/// Flags slow hops and clock skew, and states the transit time.
pub struct TransitTime;

/// A hop slower than this is worth a finding.
const SLOW_SECONDS: i64 = 5 * 60;

/// Headers that show a message was delivered once and sent on again.
const FORWARD_MARKERS: &[&str] = &[
    "X-Forwarded-To",
    "X-Forwarded-For",
    "Resent-From",
    "Resent-Date",
    "X-MS-Exchange-ForwardingLoop",
];

fn short(host: &str) -> String {
    host.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// True when the hop does not continue from the previous one (its sender is not the
/// previous receiver): the message left one system and entered another.
fn discontinuous(previous: &ReceivedHop, hop: &ReceivedHop) -> bool {
    match (previous.fields.by.as_deref(), hop.fields.from.as_deref()) {
        (Some(by), Some(from)) => short(by) != short(from),
        _ => false,
    }
}

/// Where a slow hop's wait was, why, and whether it was inside our perimeter (ours to
/// look into).
fn side(
    perimeter: &Perimeter,
    chain: &ReceivedChain,
    previous: &ReceivedHop,
    hop: &ReceivedHop,
) -> (&'static str, String, bool) {
    let entry = chain.entry_hop().map(|h| h.index);
    // Both ends inside the perimeter: our gateway or our own servers handing to Microsoft 365
    // (or to each other).
    if perimeter.hop_inside(hop.index) && perimeter.hop_inside(previous.index) {
        let gateway = perimeter
            .gateway
            .as_ref()
            .filter(|_| matches!(previous.operator, Operator::Gateway { .. }));
        return match gateway {
            Some(g) => (
                "inside our perimeter",
                format!("The wait was between our {name} gateway and Exchange Online, both ours: {name} queued the message, or Exchange Online deferred it (a 4.7.5xx 'Server busy' means the gateway's IPs are not on a matching inbound connector). Check {name}'s delivery queue and the message trace's Defer events.", name = g.display_name),
                true,
            ),
            None => (
                "inside our perimeter",
                "The wait was between two of our own servers (our on-premises Exchange or relay and Microsoft 365): check their queues and the connector between them.".to_owned(),
                true,
            ),
        };
    }
    let (where_, why) = outside_side(hop, entry);
    (where_, why, false)
}

fn outside_side(hop: &ReceivedHop, entry: Option<u32>) -> (&'static str, String) {
    match &hop.operator {
        Operator::Microsoft365 if Some(hop.index) == entry => (
            "between the sender's last server and Microsoft 365",
            "The sending server held the message before handing it to Exchange Online: it queued, retried after a temporary refusal (a 4xx deferral, often throttling of a new or poorly reputed IP), or was slow. The sender's mail admin can see why in their queue logs.".to_owned(),
        ),
        Operator::Microsoft365 => (
            "inside Microsoft 365",
            "Exchange Online itself held the message: scanning (Safe Attachments detonation), a service delay or a transport retry. Check the message trace for Defer events and the Microsoft 365 service health page.".to_owned(),
        ),
        Operator::Gateway { name, .. } => (
            "at the gateway",
            format!("The wait was at {name}: its queue, scanning or quarantine. Check its console for this message."),
        ),
        Operator::Recipient => (
            "after Microsoft 365 handed it on",
            "The wait was between Microsoft 365's last stamp and the receiving side's: Exchange Online queued or retried the hand-off (a message trace shows Defer events with the receiver's reply), or the receiving servers were slow. Past the hand-off only the recipient's mail admin can say why.".to_owned(),
        ),
        Operator::Sender | Operator::Unknown => (
            "on the sending side",
            "The wait was before the message reached Microsoft 365, on servers the sender runs; only the sender's mail admin can say why.".to_owned(),
        ),
    }
}

impl Analyzer for TransitTime {
    fn id(&self) -> &'static str {
        "headers-transit-time"
    }

    fn codes(&self) -> &'static [&'static str] {
        &[
            "clock-skew",
            "forward-gap",
            "slow-hop",
            "transit-time",
            "transit-time-unknown",
        ]
    }

    fn step(&self) -> Step {
        Step::Headers
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(facts) = header_facts(cx) else {
            return;
        };
        let chain = &facts.chain;
        let forwarded = block(cx).is_some_and(|b| {
            FORWARD_MARKERS.iter().any(|m| b.get(m).is_some()) || b.all("Delivered-To").count() > 1
        });
        let mut slow = 0usize;
        let mut gaps = 0usize;
        for pair in chain.hops.windows(2) {
            let [previous, hop] = pair else {
                continue;
            };
            if let Some(skew) = hop.skew_ms.map(|ms| ms / 1000) {
                out.push(
                    Finding::new(
                        "clock-skew",
                        Severity::Info,
                        format!("Hop {} is stamped {} before hop {}", hop.index, duration(-skew, Units::Words), previous.index),
                    )
                    .detail(format!("{} wrote a time earlier than the server before it: their clocks disagree. This is clock skew, not a delay, and no delay is computed for this hop.", hop.fields.by.as_deref().unwrap_or("The receiving server")))
                    .evidence(previous.line.clone())
                    .evidence(hop.line.clone()),
                );
            }
            let Some(delay) = hop
                .delay_ms
                .map(|ms| ms / 1000)
                .filter(|d| *d > SLOW_SECONDS)
            else {
                continue;
            };
            if forwarded && discontinuous(previous, hop) {
                gaps += 1;
                out.push(
                    Finding::new(
                        "forward-gap",
                        Severity::Info,
                        format!("{} between delivery and forwarding (hop {})", duration(delay, Units::Words), hop.index),
                    )
                    .detail("The message was delivered to one mailbox and later forwarded or re-sent from there: the gap is the time it sat in that mailbox, not a transport delay.")
                    .evidence(previous.line.clone())
                    .evidence(hop.line.clone()),
                );
                continue;
            }
            slow += 1;
            out.push(slow_hop(cx, chain, previous, hop, delay));
        }
        let timed: Vec<&ReceivedHop> = chain
            .hops
            .iter()
            .filter(|h| h.fields.date.is_some())
            .collect();
        let (Some(first), Some(last)) = (timed.first(), timed.last()) else {
            return;
        };
        if timed.len() < 2 {
            return;
        }
        match chain.total_ms.map(|ms| ms / 1000) {
            Some(total) => {
                let severity = if slow == 0 && total <= SLOW_SECONDS { Severity::Ok } else { Severity::Info };
                out.push(
                    Finding::new(
                        "transit-time",
                        severity,
                        if gaps == 0 {
                            format!("{} from the first to the last hop", duration(total, Units::Words))
                        } else {
                            format!("{} from the first to the last hop, most of it before forwarding", duration(total, Units::Words))
                        },
                    )
                    .detail(format!("From hop {} to hop {}; the first hop's time is the sender's server clock.", first.index, last.index))
                    .evidence(first.line.clone())
                    .evidence(last.line.clone()),
                );
            }
            None => out.push(
                Finding::new("transit-time-unknown", Severity::Info, "The transit time cannot be computed")
                    .detail("The last hop is stamped earlier than the first: server clocks disagree too much to compute a transit time.")
                    .evidence(first.line.clone())
                    .evidence(last.line.clone()),
            ),
        }
    }
}

/// A hop slower than the threshold, with the side of the perimeter it happened on.
fn slow_hop(
    cx: &Context<'_>,
    chain: &ReceivedChain,
    previous: &ReceivedHop,
    hop: &ReceivedHop,
    delay: i64,
) -> Finding {
    let (where_, why, ours) = side(&cx.decision.perimeter, chain, previous, hop);
    Finding::new(
            "slow-hop",
            Severity::Warning,
            format!("Hop {} took {} ({where_})", hop.index, duration(delay, Units::Words)),
        )
        .detail(format!("{} → {}: {why}", previous.route(), hop.route()))
        .evidence(previous.line.clone())
        .evidence(hop.line.clone())
        .advice(if ours {
            "The delay was inside our own mail path: an admin checks the gateway's or server's queue and the message trace's Defer events; it is not the sender's to fix."
        } else if hop.operator == Operator::Microsoft365 && Some(hop.index) != chain.entry_hop().map(|h| h.index) {
            "Run a message trace for this message and read its Defer events; check Microsoft 365 service health."
        } else {
            "Tell the user the delay happened before the message reached us; the sender's mail admin can check their queue."
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Scenario;

    #[test]
    fn a_quick_path_is_ok() {
        let scenario = Scenario::from_fixture("headers/user-rule-folder.txt");
        let f = scenario.finding(&TransitTime, "transit-time");
        assert_eq!(f.severity, Severity::Ok);
        assert_eq!(f.title, "1 second from the first to the last hop");
    }

    #[test]
    fn a_slow_hop_and_clock_skew_are_found() {
        let scenario = Scenario::from_fixture("headers/slow-hop-skew-bulk.txt");
        let slow = scenario.finding(&TransitTime, "slow-hop");
        assert_eq!(slow.severity, Severity::Warning);
        assert!(
            slow.title.starts_with("Hop 3 took 23 minutes"),
            "{}",
            slow.title
        );
        let skew = scenario.finding(&TransitTime, "clock-skew");
        assert_eq!(skew.title, "Hop 2 is stamped 39 seconds before hop 1");
    }

    #[test]
    fn a_wait_before_forwarding_is_a_gap_not_a_slow_hop() {
        let scenario = Scenario::from_fixture("headers/forwarded-a-day-later.txt");
        let gap = scenario.finding(&TransitTime, "forward-gap");
        assert_eq!(gap.severity, Severity::Info);
        assert!(
            !scenario
                .codes(&TransitTime)
                .contains(&"slow-hop".to_owned())
        );
    }

    #[test]
    fn hops_stamped_out_of_order_give_no_total() {
        let scenario = Scenario::from_fixture("headers/hops-out-of-order-bad-weekday.txt");
        let f = scenario.finding(&TransitTime, "transit-time-unknown");
        assert_eq!(f.severity, Severity::Info);
    }

    #[test]
    fn silent_without_headers() {
        let scenario = Scenario::from_sample("01-eac-copytext-delivered-singleline-enUS.txt");
        assert!(scenario.run(&TransitTime).is_empty());
    }
}
