//! What `optimise` makes best: a figure of the RTO, of a milestone, or of a group of milestones
//! (`tier1`, `all`), over the trials a candidate order is scored on. Parsed from `--objective`
//! with the gates' naming ([`crate::gate::split_of`], [`crate::gate::parse_figure`]), then
//! resolved against the plan into a [`Measure`] that scores trials.

use std::fmt;

use crate::analysis::{every_met, last_reached, milestone_groups, milestone_names};
use crate::gate::{Figure, parse_figure, split_of, unknown_name_hint};
use crate::plan::Plan;
use crate::sim::{Model, RandomSampler, TrialState};

/// A statistic of the trials' times.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Statistic {
    /// A percentile, as a fraction (0.9 for `p90`): made smallest.
    Quantile(f64),
    /// The mean: made smallest.
    Mean,
    /// `p(meet)`, the share of trials that meet the objective (`rto-target`): made largest.
    Meet,
}

impl Statistic {
    /// Whether larger is better (only `p(meet)`).
    pub fn maximised(self) -> bool {
        self == Statistic::Meet
    }

    /// The statistic as a cost, smaller is better: itself, or negated when maximised. Its own
    /// inverse, so it also turns a cost back into the statistic.
    pub fn cost(self, value: f64) -> f64 {
        if self.maximised() { -value } else { value }
    }
}

impl fmt::Display for Statistic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Statistic::Mean => f.write_str("mean"),
            Statistic::Meet => f.write_str("p(meet)"),
            Statistic::Quantile(q) => write!(f, "p{}", q * 100.0),
        }
    }
}

/// What to optimise, as `--objective` spells it.
#[derive(Debug, Clone, PartialEq)]
pub enum Objective {
    /// A percentile of the whole recovery's RTO, as a fraction (0.9 for `p90`).
    Quantile(f64),
    /// The mean RTO.
    Mean,
    /// The chance that the whole recovery meets the plan's `rto-target`.
    Meet,
    /// A statistic of a milestone's times, or of a group's (`tierN`, `all`): per trial the
    /// latest of its milestones for a percentile or the mean, and for `p(meet)` whether every
    /// one of them with an `rto-target` meets it.
    Milestone {
        /// The milestone, `tierN` or `all`.
        name: String,
        /// The statistic.
        statistic: Statistic,
    },
}

/// Why `--objective` cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ObjectiveError {
    /// Not a figure optimise knows.
    #[error(
        "\"{0}\" is not an objective (hint: p50, p90, p99, any pNN with 0 < NN < 100, mean or p(meet), or MILESTONE:FIGURE such as customers-can-order:p90, tier1:p(meet) or all:p90)"
    )]
    Unknown(String),
    /// A name the plan has no milestone or group of.
    #[error("objective \"{objective}\" names unknown milestone \"{name}\" (hint: {hint})")]
    UnknownMilestone {
        /// The objective as written.
        objective: String,
        /// The name before ':'.
        name: String,
        /// What to write instead.
        hint: String,
    },
    /// `tierN` where no milestone has tier N.
    #[error(
        "objective \"{objective}\" names {name}, but no milestone has tier {tier} (hint: {hint})"
    )]
    EmptyTier {
        /// The objective as written.
        objective: String,
        /// The name before ':'.
        name: String,
        /// The tier's number.
        tier: String,
        /// The tiers there are.
        hint: String,
    },
    /// `p(meet)` of something without an objective to meet.
    #[error("objective \"{objective}\": {what}, so there is nothing to meet (hint: {hint})")]
    NoTarget {
        /// The objective as written.
        objective: String,
        /// What has no target, as a clause (`milestone "x" has no rto-target`).
        what: String,
        /// How to fix it.
        hint: String,
    },
}

impl Objective {
    /// Parses `p90`, `p99.5`, `mean`, `p(meet)`, and `NAME:FIGURE` for a milestone or a group
    /// (`tier1:p90`, `all:p(meet)`), named as gates name them.
    pub fn parse(text: &str) -> Result<Objective, ObjectiveError> {
        let t = text.trim();
        let unknown = || ObjectiveError::Unknown(t.to_string());
        let (of, figure) = split_of(t).map_err(|_| unknown())?;
        let figure = figure.to_ascii_lowercase();
        let statistic = if figure.replace(' ', "") == "p(meet)" {
            Statistic::Meet
        } else {
            match parse_figure(&figure).map_err(|_| unknown())? {
                Figure::Percentile(q) => Statistic::Quantile(q),
                Figure::Mean => Statistic::Mean,
                Figure::Max => return Err(unknown()),
            }
        };
        Ok(match (of, statistic) {
            (Some(name), statistic) => Objective::Milestone {
                name: name.to_string(),
                statistic,
            },
            (None, Statistic::Quantile(q)) => Objective::Quantile(q),
            (None, Statistic::Mean) => Objective::Mean,
            (None, Statistic::Meet) => Objective::Meet,
        })
    }

    /// The statistic, whatever it is of.
    pub fn statistic(&self) -> Statistic {
        match self {
            Objective::Quantile(q) => Statistic::Quantile(*q),
            Objective::Mean => Statistic::Mean,
            Objective::Meet => Statistic::Meet,
            Objective::Milestone { statistic, .. } => *statistic,
        }
    }

    /// What the statistic is of: a milestone or group, or `None` for the whole recovery.
    pub fn of(&self) -> Option<&str> {
        match self {
            Objective::Milestone { name, .. } => Some(name),
            _ => None,
        }
    }

    /// The objective against `plan`: which milestones it reads. Refuses a name the plan does
    /// not have, a tier no milestone has, and `p(meet)` of what has no `rto-target`.
    pub fn resolve(&self, plan: &Plan) -> Result<Measure, ObjectiveError> {
        let statistic = self.statistic();
        let no_target = |what: String, hint: String| ObjectiveError::NoTarget {
            objective: self.to_string(),
            what,
            hint,
        };
        let Some(name) = self.of() else {
            if statistic == Statistic::Meet && plan.rto_target.is_none() {
                return Err(no_target(
                    "the plan has no rto-target".to_string(),
                    "set rto-target = \"24h\" at the top of the plan, or name a milestone with one: MILESTONE:p(meet)".to_string(),
                ));
            }
            return Ok(Measure {
                statistic,
                members: None,
            });
        };
        let members = match plan.milestones.iter().position(|m| m.name == name) {
            Some(k) => vec![k],
            None => match milestone_groups(plan).into_iter().find(|(g, _)| g == name) {
                Some((_, members)) => members,
                None => return Err(self.unknown(plan, name)),
            },
        };
        if statistic == Statistic::Meet
            && members
                .iter()
                .all(|&k| plan.milestones[k].rto_target.is_none())
        {
            let (what, hint) = if members.len() == 1 {
                (
                    format!("milestone \"{name}\" has no rto-target"),
                    format!("give it rto-target = \"4h\", or optimise {name}:p90"),
                )
            } else {
                (
                    format!("no milestone of {name} has an rto-target"),
                    format!("give one of them an rto-target, or optimise {name}:p90"),
                )
            };
            return Err(no_target(what, hint));
        }
        Ok(Measure {
            statistic,
            members: Some(members),
        })
    }

    /// The error for `name`, no milestone or group of `plan`.
    fn unknown(&self, plan: &Plan, name: &str) -> ObjectiveError {
        if let Some(tier) = name
            .strip_prefix("tier")
            .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        {
            let tiers: Vec<String> = milestone_groups(plan)
                .into_iter()
                .map(|(g, _)| g)
                .filter(|g| g.starts_with("tier"))
                .collect();
            return ObjectiveError::EmptyTier {
                objective: self.to_string(),
                name: name.to_string(),
                tier: tier.to_string(),
                hint: match tiers.as_slice() {
                    [] if plan.milestones.is_empty() => "the plan has no [[milestone]]".to_string(),
                    [] => "no milestone has a tier; give them tier = 1, or use all".to_string(),
                    _ => format!("the plan's tiers are {}", tiers.join(", ")),
                },
            };
        }
        ObjectiveError::UnknownMilestone {
            objective: self.to_string(),
            name: name.to_string(),
            hint: unknown_name_hint(name, &milestone_names(plan)),
        }
    }
}

impl fmt::Display for Objective {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.of() {
            Some(name) => write!(f, "{name}:{}", self.statistic()),
            None => self.statistic().fmt(f),
        }
    }
}

/// An objective resolved against a plan: what each trial gives and the statistic over them.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    /// The statistic over the trials.
    pub statistic: Statistic,
    /// The milestones read (indices into the plan's), or `None` for the whole recovery.
    pub members: Option<Vec<usize>>,
}

impl Measure {
    /// Whether a trial's value needs its milestone times.
    pub fn reads_milestones(&self) -> bool {
        self.members.is_some()
    }

    /// Room for one trial's milestone times (none when not read).
    pub fn buffer(&self, model: &Model) -> Vec<f64> {
        vec![
            0.0;
            if self.reads_milestones() {
                model.milestones.len()
            } else {
                0
            }
        ]
    }

    /// Runs trial `trial` of `seed` in `state` and returns its value (see [`Measure::value`]),
    /// reading the milestone times into `reached` (from [`Measure::buffer`]) only when needed:
    /// an objective of the whole recovery costs nothing more than the trial.
    pub fn trial(
        &self,
        model: &Model,
        state: &mut TrialState,
        seed: u64,
        trial: u64,
        reached: &mut [f64],
    ) -> f64 {
        let rto = state.run(model, &mut RandomSampler::new(seed, trial));
        if self.reads_milestones() {
            model.milestones.reached_all(&state.finish, reached);
        }
        self.value(model, rto, reached)
    }

    /// One trial's value, given its RTO and (when [`Measure::reads_milestones`]) when each
    /// milestone was reached: the RTO, or when the last member was reached; for `p(meet)`, 1
    /// when it (every member with an objective) met its `rto-target` and 0 when not.
    pub fn value(&self, model: &Model, rto: f64, reached: &[f64]) -> f64 {
        let targets = &model.milestones;
        match (&self.members, self.statistic) {
            (None, Statistic::Meet) => {
                f64::from(u8::from(targets.whole_target.is_none_or(|t| rto <= t)))
            }
            (None, _) => rto,
            (Some(members), Statistic::Meet) => {
                f64::from(u8::from(every_met(reached, members, |k| {
                    targets.targets[k]
                })))
            }
            (Some(members), _) => last_reached(reached, members),
        }
    }

    /// The statistic of the trials' `values`, which it sorts: for `p(meet)` the mean of the
    /// trials' 0 and 1, the share that met.
    pub fn of(&self, values: &mut [f64]) -> f64 {
        match self.statistic {
            Statistic::Mean | Statistic::Meet => values.iter().sum::<f64>() / values.len() as f64,
            Statistic::Quantile(q) => {
                values.sort_unstable_by(f64::total_cmp);
                crate::stats::percentile(values, q)
            }
        }
    }

    /// The statistic of `values` as a cost (smaller is better): see [`Statistic::cost`].
    pub fn cost(&self, values: &mut [f64]) -> f64 {
        self.statistic.cost(self.of(values))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_percentiles_means_and_milestones_and_refuses_the_rest() {
        assert_eq!(Objective::parse("p90"), Ok(Objective::Quantile(0.9)));
        assert_eq!(Objective::parse("mean"), Ok(Objective::Mean));
        assert_eq!(Objective::parse("P(meet)"), Ok(Objective::Meet));
        assert_eq!(Objective::parse("p90").unwrap().to_string(), "p90");
        let tier = Objective::parse("tier1:p(meet)").unwrap();
        assert_eq!(
            tier,
            Objective::Milestone {
                name: "tier1".to_string(),
                statistic: Statistic::Meet
            }
        );
        assert_eq!(tier.to_string(), "tier1:p(meet)");
        assert_eq!(
            Objective::parse("front-door:p99.5").unwrap().to_string(),
            "front-door:p99.5"
        );
        for bad in ["p100", "fast", "max", ":p90", "front-door:", "all:p(late)"] {
            assert!(
                matches!(Objective::parse(bad), Err(ObjectiveError::Unknown(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn scores_type_7_percentiles_means_and_shares() {
        let m = |statistic| Measure {
            statistic,
            members: None,
        };
        let mut r = [4.0, 1.0, 3.0, 2.0, 5.0];
        assert_eq!(m(Statistic::Quantile(0.5)).of(&mut r), 3.0);
        assert_eq!(m(Statistic::Quantile(0.9)).of(&mut r), 4.6);
        assert_eq!(m(Statistic::Mean).of(&mut r), 3.0);
        let mut met = [1.0, 0.0, 1.0, 1.0];
        assert_eq!(m(Statistic::Meet).of(&mut met), 0.75);
        assert_eq!(m(Statistic::Meet).cost(&mut met), -0.75);
        assert_eq!(m(Statistic::Mean).cost(&mut r), 3.0);
    }
}
