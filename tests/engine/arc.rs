//! `authentication.arc` and the ARC override: Microsoft's own ARC-Authentication-Results
//! say what ARC is; when they do not, the newest seal's `cv=` does.

use mailflow::diagnosis::Diagnosis;

use super::support;

fn fixture() -> String {
    std::fs::read_to_string(support::fixture("headers/arc-microsoft-sealed-list.txt"))
        .expect("fixture")
}

fn arc(d: &Diagnosis) -> Option<&str> {
    d.authentication.as_ref().and_then(|a| a.arc.as_deref())
}

/// The argument of Microsoft's `arc=pass (0 oda=1 …)` in its own instance.
const MICROSOFT_SAYS: &str = "arc=pass (0 oda=1 ltdi=1\n spf=[1,1,smtp.mailfrom=example.org] dkim=[1,1,header.d=example.org]\n dmarc=[1,1,header.from=example.org])";

#[test]
fn microsofts_arc_authentication_results_decide_and_reason_130_is_explained() {
    let text = fixture();
    assert!(text.contains(MICROSOFT_SAYS));
    let d = support::diagnose_text("headers.txt", &text);
    assert_eq!(arc(&d), Some("pass"));
    let auth = d.authentication.as_ref().expect("authentication");
    assert_eq!(auth.dmarc.as_deref(), Some("fail"));
    assert_eq!(auth.compauth_reason.as_deref(), Some("130"));
    let overrode = d
        .steps
        .iter()
        .flat_map(|s| &s.findings)
        .find(|f| f.code == "arc-overrode-dmarc")
        .expect("reason 130 is explained");
    assert!(
        overrode
            .title
            .contains("trusted ARC sealer overrode the failure"),
        "{}",
        overrode.title
    );
    assert!(
        overrode.detail.contains("lists.example.net"),
        "{}",
        overrode.detail
    );
    assert!(
        overrode
            .evidence
            .iter()
            .any(|e| e.contains("mx.microsoft.com")),
        "{:?}",
        overrode.evidence
    );

    // Microsoft's word wins over the seal's.
    let failed = text.replace(MICROSOFT_SAYS, "arc=fail (47)");
    assert_eq!(
        arc(&support::diagnose_text("headers.txt", &failed)),
        Some("fail")
    );
}

#[test]
fn without_microsofts_arc_result_the_newest_seals_cv_is_reported() {
    let silent = fixture().replace(&format!("; {MICROSOFT_SAYS}"), "");
    assert!(
        !silent.contains(" arc=pass"),
        "dmarc=pass stays, arc=pass is gone"
    );
    assert_eq!(
        arc(&support::diagnose_text("headers.txt", &silent)),
        Some("pass")
    );

    // Only the list's instance: its seal found no chain before it.
    let first_only: String = silent
        .split_inclusive('\n')
        .skip_while(|l| !l.starts_with("Received: from BN9PR03CA0123"))
        .collect();
    let first_only = format!(
        "Received: from SA1PR04MB8123.namprd04.prod.outlook.com (2603:10b6:806:2c::9)\n by SJ0PR04MB7777.namprd04.prod.outlook.com with HTTPS; Wed, 19 Mar 2025\n 09:14:33 +0000\n{first_only}"
    );
    assert_eq!(
        arc(&support::diagnose_text("headers.txt", &first_only)),
        Some("none")
    );
}
