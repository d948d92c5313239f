//! Spec of the P90 driver chart: steps and chaos (risks, factors, mobilisation, shifts,
//! hand-offs) ranked together by the time each adds to the P90 RTO.

use crate::duration::{format_span, hours};
use crate::plan::ChaosItem;
use crate::report::{Driver, P90Driver};

use super::dist::clean;

/// How many bars the P90 driver chart shows at most.
pub const TOP_P90_DRIVERS: usize = 12;

/// Longest name a bar's label keeps, in characters; longer names end in an ellipsis.
const NAME_MAX: usize = 28;

/// Below this many seconds a driver is left off: its value label would read "+0 s".
const MIN_SECONDS: f64 = 0.5;

/// One bar of the P90 driver chart.
#[derive(Debug, Clone, PartialEq)]
pub struct P90Bar {
    /// What the bar is for people, such as `"risk corrupt-backup"`.
    pub label: String,
    /// Whether the bar is a step (what automating it would save) rather than chaos (what
    /// removing it would save); the two are drawn in different colours.
    pub step: bool,
    /// Time it adds at P90, in hours (the bar's length).
    pub hours: f64,
    /// The same time as the bar's value label, such as `"+50 m"`.
    pub value: String,
}

impl P90Bar {
    /// Whether the bar is a step rather than chaos.
    pub fn is_step(&self) -> bool {
        self.step
    }
}

/// The P90 driver chart: what adds most time at P90, largest first.
#[derive(Debug, Clone, PartialEq)]
pub struct P90DriversSpec {
    /// Bars, largest first, at most [`TOP_P90_DRIVERS`].
    pub bars: Vec<P90Bar>,
    /// The P90 RTO of the run, in hours.
    pub p90_hours: f64,
}

/// `name` cut to [`NAME_MAX`] characters, ending in an ellipsis when cut.
fn short(name: &str) -> String {
    let name = clean(name);
    if name.chars().count() <= NAME_MAX {
        name
    } else {
        name.chars().take(NAME_MAX - 1).collect::<String>() + "…"
    }
}

/// The label of one driver.
fn label(d: &P90Driver) -> String {
    match &d.driver {
        Driver::Step(id) => format!("step {} (if always fast)", short(id)),
        Driver::Chaos(ChaosItem::Risk(n)) => format!("risk {}", short(n)),
        Driver::Chaos(ChaosItem::Factor(n)) => format!("factor {}", short(n)),
        Driver::Chaos(ChaosItem::Handoff) => "hand-offs between teams".to_string(),
        Driver::Chaos(ChaosItem::Shifts) => "shift rests".to_string(),
        Driver::Chaos(ChaosItem::Mobilisation) => "team mobilisation".to_string(),
        Driver::Chaos(ChaosItem::Hours) => "working hours".to_string(),
    }
}

/// The P90 driver chart from a report's `chaos.p90_drivers` and its P90 RTO in seconds:
/// entries that add time (at least half a second), largest first (ties keep the report's
/// order), at most [`TOP_P90_DRIVERS`].
pub fn p90_drivers(drivers: &[P90Driver], p90_seconds: f64) -> P90DriversSpec {
    let mut drivers: Vec<&P90Driver> = drivers
        .iter()
        .filter(|d| d.p90_seconds.is_finite() && d.p90_seconds >= MIN_SECONDS)
        .collect();
    // Stable sort: ties keep the report's order.
    drivers.sort_by(|a, b| b.p90_seconds.total_cmp(&a.p90_seconds));
    drivers.truncate(TOP_P90_DRIVERS);
    P90DriversSpec {
        bars: drivers
            .into_iter()
            .map(|d| P90Bar {
                label: label(d),
                step: matches!(d.driver, Driver::Step(_)),
                hours: hours(d.p90_seconds),
                value: format!("+{}", format_span(d.p90_seconds)),
            })
            .collect(),
        p90_hours: hours(p90_seconds),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(kind: &'static str, name: &str, p90_seconds: f64) -> P90Driver {
        let driver = match kind {
            "step" => Driver::Step(name.to_string()),
            "risk" => Driver::Chaos(ChaosItem::Risk(name.to_string())),
            "factor" => Driver::Chaos(ChaosItem::Factor(name.to_string())),
            "handoff" => Driver::Chaos(ChaosItem::Handoff),
            "shifts" => Driver::Chaos(ChaosItem::Shifts),
            _ => Driver::Chaos(ChaosItem::Mobilisation),
        };
        P90Driver {
            driver,
            p90_seconds,
            p90_interval_seconds: crate::report::Interval {
                low: p90_seconds,
                high: p90_seconds,
            },
        }
    }

    fn spec_of(drivers: Vec<P90Driver>) -> P90DriversSpec {
        p90_drivers(&drivers, 7_200.0)
    }

    #[test]
    fn largest_first_without_what_adds_nothing() {
        let s = spec_of(vec![
            d("step", "dns", 2_100.0),
            d("risk", "corrupt-backup", 3_000.0),
            d("factor", "slow-day", 0.0),
            d("step", "smoke", -40.0),
            d("handoff", "handoff", 0.2),
            d("shifts", "shifts", 2_100.0),
            d("mobilisation", "mobilisation", f64::NAN),
        ]);
        let labels: Vec<&str> = s.bars.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "risk corrupt-backup",
                "step dns (if always fast)",
                "shift rests"
            ]
        );
        let values: Vec<&str> = s.bars.iter().map(|b| b.value.as_str()).collect();
        assert_eq!(values, ["+50 m", "+35 m", "+35 m"]);
        assert!((s.bars[0].hours - 3_000.0 / 3_600.0).abs() < 1e-12);
        assert!(!s.bars[0].is_step() && s.bars[1].is_step());
        assert_eq!(s.p90_hours, 2.0);
    }

    #[test]
    fn at_most_a_dozen_with_short_labels() {
        let long = "a-step-id-that-goes-on-and-on-and-on";
        let s = spec_of(
            (0..20)
                .map(|i| d("step", long, 60.0 * f64::from(i + 1)))
                .collect(),
        );
        assert_eq!(s.bars.len(), TOP_P90_DRIVERS);
        assert_eq!(s.bars[0].value, "+20 m");
        assert_eq!(s.bars[11].value, "+9 m");
        let name =
            &s.bars[0].label["step ".len()..s.bars[0].label.len() - " (if always fast)".len()];
        assert_eq!(name.chars().count(), NAME_MAX);
        assert!(name.ends_with('…') && long.starts_with(name.trim_end_matches('…')));
    }

    #[test]
    fn no_drivers_no_bars() {
        assert!(spec_of(Vec::new()).bars.is_empty());
    }
}
