//! The management report as one self-contained HTML file: inline CSS and SVG, no scripts, no
//! fonts or anything else fetched from anywhere, laid out to print cleanly.
//!
//! Every string from the plan passes through [`escape`]; chart SVG comes from plotters, which
//! escapes its own text.

use std::fmt::Write as _;

use super::management::ManagementReport;
use super::sections::{self, Table};

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { color-scheme: light; --ink: #212121; --muted: #5a5a5a; --rule: #d9d9d9; --band: #f4f4f4; --accent: #2c728e; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: var(--ink);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 28px; line-height: 1.2; margin: 0 0 4px; }
h2 { font-size: 21px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); break-after: avoid; }
.sub { color: var(--muted); margin: 0; }
.summary { font-size: 18px; border-left: 5px solid var(--accent); padding: 4px 0 4px 16px; margin: 20px 0; }
.summary p { margin: 0 0 8px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 4px; font-size: 15px; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
th { font-weight: 600; border-bottom: 2px solid var(--ink); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:nth-child(even) { background: var(--band); }
thead { display: table-header-group; }
tr { break-inside: avoid; }
figure { margin: 24px 0; break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; max-width: 1000px; }
figcaption { color: var(--muted); font-size: 15px; margin-top: 6px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 8px 0; }
dt { font-weight: 600; }
dd { margin: 0; overflow-wrap: anywhere; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 14px; }
pre { background: var(--band); padding: 10px 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
footer { color: var(--muted); font-size: 14px; margin-top: 40px; }
@page { size: A4; margin: 14mm; }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  .summary { font-size: 12pt; }
  table { font-size: 9.5pt; }
  h2 { margin-top: 18pt; }
  figure { margin: 12pt 0; }
}
"#;

fn table(out: &mut String, t: &Table) {
    out.push_str("<table>\n<thead><tr>");
    for (h, &num) in t.header.iter().zip(&t.numeric) {
        let _ = write!(
            out,
            "<th{}>{}</th>",
            if num { " class=\"num\"" } else { "" },
            escape(h)
        );
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        out.push_str("<tr>");
        for (cell, &num) in row.iter().zip(&t.numeric) {
            let _ = write!(
                out,
                "<td{}>{}</td>",
                if num { " class=\"num\"" } else { "" },
                escape(cell)
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// Gives an inline SVG an accessible name; plotters' SVG starts with a bare `<svg `.
fn labelled_svg(svg: &str, label: &str) -> String {
    let body = svg.trim_start();
    match body.strip_prefix("<svg ") {
        Some(rest) => format!("<svg role=\"img\" aria-label=\"{}\" {rest}", escape(label)),
        None => body.to_string(),
    }
}

/// Renders the report as a standalone HTML document.
pub fn render_html(m: &ManagementReport) -> String {
    let r = &m.summary;
    let mut out =
        String::with_capacity(64 * 1024 + m.charts.iter().map(|c| c.svg.len()).sum::<usize>());
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(
        out,
        "<title>{}: recovery forecast</title>",
        escape(&r.run.plan)
    );
    let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>\n<main>");
    let _ = writeln!(out, "<header>\n<h1>{}</h1>", escape(&r.run.plan));
    let _ = writeln!(
        out,
        "<p class=\"sub\">{}</p>\n</header>",
        escape(&super::sections::byline(r))
    );

    out.push_str("<section class=\"summary\" id=\"summary\">\n");
    for s in &m.narrative {
        let _ = writeln!(out, "<p>{}</p>", escape(s));
    }
    out.push_str("</section>\n");

    out.push_str("<section id=\"key-figures\">\n<h2>Key figures</h2>\n");
    table(&mut out, &sections::key_figures(r));
    out.push_str("</section>\n");

    if let Some(t) = super::milestones_table(&r.milestones) {
        out.push_str("<section id=\"milestones\">\n<h2>Milestones</h2>\n");
        out.push_str("<p>When each milestone is reached, with 95% intervals, and the chance of meeting its target.</p>\n");
        table(&mut out, &t);
        out.push_str("<ul>\n");
        for s in super::milestones_sentences(&r.milestones, super::milestones::says_deadline(r)) {
            let _ = writeln!(out, "<li>{}</li>", escape(&s));
        }
        out.push_str("</ul>\n</section>\n");
    }

    out.push_str("<section id=\"charts\">\n<h2>Charts</h2>\n");
    for c in &m.charts {
        let _ = writeln!(
            out,
            "<figure id=\"chart-{}\">\n{}\n<figcaption>{}</figcaption>\n</figure>",
            c.name,
            labelled_svg(&c.svg, &c.title),
            escape(&c.caption)
        );
    }
    out.push_str("</section>\n");

    out.push_str("<section id=\"steps\">\n<h2>Steps</h2>\n");
    out.push_str("<p>Every step the scenario needs, what drives the RTO most first (what its fast case saves at P90 where measured, then cruciality, then criticality). Done-by times count from the disaster.</p>\n");
    table(&mut out, &sections::steps(r));
    out.push_str("</section>\n");

    if let Some(t) = sections::teams(r) {
        out.push_str("<section id=\"teams\">\n<h2>Teams</h2>\n");
        table(&mut out, &t);
        out.push_str("</section>\n");
    }
    if let Some(t) = sections::limits(r) {
        out.push_str("<section id=\"limits\">\n<h2>Limits</h2>\n");
        table(&mut out, &t);
        out.push_str("</section>\n");
    }
    if let Some(t) = sections::staffing(r) {
        out.push_str("<section id=\"staffing\">\n<h2>Staffing</h2>\n");
        out.push_str("<p>What one more group of each team would save.</p>\n");
        table(&mut out, &t);
        if let Some(note) = sections::staffing_note(r) {
            let _ = writeln!(out, "<p>{}</p>", escape(&note));
        }
        if let Some((sentence, t)) = m.staffing.as_ref().map(sections::staffing_options) {
            out.push_str("<h3>Staffing options</h3>\n");
            let _ = writeln!(out, "<p>{}</p>", escape(&sentence));
            table(&mut out, &t);
        }
        out.push_str("</section>\n");
    }
    if let Some((sentence, t)) = sections::starts(r) {
        out.push_str("<section id=\"starts\">\n<h2>When the disaster strikes</h2>\n");
        let _ = writeln!(out, "<p>{}</p>", escape(&sentence));
        if let Some(t) = t {
            table(&mut out, &t);
        }
        out.push_str("</section>\n");
    }
    if let Some(t) = sections::risks(r) {
        out.push_str("<section id=\"risks\">\n<h2>Risks</h2>\n");
        out.push_str("<p>What each risk adds to the recovery time when it is left in the plan (the same simulated recoveries with and without it, with the 95% interval), and the data it loses when it fires.</p>\n");
        table(&mut out, &t);
        if let Some(rp) = sections::recovery_point(r) {
            out.push_str(&format!("<p>{}</p>\n", escape(&rp)));
        }
        out.push_str("</section>\n");
    }

    out.push_str("<section id=\"inputs\">\n<h2>Inputs</h2>\n<dl>\n");
    for (k, v) in sections::inputs(m) {
        let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(&v));
    }
    out.push_str("</dl>\n<p>Reproduce this report with:</p>\n");
    let _ = writeln!(out, "<pre><code>{}</code></pre>", escape(&m.inputs.command));
    out.push_str("</section>\n");
    out.push_str("<footer>Generated by rtosim from the plan above; same plan, seed and trials give the same numbers.</footer>\n");
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
        assert_eq!(escape("a\u{1}b"), "a\u{fffd}b");
    }

    #[test]
    fn svg_gets_an_accessible_name() {
        assert_eq!(
            labelled_svg("<svg width=\"1\">", "a <b>"),
            "<svg role=\"img\" aria-label=\"a &lt;b&gt;\" width=\"1\">"
        );
    }
}
