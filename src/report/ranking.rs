//! What drives the RTO: one ranking of the steps, used by every output that lists or names
//! them (`simulate`'s table, the report's step table, its tornado chart and its summary
//! sentence).
//!
//! Where it is measured (the report's P90 drivers), the time a step's fast case saves at P90
//! leads: steps that save at least [`MATERIAL_SECONDS`] come first, the largest saving first.
//! The rest follow by cruciality (how strongly the step's duration moves the RTO, as a rank
//! correlation, whatever its sign), then criticality (how often it is on the critical chain),
//! then plan order. Criticality alone would put first the steps every recovery waits for
//! however short they are.

use super::{Driver, SimReport, StepStats};

/// Below this saving at P90, a measured step does not lead the ranking.
pub const MATERIAL_SECONDS: f64 = 60.0;

/// The P90 a step's fast case saves, where the report measured it.
pub fn p90_saving(r: &SimReport, id: &str) -> Option<f64> {
    r.chaos
        .p90_drivers
        .iter()
        .find(|d| matches!(&d.driver, Driver::Step(s) if s == id))
        .map(|d| d.p90_seconds)
        .filter(|s| s.is_finite())
}

/// The steps of `r`, what drives the RTO most first.
pub fn ranked_steps(r: &SimReport) -> Vec<&StepStats> {
    let key = |s: &StepStats| {
        let saving = p90_saving(r, &s.id).filter(|&v| v >= MATERIAL_SECONDS);
        let cruciality = if s.cruciality.is_finite() {
            s.cruciality.abs()
        } else {
            0.0
        };
        (saving.unwrap_or(0.0), cruciality, s.criticality)
    };
    let mut keyed: Vec<_> = r.steps.iter().map(|s| (key(s), s)).collect();
    // Stable: ties keep plan order.
    keyed.sort_by(|(a, _), (b, _)| {
        b.0.total_cmp(&a.0)
            .then(b.1.total_cmp(&a.1))
            .then(b.2.total_cmp(&a.2))
    });
    keyed.into_iter().map(|(_, s)| s).collect()
}
