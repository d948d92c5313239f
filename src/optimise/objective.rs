//! What `optimise` minimises: a figure of the RTO over the trials a candidate order is scored
//! on. Parsed from `--objective`; milestone objectives (`MILESTONE:p90`, `tier1:p(meet)`) are
//! recognised and refused with a clear error until the plan format has milestones.

use std::fmt;

/// A figure of the RTO to make as small as possible.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Objective {
    /// A percentile, as a fraction (0.9 for `p90`).
    Quantile(f64),
    /// The mean.
    Mean,
}

/// Why `--objective` cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ObjectiveError {
    /// Not a figure this build knows.
    #[error(
        "\"{0}\" is not an objective (hint: p50, p90, p99, any pNN with 0 < NN < 100, or mean)"
    )]
    Unknown(String),
    /// A milestone's figure, while plans have no milestones.
    #[error(
        "objective \"{0}\" names milestone \"{1}\", but this version of rtosim has no milestones (hint: optimise the whole recovery with p50, p90, p99 or mean)"
    )]
    NoMilestones(String, String),
}

impl Objective {
    /// Parses `p90`, `p99.5`, `mean`; `NAME:FIGURE` is a milestone's objective.
    pub fn parse(text: &str) -> Result<Objective, ObjectiveError> {
        let t = text.trim();
        if let Some((milestone, _)) = t.split_once(':') {
            return Err(ObjectiveError::NoMilestones(
                t.to_string(),
                milestone.to_string(),
            ));
        }
        if t.eq_ignore_ascii_case("mean") {
            return Ok(Objective::Mean);
        }
        let nn = t
            .strip_prefix(['p', 'P'])
            .and_then(|n| n.parse::<f64>().ok())
            .filter(|&n| n > 0.0 && n < 100.0)
            .ok_or_else(|| ObjectiveError::Unknown(t.to_string()))?;
        Ok(Objective::Quantile(nn / 100.0))
    }

    /// The figure of `rtos`, which it sorts.
    pub fn score(self, rtos: &mut [f64]) -> f64 {
        match self {
            Objective::Mean => rtos.iter().sum::<f64>() / rtos.len() as f64,
            Objective::Quantile(q) => {
                rtos.sort_unstable_by(f64::total_cmp);
                crate::stats::percentile(rtos, q)
            }
        }
    }
}

impl fmt::Display for Objective {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Objective::Mean => f.write_str("mean"),
            Objective::Quantile(q) => write!(f, "p{}", q * 100.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_percentiles_and_the_mean_and_refuses_the_rest() {
        assert_eq!(Objective::parse("p90"), Ok(Objective::Quantile(0.9)));
        assert_eq!(Objective::parse("mean"), Ok(Objective::Mean));
        assert_eq!(Objective::parse("p90").unwrap().to_string(), "p90");
        assert!(matches!(
            Objective::parse("p100"),
            Err(ObjectiveError::Unknown(_))
        ));
        assert!(matches!(
            Objective::parse("fast"),
            Err(ObjectiveError::Unknown(_))
        ));
        assert!(matches!(
            Objective::parse("tier1:p(meet)"),
            Err(ObjectiveError::NoMilestones(_, m)) if m == "tier1"
        ));
    }

    #[test]
    fn scores_type_7_percentiles_and_means() {
        let mut r = [4.0, 1.0, 3.0, 2.0, 5.0];
        assert_eq!(Objective::Quantile(0.5).score(&mut r), 3.0);
        assert_eq!(Objective::Quantile(0.9).score(&mut r), 4.6);
        assert_eq!(Objective::Mean.score(&mut r), 3.0);
    }
}
