//! Counted nouns for people: "1 time", "3 times", never "time(s)". Every sentence that
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
}
