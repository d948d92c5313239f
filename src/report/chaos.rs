//! What each piece of chaos costs, as the report shows it: per risk, per factor, for
//! mobilisation, shifts and hand-offs, the change in the RTO's P50, P90 and mean when it is
//! removed, each with its 95% interval from the paired (same draws) differences. The figures
//! are measured in [`crate::analysis`]; this module only holds and renders them.

use serde::Serialize;

use super::summary::Interval;
use crate::duration::format_span;
use crate::plan::ChaosItem;

/// What removing one thing changes, in seconds (positive: it makes the recovery slower), with
/// 95% intervals from the trial-by-trial differences of the two runs on the same draws.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Default)]
pub struct Cost {
    /// Change in the median RTO.
    pub cost_p50_seconds: f64,
    /// Change in the 90th percentile.
    pub cost_p90_seconds: f64,
    /// Change in the mean.
    pub cost_mean_seconds: f64,
    /// 95% interval of the change in the median.
    pub cost_p50_interval_seconds: Interval,
    /// 95% interval of the change in the 90th percentile.
    pub cost_p90_interval_seconds: Interval,
    /// 95% interval of the change in the mean.
    pub cost_mean_interval_seconds: Interval,
    /// Trials the two runs were compared on (the first of the base run's; fewer than the
    /// base run's only where the P90 interval is still within 2 minutes or 2% of P90).
    pub trials: u64,
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
    /// The cost of working hours (groups not reached out of hours).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours: Option<Cost>,
    /// Steps and chaos ranked together by the time they add at P90 (filled by
    /// [`p90_drivers`] for the management report).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub p90_drivers: Vec<P90Driver>,
    /// The recovery point consequence, when a risk names a `data-loss`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovery_point: Option<RecoveryPoint>,
    /// Risks and factors removed with `--without`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub without: Vec<String>,
}

impl ChaosStats {
    /// Every item with its cost, in report order (risks, factors, mobilisation, shifts,
    /// hand-offs).
    pub fn costs(&self) -> Vec<(ChaosItem, &Cost)> {
        let mut out: Vec<(ChaosItem, &Cost)> = self
            .risks
            .iter()
            .map(|r| (ChaosItem::Risk(r.name.clone()), &r.cost))
            .chain(
                self.factors
                    .iter()
                    .map(|f| (ChaosItem::Factor(f.name.clone()), &f.cost)),
            )
            .collect();
        for (item, cost) in [
            (ChaosItem::Mobilisation, &self.mobilisation),
            (ChaosItem::Shifts, &self.shifts),
            (ChaosItem::Handoff, &self.handoff),
            (ChaosItem::Hours, &self.hours),
        ] {
            if let Some(c) = cost {
                out.push((item, c));
            }
        }
        out
    }

    /// Whether there is nothing to report.
    pub fn is_empty(&self) -> bool {
        self.risks.is_empty()
            && self.factors.is_empty()
            && self.mobilisation.is_none()
            && self.shifts.is_none()
            && self.handoff.is_none()
            && self.hours.is_none()
    }
}

/// How much data a recovery loses: the largest `data-loss` of the risks that fired in it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RecoveryPoint {
    /// Share of recoveries that lose any data, with its 95% (Wilson) interval.
    pub any_loss: f64,
    /// 95% interval of `any_loss`.
    pub any_loss_interval: Interval,
    /// The data loss that 90% of recoveries stay within, in seconds (0: nine in ten lose none).
    pub p90_seconds: f64,
    /// The risks whose data loss is that figure (those that set it), in plan order.
    pub p90_set_by: Vec<String>,
    /// The worst data loss any recovery had, in seconds.
    pub max_seconds: f64,
}

impl RecoveryPoint {
    /// The figure as a sentence for managers.
    pub fn sentence(&self) -> String {
        let share = format!("{:.0}%", 100.0 * self.any_loss);
        if self.p90_seconds <= 0.0 {
            format!(
                "Recovery point: {share} of recoveries lose data (at most {}); nine in ten lose none.",
                format_span(self.max_seconds)
            )
        } else {
            format!(
                "Recovery point: {share} of recoveries lose data; nine in ten lose at most {}, set by {}.",
                format_span(self.p90_seconds),
                self.p90_set_by
                    .iter()
                    .map(|r| format!("the {r} risk"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            )
        }
    }
}

/// What a P90 driver is: a step (what its fast case would save) or a piece of chaos (what
/// removing it would save).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Driver {
    /// A step, by id.
    Step(String),
    /// A risk, factor, mobilisation, shifts, hand-offs or working hours.
    Chaos(ChaosItem),
}

impl Driver {
    /// `"step"`, or the chaos item's kind: what JSON calls it.
    pub fn kind(&self) -> &'static str {
        match self {
            Driver::Step(_) => "step",
            Driver::Chaos(item) => item.kind(),
        }
    }

    /// The step id or the risk's or factor's name (the kind again for the others).
    pub fn name(&self) -> &str {
        match self {
            Driver::Step(id) => id,
            Driver::Chaos(item) => item.name(),
        }
    }
}

/// One entry of the ranking of what adds time at P90. In JSON: `kind` (`"step"`, `"risk"`,
/// `"factor"`, `"mobilisation"`, `"shifts"`, `"handoff"` or `"hours"`), `name` (the step id or
/// the risk's or factor's name, the kind again for the others) and the figures.
#[derive(Debug, Clone, PartialEq)]
pub struct P90Driver {
    /// What it is.
    pub driver: Driver,
    /// Seconds it adds at P90: for a risk or the like, the P90 saved by removing it; for a
    /// step, the P90 saved if it always took its fast case (the 5th percentile of its
    /// duration) with no failed attempts
    /// (what automating it would save). Measured with common random numbers.
    pub p90_seconds: f64,
    /// 95% interval of `p90_seconds`, from the paired differences.
    pub p90_interval_seconds: Interval,
}

impl Serialize for P90Driver {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("P90Driver", 4)?;
        s.serialize_field("kind", self.driver.kind())?;
        s.serialize_field("name", self.driver.name())?;
        s.serialize_field("p90_seconds", &self.p90_seconds)?;
        s.serialize_field("p90_interval_seconds", &self.p90_interval_seconds)?;
        s.end()
    }
}

/// How many steps, the most critical first, the P90 drivers measure (one what-if run each).
pub const DRIVER_STEPS: usize = 8;

/// The ranking as one sentence for managers: the top risk and the top step.
pub fn p90_sentence(drivers: &[P90Driver]) -> Option<String> {
    let material = |d: &&P90Driver| d.p90_seconds >= 60.0;
    let chaos = drivers
        .iter()
        .filter(material)
        .find_map(|d| match &d.driver {
            Driver::Chaos(item) => Some(format!(
                "{} adds {} at P90",
                item.phrase(),
                format_span(d.p90_seconds)
            )),
            Driver::Step(_) => None,
        });
    let step = drivers
        .iter()
        .filter(material)
        .find_map(|d| match &d.driver {
            Driver::Step(id) => Some(format!(
                "making step “{id}” always as fast as its fast case (5th percentile) would save {}",
                format_span(d.p90_seconds)
            )),
            Driver::Chaos(_) => None,
        });
    match (chaos, step) {
        (Some(c), Some(s)) => Some(format!("Of what can be funded, {c}; {s}.")),
        (Some(c), None) => Some(format!("Of what can be funded, {c}.")),
        (None, Some(s)) => Some(format!("Of what can be funded, {s}.")),
        (None, None) => None,
    }
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
    out += "\nChaos: what each costs (RTO change when removed, same random draws, with the 95% interval)\n";
    out += &format!(
        "  {:<28} {:>6} {:>20} {:>20} {:>10}\n",
        "", "fired", "at P50", "at P90", "data loss"
    );
    let line = |name: &str, fired: Option<f64>, c: &Cost, loss: Option<f64>| {
        format!(
            "  {:<28} {:>6} {:>20} {:>20} {:>10}\n",
            name,
            fired.map_or(String::new(), |f| format!("{:.0}%", f * 100.0)),
            with_interval(c.cost_p50_seconds, c.cost_p50_interval_seconds),
            with_interval(c.cost_p90_seconds, c.cost_p90_interval_seconds),
            loss.map_or(String::new(), format_span),
        )
    };
    for (item, cost) in stats.costs() {
        let risk = match &item {
            ChaosItem::Risk(name) => stats.risks.iter().find(|r| &r.name == name),
            _ => None,
        };
        out += &line(
            &item.label(),
            risk.map(|r| r.fired),
            cost,
            risk.and_then(|r| r.data_loss_seconds),
        );
    }
    if let Some(rp) = &stats.recovery_point {
        out += &format!("\n{}\n", rp.sentence());
    }
    out
}

/// A change with the half-width of its interval: `+50 m ± 9 m`.
pub fn with_interval(value: f64, interval: Interval) -> String {
    let half = ((interval.high - interval.low) / 2.0).max(0.0);
    if half < 0.5 {
        signed(value)
    } else {
        format!("{} ± {}", signed(value), format_span(half))
    }
}

/// A change in time with its sign, `0` when under half a second.
pub fn signed(seconds: f64) -> String {
    if seconds.abs() < 0.5 {
        "0".to_string()
    } else if seconds < 0.0 {
        format!("-{}", format_span(-seconds))
    } else {
        format!("+{}", format_span(seconds))
    }
}
