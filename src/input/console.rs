//! PowerShell console output: `Format-List` blocks and `Format-Table` tables, as pasted
//! from a terminal (prompts, blank lines and other text around them are skipped).

/// A `Name : value` line of `Format-List`: a name that starts with a letter and holds
/// word characters, dots and dashes, optional space, a colon, an optional space, the value.
/// A scan rather than a regex: every line of every sniffed input goes through here.
fn list_line(line: &str) -> Option<ListField<'_>> {
    if !line.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let key_end = line
        .char_indices()
        .find(|&(_, c)| !(c.is_alphanumeric() || matches!(c, '_' | '.' | '-')))
        .map_or(line.len(), |(i, _)| i);
    let key = line.get(..key_end)?;
    let after_key = line.get(key_end..)?;
    let value = after_key.trim_start().strip_prefix(':')?;
    Some(ListField {
        key,
        value: value.strip_prefix(' ').unwrap_or(value),
        colon: line.len() - value.len() - 1,
    })
}

/// A `Name : value` line, split.
struct ListField<'a> {
    key: &'a str,
    value: &'a str,
    /// Byte offset of the colon after the name (the line's first colon).
    colon: usize,
}

impl ListField<'_> {
    /// Where values start in this record's layout: after the first ` : ` of the line, or
    /// three bytes after the first colon. Indented lines at or past it continue a value.
    fn value_column(&self, line: &str) -> usize {
        let bytes = line.as_bytes();
        if self.colon > 0
            && bytes.get(self.colon - 1) == Some(&b' ')
            && bytes.get(self.colon + 1) == Some(&b' ')
        {
            return self.colon + 2;
        }
        line.get(self.colon..)
            .and_then(|rest| rest.find(" : "))
            .map_or(self.colon, |at| self.colon + at)
            + 3
    }
}

/// The dashes under a table header: groups of two or more `-` separated by spaces.
fn is_dashes(line: &str) -> bool {
    if !line.trim_start().starts_with("--") {
        return false;
    }
    let mut groups = line.split_whitespace().peekable();
    groups.peek().is_some() && groups.all(|g| g.len() >= 2 && g.bytes().all(|b| b == b'-'))
}

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

/// What the console sniffers look at, read once from the head of a text for all of them.
pub struct Sniffed<'a> {
    /// The property names of each `Format-List` record.
    pub lists: Vec<Vec<&'a str>>,
    /// The `Format-Table` tables with rows.
    pub tables: Vec<Vec<Record>>,
    /// The column names of `Format-Table` headers with no rows under them.
    pub headers_only: Vec<Vec<String>>,
    /// The commands typed at the prompts, in order.
    pub commands: Vec<&'a str>,
    /// True when every line that is not blank is a prompt: commands that printed nothing.
    pub only_prompts: bool,
}

impl<'a> Sniffed<'a> {
    /// Reads the lists, tables and prompts in the first [`SNIFF_BYTES`] of `text`.
    pub fn read(text: &'a str) -> Self {
        let head = head(text);
        let (tables, headers_only) = tables(head)
            .into_iter()
            .partition::<Vec<_>, _>(|t| !t.rows.is_empty());
        Self {
            lists: list_keys(head),
            tables: tables.into_iter().map(|t| t.rows).collect(),
            headers_only: headers_only.into_iter().map(|t| t.names).collect(),
            commands: commands(head).into_iter().map(|(_, c)| c).collect(),
            only_prompts: head
                .lines()
                .filter(|l| !l.trim().is_empty())
                .all(|l| prompt_command(l).is_some()),
        }
    }
}

/// The command typed after a PowerShell prompt (`PS C:\> `, `[PS] C:\>`, `PS /home/x> `),
/// or `None` for a line that is no prompt; an empty command for a bare prompt.
pub fn prompt_command(line: &str) -> Option<&str> {
    let line = line.trim_start();
    let rest = line
        .strip_prefix("PS ")
        .or_else(|| line.strip_prefix("[PS] "))?;
    let (_, command) = rest.split_once('>')?;
    Some(command.trim())
}

/// The commands typed at prompts in `text`, with their line numbers (0-based).
pub fn commands(text: &str) -> Vec<(usize, &str)> {
    text.lines()
        .enumerate()
        .filter_map(|(n, line)| prompt_command(line).map(|c| (n, c)))
        .filter(|(_, c)| !c.is_empty())
        .collect()
}

/// One segment of a pipeline: the cmdlet and its `-Name value` parameters, as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invocation {
    /// The cmdlet name.
    pub cmdlet: String,
    /// Parameters without their dash, with their values (empty for a switch).
    pub parameters: Vec<(String, String)>,
}

/// Splits a command line into its pipeline's invocations. Quotes and parentheses keep
/// their contents together (`-StartDate (Get-Date).AddDays(-10)`, `-Subject "Q1 | Q2"`).
pub fn invocations(command: &str) -> Vec<Invocation> {
    let mut segments: Vec<Vec<String>> = vec![Vec::new()];
    let mut token = String::new();
    let mut quote: Option<char> = None;
    let mut depth = 0usize;
    let flush = |token: &mut String, segments: &mut Vec<Vec<String>>| {
        if !token.is_empty()
            && let Some(last) = segments.last_mut()
        {
            last.push(std::mem::take(token));
        }
    };
    for c in command.chars() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => token.push(c),
            (None, '"' | '\'') => quote = Some(c),
            (None, '(') => {
                depth += 1;
                token.push(c);
            }
            (None, ')') => {
                depth = depth.saturating_sub(1);
                token.push(c);
            }
            (None, '|') if depth == 0 => {
                flush(&mut token, &mut segments);
                segments.push(Vec::new());
            }
            (None, c) if c.is_whitespace() && depth == 0 => flush(&mut token, &mut segments),
            (None, c) => token.push(c),
        }
    }
    flush(&mut token, &mut segments);
    segments
        .into_iter()
        .filter_map(|tokens| {
            let mut tokens = tokens.into_iter().peekable();
            let cmdlet = tokens.next()?;
            let mut parameters = Vec::new();
            while let Some(token) = tokens.next() {
                let Some(name) = token.strip_prefix('-').filter(|n| !n.is_empty()) else {
                    continue;
                };
                if let Some((name, value)) = name.split_once(':') {
                    parameters.push((name.to_owned(), value.to_owned()));
                    continue;
                }
                let value = match tokens.peek() {
                    Some(next) if !next.starts_with('-') || next.parse::<f64>().is_ok() => {
                        tokens.next().unwrap_or_default()
                    }
                    _ => String::new(),
                };
                parameters.push((name.to_owned(), value));
            }
            Some(Invocation { cmdlet, parameters })
        })
        .collect()
}

/// One step of reading `Format-List` output.
enum ListLine<'a> {
    /// A `Name : value` line, with its line number (0-based).
    Field(usize, &'a str, &'a str),
    /// An indented line that continues the last value; `spaced` when the line before it was
    /// short, so the console did not wrap mid-word.
    Continues(&'a str, bool),
    /// A blank line or other text: the record (if any) ends.
    Break,
}

/// Walks the `Format-List` lines of `text` and hands each to `on`: the one reading of the
/// layout that [`list_records`] and [`list_keys`] share.
fn walk_list<'a>(text: &'a str, mut on: impl FnMut(ListLine<'a>)) {
    let mut open = false;
    let mut value_column: usize = 0;
    let mut last_len = 0;
    for (number, line) in text.lines().enumerate() {
        let trimmed_end = line.trim_end();
        if trimmed_end.trim_start().is_empty() {
            if open {
                on(ListLine::Break);
                open = false;
            }
            continue;
        }
        let indented = line.starts_with(' ') || line.starts_with('\t');
        if indented
            && open
            && value_column > 0
            && leading_spaces(line) >= value_column.saturating_sub(1)
        {
            on(ListLine::Continues(line.trim(), last_len < 79));
            last_len = trimmed_end.chars().count();
            continue;
        }
        if let Some(field) = list_line(trimmed_end) {
            value_column = field.value_column(trimmed_end);
            last_len = trimmed_end.chars().count();
            on(ListLine::Field(number, field.key, field.value.trim()));
            open = true;
        } else if open {
            on(ListLine::Break);
            open = false;
        }
    }
    if open {
        on(ListLine::Break);
    }
}

/// The `Format-List` records in `text`: runs of `Name : value` lines separated by blank
/// lines. A line indented under a value continues it (the console wraps long values).
pub fn list_records(text: &str) -> Vec<Record> {
    list_records_at(text).into_iter().map(|(_, r)| r).collect()
}

/// [`list_records`], each with the line (0-based) its first field is on.
pub fn list_records_at(text: &str) -> Vec<(usize, Record)> {
    let mut records = Vec::new();
    let mut current: Record = Vec::new();
    let mut first_line = 0;
    walk_list(text, |line| match line {
        ListLine::Field(number, key, value) => {
            if current.is_empty() {
                first_line = number;
            }
            current.push((key.to_owned(), value.to_owned()));
        }
        ListLine::Continues(more, spaced) => {
            if let Some((_, value)) = current.last_mut() {
                if spaced {
                    value.push(' ');
                }
                value.push_str(more);
            }
        }
        ListLine::Break => records.push((first_line, std::mem::take(&mut current))),
    });
    records
}

/// The property names of each record [`list_records`] would return, without copying a
/// value: what the sniffers need to recognise a cmdlet's output.
pub fn list_keys(text: &str) -> Vec<Vec<&str>> {
    let mut records = Vec::new();
    let mut current = Vec::new();
    walk_list(text, |line| match line {
        ListLine::Field(_, key, _) => current.push(key),
        ListLine::Continues(..) => {}
        ListLine::Break => records.push(std::mem::take(&mut current)),
    });
    records
}

fn leading_spaces(line: &str) -> usize {
    line.chars().take_while(|c| *c == ' ' || *c == '\t').count()
}

/// The `Format-Table` tables with rows in `text` (see [`tables`]).
pub fn table_records(text: &str) -> Vec<Vec<Record>> {
    tables(text)
        .into_iter()
        .filter(|t| !t.rows.is_empty())
        .map(|t| t.rows)
        .collect()
}

/// One `Format-Table` table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// The line (0-based) of its header.
    pub line: usize,
    /// Its column names, as the header writes them.
    pub names: Vec<String>,
    /// Its rows; none when the paste holds the header only.
    pub rows: Vec<Record>,
}

/// The `Format-Table` tables in `text`: a header line above a line of dashes; each row is
/// cut at the columns the dashes mark (by characters, not bytes), until a blank line or a
/// prompt. A header with no rows under it is kept, with no rows.
pub fn tables(text: &str) -> Vec<Table> {
    let lines: Vec<&str> = text.lines().collect();
    let mut tables = Vec::new();
    let mut i = 1;
    while i < lines.len() {
        let (Some(dashes), Some(header)) = (lines.get(i), lines.get(i - 1)) else {
            break;
        };
        if !is_dashes(dashes) || header.trim().is_empty() {
            i += 1;
            continue;
        }
        let starts = column_starts(dashes);
        let names: Vec<String> = cut(header, &starts)
            .into_iter()
            .map(|n| n.trim().to_owned())
            .collect();
        let mut rows = Vec::new();
        let line = i - 1;
        i += 1;
        while let Some(line) = lines.get(i) {
            if line.trim().is_empty() || prompt_command(line).is_some() {
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
        tables.push(Table { line, names, rows });
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
