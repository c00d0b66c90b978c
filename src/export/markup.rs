//! An HTML writer that escapes by construction: tag and attribute names are `&'static str`
//! (ours, never the input's), every text and attribute value is escaped on the way in, and
//! the only way to emit a link checks that its target is `http` or `https`. Markup that is
//! not escaped can only be a `&'static str` written in this crate (the doctype, the style
//! sheet). This is the one place HTML escaping happens (`reference/reliability.md` §3.1).

use std::sync::LazyLock;

use regex::Regex;

/// `http(s)://` up to white space or a character that cannot be in a URL we show.
static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\bhttps?://[^\s<>"'`\\]+"#).expect("static URL pattern is valid")
});

/// Elements followed by a line break in the source.
const BLOCKS: &[&str] = &[
    "html", "head", "body", "header", "footer", "section", "h1", "h2", "h3", "p", "ol", "ul", "li",
    "table", "thead", "tbody", "tr", "svg", "g", "text",
];

/// Escapes text for an HTML text node or a quoted attribute value.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The URL when it is one a report may link to: `http` or `https` with a host. Anything
/// else (`javascript:`, `file:`, `data:`, UNC paths, protocol handlers) is not a link.
pub fn safe_url(url: &str) -> Option<&str> {
    let url = url.trim();
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        url.get(8..)
    } else if lower.starts_with("http://") {
        url.get(7..)
    } else {
        None
    }?;
    let host_ok = rest
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || c == '[');
    let clean = !url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '\\');
    (host_ok && clean).then_some(url)
}

/// A document being written.
#[derive(Debug, Default)]
pub struct Markup {
    out: String,
}

impl Markup {
    /// An empty document.
    pub fn new() -> Self {
        Self::default()
    }

    /// Markup written in this crate: the doctype, the style sheet, fixed fragments.
    pub fn trusted(&mut self, markup: &'static str) -> &mut Self {
        self.out.push_str(markup);
        self
    }

    /// `<tag a="v" …>` with every value escaped.
    pub fn open(&mut self, tag: &'static str, attrs: &[(&'static str, &str)]) -> &mut Self {
        debug_assert!(
            attrs
                .iter()
                .all(|(name, _)| !matches!(*name, "href" | "src" | "style")
                    && !name.starts_with("on")),
            "links go through Markup::link; no inline style or handlers"
        );
        self.out.push('<');
        self.out.push_str(tag);
        for (name, value) in attrs {
            self.out.push(' ');
            self.out.push_str(name);
            self.out.push_str("=\"");
            self.out.push_str(&escape(value));
            self.out.push('"');
        }
        self.out.push('>');
        self
    }

    /// `</tag>`, and a line break after block elements so the source reads (and diffs)
    /// line by line.
    pub fn close(&mut self, tag: &'static str) -> &mut Self {
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push('>');
        if BLOCKS.contains(&tag) {
            self.out.push('\n');
        }
        self
    }

    /// Escaped text.
    pub fn text(&mut self, text: &str) -> &mut Self {
        self.out.push_str(&escape(text));
        self
    }

    /// A number (SVG coordinates), never input text.
    pub fn number(&mut self, n: f64) -> &mut Self {
        use std::fmt::Write as _;
        write!(self.out, "{n:.1}").ok();
        self
    }

    /// `<tag …>text</tag>`.
    pub fn element(
        &mut self,
        tag: &'static str,
        attrs: &[(&'static str, &str)],
        text: &str,
    ) -> &mut Self {
        self.open(tag, attrs).text(text).close(tag)
    }

    /// A link when `url` is `http(s)`, otherwise the text alone.
    pub fn link(&mut self, url: &str, text: &str) -> &mut Self {
        match safe_url(url) {
            Some(url) => {
                self.out.push_str("<a href=\"");
                self.out.push_str(&escape(url));
                self.out
                    .push_str("\" rel=\"noopener noreferrer nofollow\">");
                self.text(text).close("a")
            }
            None => self.text(text),
        }
    }

    /// Escaped text in which `http(s)` URLs become links; every other scheme stays text.
    pub fn linked_text(&mut self, text: &str) -> &mut Self {
        let mut at = 0;
        for m in URL.find_iter(text) {
            let url = m
                .as_str()
                .trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '}']);
            let (start, end) = (m.start(), m.start() + url.len());
            self.text(text.get(at..start).unwrap_or_default());
            self.link(url, url);
            at = end;
        }
        self.text(text.get(at..).unwrap_or_default())
    }

    /// The document.
    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_escaped() {
        let mut m = Markup::new();
        m.element(
            "p",
            &[("title", "\"><script>")],
            "<img src=x onerror=alert(1)>&",
        );
        assert_eq!(
            m.finish(),
            "<p title=\"&quot;&gt;&lt;script&gt;\">&lt;img src=x onerror=alert(1)&gt;&amp;</p>\n"
        );
    }

    #[test]
    fn only_http_and_https_become_links() {
        assert_eq!(
            safe_url("https://learn.microsoft.com/x"),
            Some("https://learn.microsoft.com/x")
        );
        assert_eq!(safe_url("HTTP://example.com"), Some("HTTP://example.com"));
        for bad in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "file://host/share",
            "\\\\host\\share\\x.png",
            "data:text/html,<script>",
            "ms-msdt:/id",
            "https://",
            "https://a\\b",
        ] {
            assert_eq!(safe_url(bad), None, "{bad}");
        }
    }

    #[test]
    fn urls_in_text_are_linked_and_other_schemes_are_not() {
        let mut m = Markup::new();
        m.linked_text(
            "see https://learn.microsoft.com/a?b=1&c=2. or javascript:alert(1) file://x/y",
        );
        let html = m.finish();
        assert_eq!(
            html,
            "see <a href=\"https://learn.microsoft.com/a?b=1&amp;c=2\" rel=\"noopener noreferrer nofollow\">https://learn.microsoft.com/a?b=1&amp;c=2</a>. or javascript:alert(1) file://x/y"
        );
    }
}
