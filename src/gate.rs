//! CI gates: `--fail-above p90=24h` turns a figure of the RTO distribution into a pass or fail,
//! so a pipeline can fail when a change to the plan makes the recovery too slow.
//!
//! A gate names a figure (any percentile `pNN` with 0 < NN < 100, decimals allowed, or `mean`
//! or `max`) and a threshold; it fails when the simulated figure is strictly above the
//! threshold. Pure: parsing and evaluation only; the binary prints and sets the exit code.

use std::fmt;
use std::str::FromStr;

use crate::duration::{format_span, parse_span};
use crate::stats::{Estimate, percentile_ci};

/// The figure a gate checks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Figure {
    /// A percentile, as a share in (0, 1).
    Percentile(f64),
    /// The mean RTO.
    Mean,
    /// The slowest trial.
    Max,
}

/// One gate: a figure and the threshold it must not exceed.
#[derive(Debug, Clone, PartialEq)]
pub struct Gate {
    /// What the figure is of: a milestone, `tierN` or `all` (`NAME:p90=4h`); `None` for the
    /// whole recovery.
    pub of: Option<String>,
    /// What is checked.
    pub figure: Figure,
    /// The figure's name as written, lowercased (such as `p90`).
    pub name: String,
    /// Threshold in seconds.
    pub threshold: f64,
}

/// Why a gate could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (hint: {hint})")]
pub struct GateError {
    /// What is wrong.
    pub message: String,
    /// How to write a gate.
    pub hint: &'static str,
}

const HINT: &str = "write FIGURE=TIME, such as p90=24h, p99.5=2d or mean=12h30m, or MILESTONE:FIGURE=TIME such as customers-can-order:p90=4h (tier1:p90=4h for the last of tier 1, all:p90=1d for every milestone); FIGURE is pNN with 0 < NN < 100, mean or max";

fn bad(message: String) -> GateError {
    GateError {
        message,
        hint: HINT,
    }
}

/// Splits `NAME:FIGURE` into what the figure is of (a milestone, `tierN` or `all`) and the
/// figure; `FIGURE` alone is of the whole recovery. The error, when nothing comes before ':',
/// is a fragment to follow the text quoted. The one naming of gates and of
/// `optimise --objective`.
pub fn split_of(text: &str) -> Result<(Option<&str>, &str), &'static str> {
    match text.split_once(':') {
        Some((of, figure)) if !of.trim().is_empty() => Ok((Some(of.trim()), figure.trim())),
        Some(_) => Err("names no milestone before ':'"),
        None => Ok((None, text.trim())),
    }
}

/// Parses a figure's name, lowercased: `pNN` with 0 < NN < 100 (decimals allowed), `mean` or
/// `max`. The error says what is wrong with it, without a hint.
pub fn parse_figure(name: &str) -> Result<Figure, String> {
    match name {
        "mean" => Ok(Figure::Mean),
        "max" => Ok(Figure::Max),
        _ => {
            let digits = name
                .strip_prefix('p')
                .filter(|d| {
                    !d.is_empty()
                        && d.chars().all(|c| c.is_ascii_digit() || c == '.')
                        && d.matches('.').count() <= 1
                })
                .ok_or_else(|| format!("unknown figure \"{name}\""))?;
            let pct: f64 = digits
                .parse()
                .map_err(|_| format!("\"{name}\" is not a percentile"))?;
            if !(pct > 0.0 && pct < 100.0) {
                return Err(format!(
                    "percentile \"{name}\" is outside p0 to p100 (exclusive)"
                ));
            }
            Ok(Figure::Percentile(pct / 100.0))
        }
    }
}

/// The hint for a name that is no milestone or group of the plan: the closest of `known`, or
/// the list of them.
pub fn unknown_name_hint(name: &str, known: &[String]) -> String {
    crate::plan::did_you_mean(name, known.iter().map(String::as_str)).unwrap_or_else(|| {
        if known.is_empty() {
            "the plan has no [[milestone]]".to_string()
        } else {
            format!("the plan's milestones and groups are {}", known.join(", "))
        }
    })
}

impl FromStr for Gate {
    type Err = GateError;

    fn from_str(s: &str) -> Result<Gate, GateError> {
        let Some((figure, threshold)) = s.split_once('=') else {
            return Err(bad(format!("gate \"{s}\" has no threshold")));
        };
        let (of, figure) = split_of(figure).map_err(|e| bad(format!("gate \"{s}\" {e}")))?;
        let of = of.map(str::to_string);
        let name = figure.to_ascii_lowercase();
        let figure = parse_figure(&name).map_err(|e| bad(format!("{e} in gate \"{s}\"")))?;
        let threshold =
            parse_span(threshold).map_err(|e| bad(format!("threshold of gate \"{s}\": {e}")))?;
        Ok(Gate {
            of,
            figure,
            name,
            threshold,
        })
    }
}

impl Gate {
    /// The figure with what it is of, such as `p90` or `customers-can-order:p90`.
    pub fn figure_name(&self) -> String {
        match &self.of {
            Some(of) => format!("{of}:{}", self.name),
            None => self.name.clone(),
        }
    }
}

impl fmt::Display for Gate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} <= {}",
            self.figure_name(),
            format_span(self.threshold)
        )
    }
}

/// A gate checked against a run.
#[derive(Debug, Clone, PartialEq)]
pub struct GateResult {
    /// The gate.
    pub gate: Gate,
    /// The simulated figure in seconds.
    pub value: f64,
    /// Its 95% interval, for percentiles.
    pub interval: Option<Estimate>,
    /// True when the figure is above the threshold.
    pub failed: bool,
}

impl GateResult {
    /// One line for the user, such as
    /// `gate p90 <= 24 h 00 m failed: p90 is 26 h 10 m (95% interval 25 h 58 m to 26 h 21 m)`.
    pub fn describe(&self) -> String {
        let interval = self.interval.map_or(String::new(), |e| {
            format!(
                " (95% interval {} to {})",
                format_span(e.low),
                format_span(e.high)
            )
        });
        format!(
            "gate {} {}: {} is {}{interval}",
            self.gate,
            if self.failed { "failed" } else { "passed" },
            self.gate.figure_name(),
            format_span(self.value)
        )
    }
}

/// Checks every gate against the trials' RTOs, sorted ascending (gates of a milestone
/// included: see [`evaluate_named`]).
pub fn evaluate(gates: &[Gate], sorted_rtos: &[f64]) -> Vec<GateResult> {
    gates
        .iter()
        .map(|gate| evaluate_one(gate, sorted_rtos))
        .collect()
}

/// Why a gate names something the run does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("gate \"{gate}\" names unknown milestone \"{name}\" (hint: {hint})")]
pub struct UnknownFigure {
    /// The gate as written.
    pub gate: String,
    /// The name before ':'.
    pub name: String,
    /// What to write instead.
    pub hint: String,
}

/// Checks every gate: those of the whole recovery against `sorted_rtos`, those of a milestone
/// or group against the sorted times `named` gives for its name (`None`: no such name, and
/// `known` lists the names there are).
pub fn evaluate_named(
    gates: &[Gate],
    sorted_rtos: &[f64],
    named: &dyn Fn(&str) -> Option<Vec<f64>>,
    known: &[String],
) -> Result<Vec<GateResult>, UnknownFigure> {
    gates
        .iter()
        .map(|gate| match &gate.of {
            None => Ok(evaluate_one(gate, sorted_rtos)),
            Some(name) => match named(name) {
                Some(sorted) => Ok(evaluate_one(gate, &sorted)),
                None => Err(UnknownFigure {
                    gate: gate.to_string(),
                    name: name.clone(),
                    hint: unknown_name_hint(name, known),
                }),
            },
        })
        .collect()
}

fn evaluate_one(gate: &Gate, sorted_rtos: &[f64]) -> GateResult {
    {
        {
            let (value, interval) = match gate.figure {
                Figure::Percentile(q) => {
                    let e = percentile_ci(sorted_rtos, q);
                    (e.value, Some(e))
                }
                Figure::Mean => (
                    sorted_rtos.iter().sum::<f64>() / sorted_rtos.len().max(1) as f64,
                    None,
                ),
                Figure::Max => (sorted_rtos.last().copied().unwrap_or(0.0), None),
            };
            GateResult {
                gate: gate.clone(),
                value,
                interval,
                failed: value > gate.threshold,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_figures() {
        let g: Gate = "p90=24h".parse().unwrap();
        assert_eq!((g.figure, g.threshold), (Figure::Percentile(0.9), 86_400.0));
        let g: Gate = "P99.5=1h".parse().unwrap();
        assert!(matches!(g.figure, Figure::Percentile(q) if (q - 0.995).abs() < 1e-12));
        assert_eq!("mean=30m".parse::<Gate>().unwrap().figure, Figure::Mean);
        assert_eq!("max=2d".parse::<Gate>().unwrap().figure, Figure::Max);
    }

    #[test]
    fn rejects_malformed_gates() {
        for bad in [
            "p90",
            "p90=abc",
            "p101=1h",
            "p0=1h",
            "p100=1h",
            "q90=1h",
            "p=1h",
            "p9.9.9=1h",
            "p90=",
            "p1e1=1h",
        ] {
            let err = bad.parse::<Gate>().unwrap_err();
            assert!(err.to_string().contains("hint:"), "{bad}: {err}");
        }
    }

    #[test]
    fn fails_only_above() {
        let rtos: Vec<f64> = (1..=100).map(|i| f64::from(i) * 60.0).collect();
        let gates: Vec<Gate> = ["max=100m", "max=99m", "mean=50m", "mean=51m"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        let failed: Vec<bool> = evaluate(&gates, &rtos).iter().map(|r| r.failed).collect();
        // The mean is 50.5 minutes.
        assert_eq!(failed, vec![false, true, true, false]);
        let r = &evaluate(&["p50=50m".parse().unwrap()], &rtos)[0];
        assert!(
            r.failed
                && r.describe()
                    .starts_with("gate p50 <= 50 m failed: p50 is 51 m")
        );
    }
}
