//! PowerShell console output: `Format-List` blocks and `Format-Table` tables, as pasted
//! from a terminal (prompts, blank lines and other text around them are skipped).

use std::sync::LazyLock;

use regex::Regex;

/// A `Name : value` line of `Format-List`.
static LIST_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<key>[A-Za-z][\w.-]*)\s*: ?(?P<value>.*)$").expect("static regex")
});

/// The dashes under a table header: groups of `-` separated by spaces.
static DASHES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*-{2,}(?:\s+-{2,})*\s*$").expect("static regex"));

/// How far into a text the console sniffers look: console output pasted into a ticket
/// starts near the top, and a 100 MB export must not be scanned line by line just to be
/// told it is not console output.
const SNIFF_BYTES: usize = 256 * 1024;

/// The start of `text` the sniffers read (cut on a line end).
pub fn head(text: &str) -> &str {
    if text.len() <= SNIFF_BYTES {
        return text;
    }
    let cut = text
        .get(..SNIFF_BYTES)
        .and_then(|t| t.rfind('\n'))
        .unwrap_or_else(|| {
            (0..=SNIFF_BYTES)
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(0)
        });
    text.get(..cut).unwrap_or("")
}

/// One record: property names and values in output order.
pub type Record = Vec<(String, String)>;

/// The `Format-List` records in `text`: runs of `Name : value` lines separated by blank
/// lines. A line indented under a value continues it (the console wraps long values).
pub fn list_records(text: &str) -> Vec<Record> {
    let mut records = Vec::new();
    let mut current: Record = Vec::new();
    let mut value_column: usize = 0;
    let mut last_len = 0;
    for line in text.lines() {
        let trimmed_end = line.trim_end();
        if trimmed_end.trim().is_empty() {
            if !current.is_empty() {
                records.push(std::mem::take(&mut current));
            }
            continue;
        }
        let indented = line.starts_with(' ') || line.starts_with('\t');
        if indented
            && value_column > 0
            && leading_spaces(line) >= value_column.saturating_sub(1)
            && let Some((_, value)) = current.last_mut()
        {
            if last_len < 79 {
                value.push(' ');
            }
            value.push_str(line.trim());
            last_len = trimmed_end.chars().count();
            continue;
        }
        if let Some(caps) = LIST_LINE.captures(trimmed_end)
            && let (Some(key), Some(value)) = (caps.name("key"), caps.name("value"))
        {
            value_column = trimmed_end
                .find(" : ")
                .or_else(|| trimmed_end.find(':'))
                .map_or(0, |i| i + 3);
            last_len = trimmed_end.chars().count();
            current.push((key.as_str().to_owned(), value.as_str().trim().to_owned()));
        } else if !current.is_empty() {
            records.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        records.push(current);
    }
    records
}

fn leading_spaces(line: &str) -> usize {
    line.chars().take_while(|c| *c == ' ' || *c == '\t').count()
}

/// The `Format-Table` tables in `text`: a header line above a line of dashes; each row is
/// cut at the columns the dashes mark (by characters, not bytes), until a blank line.
pub fn table_records(text: &str) -> Vec<Vec<Record>> {
    let lines: Vec<&str> = text.lines().collect();
    let mut tables = Vec::new();
    let mut i = 1;
    while i < lines.len() {
        let (Some(dashes), Some(header)) = (lines.get(i), lines.get(i - 1)) else {
            break;
        };
        if !DASHES.is_match(dashes) || header.trim().is_empty() {
            i += 1;
            continue;
        }
        let starts = column_starts(dashes);
        let names: Vec<String> = cut(header, &starts)
            .into_iter()
            .map(|n| n.trim().to_owned())
            .collect();
        let mut rows = Vec::new();
        i += 1;
        while let Some(line) = lines.get(i) {
            if line.trim().is_empty() || line.trim_start().starts_with("PS ") {
                break;
            }
            let cells = cut(line, &starts);
            rows.push(
                names
                    .iter()
                    .cloned()
                    .zip(cells.into_iter().map(|c| c.trim().to_owned()))
                    .collect(),
            );
            i += 1;
        }
        if !rows.is_empty() {
            tables.push(rows);
        }
    }
    tables
}

fn column_starts(dashes: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut previous = ' ';
    for (i, c) in dashes.chars().enumerate() {
        if c == '-' && previous != '-' {
            starts.push(i);
        }
        previous = c;
    }
    starts
}

fn cut(line: &str, starts: &[usize]) -> Vec<String> {
    let chars: Vec<char> = line.chars().collect();
    starts
        .iter()
        .enumerate()
        .map(|(n, &start)| {
            let end = starts.get(n + 1).copied().unwrap_or(chars.len());
            chars
                .get(start.min(chars.len())..end.min(chars.len()))
                .map(|s| s.iter().collect())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_records_with_wrapped_values() {
        let text = "PS> Get-X | fl\n\nName   : first\nDetail : a long value that the console wrapped at the right edge of the window ok\n         and went on\n\nName   : second\nDetail :\n";
        let records = list_records(text);
        assert_eq!(records.len(), 2);
        assert_eq!(
            records[0][1].1,
            "a long value that the console wrapped at the right edge of the window okand went on"
        );
        assert_eq!(records[1][1], ("Detail".to_owned(), String::new()));
    }

    #[test]
    fn table_rows_cut_at_the_dashes() {
        let text = "Received  Sender      Status\n--------  ------      ------\n1/1 1:00  ä@x.com     Delivered\n1/1 1:01  b@x.co...   Failed\n\nPS C:\\>";
        let tables = table_records(text);
        assert_eq!(tables.len(), 1);
        assert_eq!(tables[0][0][1], ("Sender".to_owned(), "ä@x.com".to_owned()));
        assert_eq!(tables[0][1][2].1, "Failed");
    }
}
