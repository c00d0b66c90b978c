//! One Received header, read clause by clause: `from` (with the HELO name, reverse DNS
//! and IP from its comments), `by`, `with`, `id`, `for`, `via`, the TLS version and cipher
//! wherever the MTA wrote them, and the date. Comments are atomic, so `with` inside
//! `(using TLSv1.3 with cipher …)` or `by` inside `(qmail … invoked by uid 225)` is never a
//! keyword; hops without `from` (Postfix `(Postfix, from userid 1001)`, SendGrid) are hops.

use std::net::IpAddr;

use super::received_date::{self, DateProblem, ReceivedDate};
use super::received_tls::{self, find_ascii_ci};

/// Longest Received value read; real ones are under 1 KB, longer ones are junk or attacks.
const MAX_VALUE: usize = 8 * 1024;

/// One Received header as written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReceivedFields {
    /// The `from` host as the sender named itself (HELO/EHLO), brackets removed.
    pub from: Option<String>,
    /// The HELO name from a `helo=` / `HELO` comment, when it differs from `from`.
    pub helo: Option<String>,
    /// The reverse-DNS name the receiver found for the sender.
    pub from_rdns: Option<String>,
    /// The sending IP (IPv4 or IPv6, normalised).
    pub from_ip: Option<String>,
    /// The receiving host.
    pub by: Option<String>,
    /// The receiving host's IP, when written.
    pub by_ip: Option<String>,
    /// The protocol words (`ESMTPS`, `Microsoft SMTP Server`, `HTTPS`).
    pub with: Option<String>,
    /// The receiver's queue id.
    pub id: Option<String>,
    /// The envelope recipient.
    pub for_addr: Option<String>,
    /// The `via` clause.
    pub via: Option<String>,
    /// TLS version (`TLS1.2`), when the hop says.
    pub tls_version: Option<String>,
    /// TLS cipher, when the hop says.
    pub tls_cipher: Option<String>,
    /// The date text as written.
    pub date_text: Option<String>,
    /// The date, when it could be read and is valid.
    pub date: Option<ReceivedDate>,
    /// Why the date could not be used.
    pub date_problem: Option<DateProblem>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token<'a> {
    Word(&'a str),
    Comment(&'a str),
}

/// Bytes that end a run of word bytes: ASCII white space (as `char::is_whitespace` has it),
/// `(`, and every non-ASCII byte (its character may be white space).
const fn stops_word(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | b' ' | b'(') || !b.is_ascii()
}

/// Words and (nested) comments; `[...]` and `<...>` stay inside their word. Runs of word
/// bytes are skipped whole and comments are crossed from parenthesis to parenthesis, so
/// a character is decoded only where a non-ASCII byte stops a run.
fn tokens(text: &str) -> Vec<Token<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() / 8 + 4);
    let mut word: Option<usize> = None;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'(' {
            if let Some(start) = word.take() {
                out.push(Token::Word(text.get(start..i).unwrap_or("")));
            }
            let inner = i + 1;
            let mut depth = 1usize;
            let mut close = None;
            for at in memchr::memchr2_iter(b'(', b')', bytes.get(inner..).unwrap_or_default()) {
                if bytes.get(inner + at) == Some(&b'(') {
                    depth += 1;
                } else {
                    depth -= 1;
                    if depth == 0 {
                        close = Some(inner + at);
                        break;
                    }
                }
            }
            let Some(close) = close else {
                out.push(Token::Comment(text.get(inner..).unwrap_or("").trim()));
                return out;
            };
            out.push(Token::Comment(text.get(inner..close).unwrap_or("").trim()));
            i = close + 1;
            continue;
        }
        let (white, len) = if b.is_ascii() {
            (stops_word(b), 1)
        } else {
            let c = text.get(i..).and_then(|t| t.chars().next()).unwrap_or(' ');
            (c.is_whitespace(), c.len_utf8())
        };
        if white {
            if let Some(start) = word.take() {
                out.push(Token::Word(text.get(start..i).unwrap_or("")));
            }
            i += len;
            continue;
        }
        word.get_or_insert(i);
        i += len;
        // The rest of an ASCII word, in one step.
        i += bytes.get(i..).map_or(0, |rest| {
            rest.iter().take_while(|&&b| !stops_word(b)).count()
        });
    }
    if let Some(start) = word {
        out.push(Token::Word(text.get(start..).unwrap_or("")));
    }
    out
}

/// The last `;` outside comments, angle brackets and quotes.
fn date_separator(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    // Quotes and angle brackets are rare in Received values; without them only
    // parentheses and semicolons change the state, and those are found with SIMD.
    if memchr::memchr3(b'"', b'<', b'>', bytes).is_none() {
        return last_outside(bytes, memchr::memchr3_iter(b'(', b')', b';', bytes));
    }
    last_outside(bytes, 0..bytes.len())
}

/// The scan of [`date_separator`] over the byte positions `at` (every position that can
/// change its state, and others, which it skips).
fn last_outside(bytes: &[u8], at: impl Iterator<Item = usize>) -> Option<usize> {
    let mut depth = 0usize;
    let mut angle = false;
    let mut quoted = false;
    let mut last = None;
    // Bytes, not characters: every byte compared is ASCII, which never occurs inside a
    // multi-byte character.
    for i in at {
        match bytes.get(i) {
            Some(b'"') if depth == 0 => quoted = !quoted,
            Some(b'(') if !quoted => depth += 1,
            Some(b')') if !quoted => depth = depth.saturating_sub(1),
            Some(b'<') if depth == 0 && !quoted => angle = true,
            Some(b'>') if depth == 0 && !quoted => angle = false,
            Some(b';') if depth == 0 && !angle && !quoted => last = Some(i),
            _ => {}
        }
    }
    last
}

/// Splits the clause part from the date. Without a `;`, the date is looked for after the
/// last keyword value (SendGrid writes `id … 2018-04-22 02:54:17.02 +0000 UTC`).
fn split_date(text: &str) -> (&str, Option<&str>) {
    if let Some(at) = date_separator(text) {
        let after = text.get(at + 1..).unwrap_or("").trim();
        let before = text.get(..at).unwrap_or("");
        return (before, (!after.is_empty()).then_some(after));
    }
    let mut offset = 0;
    let mut candidates = Vec::new();
    let mut depth = 0usize;
    for word in text.split_inclusive(char::is_whitespace) {
        let start = offset;
        offset += word.len();
        depth += word.matches('(').count();
        let closes = word.matches(')').count();
        let inside = depth > 0;
        depth = depth.saturating_sub(closes);
        if inside || candidates.len() >= 16 {
            continue;
        }
        if received_date::could_start_date(word.trim()) {
            candidates.push(start);
        }
    }
    for start in candidates {
        let tail = text.get(start..).unwrap_or("");
        if received_date::parse(tail).is_ok() {
            return (text.get(..start).unwrap_or(""), Some(tail.trim()));
        }
    }
    (text, None)
}

/// An IP address in `word`: `1.2.3.4`, `[1.2.3.4]`, `[IPv6:2001:db8::1]`, `fe80::1%6`,
/// `1.2.3.4:25`, `[2001:db8::1]:25`, `unknown[1.2.3.4]`.
fn ip_in(word: &str) -> Option<IpAddr> {
    let word = word.trim_matches(|c: char| c == ',' || c == ';' || c == '(' || c == ')');
    let inner = match (word.find('['), word.rfind(']')) {
        (Some(open), Some(close)) if open < close => word.get(open + 1..close)?,
        _ => word,
    };
    let inner = inner.trim();
    let inner = inner
        .strip_prefix("IPv6:")
        .or_else(|| inner.strip_prefix("ipv6:"))
        .unwrap_or(inner);
    let inner = inner.split('%').next().unwrap_or(inner);
    if let Ok(ip) = inner.parse::<IpAddr>() {
        return Some(ip);
    }
    let (host, port) = inner.rsplit_once(':')?;
    if !port.bytes().all(|b| b.is_ascii_digit()) || port.is_empty() {
        return None;
    }
    host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

/// The bracketed IP of a comment (`host [1.2.3.4]`, `unknown[1.2.3.4]`) and the name before
/// it.
fn bracketed(comment: &str) -> Option<(IpAddr, Option<String>)> {
    let open = comment.find('[')?;
    let close = open + comment.get(open..)?.find(']')?;
    let ip = ip_in(comment.get(open..=close)?)?;
    let before = comment.get(..open)?.trim_end();
    let name = before
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '<')
        .next()
        .map(|n| n.trim_end_matches('>').trim_start_matches("IDENT:"))
        .map(|n| n.rsplit('@').next().unwrap_or(n))
        .filter(|n| !n.is_empty() && !n.eq_ignore_ascii_case("unknown") && n.contains('.'))
        .map(str::to_owned);
    Some((ip, name))
}

fn helo_in(comment: &str) -> Option<String> {
    let at = find_ascii_ci(comment, "helo=")
        .or_else(|| find_ascii_ci(comment, "helo ").or_else(|| find_ascii_ci(comment, "ehlo ")))
        .map(|i| i + 5)?;
    let rest = comment.get(at..)?.trim_start();
    let name = rest
        .split(|c: char| c.is_whitespace() || c == ')' || c == ',')
        .next()?
        .trim_matches(|c: char| c == '[' || c == ']');
    (!name.is_empty()).then(|| name.to_owned())
}

/// A host word without its brackets: `[10.0.0.1]:25` → `10.0.0.1`, `<server>` → `server`.
fn clean_host(word: &str) -> String {
    let word = word.trim_matches(|c: char| c == ';' || c == ',');
    if let Some(inner) = word.strip_prefix('[')
        && let Some(close) = inner.find(']')
    {
        return inner.get(..close).unwrap_or(inner).to_owned();
    }
    word.trim_matches(|c: char| c == '[' || c == ']' || c == '<' || c == '>')
        .to_owned()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Keyword {
    From,
    By,
    With,
    Id,
    For,
    Via,
}

fn keyword(word: &str) -> Option<Keyword> {
    const KEYWORDS: [(&str, Keyword); 6] = [
        ("from", Keyword::From),
        ("by", Keyword::By),
        ("with", Keyword::With),
        ("id", Keyword::Id),
        ("for", Keyword::For),
        ("via", Keyword::Via),
    ];
    KEYWORDS
        .iter()
        .find(|(name, _)| word.eq_ignore_ascii_case(name))
        .map(|&(_, k)| k)
}

/// The tokens of the `from`, `by` and `with` clauses, each tagged with its clause, in
/// order: one list for the three, read back clause by clause.
struct Clauses<'a>(Vec<(Keyword, Token<'a>)>);

impl<'a> Clauses<'a> {
    fn words(&self, clause: Keyword) -> impl Iterator<Item = &'a str> + '_ {
        self.0.iter().filter_map(move |&(k, token)| match token {
            Token::Word(word) if k == clause => Some(word),
            _ => None,
        })
    }

    fn comments(&self, clause: Keyword) -> impl Iterator<Item = &'a str> + '_ {
        self.0.iter().filter_map(move |&(k, token)| match token {
            Token::Comment(text) if k == clause => Some(text),
            _ => None,
        })
    }
}

/// Reads one Received value (unfolded).
pub fn parse(value: &str) -> ReceivedFields {
    // Fewer bytes than the limit means fewer characters: only long values are counted.
    let cut = (value.len() > MAX_VALUE)
        .then(|| value.char_indices().nth(MAX_VALUE))
        .flatten();
    let value = cut.map_or(value, |(cut, _)| value.get(..cut).unwrap_or(value));
    let (clauses, date_text) = split_date(value);
    let mut fields = ReceivedFields::default();
    match date_text.map(received_date::parse) {
        Some(Ok(date)) => fields.date = Some(date),
        Some(Err(problem)) => fields.date_problem = Some(problem),
        None => fields.date_problem = Some(DateProblem::Missing),
    }
    fields.date_text = date_text.map(str::to_owned);

    let mut tokens = tokens(clauses);
    // `(from host [ip]) by …`: a leading comment that is itself a from clause.
    if let Some(Token::Comment(inner)) = tokens.first().copied()
        && inner.len() > 5
        && inner
            .get(..5)
            .is_some_and(|h| h.eq_ignore_ascii_case("from "))
    {
        let mut inner_tokens = self::tokens(inner);
        inner_tokens.extend(tokens.drain(1..));
        tokens = inner_tokens;
    }

    let mut clauses = Clauses(Vec::with_capacity(tokens.len()));
    let mut current: Option<Keyword> = None;
    let mut seen_from = false;
    for token in tokens {
        match token {
            Token::Comment(_) => match current {
                Some(k @ (Keyword::From | Keyword::By)) => clauses.0.push((k, token)),
                Some(Keyword::With) => {
                    clauses.0.push((Keyword::With, token));
                    current = None;
                }
                _ => {}
            },
            Token::Word(word) => {
                if let Some(k) = keyword(word) {
                    if k == Keyword::From && seen_from {
                        current = None;
                        continue;
                    }
                    seen_from |= k == Keyword::From;
                    let taken = match k {
                        Keyword::By => fields.by.is_some(),
                        Keyword::With => fields.with.is_some(),
                        Keyword::Id => fields.id.is_some(),
                        Keyword::For => fields.for_addr.is_some(),
                        Keyword::Via => fields.via.is_some(),
                        Keyword::From => false,
                    };
                    current = (!taken).then_some(k);
                    continue;
                }
                match current {
                    Some(Keyword::From) => clauses.0.push((Keyword::From, token)),
                    Some(Keyword::By) if fields.by.is_none() => {
                        fields.by = Some(clean_host(word));
                    }
                    Some(Keyword::With) => clauses.0.push((Keyword::With, token)),
                    Some(Keyword::Id) => {
                        fields.id = Some(
                            word.trim_matches(|c: char| c == '<' || c == '>' || c == ';')
                                .to_owned(),
                        );
                        current = None;
                    }
                    Some(Keyword::For) => {
                        let addr = word.trim_matches(|c: char| {
                            c == '<' || c == '>' || c == ';' || c == ',' || c == '"'
                        });
                        fields.for_addr = Some(addr.to_owned());
                        current = None;
                    }
                    Some(Keyword::Via) => {
                        fields.via = Some(word.trim_end_matches(';').to_owned());
                        current = None;
                    }
                    Some(Keyword::By) | None => {}
                }
            }
        }
    }
    read_from(&clauses, &mut fields);
    read_by(&clauses, &mut fields);
    read_with(&clauses, &mut fields);
    read_tls(value, &mut fields);
    if fields.for_addr.is_none() {
        // `…; Thu, 20 Mar 03 10:06:43 +0100 for <asrg@ietf.org>`
        fields.for_addr = date_text.and_then(|d| {
            let mut words = d.split_whitespace();
            words.find(|w| w.eq_ignore_ascii_case("for"))?;
            let addr = words
                .next()?
                .trim_matches(|c: char| c == '<' || c == '>' || c == ';');
            addr.contains('@').then(|| addr.to_owned())
        });
    }
    fields
}

fn read_from(clauses: &Clauses<'_>, fields: &mut ReceivedFields) {
    let comments = || clauses.comments(Keyword::From);
    let Some(first) = clauses.words(Keyword::From).next() else {
        // `from ([1.2.3.4]) by …`: the name is missing, the comment holds the address.
        if let Some((ip, name)) = comments().find_map(bracketed) {
            fields.from_ip = Some(ip.to_string());
            fields.from_rdns = name;
        } else if let Some(ip) = comments().flat_map(str::split_whitespace).find_map(ip_in) {
            fields.from_ip = Some(ip.to_string());
        }
        for comment in comments() {
            if let Some(helo) = helo_in(comment) {
                fields.helo = Some(helo);
            }
        }
        return;
    };
    fields.from = Some(clean_host(first)).filter(|h| !h.is_empty());
    let mut ip: Option<IpAddr> = None;
    for comment in comments() {
        if ip.is_none()
            && let Some((found, name)) = bracketed(comment)
        {
            ip = Some(found);
            if fields.from_rdns.is_none() {
                fields.from_rdns = name;
            }
        }
        if fields.helo.is_none() {
            fields.helo = helo_in(comment);
        }
    }
    if ip.is_none() {
        ip = comments().flat_map(str::split_whitespace).find_map(ip_in);
    }
    if ip.is_none() {
        ip = clauses.words(Keyword::From).skip(1).find_map(ip_in);
    }
    if ip.is_none() {
        ip = ip_in(first);
    }
    fields.from_ip = ip.map(|ip| ip.to_string());
    if fields.from_rdns.is_none() {
        // Exchange writes `from host (1.2.3.4)`: the name is the one the receiver saw.
        let named = comments().find_map(|c| {
            let mut words = c.split_whitespace();
            let name = words.next()?;
            let second = words.next()?;
            (ip_in(second).is_some() && name.contains('.') && ip_in(name).is_none())
                .then(|| name.to_owned())
        });
        fields.from_rdns = named;
    }
}

fn read_by(clauses: &Clauses<'_>, fields: &mut ReceivedFields) {
    let ip = clauses
        .comments(Keyword::By)
        .find_map(|c| bracketed(c).map(|(ip, _)| ip))
        .or_else(|| {
            clauses
                .comments(Keyword::By)
                .filter_map(|c| c.split_whitespace().next())
                .find_map(ip_in)
        });
    fields.by_ip = ip.map(|ip| ip.to_string());
}

fn read_with(clauses: &Clauses<'_>, fields: &mut ReceivedFields) {
    let mut joined = String::new();
    for word in clauses.words(Keyword::With) {
        if !joined.is_empty() {
            joined.push(' ');
        }
        joined.push_str(word);
    }
    joined.truncate(joined.trim_end_matches(';').len());
    // `ESMTP/TLS/DHE-RSA-AES256-GCM-SHA384`
    let mut parts = joined.split('/');
    if let (Some(protocol), Some(tls), Some(cipher)) = (parts.next(), parts.next(), parts.next())
        && tls.eq_ignore_ascii_case("TLS")
        && !cipher.is_empty()
    {
        fields.tls_cipher = Some(cipher.to_owned());
        fields.with = Some(protocol.to_owned());
        return;
    }
    fields.with = Some(joined).filter(|w| !w.is_empty());
}

fn read_tls(value: &str, fields: &mut ReceivedFields) {
    let (version, cipher) = received_tls::read(value);
    fields.tls_version = version;
    if fields.tls_cipher.is_none() {
        fields.tls_cipher = cipher;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_an_exchange_online_hop() {
        let hop = parse(
            "from BN9PR03CA0551.namprd03.prod.outlook.com (2603:10b6:408:138::16) by SA1PR04MB8123.namprd04.prod.outlook.com (2603:10b6:806:2e6::9) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8511.19; Wed, 5 Mar 2025 09:14:06 +0000",
        );
        assert_eq!(
            hop.from.as_deref(),
            Some("BN9PR03CA0551.namprd03.prod.outlook.com")
        );
        assert_eq!(hop.from_ip.as_deref(), Some("2603:10b6:408:138::16"));
        assert_eq!(
            hop.by.as_deref(),
            Some("SA1PR04MB8123.namprd04.prod.outlook.com")
        );
        assert_eq!(hop.by_ip.as_deref(), Some("2603:10b6:806:2e6::9"));
        assert_eq!(hop.with.as_deref(), Some("Microsoft SMTP Server"));
        assert_eq!(hop.id.as_deref(), Some("15.20.8511.19"));
        assert_eq!(hop.tls_version.as_deref(), Some("TLS1.2"));
        assert_eq!(
            hop.tls_cipher.as_deref(),
            Some("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
        );
        assert!(hop.date.is_some());
    }

    #[test]
    fn reads_postfix_hops_with_and_without_from() {
        let hop = parse(
            "from [192.168.1.20] (unknown [203.0.113.45]) (Authenticated sender: promo@mailer.example) by smtp.mailer.example (Postfix) with ESMTPSA id 4Z6Qk25bXYz9sVT for <lee.gu@contoso.com>; Tue,  4 Mar 2025 10:02:35 -0500 (EST)",
        );
        assert_eq!(hop.from.as_deref(), Some("192.168.1.20"));
        assert_eq!(hop.from_ip.as_deref(), Some("203.0.113.45"));
        assert_eq!(hop.id.as_deref(), Some("4Z6Qk25bXYz9sVT"));
        assert_eq!(hop.for_addr.as_deref(), Some("lee.gu@contoso.com"));
        assert_eq!(hop.with.as_deref(), Some("ESMTPSA"));

        let hop = parse(
            "by mx2.lists.example.net (Postfix, from userid 1001) id 4Z6RmQ0b7Lz2xQpT; Wed,  5 Mar 2025 01:14:03 -0800 (PST)",
        );
        assert_eq!(hop.from, None);
        assert_eq!(hop.by.as_deref(), Some("mx2.lists.example.net"));
        assert_eq!(hop.id.as_deref(), Some("4Z6RmQ0b7Lz2xQpT"));
        assert_eq!(
            hop.date.map(|d| d.time.to_rfc3339()).as_deref(),
            Some("2025-03-05T01:14:03-08:00")
        );
    }

    #[test]
    fn reads_a_sendgrid_hop_without_semicolon() {
        let hop = parse(
            "by filter0188p1mdw1.em.deals.example.com with SMTP id filter0188p1mdw1-12345-67CF1B28-4 2025-03-10 16:45:28.418293017 +0000 UTC m=+2093461.122018375",
        );
        assert_eq!(hop.id.as_deref(), Some("filter0188p1mdw1-12345-67CF1B28-4"));
        assert_eq!(hop.with.as_deref(), Some("SMTP"));
        assert!(hop.date.is_some_and(|d| d.subsecond));
    }

    #[test]
    fn comment_keywords_are_not_clauses() {
        let hop = parse("(qmail 27981 invoked by uid 225); 14 Mar 2003 07:24:34 -0000");
        assert_eq!(hop.by, None);
        assert_eq!(hop.from, None);
        assert!(hop.date.is_some());
        let hop = parse(
            "from out.example.com (out.example.com [192.0.2.8]) (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)) by mx.example.net (Postfix) with ESMTPS id 41A2C80D73C; Tue, 29 Aug 2023 16:20:12 +0000",
        );
        assert_eq!(hop.with.as_deref(), Some("ESMTPS"));
        assert_eq!(hop.tls_version.as_deref(), Some("TLS1.3"));
        assert_eq!(hop.tls_cipher.as_deref(), Some("TLS_AES_256_GCM_SHA384"));
        assert_eq!(hop.from_rdns.as_deref(), Some("out.example.com"));
    }

    #[test]
    fn reads_ip_literal_forms() {
        let hop = parse(
            "from ietfa.amsl.com (localhost [IPv6:::1]) by ietfa.amsl.com (Postfix) with ESMTP id 6296FC13AE3E; Mon, 28 Aug 2023 02:21:37 -0700",
        );
        assert_eq!(hop.from_ip.as_deref(), Some("::1"));
        let hop = parse(
            "from list.example.com (192.0.2.86:23198) by mx1.example.net; Sat, 18 Sep 2004 23:17:54 -0500",
        );
        assert_eq!(hop.from_ip.as_deref(), Some("192.0.2.86"));
        let hop = parse(
            "from X ([fe80::19bd:c588:dd17:5226]) by Y ([fe80::19bd:c588:dd17:5226%6]) with mapi id 15.20.1943.023; Wed, 5 Jun 2019 10:17:08 +0000",
        );
        assert_eq!(hop.by_ip.as_deref(), Some("fe80::19bd:c588:dd17:5226"));
    }

    #[test]
    fn the_simd_date_separator_agrees_with_the_byte_scan() {
        const PIECES: &[&str] = &["(", ")", ";", "a", " ", "é", "\"", "<", ">"];
        let mut next = crate::testing::xorshift(0x94d0_49bb_1331_11eb_u64);
        for n in 0..20_000 {
            // Half the values without quotes and angle brackets, for the SIMD path.
            let kinds = if n % 2 == 0 { 6 } else { PIECES.len() as u64 };
            let value: String = (0..next() % 16)
                .map(|_| PIECES[(next() % kinds) as usize])
                .collect();
            assert_eq!(
                date_separator(&value),
                last_outside(value.as_bytes(), 0..value.len()),
                "{value:?}"
            );
        }
    }

    #[test]
    fn survives_junk() {
        for junk in ["", ";", "(((", "from", "from (", "by ; ;", "\u{0}\u{1}[]<>"] {
            let hop = parse(junk);
            assert!(hop.date.is_none(), "{junk:?}");
        }
    }
}
