//! The management report as Markdown for wikis and pull requests, linking the chart files.
//!
//! Plan strings are escaped twice over: HTML's `<`, `>` and `&` become entities (many Markdown
//! renderers pass raw HTML through) and Markdown's punctuation gets a backslash.

use std::fmt::Write as _;

use super::management::ManagementReport;
use super::sections::{self, Table};

/// Escapes text for Markdown prose and table cells.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // Parentheses and `!` only matter next to brackets, which are escaped.
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

fn table(out: &mut String, t: &Table) {
    out.push('|');
    for h in &t.header {
        let _ = write!(out, " {} |", escape(h));
    }
    out.push_str("\n|");
    for &num in &t.numeric {
        out.push_str(if num { " ---: |" } else { " --- |" });
    }
    out.push('\n');
    for row in &t.rows {
        out.push('|');
        for cell in row {
            let _ = write!(out, " {} |", escape(cell));
        }
        out.push('\n');
    }
    out.push('\n');
}

/// Renders the report as Markdown; charts are linked as `charts/NAME.svg`.
pub fn render_markdown(m: &ManagementReport) -> String {
    let r = &m.summary;
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", escape(&r.run.plan));
    let _ = writeln!(out, "{}\n", escape(&super::sections::byline(r)));
    let quoted: Vec<String> = m
        .narrative
        .iter()
        .map(|s| format!("> {}", escape(s)))
        .collect();
    out.push_str(&quoted.join("\n>\n"));
    out.push_str("\n\n## Key figures\n\n");
    table(&mut out, &sections::key_figures(r));

    if let Some(t) = super::milestones_table(&r.milestones) {
        out.push_str("## Milestones\n\nWhen each milestone is reached, with 95% intervals, and the chance of meeting its target.\n\n");
        table(&mut out, &t);
        for s in super::milestones_sentences(&r.milestones, super::milestones::says_deadline(r)) {
            let _ = writeln!(out, "- {}", escape(&s));
        }
        out.push('\n');
    }

    out.push_str("## Charts\n\n");
    for c in &m.charts {
        let _ = writeln!(out, "### {}\n", escape(&c.title));
        let _ = writeln!(out, "![{}](charts/{}.svg)\n", escape(&c.title), c.name);
        let _ = writeln!(
            out,
            "{} ([PNG](charts/{}.png))\n",
            escape(&c.caption),
            c.name
        );
    }

    out.push_str("## Steps\n\nEvery step the scenario needs, what drives the RTO most first (what its fast case saves at P90 where measured, then cruciality, then criticality). Done-by times count from the disaster.\n\n");
    table(&mut out, &sections::steps(r));
    if let Some(t) = sections::teams(r) {
        out.push_str("## Teams\n\n");
        table(&mut out, &t);
    }
    if let Some(t) = sections::limits(r) {
        out.push_str("## Limits\n\n");
        table(&mut out, &t);
    }
    if let Some(t) = sections::staffing(r) {
        out.push_str("## Staffing\n\nWhat one more group of each team would save.\n\n");
        table(&mut out, &t);
        if let Some(note) = sections::staffing_note(r) {
            let _ = writeln!(out, "{}\n", escape(&note));
        }
    }
    if let Some((sentence, t)) = m.staffing.as_ref().map(sections::staffing_options) {
        out.push_str("### Staffing options\n\n");
        let _ = writeln!(out, "{}\n", escape(&sentence));
        table(&mut out, &t);
    }
    if let Some((sentence, t)) = sections::starts(r) {
        out.push_str("## When the disaster strikes\n\n");
        let _ = writeln!(out, "{}\n", escape(&sentence));
        if let Some(t) = t {
            table(&mut out, &t);
        }
    }
    if let Some(t) = sections::risks(r) {
        out.push_str("## Risks\n\nWhat each risk adds to the recovery time when it is left in the plan (the same simulated recoveries with and without it, with the 95% interval), and the data it loses when it fires.\n\n");
        table(&mut out, &t);
        if let Some(rp) = sections::recovery_point(r) {
            let _ = writeln!(out, "{}\n", escape(&rp));
        }
    }

    out.push_str("## Inputs\n\n");
    for (k, v) in sections::inputs(m) {
        let _ = writeln!(out, "- **{k}**: {}", escape(&v));
    }
    // A fenced block shows its text literally; a longer fence than any backtick run inside
    // keeps a hostile plan path from closing it.
    let fence = "`".repeat(3.max(longest_backtick_run(&m.inputs.command) + 1));
    let _ = writeln!(
        out,
        "\nReproduce this report with:\n\n{fence}sh\n{}\n{fence}",
        m.inputs.command.replace(['\n', '\r'], " ")
    );
    out
}

fn longest_backtick_run(s: &str) -> usize {
    let (mut best, mut run) = (0, 0);
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_html_and_markdown() {
        assert_eq!(
            escape("<script>alert(1)</script> | *x*"),
            "&lt;script&gt;alert(1)&lt;/script&gt; \\| \\*x\\*"
        );
    }

    #[test]
    fn fences_outgrow_backticks() {
        assert_eq!(longest_backtick_run("a ``` b ` c"), 3);
    }
}
