//! The validated plan: every reference resolved to an index, every parameter checked.
//!
//! A [`Plan`] can only be built by `validate`, so code that holds one may rely on its invariants:
//! dependencies form a DAG, teams and limits exist and are large enough for every step, and
//! distributions have sound parameters.

use crate::dist::Dist;
use crate::fit::DurationModel;

use super::chaos::{Factor, Risk, Shift};
use super::workforce::{Starts, WorkHours};

/// A team of people organised in groups that work in parallel.
#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    /// The team's name.
    pub name: String,
    /// Parallel work streams.
    pub groups: u32,
    /// People per group.
    pub size: u32,
    /// The group size the timings were recorded with.
    pub recorded_size: u32,
    /// Time before the team's first group can start (paging, credentials, VPN), if any.
    pub mobilise: Option<Dist>,
    /// The team's working rota, if its groups cannot work around the clock.
    pub shift: Option<Shift>,
    /// Time for one group to hand work in progress to the group that relieves it.
    pub handover_time: Option<Dist>,
    /// Working hours, if the team keeps them: out of hours only the on-call groups answer.
    pub hours: Option<WorkHours>,
    /// Groups that answer a page out of hours (all when `None`).
    pub on_call: Option<u32>,
}

impl Team {
    /// Groups reachable out of hours.
    pub fn on_call_groups(&self) -> u32 {
        self.on_call.unwrap_or(self.groups).min(self.groups)
    }
}

/// Another team that can do a step (cross-training), and how much slower its hands-on work is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Alternative {
    /// Index into [`Plan::teams`].
    pub team: usize,
    /// Multiplier of the hands-on part when this team does it (1 = as fast as the first team).
    pub slower: f64,
}

/// A non-human concurrency cap, such as restores the account may run at once.
#[derive(Debug, Clone, PartialEq)]
pub struct Limit {
    /// The limit's name.
    pub name: String,
    /// How many units exist.
    pub capacity: u32,
}

/// Transient failures: each attempt fails with probability `p`, at most `max` times.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Retry {
    /// Probability that one attempt fails.
    pub p: f64,
    /// Failures after which the next attempt succeeds.
    pub max: u32,
}

/// One recovery step.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Unique identifier.
    pub id: String,
    /// Index into [`Plan::systems`].
    pub system: usize,
    /// A human label, if given.
    pub name: Option<String>,
    /// Indices of the steps this one waits for, ascending and without repeats.
    pub after: Vec<usize>,
    /// Index into [`Plan::teams`], if people do the step.
    pub team: Option<usize>,
    /// Other teams that can do the step when the first has no group free, in the order written.
    pub alternatives: Vec<Alternative>,
    /// Groups of the team the step occupies.
    pub crew: u32,
    /// Seconds the groups are needed per attempt; `None` means the whole attempt.
    pub hands_on: Option<f64>,
    /// Limits held for the whole step: (index into [`Plan::limits`], amount).
    pub uses: Vec<(usize, u32)>,
    /// How long one attempt takes, at the recorded group size.
    pub duration: Dist,
    /// Transient failures, if any.
    pub retry: Option<Retry>,
    /// How much a bigger group speeds up the hands-on part.
    pub size_elasticity: f64,
    /// What the plan's recorded timings say about the step, when it has any or its duration is
    /// recorded.
    pub recorded: Option<Recorded>,
}

/// A step's recorded observations and what was made of them.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    /// Attempts observed (succeeded and failed).
    pub attempts: u32,
    /// Failed attempts among them.
    pub failures: u32,
    /// Distinct drill labels among them.
    pub drills: u32,
    /// Durations of the successful attempts in seconds, sorted.
    pub durations: Vec<f64>,
    /// The model of the step's duration, when its duration is recorded (`None` when the plan
    /// gives the duration itself).
    pub model: Option<DurationModel>,
    /// Whether the step's retry comes from the failure share of its observations.
    pub retry_from_failures: bool,
}

impl Step {
    /// The label for people: the name when given, otherwise the id.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
}

/// A loss scenario: which systems must be rebuilt.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Unique name.
    pub name: String,
    /// A sentence for reports.
    pub description: Option<String>,
    /// `lost[s]` is true when system `s` is lost.
    pub lost: Vec<bool>,
    /// When in the week the disaster strikes, if the scenario says (overrides the plan's).
    pub starts: Option<Starts>,
}

/// A point of the recovery with its own objective, such as "customers can order": reached when
/// every step it needs is done.
#[derive(Debug, Clone, PartialEq)]
pub struct Milestone {
    /// Unique name.
    pub name: String,
    /// Indices of the steps it needs, ascending and without repeats.
    pub needs: Vec<usize>,
    /// Its objective in seconds, if set.
    pub rto_target: Option<f64>,
    /// Its tier (lower tiers first), if set.
    pub tier: Option<u32>,
}

/// A validated recovery plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The plan's title.
    pub name: String,
    /// The recovery time objective in seconds, if set.
    pub rto_target: Option<f64>,
    /// Default size elasticity for steps.
    pub size_elasticity: f64,
    /// Teams in file order.
    pub teams: Vec<Team>,
    /// Limits in file order.
    pub limits: Vec<Limit>,
    /// Steps in playbook (file) order.
    pub steps: Vec<Step>,
    /// System names in order of first appearance.
    pub systems: Vec<String>,
    /// Scenarios in file order.
    pub scenarios: Vec<Scenario>,
    /// The plan's `timings` patterns, as written.
    pub timings: Vec<String>,
    /// Risk events, in file order.
    pub risks: Vec<Risk>,
    /// Shared factors, in file order.
    pub factors: Vec<Factor>,
    /// Delay before a step can start after a dependency done by another team, if any.
    pub handoff: Option<Dist>,
    /// When in the week the disaster strikes, if the plan says.
    pub starts: Option<Starts>,
    /// Milestones, in file order.
    pub milestones: Vec<Milestone>,
    /// The plan's `priority` list (indices into [`Plan::steps`], every step once, each after
    /// the steps it waits for), if it has one: the order `--policy priority` dispatches in.
    pub priority: Option<Vec<usize>>,
    /// Whether `--policy priority` follows the list strictly (`priority-strict = true`): a
    /// step starts only once every step listed before it has started.
    pub priority_strict: bool,
}

impl Plan {
    /// Whether any milestone has its own objective.
    pub fn has_milestone_targets(&self) -> bool {
        self.milestones.iter().any(|m| m.rto_target.is_some())
    }

    /// Finds a scenario by name.
    pub fn scenario(&self, name: &str) -> Option<&Scenario> {
        self.scenarios.iter().find(|s| s.name == name)
    }

    /// The scenario simulated when none is named: the first one, or losing everything.
    pub fn default_scenario(&self) -> Scenario {
        self.scenarios
            .first()
            .cloned()
            .unwrap_or_else(|| self.everything_lost())
    }

    /// A scenario in which every system is lost.
    pub fn everything_lost(&self) -> Scenario {
        Scenario {
            name: "everything".to_string(),
            description: Some("every system is lost".to_string()),
            lost: vec![true; self.systems.len()],
            starts: None,
        }
    }

    /// Which steps a scenario needs: those of the systems it loses.
    pub fn needed_steps(&self, scenario: &Scenario) -> Vec<bool> {
        self.steps.iter().map(|s| scenario.lost[s.system]).collect()
    }

    /// When the disaster strikes in `scenario`: the scenario's `starts`, else the plan's.
    pub fn starts_of(&self, scenario: &Scenario) -> Option<Starts> {
        scenario.starts.or(self.starts)
    }

    /// The factor by which the hands-on part of `step` is multiplied for its team's group size:
    /// `(recorded-size / size) ^ elasticity`.
    pub fn hands_on_scale(&self, step: &Step) -> f64 {
        step.team.map_or(1.0, |t| self.hands_on_scale_on(step, t))
    }

    /// [`Plan::hands_on_scale`] when team `team` does the step (its own or an alternative).
    pub fn hands_on_scale_on(&self, step: &Step, team: usize) -> f64 {
        let team = &self.teams[team];
        (f64::from(team.recorded_size) / f64::from(team.size)).powf(step.size_elasticity)
    }
}
