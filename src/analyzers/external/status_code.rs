//! NDR and defer codes explained: meaning, likely cause, whose side must act and the fix,
//! from the status-code table (RFC 3463 class and subject for codes it does not list).

use super::side_words;
use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity};
use crate::facts::{CodeOrigin, CodeSeen};
use crate::knowledge::status_codes::CodeCategory;
use crate::step::Step;

/// Explains the status codes seen.
pub struct StatusCode;

/// Distinct codes explained at most; the decisive one always comes first.
const MAX_CODES: usize = 5;

impl Analyzer for StatusCode {
    fn id(&self) -> &'static str {
        "external-status-code"
    }

    fn codes(&self) -> &'static [&'static str] {
        &["ndr-code", "status-code"]
    }

    fn step(&self) -> Step {
        Step::External
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let mut codes: Vec<&CodeSeen> = Vec::new();
        let decisive = cx.facts.decisive_code.as_ref();
        for code in decisive.into_iter().chain(cx.facts.codes.iter()) {
            if code.class() == 2 || codes.iter().any(|c| c.code == code.code) {
                continue;
            }
            codes.push(code);
        }
        for code in codes.into_iter().take(MAX_CODES) {
            out.push(explain(
                cx,
                code,
                decisive.is_some_and(|d| d.code == code.code),
            ));
        }
    }
}

fn explain(cx: &Context<'_>, code: &CodeSeen, decisive: bool) -> Finding {
    let entry = cx
        .knowledge
        .status_codes
        .explain_in(&code.code, &code.source_line);
    let side = cx
        .decision
        .perimeter
        .code_side(entry.side_for(code.generated_locally()), &code.source_line);
    let severity = match (code.class(), entry.category) {
        (_, CodeCategory::Scanning) => Severity::Info,
        (5, _) => Severity::Problem,
        _ => Severity::Warning,
    };
    let reply = code.reply.map(|r| format!("{r} ")).unwrap_or_default();
    let role = if decisive {
        "the decisive code"
    } else {
        "also seen"
    };
    let mut detail = vec![entry.meaning.trim_end().to_owned()];
    if !entry.cause.is_empty() {
        detail.push(format!("Likely cause: {}", entry.cause.trim_end()));
    }
    detail.push(format!("Whose side: {}.", side_words(side)));
    if code.from_remote {
        detail.push("The remote server answered with this code, not Exchange Online.".into());
    } else if code.origin == CodeOrigin::Ndr {
        detail.push("It comes from a non-delivery or delay report.".into());
    }
    if let Some(component) = &code.component {
        detail.push(format!("Component: {component}."));
    }
    if let Some(tag) = &code.antispam_tag {
        detail.push(format!(
            "{tag} is an internal Microsoft anti-spam rule id: quote it to Microsoft support, it has no public meaning."
        ));
    }
    if entry.is_generic() {
        detail.push("The code is not in Mailflow's table; this is the generic RFC 3463 meaning of its class and subject.".into());
    }
    let detail = detail.join(" ");
    let title_meaning = title_words(&entry.meaning);
    Finding::new(
        if decisive { "ndr-code" } else { "status-code" },
        severity,
        format!("{reply}{} ({role}): {title_meaning}", code.code),
    )
    .detail(detail)
    .evidence(code.source_line.clone())
    .advice(if entry.fix.is_empty() {
        "Read the full reply text with the recipient's or sender's admin; the code alone does not say more.".to_owned()
    } else {
        entry.fix.clone()
    })
}

/// The first clause of a meaning (up to its first `.` or `;`), at most 120 characters cut
/// at a word with an ellipsis: a finding's title, never a word cut in half.
fn title_words(meaning: &str) -> String {
    const LIMIT: usize = 120;
    let clause = meaning
        .split_terminator(['.', ';'])
        .next()
        .unwrap_or(meaning);
    let Some((cut, _)) = clause.char_indices().nth(LIMIT) else {
        return clause.to_owned();
    };
    let head = clause.get(..cut).unwrap_or(clause);
    let words = head.rsplit_once(' ').map_or(head, |(words, _)| words);
    format!("{}…", words.trim_end_matches([',', ' ']))
}

#[cfg(test)]
mod tests {
    use super::title_words;

    #[test]
    fn titles_end_at_the_first_clause_or_a_whole_word() {
        assert_eq!(
            title_words("Recipient not found: the address does not exist. More text."),
            "Recipient not found: the address does not exist"
        );
        let long = "word ".repeat(40);
        let title = title_words(&long);
        assert!(title.ends_with("word…"), "{title}");
        assert!(title.chars().count() <= 121, "{title}");
    }

    #[test]
    fn the_decisive_code_is_explained_with_its_side() {
        use crate::testing::Scenario;
        let scenario = Scenario::from_sample("06-ndr-5.1.10-recipient-not-found.txt");
        let f = scenario.finding(&super::StatusCode, "ndr-code");
        assert!(
            f.title.contains("5.1.10 (the decisive code)"),
            "{}",
            f.title
        );
        let delayed = Scenario::from_fixture("ndr/delayed-en.txt");
        let out = delayed.run(&super::StatusCode);
        let also = out
            .iter()
            .find(|f| f.code == "status-code" && f.title.contains("4.4.7 (also seen)"))
            .unwrap_or_else(|| panic!("{out:#?}"));
        assert_eq!(also.severity, crate::diagnosis::Severity::Warning);
    }

    #[test]
    fn silent_without_a_status_code() {
        let scenario =
            crate::testing::Scenario::from_sample("01-eac-copytext-delivered-singleline-enUS.txt");
        assert!(scenario.run(&super::StatusCode).is_empty());
    }
}
