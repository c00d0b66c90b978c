//! The diagnosis: exactly the JSON contract (`shared/contract/diagnosis-json.md`,
//! schema_version 1), plus fields the contract allows us to add.
//!
//! Everything the views show comes from here; the GUI and the exporters never look back at
//! the case.

pub mod cap;
pub mod longest;

use serde::{Deserialize, Serialize};

use crate::case::InputInfo;
use crate::knowledge::bounce_phrases::BounceReason;
use crate::step::Step;

/// The contract's schema version; bump it only when a contract field is renamed or removed.
pub const SCHEMA_VERSION: u32 = 1;

/// How serious a finding is; also the badge colour of its wizard step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Checked and fine.
    Ok,
    /// Worth knowing.
    Info,
    /// Probably part of the problem or a risk.
    Warning,
    /// The problem.
    Problem,
}

/// One thing an analyzer found, with the input lines that prove it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable kebab-case id (`delivered-to-junk`), for scripts and tests.
    pub code: String,
    /// How serious.
    pub severity: Severity,
    /// One line.
    pub title: String,
    /// One paragraph.
    pub detail: String,
    /// Quoted input lines.
    pub evidence: Vec<String>,
    /// What to do next.
    pub advice: String,
    /// The analyzer that produced it.
    pub analyzer: String,
}

impl Finding {
    /// A finding with no detail, evidence or advice yet; the registry fills `analyzer`.
    pub fn new(code: &str, severity: Severity, title: impl Into<String>) -> Self {
        Self {
            code: code.to_owned(),
            severity,
            title: title.into(),
            detail: String::new(),
            evidence: Vec::new(),
            advice: String::new(),
            analyzer: String::new(),
        }
    }

    /// Sets the detail paragraph.
    #[must_use]
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }

    /// Adds an evidence line.
    #[must_use]
    pub fn evidence(mut self, line: impl Into<String>) -> Self {
        self.evidence.push(line.into());
        self
    }

    /// Adds several evidence lines.
    #[must_use]
    pub fn evidence_lines<I, S>(mut self, lines: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.evidence.extend(lines.into_iter().map(Into::into));
        self
    }

    /// Sets the advice.
    #[must_use]
    pub fn advice(mut self, advice: impl Into<String>) -> Self {
        self.advice = advice.into();
        self
    }
}

/// The final status of a message, with the contract's semantics: `blocked` is a deliberate
/// refusal by policy, `failed` could not be delivered, `pending` is still being retried,
/// `expanded` is a group whose members have their own outcomes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// In a mailbox folder other than Junk (or handed to the recipient's server).
    Delivered,
    /// In the Junk Email folder.
    Junk,
    /// Held in quarantine.
    Quarantined,
    /// Refused by policy (rule, DLP, block list).
    Blocked,
    /// Could not be delivered.
    Failed,
    /// Still being retried, or no final event yet.
    Pending,
    /// A group that was expanded to its members.
    Expanded,
    /// Not enough evidence.
    #[default]
    Unknown,
}

impl Status {
    /// The contract's word for the status.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Delivered => "delivered",
            Self::Junk => "junk",
            Self::Quarantined => "quarantined",
            Self::Blocked => "blocked",
            Self::Failed => "failed",
            Self::Pending => "pending",
            Self::Expanded => "expanded",
            Self::Unknown => "unknown",
        }
    }

    /// A short label for people ("Delivered to Junk").
    pub fn label(self) -> &'static str {
        match self {
            Self::Delivered => "Delivered",
            Self::Junk => "Junk",
            Self::Quarantined => "Quarantined",
            Self::Blocked => "Blocked",
            Self::Failed => "Failed",
            Self::Pending => "Pending",
            Self::Expanded => "Expanded",
            Self::Unknown => "Unknown",
        }
    }

    /// How much a status says "did not arrive": a message to several recipients takes the
    /// status of the recipient that fared worst.
    pub fn weight(self) -> u8 {
        match self {
            Self::Unknown => 0,
            Self::Expanded => 1,
            Self::Delivered => 2,
            Self::Pending => 3,
            Self::Junk => 4,
            Self::Quarantined => 5,
            Self::Failed => 6,
            Self::Blocked => 7,
        }
    }
}

/// The layer that made the final placement decision.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DecidedBy {
    /// EOP's spam, bulk, spoof or phish verdict.
    EopSpamFilter,
    /// EOP / Defender anti-malware.
    EopMalwareFilter,
    /// A mail flow (transport) rule.
    TransportRule,
    /// A Purview DLP rule.
    Dlp,
    /// A third-party gateway (INKY, Mimecast, …).
    ThirdPartyGateway,
    /// The recipient's server.
    RecipientServer,
    /// The sending side.
    SenderSide,
    /// A quarantine policy.
    QuarantinePolicy,
    /// Safe senders, blocked senders, IP allow/block lists, the Tenant Allow/Block List.
    AllowBlockList,
    /// Nothing intervened (normal delivery).
    None,
    /// Not known from the evidence.
    #[default]
    Unknown,
}

impl DecidedBy {
    /// A phrase for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::EopSpamFilter => "Exchange Online Protection spam filter",
            Self::EopMalwareFilter => "Exchange Online Protection malware filter",
            Self::TransportRule => "a mail flow (transport) rule",
            Self::Dlp => "a data loss prevention (DLP) rule",
            Self::ThirdPartyGateway => "a third-party security gateway",
            Self::RecipientServer => "the recipient's mail server",
            Self::SenderSide => "the sending side",
            Self::QuarantinePolicy => "a quarantine policy",
            Self::AllowBlockList => "an allow or block list",
            Self::None => "nothing (normal delivery)",
            Self::Unknown => "unknown",
        }
    }
}

/// Who must act for the mail to arrive next time, seen from our organisation (the tenant
/// the agent supports, with the gateway and hybrid servers that front it): the answer to
/// "is it us or them?".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WhoActs {
    /// Our mailbox owner (Not junk, Safe Senders, their own rules).
    User,
    /// Our Microsoft 365 admins, including our own gateway, connectors and Enhanced
    /// Filtering.
    TenantAdmin,
    /// The external sending organisation (its SPF, DKIM, DMARC or reputation).
    Sender,
    /// The external receiving organisation (its server refused our mail).
    Recipient,
    /// Microsoft must change something.
    Microsoft365,
    /// Nobody: the mail arrived.
    None,
    /// Not known from the evidence.
    #[default]
    Unknown,
}

impl WhoActs {
    /// The contract's word for the party.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::TenantAdmin => "tenant-admin",
            Self::Sender => "sender",
            Self::Recipient => "recipient",
            Self::Microsoft365 => "microsoft365",
            Self::None => "none",
            Self::Unknown => "unknown",
        }
    }

    /// The party in words, to complete "Who acts: …".
    pub fn label(self) -> &'static str {
        match self {
            Self::User => "the mailbox owner",
            Self::TenantAdmin => "your Microsoft 365 admins",
            Self::Sender => "the sender's mail admins",
            Self::Recipient => "the recipient's mail admins",
            Self::Microsoft365 => "Microsoft",
            Self::None => "nobody — it arrived",
            Self::Unknown => "not known from this evidence",
        }
    }
}

/// The verdict on one message.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// Final status.
    pub status: Status,
    /// Where it ended, in words.
    pub location: Option<String>,
    /// Which layer decided.
    pub decided_by: DecidedBy,
    /// One sentence a tier-one agent can read out.
    pub headline: String,
    /// Who must act next.
    #[serde(default)]
    pub who_acts: WhoActs,
}

/// The findings of one wizard step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepReport {
    /// Step number 1–5.
    pub step: u8,
    /// The step; the contract writes its id (`trace`, `status`, …).
    #[serde(with = "step_id")]
    pub id: Step,
    /// Step title.
    pub title: String,
    /// Findings, most serious first.
    pub findings: Vec<Finding>,
}

impl StepReport {
    /// An empty report for `step`.
    pub fn empty(step: Step) -> Self {
        Self {
            step: step.number(),
            id: step,
            title: step.title().to_owned(),
            findings: Vec::new(),
        }
    }

    /// The most serious severity among the findings, if any.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}

/// One input, as the contract lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputRef {
    /// Base name.
    pub name: String,
    /// Kind (`trace-text`, `eml`, …).
    pub kind: String,
    /// Size in bytes.
    pub size_bytes: u64,
    /// SHA-256, hex.
    pub sha256: String,
}

impl From<&InputInfo> for InputRef {
    fn from(info: &InputInfo) -> Self {
        Self {
            name: info.name.clone(),
            kind: info.kind.as_str().to_owned(),
            size_bytes: info.size_bytes,
            sha256: info.sha256.clone(),
        }
    }
}

/// The tool that wrote the diagnosis.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    /// Always "mailflow".
    pub name: String,
    /// Crate version.
    pub version: String,
}

impl Default for Tool {
    fn default() -> Self {
        Self {
            name: "mailflow".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

/// One entry of the contract's `messages` list.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MessageSummary {
    /// Message-ID.
    pub message_id: Option<String>,
    /// Subject.
    pub subject: Option<String>,
    /// Sender.
    pub sender: Option<String>,
    /// Recipients.
    pub recipients: Vec<String>,
    /// Its verdict.
    pub verdict: Verdict,
}

/// The selected message's identity.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageInfo {
    /// Subject.
    pub subject: Option<String>,
    /// Sender address.
    pub sender: Option<String>,
    /// Recipient addresses.
    pub recipients: Vec<String>,
    /// Message-ID.
    pub message_id: Option<String>,
    /// Size in bytes.
    pub size_bytes: Option<u64>,
}

/// One trace event in the contract.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventOut {
    /// RFC 3339 with the input's offset, or null.
    pub time: Option<String>,
    /// The event name (English).
    pub event: String,
    /// Detail text.
    pub detail: Option<String>,
    /// The event name as the input wrote it, when it differs (localised).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_name: Option<String>,
}

/// One journey in the contract.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JourneyOut {
    /// The journey's own status.
    pub status: Status,
    /// Recipient(s) of the journey.
    pub recipients: Vec<String>,
    /// Events in order.
    pub events: Vec<EventOut>,
    /// Seconds from first to last event, when both times are known.
    pub duration_seconds: Option<f64>,
    /// True when the journey ends by handing the message to a gateway or smart host.
    pub hand_off: bool,
}

/// The trace part of the contract.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraceOut {
    /// Journeys in order.
    pub journeys: Vec<JourneyOut>,
}

/// One Received hop, oldest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Hop {
    /// 1-based position, oldest first.
    pub index: u32,
    /// The sending host.
    pub from: Option<String>,
    /// The receiving host.
    pub by: Option<String>,
    /// Protocol (`ESMTPS`, `HTTPS`, …).
    pub with: Option<String>,
    /// RFC 3339.
    pub time: Option<String>,
    /// This hop's time minus the previous hop's; null where the clock went backwards.
    pub delay_seconds: Option<f64>,
    /// TLS version.
    pub tls: Option<String>,
    /// Sending IP, when the hop names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// Who runs the receiving host: "microsoft365", "gateway:<vendor>", "sender", "unknown".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
}

/// Authentication results (lower-case RFC 8601 words).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authentication {
    /// SPF.
    pub spf: Option<String>,
    /// DKIM.
    pub dkim: Option<String>,
    /// DMARC.
    pub dmarc: Option<String>,
    /// ARC.
    pub arc: Option<String>,
    /// Microsoft composite authentication.
    pub compauth: Option<String>,
    /// compauth reason code.
    pub compauth_reason: Option<String>,
    /// How the From domain aligns with SPF's MailFrom and each DKIM `d=`: why DMARC failed
    /// although SPF and DKIM "passed". An addition to the contract's object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alignment: Option<AlignmentOut>,
}

/// Identifier alignment (RFC 7489 §3.1): `strict` (same domain), `relaxed` (same
/// organizational domain) or `no`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlignmentOut {
    /// The From header's domain.
    pub from_domain: Option<String>,
    /// The SPF MailFrom domain.
    pub mail_from_domain: Option<String>,
    /// SPF alignment; absent when a domain is unknown.
    pub spf: Option<String>,
    /// Each DKIM signing domain and its alignment.
    pub dkim: Vec<DkimAlignmentOut>,
}

/// One DKIM signing domain's alignment with the From domain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DkimAlignmentOut {
    /// `d=`.
    pub domain: String,
    /// `strict`, `relaxed` or `no`.
    pub aligned: String,
}

/// Anti-spam verdict fields.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Antispam {
    /// Spam confidence level (-1…9).
    pub scl: Option<i8>,
    /// Bulk complaint level.
    pub bcl: Option<u8>,
    /// Phishing confidence level.
    pub pcl: Option<u8>,
    /// Spam filter verdict.
    pub sfv: Option<String>,
    /// Category.
    pub cat: Option<String>,
    /// IP filter verdict.
    pub ipv: Option<String>,
    /// Country of the connecting IP.
    pub country: Option<String>,
    /// Connecting IP as EOP saw it.
    pub client_ip: Option<String>,
}

/// A transport rule that fired.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleHit {
    /// Rule name.
    pub name: String,
    /// Rule GUID.
    pub id: Option<String>,
    /// How many times it fired in all journeys.
    pub count: u32,
    /// The journeys (1-based) it fired in, in order: a rule that fires in the second
    /// journey only acted after a gateway returned the message. An addition to the
    /// contract's rule object, which allows extra fields.
    #[serde(default)]
    pub journeys: Vec<usize>,
}

/// Whose side a status code is on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The sending organisation.
    Sender,
    /// The recipient organisation.
    Recipient,
    /// This Microsoft 365 tenant's configuration.
    Tenant,
    /// Microsoft must act.
    Microsoft365,
    /// Network, DNS or TLS of the destination.
    Network,
    /// Not known.
    #[default]
    Unknown,
}

/// The decisive NDR or defer code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NdrOut {
    /// Enhanced status code (`5.1.10`).
    pub code: String,
    /// What it means.
    pub meaning: String,
    /// Whose side must fix it.
    pub side: Side,
    /// Why the recipient's server refused, from the reply's words or the code; absent when
    /// neither says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<BounceReason>,
}

/// Who a next action is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    /// The support agent.
    Agent,
    /// The end user.
    User,
    /// An Exchange / Microsoft 365 administrator.
    Admin,
}

/// A next step for someone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextAction {
    /// Who.
    pub who: Audience,
    /// What.
    pub text: String,
}

/// The outcome for one recipient of the selected message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipientOutcome {
    /// Address.
    pub recipient: String,
    /// Status.
    pub status: Status,
    /// Where it ended, in words.
    pub location: Option<String>,
    /// The enhanced status code a bounce gave for this recipient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The SMTP reply code a bounce gave for this recipient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_code: Option<u16>,
    /// Why this recipient's delivery failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<BounceReason>,
    /// The remote server's reply for this recipient, on one line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagnostic: Option<String>,
}

/// The whole diagnosis of a case, with the selected message in front.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Diagnosis {
    /// Always [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Tool name and version.
    pub tool: Tool,
    /// One entry per input.
    pub inputs: Vec<InputRef>,
    /// The selected message's verdict.
    pub verdict: Verdict,
    /// Every message of the case, in input order.
    pub messages: Vec<MessageSummary>,
    /// Index of the selected message in `messages`.
    pub selected_message: usize,
    /// Always five, in wizard order.
    pub steps: Vec<StepReport>,
    /// The selected message's identity.
    pub message: Option<MessageInfo>,
    /// The selected message's journeys; null when no trace was given.
    pub trace: Option<TraceOut>,
    /// Received chain, oldest first.
    pub hops: Vec<Hop>,
    /// Authentication results; null when no headers.
    pub authentication: Option<Authentication>,
    /// Anti-spam fields; null when no headers.
    pub antispam: Option<Antispam>,
    /// Transport rules that fired.
    pub rules: Vec<RuleHit>,
    /// The decisive NDR or defer code.
    pub ndr: Option<NdrOut>,
    /// Per-recipient outcomes of the selected message.
    pub recipients: Vec<RecipientOutcome>,
    /// The chain of decisions that led to the verdict, in order.
    pub decision_chain: Vec<String>,
    /// What to do next, per audience.
    pub next_actions: Vec<NextAction>,
}

impl Diagnosis {
    /// The step report for `step`.
    pub fn step(&self, step: Step) -> Option<&StepReport> {
        self.steps.iter().find(|s| s.id == step)
    }

    /// The next actions grouped by who acts, in the order the verdict put them: the group
    /// that acts first on top, each group's actions in their own order.
    pub fn next_action_groups(&self) -> Vec<(Audience, Vec<&NextAction>)> {
        let mut groups: Vec<(Audience, Vec<&NextAction>)> = Vec::new();
        for action in &self.next_actions {
            match groups.iter_mut().find(|(who, _)| *who == action.who) {
                Some((_, list)) => list.push(action),
                None => groups.push((action.who, vec![action])),
            }
        }
        groups
    }

    /// When the message was first seen: its first trace event, else its oldest hop. Report
    /// file names and the PowerShell date ranges the guidance fills in both start here.
    pub fn first_seen(&self) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        self.trace
            .iter()
            .flat_map(|t| &t.journeys)
            .flat_map(|j| &j.events)
            .filter_map(|e| e.time.as_deref())
            .chain(self.hops.iter().filter_map(|h| h.time.as_deref()))
            .find_map(|t| chrono::DateTime::parse_from_rfc3339(t.trim()).ok())
    }
}

/// A step as the contract writes it: its id (`trace`, `status`, …).
mod step_id {
    use serde::{Deserialize as _, Deserializer, Serializer};

    use crate::step::Step;

    #[expect(
        clippy::trivially_copy_pass_by_ref,
        reason = "the signature serde's `with` attribute calls"
    )]
    pub fn serialize<S: Serializer>(step: &Step, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(step.id())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Step, D::Error> {
        let id = String::deserialize(deserializer)?;
        Step::ALL
            .into_iter()
            .find(|s| s.id() == id)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown step id {id:?}")))
    }
}
