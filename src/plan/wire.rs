//! Serde "wire" types: the plan file exactly as written, before any checking.
//!
//! These types accept anything that is well-formed TOML or JSON of the right shape and reject
//! unknown keys, so a typo in a key is caught by the parser with its position. Everything that
//! needs judgement (times, references, bounds) stays as written here and is checked in
//! `validate`, which collects every problem instead of stopping at the first.

use std::fmt;

use serde::de::{self, MapAccess, Visitor, value::MapAccessDeserializer};
use serde::{Deserialize, Deserializer};

/// A whole plan file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PlanWire {
    /// The plan's title.
    pub name: Option<String>,
    /// The recovery time objective, such as `"24h"`.
    pub rto_target: Option<String>,
    /// How much a bigger group speeds up hands-on work: the exponent of `recorded / size`.
    pub size_elasticity: Option<f64>,
    /// Teams by name, in file order.
    #[serde(default, deserialize_with = "ordered_map")]
    pub teams: Vec<(String, TeamWire)>,
    /// Non-human concurrency caps by name, in file order.
    #[serde(default, deserialize_with = "ordered_map")]
    pub limits: Vec<(String, i64)>,
    /// The recovery steps, in playbook order.
    #[serde(default)]
    pub step: Vec<StepWire>,
    /// Loss scenarios.
    #[serde(default)]
    pub scenario: Vec<ScenarioWire>,
    /// Files of recorded observations: glob patterns relative to the plan.
    #[serde(default)]
    pub timings: Vec<String>,
    /// Delay before a step can start after a dependency done by another team.
    pub handoff: Option<DurationWire>,
    /// When in the week the disaster strikes.
    pub starts: Option<StartsWire>,
    /// Risk events.
    #[serde(default)]
    pub risk: Vec<super::chaos_wire::RiskWire>,
    /// Shared factors.
    #[serde(default)]
    pub factor: Vec<super::chaos_wire::FactorWire>,
    /// Milestones: points of the recovery with their own objectives.
    #[serde(default)]
    pub milestone: Vec<MilestoneWire>,
    /// A complete dispatch order of the steps (`--policy priority`), as `rtosim optimise` writes.
    pub priority: Option<Vec<String>>,
    /// Whether `--policy priority` starts steps strictly in list order (see
    /// `Model::strict`); by default it dispatches as lft and playbook do.
    pub priority_strict: Option<bool>,
}

/// A milestone: the steps (or systems) that must be done for it, and its objective.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct MilestoneWire {
    /// Unique name.
    pub name: Option<String>,
    /// Step ids or system names (= every step of the system).
    #[serde(default)]
    pub needs: Vec<String>,
    /// The milestone's recovery time objective, such as `"4h"`.
    pub rto_target: Option<String>,
    /// Its tier: lower tiers come back first.
    pub tier: Option<i64>,
}

/// A team: either `name = N` (N groups of one person) or a table.
#[derive(Debug)]
pub enum TeamWire {
    /// The shorthand `dba = 1`.
    Groups(i64),
    /// The full form.
    Table(Box<TeamTableWire>),
}

/// The full form of a team.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TeamTableWire {
    /// Parallel work streams.
    pub groups: Option<i64>,
    /// People per group.
    pub size: Option<i64>,
    /// The group size the step timings were recorded with.
    pub recorded_size: Option<i64>,
    /// Time before the team's first group can start.
    pub mobilise: Option<DurationWire>,
    /// How long a group works before it must rest, such as `"12h"`.
    pub shift: Option<String>,
    /// How long it rests.
    pub rest: Option<String>,
    /// `"relief"` or `"pause"`: what happens to work in progress when a shift ends.
    pub handover: Option<String>,
    /// `"together"` or `"staggered"`: how the groups' rotas lie against each other.
    pub rota: Option<String>,
    /// Time to hand work in progress to the relieving group.
    pub handover_time: Option<DurationWire>,
    /// Working hours, such as `"Mon-Fri 09:00-18:00"`.
    pub hours: Option<String>,
    /// Groups that answer a page out of hours.
    pub on_call: Option<i64>,
}

/// When in the week the disaster strikes: `"Sat 03:00"`, `"03:00"` or `{ dist = "week" }`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum StartsWire {
    /// A day and time, or a time.
    At(String),
    /// A distribution over the week.
    Dist(StartsDistWire),
}

/// The table form of `starts`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartsDistWire {
    /// `"week"`: uniform over the week.
    pub dist: String,
}

/// The teams that can do a step: one name, or a list in order of preference.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum StepTeamWire {
    /// `team = "dba"`.
    One(String),
    /// `team = ["dba", { team = "platform", slower = 1.5 }]`.
    Many(Vec<TeamChoiceWire>),
}

/// One team of a step's list.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum TeamChoiceWire {
    /// A team as fast as the first.
    Name(String),
    /// A team and how much slower its hands-on work is.
    Table(TeamChoiceTableWire),
}

/// The table form of one team of a step's list.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamChoiceTableWire {
    /// The team.
    pub team: String,
    /// Multiplier of the hands-on part (default 1).
    pub slower: Option<f64>,
}

impl StepTeamWire {
    /// The teams in order with their slowness as written (`None` for 1).
    pub fn choices(&self) -> Vec<(&str, Option<f64>)> {
        match self {
            StepTeamWire::One(name) => vec![(name.as_str(), None)],
            StepTeamWire::Many(list) => list
                .iter()
                .map(|c| match c {
                    TeamChoiceWire::Name(n) => (n.as_str(), None),
                    TeamChoiceWire::Table(t) => (t.team.as_str(), t.slower),
                })
                .collect(),
        }
    }
}

/// One recovery step.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct StepWire {
    /// Unique identifier.
    pub id: Option<String>,
    /// The system the step rebuilds (defaults to the id).
    pub system: Option<String>,
    /// A human label.
    pub name: Option<String>,
    /// Step ids or system names this step waits for.
    #[serde(default)]
    pub after: Vec<String>,
    /// The team that performs it, or teams in order of preference.
    pub team: Option<StepTeamWire>,
    /// Groups of the team it occupies.
    pub crew: Option<i64>,
    /// Time the groups are needed; the rest runs unattended.
    pub hands_on: Option<String>,
    /// Limits held for the whole step.
    #[serde(default, deserialize_with = "ordered_map")]
    pub uses: Vec<(String, i64)>,
    /// How long one attempt takes.
    pub duration: Option<DurationWire>,
    /// Transient failures that force a re-run.
    pub retry: Option<RetryWire>,
    /// Overrides the plan's size elasticity for this step.
    pub size_elasticity: Option<f64>,
}

/// A duration: a fixed time or a distribution table.
#[derive(Debug)]
pub enum DurationWire {
    /// A fixed time such as `"20m"`.
    Fixed(String),
    /// A distribution table.
    Dist(DistWire),
}

/// A distribution table; which keys apply depends on `dist`, checked in validation.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DistWire {
    /// The family: uniform, triangular, pert, lognormal, exponential or empirical.
    pub dist: Option<String>,
    /// Lower bound.
    pub min: Option<String>,
    /// Most likely value.
    pub mode: Option<String>,
    /// Upper bound.
    pub max: Option<String>,
    /// Median.
    pub p50: Option<String>,
    /// 90th percentile.
    pub p90: Option<String>,
    /// Mean.
    pub mean: Option<String>,
    /// Recorded values.
    pub samples: Option<Vec<String>>,
    /// For `dist = "recorded"`: `fitted` (default) or `empirical`.
    pub model: Option<String>,
}

impl DistWire {
    /// Each value key, with whether it is given.
    pub fn present_keys(&self) -> [(&'static str, bool); 7] {
        [
            ("min", self.min.is_some()),
            ("mode", self.mode.is_some()),
            ("max", self.max.is_some()),
            ("p50", self.p50.is_some()),
            ("p90", self.p90.is_some()),
            ("mean", self.mean.is_some()),
            ("samples", self.samples.is_some()),
        ]
    }
}

/// Retry chaos.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RetryWire {
    /// Probability that an attempt fails.
    pub p: f64,
    /// Most failures before an attempt succeeds.
    pub max: i64,
}

/// A loss scenario.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ScenarioWire {
    /// Unique name.
    pub name: Option<String>,
    /// A sentence for reports.
    pub description: Option<String>,
    /// The systems lost; `"*"` for all.
    #[serde(default)]
    pub lost: Vec<String>,
    /// When in the week the disaster strikes in this scenario.
    pub starts: Option<StartsWire>,
}

/// Deserializes a map keeping its entries in file order (serde maps would sort or hash them).
fn ordered_map<'de, D, V>(deserializer: D) -> Result<Vec<(String, V)>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct Ordered<V>(std::marker::PhantomData<V>);
    impl<'de, V: Deserialize<'de>> Visitor<'de> for Ordered<V> {
        type Value = Vec<(String, V)>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a table")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut entries = Vec::new();
            while let Some((key, value)) = map.next_entry::<String, V>()? {
                entries.push((key, value));
            }
            Ok(entries)
        }
    }
    deserializer.deserialize_map(Ordered(std::marker::PhantomData))
}

impl<'de> Deserialize<'de> for TeamWire {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TeamVisitor;
        impl<'de> Visitor<'de> for TeamVisitor {
            type Value = TeamWire;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number of groups or a table with `groups` and `size`")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<TeamWire, E> {
                Ok(TeamWire::Groups(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<TeamWire, E> {
                Ok(TeamWire::Groups(i64::try_from(v).unwrap_or(i64::MAX)))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<TeamWire, A::Error> {
                TeamTableWire::deserialize(MapAccessDeserializer::new(map))
                    .map(|t| TeamWire::Table(Box::new(t)))
            }
        }
        deserializer.deserialize_any(TeamVisitor)
    }
}

impl<'de> Deserialize<'de> for DurationWire {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DurationVisitor;
        impl<'de> Visitor<'de> for DurationVisitor {
            type Value = DurationWire;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a time such as \"20m\" or a table such as { dist = \"pert\", min = \"10m\", mode = \"20m\", max = \"45m\" }",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DurationWire, E> {
                Ok(DurationWire::Fixed(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DurationWire, A::Error> {
                DistWire::deserialize(MapAccessDeserializer::new(map)).map(DurationWire::Dist)
            }
        }
        deserializer.deserialize_any(DurationVisitor)
    }
}
