//! The live forecast as text (for the terminal) and JSON (for other tools). The HTML page is
//! in [`super::html`].

use std::fmt::Write as _;

use super::forecast::Forecast;
use crate::duration::format_span_compact as span;
use crate::stats::Estimate;

/// The forecast as JSON, one object, newline-terminated.
pub fn render_json(f: &Forecast) -> Result<String, serde_json::Error> {
    let mut text = serde_json::to_string_pretty(f)?;
    text.push('\n');
    Ok(text)
}

/// The forecast as a one-line JSON object, for `--follow` appending one forecast per change.
pub fn render_json_line(f: &Forecast) -> Result<String, serde_json::Error> {
    let mut text = serde_json::to_string(f)?;
    text.push('\n');
    Ok(text)
}

fn pct(e: &Estimate) -> String {
    format!(
        "{:.1} % (95 % CI {:.1}-{:.1})",
        100.0 * e.value,
        100.0 * e.low,
        100.0 * e.high
    )
}

fn signed(e: &Estimate, unit: impl Fn(f64) -> String) -> String {
    let sign = |v: f64| if v < 0.0 { "-" } else { "+" };
    format!(
        "{}{} (95 % CI {}{} to {}{})",
        sign(e.value),
        unit(e.value.abs()),
        sign(e.low),
        unit(e.low.abs()),
        sign(e.high),
        unit(e.high.abs())
    )
}

/// The forecast as text for a terminal.
pub fn render_text(f: &Forecast) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Forecast of {} ({}) at {}: {} in, {} steps done, {} running, {} to start",
        f.run.plan,
        f.run.scenario,
        f.now,
        span(f.elapsed_seconds),
        f.done,
        f.running,
        f.waiting
    );
    let _ = writeln!(
        out,
        "  started {}; {} trials, seed {}",
        f.started, f.run.trials, f.run.seed
    );
    if f.finished {
        let _ = writeln!(
            out,
            "\nRecovery finished: RTO {} (ended {})",
            span(f.finish[0].rto_seconds.value),
            f.finish[0].clock
        );
    } else {
        let _ = writeln!(
            out,
            "\nFinish      clock (UTC)               remaining   RTO (95 % CI)"
        );
        for at in &f.finish {
            let _ = writeln!(
                out,
                "  {:<9} {:<25} {:<11} {} ({}-{})",
                at.percentile.to_uppercase(),
                at.clock,
                span(at.remaining_seconds),
                span(at.rto_seconds.value),
                span(at.rto_seconds.low),
                span(at.rto_seconds.high)
            );
        }
    }
    if let (Some(t), Some(p)) = (f.objective_seconds, &f.p_meet) {
        let _ = writeln!(out, "\nP(RTO <= objective {}): {}", span(t), pct(p));
    }
    if let Some(m) = &f.movement {
        let _ = writeln!(
            out,
            "Since the last forecast: P50 {}, P90 {}",
            signed(&m.p50_seconds, span),
            signed(&m.p90_seconds, span)
        );
        if let Some(p) = &m.p_meet {
            let _ = writeln!(
                out,
                "  P(meet) {}",
                signed(p, |v| format!("{:.1} pt", 100.0 * v))
            );
        }
    }
    if !f.milestones.is_empty() {
        let _ = writeln!(out, "\nMilestones (P90, chance of meeting the objective):");
        for m in &f.milestones {
            let chance = m
                .p_meet
                .as_ref()
                .map_or_else(|| "no objective".to_string(), pct);
            let moved = m.p_meet_movement.as_ref().map_or_else(String::new, |p| {
                format!(
                    ", {} since the last forecast",
                    signed(p, |v| format!("{:.1} pt", 100.0 * v))
                )
            });
            let _ = writeln!(
                out,
                "  {:<24} P90 {:<25} {chance}{moved}",
                m.name, m.p90_clock
            );
        }
    }
    if !f.sets_finish.is_empty() && !f.finished {
        let _ = writeln!(out, "\nMost likely to set the finish now:");
        for s in &f.sets_finish {
            let _ = writeln!(out, "  {:<32} {}", s.step, pct(&s.share));
        }
    }
    if !f.overdue.is_empty() {
        let _ = writeln!(out, "\nOverdue (running past their P90):");
        for o in &f.overdue {
            let _ = writeln!(
                out,
                "  {:<32} running {}, P90 {}, {} over{}",
                o.step,
                span(o.elapsed_seconds),
                span(o.p90_seconds),
                span(o.over_seconds),
                if o.beyond_model {
                    "; past everything its distribution allows: remaining time from the fitted tail"
                } else {
                    ""
                }
            );
        }
    }
    if !f.outside.is_empty() {
        let _ = writeln!(
            out,
            "\nFinished outside their P10-P90 (for the retrospective):"
        );
        for o in &f.outside {
            let _ = writeln!(
                out,
                "  {:<32} took {}, {} P10-P90 {}-{}",
                o.step,
                span(o.actual_seconds),
                o.side,
                span(o.p10_seconds),
                span(o.p90_seconds)
            );
        }
    }
    out
}
