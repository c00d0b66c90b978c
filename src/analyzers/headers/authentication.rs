//! SPF, DKIM, DMARC and composite authentication as Microsoft 365 recorded them, each
//! result explained; Authentication-Results stamped by other servers, or before the
//! message reached Microsoft 365, are named and set aside rather than believed.

use super::{field_lines, header_facts};
use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity};
use crate::facts::headers::AuthResult;
use crate::facts::headers::{AuthAuthority, AuthResults, Compauth, HeaderFacts, MethodResult};
use crate::step::Step;
use crate::verdict::perimeter::{OurGateway, Perimeter};

/// Explains the trusted Authentication-Results.
pub struct Authentication;

fn meaning(method: &str, result: &MethodResult) -> String {
    let word = result.result.as_str();
    let text = match (method, word) {
        ("spf", "fail" | "hardfail") => {
            "the sending IP is not allowed by the MailFrom domain's SPF record".to_owned()
        }
        ("spf", "softfail") => {
            "the MailFrom domain's SPF record says the sending IP is probably not allowed (~all)"
                .to_owned()
        }
        ("spf", "neutral") => {
            "the SPF record makes no statement about the sending IP (?all)".to_owned()
        }
        ("spf", "none") => "the MailFrom domain has no SPF record".to_owned(),
        ("spf" | "dkim" | "dmarc", "temperror") => {
            "a temporary DNS error prevented the check".to_owned()
        }
        ("spf" | "dkim" | "dmarc", "permerror") => {
            "the published record is broken (syntax or too many DNS lookups)".to_owned()
        }
        ("dkim", "none") => "the message was not DKIM-signed".to_owned(),
        ("dkim", "fail") => format!(
            "a DKIM signature did not verify{}",
            result
                .comment
                .as_deref()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default()
        ),
        ("dmarc", "fail") => format!(
            "neither SPF nor DKIM passed for a domain aligned with the From domain{}",
            result
                .action
                .as_deref()
                .map(action_words)
                .unwrap_or_default()
        ),
        ("dmarc", "none") => "the From domain publishes no DMARC record".to_owned(),
        ("dmarc", "bestguesspass") => "no DMARC record, but it would have passed".to_owned(),
        _ => format!("result {word}"),
    };
    let domain = match method {
        "spf" => result.property("smtp.mailfrom"),
        "dkim" => result.property("header.d"),
        "dmarc" => result.property("header.from"),
        _ => None,
    }
    .filter(|d| !d.eq_ignore_ascii_case("none"));
    match domain {
        Some(d) => format!("{method}={word} for {d}: {text}"),
        None => format!("{method}={word}: {text}"),
    }
}

fn action_words(action: &str) -> String {
    match action.to_ascii_lowercase().as_str() {
        "none" => "; the domain's policy asks for no action (p=none)".to_owned(),
        "oreject" => "; the domain's policy is p=reject and Exchange Online treated it as its own verdict (junk or quarantine) instead of rejecting".to_owned(),
        "reject" => "; the domain's policy is p=reject".to_owned(),
        "quarantine" => "; the domain's policy is p=quarantine".to_owned(),
        "pct.quarantine" | "pct.reject" => "; the domain's policy would act, but this message was sampled out by pct<100".to_owned(),
        other => format!("; action={other}"),
    }
}

/// The advice for an authentication or spoof verdict our own gateway caused (Enhanced
/// Filtering off, a body it rewrote): ours to fix, never the sender's; `None` otherwise.
pub(super) fn ours_to_fix(cx: &Context<'_>) -> Option<String> {
    let perimeter = &cx.decision.perimeter;
    let gateway = perimeter
        .gateway
        .as_ref()
        .filter(|_| perimeter.auth_fault_inside())?;
    Some(format!(
        "This verdict follows from the authentication our {name} gateway broke (see the authentication finding): an admin turns on Enhanced Filtering for Connectors on the inbound connector for {name} and stops the gateway from changing the body. Do not ask the sender to change their records or add an allow entry for them.",
        name = gateway.display_name
    ))
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

fn authserv(results: &AuthResults) -> String {
    results
        .authserv_id
        .clone()
        .unwrap_or_else(|| "(no authserv-id)".to_owned())
}

impl Analyzer for Authentication {
    fn id(&self) -> &'static str {
        "headers-authentication"
    }

    fn codes(&self) -> &'static [&'static str] {
        &[
            "authentication-failed",
            "authentication-failed-inside-perimeter",
            "authentication-from-other-receiver",
            "authentication-passed",
            "authentication-results-internal",
            "authentication-results-missing",
            "authentication-results-out-of-place",
            "compauth-explained",
            "other-authentication-results",
        ]
    }

    fn step(&self) -> Step {
        Step::Headers
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(facts) = header_facts(cx) else {
            return;
        };
        let auth = &facts.auth;
        let Some(trusted) = auth.trusted() else {
            no_trusted_results(cx, facts, out);
            return;
        };
        let mut evidence_lines = vec![format!(
            "{}: {}",
            trusted.header,
            trusted.value.chars().take(800).collect::<String>()
        )];
        evidence_lines.extend(auth.received_spf.first().map(|spf| {
            format!(
                "Received-SPF: {}",
                spf.value.chars().take(400).collect::<String>()
            )
        }));
        if auth.authority == AuthAuthority::OtherReceiver {
            out.push(
                Finding::new(
                    "authentication-from-other-receiver",
                    Severity::Info,
                    format!("Authentication results from {}, not Microsoft 365", authserv(trusted)),
                )
                .detail("No Authentication-Results written by Microsoft 365 was found; the topmost one from another receiving system is reported instead.")
                .evidence_lines(evidence_lines.clone()),
            );
        }
        if auth.trusted_out_of_place {
            out.push(
                Finding::new(
                    "authentication-results-out-of-place",
                    Severity::Info,
                    "Microsoft's Authentication-Results sits below the hop where it received the message",
                )
                .detail("Exchange Online writes its Authentication-Results above the Received header of the hop where it took the message in. Here it is below: the headers were reordered when copied, or the line was written by someone else before the message arrived. It is used, with that caveat.")
                .evidence_lines(evidence_lines.clone()),
            );
        }
        methods_verdict(cx, trusted, &evidence_lines, out);
        if let Some(compauth) = &auth.compauth {
            out.push(compauth_finding(cx, compauth, &evidence_lines));
        }
        let ignored: Vec<&AuthResults> = auth
            .results
            .iter()
            .enumerate()
            .filter(|(i, r)| {
                Some(*i) != auth.trusted && r.header.eq_ignore_ascii_case("Authentication-Results")
            })
            .map(|(_, r)| r)
            .collect();
        if !ignored.is_empty() {
            let entry = facts.chain.entry_hop().map(|h| h.position);
            let names: Vec<String> = ignored
                .iter()
                .map(|r| {
                    let when = if entry.is_some_and(|p| r.position > p) {
                        "stamped before Microsoft 365 received the message"
                    } else {
                        "stamped by another server"
                    };
                    format!("{} ({when})", authserv(r))
                })
                .collect();
            out.push(
                Finding::new(
                    "other-authentication-results",
                    Severity::Info,
                    format!("{} other Authentication-Results set aside", ignored.len()),
                )
                .detail(format!("Only the results Microsoft 365 wrote are used: {}. Results stamped before the message reached Microsoft 365 can be written by anyone, including a spoofer.", names.join("; ")))
                .evidence_lines(ignored.iter().map(|r| format!("{}: {}", r.header, r.value.chars().take(400).collect::<String>()))),
            );
        }
    }
}

/// No Authentication-Results to trust: internal mail, or a partial paste.
fn no_trusted_results(cx: &Context<'_>, facts: &HeaderFacts, out: &mut Vec<Finding>) {
    if facts.spam.internal() {
        out.push(
            Finding::new("authentication-results-internal", Severity::Info, "No Authentication-Results: internal mail")
                .detail("Exchange Online stamps Authentication-Results on mail it receives from outside; the organization's own stamps say this message came from inside it, so SPF, DKIM and DMARC were not checked and need not be.")
                .evidence_lines(field_lines(cx, &["X-MS-Exchange-Organization-AuthAs", "X-MS-Exchange-Organization-MessageDirectionality"])),
        );
    } else if facts.chain.reached_microsoft() && facts.spam.stamped() {
        out.push(
            Finding::new("authentication-results-missing", Severity::Info, "No Authentication-Results from Microsoft 365")
                .detail("Exchange Online stamps Authentication-Results on mail it receives from outside; its absence means internal mail, or a partial paste of the headers.")
                .advice("If the mail came from outside, ask for the complete headers."),
        );
    }
}

/// SPF, DKIM and DMARC of the trusted results: passed, failed at the sender, or failed
/// because of our own gateway.
fn methods_verdict(
    cx: &Context<'_>,
    trusted: &AuthResults,
    evidence_lines: &[String],
    out: &mut Vec<Finding>,
) {
    let mut failures = Vec::new();
    let mut passes = Vec::new();
    for method in ["spf", "dkim", "dmarc"] {
        let Some(result) = (if method == "dkim" {
            trusted
                .all("dkim")
                .find(|r| r.result.is_pass())
                .or_else(|| trusted.first("dkim"))
        } else {
            trusted.first(method)
        }) else {
            continue;
        };
        if result.result.is_pass() {
            passes.push(meaning(method, result));
        } else {
            failures.push(meaning(method, result));
        }
    }
    if failures.is_empty() && !passes.is_empty() {
        out.push(
            Finding::new(
                "authentication-passed",
                Severity::Ok,
                "SPF, DKIM and DMARC passed",
            )
            .detail(passes.join("; "))
            .evidence_lines(evidence_lines.to_vec()),
        );
    } else if !failures.is_empty() {
        let dmarc_failed = trusted
            .first("dmarc")
            .is_some_and(|d| d.result == AuthResult::Fail);
        let methods = failures
            .iter()
            .map(|f| f.split(':').next().unwrap_or(""))
            .collect::<Vec<_>>()
            .join(", ");
        let perimeter = &cx.decision.perimeter;
        let detail = failures
            .iter()
            .chain(passes.iter())
            .cloned()
            .collect::<Vec<_>>()
            .join("; ");
        let finding = match perimeter.gateway.as_ref().filter(|_| perimeter.auth_fault_inside()) {
            Some(gateway) => failed_inside_perimeter(perimeter, gateway, &methods, &detail),
            None => Finding::new(
                "authentication-failed",
                if dmarc_failed { Severity::Warning } else { Severity::Info },
                format!("Authentication did not fully pass ({methods})"),
            )
            .detail(detail)
            .advice("Authentication is the sender's to fix: their SPF record must include the sending service, the service must DKIM-sign with the From domain, and DMARC needs one of them aligned. Send them this finding."),
        };
        out.push(finding.evidence_lines(evidence_lines.to_vec()));
    }
}

/// Authentication failed because of our gateway: Enhanced Filtering off, or the gateway
/// changed the body after the sender signed it.
fn failed_inside_perimeter(
    perimeter: &Perimeter,
    gateway: &OurGateway,
    methods: &str,
    detail: &str,
) -> Finding {
    let mut why = Vec::new();
    if perimeter.spf_against_gateway {
        why.push(format!(
            "Exchange Online checked SPF against {}'s own IP ({}) because Enhanced Filtering for Connectors is off, so the sender's SPF record could never match",
            gateway.display_name,
            perimeter.spf_ip.as_deref().unwrap_or("the gateway's address")
        ));
    }
    if perimeter.body_rewritten_by_gateway {
        why.push(format!(
            "the body changed after the sender signed it, and {} is the only system between the sender's server and Exchange Online, so it broke the DKIM signature",
            gateway.display_name
        ));
    }
    Finding::new(
        "authentication-failed-inside-perimeter",
        Severity::Warning,
        format!("Authentication failed because of our {} gateway, not the sender ({methods})", gateway.display_name),
    )
    .detail(format!("{}. {detail}", capitalise(&why.join("; and "))))
    .advice({
        let mut fixes = Vec::new();
        if perimeter.spf_against_gateway {
            fixes.push(format!(
                "turns on Enhanced Filtering for Connectors on the inbound connector for {} (so Exchange Online judges {})",
                gateway.display_name,
                perimeter.sender_ip.as_deref().map_or_else(|| "the original sender".to_owned(), |ip| format!("the original sender, {ip}"))
            ));
        }
        if perimeter.body_rewritten_by_gateway {
            fixes.push(format!("stops {} from changing the body before Exchange Online checks DKIM", gateway.display_name));
        }
        format!("This is ours to fix, not the sender's: an admin {}. Do not ask the sender to change their records.", fixes.join(" and "))
    })
}

/// Composite authentication's result and reason, explained.
fn compauth_finding(cx: &Context<'_>, compauth: &Compauth, evidence_lines: &[String]) -> Finding {
    let reason = compauth.reason.as_deref().unwrap_or("?");
    let severity = match compauth.result {
        AuthResult::Pass => Severity::Ok,
        AuthResult::Fail => Severity::Warning,
        _ => Severity::Info,
    };
    Finding::new(
            "compauth-explained",
            severity,
            format!("Composite authentication: {} (reason {reason})", compauth.result),
        )
        .detail(format!(
            "{} Microsoft's composite authentication combines SPF, DKIM, DMARC, ARC and its own sender intelligence; a failure does not always mean the message was blocked.",
            compauth.meaning.as_deref().unwrap_or("This reason code is not in the documented table.")
        ))
        .evidence_lines(evidence_lines.to_vec())
        .advice(ours_to_fix(cx).or_else(|| compauth.advice.clone()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Scenario;

    #[test]
    fn a_clean_pass_is_ok_and_compauth_is_explained() {
        let scenario = Scenario::from_fixture("headers/user-rule-folder.txt");
        let f = scenario.finding(&Authentication, "authentication-passed");
        assert_eq!(f.severity, Severity::Ok);
        assert!(
            f.evidence.iter().any(|e| e.contains("compauth=pass")),
            "{:?}",
            f.evidence
        );
    }

    #[test]
    fn a_failure_names_the_failed_methods() {
        let scenario = Scenario::from_fixture("headers/own-domain-spoof.txt");
        let f = scenario.finding(&Authentication, "authentication-failed");
        assert!(f.severity >= Severity::Warning, "{:?}", f.severity);
        assert!(f.title.contains("spf=fail"), "{}", f.title);
        let compauth = scenario.finding(&Authentication, "compauth-explained");
        assert!(compauth.title.contains("601"), "{}", compauth.title);
    }

    #[test]
    fn internal_mail_needs_no_authentication_results() {
        let scenario = Scenario::from_fixture("headers/internal-mapi.txt");
        let f = scenario.finding(&Authentication, "authentication-results-internal");
        assert_eq!(f.severity, Severity::Info);
    }

    #[test]
    fn results_from_another_receiver_are_not_ours() {
        let scenario = Scenario::from_fixture("headers/gmail-no-exo.eml");
        let f = scenario.finding(&Authentication, "authentication-from-other-receiver");
        assert!(!f.evidence.is_empty());
    }

    #[test]
    fn silent_without_headers() {
        let scenario = Scenario::from_sample("01-eac-copytext-delivered-singleline-enUS.txt");
        assert!(scenario.run(&Authentication).is_empty());
    }

    #[test]
    fn microsoft_stamps_without_authentication_results_are_noted() {
        let scenario = Scenario::from_fixture("headers/verdicts/no-authentication-results.txt");
        let f = scenario.finding(&Authentication, "authentication-results-missing");
        assert_eq!(f.severity, Severity::Info);
    }

    #[test]
    fn a_failure_caused_by_our_own_gateway_is_ours() {
        let scenario = Scenario::from_fixture("who_acts/gateway-body-rewrite.eml");
        let f = scenario.finding(&Authentication, "authentication-failed-inside-perimeter");
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.title.contains("our Mimecast gateway"), "{}", f.title);
    }

    #[test]
    fn results_below_the_entry_hop_and_foreign_results_are_set_aside() {
        let misplaced = Scenario::from_sample("15-headers-junk-spam-verdict.txt");
        let f = misplaced.finding(&Authentication, "authentication-results-out-of-place");
        assert_eq!(f.severity, Severity::Info);
        let forwarded = Scenario::from_fixture("headers/list-arc-forward.eml");
        let f = forwarded.finding(&Authentication, "other-authentication-results");
        assert_eq!(f.title, "1 other Authentication-Results set aside");
    }
}
