//! The "Recorded timings" section of `check`: per step, its observations, the model chosen from
//! them with its parameters and fit quality, and warnings where the evidence is thin.

use std::fmt::Write as _;

use super::table::{Align, render};
use crate::dist::Dist;
use crate::duration::format_span_compact as span;
use crate::fit::{MIN_OBSERVATIONS_FOR_FIT, ModelKind};
use crate::plan::Plan;

/// The 5 % critical value of the Kolmogorov-Smirnov statistic is about `1.36 / sqrt(n)`
/// (asymptotic; conservative when parameters were fitted, so a fit flagged here is poor).
const KS_5_PERCENT: f64 = 1.36;

/// The parameters of a distribution as people read them.
pub fn parameters(dist: &Dist) -> String {
    match dist {
        Dist::LogNormal { mu, sigma } => format!(
            "mu {mu:.3}, sigma {sigma:.3} (p50 {}, p90 {})",
            span(dist.quantile(0.5)),
            span(dist.quantile(0.9))
        ),
        Dist::Gamma { shape, scale } => format!(
            "shape {shape:.3}, scale {} (p50 {}, p90 {})",
            span(*scale),
            span(dist.quantile(0.5)),
            span(dist.quantile(0.9))
        ),
        Dist::Weibull { shape, scale } => format!(
            "shape {shape:.3}, scale {} (p50 {}, p90 {})",
            span(*scale),
            span(dist.quantile(0.5)),
            span(dist.quantile(0.9))
        ),
        Dist::LogStudentT { df, .. } => format!(
            "p50 {}, p90 {}, {df} df",
            span(dist.quantile(0.5)),
            span(dist.quantile(0.9))
        ),
        Dist::Empirical { samples } => format!(
            "{} values, {} to {}",
            samples.len(),
            span(samples[0]),
            span(samples[samples.len() - 1])
        ),
        other => other.describe(),
    }
}

/// Step ids named in the one-line summary of steps without observations.
const ESTIMATED_NAMED: usize = 5;

/// One line for the steps with no recorded timings: how many, and the first few ids.
fn estimated_summary(ids: &[&str]) -> Option<String> {
    let (first, rest) = ids.split_at(ids.len().min(ESTIMATED_NAMED));
    let named = match (first, rest.len()) {
        ([], _) => return None,
        ([one], _) => {
            return Some(format!(
                "{one}: no recorded timings; its duration is an estimate"
            ));
        }
        (first, 0) => first.join(", "),
        (first, more) => format!("{} and {more} more", first.join(", ")),
    };
    Some(format!(
        "{} steps have no recorded timings, so their durations are estimates: {named}",
        ids.len()
    ))
}

/// Renders the section, or nothing when the plan lists no timings and no step is recorded.
pub fn render_recorded(plan: &Plan) -> String {
    if plan.timings.is_empty() && plan.steps.iter().all(|s| s.recorded.is_none()) {
        return String::new();
    }
    let mut rows = Vec::new();
    let mut warnings = Vec::new();
    // Steps without observations are summarised in one warning, not one each.
    let mut estimated: Vec<&str> = Vec::new();
    for step in &plan.steps {
        let Some(r) = &step.recorded else {
            rows.push(vec![
                step.id.clone(),
                "0".into(),
                "-".into(),
                "-".into(),
                "estimate".into(),
                step.duration.describe(),
                "-".into(),
                "-".into(),
            ]);
            estimated.push(&step.id);
            continue;
        };
        let ok = r.durations.len();
        let retry = match (step.retry, r.retry_from_failures) {
            (Some(rt), true) => format!("p {:.2}, max {} (from failures)", rt.p, rt.max),
            (Some(rt), false) => format!("p {:.2}, max {}", rt.p, rt.max),
            (None, _) => "-".into(),
        };
        let (model, params, ks) = match &r.model {
            Some(m) => {
                let ks = m.ks.map_or("-".to_string(), |k| format!("{k:.3}"));
                if let Some(k) = m.ks {
                    let critical = KS_5_PERCENT / (ok as f64).sqrt();
                    if k > critical {
                        warnings.push(format!(
                            "{}: the {} fit is poor (KS {k:.3} above {critical:.3}, the 5 % critical value); consider model = \"empirical\"",
                            step.id,
                            m.kind.name()
                        ));
                    }
                }
                (m.kind.name().to_string(), parameters(&m.dist), ks)
            }
            None => (
                "given".to_string(),
                format!("{} (observations not used)", step.duration.describe()),
                "-".to_string(),
            ),
        };
        if ok <= 2 {
            warnings.push(format!(
                "{}: only {ok} successful observation{}; {}",
                step.id,
                if ok == 1 { "" } else { "s" },
                if r.model.is_some() {
                    "the spread is mostly the prior's, so time it in the next drills"
                } else {
                    "too few to check the given duration against"
                }
            ));
        } else if ok >= MIN_OBSERVATIONS_FOR_FIT
            && r.model
                .as_ref()
                .is_some_and(|m| m.kind == ModelKind::Predictive)
        {
            warnings.push(format!(
                "{}: all {ok} observations are equal, so no family can be fitted; the posterior predictive carries the uncertainty",
                step.id
            ));
        }
        rows.push(vec![
            step.id.clone(),
            r.attempts.to_string(),
            r.failures.to_string(),
            r.drills.to_string(),
            model,
            params,
            ks,
            retry,
        ]);
    }
    if let Some(summary) = estimated_summary(&estimated) {
        warnings.insert(0, summary);
    }
    use Align::{Left, Right};
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\nRecorded timings ({} steps modelled from observations):",
        plan.steps
            .iter()
            .filter(|s| s.recorded.as_ref().is_some_and(|r| r.model.is_some()))
            .count()
    );
    out.push_str(&render(
        &[
            "step",
            "obs",
            "failed",
            "drills",
            "model",
            "parameters",
            "KS",
            "retry",
        ],
        &[Left, Right, Right, Right, Left, Left, Right, Left],
        &rows,
        2,
    ));
    if !warnings.is_empty() {
        out.push_str("Thin evidence:\n");
        for w in warnings {
            let _ = writeln!(out, "  warning: {w}");
        }
    }
    out
}
