//! Exporters: golden files per format, the JSON contract, hostile input in every format,
//! redaction, and the evidence bundle.
//!
//! Golden files live in `tests/fixtures/export/golden/`. The engine improves while the
//! reports stay put, so regenerate them after a deliberate change with
//! `UPDATE_GOLDEN=1 cargo test --no-default-features --test engine export::` and review
//! the diff.

use std::cell::RefCell;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use chrono::DateTime;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use mailflow::case::InputInfo;
use mailflow::diagnosis::{
    Antispam, Audience, Authentication, DecidedBy, Diagnosis, EventOut, Finding, Hop, InputRef,
    JourneyOut, MessageInfo, MessageSummary, NdrOut, NextAction, RecipientOutcome, RuleHit,
    Severity, Side, Status, TraceOut, Verdict, WhoActs,
};
use mailflow::export::{self, Format, Options, bundle, redact};
use regex::Regex;
use serde_json::Value;

use crate::support;

/// Samples whose reports are pinned as golden files.
const GOLDEN_SAMPLES: &[&str] = &[
    "01-eac-copytext-delivered-singleline-enUS.txt",
    "02-eac-copytext-junk-multiline-enGB.txt",
    "08-ps-get-messagetracedetailv2-exportcsv-deferred.csv",
    "09-historical-extended-report-transport-rule-block-utf16le-bom.csv",
    "11-eac-copytext-inky-two-journeys.txt",
];

/// Attacks on every sink: HTML/script injection, links to other schemes, Markdown
/// table breakers, terminal escapes, bidi spoofing.
const PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "[click](javascript:alert(3))",
    "<a href=\"javascript:alert(4)\">x</a>",
    "file://attacker/share/x.png",
    "\\\\attacker\\share\\y.png",
    "col | broken | row",
    "line one\nline two\r\nline three",
    "`code` ``fence`` ```",
    "\x1b[31mred\x1b[0m",
    "\x1b]8;;https://evil.example/\x07link\x1b]8;;\x07",
    "\u{9b}2J csi \u{7f} del \0 nul",
    "bidi \u{202e}gpj.exe \u{2066}iso\u{2069} zero\u{200b}width",
    "=?utf-8?B?PHNjcmlwdD5hbGVydCg5KTwvc2NyaXB0Pg==?=",
    "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
    "<style>body{display:none}</style>",
    "</title><script>alert(10)</script>",
    "<!-- c --> <![CDATA[x]]> &lt;script&gt;",
    "\"'><svg onload=alert(11)>",
    "javascript:alert(12)",
    "<base href=\"https://evil.example/\">",
    "<iframe src=\"https://evil.example\"></iframe>",
    "# heading\n- item\n1. item\n> quote",
];

fn hostile(label: &str) -> String {
    format!("{label} {}", PAYLOADS.join(" "))
}

fn fixed_options() -> Options {
    Options {
        generated_at: DateTime::parse_from_rfc3339("2025-02-03T10:00:00+01:00").ok(),
        ..Options::default()
    }
}

/// The diagnosis of files with the tool version pinned, so goldens survive a release.
fn pinned(paths: &[PathBuf]) -> Diagnosis {
    let mut d = support::diagnose(paths);
    d.tool.version = "0.0.0-golden".into();
    d
}

/// A diagnosis built in code with hostile text in every string field, independent of
/// the parsers.
#[expect(
    clippy::too_many_lines,
    reason = "one diagnosis literal with hostile text in every field, read top to bottom"
)]
fn hostile_diagnosis() -> Diagnosis {
    let h = hostile;
    let mut d = support::diagnose(&[support::sample("02-eac-copytext-junk-multiline-enGB.txt")]);
    d.tool.version = "0.0.0-golden".into();
    d.inputs = vec![InputRef {
        name: h("input-name.txt"),
        kind: "trace-text".into(),
        size_bytes: 1234,
        sha256: h("sha"),
    }];
    d.verdict = Verdict {
        status: Status::Junk,
        location: Some(h("location")),
        decided_by: DecidedBy::TransportRule,
        headline: h("headline"),
        who_acts: WhoActs::TenantAdmin,
    };
    d.message = Some(MessageInfo {
        subject: Some(h("subject")),
        sender: Some(h("sender")),
        recipients: vec![h("recipient-a"), h("recipient-b")],
        message_id: Some(h("<message-id>")),
        size_bytes: Some(99_999),
    });
    d.messages = vec![
        MessageSummary {
            message_id: Some(h("id-1")),
            subject: Some(h("subject-1")),
            sender: Some(h("sender-1")),
            recipients: vec![h("rcpt-1")],
            verdict: d.verdict.clone(),
        },
        MessageSummary {
            message_id: None,
            subject: Some(h("subject-2")),
            sender: None,
            recipients: Vec::new(),
            verdict: Verdict::default(),
        },
    ];
    for step in &mut d.steps {
        step.findings = vec![
            Finding::new("hostile-finding", Severity::Problem, h("title"))
                .detail(h("detail"))
                .evidence_lines([h("evidence-1"), h("evidence-2")])
                .advice(h("advice")),
            Finding::new("calm-finding", Severity::Ok, "All fine"),
        ];
    }
    let event = |n: &str, t: Option<&str>| EventOut {
        time: t.map(str::to_owned),
        event: h(n),
        detail: Some(h("event-detail")),
        original_name: Some(h("original")),
    };
    d.trace = Some(TraceOut {
        journeys: vec![JourneyOut {
            status: Status::Junk,
            recipients: vec![h("journey-rcpt")],
            events: vec![
                event("first", Some("2024-12-06T17:31:00+00:00")),
                event("middle", Some(&h("not-a-time"))),
                event("last", Some("2024-12-06T17:32:30+00:00")),
            ],
            duration_seconds: Some(90.0),
            hand_off: true,
        }],
    });
    d.hops = vec![
        Hop {
            index: 1,
            from: Some(h("from-host")),
            by: Some(h("by-host")),
            with: Some(h("with")),
            time: Some(h("hop-time")),
            delay_seconds: None,
            tls: Some(h("tls")),
            ip: Some(h("ip")),
            operator: Some(h("operator")),
        },
        Hop {
            index: 2,
            from: Some(h("from-2")),
            by: Some(h("by-2")),
            with: None,
            time: Some("2024-12-06T17:31:05+00:00".into()),
            delay_seconds: Some(5.0),
            tls: None,
            ip: None,
            operator: None,
        },
    ];
    d.authentication = Some(Authentication {
        spf: Some(h("spf")),
        compauth_reason: Some(h("reason")),
        ..Authentication::default()
    });
    d.antispam = Some(Antispam {
        scl: Some(6),
        sfv: Some(h("sfv")),
        client_ip: Some(h("cip")),
        ..Antispam::default()
    });
    d.rules = vec![RuleHit {
        name: h("rule"),
        id: Some(h("rule-id")),
        count: 2,
        journeys: vec![1, 2],
    }];
    d.ndr = Some(NdrOut {
        code: h("5.7.1"),
        meaning: h("meaning"),
        side: Side::Tenant,
        reason: None,
    });
    d.recipients = vec![
        RecipientOutcome {
            recipient: h("outcome-a"),
            status: Status::Junk,
            location: Some(h("junk")),
            code: None,
            reply_code: None,
            reason: None,
            diagnostic: None,
        },
        RecipientOutcome {
            recipient: h("outcome-b"),
            status: Status::Delivered,
            location: None,
            code: None,
            reply_code: None,
            reason: None,
            diagnostic: None,
        },
    ];
    d.decision_chain = vec![h("chain-1"), h("chain-2")];
    d.next_actions = vec![
        NextAction {
            who: Audience::Agent,
            text: h("agent"),
        },
        NextAction {
            who: Audience::User,
            text: h("user"),
        },
        NextAction {
            who: Audience::Admin,
            text: h("admin"),
        },
    ];
    d
}

// ---------------------------------------------------------------- golden files

fn golden_dir() -> PathBuf {
    support::fixture("export/golden")
}

/// Compares `actual` with the golden file `name`, or rewrites it under `UPDATE_GOLDEN=1`.
fn check_golden(name: &str, actual: &str) -> Option<String> {
    let path = golden_dir().join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(golden_dir()).unwrap();
        if std::fs::read_to_string(&path).ok().as_deref() != Some(actual) {
            export::write_atomic(&path, actual.as_bytes()).unwrap();
        }
        return None;
    }
    let Ok(expected) = std::fs::read_to_string(&path) else {
        return Some(format!("{name}: no golden file"));
    };
    if expected == actual {
        return None;
    }
    let line = expected
        .lines()
        .zip(actual.lines())
        .position(|(e, a)| e != a)
        .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
    Some(format!(
        "{name}: differs from line {}:\n  golden: {:?}\n  actual: {:?}",
        line + 1,
        expected.lines().nth(line).unwrap_or("<end>"),
        actual.lines().nth(line).unwrap_or("<end>"),
    ))
}

fn assert_goldens(cases: &[(String, Diagnosis, Options)]) {
    let mut failures = Vec::new();
    for (stem, d, options) in cases {
        for format in Format::ALL {
            let rendered = export::render_with(d, format, options);
            let name = format!("{stem}.{}", format.extension());
            failures.extend(check_golden(&name, &rendered));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n\nIf the change is deliberate: UPDATE_GOLDEN=1 cargo test --no-default-features \
         --test engine export:: and review the diff.",
        failures.join("\n")
    );
}

fn stem(sample: &str) -> String {
    sample.split('-').next().unwrap_or(sample).to_owned()
}

#[test]
fn golden_reports_of_samples() {
    let cases: Vec<_> = GOLDEN_SAMPLES
        .iter()
        .map(|s| {
            (
                format!("sample-{}", stem(s)),
                pinned(&[support::sample(s)]),
                fixed_options(),
            )
        })
        .collect();
    assert_goldens(&cases);
}

#[test]
fn golden_reports_full_and_redacted() {
    let sample = support::sample("08-ps-get-messagetracedetailv2-exportcsv-deferred.csv");
    let full = Options {
        full_timeline: true,
        ..fixed_options()
    };
    let redacted = Options {
        redact: true,
        ..fixed_options()
    };
    assert_goldens(&[
        (
            "sample-08-full".into(),
            pinned(std::slice::from_ref(&sample)),
            full,
        ),
        ("sample-08-redacted".into(), pinned(&[sample]), redacted),
        ("hostile-built".into(), hostile_diagnosis(), fixed_options()),
    ]);
}

// ---------------------------------------------------------------- JSON contract

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(support::shared().join("contract/diagnosis.schema.json"))
        .expect("shared contract schema");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

#[test]
fn json_is_the_contract_plain_and_redacted() {
    let validator = validator();
    let mut paths: Vec<PathBuf> = GOLDEN_SAMPLES.iter().map(|s| support::sample(s)).collect();
    paths.push(support::fixture("export/hostile-eac-copytext.txt"));
    for path in paths {
        let d = support::diagnose(std::slice::from_ref(&path));
        for redact in [false, true] {
            let options = Options {
                redact,
                ..fixed_options()
            };
            let json: Value =
                serde_json::from_str(&export::render_with(&d, Format::Json, &options))
                    .expect("JSON output parses");
            let errors: Vec<String> = validator
                .iter_errors(&json)
                .map(|e| format!("{e} at {}", e.instance_path))
                .collect();
            assert!(
                errors.is_empty(),
                "{} (redact {redact}): {errors:#?}",
                path.display()
            );
            let back: Diagnosis = serde_json::from_value(json).expect("JSON reads back");
            if !redact {
                assert_eq!(back, d, "JSON is exactly the diagnosis");
            }
        }
    }
}

// ---------------------------------------------------------------- hostile input

/// Elements the report may contain; anything else came from the input.
const TAGS: &[&str] = &[
    "html", "head", "meta", "title", "style", "body", "header", "footer", "section", "h1", "h2",
    "h3", "p", "span", "strong", "em", "code", "ol", "ul", "li", "table", "thead", "tbody", "tr",
    "th", "td", "a", "svg", "g", "rect", "circle", "text",
];
/// Attributes the report may use.
const ATTRIBUTES: &[&str] = &[
    "lang",
    "charset",
    "http-equiv",
    "content",
    "name",
    "class",
    "id",
    "scope",
    "colspan",
    "href",
    "rel",
    "xmlns",
    "viewbox",
    "role",
    "aria-label",
    "x",
    "y",
    "width",
    "height",
    "cx",
    "cy",
    "r",
];

#[derive(Default)]
struct Tokens {
    tags: Vec<(String, Vec<(String, String)>)>,
    text: String,
    comments: usize,
}

struct Sink(RefCell<Tokens>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut tokens = self.0.borrow_mut();
        match token {
            Token::TagToken(tag) if tag.kind == TagKind::StartTag => {
                let name = tag.name.to_string();
                let attrs = tag
                    .attrs
                    .iter()
                    .map(|a| (a.name.local.to_string(), a.value.to_string()))
                    .collect();
                tokens.tags.push((name.clone(), attrs));
                // What the tree builder would do: these elements switch the tokenizer.
                return match name.as_str() {
                    "title" | "textarea" => {
                        TokenSinkResult::RawData(html5ever::tokenizer::states::RawKind::Rcdata)
                    }
                    "style" | "xmp" | "iframe" | "noembed" | "noframes" => {
                        TokenSinkResult::RawData(html5ever::tokenizer::states::RawKind::Rawtext)
                    }
                    "script" => {
                        TokenSinkResult::RawData(html5ever::tokenizer::states::RawKind::ScriptData)
                    }
                    "plaintext" => TokenSinkResult::Plaintext,
                    _ => TokenSinkResult::Continue,
                };
            }
            Token::CharacterTokens(text) => tokens.text.push_str(&text),
            Token::CommentToken(_) => tokens.comments += 1,
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

fn tokenize(html: &str) -> Tokens {
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let tokenizer = Tokenizer::new(
        Sink(RefCell::new(Tokens::default())),
        TokenizerOpts::default(),
    );
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.0.take()
}

/// Parses `html` as a browser's tokenizer would and checks that only our elements and
/// attributes exist, links are http(s), and the one meta policy is ours.
fn assert_inert_html(html: &str, what: &str) {
    let tokens = tokenize(html);
    assert_eq!(tokens.comments, 0, "{what}: a comment was opened");
    let mut csp = 0;
    for (tag, attrs) in &tokens.tags {
        assert!(
            TAGS.contains(&tag.as_str()),
            "{what}: element <{tag}> from input"
        );
        for (name, value) in attrs {
            assert!(
                ATTRIBUTES.contains(&name.to_ascii_lowercase().as_str()),
                "{what}: attribute {name}={value:?} on <{tag}>"
            );
            if name == "href" {
                assert!(
                    value.starts_with("https://") || value.starts_with("http://"),
                    "{what}: link to {value:?}"
                );
                assert!(
                    !value.contains(' ') && !value.contains('\\'),
                    "{what}: {value:?}"
                );
            }
            if name == "http-equiv" {
                assert_eq!(value, "Content-Security-Policy", "{what}");
                csp += 1;
            }
        }
    }
    assert_eq!(csp, 1, "{what}: exactly one policy");
    let count = |t: &str| tokens.tags.iter().filter(|(n, _)| n == t).count();
    assert_eq!(count("style"), 1, "{what}");
    assert!(html.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; img-src data:\">"
    ));
}

/// Text with no character a terminal or a reader could be fooled by.
fn assert_printable(text: &str, what: &str) {
    for (i, c) in text.char_indices() {
        let bad = (c.is_control() && c != '\n')
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}');
        assert!(
            !bad,
            "{what}: raw {c:?} at byte {i}: {:?}",
            text.get(i.saturating_sub(40)..i).unwrap_or_default()
        );
    }
}

/// Cells of a GFM table row: unescaped pipes, minus the outer two.
fn cells(line: &str) -> usize {
    let mut pipes: usize = 0;
    let mut escaped = false;
    for c in line.chars() {
        match (escaped, c) {
            (true, _) => escaped = false,
            (false, '\\') => escaped = true,
            (false, '|') => pipes += 1,
            _ => {}
        }
    }
    pipes.saturating_sub(1)
}

/// Markdown outside code spans, with the spans' contents dropped.
fn outside_code_spans(line: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    let mut escaped = false;
    while let Some(&c) = chars.get(i) {
        if escaped {
            out.push(c);
            escaped = false;
            i += 1;
            continue;
        }
        if c == '\\' {
            out.push(c);
            escaped = true;
            i += 1;
            continue;
        }
        if c == '`' {
            let run = chars[i..].iter().take_while(|&&x| x == '`').count();
            let fence: String = "`".repeat(run);
            let rest: String = chars[i + run..].iter().collect();
            if let Some(end) = rest.find(&fence) {
                out.push_str("CODE");
                i += run + rest[..end].chars().count() + run;
                continue;
            }
            out.push_str(&fence);
            i += run;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

fn assert_safe_markdown(md: &str, what: &str) {
    assert_printable(md, what);
    let mut columns: Option<usize> = None;
    for line in md.lines() {
        if line.starts_with('|') {
            let n = cells(line);
            let expected = *columns.get_or_insert(n);
            assert_eq!(n, expected, "{what}: table row breaks the columns: {line}");
        } else {
            columns = None;
        }
        let plain = outside_code_spans(line);
        let mut chars = plain.chars();
        let mut after_bracket = false;
        while let Some(c) = chars.next() {
            if c == '\\' {
                chars.next();
                after_bracket = false;
                continue;
            }
            assert!(c != '<', "{what}: raw '<' in: {line}");
            assert!(
                !(after_bracket && c == '('),
                "{what}: a link from input in: {line}"
            );
            after_bracket = c == ']';
        }
    }
}

fn assert_safe_everywhere(d: &Diagnosis, what: &str) {
    for options in [
        fixed_options(),
        Options {
            redact: true,
            full_timeline: true,
            ..fixed_options()
        },
    ] {
        let html = export::render_with(d, Format::Html, &options);
        assert_inert_html(&html, what);
        assert_printable(&html, what);
        assert_safe_markdown(&export::render_with(d, Format::Markdown, &options), what);
        assert_printable(&export::render_with(d, Format::Text, &options), what);
        let json = export::render_with(d, Format::Json, &options);
        assert_printable(&json, what);
        let _: Value = serde_json::from_str(&json).expect("JSON parses");
    }
}

#[test]
fn hostile_text_built_in_code_is_inert_in_every_format() {
    let d = hostile_diagnosis();
    assert_safe_everywhere(&d, "built in code");
    let html = export::render_with(&d, Format::Html, &fixed_options());
    let text = tokenize(&html).text;
    assert!(
        text.contains("<script>alert(1)</script>"),
        "the payload is shown as text"
    );
    assert!(text.contains("[click](javascript:alert(3))"));
    assert!(
        text.contains("\\x1b[31mred\\x1b[0m"),
        "escapes are made visible"
    );
    assert!(text.contains("bidi \\u{202e}gpj.exe"));
}

#[test]
fn hostile_trace_input_is_inert_in_every_format() {
    let d = support::diagnose(&[support::fixture("export/hostile-eac-copytext.txt")]);
    let subject = d
        .message
        .as_ref()
        .and_then(|m| m.subject.clone())
        .expect("the hostile subject was read");
    assert!(subject.contains("<script>"), "{subject}");
    assert!(
        d.rules.iter().any(|r| r.name.contains("<script>alert(6)")),
        "{:?}",
        d.rules
    );
    assert_safe_everywhere(&d, "hostile trace");
}

#[test]
fn hostile_message_headers_are_inert_in_every_format() {
    let d = support::diagnose(&[support::fixture("export/hostile-message.eml")]);
    let subject = d
        .message
        .as_ref()
        .and_then(|m| m.subject.clone())
        .expect("the encoded-word subject was decoded");
    assert!(subject.contains("<script>alert(22)"), "{subject}");
    assert!(!d.hops.is_empty(), "the Received chain was read");
    assert_safe_everywhere(&d, "hostile message");
}

#[test]
fn cli_output_has_no_raw_control_characters() {
    let fixture = support::fixture("export/hostile-eac-copytext.txt");
    for format in ["text", "md", "html", "json"] {
        let stdout = support::diagnose_cli([
            OsStr::new("--format"),
            OsStr::new(format),
            fixture.as_os_str(),
        ]);
        let stdout = String::from_utf8(stdout).expect("UTF-8 output");
        assert_printable(&stdout, format);
        assert!(
            stdout.contains("alert(6)"),
            "{format}: the rule is reported"
        );
    }
}

// ---------------------------------------------------------------- redaction

static ADDRESS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+").unwrap());
static IPV4: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b").unwrap());

/// Every address and internal IPv4 address written in `text`.
fn secrets_in(text: &str) -> Vec<String> {
    let mut found: Vec<String> = ADDRESS
        .find_iter(text)
        .map(|m| m.as_str().trim_matches('.').to_owned())
        .collect();
    found.extend(
        IPV4.find_iter(text)
            .filter(|m| {
                m.as_str()
                    .parse::<std::net::Ipv4Addr>()
                    .is_ok_and(|ip| ip.is_private() || ip.is_loopback())
            })
            .map(|m| m.as_str().to_owned()),
    );
    found
}

fn assert_redacted(d: &Diagnosis, secrets: &[String], what: &str) {
    let options = Options {
        redact: true,
        full_timeline: true,
        ..fixed_options()
    };
    for format in Format::ALL {
        let out = export::render_with(d, format, &options).to_lowercase();
        for secret in secrets.iter().filter(|s| !s.trim().is_empty()) {
            let needle = secret.to_lowercase();
            let needle = match format {
                Format::Json => serde_json::to_string(&needle)
                    .unwrap()
                    .trim_matches('"')
                    .to_owned(),
                _ => needle,
            };
            assert!(
                !out.contains(&needle),
                "{what} {format:?}: {secret:?} survived redaction"
            );
        }
    }
}

#[test]
fn redaction_hides_addresses_subjects_and_internal_ips_in_every_format() {
    let mut files: Vec<PathBuf> = GOLDEN_SAMPLES.iter().map(|s| support::sample(s)).collect();
    files.push(support::fixture("export/hostile-eac-copytext.txt"));
    for path in files {
        let raw = mailflow::input::text::decode(&std::fs::read(&path).unwrap()).0;
        let d = support::diagnose(std::slice::from_ref(&path));
        let mut secrets = secrets_in(&raw);
        secrets.extend(d.message.iter().filter_map(|m| m.subject.clone()));
        secrets.extend(d.messages.iter().filter_map(|m| m.subject.clone()));
        secrets.extend(d.inputs.iter().map(|i| i.name.clone()));
        assert!(secrets.len() > 2, "{}: secrets found", path.display());
        assert_redacted(&d, &secrets, &path.display().to_string());
    }
}

#[test]
fn redaction_hides_what_a_message_reveals() {
    let path = support::fixture("export/hostile-message.eml");
    let raw = std::fs::read_to_string(&path).unwrap();
    let d = support::diagnose(std::slice::from_ref(&path));
    let mut secrets = secrets_in(&raw);
    secrets.extend(d.message.iter().filter_map(|m| m.subject.clone()));
    secrets.extend(
        [
            "Mallory",
            "Chris Hostile-Name",
            "laptop-pat",
            "EXCH01.corp",
            "eml-0815",
            "hostile-message.eml",
        ]
        .map(str::to_owned),
    );
    assert_redacted(&d, &secrets, "message");
}

#[test]
fn redaction_hides_display_names_and_internal_hosts() {
    let mut d = hostile_diagnosis();
    let names = ["Megan Bowen", "Adele \"AV\" Vance", "Lee Gu"];
    d.message = Some(MessageInfo {
        subject: Some("Payroll for Megan".into()),
        sender: Some("megan.bowen@contoso.com".into()),
        recipients: vec!["lee.gu@fabrikam.example".into()],
        message_id: Some("<CAF123.megan.bowen@exch01.contoso.com>".into()),
        size_bytes: None,
    });
    d.steps[3].findings.push(
        Finding::new("from-header", Severity::Info, "From: \"Megan Bowen\" <megan.bowen@contoso.com>")
            .detail("To: Lee Gu <lee.gu@fabrikam.example>, \"Adele \\\"AV\\\" Vance\" <adele@contoso.com>")
            .evidence("Received: from laptop.corp.contoso.local (192.168.1.20) by exch01.contoso.com (10.0.0.5)")
            .evidence("Received: from [fd00::1234] by EXCH01 with ESMTP")
            .evidence("Subject: Payroll for Megan")
            .evidence("Message-ID: <CAF123.megan.bowen@exch01.contoso.com>")
            .advice("Ask Megan Bowen whether the payroll arrived."),
    );
    d.hops.push(Hop {
        index: 3,
        from: Some("EXCH01".into()),
        by: Some("exch01.contoso.com".into()),
        with: None,
        time: None,
        delay_seconds: None,
        tls: None,
        ip: Some("10.0.0.5".into()),
        operator: None,
    });
    let secrets: Vec<String> = [
        "megan.bowen",
        "lee.gu@",
        "adele@",
        "Payroll for Megan",
        "laptop.corp",
        "exch01",
        "192.168.1.20",
        "10.0.0.5",
        "fd00::1234",
        "CAF123",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .chain(names.iter().map(|n| (*n).to_owned()))
    .chain(std::iter::once("Megan Bowen".to_owned()))
    .collect();
    assert_redacted(&d, &secrets, "display names");

    let r = redact::redact(&d);
    let message = r.message.as_ref().unwrap();
    assert_eq!(message.sender.as_deref(), Some("user1@contoso.com"));
    assert_eq!(message.recipients, ["user2@fabrikam.example"]);
    assert_eq!(message.subject.as_deref(), Some("Subject-1"));
    let finding = r.steps[3].findings.last().unwrap();
    assert_eq!(finding.title, "From: \"Person-1\" <user1@contoso.com>");
    assert!(
        finding.evidence.contains(&"Subject: Subject-1".to_owned()),
        "{:?}",
        finding.evidence
    );
    assert!(finding.advice.contains("Person-1"), "{}", finding.advice);
    assert!(
        finding.evidence[0].contains("internal-ip-"),
        "{}",
        finding.evidence[0]
    );
    assert!(
        finding.evidence[1].contains("host-"),
        "{}",
        finding.evidence[1]
    );
    let hop_ip = r.hops.last().unwrap().ip.clone().unwrap();
    assert!(hop_ip.starts_with("internal-ip-"), "{hop_ip}");
    assert!(
        finding.evidence[0].contains(&format!("({hop_ip})")),
        "the same IP, the same token"
    );
}

#[test]
fn redaction_is_stable_within_a_report() {
    let d = support::diagnose(&[support::sample("11-eac-copytext-inky-two-journeys.txt")]);
    let r = redact::redact(&d);
    let json = serde_json::to_string(&r).unwrap();
    assert!(!json.contains("dana.ruiz"));
    let recipient = r
        .message
        .as_ref()
        .unwrap()
        .recipients
        .first()
        .unwrap()
        .clone();
    assert!(
        recipient.ends_with("@contoso.com") && recipient.starts_with("user"),
        "{recipient}"
    );
    assert!(
        r.trace
            .as_ref()
            .unwrap()
            .journeys
            .iter()
            .all(|j| j.recipients == [recipient.clone()])
    );
    assert_eq!(
        redact::redact(&d),
        r,
        "the same diagnosis redacts the same way"
    );
}

// ---------------------------------------------------------------- bundle

fn read_zip(path: &Path) -> Vec<(String, Vec<u8>)> {
    use std::io::Read as _;
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).unwrap();
            (file.name().to_owned(), bytes)
        })
        .collect()
}

fn inputs_of(paths: &[PathBuf]) -> (Diagnosis, Vec<(InputInfo, Vec<u8>)>) {
    let case = support::case(paths);
    let d = mailflow::engine::diagnose(&case, &mailflow::engine::Options::default()).unwrap();
    let inputs = case
        .inputs
        .iter()
        .cloned()
        .zip(paths.iter().map(|p| std::fs::read(p).unwrap()))
        .collect();
    (d, inputs)
}

#[test]
fn a_bundle_holds_the_reports_and_the_inputs_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let paths = [
        support::sample("02-eac-copytext-junk-multiline-enGB.txt"),
        support::sample("09-historical-extended-report-transport-rule-block-utf16le-bom.csv"),
    ];
    let (d, inputs) = inputs_of(&paths);
    let path = dir.path().join("case.zip");
    bundle::write_bundle(&path, &d, &inputs, &fixed_options()).unwrap();
    let members = read_zip(&path);
    let names: Vec<&str> = members.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "MANIFEST.txt",
            "report.html",
            "report.json",
            "report.md",
            "inputs/input-1-trace-text.txt",
            "inputs/input-2-trace-csv.csv",
        ]
    );
    assert_eq!(members[4].1, inputs[0].1);
    assert_eq!(members[5].1, inputs[1].1, "UTF-16 bytes kept as they were");
    let json: Value = serde_json::from_slice(&members[2].1).unwrap();
    assert!(validator().is_valid(&json));
    let manifest = String::from_utf8(members[0].1.clone()).unwrap();
    assert!(manifest.contains(&inputs[1].0.sha256), "{manifest}");
    assert!(manifest.contains("02-eac-copytext-junk-multiline-enGB.txt"));
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left"
    );
}

#[test]
fn a_redacted_bundle_leaves_the_raw_inputs_out() {
    let dir = tempfile::tempdir().unwrap();
    let paths = [support::fixture("export/hostile-eac-copytext.txt")];
    let (d, inputs) = inputs_of(&paths);
    let path = dir.path().join("case.zip");
    let options = Options {
        redact: true,
        ..fixed_options()
    };
    bundle::write_bundle(&path, &d, &inputs, &options).unwrap();
    let members = read_zip(&path);
    assert!(members.iter().all(|(n, _)| !n.starts_with("inputs/")));
    let raw = String::from_utf8(inputs[0].1.clone()).unwrap();
    for (name, bytes) in &members {
        let text = String::from_utf8_lossy(bytes).to_lowercase();
        for secret in secrets_in(&raw) {
            assert!(!text.contains(&secret.to_lowercase()), "{name}: {secret}");
        }
        assert!(
            !text.contains("hostile-eac-copytext"),
            "{name}: the input's name"
        );
    }
}

#[test]
fn cli_writes_a_bundle_atomically_and_prints_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("case.zip");
    let stdout = support::diagnose_cli([
        OsStr::new("--bundle"),
        target.as_os_str(),
        support::sample("02-eac-copytext-junk-multiline-enGB.txt").as_os_str(),
    ]);
    assert_eq!(
        String::from_utf8_lossy(&stdout).trim(),
        target.display().to_string()
    );
    let members = read_zip(&target);
    assert!(
        members
            .iter()
            .any(|(n, _)| n == "inputs/input-1-trace-text.txt")
    );
}

#[test]
fn cli_names_a_bundle_in_a_folder_after_the_case() {
    let dir = tempfile::tempdir().unwrap();
    let stdout = support::diagnose_cli([
        OsStr::new("--redact"),
        OsStr::new("--bundle"),
        dir.path().as_os_str(),
        support::sample("02-eac-copytext-junk-multiline-enGB.txt").as_os_str(),
    ]);
    let expected = dir.path().join("mailflow-2024-12-06-Subject-1.zip");
    assert_eq!(
        String::from_utf8_lossy(&stdout).trim(),
        expected.display().to_string()
    );
    assert!(
        read_zip(&expected)
            .iter()
            .all(|(n, _)| !n.starts_with("inputs/"))
    );
}

#[test]
fn cli_writes_html_to_a_file_and_redacts_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.html");
    support::diagnose_cli([
        OsStr::new("--format"),
        OsStr::new("html"),
        OsStr::new("--redact"),
        OsStr::new("--output"),
        target.as_os_str(),
        support::sample("02-eac-copytext-junk-multiline-enGB.txt").as_os_str(),
    ]);
    let html = std::fs::read_to_string(&target).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("lee.gu"));
    assert!(html.contains("@contoso.com"));
}

// ---------------------------------------------------------------- size and time

#[test]
fn big_diagnoses_render_in_bounded_time_and_size() {
    let mut d = support::diagnose(&[support::sample("02-eac-copytext-junk-multiline-enGB.txt")]);
    d.messages = (0..5_000)
        .map(|i| MessageSummary {
            message_id: Some(format!("<m{i}@mail.example.org>")),
            subject: Some(format!("Subject number {i}")),
            sender: Some(format!("sender{i}@example.org")),
            recipients: vec![format!("rcpt{i}@contoso.com")],
            verdict: Verdict::default(),
        })
        .collect();
    let long_line = (0..40_000).fold(String::new(), |mut line, i| {
        use std::fmt::Write as _;
        let (a, b) = (i % 250, i % 200);
        write!(line, "u{i}@contoso.com h{i}.corp.contoso.com 10.0.{a}.{b} ").unwrap();
        line
    });
    let no_spaces = "a".repeat(500_000);
    d.steps[3].findings.push(
        Finding::new("big", Severity::Info, "big")
            .evidence(long_line)
            .evidence(no_spaces)
            .evidence("<".repeat(200_000)),
    );
    d.hops = (0..3000)
        .map(|i| Hop {
            index: i + 1,
            from: Some(format!("h{i}.example.org")),
            by: Some(format!("h{}.example.org", i + 1)),
            with: None,
            time: None,
            delay_seconds: Some(f64::from(i % 7)),
            tls: None,
            ip: None,
            operator: None,
        })
        .collect();
    let started = std::time::Instant::now();
    for redact in [false, true] {
        let options = Options {
            redact,
            ..fixed_options()
        };
        for format in [Format::Markdown, Format::Text, Format::Html] {
            let out = export::render_with(&d, format, &options);
            assert!(out.len() < 12_000_000, "{format:?}: {} bytes", out.len());
            assert!(
                out.contains("more characters]"),
                "{format:?}: long values are cut"
            );
            assert!(out.contains("4500 more messages not shown"), "{format:?}");
            assert!(out.contains("2000 more hops not shown"), "{format:?}");
        }
    }
    let elapsed = started.elapsed();
    assert!(elapsed.as_secs() < 60, "took {elapsed:?}");
}
