//! Dates of Received headers, read and validated by hand: `mail-parser` accepts 30
//! February, reads `+05:30` as five minutes and two-digit years as 19xx, and hop delays
//! built on such dates are wrong. Accepted forms: RFC 5322 with or without the weekday, its
//! obsolete forms (two- and three-digit years, named zones UT/GMT/EST…PDT), common
//! abbreviations (CET, JST…), asctime (`Fri Feb 07 10:18:12 2003 -0800`), month-first
//! (`Apr 21 2018 03:01:04 +0000`), ISO dates (`2025-03-10 16:45:28.418 +0000 UTC m=+…`, as
//! SendGrid writes them), numeric `4/20/2018` and AM/PM times; trailing comments and
//! junk after the zone (`(envelope-from …)`, `m=+…`) are ignored.

use chrono::{DateTime, Datelike as _, FixedOffset, NaiveDate, NaiveTime, TimeZone as _};

/// A Received date that was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReceivedDate {
    /// The moment, with the offset the header gave.
    pub time: DateTime<FixedOffset>,
    /// No zone was written; the time was read as UTC.
    pub zone_assumed: bool,
    /// The weekday does not match the date (a hand-made or broken header).
    pub weekday_mismatch: bool,
    /// The time had a fraction of a second.
    pub subsecond: bool,
}

/// Why a Received date could not be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateProblem {
    /// The header has no date at all.
    Missing,
    /// Text that is not a date.
    Unreadable,
    /// A date without a time of day.
    NoTime,
    /// A day that does not exist (30 February).
    InvalidDate,
    /// An hour, minute or second out of range.
    InvalidTime,
    /// A zone offset out of range.
    InvalidZone,
    /// A year before 1970 or after 2100.
    ImplausibleYear,
}

impl DateProblem {
    /// A phrase for people.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Missing => "no date",
            Self::Unreadable => "a date that cannot be read",
            Self::NoTime => "a date without a time of day",
            Self::InvalidDate => "a day that does not exist",
            Self::InvalidTime => "a time of day out of range",
            Self::InvalidZone => "a time-zone offset out of range",
            Self::ImplausibleYear => "an implausible year",
        }
    }
}

/// Named zones: RFC 5322's obsolete zones plus abbreviations seen in real headers.
/// Ambiguous ones (IST, BST in Asia) are read as their most common mail meaning.
const ZONES: &[(&str, i32)] = &[
    ("UT", 0),
    ("UTC", 0),
    ("GMT", 0),
    ("Z", 0),
    ("WET", 0),
    ("EST", -5 * 60),
    ("EDT", -4 * 60),
    ("CST", -6 * 60),
    ("CDT", -5 * 60),
    ("MST", -7 * 60),
    ("MDT", -6 * 60),
    ("PST", -8 * 60),
    ("PDT", -7 * 60),
    ("AKST", -9 * 60),
    ("AKDT", -8 * 60),
    ("HST", -10 * 60),
    ("AST", -4 * 60),
    ("ADT", -3 * 60),
    ("NST", -(3 * 60 + 30)),
    ("NDT", -(2 * 60 + 30)),
    ("BST", 60),
    ("IST", 60),
    ("WEST", 60),
    ("CET", 60),
    ("MET", 60),
    ("MEZ", 60),
    ("CEST", 2 * 60),
    ("MEST", 2 * 60),
    ("MESZ", 2 * 60),
    ("EET", 2 * 60),
    ("EEST", 3 * 60),
    ("MSK", 3 * 60),
    ("JST", 9 * 60),
    ("KST", 9 * 60),
    ("HKT", 8 * 60),
    ("SGT", 8 * 60),
    ("AWST", 8 * 60),
    ("ACST", 9 * 60 + 30),
    ("AEST", 10 * 60),
    ("AEDT", 11 * 60),
    ("NZST", 12 * 60),
    ("NZDT", 13 * 60),
];

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The most tokens a date is looked for in; a Received date is about eight.
const MAX_TOKENS: usize = 24;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token<'a> {
    Word(&'a str),
    Comment(&'a str),
}

/// Splits on white space and commas; a parenthesised comment (nested) is one token.
fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::with_capacity(MAX_TOKENS);
    let mut depth = 0usize;
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if out.len() >= MAX_TOKENS {
            break;
        }
        if depth > 0 {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        let from = start.take().unwrap_or(i);
                        out.push(Token::Comment(text.get(from..i).unwrap_or("")));
                    }
                }
                _ => {}
            }
            continue;
        }
        match c {
            '(' => {
                if let Some(s) = start.take() {
                    out.push(Token::Word(text.get(s..i).unwrap_or("")));
                }
                depth = 1;
                start = Some(i + 1);
            }
            c if c.is_whitespace() || c == ',' => {
                if let Some(s) = start.take() {
                    out.push(Token::Word(text.get(s..i).unwrap_or("")));
                }
            }
            _ => {
                if start.is_none() {
                    start = Some(i);
                }
            }
        }
    }
    if out.len() < MAX_TOKENS
        && let Some(s) = start
        && depth == 0
    {
        out.push(Token::Word(text.get(s..).unwrap_or("")));
    }
    out
}

fn zone_by_name(name: &str) -> Option<i32> {
    let name = name.trim().trim_matches(|c: char| !c.is_ascii_alphabetic());
    ZONES
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|&(_, minutes)| minutes)
}

/// Where `word` (three letters or more, any ASCII case) stands in `abbreviations`, by its
/// first three letters.
fn abbreviation_index(word: &str, abbreviations: &[&str]) -> Option<usize> {
    let prefix = word.get(..3)?;
    abbreviations
        .iter()
        .position(|a| a.eq_ignore_ascii_case(prefix))
}

/// True when `word` begins `name` (lower case), in any ASCII case.
fn begins(name: &str, word: &str) -> bool {
    name.as_bytes()
        .get(..word.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(word.as_bytes()))
}

fn month_by_name(word: &str) -> Option<u32> {
    let full = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let index = abbreviation_index(word, &MONTHS)?;
    let name = full.get(index)?;
    (word.len() == 3 || begins(name, word) || word.eq_ignore_ascii_case("sept"))
        .then_some(index as u32 + 1)
}

fn weekday_by_name(word: &str) -> Option<u32> {
    let index = abbreviation_index(word, &WEEKDAYS)?;
    let full = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let name = full.get(index)?;
    begins(name, word).then_some(index as u32)
}

fn number(text: &str, max_len: usize) -> Option<u32> {
    (!text.is_empty() && text.len() <= max_len && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// `hh:mm[:ss[.fraction]]`.
fn time_of_day(word: &str) -> Option<(u32, u32, u32, u32, bool)> {
    let mut parts = word.split(':');
    let hour = number(parts.next()?, 2)?;
    let minute = number(parts.next()?, 2)?;
    let (second, nanos, fraction) = match parts.next() {
        None => (0, 0, false),
        Some(sec) => {
            let (whole, frac) = sec.split_once('.').unwrap_or((sec, ""));
            let second = number(whole, 2)?;
            if frac.is_empty() {
                (second, 0, false)
            } else {
                let digits: String = frac.chars().take(9).collect();
                let value = number(&digits, 9)?;
                let scale = 10u32.pow(9 - digits.len() as u32);
                (second, value * scale, true)
            }
        }
    };
    if parts.next().is_some() {
        return None;
    }
    Some((hour, minute, second, nanos, fraction))
}

/// `+hhmm`, `-hhmm`, `+hh:mm`, `+hh`: minutes east of UTC, unvalidated.
fn numeric_zone(word: &str) -> Option<i32> {
    let (sign, rest) = match word.as_bytes().first()? {
        b'+' => (1, word.get(1..)?),
        b'-' => (-1, word.get(1..)?),
        _ => return None,
    };
    let (hours, minutes) = if let Some((h, m)) = rest.split_once(':') {
        (number(h, 2)?, number(m, 2)?)
    } else {
        match rest.len() {
            1 | 2 => (number(rest, 2)?, 0),
            3 | 4 => {
                let split = rest.len() - 2;
                (
                    number(rest.get(..split)?, 2)?,
                    number(rest.get(split..)?, 2)?,
                )
            }
            _ => return None,
        }
    };
    if minutes >= 60 {
        return Some(i32::MAX);
    }
    Some(sign * (hours as i32 * 60 + minutes as i32))
}

/// A numeric date: `y-m-d`, `m-d-y`, `m/d/y` or `y/m/d`.
fn numeric_date(word: &str) -> Option<(i32, u32, u32)> {
    let separator = if word.contains('/') { '/' } else { '-' };
    let parts: Vec<&str> = word.split(separator).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    if a.len() == 4 {
        Some((number(a, 4)? as i32, number(b, 2)?, number(c, 2)?))
    } else {
        Some((full_year(c)?, number(a, 2)?, number(b, 2)?))
    }
}

/// RFC 5322 §4.3: two-digit years 00–49 are 20xx, 50–99 are 19xx; three digits add 1900.
fn full_year(text: &str) -> Option<i32> {
    let value = number(text, 4)? as i32;
    Some(match text.len() {
        1 | 2 if value < 50 => 2000 + value,
        1..=3 => 1900 + value,
        _ => value,
    })
}

#[derive(Default)]
struct Parts {
    weekday: Option<u32>,
    day: Option<u32>,
    month: Option<u32>,
    year: Option<i32>,
    time: Option<(u32, u32, u32, u32, bool)>,
    pm: Option<bool>,
    zone: Option<i32>,
}

impl Parts {
    fn started(&self) -> bool {
        self.day.is_some() || self.month.is_some() || self.year.is_some() || self.time.is_some()
    }

    fn date_complete(&self) -> bool {
        self.day.is_some() && self.month.is_some() && self.year.is_some()
    }

    fn complete(&self) -> bool {
        self.date_complete() && self.time.is_some()
    }

    /// Takes one word; false when the word cannot belong to the date.
    fn take_word(&mut self, word: &str) -> bool {
        let word = word.trim_matches(|c: char| c == '.' || c == ';');
        if word.is_empty() {
            return true;
        }
        let first = word.chars().next().unwrap_or(' ');
        if (first == '+' || first == '-') && word.len() > 1 {
            if self.time.is_none() || self.zone.is_some() {
                return false;
            }
            self.zone = numeric_zone(word);
            return self.zone.is_some();
        }
        if first.is_ascii_digit() {
            return self.take_numeric(word);
        }
        if let Some(weekday) = weekday_by_name(word) {
            if self.weekday.is_some() || self.started() {
                return false;
            }
            self.weekday = Some(weekday);
            return true;
        }
        if let Some(month) = month_by_name(word) {
            if self.month.is_some() {
                return false;
            }
            self.month = Some(month);
            return true;
        }
        if word.eq_ignore_ascii_case("am") || word.eq_ignore_ascii_case("pm") {
            if self.time.is_none() || self.pm.is_some() {
                return false;
            }
            self.pm = Some(word.eq_ignore_ascii_case("pm"));
            return true;
        }
        if let Some(minutes) = zone_by_name(word) {
            if self.time.is_none() {
                return false;
            }
            if self.zone.is_none() {
                self.zone = Some(minutes);
            }
            return true;
        }
        false
    }

    fn take_numeric(&mut self, word: &str) -> bool {
        if let Some((date, time)) = word.split_once('T')
            && time.contains(':')
        {
            let time = time.trim_end_matches(['Z', 'z']);
            let zulu = word.ends_with(['Z', 'z']);
            if !self.take_numeric(date) || !self.take_numeric(time) {
                return false;
            }
            if zulu {
                self.zone = Some(0);
            }
            return true;
        }
        if word.contains(':') {
            if self.time.is_some() {
                return false;
            }
            self.time = time_of_day(word);
            return self.time.is_some();
        }
        if word.contains('/') || word.contains('-') {
            if self.started() {
                return false;
            }
            let Some((year, month, day)) = numeric_date(word) else {
                return false;
            };
            self.year = Some(year);
            self.month = Some(month);
            self.day = Some(day);
            return true;
        }
        if word.len() == 4 {
            if self.year.is_some() || self.day.is_none() && self.month.is_none() {
                return false;
            }
            self.year = full_year(word);
            return self.year.is_some();
        }
        if word.len() <= 3 {
            if self.day.is_none() && word.len() <= 2 {
                self.day = number(word, 2);
                return self.day.is_some();
            }
            if self.year.is_none() && self.month.is_some() {
                self.year = full_year(word);
                return self.year.is_some();
            }
        }
        false
    }

    fn build(self) -> Result<ReceivedDate, DateProblem> {
        if !self.date_complete() {
            return Err(DateProblem::Unreadable);
        }
        let (Some(year), Some(month), Some(day)) = (self.year, self.month, self.day) else {
            return Err(DateProblem::Unreadable);
        };
        let Some((hour, minute, second, nanos, fraction)) = self.time else {
            return Err(DateProblem::NoTime);
        };
        if !(1970..=2100).contains(&year) {
            return Err(DateProblem::ImplausibleYear);
        }
        let date = NaiveDate::from_ymd_opt(year, month, day).ok_or(DateProblem::InvalidDate)?;
        let hour = match self.pm {
            Some(_) if hour == 0 || hour > 12 => return Err(DateProblem::InvalidTime),
            Some(true) if hour < 12 => hour + 12,
            Some(false) if hour == 12 => 0,
            _ => hour,
        };
        let second = if second == 60 { 59 } else { second };
        let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)
            .ok_or(DateProblem::InvalidTime)?;
        let minutes = self.zone.unwrap_or(0);
        if minutes.abs() >= 24 * 60 {
            return Err(DateProblem::InvalidZone);
        }
        let offset = FixedOffset::east_opt(minutes * 60).ok_or(DateProblem::InvalidZone)?;
        let time = offset
            .from_local_datetime(&date.and_time(time))
            .single()
            .ok_or(DateProblem::InvalidTime)?;
        Ok(ReceivedDate {
            time,
            zone_assumed: self.zone.is_none(),
            weekday_mismatch: self
                .weekday
                .is_some_and(|w| w != date.weekday().num_days_from_monday()),
            subsecond: fraction,
        })
    }
}

/// Reads a Received date (the text after the last `;`).
pub fn parse(text: &str) -> Result<ReceivedDate, DateProblem> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DateProblem::Missing);
    }
    let mut parts = Parts::default();
    let mut skipped = 0;
    for token in tokens(text) {
        match token {
            Token::Comment(inner) => {
                if parts.time.is_some()
                    && parts.zone.is_none()
                    && let Some(minutes) = zone_by_name(inner)
                {
                    parts.zone = Some(minutes);
                }
            }
            Token::Word(word) => {
                if parts.take_word(word) {
                    continue;
                }
                if parts.complete() {
                    break;
                }
                if parts.started() || parts.weekday.is_some() {
                    return Err(if parts.zone == Some(i32::MAX) {
                        DateProblem::InvalidZone
                    } else {
                        DateProblem::Unreadable
                    });
                }
                skipped += 1;
                if skipped > 2 {
                    return Err(DateProblem::Unreadable);
                }
            }
        }
    }
    if parts.zone == Some(i32::MAX) {
        return Err(DateProblem::InvalidZone);
    }
    parts.build()
}

/// True when `word` can start a date: a weekday, a month name, an ISO or numeric date, or a
/// day number; used to find a date written without the `;` separator.
pub fn could_start_date(word: &str) -> bool {
    let word = word.trim_matches(|c: char| c == ',' || c == '.');
    weekday_by_name(word).is_some()
        || month_by_name(word).is_some()
        || numeric_date(word.split('T').next().unwrap_or("")).is_some()
        || number(word, 2).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc3339(text: &str) -> String {
        parse(text).map_or_else(|e| format!("{e:?}"), |d| d.time.to_rfc3339())
    }

    #[test]
    fn reads_rfc5322_and_obsolete_forms() {
        assert_eq!(
            rfc3339("Wed,  5 Mar 2025 01:14:03 -0800 (PST)"),
            "2025-03-05T01:14:03-08:00"
        );
        assert_eq!(
            rfc3339("7 Mar 2025 08:21:50 +0000"),
            "2025-03-07T08:21:50+00:00"
        );
        assert_eq!(
            rfc3339("Wed, 12 Feb 2003 14:22:21 PST"),
            "2003-02-12T14:22:21-08:00"
        );
        assert_eq!(
            rfc3339("Wed, 26 Mar 03 20:43:24 -0600"),
            "2003-03-26T20:43:24-06:00"
        );
        assert_eq!(
            rfc3339("Thu, 1 Jan 99 00:00:00 GMT"),
            "1999-01-01T00:00:00+00:00"
        );
        assert_eq!(
            rfc3339("3 Jul 2002 15:43:50 UT"),
            "2002-07-03T15:43:50+00:00"
        );
        assert_eq!(
            rfc3339("Mon, 6 Jan 2003 10:17:34 +0530"),
            "2003-01-06T10:17:34+05:30"
        );
        assert_eq!(
            rfc3339("Mon, 6 Jan 2003 10:17:34 +05:30"),
            "2003-01-06T10:17:34+05:30"
        );
    }

    #[test]
    fn reads_asctime_iso_month_first_and_numeric_forms() {
        assert_eq!(
            rfc3339("Fri Feb 07 10:18:12 2003 -0800"),
            "2003-02-07T10:18:12-08:00"
        );
        assert_eq!(
            rfc3339("Fri Sep 14 14:36:56 EDT 2018"),
            "2018-09-14T14:36:56-04:00"
        );
        assert_eq!(
            rfc3339("Apr 21 2018 3:01:05 +0000"),
            "2018-04-21T03:01:05+00:00"
        );
        assert_eq!(
            rfc3339("2025-03-10 16:45:28.418293017 +0000 UTC m=+2093461.122018375"),
            "2025-03-10T16:45:28.418293017+00:00"
        );
        assert_eq!(
            rfc3339("4/20/2018 11:01:16 PM -0400 (EDT)"),
            "2018-04-20T23:01:16-04:00"
        );
        assert_eq!(
            rfc3339("2018-4-20 11:01:08 PM"),
            "2018-04-20T23:01:08+00:00"
        );
        assert_eq!(rfc3339("2025-03-10T16:45:28Z"), "2025-03-10T16:45:28+00:00");
        assert_eq!(
            rfc3339("Saturday, 21 Apr 2018 03:01:02 +0000"),
            "2018-04-21T03:01:02+00:00"
        );
    }

    #[test]
    fn ignores_what_follows_the_zone() {
        assert_eq!(
            rfc3339("Fri, 20 Apr 2018 17:51:19 -0400 (envelope-from <a@b.example>)"),
            "2018-04-20T17:51:19-04:00"
        );
        assert_eq!(
            rfc3339("Thu, 20 Mar 03 10:06:43 +0100 for <asrg@ietf.org>"),
            "2003-03-20T10:06:43+01:00"
        );
        assert_eq!(
            rfc3339("_ Tue, 21 Jul 2009 14:34:14 +0200"),
            "2009-07-21T14:34:14+02:00"
        );
    }

    #[test]
    fn refuses_what_mail_parser_accepts() {
        assert_eq!(
            parse("Mon, 30 Feb 2025 10:00:00 +0000"),
            Err(DateProblem::InvalidDate)
        );
        assert_eq!(
            parse("Mon, 3 Feb 2025 25:00:00 +0000"),
            Err(DateProblem::InvalidTime)
        );
        assert_eq!(
            parse("Mon, 3 Feb 2025 10:00:00 +0099"),
            Err(DateProblem::InvalidZone)
        );
        assert_eq!(
            parse("Mon, 3 Feb 1910 10:00:00 +0000"),
            Err(DateProblem::ImplausibleYear)
        );
        assert_eq!(parse("22 Apr 2018"), Err(DateProblem::NoTime));
        assert_eq!(parse(""), Err(DateProblem::Missing));
        assert_eq!(parse("by mx.example.com"), Err(DateProblem::Unreadable));
    }

    #[test]
    fn notes_missing_zones_wrong_weekdays_and_fractions() {
        let date = parse("30 Apr 2003 15:06:29").unwrap();
        assert!(date.zone_assumed);
        let date = parse("Fri, 5 Mar 2025 10:00:00 +0000").unwrap();
        assert!(date.weekday_mismatch);
        let date = parse("Thu, 02 Apr 2020 07:53:55.516 +0000 (UTC)").unwrap();
        assert!(date.subsecond && !date.zone_assumed);
    }
}
