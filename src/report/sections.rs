//! The tables of the management report as plain cells, shared by the HTML and Markdown
//! renderers so the two formats cannot drift apart.

use super::narrative::percent;
use super::summary::SimReport;
use crate::duration::format_span as span;

/// A table: header cells, which columns hold numbers (aligned right), and rows of text.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Column headers.
    pub header: Vec<&'static str>,
    /// Whether each column holds numbers.
    pub numeric: Vec<bool>,
    /// Rows of cells, as many as headers.
    pub rows: Vec<Vec<String>>,
}

fn pct1(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

/// The line under the title: scenario, trials, seed and version (not escaped).
pub fn byline(r: &SimReport) -> String {
    format!(
        "Recovery forecast · scenario {} · {} trials · seed {} · rtosim {}",
        r.run.scenario,
        super::narrative::thousands(r.run.trials),
        r.run.seed,
        r.run.version
    )
}

/// The inputs that reproduce a report, as (name, value) pairs.
pub fn inputs(m: &super::management::ManagementReport) -> [(&'static str, String); 7] {
    let r = &m.summary;
    let scenario = match &m.inputs.scenario_description {
        Some(d) => format!("{} ({d})", r.run.scenario),
        None => r.run.scenario.clone(),
    };
    [
        ("plan", r.run.plan.clone()),
        ("plan file", m.inputs.plan_file.clone()),
        ("scenario", scenario),
        ("policy", r.run.policy.name().to_string()),
        ("trials", r.run.trials.to_string()),
        ("seed", r.run.seed.to_string()),
        ("rtosim", r.run.version.to_string()),
    ]
}

/// The key figures: percentiles with their intervals, the single-number plan, the objective.
pub fn key_figures(r: &SimReport) -> Table {
    let s = &r.rto_seconds;
    let iv = &r.rto_interval_seconds;
    let between = |a: f64, b: f64| format!("{} to {}", span(a), span(b));
    let mut rows = vec![
        vec![
            "P50 (median)".into(),
            span(s.p50),
            between(iv.p50.low, iv.p50.high),
        ],
        vec!["P80".into(), span(s.p80), between(iv.p80.low, iv.p80.high)],
        vec!["P90".into(), span(s.p90), between(iv.p90.low, iv.p90.high)],
        vec!["P95".into(), span(s.p95), between(iv.p95.low, iv.p95.high)],
        vec!["P99".into(), span(s.p99), between(iv.p99.low, iv.p99.high)],
        vec!["mean".into(), span(s.mean), String::new()],
        vec![
            "fastest / slowest trial".into(),
            format!("{} / {}", span(s.min), span(s.max)),
            String::new(),
        ],
        vec![
            "on average durations, no failures".into(),
            span(r.deterministic_rto_seconds),
            String::new(),
        ],
        vec![
            "longest dependency chain (mean durations, no waiting)".into(),
            span(r.critical_path_seconds),
            format!("{} steps", r.critical_path.len()),
        ],
    ];
    if let Some(t) = &r.target {
        rows.push(vec![
            format!("chance of meeting the {} objective", span(t.rto_seconds)),
            percent(t.probability_met),
            format!(
                "{} to {}",
                pct1(t.probability_interval.low),
                pct1(t.probability_interval.high)
            ),
        ]);
    }
    if r.mean_failures > 0.0 {
        rows.push(vec![
            "failed attempts re-run per recovery".into(),
            format!("{:.2}", r.mean_failures),
            String::new(),
        ]);
    }
    Table {
        header: vec!["", "time", "95% interval"],
        numeric: vec![false, true, false],
        rows,
    }
}

/// Every step the scenario needs, in the one ranking of what drives the RTO
/// ([`super::ranking`]).
pub fn steps(r: &SimReport) -> Table {
    let rows = super::ranking::ranked_steps(r)
        .into_iter()
        .map(|s| {
            vec![
                s.id.clone(),
                if s.label == s.id {
                    String::new()
                } else {
                    s.label.clone()
                },
                s.system.clone(),
                s.team.clone().unwrap_or_else(|| "-".into()),
                pct1(s.criticality),
                if s.cruciality.is_finite() {
                    super::signed_coefficient(s.cruciality)
                } else {
                    "-".into()
                },
                span(s.finish_seconds.p50),
                span(s.finish_seconds.p90),
            ]
        })
        .collect();
    Table {
        header: vec![
            "step",
            "name",
            "system",
            "team",
            "criticality",
            "cruciality",
            "done by (P50)",
            "done by (P90)",
        ],
        numeric: vec![false, false, false, false, true, true, true, true],
        rows,
    }
}

/// Teams: how busy, and how long their ready work waited.
pub fn teams(r: &SimReport) -> Option<Table> {
    (!r.teams.is_empty()).then(|| Table {
        header: vec![
            "team",
            "groups × people",
            "steps",
            "busy",
            "wait per step",
            "wait per recovery",
        ],
        numeric: vec![false, true, true, true, true, true],
        rows: r
            .teams
            .iter()
            .map(|t| {
                vec![
                    t.name.clone(),
                    format!("{} × {}", t.groups, t.size),
                    t.steps.to_string(),
                    pct1(t.utilisation),
                    span(t.mean_wait_seconds),
                    span(t.wait_per_trial_seconds),
                ]
            })
            .collect(),
    })
}

/// Limits: how much of each was in use, and the waiting it caused.
pub fn limits(r: &SimReport) -> Option<Table> {
    (!r.limits.is_empty()).then(|| Table {
        header: vec!["limit", "capacity", "in use", "wait per recovery"],
        numeric: vec![false, true, true, true],
        rows: r
            .limits
            .iter()
            .map(|l| {
                vec![
                    l.name.clone(),
                    l.capacity.to_string(),
                    pct1(l.utilisation),
                    span(l.wait_per_trial_seconds),
                ]
            })
            .collect(),
    })
}

/// Risks: how often each fired, what it costs at P50 and P90 (with the half-width of the 95%
/// interval, same draws) and the data it loses; `None` for a plan without risks or without
/// measured costs.
pub fn risks(r: &SimReport) -> Option<Table> {
    (!r.chaos.risks.is_empty()).then(|| Table {
        header: vec!["risk", "fired", "adds at P50", "adds at P90", "data loss"],
        numeric: vec![false, true, true, true, true],
        rows: r
            .chaos
            .risks
            .iter()
            .map(|k| {
                let c = &k.cost;
                vec![
                    k.name.clone(),
                    pct1(k.fired),
                    super::with_interval(c.cost_p50_seconds, c.cost_p50_interval_seconds),
                    super::with_interval(c.cost_p90_seconds, c.cost_p90_interval_seconds),
                    k.data_loss_seconds.map_or_else(|| "none".to_string(), span),
                ]
            })
            .collect(),
    })
}

/// The section's sentence under the risk table: the recovery point consequence, or none.
pub fn recovery_point(r: &SimReport) -> Option<String> {
    r.chaos
        .recovery_point
        .as_ref()
        .map(super::RecoveryPoint::sentence)
}

/// A saving with its 95% interval, such as `3 h 25 m (2 h 50 m to 4 h 01 m)`, or the time
/// alone when the interval has no width.
fn saving_cell(e: &crate::stats::Estimate) -> String {
    let signed = super::chaos::signed;
    if (e.high - e.low).abs() < 0.5 {
        signed(e.value)
    } else {
        format!(
            "{} ({} to {})",
            signed(e.value),
            signed(e.low),
            signed(e.high)
        )
    }
}

/// Staffing: what one more group of each team the scenario uses saves at P50 and P90 and
/// what it does to the chance of meeting the objective, measured on the same recoveries;
/// `None` when the savings were not measured.
pub fn staffing(r: &SimReport) -> Option<Table> {
    let measured: Vec<(&super::TeamStats, &crate::stats::paired::Saving)> = r
        .teams
        .iter()
        .filter_map(|t| t.one_more_group.as_ref().map(|s| (t, s)))
        .collect();
    if measured.is_empty() {
        return None;
    }
    let with_target = measured
        .iter()
        .any(|(_, s)| s.probability_met_change.is_some());
    let mut header = vec!["team", "groups", "one more saves at P50", "at P90"];
    let mut numeric = vec![false, true, true, true];
    if with_target {
        header.push("chance of meeting the objective");
        numeric.push(true);
    }
    header.push("verdict");
    numeric.push(false);
    let rows = measured
        .iter()
        .map(|(t, s)| {
            let mut row = vec![
                t.name.clone(),
                format!("{} → {}", t.groups, t.groups + 1),
                saving_cell(&s.p50_seconds),
                saving_cell(&s.p90_seconds),
            ];
            if with_target {
                row.push(s.probability_met_change.map_or_else(
                    || "-".to_string(),
                    |m| {
                        // Percentage points to one decimal, never "-0.0"; the interval only
                        // when it shows at that precision.
                        let pp = |x: f64| {
                            let r = (1000.0 * x).round() / 10.0;
                            format!("{:+.1} pp", if r == 0.0 { 0.0 } else { r })
                        };
                        if pp(m.low) == pp(m.high) {
                            pp(m.value)
                        } else {
                            format!("{} ({} to {})", pp(m.value), pp(m.low), pp(m.high))
                        }
                    },
                ));
            }
            row.push(
                if s.material {
                    "saves a material time"
                } else if s.negligible {
                    "more people no longer help"
                } else {
                    "too close to call"
                }
                .to_string(),
            );
            row
        })
        .collect();
    Some(Table {
        header,
        numeric,
        rows,
    })
}

/// The sentence under the staffing table: how it was measured and what counts as material.
pub fn staffing_note(r: &SimReport) -> Option<String> {
    let savings: Vec<_> = r
        .teams
        .iter()
        .filter_map(|t| t.one_more_group.as_ref())
        .collect();
    let threshold = savings
        .iter()
        .map(|s| s.negligible_seconds)
        .reduce(f64::max)?;
    let fewest = savings.iter().map(|s| s.trials).min()?;
    let most = savings.iter().map(|s| s.trials).max()?;
    let thousands = super::narrative::thousands;
    let on = if fewest == most {
        format!("the first {} of them", thousands(most))
    } else {
        format!(
            "the first {} to {} of them, more where a close call needed more",
            thousands(fewest),
            thousands(most)
        )
    };
    Some(format!(
        "Each team was run again with one more group on the same simulated recoveries ({on}); the intervals are 95% intervals of the paired differences. A saving whose whole interval lies within ±{} does not matter: more people no longer help.",
        span(threshold)
    ))
}

/// When the disaster strikes: the RTO by part of the week when each recovery draws its start;
/// `None` when the plan gives no `starts` distribution.
pub fn starts(r: &SimReport) -> Option<(String, Option<Table>)> {
    let s = r.starts.as_ref()?;
    let sentence = format!("The disaster strikes {}.", s.when);
    if s.bands.is_empty() {
        return Some((sentence, None));
    }
    let with_target = s.bands.iter().any(|b| b.meets_target.is_some());
    let mut header = vec!["when it strikes", "recoveries", "P50", "P90"];
    let mut numeric = vec![false, true, true, true];
    if with_target {
        header.push("meets objective");
        numeric.push(true);
    }
    let interval = |e: crate::stats::Estimate| {
        format!("{} ({} to {})", span(e.value), span(e.low), span(e.high))
    };
    let rows = s
        .bands
        .iter()
        .map(|b| {
            let mut row = vec![
                b.label.to_string(),
                b.trials.to_string(),
                interval(b.p50_seconds),
                interval(b.p90_seconds),
            ];
            if let Some(m) = b.meets_target {
                row.push(format!(
                    "{} ({} to {})",
                    pct1(m.value),
                    pct1(m.low),
                    pct1(m.high)
                ));
            }
            row
        })
        .collect();
    Some((
        sentence,
        Some(Table {
            header,
            numeric,
            rows,
        }),
    ))
}

/// The staffing options of a grid run with the report: a sentence naming the cheapest option
/// that meets the objective (or saying none does), and every option's figures.
pub fn staffing_options(s: &crate::staff::StaffReport) -> (String, Table) {
    let label = |o: &crate::staff::OptionReport| crate::staff::option_label(o, &s.swept);
    let sentence = match (s.recommended_option(), s.target_seconds) {
        (Some(o), Some(t)) => format!(
            "The cheapest option that meets the {} objective in at least {} of recoveries is {} ({} people): P90 {}, met in {}.",
            span(t),
            percent(s.confidence),
            label(o),
            o.headcount,
            span(o.rto_seconds.p90),
            o.probability_met.map_or_else(|| "-".to_string(), percent)
        ),
        (None, Some(t)) => format!(
            "No option tried meets the {} objective in at least {} of recoveries.",
            span(t),
            percent(s.confidence)
        ),
        (Some(o), None) => format!(
            "The plan sets no objective: the cheapest option within the noise of the best P90 is {} ({} people), P90 {}.",
            label(o),
            o.headcount,
            span(o.rto_seconds.p90)
        ),
        (None, None) => "No option could be recommended.".to_string(),
    };
    let with_target = s.target_seconds.is_some();
    let mut header = vec!["option", "people", "P50", "P90"];
    let mut numeric = vec![false, true, true, true];
    if with_target {
        header.push("meets objective");
        numeric.push(true);
    }
    header.push("note");
    numeric.push(false);
    let rows = s
        .options
        .iter()
        .map(|o| {
            let mut row = vec![
                label(o),
                o.headcount.to_string(),
                span(o.rto_seconds.p50),
                span(o.rto_seconds.p90),
            ];
            if with_target {
                row.push(o.probability_met.map_or_else(|| "-".to_string(), pct1));
            }
            let mut notes = Vec::new();
            if o.recommended {
                notes.push("recommended");
            }
            if o.as_planned {
                notes.push("as planned");
            }
            if o.no_gain {
                notes.push("more people no longer help");
            }
            row.push(notes.join(", "));
            row
        })
        .collect();
    (
        sentence,
        Table {
            header,
            numeric,
            rows,
        },
    )
}
