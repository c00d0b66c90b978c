//! Authentication-Results (RFC 8601), ARC-Authentication-Results and Received-SPF, read
//! tolerantly: Microsoft writes no authserv-id (`spf=pass (sender IP is …) smtp.mailfrom=…`),
//! glues results with `;` without spaces, folds `compauth=fail` and `reason=001` apart and
//! adds `action=oreject`; other receivers quote values and nest comments.

/// One method's result (`dkim=fail (body hash did not verify) header.d=example.org`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MethodResult {
    /// Method, lower case (`spf`, `dkim`, `dmarc`, `arc`, `compauth`, …).
    pub method: String,
    /// The result.
    pub result: AuthResult,
    /// `reason=` (compauth's reason code, or a text).
    pub reason: Option<String>,
    /// `action=` (DMARC's action).
    pub action: Option<String>,
    /// The first comment after the result (`sender IP is 192.0.2.1`).
    pub comment: Option<String>,
    /// `ptype.property=value` pairs (`smtp.mailfrom`, `header.d`, `header.from`), and any
    /// other keys, in order.
    pub properties: Vec<(String, String)>,
}

impl MethodResult {
    /// The value of property `name` (case-insensitive).
    pub fn property(&self, name: &str) -> Option<&str> {
        self.properties
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The result in the contract's words (RFC 8601 plus `bestguesspass` and `softpass`);
    /// `None` for words outside that list (kept in [`Self::result`]).
    pub fn contract_result(&self) -> Option<String> {
        self.result.contract().map(str::to_owned)
    }
}

/// A method's result in RFC 8601's words (plus Microsoft's `bestguesspass` and
/// `softpass`), with the older synonyms read as what they mean. Callers ask what kind of
/// result it is, never compare words.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum AuthResult {
    /// `pass`.
    Pass,
    /// `fail` (also `hardfail`).
    Fail,
    /// `softfail` (SPF `~all`).
    SoftFail,
    /// `neutral` (SPF `?all`).
    Neutral,
    /// `none`: nothing to check.
    #[default]
    None,
    /// `temperror` (also `tempfail`).
    TempError,
    /// `permerror` (also `permfail`).
    PermError,
    /// Microsoft's `bestguesspass`: no record, but the sender's infrastructure matches.
    BestGuessPass,
    /// Microsoft's composite `softpass`.
    SoftPass,
    /// A word outside the vocabulary, lower case as written.
    Other(String),
}

impl AuthResult {
    /// Reads a result word, case-insensitively.
    pub fn parse(word: &str) -> Self {
        let word = word.trim().to_ascii_lowercase();
        match word.as_str() {
            "pass" => Self::Pass,
            "fail" | "hardfail" => Self::Fail,
            "softfail" => Self::SoftFail,
            "neutral" => Self::Neutral,
            "none" => Self::None,
            "temperror" | "tempfail" => Self::TempError,
            "permerror" | "permfail" => Self::PermError,
            "bestguesspass" => Self::BestGuessPass,
            "softpass" => Self::SoftPass,
            _ => Self::Other(word),
        }
    }

    /// The contract's word; `None` for a word outside the vocabulary.
    pub fn contract(&self) -> Option<&'static str> {
        Some(match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::SoftFail => "softfail",
            Self::Neutral => "neutral",
            Self::None => "none",
            Self::TempError => "temperror",
            Self::PermError => "permerror",
            Self::BestGuessPass => "bestguesspass",
            Self::SoftPass => "softpass",
            Self::Other(_) => return Option::None,
        })
    }

    /// The word as shown: the contract's, or the unknown word as written.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Other(word) => word,
            known => known.contract().unwrap_or_default(),
        }
    }

    /// True for `pass` and Microsoft's `bestguesspass`.
    pub fn is_pass(&self) -> bool {
        matches!(self, Self::Pass | Self::BestGuessPass)
    }

    /// True for a result that says the sender's authentication is wrong: `fail`,
    /// `softfail` or a broken record (`permerror`).
    pub fn is_failure(&self) -> bool {
        matches!(self, Self::Fail | Self::SoftFail | Self::PermError)
    }
}

impl std::fmt::Display for AuthResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One Authentication-Results-like header.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuthResults {
    /// The field name as written.
    pub header: String,
    /// The field's position in the header block (0 = topmost).
    pub position: usize,
    /// ARC instance (`i=`), for ARC-Authentication-Results.
    pub instance: Option<u32>,
    /// The authserv-id (the host that wrote it); Microsoft writes none.
    pub authserv_id: Option<String>,
    /// Results in order.
    pub results: Vec<MethodResult>,
    /// The unfolded value.
    pub value: String,
}

impl AuthResults {
    /// The first result of `method`.
    pub fn first(&self, method: &str) -> Option<&MethodResult> {
        self.results
            .iter()
            .find(|r| r.method.eq_ignore_ascii_case(method))
    }

    /// Every result of `method`.
    pub fn all<'a>(&'a self, method: &'a str) -> impl Iterator<Item = &'a MethodResult> + 'a {
        self.results
            .iter()
            .filter(move |r| r.method.eq_ignore_ascii_case(method))
    }

    /// True when it carries Microsoft's composite authentication.
    pub fn has_compauth(&self) -> bool {
        self.first("compauth").is_some()
    }
}

const METHODS: &[&str] = &[
    "spf",
    "dkim",
    "dmarc",
    "arc",
    "compauth",
    "auth",
    "iprev",
    "bimi",
    "dkim-atps",
    "dkim-adsp",
    "smime",
    "dnswl",
    "vbr",
    "rrvs",
    "sender-id",
    "domainkeys",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Item<'a> {
    Word(&'a str),
    Comment(&'a str),
}

/// Splits at `;` outside comments and quotes.
fn segments(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut quoted = false;
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '"' if depth == 0 => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth = depth.saturating_sub(1),
            ';' if depth == 0 && !quoted => {
                out.push(text.get(start..i).unwrap_or(""));
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(text.get(start..).unwrap_or(""));
    out
}

/// Words (a quoted string stays inside its word) and comments.
fn items(text: &str) -> Vec<Item<'_>> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut quoted = false;
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if depth > 0 {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        let from = start.take().unwrap_or(i);
                        out.push(Item::Comment(text.get(from..i).unwrap_or("").trim()));
                    }
                }
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                quoted = !quoted;
                if start.is_none() {
                    start = Some(i);
                }
            }
            '(' if !quoted => {
                if let Some(s) = start.take() {
                    out.push(Item::Word(text.get(s..i).unwrap_or("")));
                }
                depth = 1;
                start = Some(i + 1);
            }
            c if c.is_whitespace() && !quoted => {
                if let Some(s) = start.take() {
                    out.push(Item::Word(text.get(s..i).unwrap_or("")));
                }
            }
            _ => {
                if start.is_none() {
                    start = Some(i);
                }
            }
        }
    }
    if let Some(s) = start {
        let rest = text.get(s..).unwrap_or("");
        out.push(if depth > 0 {
            Item::Comment(rest.trim())
        } else {
            Item::Word(rest)
        });
    }
    out
}

fn unquote(value: &str) -> String {
    let value = value.trim();
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value)
        .replace("\\\"", "\"")
}

fn is_method(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    METHODS.contains(&key.as_str()) || key.starts_with("x-")
}

/// Reads the result list of one Authentication-Results-like value: `(instance, authserv-id,
/// results)`.
pub fn parse(value: &str) -> (Option<u32>, Option<String>, Vec<MethodResult>) {
    let mut segments = segments(value).into_iter().peekable();
    let mut instance = None;
    if let Some(first) = segments.peek()
        && let Some(rest) = first
            .trim()
            .strip_prefix("i=")
            .or_else(|| first.trim().strip_prefix("I="))
        && let Ok(n) = rest.trim().parse::<u32>()
    {
        instance = Some(n);
        segments.next();
    }
    let mut authserv_id = None;
    let mut results: Vec<MethodResult> = Vec::new();
    let mut first_segment = true;
    for segment in segments {
        let items = items(segment);
        let mut words = items.iter().filter_map(|i| match i {
            Item::Word(w) => Some(*w),
            Item::Comment(_) => None,
        });
        let mut skip = 0;
        if first_segment {
            first_segment = false;
            if let Some(first) = words.next()
                && !first.contains('=')
            {
                authserv_id = Some(first.to_owned());
                // The optional version number after the id.
                skip = 1 + usize::from(words.next().is_some_and(|w| w.parse::<u32>().is_ok()));
            }
        }
        let mut current: Option<MethodResult> = None;
        let mut words_seen = 0;
        for item in items {
            match item {
                Item::Comment(text) => {
                    if let Some(result) = current.as_mut()
                        && result.comment.is_none()
                        && result.properties.is_empty()
                    {
                        result.comment = Some(text.to_owned());
                    }
                }
                Item::Word(word) => {
                    words_seen += 1;
                    if words_seen <= skip {
                        continue;
                    }
                    let Some((key, value)) = word.split_once('=') else {
                        continue;
                    };
                    let key = key.trim();
                    let lower = key.to_ascii_lowercase();
                    let value = unquote(value);
                    let starts_new = !lower.contains('.')
                        && lower != "reason"
                        && lower != "action"
                        && (current.is_none() || is_method(&lower));
                    if starts_new {
                        if let Some(done) = current.take() {
                            results.push(done);
                        }
                        current = Some(MethodResult {
                            method: lower,
                            result: AuthResult::parse(&value),
                            ..MethodResult::default()
                        });
                        continue;
                    }
                    let Some(result) = current.as_mut() else {
                        continue;
                    };
                    match lower.as_str() {
                        "reason" => result.reason = Some(value),
                        "action" => result.action = Some(value),
                        _ => result.properties.push((key.to_owned(), value)),
                    }
                }
            }
        }
        if let Some(done) = current {
            results.push(done);
        }
    }
    (instance, authserv_id, results)
}

/// A Received-SPF header.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReceivedSpf {
    /// The field's position in the header block.
    pub position: usize,
    /// Result, lower case.
    pub result: String,
    /// The comment (`protection.outlook.com: domain of … designates …`).
    pub comment: Option<String>,
    /// `client-ip=`.
    pub client_ip: Option<String>,
    /// `envelope-from=`, or the domain named in the comment.
    pub envelope_from: Option<String>,
    /// `helo=`.
    pub helo: Option<String>,
    /// The unfolded value.
    pub value: String,
}

/// Reads a Received-SPF value.
pub fn parse_received_spf(value: &str, position: usize) -> ReceivedSpf {
    let items = items(value);
    let mut spf = ReceivedSpf {
        position,
        value: value.to_owned(),
        ..ReceivedSpf::default()
    };
    for item in items {
        match item {
            Item::Comment(text) => {
                if spf.comment.is_none() {
                    spf.comment = Some(text.to_owned());
                }
            }
            Item::Word(word) => {
                if spf.result.is_empty() && !word.contains('=') {
                    spf.result = word.trim_end_matches(';').to_ascii_lowercase();
                    continue;
                }
                let Some((key, val)) = word.split_once('=') else {
                    continue;
                };
                let val = unquote(val.trim_end_matches(';'));
                match key.trim().to_ascii_lowercase().as_str() {
                    "client-ip" => spf.client_ip = Some(val),
                    "envelope-from" => spf.envelope_from = Some(val),
                    "helo" => spf.helo = Some(val),
                    _ => {}
                }
            }
        }
    }
    if spf.envelope_from.is_none()
        && let Some(comment) = &spf.comment
        && let Some(at) = comment.find("domain of ")
    {
        let rest = comment.get(at + "domain of ".len()..).unwrap_or("");
        let mut words = rest.split_whitespace();
        let first = words.next().unwrap_or("");
        let domain = if first.eq_ignore_ascii_case("transitioning") {
            words.next().unwrap_or("")
        } else {
            first
        };
        spf.envelope_from = Some(domain.to_owned()).filter(|d| !d.is_empty());
    }
    spf
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_microsofts_results_without_authserv_id() {
        let (instance, id, results) = parse(
            "spf=softfail (sender IP is 2001:db8:1f0::25) smtp.mailfrom=contoso-payroll.example; dkim=none (message not signed) header.d=none;dmarc=fail action=none header.from=contoso.com;compauth=fail reason=001",
        );
        assert_eq!((instance, id), (None, None));
        let methods: Vec<_> = results
            .iter()
            .map(|r| (r.method.as_str(), r.result.as_str()))
            .collect();
        assert_eq!(
            methods,
            [
                ("spf", "softfail"),
                ("dkim", "none"),
                ("dmarc", "fail"),
                ("compauth", "fail")
            ]
        );
        assert_eq!(
            results[0].comment.as_deref(),
            Some("sender IP is 2001:db8:1f0::25")
        );
        assert_eq!(
            results[0].property("smtp.mailfrom"),
            Some("contoso-payroll.example")
        );
        assert_eq!(results[2].action.as_deref(), Some("none"));
        assert_eq!(results[2].property("header.from"), Some("contoso.com"));
        assert_eq!(results[3].reason.as_deref(), Some("001"));
    }

    #[test]
    fn reads_arc_results_with_instance_and_version() {
        let (instance, id, results) = parse(
            "i=1; mx.microsoft.com 1; spf=pass smtp.mailfrom=example.org; dmarc=pass (p=quarantine sp=quarantine pct=100) action=none header.from=example.org; dkim=pass header.d=example.org; arc=none (0)",
        );
        assert_eq!(instance, Some(1));
        assert_eq!(id.as_deref(), Some("mx.microsoft.com"));
        assert_eq!(results.len(), 4);
        assert_eq!(results[3].method, "arc");
        assert_eq!(results[3].comment.as_deref(), Some("0"));
    }

    #[test]
    fn reads_quoted_values_and_unknown_methods() {
        let (_, id, results) = parse(
            "mx.google.com; dkim=pass header.i=@ekiri.ee header.s=default; spf=neutral (google.com: best guess) smtp.mailfrom=\"andris+caf_=a=b@tr.ee\"; x-custom=ok foo=bar",
        );
        assert_eq!(id.as_deref(), Some("mx.google.com"));
        assert_eq!(
            results[1].property("smtp.mailfrom"),
            Some("andris+caf_=a=b@tr.ee")
        );
        assert_eq!(results[2].method, "x-custom");
        assert_eq!(results[2].property("foo"), Some("bar"));
    }

    #[test]
    fn result_words_are_read_as_what_they_mean() {
        assert_eq!(AuthResult::parse("Pass"), AuthResult::Pass);
        assert_eq!(AuthResult::parse("hardfail").contract(), Some("fail"));
        assert_eq!(AuthResult::parse("tempfail"), AuthResult::TempError);
        let other = AuthResult::parse("Policy");
        assert_eq!(other.contract(), None);
        assert_eq!(other.to_string(), "policy");
        assert!(AuthResult::BestGuessPass.is_pass() && !AuthResult::SoftPass.is_failure());
        assert!(AuthResult::PermError.is_failure() && !AuthResult::TempError.is_failure());
    }

    #[test]
    fn reads_received_spf() {
        let spf = parse_received_spf(
            "SoftFail (protection.outlook.com: domain of transitioning contoso-payroll.example discourages use of 2001:db8:1f0::25 as permitted sender)",
            3,
        );
        assert_eq!(spf.result, "softfail");
        assert_eq!(
            spf.envelope_from.as_deref(),
            Some("contoso-payroll.example")
        );
        let spf = parse_received_spf(
            "Pass (protection.outlook.com: domain of lists.example.net designates 198.51.100.23 as permitted sender) receiver=protection.outlook.com; client-ip=198.51.100.23; helo=mx2.lists.example.net; pr=C",
            0,
        );
        assert_eq!(spf.client_ip.as_deref(), Some("198.51.100.23"));
        assert_eq!(spf.helo.as_deref(), Some("mx2.lists.example.net"));
    }

    #[test]
    fn survives_junk() {
        for junk in ["", ";;;", "=", "(((", "i=x; ;", "a=b=c; \"unterminated"] {
            let _ = parse(junk);
            let _ = parse_received_spf(junk, 0);
        }
    }
}
