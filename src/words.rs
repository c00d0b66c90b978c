//! Counted nouns and durations for people: "1 time", "3 times", never "time(s)". Every sentence that
//! counts something (findings, reports, the wizard) says it through here, so singular and
//! plural are chosen in one place.

/// The noun in the form a count of `n` needs, without the number ("journey 2",
/// "journeys 1, 2").
pub fn noun<'a>(n: u64, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// `n` and the noun in the form the count needs: `count(1, "rule", "rules")` is "1 rule".
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", noun(n, one, many))
}

/// How often something happened: "once", "twice", "3 times".
pub fn times(n: u64) -> String {
    match n {
        1 => "once".into(),
        2 => "twice".into(),
        n => format!("{n} times"),
    }
}

/// How a duration is written: in a sentence, or in a table cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Units {
    /// "3 minutes 5 seconds", "1 hour", "2 days 4 hours".
    Words,
    /// "3 min 5 s", "1 h", "2 d 4 h".
    Short,
}

/// A duration of `seconds` (negative reads as 0) by its two largest units, the second left
/// out when it is zero: the one way every finding, report and screen words a duration.
pub fn duration(seconds: i64, units: Units) -> String {
    let s = seconds.max(0);
    let parts = [
        (s / 86_400, "day", "days", "d"),
        (s % 86_400 / 3600, "hour", "hours", "h"),
        (s % 3600 / 60, "minute", "minutes", "min"),
        (s % 60, "second", "seconds", "s"),
    ];
    let first = parts
        .iter()
        .position(|p| p.0 > 0)
        .unwrap_or(parts.len() - 1);
    let word = |&(n, one, many, short): &(i64, &str, &str, &str)| match units {
        Units::Words => format!("{n} {}", if n == 1 { one } else { many }),
        Units::Short => format!("{n} {short}"),
    };
    let mut text = parts.get(first).map(word).unwrap_or_default();
    if let Some(next) = parts.get(first + 1).filter(|p| p.0 > 0) {
        text.push(' ');
        text.push_str(&word(next));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_everything_else_plural() {
        assert_eq!(count(1, "rule", "rules"), "1 rule");
        assert_eq!(count(0, "rule", "rules"), "0 rules");
        assert_eq!(count(7, "member", "members"), "7 members");
        assert_eq!(noun(2, "journey", "journeys"), "journeys");
    }

    #[test]
    fn repeats_read_as_words_up_to_two() {
        assert_eq!(times(1), "once");
        assert_eq!(times(2), "twice");
        assert_eq!(times(40), "40 times");
    }

    #[test]
    fn durations_keep_their_two_largest_units() {
        assert_eq!(duration(40, Units::Words), "40 seconds");
        assert_eq!(duration(60, Units::Words), "1 minute");
        assert_eq!(duration(185, Units::Words), "3 minutes 5 seconds");
        assert_eq!(duration(3900, Units::Words), "1 hour 5 minutes");
        assert_eq!(duration(90_000, Units::Words), "1 day 1 hour");
        assert_eq!(duration(7200, Units::Short), "2 h");
        assert_eq!(duration(185, Units::Short), "3 min 5 s");
        assert_eq!(duration(-5, Units::Short), "0 s");
    }
}
