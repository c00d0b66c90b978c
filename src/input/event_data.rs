//! The key/value data trace events carry: the `Data` column's MEP XML
//! (`<MEP Name="ClientIP" String="…"/>`) and the extended report's / Graph's custom data
//! (`S:TRA=ETR|ruleId=…;S:SFA=SUM|SFV=NSPM|SCL=1`).

use std::sync::LazyLock;

use regex::Regex;

static MEP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"<MEP\s+Name\s*=\s*"(?P<name>[^"]*)"\s+\w+\s*=\s*"(?P<value>[^"]*)"\s*/?>"#)
        .expect("static regex")
});

/// Reads the pairs of a MEP XML blob; a `CustomData` entry is expanded as custom data too.
pub fn mep_pairs(xml: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    for caps in MEP.captures_iter(xml) {
        let (Some(name), Some(value)) = (caps.name("name"), caps.name("value")) else {
            continue;
        };
        let value = unescape_xml(value.as_str());
        if name.as_str().eq_ignore_ascii_case("CustomData") {
            pairs.extend(custom_data_pairs(&value));
        }
        pairs.push((name.as_str().to_owned(), value));
    }
    pairs
}

/// Reads `S:KEY=VALUE;S:KEY=VALUE` custom data. A value that is itself a `|`-separated
/// list of `k=v` (the spam-filter agent's `S:SFA=SUM|SFV=NSPM|SCL=1`) also yields its
/// inner pairs, so `SCL` or `SFV` can be looked up directly.
pub fn custom_data_pairs(data: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    for item in data.split(';') {
        let item = item.trim();
        let Some((key, value)) = item.split_once('=') else {
            continue;
        };
        if key.is_empty() {
            continue;
        }
        if !key.eq_ignore_ascii_case("S:TRA") && value.contains('|') {
            for inner in value.split('|') {
                if let Some((k, v)) = inner.split_once('=')
                    && !k.is_empty()
                {
                    pairs.push((k.trim().to_owned(), v.trim().to_owned()));
                }
            }
        }
        pairs.push((key.trim().to_owned(), value.trim().to_owned()));
    }
    pairs
}

fn unescape_xml(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    text.replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mep_xml_with_custom_data() {
        let xml = r#"<root><MEP Name="ClientIP" String="198.51.100.42"/><MEP Name="CustomData" Blob="S:TRA=ETR|ruleId=8c1f|action=RejectMessage;S:SFA=SUM|SFV=NSPM|SCL=1"/><MEP Name="X" String="a &amp; b"/></root>"#;
        let pairs = mep_pairs(xml);
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("ClientIP"), Some("198.51.100.42"));
        assert_eq!(get("S:TRA"), Some("ETR|ruleId=8c1f|action=RejectMessage"));
        assert_eq!(get("SCL"), Some("1"));
        assert_eq!(get("X"), Some("a & b"));
    }
}
