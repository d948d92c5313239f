//! Text helpers shared by every reader and writer: positions in a text, and making untrusted
//! strings safe to show on a terminal, in DOT and in a spreadsheet.
//!
//! Plans and drill logs are written by people and tools rtosim does not control, so any string
//! taken from them (a step id, a name, a value in an error) may hold control characters or
//! start like a spreadsheet formula. Every renderer passes such strings through
//! [`escape_control`] (terminal text) or [`csv_cell`] (CSV cells), so the rule lives here once.

use std::borrow::Cow;

/// The line starts of a text, built once, so that each byte offset becomes a line and column
/// by a binary search instead of a rescan from the start (which made placing many diagnostics
/// quadratic in the file's size).
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset of the start of each line; the first is 0.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes `text` (one pass over its bytes).
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { text, starts }
    }

    /// The line and column of byte `offset`, both counted from 1; columns count characters.
    /// An offset past the end, or inside a character, is moved back to a character boundary.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        // The last line start at or before the offset (`starts[0]` is 0, so one exists).
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        (line, column(&self.text[start..offset]))
    }

    /// The line and column of each offset, as [`LineIndex::line_column`] gives, in the order
    /// given. Offsets on one long line (a minified JSON file) are counted in one sweep along
    /// it, so many offsets cost the text's length once rather than once each.
    pub fn line_columns(&self, offsets: &[usize]) -> Vec<(usize, usize)> {
        let mut order: Vec<usize> = (0..offsets.len()).collect();
        order.sort_by_key(|&i| offsets[i]);
        let mut out = vec![(1, 1); offsets.len()];
        // The last offset placed: its byte offset, line and column.
        let mut cursor: Option<(usize, usize, usize)> = None;
        for i in order {
            let offset = floor_char_boundary(self.text, offsets[i].min(self.text.len()));
            let line = self.starts.partition_point(|&s| s <= offset).max(1);
            let located = match cursor {
                Some((at, at_line, at_column)) if at_line == line => {
                    (line, at_column + self.text[at..offset].chars().count())
                }
                _ => (line, column(&self.text[self.starts[line - 1]..offset])),
            };
            cursor = Some((offset, located.0, located.1));
            out[i] = located;
        }
        out
    }
}

/// The 1-based column just after `before`, the text from a line's start.
fn column(before: &str) -> usize {
    before.chars().count() + 1
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Whether `c` must not reach a terminal as it is: control characters (C0, DEL and C1, which
/// include ESC and BEL) can recolour, move the cursor, retitle the window or ring the bell,
/// and the Unicode line separators and bidirectional overrides can make text display as
/// something other than what it holds.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// The visible escape of one character that must not reach a terminal as it is (see
/// [`escape_control`] for which and how), or `None` for a character that is safe.
pub fn escape_char(c: char) -> Option<String> {
    if !is_unsafe(c) {
        return None;
    }
    Some(match c {
        '\n' => "\\n".to_string(),
        '\r' => "\\r".to_string(),
        '\t' => "\\t".to_string(),
        c => format!("\\u{{{:x}}}", c as u32),
    })
}

fn push_escaped(out: &mut String, c: char) {
    match escape_char(c) {
        Some(escaped) => out.push_str(&escaped),
        None => out.push(c),
    }
}

/// Makes text from a plan or a log safe to print: control characters and the Unicode
/// characters that reorder or break displayed text become visible escapes in Rust's
/// notation, `\n`, `\r`, `\t` and otherwise `\u{1b}` (ESC), `\u{7}` (BEL), `\u{202e}` and so on.
/// Everything else, including any other non-ASCII text, is kept as it is. Borrows when nothing
/// needs escaping, which is the common case.
///
/// The notation was chosen over caret notation (`^[`) because it is unambiguous (a plan may
/// well contain `^[`), covers characters beyond ASCII, and is what a user would type in a TOML
/// or JSON string (`"\u001b"`) to get the character back.
pub fn escape_control(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// As [`escape_control`], but keeps line breaks (`\n`) as they are: for text that is shown
/// line by line on purpose, such as a multi-line message, where only the other characters
/// could steer the terminal.
pub fn escape_control_keep_newlines(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && is_unsafe(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c != '\n' && is_unsafe(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Neutralises a CSV cell that a spreadsheet would run as a formula: a cell starting with
/// `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading single quote, as OWASP's
/// guidance on CSV injection recommends, so `=cmd|' /C calc'!A0` is shown as text. A plain
/// number such as `-1.5` or `+3e2` is left alone: spreadsheets read it as a number, not a
/// formula, and quoting it would turn numeric columns into text. Borrows when nothing changes.
pub fn csv_cell(cell: &str) -> Cow<'_, str> {
    let risky = matches!(
        cell.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    );
    if risky && !is_plain_number(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// A signed decimal number with an optional fraction and exponent, and nothing else.
fn is_plain_number(cell: &str) -> bool {
    let s = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok =
        !(whole.is_empty() && fraction.is_empty()) && digits(whole) && digits(fraction);
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_columns() {
        let text = "a = 1\nbé = 2\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_column(0), (1, 1));
        assert_eq!(index.line_column(5), (1, 6));
        assert_eq!(index.line_column(6), (2, 1));
        // The 'é' is two bytes but one column; an offset inside it moves back to its start.
        assert_eq!(index.line_column(9), (2, 3));
        assert_eq!(index.line_column(8), (2, 2));
        assert_eq!(index.line_column(1_000), (3, 1));
        assert_eq!(LineIndex::new("").line_column(3), (1, 1));
    }

    #[test]
    fn many_offsets_agree_with_one_at_a_time() {
        let text = "é{\"a\": 1, \"bé\": [1, 2]}\nx\n\nyé z";
        let index = LineIndex::new(text);
        let offsets: Vec<usize> = (0..=text.len() + 2).rev().collect();
        let many = index.line_columns(&offsets);
        for (&o, &got) in offsets.iter().zip(&many) {
            assert_eq!(got, index.line_column(o), "offset {o}");
        }
    }

    #[test]
    fn control_characters_become_visible() {
        assert_eq!(
            escape_control("db\u{1b}[31mred\u{7}"),
            "db\\u{1b}[31mred\\u{7}"
        );
        assert_eq!(escape_control("a\nb\tc\r"), "a\\nb\\tc\\r");
        assert_eq!(
            escape_control("\u{9b}\u{7f}\u{202e}"),
            "\\u{9b}\\u{7f}\\u{202e}"
        );
        assert_eq!(escape_control_keep_newlines("a\nb\u{1b}"), "a\nb\\u{1b}");
        assert!(matches!(escape_control("plain é ✓"), Cow::Borrowed(_)));
    }

    #[test]
    fn formula_cells_are_quoted_and_numbers_kept() {
        assert_eq!(csv_cell("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        for risky in [
            "+1+1", "-1+2", "@SUM(A1)", "\tx", "\rx", "-", "-inf", "+", "-e5", "1e5x",
        ] {
            let quoted = csv_cell(risky);
            if risky.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                assert_eq!(quoted, format!("'{risky}"), "{risky:?}");
            }
        }
        for kept in ["-1.5", "+3e2", "-0", "-.5", "12", "step-a", "", "a=b"] {
            assert_eq!(csv_cell(kept), kept);
        }
    }
}
