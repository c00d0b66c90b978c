//! Every string of a diagnosis capped at [`MAX_TEXT_BYTES`], visibly marked where it was
//! cut, and the walk over every string that the cap and redaction share.
//!
//! A hostile input can put a 190 MB subject or a 64 MB header line into the evidence; the
//! reports would carry it several times over (the JSON holds a subject twice) and every
//! pass over the text (redaction, HTML escaping) would pay for it again. Nobody reads past
//! the first screenful of a field, so each is cut at 64 KiB with a note saying how long
//! it was.
//!
//! The walk goes through the serialised form (`serde_json::Value`), so a field added to
//! the diagnosis later is capped and redacted without anyone listing it. The two lists
//! that can grow with the input, the message list and a journey's events, are walked one
//! element at a time, so a walk never holds a second copy of a large diagnosis.

use std::borrow::Cow;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{Diagnosis, EventOut, MessageSummary};

/// The longest string a diagnosis keeps, in bytes (a cut string is a little longer: the
/// note is added after the kept part).
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

/// The longest note [`cut`] adds (the counts at their widest).
const NOTE_ROOM: usize = 80;

/// `s` cut to at most [`MAX_TEXT_BYTES`] in all, at a character boundary, ending with a
/// note that says how long it was.
fn cut(s: &str) -> String {
    let kept = s
        .get(..floor_boundary(s, MAX_TEXT_BYTES - NOTE_ROOM))
        .unwrap_or_default();
    format!(
        "{kept} … [cut by Mailflow: {} bytes, the first {} kept]",
        s.len(),
        kept.len()
    )
}

/// The largest char boundary of `s` at or below `at`.
fn floor_boundary(s: &str, at: usize) -> usize {
    (0..=at.min(s.len()))
        .rev()
        .find(|&i| s.is_char_boundary(i))
        .unwrap_or(0)
}

/// Cuts `s` as [`capped`] does; true when it was cut. The memory of the cut part is given
/// back.
pub fn cap_text(s: &mut String) -> bool {
    if s.len() <= MAX_TEXT_BYTES {
        return false;
    }
    *s = cut(s);
    true
}

/// `s` cut to at most [`MAX_TEXT_BYTES`] with a note saying so, borrowed when it is short
/// enough.
pub fn capped(s: &str) -> Cow<'_, str> {
    if s.len() <= MAX_TEXT_BYTES {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(cut(s))
    }
}

/// True when some string of `diagnosis` is longer than [`MAX_TEXT_BYTES`]: one pass over
/// its strings ([`super::longest::longest_string`]), no memory.
pub fn has_long_strings(diagnosis: &Diagnosis) -> bool {
    // A serialisation error leaves the answer at "long", so the caller takes the careful
    // path.
    super::longest::longest_string(diagnosis).map_or(true, |n| n > MAX_TEXT_BYTES)
}

/// Caps every string of `diagnosis` (see the module docs).
///
/// # Errors
/// When the diagnosis does not survive its own serialisation, which only a bug can cause.
pub fn cap_diagnosis(diagnosis: &mut Diagnosis) -> Result<(), serde_json::Error> {
    if !has_long_strings(diagnosis) {
        return Ok(());
    }
    rewrite_strings(diagnosis, &mut |_, s| {
        cap_text(s);
    })
}

/// The object keys from the diagnosis's root down to a string, array positions left out:
/// `["steps", "findings", "evidence"]`.
pub type KeyPath<'a> = [&'a str];

/// True when `path` is exactly `pattern`'s dot-separated keys (`"steps.findings.code"`).
pub fn path_is(path: &KeyPath<'_>, pattern: &str) -> bool {
    let mut keys = pattern.split('.');
    path.iter().all(|k| keys.next() == Some(*k)) && keys.next().is_none()
}

/// Calls `f` with every string of `diagnosis` and its key path, in document order except
/// that the message list and the journeys' events come after the rest. The diagnosis is
/// borrowed mutably only to set those lists aside during the walk; it comes back unchanged.
///
/// # Errors
/// As [`cap_diagnosis`].
pub fn visit_strings(
    diagnosis: &mut Diagnosis,
    f: &mut dyn FnMut(&KeyPath<'_>, &str),
) -> Result<(), serde_json::Error> {
    let (messages, events) = take_lists(diagnosis);
    let result = (|| {
        walk_in_order(&*diagnosis, &[], f)?;
        for message in &messages {
            walk_in_order(message, &["messages"], f)?;
        }
        for event in events.iter().flatten() {
            walk_in_order(event, &["trace", "journeys", "events"], f)?;
        }
        Ok(())
    })();
    put_lists(diagnosis, messages, events);
    result
}

/// Replaces every string of `diagnosis` with what `f` makes of it (see [`visit_strings`]).
///
/// # Errors
/// When a rewritten string no longer reads as its field (an enum word changed), or as
/// [`cap_diagnosis`]; the diagnosis is then partly rewritten.
pub fn rewrite_strings(
    diagnosis: &mut Diagnosis,
    f: &mut dyn FnMut(&KeyPath<'_>, &mut String),
) -> Result<(), serde_json::Error> {
    let (mut messages, mut events) = take_lists(diagnosis);
    let result = (|| {
        rewrite_part(diagnosis, &[], f)?;
        for message in &mut messages {
            rewrite_part(message, &["messages"], f)?;
        }
        for event in events.iter_mut().flatten() {
            rewrite_part(event, &["trace", "journeys", "events"], f)?;
        }
        Ok(())
    })();
    put_lists(diagnosis, messages, events);
    result
}

/// The two lists that grow with the input, taken out of `diagnosis`.
fn take_lists(diagnosis: &mut Diagnosis) -> (Vec<MessageSummary>, Vec<Vec<EventOut>>) {
    let messages = std::mem::take(&mut diagnosis.messages);
    let events = diagnosis
        .trace
        .iter_mut()
        .flat_map(|t| t.journeys.iter_mut())
        .map(|j| std::mem::take(&mut j.events))
        .collect();
    (messages, events)
}

/// Puts back what [`take_lists`] took.
fn put_lists(diagnosis: &mut Diagnosis, messages: Vec<MessageSummary>, events: Vec<Vec<EventOut>>) {
    diagnosis.messages = messages;
    let journeys = diagnosis
        .trace
        .iter_mut()
        .flat_map(|t| t.journeys.iter_mut());
    for (journey, events) in journeys.zip(events) {
        journey.events = events;
    }
}

fn rewrite_part<T: Serialize + DeserializeOwned>(
    part: &mut T,
    prefix: &[&'static str],
    f: &mut dyn FnMut(&KeyPath<'_>, &mut String),
) -> Result<(), serde_json::Error> {
    let mut value = serde_json::to_value(&*part)?;
    rewrite(&mut value, &mut prefix.to_vec(), f);
    *part = serde_json::from_value(value)?;
    Ok(())
}

fn rewrite<'a>(
    value: &'a mut Value,
    path: &mut Vec<&'a str>,
    f: &mut dyn FnMut(&KeyPath<'_>, &mut String),
) {
    match value {
        Value::String(s) => f(path, s),
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite(v, path, f)),
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                path.push(key);
                rewrite(v, path, f);
                path.pop();
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Walks the strings of `part` in the order its JSON text has them (field order, not the
/// sorted order of a `serde_json::Value`), so pseudonyms are numbered as a reader meets them.
fn walk_in_order<T: Serialize>(
    part: &T,
    prefix: &[&str],
    f: &mut dyn FnMut(&KeyPath<'_>, &str),
) -> Result<(), serde_json::Error> {
    let json = serde_json::to_vec(part)?;
    let mut path: Vec<String> = prefix.iter().map(|&k| k.to_owned()).collect();
    let mut deserializer = serde_json::Deserializer::from_slice(&json);
    serde::de::DeserializeSeed::deserialize(InOrder { path: &mut path, f }, &mut deserializer)
}

/// The visitor of [`walk_in_order`]: keeps the key path, calls `f` on every string.
struct InOrder<'p, 'f> {
    path: &'p mut Vec<String>,
    f: &'f mut dyn FnMut(&KeyPath<'_>, &str),
}

impl InOrder<'_, '_> {
    fn string(self, s: &str) {
        let path: Vec<&str> = self.path.iter().map(String::as_str).collect();
        (self.f)(&path, s);
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for InOrder<'_, '_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for InOrder<'_, '_> {
    type Value = ();

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        self.string(v);
        Ok(())
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(InOrder {
                path: &mut *self.path,
                f: &mut *self.f,
            })?
            .is_some()
        {}
        Ok(())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            self.path.push(key);
            map.next_value_seed(InOrder {
                path: &mut *self.path,
                f: &mut *self.f,
            })?;
            self.path.pop();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnosis::{Finding, MessageInfo, Severity};

    #[test]
    fn long_strings_are_cut_at_a_character_boundary_with_a_note() {
        let mut s = "é".repeat(MAX_TEXT_BYTES);
        assert!(cap_text(&mut s));
        assert!(s.starts_with(&"é".repeat((MAX_TEXT_BYTES - NOTE_ROOM) / 2)));
        assert!(s.ends_with(&format!(
            "[cut by Mailflow: {} bytes, the first {} kept]",
            2 * MAX_TEXT_BYTES,
            MAX_TEXT_BYTES - NOTE_ROOM
        )));
        assert!(s.len() <= MAX_TEXT_BYTES);
        let mut short = "short".to_owned();
        assert!(!cap_text(&mut short));
        assert_eq!(short, "short");
        let long = "a".repeat(MAX_TEXT_BYTES + 1);
        let mut owned = long.clone();
        cap_text(&mut owned);
        assert_eq!(capped(&long), owned);
    }

    #[test]
    fn every_string_of_a_diagnosis_is_capped_wherever_it_is() {
        let huge = "S".repeat(3 * MAX_TEXT_BYTES);
        let mut d = crate::export::fixture::minimal();
        d.message = Some(MessageInfo {
            subject: Some(huge.clone()),
            ..MessageInfo::default()
        });
        d.messages.push(crate::diagnosis::MessageSummary {
            message_id: None,
            subject: Some(huge.clone()),
            sender: None,
            recipients: vec![huge.clone()],
            verdict: d.verdict.clone(),
        });
        if let Some(step) = d.steps.first_mut() {
            step.findings
                .push(Finding::new("x", Severity::Info, "t").evidence(huge.clone()));
        }
        assert!(has_long_strings(&d));
        cap_diagnosis(&mut d).unwrap();
        assert!(!has_long_strings(&d));
        let json = serde_json::to_string(&d).unwrap();
        assert!(json.len() < 6 * MAX_TEXT_BYTES, "{}", json.len());
        assert_eq!(json.matches("[cut by Mailflow: 196608 bytes").count(), 4);
        let mut longest = 0;
        visit_strings(&mut d, &mut |_, s: &str| longest = longest.max(s.len())).unwrap();
        assert!(longest <= MAX_TEXT_BYTES);
    }

    #[test]
    fn key_paths_name_the_fields() {
        let mut d = crate::export::fixture::minimal();
        if let Some(step) = d.steps.first_mut() {
            step.findings
                .push(Finding::new("some-code", Severity::Info, "t"));
        }
        let mut codes = Vec::new();
        visit_strings(&mut d, &mut |path, s: &str| {
            if path_is(path, "steps.findings.code") {
                codes.push(s.to_owned());
            }
        })
        .unwrap();
        assert_eq!(codes, ["some-code"]);
        assert!(!path_is(&["steps", "findings"], "steps.findings.code"));
    }
}
