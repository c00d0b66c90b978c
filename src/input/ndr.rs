//! Non-delivery reports: an RFC 3464 DSN (`multipart/report;
//! report-type=delivery-status`) as an `.eml`, or an Exchange NDR body pasted as text
//! ("Diagnostic information for administrators", "Remote Server returned '…'"). The
//! delivery-status fields are read from the text wherever they stand, so a DSN, a paste of
//! its text, and a forwarded NDR read alike; the original message's headers (the
//! `text/rfc822-headers` part, or "Original message headers:") are kept to tie the NDR to
//! its message. Reference §1.10.

use std::sync::LazyLock;

use regex::Regex;

use super::fields;
use crate::case::{HeaderSource, NdrReport};
use crate::knowledge::Knowledge;
use crate::knowledge::ndr_phrases::NdrPhrases;

/// The NDR phrases of the languages other than English.
fn localized() -> &'static NdrPhrases {
    &Knowledge::embedded().ndr_phrases
}

/// Text that only NDRs and DSNs carry (ASCII case-insensitive, as [`MARKER_WORDS`]).
static MARKERS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?im-u)(Diagnostic information for administrators|^\s*Generating server:|Remote Server returned|report-type=\x22?delivery-status|^Content-Type:\s*message/delivery-status|Delivery has failed to these recipients|^\s*Final-Recipient:\s*rfc822;|couldn't be delivered|could not be delivered|Delivery Status Notification \(Failure\))",
    )
    .expect("static regex")
});

/// The delivery-status and Exchange NDR fields [`parse`] reads, in lower case.
const FIELD_NAMES: [&str; 9] = [
    "status",
    "action",
    "diagnostic-code",
    "remote-mta",
    "reporting-mta",
    "final-recipient",
    "original-recipient",
    "generating server",
    "x-display-name",
];

/// The `Name: value` lines of `text` whose name (after leading white space, in any ASCII
/// case) is one of [`FIELD_NAMES`]: the name in lower case and the rest of the line after
/// the colon and blanks. A line scan: a regular expression anchored at line starts was a
/// third of the time spent on a 40 KB NDR.
fn report_fields(text: &str) -> impl Iterator<Item = (&'static str, &str)> {
    text.split('\n').filter_map(|line| {
        let line = line.trim_start();
        let (name, rest) = line.split_once(':')?;
        let name = FIELD_NAMES
            .into_iter()
            .find(|known| name.eq_ignore_ascii_case(known))
            .or_else(|| {
                // `Generierender Server:`, `Serveur de génération :`.
                let name = name.trim_end_matches([' ', '\u{a0}']);
                localized()
                    .generating_server
                    .iter()
                    .any(|label| label.eq_ignore_ascii_case(name))
                    .then_some("generating server")
            })?;
        let value = rest.trim_start_matches([' ', '\t']);
        Some((name, value.split('\r').next().unwrap_or(value)))
    })
}

/// The response Exchange quotes after "Remote Server returned", up to the quote that closes
/// it: Exchange does not escape the apostrophes inside it ("The recipient's inbox is out of
/// storage space"), so a quote followed by a letter or digit is one of those.
static REMOTE_RETURNED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?im)Remote Server returned\s*'(?P<text>[^\r\n]{1,2000}?)'(?:$|[^\p{L}\p{N}])")
        .expect("static regex")
});

/// A quoted SMTP response with its enhanced code (`'550 5.1.10 RESOLVER…'`), as every
/// language's NDR quotes it ("Remoteserver hat '550 …' zurückgegeben"), closed as in
/// [`REMOTE_RETURNED`].
static QUOTED_REPLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)'(?P<text>[245]\d\d[ -][245]\.\d{1,3}\.\d{1,3}[^\r\n]{0,2000}?)'(?:$|[^\p{L}\p{N}])",
    )
    .expect("static regex")
});

/// An enhanced status code that is not part of a longer dotted number (an IP, a version).
static CODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\d.])(?P<code>[245]\.\d{1,3}\.\d{1,3})(?:$|[^\d.]|\.\D|\.$)")
        .expect("static regex")
});

static REPLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\d.])(?P<reply>[245]\d\d)[ -]+[245]\.\d{1,3}\.\d{1,3}")
        .expect("static regex")
});

static ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)[a-z0-9._%+'-]{1,64}@[a-z0-9.-]{1,253}\.[a-z]{2,63}").expect("static regex")
});

/// Where the original message's headers start.
static ORIGINAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?im)^(?:Original message headers:|Content-Type:\s*(?:text/rfc822-headers|message/rfc822)[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*(?:\r?\n[A-Za-z-]+:[^\r\n]*)*\r?\n)[ \t]*\r?\n?",
    )
    .expect("static regex")
});

/// A literal every [`MARKERS`] alternative holds, in lower case, and the other languages'
/// markers: one pass over the lower-cased head (the regex engine searches a literal
/// alternation with SIMD) rules most inputs out before the line-anchored expression runs.
/// Case-insensitive automata were slower: their prefilter keys on `:` and `(`, which every
/// header line has.
static MARKER_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    let english = [
        "diagnostic information for administrators",
        "generating server:",
        "remote server returned",
        "delivery-status",
        "final-recipient:",
        "delivery has failed to these recipients",
        "couldn't be delivered",
        "could not be delivered",
        "delivery status notification (failure)",
    ];
    any_of(
        english
            .into_iter()
            .chain(localized().markers.iter().map(String::as_str)),
    )
});

/// The other languages' markers alone, for texts [`MARKER_WORDS`] matched but the English
/// [`MARKERS`] did not.
static LOCALIZED_MARKERS: LazyLock<Regex> =
    LazyLock::new(|| any_of(localized().markers.iter().map(String::as_str)));

/// One expression matching any of `words` literally: the regex engine searches a literal
/// alternation with SIMD, in one pass however many words there are.
fn any_of<'a>(words: impl IntoIterator<Item = &'a str>) -> Regex {
    let escaped: Vec<String> = words.into_iter().map(regex::escape).collect();
    Regex::new(&escaped.join("|")).expect("escaped literals")
}

/// How English bounces are titled by other servers than Exchange (Gmail, Postfix, Exim,
/// sendmail, qmail), in lower case: titles that do not repeat the original subject.
const OTHER_BOUNCE_SUBJECTS: [&str; 7] = [
    "undelivered mail",
    "delivery status notification",
    "mail delivery failed",
    "delivery failure",
    "returned mail",
    "failure notice",
    "non-delivery",
];

/// When `subject` is a bounce's ("FW: Undeliverable: Quarterly report",
/// "Unzustellbar: …"), the original message's subject after Exchange's words (`""` when
/// the bounce does not repeat it): a message so titled may carry an NDR its transfer
/// encoding hides. Exchange's English word is here, the other languages' in
/// `ndr_phrases.toml`.
pub fn bounce_subject(subject: &str) -> Option<&str> {
    let lower = subject.to_ascii_lowercase();
    let exchange = std::iter::once("undeliverable")
        .chain(localized().subjects.iter().map(String::as_str))
        .find_map(|words| lower.find(words).map(|at| at + words.len()));
    let Some(end) = exchange else {
        return OTHER_BOUNCE_SUBJECTS
            .iter()
            .any(|words| lower.contains(words))
            .then_some("");
    };
    let rest = subject.get(end..)?;
    Some(rest.trim_start_matches([':', ' ', '\u{a0}']).trim_end())
}

/// The first enhanced status code in `text` ([`CODE`]'s `code` group). The expression has no
/// literal to search for, so a long text was scanned by the regex engine byte by byte;
/// here memchr finds each `2.`, `4.` or `5.` and only the few characters around it are
/// read: by [`ascii_code_at`] when they are ASCII, else by the expression (compiling its
/// Unicode digit classes cost more than a header diagnosis spends on any other
/// expression).
pub fn first_code(text: &str) -> Option<&str> {
    memchr::memchr_iter(b'.', text.as_bytes())
        .filter(|&dot| dot > 0 && matches!(text.as_bytes().get(dot - 1), Some(b'2' | b'4' | b'5')))
        .find_map(|dot| {
            // From the character before the digit (or the start) to eleven characters
            // after it: the longest code (`5.123.123`) and what may follow it (`.x`).
            let digit = dot - 1;
            let start = text
                .get(..digit)
                .and_then(|before| before.char_indices().next_back())
                .map_or(0, |(at, _)| at);
            let end = text
                .get(digit..)?
                .char_indices()
                .nth(11)
                .map_or(text.len(), |(at, _)| digit + at);
            let window = text.get(start..end)?;
            if window.is_ascii() {
                let length = ascii_code_at(window.as_bytes(), digit - start)?;
                return text.get(digit..digit + length);
            }
            let code = CODE.captures(window)?.name("code")?;
            (start + code.start() == digit).then(|| text.get(digit..start + code.end()))?
        })
}

/// The length of the code [`CODE`] finds at `at` in an ASCII `window` (where `\d` is
/// `0-9`), when its first match there is one. The window's first byte is the one before the
/// code or the code itself, so the first match starts at `at` or not at all.
fn ascii_code_at(window: &[u8], at: usize) -> Option<usize> {
    let byte = |i: usize| window.get(i).copied();
    let is_digit = |i: usize| byte(i).is_some_and(|b| b.is_ascii_digit());
    let digits_from = |i: usize| (i..window.len()).take_while(|&j| is_digit(j)).count();
    // `(?:^|[^\d.])` before the code.
    if at > 0 && (is_digit(at - 1) || byte(at - 1) == Some(b'.')) {
        return None;
    }
    // `[245]\.\d{1,3}\.\d{1,3}`: each run of digits whole (a longer run leaves a digit
    // where a dot or the end has to follow).
    if !matches!(byte(at), Some(b'2' | b'4' | b'5')) || byte(at + 1) != Some(b'.') {
        return None;
    }
    let first = digits_from(at + 2);
    if !(1..=3).contains(&first) || byte(at + 2 + first) != Some(b'.') {
        return None;
    }
    let second = digits_from(at + 3 + first);
    let end = at + 3 + first + second;
    if !(1..=3).contains(&second) {
        return None;
    }
    // `(?:$|[^\d.]|\.\D|\.$)` after it: the end, a byte that is no digit or dot, or a dot
    // and then no digit.
    let closed = byte(end) != Some(b'.') || !is_digit(end + 1);
    closed.then_some(end - at)
}

/// True for an NDR or DSN.
pub fn sniff(text: &str) -> bool {
    let head = super::console::head(text);
    // The code first: a memchr scan that most texts fail, where the marker expressions
    // are compiled (and the phrases of every language parsed) on their first use.
    if first_code(head).is_none() {
        return false;
    }
    let lower = head.to_ascii_lowercase();
    MARKER_WORDS.is_match(&lower) && (MARKERS.is_match(head) || LOCALIZED_MARKERS.is_match(&lower))
}

/// What an Exchange NDR's text says beyond its recipients' replies: the generating server,
/// the quoted reply, the last attempt of a delay notice, the administrators' recipients and
/// the user section's summary; and where the original message's headers start, when an
/// Exchange label (in any language) introduces them.
pub fn exchange_report(text: &str) -> (NdrReport, Option<usize>) {
    let mut report = NdrReport::default();
    for (field, value) in report_fields(text) {
        if field == "generating server" && report.generating_server.is_none() {
            report.generating_server = fields::value(value.trim());
        }
    }
    let original_at = original_headers(text);
    let report_text = text
        .get(..original_at.map_or(text.len(), |(start, _)| start))
        .unwrap_or(text);
    report.diagnostic = quoted_reply(report_text);
    let code_source = report.diagnostic.clone().unwrap_or_default();
    report.status_code = first_code(&code_source)
        .or_else(|| first_code(report_text))
        .map(str::to_owned);
    report.smtp_reply = smtp_reply(&code_source).or_else(|| smtp_reply(report_text));
    report.last_attempt = last_attempt(report_text);
    report.recipients = admin_section_recipients(report_text);
    report.summary = summary(report_text);
    (report, original_at.map(|(_, headers_at)| headers_at))
}

/// The SMTP response an Exchange NDR quotes ("Remote Server returned '550 …'", or a quoted
/// reply with its enhanced code in any language).
pub fn quoted_reply(text: &str) -> Option<String> {
    REMOTE_RETURNED
        .captures(text)
        .or_else(|| QUOTED_REPLY.captures(text))
        .and_then(|c| c.name("text"))
        .map(|m| m.as_str().trim().to_owned())
}

/// The response of the last dated attempt line, as delay notices and expiry reports list
/// them (`2/14/2024 3:38:22 PM - Remote Server at mx.example (192.0.2.25) returned '451
/// 4.4.397 …'`): why the message is still not delivered.
fn last_attempt(text: &str) -> Option<String> {
    text.lines()
        .filter(|line| {
            line.trim_start().starts_with(|c: char| c.is_ascii_digit()) && line.contains(" - ")
        })
        .filter_map(|line| QUOTED_REPLY.captures(line)?.name("text"))
        .next_back()
        .map(|m| m.as_str().trim().to_owned())
}

/// Adds `address` to the report's recipients unless it is empty or already there.
pub fn add_recipient(report: &mut NdrReport, address: &str) {
    if !address.is_empty()
        && !report
            .recipients
            .iter()
            .any(|r| r.eq_ignore_ascii_case(address))
    {
        report.recipients.push(address.to_owned());
    }
}

/// The SMTP reply code before the first enhanced status code in `text` (`550` of
/// `550 5.1.10 …`).
pub fn smtp_reply(text: &str) -> Option<u16> {
    REPLY
        .captures(text)
        .and_then(|c| c.name("reply"))
        .and_then(|m| m.as_str().parse().ok())
}

/// Ties the report to its original message through that message's header block: its
/// Message-ID, Network Message ID, subject and sender.
pub fn attach_original(report: &mut NdrReport, block: crate::case::HeaderBlock) {
    if block.is_empty() {
        return;
    }
    report.original_message_id = block
        .get("message-id")
        .and_then(|v| v.split_whitespace().next())
        .map(str::to_owned);
    report.original_network_id = block
        .get("x-ms-exchange-organization-network-message-id")
        .map(str::to_owned);
    let described = super::eml::describe(HeaderSource::NdrAttachment, block.clone());
    report.original_subject = described.subject;
    report.original_sender = described.from;
    report.original_headers = Some(block);
}

/// Where the original message's headers are: the byte offset of their label (where the
/// report's own text ends) and of the headers themselves. The English label and the DSN
/// parts are found by [`ORIGINAL`], other languages' labels line by line.
fn original_headers(text: &str) -> Option<(usize, usize)> {
    if let Some(m) = ORIGINAL.find(text) {
        return Some((m.start(), m.end()));
    }
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        if NdrPhrases::after_label(&localized().original_headers, line)
            .is_some_and(|rest| rest.trim().is_empty())
        {
            return Some((start, offset));
        }
    }
    None
}

/// Where the administrators' section names the generating server: the English label, else
/// another language's.
fn generating_server_line(lower: &str) -> Option<usize> {
    lower.find("generating server:").or_else(|| {
        let mut offset = 0;
        lower.split_inclusive('\n').find_map(|line| {
            let start = offset;
            offset += line.len();
            NdrPhrases::after_label(&localized().generating_server, line).map(|_| start)
        })
    })
}

/// Recipients listed in an Exchange NDR's administrator section (the address lines after
/// "Generating server:"), else those named in "Your message to … couldn't be delivered".
fn admin_section_recipients(text: &str) -> Vec<String> {
    let lower = text.to_ascii_lowercase();
    let section = generating_server_line(&lower)
        .and_then(|at| text.get(at..))
        .unwrap_or(text);
    let mut found: Vec<String> = Vec::new();
    for line in section.lines().skip(1).take(40) {
        let line = line.trim();
        if let Some(m) = ADDRESS.find(line)
            && m.start() == 0
            && !found.iter().any(|f| f.eq_ignore_ascii_case(m.as_str()))
        {
            found.push(m.as_str().to_owned());
        }
    }
    if found.is_empty()
        && let Some(at) = lower.find("your message to ")
        && let Some(m) = text.get(at..).and_then(|t| ADDRESS.find(t))
    {
        found.push(m.as_str().to_owned());
    }
    found
}

/// The first sentences a user sees ("Your message to … couldn't be delivered. … wasn't
/// found at …"), without the e-mail headers of the NDR itself.
fn summary(text: &str) -> Option<String> {
    /// The user section's opening words in every language: one literal pass (SIMD) finds
    /// the first, where a search per phrase read a 40 KB report fifteen times.
    static START: LazyLock<Regex> = LazyLock::new(|| {
        any_of(
            [
                "your message to",
                "delivery has failed",
                "couldn't be delivered",
            ]
            .into_iter()
            .chain(localized().delivery_failed.iter().map(String::as_str)),
        )
    });
    let lower = text.to_ascii_lowercase();
    let start = START.find(&lower)?.start();
    let line_start = text
        .get(..start)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let rest = text.get(line_start..)?;
    let mut lines = Vec::new();
    for line in rest.lines().take(4) {
        if line.trim().is_empty() {
            if lines.is_empty() {
                continue;
            }
            break;
        }
        lines.push(line.trim());
    }
    let joined = lines.join(" ");
    (!joined.is_empty()).then(|| joined.chars().take(400).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The expression [`report_fields`] replaced, kept as its oracle, with the other
    /// languages' generating-server labels (blanks allowed before their colon) added.
    static FIELD: LazyLock<Regex> = LazyLock::new(|| {
        let labels: Vec<String> = localized()
            .generating_server
            .iter()
            .map(|l| regex::escape(l))
            .collect();
        Regex::new(&format!(
            r"(?im)^\s*(?:(?P<name>Status|Action|Diagnostic-Code|Remote-MTA|Reporting-MTA|Final-Recipient|Original-Recipient|Generating server|X-Display-Name)|(?P<local>{})[ \u{{a0}}]*):[ \t]*(?P<value>[^\r\n]*)",
            labels.join("|")
        ))
        .unwrap()
    });

    /// Texts to compare on: every shared sample and corpus file, and generated strings
    /// dense in digits, dots and field-like lines.
    fn texts() -> Vec<String> {
        fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else if let Ok(bytes) = std::fs::read(&path) {
                    out.push(String::from_utf8_lossy(&bytes).into_owned());
                }
            }
        }
        let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
        let mut out = Vec::new();
        walk(&shared.join("samples"), &mut out);
        walk(&shared.join("corpus"), &mut out);
        assert!(out.len() > 50, "the shared samples and corpus are read");
        const PIECES: [&str; 17] = [
            "2",
            "4",
            "5",
            "1",
            ".",
            "12",
            "x",
            " ",
            "\n",
            "\r\n",
            "\u{663}",
            "Status:",
            " status :",
            "\tAction:\t",
            "Serveur de génération :",
            "GENERIERENDER SERVER:",
            "server di generazione\u{a0}:",
        ];
        let mut next = crate::testing::xorshift(0x2545_f491_4f6c_dd1d_u64);
        for _ in 0..20_000 {
            let pieces = next() % 16;
            out.push(
                (0..pieces)
                    .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                    .collect(),
            );
        }
        out
    }

    #[test]
    fn scans_agree_with_the_regular_expressions_they_replace() {
        for text in texts() {
            let oracle = CODE
                .captures(&text)
                .and_then(|c| c.name("code"))
                .map(|m| m.as_str());
            assert_eq!(first_code(&text), oracle, "code in {text:?}");
            let oracle: Vec<(String, &str)> = FIELD
                .captures_iter(&text)
                .map(|c| {
                    (
                        c.name("name").map_or_else(
                            || "generating server".to_owned(),
                            |n| n.as_str().to_ascii_lowercase(),
                        ),
                        c.name("value").unwrap().as_str(),
                    )
                })
                .collect();
            let scanned: Vec<(String, &str)> = report_fields(&text)
                .map(|(n, v)| (n.to_owned(), v))
                .collect();
            assert_eq!(scanned, oracle, "fields of {text:?}");
        }
    }

    fn report(text: &str) -> NdrReport {
        crate::input::bounce::read(text, None, &[]).expect("a report")
    }

    /// Exchange does not escape apostrophes inside the reply it quotes: the reply ends at
    /// the quote that no letter follows.
    #[test]
    fn a_quoted_reply_ends_at_its_closing_quote_not_at_an_apostrophe() {
        for (line, reply) in [
            (
                "Remote Server returned '552 5.2.2 The recipient's inbox is out of storage space.'",
                "552 5.2.2 The recipient's inbox is out of storage space.",
            ),
            (
                "Remoteserver hat '550 5.1.10 Recipient not found' zurückgegeben",
                "550 5.1.10 Recipient not found",
            ),
            (
                "Le serveur distant a retourné '552 5.2.2 The recipient's inbox is full.' (voir l'aide)",
                "552 5.2.2 The recipient's inbox is full.",
            ),
        ] {
            let text = format!(
                "Diagnostic information for administrators:\r\n\r\nGenerating server: mx.example\r\n\r\n{line}\r\n"
            );
            assert_eq!(quoted_reply(&text).as_deref(), Some(reply), "{line}");
        }
    }

    #[test]
    fn bounce_subjects_in_any_language_give_the_original_subject() {
        for (subject, original) in [
            ("FW: Undeliverable: Angebot", Some("Angebot")),
            ("Unzustellbar: Angebot", Some("Angebot")),
            ("Non remis : Votre commande", Some("Votre commande")),
            ("WG: Non recapitabile: Neko", Some("Neko")),
            ("Delivery Status Notification (Failure)", Some("")),
            ("Undelivered Mail Returned to Sender", Some("")),
            ("Quarterly report", None),
        ] {
            assert_eq!(bounce_subject(subject), original, "{subject}");
        }
    }

    #[test]
    fn rfc3464_dsn_fields_and_original_headers() {
        let text = "From: MAILER-DAEMON@mx.example.net\r\nSubject: Undelivered Mail Returned to Sender\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you that your message could not be delivered.\r\n\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\nFinal-Recipient: rfc822; user@example.org\r\nAction: failed\r\nStatus: 5.7.1\r\nRemote-MTA: dns; mail.example.org\r\nDiagnostic-Code: smtp; 550 5.7.1 Relaying denied from 192.0.2.4\r\n\r\n--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <orig@example.com>\r\nSubject: Hello\r\nFrom: a@example.com\r\n\r\n--b--\r\n";
        assert!(sniff(text));
        let r = report(text);
        assert_eq!(r.status_code.as_deref(), Some("5.7.1"));
        assert_eq!(r.smtp_reply, Some(550));
        assert_eq!(r.action.as_deref(), Some("failed"));
        assert_eq!(r.remote_server.as_deref(), Some("mail.example.org"));
        assert_eq!(r.generating_server.as_deref(), Some("mx.example.net"));
        assert_eq!(r.recipients, vec!["user@example.org".to_owned()]);
        assert_eq!(r.original_message_id.as_deref(), Some("<orig@example.com>"));
    }

    #[test]
    fn exchange_ndr_text_and_ip_addresses_are_not_codes() {
        let text = "Delivery has failed to these recipients or groups:\n\nbob@example.org\nThe server at 10.2.3.4 refused it.\n\nDiagnostic information for administrators:\n\nGenerating server: AM0PR00MB1.eurprd00.prod.outlook.com\n\nbob@example.org\nRemote Server returned '554 5.4.14 Hop count exceeded - possible mail loop ATTR34'\n";
        let r = report(text);
        assert_eq!(r.status_code.as_deref(), Some("5.4.14"));
        assert_eq!(r.smtp_reply, Some(554));
        assert_eq!(r.recipients, vec!["bob@example.org".to_owned()]);
        assert!(r.summary.unwrap().starts_with("Delivery has failed"));
    }
}
