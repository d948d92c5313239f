//! The calibration report as text.

use std::fmt::Write as _;

use super::{CalibrationReport, Flag, Method};
use crate::duration::format_span;
use crate::report::table::{Align, render};

fn pct(p: f64) -> String {
    format!("P{}", (p * 100.0).round() as u32)
}

/// Renders the report for people.
pub fn render_calibration(r: &CalibrationReport) -> String {
    let mut out = String::new();
    let f = &r.forecast_rto_seconds;
    let _ = writeln!(
        out,
        "{}: scenario {}, {} trials, seed {}, policy {}",
        r.run.plan,
        r.run.scenario,
        r.run.trials,
        r.run.seed,
        r.run.policy.name()
    );
    let _ = writeln!(
        out,
        "Forecast RTO: P10 {}, P50 {}, P90 {}\n",
        format_span(f.p10),
        format_span(f.p50),
        format_span(f.p90)
    );
    let rows: Vec<Vec<String>> = r
        .drills
        .iter()
        .map(|d| {
            vec![
                d.drill.clone(),
                format_span(d.actual_rto_seconds),
                pct(d.percentile),
                match d.flag {
                    Flag::Fast => "below P10".to_string(),
                    Flag::Inside => "inside".to_string(),
                    Flag::Slow => "above P90".to_string(),
                },
                match d.method {
                    Method::Timestamps => "first start to last end".to_string(),
                    Method::Replayed => "replayed from durations".to_string(),
                },
            ]
        })
        .collect();
    use Align::{Left, Right};
    out.push_str(&render(
        &[
            "drill",
            "actual RTO",
            "percentile",
            "P10 to P90",
            "measured",
        ],
        &[Left, Right, Right, Left, Left],
        &rows,
        0,
    ));
    if let Some(c) = &r.coverage {
        let _ = writeln!(
            out,
            "\nCoverage: {} of {} actual RTOs inside the forecast P10 to P90 (a calibrated forecast has about {:.0} %).",
            c.inside_p10_p90,
            c.drills,
            c.expected_share * 100.0
        );
    }
    for d in &r.drills {
        let _ = writeln!(out, "\nDrill {}: steps against their forecast", d.drill);
        let rows: Vec<Vec<String>> = d
            .steps
            .iter()
            .map(|s| {
                let mark = match (s.flag, s.outlier) {
                    (Flag::Slow, true) => "slow, outlier",
                    (Flag::Fast, true) => "fast, outlier",
                    (Flag::Slow, false) => "slow",
                    (Flag::Fast, false) => "fast",
                    (Flag::Inside, _) => "",
                };
                vec![
                    s.id.clone(),
                    format_span(s.actual_seconds),
                    if s.failures > 0 {
                        format!("{} of {}", s.failures, s.attempts)
                    } else {
                        String::new()
                    },
                    format_span(s.forecast_seconds.p10),
                    format_span(s.forecast_seconds.p50),
                    format_span(s.forecast_seconds.p90),
                    pct(s.percentile),
                    mark.to_string(),
                ]
            })
            .collect();
        out.push_str(&render(
            &[
                "step",
                "actual",
                "failed",
                "P10",
                "P50",
                "P90",
                "percentile",
                "flag",
            ],
            &[Left, Right, Right, Right, Right, Right, Right, Left],
            &rows,
            2,
        ));
        if !d.untimed_steps.is_empty() {
            let how = match d.method {
                Method::Timestamps => "inside the wall time",
                Method::Replayed => "replayed at their mean",
            };
            let _ = writeln!(out, "  not timed ({how}): {}", d.untimed_steps.join(", "));
        }
        if !d.ignored_steps.is_empty() {
            let _ = writeln!(
                out,
                "  ignored (not in this scenario): {}",
                d.ignored_steps.join(", ")
            );
        }
    }
    out
}
