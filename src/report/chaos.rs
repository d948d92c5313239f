//! What each piece of chaos costs: per risk, per factor, for mobilisation, shifts and
//! hand-offs, the change in the RTO's P50, P90 and mean when it is removed, measured with
//! common random numbers (the same seed, so every other draw is the same with and without it).

use serde::Serialize;

use crate::duration::format_span;
use crate::plan::{Plan, Scenario};
use crate::sim::{self, Model, Policy, RunConfig, RunResult, Sampler};
use crate::stats::percentile;

/// What removing one thing changes, in seconds (positive: it makes the recovery slower).
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Default)]
pub struct Cost {
    /// Change in the median RTO.
    pub cost_p50_seconds: f64,
    /// Change in the 90th percentile.
    pub cost_p90_seconds: f64,
    /// Change in the mean.
    pub cost_mean_seconds: f64,
}

/// One risk: how often it fired and what it costs.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RiskStats {
    /// The risk's name.
    pub name: String,
    /// Share of trials in which it fired.
    pub fired: f64,
    /// Its cost.
    #[serde(flatten)]
    pub cost: Cost,
    /// Recovery point lost when it fires (the RPO consequence), if the plan names one.
    pub data_loss_seconds: Option<f64>,
}

/// One factor and what it costs.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FactorStats {
    /// The factor's name.
    pub name: String,
    /// Its cost.
    #[serde(flatten)]
    pub cost: Cost,
}

/// The chaos part of a report; empty (and absent from the JSON) for plans without chaos.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct ChaosStats {
    /// Per risk, in plan order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub risks: Vec<RiskStats>,
    /// Per factor, in plan order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub factors: Vec<FactorStats>,
    /// The cost of every team's mobilisation time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobilisation: Option<Cost>,
    /// The cost of shifts (groups that must rest).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shifts: Option<Cost>,
    /// The cost of hand-offs between teams.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handoff: Option<Cost>,
    /// Steps and chaos ranked together by the time they add at P90 (filled by
    /// [`p90_drivers`] for the management report).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub p90_drivers: Vec<P90Driver>,
    /// Risks and factors removed with `--without`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub without: Vec<String>,
}

impl ChaosStats {
    /// Whether there is nothing to report.
    pub fn is_empty(&self) -> bool {
        self.risks.is_empty()
            && self.factors.is_empty()
            && self.mobilisation.is_none()
            && self.shifts.is_none()
            && self.handoff.is_none()
    }
}

/// One entry of the ranking of what adds time at P90.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct P90Driver {
    /// `"step"`, `"risk"`, `"factor"`, `"mobilisation"`, `"shifts"` or `"handoff"`.
    pub kind: &'static str,
    /// The step id or the risk's or factor's name (the kind again for the others).
    pub name: String,
    /// Seconds it adds at P90: for a risk or the like, the P90 saved by removing it; for a
    /// step, the P90 saved if it always took its fast case (the 5th percentile of its
    /// duration) with no failed attempts
    /// (what automating it would save). Measured with common random numbers.
    pub p90_seconds: f64,
}

/// How many steps, the most critical first, [`p90_drivers`] measures (one run each).
pub const DRIVER_STEPS: usize = 8;

/// Ranks the [`DRIVER_STEPS`] most critical steps and every chaos cost already in
/// `report.chaos` together by the time they add at P90, largest first.
pub fn p90_drivers(
    plan: &Plan,
    scenario: &Scenario,
    policy: Policy,
    config: &RunConfig,
    base: &RunResult,
    report: &super::SimReport,
) -> Result<Vec<P90Driver>, rayon::ThreadPoolBuildError> {
    let mut out = Vec::new();
    let mut steps: Vec<&super::StepStats> = report.steps.iter().collect();
    steps.sort_by(|a, b| b.criticality.total_cmp(&a.criticality));
    for st in steps.into_iter().take(DRIVER_STEPS) {
        let Some(i) = plan.steps.iter().position(|s| s.id == st.id) else {
            continue;
        };
        let mut fast = plan.clone();
        // Its fast case: the 5th percentile (a lognormal's minimum, 0, would flatter it).
        fast.steps[i].duration = crate::dist::Dist::Fixed(plan.steps[i].duration.quantile(0.05));
        fast.steps[i].retry = None;
        let cost = cost_of(base, &fast, scenario, policy, config)?;
        out.push(P90Driver {
            kind: "step",
            name: st.id.clone(),
            p90_seconds: cost.cost_p90_seconds,
        });
    }
    let c = &report.chaos;
    for r in &c.risks {
        out.push(P90Driver {
            kind: "risk",
            name: r.name.clone(),
            p90_seconds: r.cost.cost_p90_seconds,
        });
    }
    for f in &c.factors {
        out.push(P90Driver {
            kind: "factor",
            name: f.name.clone(),
            p90_seconds: f.cost.cost_p90_seconds,
        });
    }
    for (kind, cost) in [
        ("mobilisation", c.mobilisation),
        ("shifts", c.shifts),
        ("handoff", c.handoff),
    ] {
        if let Some(cost) = cost {
            out.push(P90Driver {
                kind,
                name: kind.to_string(),
                p90_seconds: cost.cost_p90_seconds,
            });
        }
    }
    out.sort_by(|a, b| b.p90_seconds.total_cmp(&a.p90_seconds));
    Ok(out)
}

/// The ranking as one sentence for managers: the top risk and the top step.
pub fn p90_sentence(drivers: &[P90Driver]) -> Option<String> {
    let chaos = drivers
        .iter()
        .find(|d| d.kind != "step" && d.p90_seconds >= 60.0);
    let step = drivers
        .iter()
        .find(|d| d.kind == "step" && d.p90_seconds >= 60.0);
    let chaos = chaos.map(|d| {
        let what = match d.kind {
            "risk" => format!("the {} risk", d.name),
            "factor" => format!("the {} factor", d.name),
            "handoff" => "waiting for hand-offs between teams".to_string(),
            "shifts" => "resting between shifts".to_string(),
            other => other.to_string(),
        };
        format!("{what} adds {} at P90", format_span(d.p90_seconds))
    });
    let step = step.map(|d| {
        format!(
            "making step “{}” always as fast as its fast case (5th percentile) would save {}",
            d.name,
            format_span(d.p90_seconds)
        )
    });
    match (chaos, step) {
        (Some(c), Some(s)) => Some(format!("Of what can be funded, {c}; {s}.")),
        (Some(c), None) => Some(format!("Of what can be funded, {c}.")),
        (None, Some(s)) => Some(format!("Of what can be funded, {s}.")),
        (None, None) => None,
    }
}

/// P50, P90 and mean of a run's RTO.
fn figures(run: &RunResult) -> [f64; 3] {
    let mut rtos: Vec<f64> = run.outcomes.iter().map(|o| o.rto).collect();
    rtos.sort_unstable_by(f64::total_cmp);
    let mean = rtos.iter().sum::<f64>() / rtos.len().max(1) as f64;
    [percentile(&rtos, 0.5), percentile(&rtos, 0.9), mean]
}

/// The cost of whatever `without` lacks compared with the base run: base figures minus those of
/// `without` run with the same scenario, policy, seed and trials.
pub fn cost_of(
    base: &RunResult,
    without: &Plan,
    scenario: &Scenario,
    policy: Policy,
    config: &RunConfig,
) -> Result<Cost, rayon::ThreadPoolBuildError> {
    let model = Model::compile(without, scenario, policy);
    let run = sim::run(&model, config, &|_| {})?;
    let (b, w) = (figures(base), figures(&run));
    Ok(Cost {
        cost_p50_seconds: b[0] - w[0],
        cost_p90_seconds: b[1] - w[1],
        cost_mean_seconds: b[2] - w[2],
    })
}

/// Every chaos cost of `plan`, each from one extra run without it.
pub fn chaos_costs(
    plan: &Plan,
    scenario: &Scenario,
    policy: Policy,
    config: &RunConfig,
    base: &RunResult,
) -> Result<ChaosStats, rayon::ThreadPoolBuildError> {
    let mut stats = ChaosStats::default();
    for risk in &plan.risks {
        let without = plan.without_risk(&risk.name).expect("the risk exists");
        let stream = sim::chaos::stream_id(
            sim::chaos::TAG_RISK,
            crate::plan::chaos::name_hash(&risk.name),
        );
        let fired = (0..config.trials)
            .filter(|&i| {
                let mut rng = sim::RandomSampler::new(config.seed, i)
                    .stream(stream)
                    .expect("random samplers have streams");
                rand::RngExt::random::<f64>(&mut rng) < risk.p
            })
            .count();
        stats.risks.push(RiskStats {
            name: risk.name.clone(),
            fired: fired as f64 / config.trials.max(1) as f64,
            cost: cost_of(base, &without, scenario, policy, config)?,
            data_loss_seconds: risk.data_loss,
        });
    }
    for factor in &plan.factors {
        let without = plan
            .without_factor(&factor.name)
            .expect("the factor exists");
        stats.factors.push(FactorStats {
            name: factor.name.clone(),
            cost: cost_of(base, &without, scenario, policy, config)?,
        });
    }
    if plan.teams.iter().any(|t| t.mobilise.is_some()) {
        let without = plan.without_mobilisation();
        stats.mobilisation = Some(cost_of(base, &without, scenario, policy, config)?);
    }
    if plan.teams.iter().any(|t| t.shift.is_some()) {
        let without = plan.without_shifts();
        stats.shifts = Some(cost_of(base, &without, scenario, policy, config)?);
    }
    if plan.handoff.is_some() {
        let without = plan.without_handoff();
        stats.handoff = Some(cost_of(base, &without, scenario, policy, config)?);
    }
    Ok(stats)
}

/// The chaos section of the text report, or nothing for plans without chaos.
pub fn render_chaos_text(stats: &ChaosStats) -> String {
    let mut out = String::new();
    if !stats.without.is_empty() {
        out += &format!("Without: {}\n", stats.without.join(", "));
    }
    if stats.is_empty() {
        return out;
    }
    out += "\nChaos: what each costs (RTO change when removed, same random draws)\n";
    out += &format!(
        "  {:<28} {:>6} {:>12} {:>12} {:>10}\n",
        "", "fired", "at P50", "at P90", "data loss"
    );
    let line = |name: &str, fired: Option<f64>, c: &Cost, loss: Option<f64>| {
        format!(
            "  {:<28} {:>6} {:>12} {:>12} {:>10}\n",
            name,
            fired.map_or(String::new(), |f| format!("{:.0}%", f * 100.0)),
            signed(c.cost_p50_seconds),
            signed(c.cost_p90_seconds),
            loss.map_or(String::new(), format_span),
        )
    };
    for r in &stats.risks {
        out += &line(
            &format!("risk {}", r.name),
            Some(r.fired),
            &r.cost,
            r.data_loss_seconds,
        );
    }
    for f in &stats.factors {
        out += &line(&format!("factor {}", f.name), None, &f.cost, None);
    }
    for (name, cost) in [
        ("mobilisation", &stats.mobilisation),
        ("shifts", &stats.shifts),
        ("hand-offs", &stats.handoff),
    ] {
        if let Some(c) = cost {
            out += &line(name, None, c, None);
        }
    }
    out
}

fn signed(seconds: f64) -> String {
    if seconds.abs() < 0.5 {
        "0".to_string()
    } else if seconds < 0.0 {
        format!("-{}", format_span(-seconds))
    } else {
        format!("+{}", format_span(seconds))
    }
}
