//! Dates as trace tools print them: culture-dependent (`12/6/2022, 12:31 PM`,
//! `06/12/2024, 14:05`, `6.12.2022 12:31`, `2022-12-06 12:31`, ISO 8601 with or without
//! `Z`) and without an offset of their own: the caller supplies it (a trace's
//! `Date (UTC-05:00)` header, or UTC for PowerShell and CSV exports).
//!
//! Month-first vs day-first is decided once per input from all its dates
//! ([`infer_order`]), never per row.

use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use regex::Regex;

/// Which of the two leading numbers of a slash/dot/dash date is the month.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayOrder {
    /// `M/d/yyyy` (en-US).
    MonthFirst,
    /// `d/M/yyyy`, `d.M.yyyy` (most other cultures).
    DayFirst,
}

/// A date-time split into its numbers, before the day order is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    year: i32,
    /// First of the two non-year numbers (month or day).
    a: u32,
    /// Second of the two non-year numbers.
    b: u32,
    /// True when the year came first (ISO-like, `yyyy/M/d`): then `a` is the month.
    year_first: bool,
    separator: char,
    hour: u32,
    minute: u32,
    second: u32,
    nanos: u32,
    /// `Some(true)` for PM, `Some(false)` for AM, `None` for a 24-hour clock.
    pm: Option<bool>,
    /// An offset written in the stamp itself (`Z`, `+02:00`).
    offset: Option<FixedOffset>,
}

static STAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^\s*
        (?:
          (?P<y1>\d{4})(?P<s1>[-/.])(?P<a1>\d{1,2})[-/.](?P<b1>\d{1,2})
        | (?P<a2>\d{1,2})(?P<s2>[-/.])(?P<b2>\d{1,2})[-/.](?P<y2>\d{4}|\d{2})
        )
        (?:[,T]?\s*
          (?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d{1,9}))?)?
          \s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?)?
        )?
        \s*(?P<off>Z|[+-]\d{2}:?\d{2}|UTC|GMT)?\s*$",
    )
    .expect("static regex")
});

/// Removes the invisible characters trace tools and browsers put into dates (LRM/RLM,
/// narrow no-break space before AM/PM, no-break space, zero-width space).
pub fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '\u{200E}' | '\u{200F}' | '\u{200B}' | '\u{FEFF}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
        .map(|c| if matches!(c, '\u{202F}' | '\u{00A0}') { ' ' } else { c })
        .collect()
}

/// A cursor over an ASCII date-time, for the fast path of [`split`].
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// Reads 1..=`max` digits; returns the value and how many digits were read.
    fn number(&mut self, max: usize) -> Option<(u32, usize)> {
        let start = self.at;
        let mut value: u32 = 0;
        while let Some(b) = self.peek().filter(u8::is_ascii_digit) {
            if self.at - start == max {
                return None;
            }
            value = value * 10 + u32::from(b - b'0');
            self.at += 1;
        }
        (self.at > start).then_some((value, self.at - start))
    }

    fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        if hit {
            self.at += 1;
        }
        hit
    }

    fn spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.at += 1;
        }
    }
}

/// The common shapes (`1/14/2025 3:12:44 PM`, `2025-01-14T15:12:44.123Z`,
/// `14.01.2025 15:12`) read without the regular expression: exports carry one date per
/// row, so this is the hot path. Anything unusual returns `None` and goes the slow way.
fn split_plain(s: &str) -> Option<Stamp> {
    if !s.is_ascii() {
        return None;
    }
    let mut c = Cursor {
        bytes: s.trim().as_bytes(),
        at: 0,
    };
    let (n1, w1) = c.number(4)?;
    let separator = char::from(c.peek().filter(|b| matches!(b, b'-' | b'/' | b'.'))?);
    c.at += 1;
    let (n2, _) = c.number(2)?;
    if !c.eat(separator as u8) {
        return None;
    }
    let (n3, w3) = c.number(4)?;
    let (year, a, b, year_first) = match (w1, w3) {
        (4, 1 | 2) => (n1, n2, n3, true),
        (1 | 2, 4) => (n3, n1, n2, false),
        (1 | 2, 2) => (2000 + n3, n1, n2, false),
        _ => return None,
    };
    let mut stamp = Stamp {
        year: i32::try_from(year).ok()?,
        a,
        b,
        year_first,
        separator,
        hour: 0,
        minute: 0,
        second: 0,
        nanos: 0,
        pm: None,
        offset: None,
    };
    c.eat(b',');
    if !c.eat(b'T') {
        c.spaces();
    }
    if c.peek().is_some_and(|b| b.is_ascii_digit()) {
        stamp.hour = c.number(2)?.0;
        if !c.eat(b':') {
            return None;
        }
        let (minute, width) = c.number(2)?;
        if width != 2 {
            return None;
        }
        stamp.minute = minute;
        if c.eat(b':') {
            stamp.second = c.number(2)?.0;
            if c.eat(b'.') || c.eat(b',') {
                let (fraction, digits) = c.number(9)?;
                stamp.nanos = fraction * 10u32.pow(u32::try_from(9 - digits).ok()?);
            }
        }
        c.spaces();
        if let Some(b'A' | b'a' | b'P' | b'p') = c.peek() {
            let pm = matches!(c.peek(), Some(b'P' | b'p'));
            c.at += 1;
            if !(c.eat(b'M') || c.eat(b'm')) {
                return None;
            }
            stamp.pm = Some(pm);
            c.spaces();
        }
    }
    let rest = c.bytes.get(c.at..)?;
    if !rest.is_empty() {
        stamp.offset = Some(parse_offset(std::str::from_utf8(rest).ok()?)?);
    }
    Some(stamp)
}

/// Splits a date-time into numbers; `None` when it is not a date this module knows.
pub fn split(s: &str) -> Option<Stamp> {
    split_plain(s).or_else(|| split_pattern(s))
}

/// The general path: every shape the module knows, invisible characters removed first.
fn split_pattern(s: &str) -> Option<Stamp> {
    let cleaned = clean(s);
    let caps = STAMP.captures(&cleaned)?;
    let num = |name: &str| caps.name(name).and_then(|m| m.as_str().parse::<u32>().ok());
    let (year, a, b, year_first, separator) = if let Some(y) = num("y1") {
        let sep = caps.name("s1").and_then(|m| m.as_str().chars().next())?;
        (i32::try_from(y).ok()?, num("a1")?, num("b1")?, true, sep)
    } else {
        let sep = caps.name("s2").and_then(|m| m.as_str().chars().next())?;
        let y = num("y2")?;
        let y = if y < 100 { 2000 + y } else { y };
        (i32::try_from(y).ok()?, num("a2")?, num("b2")?, false, sep)
    };
    let nanos = caps.name("f").map_or(0, |m| {
        let digits: String = m
            .as_str()
            .chars()
            .chain(std::iter::repeat('0'))
            .take(9)
            .collect();
        digits.parse().unwrap_or(0)
    });
    let pm = caps
        .name("ampm")
        .map(|m| m.as_str().to_ascii_lowercase().starts_with('p'));
    let offset = caps.name("off").and_then(|m| parse_offset(m.as_str()));
    Some(Stamp {
        year,
        a,
        b,
        year_first,
        separator,
        hour: num("h").unwrap_or(0),
        minute: num("m").unwrap_or(0),
        second: num("s").unwrap_or(0),
        nanos,
        pm,
        offset,
    })
}

/// Parses `Z`, `UTC`, `+02:00`, `-0500`, `UTC-05:00`, `(UTC+01:00)`.
pub fn parse_offset(s: &str) -> Option<FixedOffset> {
    let s = clean(s);
    let s = s
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .trim();
    let s = s
        .strip_prefix("UTC")
        .or_else(|| s.strip_prefix("GMT"))
        .unwrap_or(s)
        .trim();
    if s.is_empty() || s.eq_ignore_ascii_case("z") {
        return FixedOffset::east_opt(0);
    }
    let (sign, rest) = match s.chars().next()? {
        '+' => (1, s.get(1..)?),
        '-' | '−' => (-1, s.get(s.chars().next()?.len_utf8()..)?),
        _ => return None,
    };
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    let (h, m) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0),
        3 | 4 => {
            let split = digits.len() - 2;
            (
                digits.get(..split)?.parse().ok()?,
                digits.get(split..)?.parse().ok()?,
            )
        }
        _ => return None,
    };
    if h > 14 || m > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

/// Decides month-first vs day-first from all of an input's dates: a leading number over 12
/// means day-first, a second number over 12 means month-first; otherwise an AM/PM clock
/// means en-US (month-first), a dot separator or a 24-hour clock means day-first.
pub fn infer_order<S: AsRef<str>>(dates: impl IntoIterator<Item = S>) -> DayOrder {
    let mut ampm = false;
    let mut dots = false;
    let mut twenty_four = false;
    for stamp in dates.into_iter().filter_map(|d| split(d.as_ref())) {
        if stamp.year_first {
            continue;
        }
        if stamp.a > 12 {
            return DayOrder::DayFirst;
        }
        if stamp.b > 12 {
            return DayOrder::MonthFirst;
        }
        ampm |= stamp.pm.is_some();
        dots |= stamp.separator == '.';
        twenty_four |= stamp.pm.is_none() && stamp.hour > 12;
    }
    if dots || (!ampm && twenty_four) {
        DayOrder::DayFirst
    } else {
        DayOrder::MonthFirst
    }
}

impl Stamp {
    /// The date-time with `order` for the day/month numbers and `offset` unless the stamp
    /// carries its own. `None` for impossible dates (30 February, hour 25).
    pub fn resolve(self, order: DayOrder, offset: FixedOffset) -> Option<DateTime<FixedOffset>> {
        let (month, day) = if self.year_first || order == DayOrder::MonthFirst {
            (self.a, self.b)
        } else {
            (self.b, self.a)
        };
        let hour = match self.pm {
            Some(true) if self.hour < 12 => self.hour + 12,
            Some(false) if self.hour == 12 => 0,
            Some(_) if self.hour > 12 => return None,
            _ => self.hour,
        };
        let date = NaiveDate::from_ymd_opt(self.year, month, day)?;
        let time = NaiveTime::from_hms_nano_opt(hour, self.minute, self.second, self.nanos)?;
        let offset = self.offset.unwrap_or(offset);
        offset
            .from_local_datetime(&NaiveDateTime::new(date, time))
            .single()
    }
}

/// Parses one date-time with a known order and default offset.
pub fn parse(s: &str, order: DayOrder, offset: FixedOffset) -> Option<DateTime<FixedOffset>> {
    split(s)?.resolve(order, offset)
}

/// UTC, the offset of every PowerShell and CSV trace timestamp.
pub fn utc() -> FixedOffset {
    FixedOffset::east_opt(0).unwrap_or_else(|| unreachable!("0 is a valid offset"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_path_reads_what_the_pattern_reads() {
        for s in [
            "1/14/2025 3:12:44 PM",
            "12/6/2022, 12:31 PM",
            "2025-01-14T15:12:44.123Z",
            "2025-01-20T15:14:21.113456789+02:00",
            "14.01.2025 15:12",
            "6-12-2022, 12:31",
            "2022/12/6 12:31",
            "06/12/24 09:05:00 am",
            "2025-03-03",
            "2025-03-03 09:41 UTC",
        ] {
            assert_eq!(split_plain(s), split_pattern(s), "{s}");
            assert!(split_plain(s).is_some(), "{s}");
        }
        assert_eq!(split_plain("12.5 KB"), None);
    }

    fn minus5() -> FixedOffset {
        parse_offset("UTC-05:00").unwrap()
    }

    #[test]
    fn us_dates_with_the_header_offset() {
        let t = parse("12/6/2022, 12:31 PM", DayOrder::MonthFirst, minus5()).unwrap();
        assert_eq!(t.to_rfc3339(), "2022-12-06T12:31:00-05:00");
        let t = parse("1/14/2025 3:12:44 PM", DayOrder::MonthFirst, utc()).unwrap();
        assert_eq!(t.to_rfc3339(), "2025-01-14T15:12:44+00:00");
    }

    #[test]
    fn day_first_and_iso_styles() {
        let t = parse("06/12/2024, 14:05", DayOrder::DayFirst, utc()).unwrap();
        assert_eq!(t.to_rfc3339(), "2024-12-06T14:05:00+00:00");
        let t = parse("6.5.2025, 09:41", DayOrder::DayFirst, utc()).unwrap();
        assert_eq!(t.to_rfc3339(), "2025-05-06T09:41:00+00:00");
        let t = parse("2025-01-16T15:20:13.412Z", DayOrder::MonthFirst, minus5()).unwrap();
        assert_eq!(t.to_rfc3339(), "2025-01-16T15:20:13.412+00:00");
        let t = parse("2022/12/6 12:31", DayOrder::DayFirst, utc()).unwrap();
        assert_eq!(t.to_rfc3339(), "2022-12-06T12:31:00+00:00");
    }

    #[test]
    fn order_is_inferred_from_all_dates() {
        assert_eq!(infer_order(["06/12/2024, 14:05"]), DayOrder::DayFirst);
        assert_eq!(infer_order(["12/6/2022, 12:31 PM"]), DayOrder::MonthFirst);
        assert_eq!(
            infer_order(["1/2/2025 1:00", "13/2/2025 1:00"]),
            DayOrder::DayFirst
        );
        assert_eq!(infer_order(["6.12.2022, 12:31"]), DayOrder::DayFirst);
    }

    #[test]
    fn impossible_dates_are_refused() {
        assert!(parse("2/30/2025 1:00 PM", DayOrder::MonthFirst, utc()).is_none());
        assert!(parse("13/13/2025", DayOrder::MonthFirst, utc()).is_none());
        assert!(parse("not a date", DayOrder::MonthFirst, utc()).is_none());
    }

    #[test]
    fn narrow_no_break_space_before_pm() {
        let t = parse("5/16/2025, 3:43\u{202F}PM", DayOrder::MonthFirst, utc()).unwrap();
        assert_eq!(t.to_rfc3339(), "2025-05-16T15:43:00+00:00");
    }
}
