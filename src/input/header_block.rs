//! A header block split into fields: with or without Outlook's `Microsoft Mail Internet
//! Headers Version 2.0` first line, folded or already unfolded by a copy (continuation
//! lines that lost their indentation are still continuations when they do not start a
//! field). Shared by the `.eml`, paste, `.msg` and bounce readers.

use std::collections::HashMap;

use crate::case::{HeaderBlock, HeaderField};
use crate::diagnosis::cap::{cap_text, capped};

/// The field-name at a line start: printable ASCII without space or colon (RFC 5322
/// `ftext`), at most 76 characters, then a colon. A byte scan, as this runs on every line
/// of every input that is sniffed.
fn field_name(line: &str) -> Option<&str> {
    let colon = line.bytes().take(77).position(|b| b == b':')?;
    let name = line.get(..colon)?;
    (colon > 0 && name.bytes().all(|b| matches!(b, b'!'..=b'9' | b';'..=b'~'))).then_some(name)
}

/// Fields whose presence says "these are e-mail headers" rather than any `Name: value`
/// text.
const MAIL_FIELDS: &[&str] = &[
    "received",
    "authentication-results",
    "x-forefront-antispam-report",
    "x-microsoft-antispam",
    "message-id",
    "dkim-signature",
    "return-path",
    "arc-seal",
    "received-spf",
    "x-ms-exchange-organization-scl",
    "x-ms-exchange-organization-network-message-id",
];

/// Exchange's own fields, all of which say "these are e-mail headers".
const EXCHANGE_PREFIX: &str = "x-ms-exchange-";

/// Outlook's first line in the "Internet headers" box.
const OUTLOOK_PREAMBLE: &str = "Microsoft Mail Internet Headers Version 2.0";

/// Splits a header block into fields, keeping each field's raw text and its unfolded
/// value. Lines before the first field (a preamble, an mbox `From ` line) are skipped; a
/// line that is not a field start continues the previous field.
pub fn split_fields(text: &str) -> HeaderBlock {
    split_fields_until(text, true).0
}

/// Like [`split_fields`]; also returns the byte offset where the header block ends (after
/// its blank line), for callers that need the body. `tolerant` allows blank lines inside
/// the block (pastes), not in a message (where the first blank line starts the body).
pub fn split_fields_until(text: &str, tolerant: bool) -> (HeaderBlock, usize) {
    let blank = |line: &str| line.trim().is_empty();
    let mut lines = text.split_inclusive('\n').peekable();
    let mut offset = 0;
    while let Some(line) = lines.next_if(|l| preamble(bare(l))) {
        offset += line.len();
    }
    let mut fields = Fields::default();
    // The field being read: its name and first line, and where the lines folded onto it
    // run in the text (from the first to the end of the last; blank lines a paste has
    // between them are skipped when they are read), so each field's strings are allocated
    // once at their final size and fifty million folds cost nothing to remember.
    let mut open: Option<(&str, &str)> = None;
    let mut folds: Option<(usize, usize)> = None;
    let folded_text = |folds: Option<(usize, usize)>| {
        folds
            .and_then(|(start, end)| text.get(start..end))
            .unwrap_or_default()
    };
    while let Some(whole) = lines.next() {
        offset += whole.len();
        let line = bare(whole);
        if blank(line) {
            // The block ends here unless a paste goes on with another field after blanks.
            let continues = tolerant
                && lines.clone().find(|l| !blank(bare(l))).is_some_and(|next| {
                    let next = bare(next);
                    field_name(next).is_some() && !next.starts_with("--")
                });
            if !continues {
                break;
            }
            while let Some(skipped) = lines.next_if(|l| blank(bare(l))) {
                offset += skipped.len();
            }
            continue;
        }
        let folded = line.starts_with([' ', '\t']);
        match field_name(line) {
            Some(name) if !folded && starts_field(line, name) => {
                if let Some((name, first)) = open.replace((name, line)) {
                    fields.push(name, first, folded_text(folds));
                }
                folds = None;
            }
            // A line before any field is not part of the block.
            _ if open.is_some() => {
                let start = folds.map_or(offset - whole.len(), |(start, _)| start);
                folds = Some((start, offset));
            }
            _ => {}
        }
    }
    if let Some((name, first)) = open {
        fields.push(name, first, folded_text(folds));
    }
    (fields.block, offset.min(text.len()))
}

/// The most fields of one name a block keeps (the topmost): as many as the Received chain
/// shows, so its count of older hops stays exact.
pub const MAX_SAME_NAME: usize = 1000;

/// The most fields a block keeps. A real message has a few hundred at most; these bound the
/// memory of a hostile block whatever its names.
pub const MAX_FIELDS: usize = 10_000;

const _: () = assert!(MAX_SAME_NAME >= crate::facts::headers::chain::MAX_HOPS);

/// The block being split, with how many fields of each name it kept (by lower-case name;
/// only kept names are counted, so the map stays within [`MAX_FIELDS`] entries).
#[derive(Default)]
struct Fields {
    block: HeaderBlock,
    kept: HashMap<String, usize>,
    key: String,
}

impl Fields {
    /// Keeps the field unless the limits leave it out; a left-out field is never built.
    fn push(&mut self, name: &str, first: &str, folds: &str) {
        self.key.clear();
        self.key
            .extend(name.chars().map(|c| c.to_ascii_lowercase()));
        let seen = self.kept.get(self.key.as_str()).copied().unwrap_or(0);
        if self.block.fields.len() >= MAX_FIELDS || seen >= MAX_SAME_NAME {
            self.block.left_out += 1;
            if name.eq_ignore_ascii_case("received") {
                self.block.received_left_out += 1;
            }
            return;
        }
        match self.kept.get_mut(self.key.as_str()) {
            Some(count) => *count += 1,
            None => {
                self.kept.insert(self.key.clone(), 1);
            }
        }
        self.block.fields.push(field(name, first, folds));
    }
}

/// One field from its first line (which starts with `name:`) and its folded lines: `raw`
/// joins the lines with CRLF, `value` joins their trimmed text with single spaces.
///
/// Both are cut at [`MAX_TEXT_BYTES`](crate::diagnosis::cap::MAX_TEXT_BYTES) here, where
/// they are made: a field past the cap (a 190 MB subject) would otherwise be copied into
/// every fact, finding and report, and held twice (raw and value) next to the input. A
/// one-line field is cut from the text it borrows, so it is never copied whole; a folded
/// one is joined, then cut before the other form is joined.
fn field(name: &str, first: &str, folds: &str) -> HeaderField {
    let first_value = first.get(name.len() + 1..).unwrap_or("").trim();
    if folds.is_empty() {
        return HeaderField {
            name: name.to_owned(),
            value: capped(first_value).into_owned(),
            raw: capped(first).into_owned(),
        };
    }
    let lines = || {
        folds
            .split_inclusive('\n')
            .map(bare)
            .filter(|line| !line.trim().is_empty())
    };
    let mut raw = String::with_capacity(first.len() + lines().map(|l| l.len() + 2).sum::<usize>());
    raw.push_str(first);
    for line in lines() {
        raw.push_str("\r\n");
        raw.push_str(line);
    }
    cap_text(&mut raw);
    let mut value =
        String::with_capacity(first_value.len() + lines().map(|l| l.len() + 1).sum::<usize>());
    value.push_str(first_value);
    for line in lines() {
        let more = line.trim();
        if !more.is_empty() {
            if !value.is_empty() {
                value.push(' ');
            }
            value.push_str(more);
        }
    }
    cap_text(&mut value);
    HeaderField {
        name: name.to_owned(),
        value,
        raw,
    }
}

/// A line without its line end.
fn bare(line: &str) -> &str {
    line.trim_end_matches(['\r', '\n'])
}

/// Lines a header block may follow: blank lines, Outlook's first line, an mbox `From `
/// line.
fn preamble(line: &str) -> bool {
    let trimmed = line.trim();
    trimmed.is_empty()
        || trimmed.eq_ignore_ascii_case(OUTLOOK_PREAMBLE)
        || line.starts_with("From ")
}

/// True when the first line after the preamble starts a header field whose name begins
/// with a letter (`Received:`, `X-…:`). Checked on the first line alone, so a message is
/// told from a trace export without reading its body; trace formats never open this way
/// (`#Software:`, `"Received",…`, `Received   : …`, `{`).
pub fn opens_with_field(text: &str) -> bool {
    let Some(line) = text.split_inclusive('\n').map(bare).find(|l| !preamble(l)) else {
        return false;
    };
    line.starts_with(|c: char| c.is_ascii_alphabetic())
        && field_name(line).is_some_and(|name| starts_field(line, name))
}

/// A `Name:` at a line start begins a field when a space follows the colon (or nothing
/// does), or when the name looks like a header name (`X-Foo-Bar`). `SFV:SPM;` or an IPv6
/// address on a continuation line that lost its indentation stays a continuation.
fn starts_field(line: &str, name: &str) -> bool {
    let after = line.get(name.len() + 1..).unwrap_or("");
    after.is_empty() || after.starts_with([' ', '\t']) || (name.contains('-') && name.len() > 3)
}

/// True when the block has enough mail-specific fields to be a message's headers.
pub fn looks_like_headers(block: &HeaderBlock) -> bool {
    let mail = block
        .fields
        .iter()
        .filter(|f| {
            MAIL_FIELDS.iter().any(|m| f.name.eq_ignore_ascii_case(m))
                || f.name
                    .get(..EXCHANGE_PREFIX.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(EXCHANGE_PREFIX))
        })
        .count();
    let basic = ["from", "to", "subject", "date"]
        .iter()
        .filter(|n| block.get(n).is_some())
        .count();
    mail >= 1 && block.fields.len() >= 3 || basic >= 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_preamble_and_unindented_continuations() {
        let text = "Microsoft Mail Internet Headers Version 2.0\r\nReceived: from a.example (a.example [192.0.2.1])\r\n by b.example with SMTP;\r\n Tue, 14 Jan 2025 15:12:44 +0000\r\nX-Forefront-Antispam-Report: CIP:192.0.2.1;CTRY:US;\r\nSFV:SPM;\r\nSubject: hi\r\n";
        let block = split_fields(text);
        assert_eq!(block.fields.len(), 3);
        assert_eq!(
            block.get("received"),
            Some(
                "from a.example (a.example [192.0.2.1]) by b.example with SMTP; Tue, 14 Jan 2025 15:12:44 +0000"
            )
        );
        assert_eq!(
            block.get("X-Forefront-Antispam-Report"),
            Some("CIP:192.0.2.1;CTRY:US; SFV:SPM;")
        );
        assert!(block.fields[0].raw.contains("\r\n by b.example"));
        assert!(looks_like_headers(&block));
    }

    #[test]
    fn continuations_after_blank_lines_of_a_paste_join_their_field() {
        let text = "X-Forefront-Antispam-Report: CIP:192.0.2.1;\r\n\r\nSFV:SPM;\r\n SCL:5;\r\n\r\n\r\nSFV2:x;\r\nSubject: hi\r\n";
        let block = split_fields(text);
        assert_eq!(block.fields.len(), 2);
        assert_eq!(
            block.get("x-forefront-antispam-report"),
            Some("CIP:192.0.2.1; SFV:SPM; SCL:5; SFV2:x;")
        );
        assert_eq!(
            block.fields[0].raw,
            "X-Forefront-Antispam-Report: CIP:192.0.2.1;\r\nSFV:SPM;\r\n SCL:5;\r\nSFV2:x;"
        );
        assert_eq!(block.get("subject"), Some("hi"));
    }

    /// Issue 19 item 3: a field past the cap is cut where it is made, one-line or folded,
    /// with the note giving its whole length.
    #[test]
    fn huge_fields_are_cut_as_they_are_split() {
        use crate::diagnosis::cap::MAX_TEXT_BYTES;
        let long = "S".repeat(3 * MAX_TEXT_BYTES);
        let folded = vec!["f"; MAX_TEXT_BYTES].join("\r\n ");
        let text = format!("Subject: {long}\r\nX-Folded: {folded}\r\nTo: b@example.net\r\n");
        let block = split_fields(&text);
        assert_eq!(block.fields.len(), 3);
        for f in &block.fields {
            assert!(f.raw.len() <= MAX_TEXT_BYTES, "{}: {}", f.name, f.raw.len());
            assert!(
                f.value.len() <= MAX_TEXT_BYTES,
                "{}: {}",
                f.name,
                f.value.len()
            );
        }
        // Cut exactly as the diagnosis cap would cut the whole string.
        assert_eq!(block.get("subject"), Some(capped(&long).as_ref()));
        let whole_raw = format!("X-Folded: {folded}");
        assert_eq!(block.fields[1].raw, capped(&whole_raw));
        let whole_value = vec!["f"; MAX_TEXT_BYTES].join(" ");
        assert_eq!(block.fields[1].value, capped(&whole_value));
        assert_eq!(block.get("to"), Some("b@example.net"));
    }

    /// Issue 19 item 3: a million Received lines are not a million fields in memory; the
    /// topmost are kept and the others counted.
    #[test]
    fn repeats_of_one_name_past_the_limit_are_counted_not_kept() {
        use std::fmt::Write as _;
        let received = "Received: from a by b; Fri, 20 Nov 2026 08:15:02 +0000\r\n";
        let text = format!(
            "{}{}Subject: last\r\n",
            received.repeat(MAX_SAME_NAME + 500),
            "x-other: 1\r\nX-Other: 2\r\n".repeat(MAX_SAME_NAME)
        );
        let block = split_fields(&text);
        assert_eq!(block.all("received").count(), MAX_SAME_NAME);
        assert_eq!(block.all("x-other").count(), MAX_SAME_NAME);
        assert_eq!(block.received_left_out, 500);
        assert_eq!(block.left_out, 500 + MAX_SAME_NAME);
        assert_eq!(block.get("subject"), Some("last"));
        let chain = crate::facts::headers::chain::build(&block, crate::testing::knowledge());
        assert_eq!(chain.hops.len(), crate::facts::headers::chain::MAX_HOPS);
        assert_eq!(
            chain.omitted,
            MAX_SAME_NAME + 500 - crate::facts::headers::chain::MAX_HOPS
        );
        let mut many = String::new();
        for i in 0..MAX_FIELDS + 10 {
            writeln!(many, "X-F{i}: v\r").ok();
        }
        let block = split_fields(&many);
        assert_eq!(block.fields.len(), MAX_FIELDS);
        assert_eq!((block.left_out, block.received_left_out), (10, 0));
    }

    #[test]
    fn long_runs_of_blank_lines_in_a_paste_are_skipped_once() {
        // Each blank line used to rescan the run after it: this took minutes.
        let text = format!(
            "Received: from a by b; Tue, 14 Jan 2025 15:12:44 +0000\n{}Subject: hi\n\nbody",
            "\r\n".repeat(200_000)
        );
        let (block, body_at) = split_fields_until(&text, true);
        assert_eq!(block.fields.len(), 2);
        assert_eq!(&text[body_at..], "body");
        let (message, _) = split_fields_until(&text, false);
        assert_eq!(message.fields.len(), 1);
    }
}
