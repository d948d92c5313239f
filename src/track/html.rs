//! The live forecast as a self-contained page for the screen in the room: the finish times,
//! the S-curve of the remaining recovery and a Gantt of done, running and predicted work.
//! Inline SVG and CSS, no script and nothing fetched; with `refresh` it reloads itself every
//! few seconds (the command rewrites it atomically on every forecast).

use std::fmt::Write as _;

use super::forecast::Forecast;
use crate::duration::format_span_compact as span;
use crate::report::html::escape;

/// Seconds between reloads of a followed page.
const REFRESH_SECONDS: u32 = 10;

/// The page. `refresh`: whether it reloads itself (while the recovery goes on).
pub fn render_html(f: &Forecast, refresh: bool) -> String {
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    if refresh {
        let _ = writeln!(
            out,
            "<meta http-equiv=\"refresh\" content=\"{REFRESH_SECONDS}\">"
        );
    }
    let _ = writeln!(
        out,
        "<title>rtosim track: {}</title>\n<style>{}</style>\n</head>\n<body>",
        escape(&f.run.plan),
        CSS
    );
    let _ = writeln!(
        out,
        "<h1>{} <small>({})</small></h1>\n<p class=\"meta\">Forecast at {} UTC: {} in since {}; {} done, {} running, {} to start. {} trials, seed {}.</p>",
        escape(&f.run.plan),
        escape(&f.run.scenario),
        escape(&f.now),
        span(f.elapsed_seconds),
        escape(&f.started),
        f.done,
        f.running,
        f.waiting,
        f.run.trials,
        f.run.seed
    );
    out.push_str("<div class=\"tiles\">");
    if f.finished {
        let _ = write!(
            out,
            "<div class=\"tile\"><b>Finished</b><span class=\"big\">{}</span>RTO, ended {}</div>",
            span(f.finish[0].rto_seconds.value),
            escape(&f.finish[0].clock)
        );
    } else {
        for at in &f.finish {
            let _ = write!(
                out,
                "<div class=\"tile\"><b>{}</b><span class=\"big\">{}</span>{} left (RTO {}, 95 % CI {}-{})</div>",
                at.percentile.to_uppercase(),
                escape(&at.clock),
                span(at.remaining_seconds),
                span(at.rto_seconds.value),
                span(at.rto_seconds.low),
                span(at.rto_seconds.high)
            );
        }
    }
    if let (Some(t), Some(p)) = (f.objective_seconds, &f.p_meet) {
        let _ = write!(
            out,
            "<div class=\"tile\"><b>P(within {})</b><span class=\"big\">{:.0} %</span>95 % CI {:.1}-{:.1} %</div>",
            span(t),
            100.0 * p.value,
            100.0 * p.low,
            100.0 * p.high
        );
    }
    out.push_str("</div>\n");
    if let Some(m) = &f.movement {
        let _ = writeln!(
            out,
            "<p>Since the last forecast: P50 {:+.0} min (95 % CI {:+.0} to {:+.0}), P90 {:+.0} min.</p>",
            m.p50_seconds.value / 60.0,
            m.p50_seconds.low / 60.0,
            m.p50_seconds.high / 60.0,
            m.p90_seconds.value / 60.0
        );
    }
    if !f.finished {
        out.push_str("<h2>Remaining recovery</h2>\n");
        s_curve(&mut out, f);
    }
    out.push_str("<h2>Done, running and predicted work</h2>\n");
    gantt(&mut out, f);
    lists(&mut out, f);
    out.push_str("</body>\n</html>\n");
    out
}

const CSS: &str = "body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}\
h1 small{color:#666;font-weight:normal}.meta{color:#555}\
.tiles{display:flex;gap:1em;flex-wrap:wrap}.tile{border:1px solid #ccc;border-radius:6px;padding:.6em 1em;min-width:12em}\
.tile b{display:block;color:#555}.big{display:block;font-size:1.6em;font-weight:600}\
svg text{font-size:12px;fill:#333}table{border-collapse:collapse}td,th{padding:.2em .8em;text-align:left}";

/// The S-curve: P(done within x of now) against x.
fn s_curve(out: &mut String, f: &Forecast) {
    let (w, h, left, bottom) = (640.0, 240.0, 50.0, 30.0);
    let xmax = f
        .remaining_curve
        .iter()
        .map(|p| p[0])
        .fold(0.0_f64, f64::max)
        .max(60.0);
    let x = |v: f64| left + (w - left - 10.0) * v / xmax;
    let y = |p: f64| (h - bottom) - (h - bottom - 10.0) * p;
    let points: Vec<String> = f
        .remaining_curve
        .iter()
        .map(|p| format!("{:.1},{:.1}", x(p[0]), y(p[1])))
        .collect();
    let _ = writeln!(
        out,
        "<svg role=\"img\" aria-label=\"S-curve of the remaining recovery time\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">"
    );
    let _ = writeln!(
        out,
        "<line x1=\"{left}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#999\"/><line x1=\"{left}\" y1=\"10\" x2=\"{left}\" y2=\"{}\" stroke=\"#999\"/>",
        y(0.0),
        w - 10.0,
        y(0.0),
        y(0.0)
    );
    for p in [0.5, 0.9] {
        let _ = writeln!(
            out,
            "<line x1=\"{left}\" y1=\"{:.1}\" x2=\"{}\" y2=\"{:.1}\" stroke=\"#ddd\"/><text x=\"5\" y=\"{:.1}\">P{:.0}</text>",
            y(p),
            w - 10.0,
            y(p),
            y(p) + 4.0,
            100.0 * p
        );
    }
    for i in 0..=4 {
        let v = xmax * f64::from(i) / 4.0;
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            x(v),
            h - 10.0,
            span(v)
        );
    }
    let _ = writeln!(
        out,
        "<polyline fill=\"none\" stroke=\"#1f6feb\" stroke-width=\"2\" points=\"{}\"/>\n</svg>\n<p class=\"meta\">Share of trials finished within the time from now; each point has a standard error below {:.1} percentage points ({} trials).</p>",
        points.join(" "),
        50.0 / (f.run.trials.max(1) as f64).sqrt(),
        f.run.trials
    );
}

/// The Gantt: logged bars for done work, a bar to now and a predicted rest for running work,
/// predicted median bars with a P90 whisker for work to come; a line at now.
fn gantt(out: &mut String, f: &Forecast) {
    let row = 18.0;
    let (left, w) = (230.0, 900.0);
    let h = row * f.steps.len() as f64 + 40.0;
    let end = f
        .steps
        .iter()
        .map(|s| s.finish_p90_seconds)
        .fold(f.elapsed_seconds, f64::max)
        .max(60.0);
    let x = |t: f64| left + (w - left - 10.0) * t / end;
    let _ = writeln!(
        out,
        "<svg role=\"img\" aria-label=\"Gantt of done, running and predicted work\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">"
    );
    for (i, s) in f.steps.iter().enumerate() {
        let top = 10.0 + row * i as f64;
        let (a, b, c) = (
            x(s.start_seconds),
            x(s.finish_seconds),
            x(s.finish_p90_seconds),
        );
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            left - 6.0,
            top + 12.0,
            escape(&s.id)
        );
        match s.state {
            "done" => {
                let _ = write!(
                    out,
                    "<rect x=\"{a:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"12\" fill=\"#2da44e\"><title>done</title></rect>",
                    top + 2.0,
                    (b - a).max(1.0)
                );
            }
            "running" => {
                let n = x(f.elapsed_seconds);
                let _ = write!(
                    out,
                    "<rect x=\"{a:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"12\" fill=\"#bf8700\"><title>running</title></rect><rect x=\"{n:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"12\" fill=\"#f2cc60\"><title>predicted rest (P50)</title></rect>",
                    top + 2.0,
                    (n - a).max(1.0),
                    top + 2.0,
                    (b - n).max(0.0)
                );
            }
            _ => {
                let _ = write!(
                    out,
                    "<rect x=\"{a:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"12\" fill=\"#9ecbff\"><title>predicted (P50)</title></rect>",
                    top + 2.0,
                    (b - a).max(1.0)
                );
            }
        }
        if s.state != "done" && c > b {
            let _ = write!(
                out,
                "<line x1=\"{b:.1}\" y1=\"{:.1}\" x2=\"{c:.1}\" y2=\"{:.1}\" stroke=\"#555\"><title>to P90</title></line>",
                top + 8.0,
                top + 8.0
            );
        }
        out.push('\n');
    }
    let n = x(f.elapsed_seconds);
    let _ = writeln!(
        out,
        "<line x1=\"{n:.1}\" y1=\"5\" x2=\"{n:.1}\" y2=\"{:.1}\" stroke=\"#cf222e\" stroke-dasharray=\"4 3\"/><text x=\"{n:.1}\" y=\"{:.1}\" text-anchor=\"middle\">now</text>\n</svg>",
        h - 25.0,
        h - 10.0
    );
    let _ = writeln!(
        out,
        "<p class=\"meta\">Green: done (logged). Amber: running, with its predicted rest. Blue: to come, predicted median; whiskers to P90. Predicted times are to the resolution of the simulation's histograms (about 1 %).</p>"
    );
}

/// Overdue steps, the steps setting the finish, and steps outside their P10-P90.
fn lists(out: &mut String, f: &Forecast) {
    if !f.overdue.is_empty() {
        out.push_str("<h2>Overdue (running past their P90)</h2>\n<table><tr><th>step</th><th>running</th><th>P90</th><th>over</th></tr>\n");
        for o in &f.overdue {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td></tr>",
                escape(&o.step),
                span(o.elapsed_seconds),
                span(o.p90_seconds),
                span(o.over_seconds),
                if o.beyond_model {
                    " (beyond its model: fitted tail)"
                } else {
                    ""
                }
            );
        }
        out.push_str("</table>\n");
    }
    if !f.sets_finish.is_empty() && !f.finished {
        out.push_str("<h2>Most likely to set the finish</h2>\n<table>\n");
        for s in &f.sets_finish {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{:.0} % (95 % CI {:.0}-{:.0} %)</td></tr>",
                escape(&s.step),
                100.0 * s.share.value,
                100.0 * s.share.low,
                100.0 * s.share.high
            );
        }
        out.push_str("</table>\n");
    }
    if !f.outside.is_empty() {
        out.push_str("<h2>Finished outside their P10-P90</h2>\n<table>\n");
        for o in &f.outside {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>took {}</td><td>{} {}-{}</td></tr>",
                escape(&o.step),
                span(o.actual_seconds),
                o.side,
                span(o.p10_seconds),
                span(o.p90_seconds)
            );
        }
        out.push_str("</table>\n");
    }
}
