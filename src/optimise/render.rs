//! `optimise` as text and as JSON: both render the one [`OptimiseReport`].

use super::OptimiseReport;
use crate::duration::format_span as format_duration;

/// A figure of the objective: a time, or for `p(meet)` a share as a percentage.
pub fn format_figure(higher_is_better: bool, value: f64) -> String {
    if higher_is_better {
        format!("{:.1}%", 100.0 * value)
    } else {
        format_duration(value)
    }
}

/// The report as JSON (times in seconds).
pub fn render_json(report: &OptimiseReport) -> String {
    let mut s = serde_json::to_string_pretty(report).expect("the report serialises");
    s.push('\n');
    s
}

/// The report as text for a terminal.
pub fn render_text(r: &OptimiseReport) -> String {
    let share = r.higher_is_better;
    let figure = |v: f64| format_figure(share, v);
    let mut s = format!(
        "{} · scenario {} · objective {} · seed {}\n",
        r.plan, r.scenario, r.objective, r.seed
    );
    let stopped = match r.stopped {
        super::Stop::Budget => "the budget was spent",
        super::Stop::Stalled => "no better order came for a while",
        super::Stop::Optimal if share => {
            "the best order meets the objective in every trial: none can do better"
        }
        super::Stop::Optimal => "the best order meets the lower bound: none can be faster",
        super::Stop::Asked => "the time budget ran out",
    };
    s += &format!(
        "searched {} schedules over {} generations ({}); {}\n",
        r.evaluations,
        r.generations,
        if r.fixed_durations {
            match &r.objective_of {
                None => "fixed durations: the objective is the makespan".to_string(),
                Some(_) => "fixed durations: one trial is the whole distribution".to_string(),
            }
        } else {
            format!("{} trials each, the same draws for every order", r.trials)
        },
        stopped
    );
    if let Some(b) = r.lower_bound_seconds {
        s += &format!("lower bound on the makespan: {}\n", format_duration(b));
    }
    s += &format!(
        "\nconfirmed on {} fresh trials (seed {}):\n",
        r.confirm_trials, r.confirm_seed
    );
    s += &format!(
        "  {:<10} {:>12} {:>32} {:>36}\n",
        "order", "searched", "confirmed (95% interval)", "optimised minus this (95% interval)"
    );
    for c in &r.results {
        let e = &c.confirmed_seconds;
        let d = &c.difference_seconds;
        let diff = if c.name == "optimised" {
            String::new()
        } else {
            format!(
                "{} ({} to {})",
                signed(share, d.value),
                signed(share, d.low),
                signed(share, d.high)
            )
        };
        s += &format!(
            "  {:<10} {:>12} {:>32} {:>36}\n",
            c.name,
            figure(c.searched_seconds),
            format!("{} ({}-{})", figure(e.value), figure(e.low), figure(e.high)),
            diff
        );
    }
    if !r.fixed_durations {
        s += &format!("\n{}\n", r.verdict.sentence(share));
    }
    s += &format!("\norder ({} steps): {}\n", r.order.len(), r.order.join(" "));
    s
}

/// A difference with its sign: a time, or for shares percentage points.
fn signed(share: bool, value: f64) -> String {
    let sign = if value < 0.0 { "-" } else { "+" };
    if share {
        format!("{sign}{:.1} pp", 100.0 * value.abs())
    } else {
        format!("{sign}{}", format_duration(value.abs()))
    }
}
