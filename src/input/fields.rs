//! Small field readers shared by the trace parsers: sizes, IPs, empty markers.

/// Parses a size as trace tools print it: `58.31 KB`, `1.2 MB`, `5120`, `5,120 B`.
/// Kilo is 1024, as the admin centre computes it.
pub fn size_bytes(text: &str) -> Option<u64> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let number = if number.contains('.') {
        number.replace(',', "")
    } else if number.matches(',').count() == 1 && number.len() - number.find(',')? != 4 {
        number.replace(',', ".")
    } else {
        number.replace(',', "")
    };
    let value: f64 = number.parse().ok()?;
    let factor = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" | "BYTES" => 1.0,
        "KB" => 1024.0,
        "MB" => 1024.0 * 1024.0,
        "GB" => 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    let bytes = (value * factor).round();
    (bytes.is_finite() && bytes >= 0.0).then_some(bytes as u64)
}

/// True for the empty markers trace tools print (`null`, `-`, `{}`, empty, `""`).
pub fn is_empty(text: &str) -> bool {
    let t = text.trim().trim_matches('"').trim();
    t.is_empty() || t.eq_ignore_ascii_case("null") || t == "-" || t == "{}"
}

/// A value, or `None` for the empty markers trace tools print (`null`, `-`, empty).
pub fn value(text: &str) -> Option<String> {
    (!is_empty(text)).then(|| text.trim().trim_matches('"').trim().to_owned())
}

/// Addresses from a list field: `a@x; b@y`, `{a@x, b@y}`, `a@x,b@y`.
pub fn address_list(text: &str) -> Vec<String> {
    text.trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .split([';', ',', ' '])
        .filter_map(value)
        .collect()
}

/// True when a console cut the value short (`nestor.wilke@contoso...`, `Delivere…`).
pub fn is_truncated(text: &str) -> bool {
    let t = text.trim_end();
    t.ends_with("...") || t.ends_with('…')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_in_every_unit() {
        assert_eq!(size_bytes("58.31 KB"), Some(59_709));
        assert_eq!(size_bytes("1.5 MB"), Some(1_572_864));
        assert_eq!(size_bytes("5120"), Some(5120));
        assert_eq!(size_bytes("5,120"), Some(5120));
        assert_eq!(size_bytes("12,5 KB"), Some(12_800));
        assert_eq!(size_bytes("lots"), None);
    }

    #[test]
    fn empty_markers_and_lists() {
        assert_eq!(value(" null "), None);
        assert_eq!(value("\"\""), None);
        assert_eq!(
            address_list("{a@x.com, b@y.com}"),
            vec!["a@x.com".to_owned(), "b@y.com".to_owned()]
        );
        assert!(is_truncated("nestor.wilke@contoso..."));
    }
}
