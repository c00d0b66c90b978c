//! DMARC identifier alignment (RFC 7489 §3.1): the From domain against the SPF MailFrom
//! domain and each DKIM signing domain, strict (equal) or relaxed (same organizational
//! domain). Explains a DMARC failure whose SPF and DKIM both "passed" — for someone else.

use super::auth_results::AuthResult;
use crate::knowledge::antispam_fields::AntispamFields;

/// How two domains align.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Aligned {
    /// The same domain.
    Strict,
    /// The same organizational domain.
    Relaxed,
    /// Different organizations.
    No,
}

impl Aligned {
    /// The contract's word for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Strict => "strict",
            Self::Relaxed => "relaxed",
            Self::No => "no",
        }
    }
}

/// One DKIM signing domain and how it aligns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DkimAlignment {
    /// `d=`.
    pub domain: String,
    /// Alignment with the From domain.
    pub aligned: Aligned,
    /// The receiver's DKIM result for this domain, when it recorded one.
    pub result: Option<AuthResult>,
}

/// Alignment of a message's identifiers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Alignment {
    /// The From header's domain.
    pub from_domain: Option<String>,
    /// The SPF MailFrom (envelope sender) domain.
    pub mail_from_domain: Option<String>,
    /// SPF alignment; `None` when a domain is unknown.
    pub spf: Option<Aligned>,
    /// Each DKIM signing domain.
    pub dkim: Vec<DkimAlignment>,
}

impl Alignment {
    /// The contract's view of it; `None` when there is no From domain to align with.
    pub fn contract(&self) -> Option<crate::diagnosis::AlignmentOut> {
        self.from_domain.as_ref()?;
        Some(crate::diagnosis::AlignmentOut {
            from_domain: self.from_domain.clone(),
            mail_from_domain: self.mail_from_domain.clone(),
            spf: self.spf.map(|a| a.as_str().to_owned()),
            dkim: self
                .dkim
                .iter()
                .map(|d| crate::diagnosis::DkimAlignmentOut {
                    domain: d.domain.clone(),
                    aligned: d.aligned.as_str().to_owned(),
                })
                .collect(),
        })
    }

    /// True when a passing DKIM result or a passing SPF result is aligned: what DMARC needs.
    pub fn has_aligned_pass(&self, spf_result: Option<&AuthResult>) -> bool {
        let spf = spf_result == Some(&AuthResult::Pass)
            && matches!(self.spf, Some(Aligned::Strict | Aligned::Relaxed));
        let dkim = self
            .dkim
            .iter()
            .any(|d| d.result == Some(AuthResult::Pass) && d.aligned != Aligned::No);
        spf || dkim
    }
}

/// The domain of an address or a bare domain: `Name <a@b.example>` → `b.example`.
pub fn domain_of(text: &str) -> Option<String> {
    let text = text.trim();
    let inner = match (text.rfind('<'), text.rfind('>')) {
        (Some(open), Some(close)) if open < close => text.get(open + 1..close)?,
        _ => text,
    };
    let domain = inner.rsplit('@').next()?.trim().trim_end_matches('.');
    let domain = domain.trim_matches(|c: char| c == '"' || c == '>' || c == '<');
    (!domain.is_empty() && domain.contains('.') && !domain.contains(char::is_whitespace))
        .then(|| domain.to_ascii_lowercase())
}

fn compare(a: &str, b: &str, table: &AntispamFields) -> Aligned {
    if a.eq_ignore_ascii_case(b) {
        Aligned::Strict
    } else if table.organizational_domain(a) == table.organizational_domain(b) {
        Aligned::Relaxed
    } else {
        Aligned::No
    }
}

/// Aligns `from` with the MailFrom domain and the DKIM domains (with their results).
pub fn align(
    from: Option<&str>,
    mail_from: Option<&str>,
    dkim: &[(String, Option<AuthResult>)],
    table: &AntispamFields,
) -> Alignment {
    let from_domain = from.and_then(domain_of);
    let mail_from_domain = mail_from.and_then(domain_of);
    let spf = match (&from_domain, &mail_from_domain) {
        (Some(f), Some(m)) => Some(compare(f, m, table)),
        _ => None,
    };
    let dkim = match &from_domain {
        Some(f) => dkim
            .iter()
            .filter_map(|(d, result)| {
                let d = domain_of(d)?;
                Some(DkimAlignment {
                    aligned: compare(f, &d, table),
                    domain: d,
                    result: result.clone(),
                })
            })
            .collect(),
        None => Vec::new(),
    };
    Alignment {
        from_domain,
        mail_from_domain,
        spf,
        dkim,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_relaxed_and_not_aligned() {
        let table = AntispamFields::embedded();
        let a = align(
            Some("\"Deals\" <offers@deals.example.com>"),
            Some("bounce@em.deals.example.com"),
            &[
                ("deals.example.com".into(), Some(AuthResult::Pass)),
                ("esp.example.net".into(), Some(AuthResult::Pass)),
            ],
            &table,
        );
        assert_eq!(a.from_domain.as_deref(), Some("deals.example.com"));
        assert_eq!(a.spf, Some(Aligned::Relaxed));
        assert_eq!(a.dkim[0].aligned, Aligned::Strict);
        assert_eq!(a.dkim[1].aligned, Aligned::No);
        assert!(a.has_aligned_pass(Some(&AuthResult::Fail)));
    }

    #[test]
    fn two_label_suffixes_keep_organizations_apart() {
        let table = AntispamFields::embedded();
        let a = align(
            Some("a@shop.example.co.uk"),
            Some("other.co.uk"),
            &[],
            &table,
        );
        assert_eq!(a.spf, Some(Aligned::No));
        assert!(!a.has_aligned_pass(Some(&AuthResult::Pass)));
    }

    #[test]
    fn domains_from_odd_inputs() {
        assert_eq!(domain_of("contoso.com").as_deref(), Some("contoso.com"));
        assert_eq!(domain_of("<>"), None);
        assert_eq!(domain_of("none"), None);
        assert_eq!(domain_of("@"), None);
    }
}
