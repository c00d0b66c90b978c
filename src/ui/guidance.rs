//! Tier-one guidance per wizard page — what to check, where the evidence is, which
//! PowerShell to run — read from `assets/guidance.toml`, so the text is data, not code.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::diagnosis::Diagnosis;
use crate::step::Step;

/// The whole guidance file.
#[derive(Debug, Default, Deserialize)]
pub struct Guidance {
    /// The Inputs page.
    pub inputs: InputsGuidance,
    /// One entry per wizard step.
    #[serde(rename = "step")]
    pub steps: Vec<StepGuidance>,
    /// The Summary page.
    pub summary: SummaryGuidance,
    /// The online-checks switch of step 5.
    pub online: OnlineGuidance,
}

/// Text of the online-checks switch.
#[derive(Debug, Default, Deserialize)]
pub struct OnlineGuidance {
    /// The switch's label.
    pub switch: String,
    /// What will be sent where.
    pub what: String,
}

/// Text of the Inputs page.
#[derive(Debug, Default, Deserialize)]
pub struct InputsGuidance {
    /// What to drop.
    pub intro: String,
    /// Which inputs are accepted; also the drop overlay's text.
    pub accepts: String,
}

/// Text of the Summary page.
#[derive(Debug, Default, Deserialize)]
pub struct SummaryGuidance {
    /// What to do with the summary.
    pub what: String,
}

/// Guidance for one step.
#[derive(Debug, Default, Deserialize)]
pub struct StepGuidance {
    /// The step id (`trace`, `status`, …), as [`Step::id`].
    pub id: String,
    /// What this step checks.
    pub what: String,
    /// Which input fills the step when it has nothing to say.
    pub empty: String,
    /// Where the evidence is in the admin centers.
    pub eac_path: String,
    /// Things the agent ticks off; ticks are recorded in the case.
    #[serde(default)]
    pub checklist: Vec<ChecklistItem>,
    /// PowerShell to run, with placeholders.
    #[serde(default)]
    pub commands: Vec<Command>,
    /// How to get headers from each mail client.
    #[serde(default)]
    pub how_to: Vec<HowTo>,
    /// What the verdict status means for the next step, keyed by [`crate::diagnosis::Status::as_str`].
    #[serde(default)]
    pub status_hints: BTreeMap<String, String>,
}

/// One tickable check.
#[derive(Debug, Default, Deserialize)]
pub struct ChecklistItem {
    /// Stable key under which the tick is saved.
    pub id: String,
    /// What was checked.
    pub text: String,
}

/// One PowerShell command template.
#[derive(Debug, Default, Deserialize)]
pub struct Command {
    /// What it does.
    pub label: String,
    /// The command with `{sender}`-style placeholders.
    pub template: String,
}

/// How to get the headers from one client.
#[derive(Debug, Default, Deserialize)]
pub struct HowTo {
    /// The mail client.
    pub client: String,
    /// The clicks.
    pub text: String,
}

impl Guidance {
    /// The embedded guidance, parsed once; a unit test proves the asset parses.
    pub fn embedded() -> &'static Self {
        static GUIDANCE: OnceLock<Guidance> = OnceLock::new();
        GUIDANCE.get_or_init(|| {
            toml::from_str(include_str!("../../assets/guidance.toml")).unwrap_or_default()
        })
    }

    /// The guidance of `step`.
    pub fn step(&self, step: Step) -> Option<&StepGuidance> {
        self.steps.iter().find(|s| s.id == step.id())
    }

    /// Every checklist item with the title of its step, in wizard order.
    pub fn checklist(&self) -> impl Iterator<Item = (&str, &ChecklistItem)> {
        Step::ALL.into_iter().flat_map(move |step| {
            self.step(step)
                .into_iter()
                .flat_map(move |g| g.checklist.iter().map(move |item| (step.title(), item)))
        })
    }
}

/// Fills a command template from what the case knows. Placeholders stand inside the
/// template's own single quotes (`'{sender}'`), so a value is inserted with its single
/// quotes doubled (PowerShell's escape) and an unknown one stays visible as `<sender>`
/// etc. for the agent to type over: the command parses as pasted either way. `{start}` and
/// `{end}` are whole arguments: a quoted date, or a `Get-Date` expression when the case
/// has no date.
pub fn fill(template: &str, diagnosis: Option<&Diagnosis>) -> String {
    let message = diagnosis.and_then(|d| d.message.as_ref());
    let sender = message.and_then(|m| m.sender.clone());
    let sender_domain = sender
        .as_deref()
        .and_then(|s| s.rsplit_once('@'))
        .map(|(_, domain)| domain.trim_end_matches('>').to_owned());
    let recipient = message.and_then(|m| m.recipients.first().cloned());
    let message_id = message.and_then(|m| m.message_id.clone());
    let rule = diagnosis.and_then(|d| d.rules.iter().find_map(|r| r.id.clone()));
    let day = diagnosis
        .and_then(Diagnosis::first_seen)
        .map(|t| t.date_naive());
    let quoted = |d: chrono::NaiveDate| format!("'{}'", d.format("%Y-%m-%d"));
    let start = day.map(|d| quoted(d - chrono::Days::new(1)));
    let end = day.map(|d| quoted(d + chrono::Days::new(2)));
    let escape = |v: Option<String>| v.map(|v| v.replace('\'', "''"));
    let values = [
        ("{sender}", escape(sender), "<sender>"),
        ("{sender_domain}", escape(sender_domain), "<sender-domain>"),
        ("{recipient}", escape(recipient), "<recipient>"),
        ("{message_id}", escape(message_id), "<message-id>"),
        ("{rule_id}", escape(rule), "<GUID>"),
        ("{start}", start, "(Get-Date).AddDays(-10)"),
        ("{end}", end, "(Get-Date)"),
    ];
    values
        .iter()
        .fold(template.to_owned(), |text, (key, value, unknown)| {
            text.replace(key, value.as_deref().unwrap_or(unknown))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_asset_parses_and_covers_every_step() {
        let guidance: Guidance =
            toml::from_str(include_str!("../../assets/guidance.toml")).expect("guidance.toml");
        for step in Step::ALL {
            let g = guidance.step(step).expect("every step has guidance");
            assert!(!g.what.is_empty() && !g.empty.is_empty(), "{}", step.id());
        }
        assert!(guidance.checklist().count() >= 10);
        assert!(!guidance.inputs.accepts.is_empty());
        assert!(!guidance.online.what.is_empty() && !guidance.summary.what.is_empty());
    }

    #[test]
    fn unknown_values_stay_as_placeholders() {
        let text = fill("-SenderAddress '{sender}' -StartDate {start}", None);
        assert_eq!(
            text,
            "-SenderAddress '<sender>' -StartDate (Get-Date).AddDays(-10)"
        );
    }

    /// What PowerShell needs of a pasted line: quotes that pair up (with `''` inside a
    /// string), and no `<` outside a string (a redirection, a parse error).
    fn parses_as_powershell(command: &str) -> bool {
        let mut in_string = false;
        let mut chars = command.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\'' if in_string && chars.peek() == Some(&'\'') => {
                    chars.next();
                }
                '\'' => in_string = !in_string,
                '<' if !in_string => return false,
                _ => {}
            }
        }
        !in_string
    }

    #[test]
    fn every_command_parses_filled_or_not() {
        let inputs = super::super::samples::names()
            .filter_map(|name| {
                let bytes = super::super::samples::bytes(name)?;
                crate::input::load_bytes(name, bytes).ok()
            })
            .collect();
        let case = crate::case::Case::from_inputs(inputs);
        let mut d = crate::engine::diagnose_with(&case, &crate::engine::Options::default(), None)
            .expect("the sample diagnoses");
        if let Some(m) = d.message.as_mut() {
            m.sender = Some("o'brien@fabrikam.example".into());
        }
        for step in &Guidance::embedded().steps {
            for command in &step.commands {
                for filled in [
                    fill(&command.template, None),
                    fill(&command.template, Some(&d)),
                ] {
                    assert!(parses_as_powershell(&filled), "{filled}");
                }
            }
        }
        let filled = fill("-SenderAddress '{sender}'", Some(&d));
        assert_eq!(filled, "-SenderAddress 'o''brien@fabrikam.example'");
    }
}
