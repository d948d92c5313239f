//! Plain-text tables with aligned columns, for terminal output.

/// Column alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text columns.
    Left,
    /// Number columns.
    Right,
}

/// Renders rows under a header, two spaces between columns, indented by `indent` spaces.
pub fn render(header: &[&str], align: &[Align], rows: &[Vec<String>], indent: usize) -> String {
    let cols = header.len();
    let mut width: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in width.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |cells: &mut dyn Iterator<Item = &str>, out: &mut String| {
        out.push_str(&" ".repeat(indent));
        let mut parts = Vec::with_capacity(cols);
        for (i, cell) in cells.enumerate() {
            let pad = width[i].saturating_sub(cell.chars().count());
            let last = i + 1 == cols;
            parts.push(match align.get(i).copied().unwrap_or(Align::Left) {
                Align::Left if last => cell.to_string(),
                Align::Left => format!("{cell}{}", " ".repeat(pad)),
                Align::Right => format!("{}{cell}", " ".repeat(pad)),
            });
        }
        out.push_str(parts.join("  ").trim_end());
        out.push('\n');
    };
    line(&mut header.iter().copied(), &mut out);
    for row in rows {
        line(&mut row.iter().map(String::as_str), &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_columns() {
        let out = render(
            &["step", "n"],
            &[Align::Left, Align::Right],
            &[
                vec!["vpc".into(), "1".into()],
                vec!["orders-db".into(), "12".into()],
            ],
            2,
        );
        assert_eq!(out, "  step        n\n  vpc         1\n  orders-db  12\n");
    }
}
