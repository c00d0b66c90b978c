//! The ARC set (RFC 8617): ARC-Seal, ARC-Message-Signature and ARC-Authentication-Results
//! per instance `i=`. The structure is checked offline (every instance 1…N present once
//! with all three headers, `cv=none` on i=1, `cv=pass` after, no `cv=fail`); the seals'
//! signatures are not verified, which would need the sealers' DNS keys.

use super::auth_results::{self, AuthResults, MethodResult};
use super::dkim_signature::TagList;
use crate::case::HeaderBlock;

/// The largest instance RFC 8617 allows.
const MAX_INSTANCE: u32 = 50;

/// One ARC instance.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArcInstance {
    /// `i=`.
    pub instance: u32,
    /// The seal's `cv=`, lower case.
    pub cv: Option<String>,
    /// The sealer's domain (`d=` of the seal).
    pub sealer: Option<String>,
    /// An ARC-Seal is present.
    pub has_seal: bool,
    /// An ARC-Message-Signature is present.
    pub has_message_signature: bool,
    /// The ARC-Authentication-Results of this instance.
    pub results: Option<AuthResults>,
    /// Microsoft 365 wrote this instance (its ARC-Authentication-Results' authserv-id is a
    /// Microsoft host): see [`ArcChain::mark_microsoft`].
    pub microsoft: bool,
}

/// The ARC chain of a message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArcChain {
    /// Instances, lowest first.
    pub instances: Vec<ArcInstance>,
    /// What is structurally wrong, in words; empty when the structure is sound.
    pub problems: Vec<String>,
}

impl ArcChain {
    /// True when there is no ARC header at all.
    pub fn is_empty(&self) -> bool {
        self.instances.is_empty()
    }

    /// True when a sealer recorded `cv=fail` or the structure is broken.
    pub fn is_broken(&self) -> bool {
        !self.problems.is_empty()
    }

    /// The newest instance.
    pub fn newest(&self) -> Option<&ArcInstance> {
        self.instances.last()
    }

    /// Marks the instances Microsoft 365 wrote: those whose ARC-Authentication-Results
    /// name a host `is_microsoft` accepts as their authserv-id (`mx.microsoft.com`).
    pub fn mark_microsoft(&mut self, is_microsoft: impl Fn(&str) -> bool) {
        for instance in &mut self.instances {
            instance.microsoft = instance
                .results
                .as_ref()
                .and_then(|r| r.authserv_id.as_deref())
                .is_some_and(&is_microsoft);
        }
    }

    /// What Microsoft 365's own ARC evaluation found: `arc=` in the newest instance it
    /// wrote (it seals every message it receives with an ARC chain and records there how
    /// it judged the chain it received).
    pub fn microsoft_result(&self) -> Option<String> {
        self.instances
            .iter()
            .rev()
            .filter(|i| i.microsoft)
            .find_map(|i| i.results.as_ref()?.first("arc"))
            .and_then(MethodResult::contract_result)
    }

    /// The newest seal's chain validation (`cv=`): what the last sealer found the chain
    /// before it to be (`none` on the first instance).
    pub fn newest_cv(&self) -> Option<String> {
        self.newest()
            .and_then(|i| i.cv.as_deref())
            .and_then(|cv| auth_results::AuthResult::parse(cv).contract())
            .map(str::to_owned)
    }

    /// The sealer Microsoft 365 trusted when it let ARC override a failure (compauth reason
    /// 130): the newest sealer before Microsoft's own instances.
    pub fn trusted_sealer(&self) -> Option<&str> {
        self.instances
            .iter()
            .rev()
            .filter(|i| !i.microsoft)
            .find_map(|i| i.sealer.as_deref())
    }
}

/// One ARC header, read.
enum Read {
    Seal(TagList),
    MessageSignature(TagList),
    Results((Option<u32>, Option<String>, Vec<auth_results::MethodResult>)),
}

/// Collects the ARC set of `block`.
pub fn chain(block: &HeaderBlock) -> ArcChain {
    let mut instances: Vec<ArcInstance> = Vec::new();
    let mut problems = Vec::new();
    let slot = |instances: &mut Vec<ArcInstance>, i: u32| -> usize {
        if let Some(pos) = instances.iter().position(|x| x.instance == i) {
            return pos;
        }
        instances.push(ArcInstance {
            instance: i,
            ..ArcInstance::default()
        });
        instances.len() - 1
    };
    for (position, field) in block.fields.iter().enumerate() {
        // Each header is parsed once: its instance and what it records come from one read.
        let read = if field.name.eq_ignore_ascii_case("arc-seal") {
            Read::Seal(TagList::parse(&field.value))
        } else if field.name.eq_ignore_ascii_case("arc-message-signature") {
            Read::MessageSignature(TagList::parse(&field.value))
        } else if field
            .name
            .eq_ignore_ascii_case("arc-authentication-results")
        {
            Read::Results(auth_results::parse(&field.value))
        } else {
            continue;
        };
        let instance = match &read {
            Read::Seal(tags) | Read::MessageSignature(tags) => {
                tags.get("i").and_then(|i| i.parse().ok())
            }
            Read::Results((instance, _, _)) => *instance,
        };
        let Some(i) = instance.filter(|i| (1..=MAX_INSTANCE).contains(i)) else {
            problems.push(format!("{} without a valid instance (i=)", field.name));
            continue;
        };
        let index = slot(&mut instances, i);
        let Some(entry) = instances.get_mut(index) else {
            continue;
        };
        let duplicate = match read {
            Read::Seal(_) => std::mem::replace(&mut entry.has_seal, true),
            Read::MessageSignature(_) => std::mem::replace(&mut entry.has_message_signature, true),
            Read::Results(_) => entry.results.is_some(),
        };
        if duplicate {
            problems.push(format!("two {} headers for instance i={i}", field.name));
            continue;
        }
        match read {
            Read::Seal(tags) => {
                entry.cv = tags.get("cv").map(str::to_ascii_lowercase);
                entry.sealer = tags.get("d").map(str::to_ascii_lowercase);
            }
            Read::Results((_, authserv_id, results)) => {
                entry.results = Some(AuthResults {
                    header: field.name.clone(),
                    position,
                    instance: Some(i),
                    authserv_id,
                    results,
                    value: field.value.clone(),
                });
            }
            Read::MessageSignature(_) => {}
        }
    }
    instances.sort_by_key(|x| x.instance);
    check_sequence(&instances, &mut problems);
    ArcChain {
        instances,
        problems,
    }
}

/// What RFC 8617 requires of a chain sorted by instance: no gap, each instance complete,
/// and the `cv=` each sealer must write.
fn check_sequence(instances: &[ArcInstance], problems: &mut Vec<String>) {
    for (expected, entry) in (1u32..).zip(instances.iter()) {
        if entry.instance != expected {
            problems.push(format!(
                "instance i={expected} is missing (the chain jumps to i={})",
                entry.instance
            ));
            break;
        }
    }
    for entry in instances {
        let i = entry.instance;
        if !entry.has_seal {
            problems.push(format!("instance i={i} has no ARC-Seal"));
        }
        if !entry.has_message_signature {
            problems.push(format!("instance i={i} has no ARC-Message-Signature"));
        }
        if entry.results.is_none() {
            problems.push(format!("instance i={i} has no ARC-Authentication-Results"));
        }
        match (i, entry.cv.as_deref()) {
            (_, Some("fail")) => problems.push(format!(
                "the sealer of i={i} found the chain before it broken (cv=fail)"
            )),
            (1, Some(cv)) if cv != "none" => {
                problems.push(format!("i=1 must say cv=none but says cv={cv}"));
            }
            (n, Some("none")) if n > 1 => {
                problems.push(format!(
                    "i={n} says cv=none although earlier instances exist"
                ));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::HeaderField;

    fn block(fields: &[(&str, &str)]) -> HeaderBlock {
        HeaderBlock {
            fields: fields
                .iter()
                .map(|(n, v)| HeaderField {
                    name: (*n).to_owned(),
                    value: (*v).to_owned(),
                    raw: format!("{n}: {v}"),
                })
                .collect(),
            ..HeaderBlock::default()
        }
    }

    #[test]
    fn a_two_instance_chain_is_sound() {
        let chain = chain(&block(&[
            (
                "ARC-Seal",
                "i=2; a=rsa-sha256; cv=pass; d=google.com; s=arc; b=x",
            ),
            (
                "ARC-Message-Signature",
                "i=2; a=rsa-sha256; d=google.com; s=arc; bh=x; b=y",
            ),
            (
                "ARC-Authentication-Results",
                "i=2; mx.google.com; arc=pass (i=1)",
            ),
            (
                "ARC-Seal",
                "i=1; a=rsa-sha256; cv=none; d=lists.example.net; s=a; b=x",
            ),
            (
                "ARC-Message-Signature",
                "i=1; d=lists.example.net; bh=x; b=y",
            ),
            (
                "ARC-Authentication-Results",
                "i=1; mx2.lists.example.net; dkim=pass",
            ),
        ]));
        assert_eq!(chain.instances.len(), 2);
        assert!(chain.problems.is_empty(), "{:?}", chain.problems);
        assert_eq!(
            chain.newest().and_then(|n| n.sealer.as_deref()),
            Some("google.com")
        );
    }

    fn microsoft_sealed(microsoft_says: &str, cv: &str) -> ArcChain {
        let results = format!("i=2; mx.microsoft.com 1; {microsoft_says}");
        let seal = format!("i=2; a=rsa-sha256; cv={cv}; d=microsoft.com; s=arcselector; b=x");
        let mut chain = chain(&block(&[
            ("ARC-Seal", seal.as_str()),
            ("ARC-Message-Signature", "i=2; d=microsoft.com; bh=x; b=y"),
            ("ARC-Authentication-Results", results.as_str()),
            ("ARC-Seal", "i=1; cv=none; d=lists.example.net; s=a; b=x"),
            (
                "ARC-Message-Signature",
                "i=1; d=lists.example.net; bh=x; b=y",
            ),
            (
                "ARC-Authentication-Results",
                "i=1; mx.lists.example.net; spf=pass smtp.mailfrom=example.org",
            ),
        ]));
        chain.mark_microsoft(|host| host.ends_with("microsoft.com"));
        chain
    }

    #[test]
    fn microsofts_own_arc_results_say_what_arc_is() {
        let chain = microsoft_sealed(
            "spf=pass smtp.mailfrom=example.org; arc=pass (0 oda=1 ltdi=1 spf=[1,1,smtp.mailfrom=example.org])",
            "pass",
        );
        assert!(chain.instances.iter().any(|i| i.microsoft));
        assert_eq!(chain.microsoft_result().as_deref(), Some("pass"));
        assert_eq!(chain.trusted_sealer(), Some("lists.example.net"));
    }

    #[test]
    fn without_an_arc_result_the_newest_seals_cv_speaks() {
        let chain = microsoft_sealed("spf=pass smtp.mailfrom=example.org", "fail");
        assert_eq!(chain.microsoft_result(), None);
        assert_eq!(chain.newest_cv().as_deref(), Some("fail"));
        let sound = microsoft_sealed("spf=pass smtp.mailfrom=example.org", "pass");
        assert_eq!(sound.newest_cv().as_deref(), Some("pass"));
    }

    #[test]
    fn gaps_missing_parts_and_cv_fail_are_problems() {
        let chain = chain(&block(&[
            ("ARC-Seal", "i=3; cv=fail; d=relay.example"),
            ("ARC-Message-Signature", "i=3; d=relay.example"),
            ("ARC-Authentication-Results", "i=3; relay.example; arc=fail"),
            ("ARC-Seal", "i=1; cv=none; d=a.example"),
            ("ARC-Authentication-Results", "i=1; a.example; spf=pass"),
        ]));
        let text = chain.problems.join(" | ");
        assert!(text.contains("i=2 is missing"), "{text}");
        assert!(text.contains("no ARC-Message-Signature"), "{text}");
        assert!(text.contains("cv=fail"), "{text}");
        assert!(chain.is_broken());
    }
}
