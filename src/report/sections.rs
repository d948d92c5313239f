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
        r.scenario,
        super::narrative::thousands(r.trials),
        r.seed,
        r.version
    )
}

/// The inputs that reproduce a report, as (name, value) pairs.
pub fn inputs(m: &super::management::ManagementReport) -> [(&'static str, String); 7] {
    let r = &m.summary;
    let scenario = match &m.inputs.scenario_description {
        Some(d) => format!("{} ({d})", r.scenario),
        None => r.scenario.clone(),
    };
    [
        ("plan", r.plan.clone()),
        ("plan file", m.inputs.plan_file.clone()),
        ("scenario", scenario),
        ("policy", r.policy.name().to_string()),
        ("trials", r.trials.to_string()),
        ("seed", r.seed.to_string()),
        ("rtosim", r.version.to_string()),
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
