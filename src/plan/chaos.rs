//! Simulated chaos in a validated plan: risk events, shared factors, and the team rota keys
//! (mobilisation, shifts) and plan-level hand-offs that make a recovery go wrong in correlated
//! ways.
//!
//! Everything here is optional: a plan without `[[risk]]`, `[[factor]]`, `mobilise`, `shift` or
//! `handoff` simulates exactly as before, draw for draw.

use crate::dist::Dist;

use super::model::Plan;

/// What a risk does to the steps it hits when it fires.
#[derive(Debug, Clone, PartialEq)]
pub enum RiskEffect {
    /// Time added to each hit step's final attempt, worked by the step's groups.
    Delay(Dist),
    /// The hit step's work is lost at a uniform point and redone from the start.
    Restart,
    /// A step that must run after the hit step; the hit step's dependents wait for it too.
    /// It is step `step` of the plan (appended after the written steps), done only in trials
    /// in which the risk fires.
    Fallback {
        /// Index of the fallback step in [`Plan::steps`].
        step: usize,
    },
}

/// A risk event: with probability `p` per trial, something goes wrong with the steps it hits.
#[derive(Debug, Clone, PartialEq)]
pub struct Risk {
    /// Unique name (also keys the risk's random stream).
    pub name: String,
    /// Probability that the risk fires in a trial.
    pub p: f64,
    /// Indices of the steps it hits, ascending.
    pub hits: Vec<usize>,
    /// What it does.
    pub effect: RiskEffect,
    /// Recovery point lost when it fires, in seconds (an RPO consequence, reported only).
    pub data_loss: Option<f64>,
}

/// A multiplier drawn once per trial and applied to the durations of several steps: a slow day
/// for the cloud provider or for one team.
#[derive(Debug, Clone, PartialEq)]
pub struct Factor {
    /// Unique name (also keys the factor's random stream).
    pub name: String,
    /// The multiplier's distribution (plain numbers, positive).
    pub multiplier: Dist,
    /// Indices of the steps it applies to, ascending.
    pub steps: Vec<usize>,
}

/// What happens to a step in progress when its group's shift ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Handover {
    /// Another group takes over: the work goes on through the rest period.
    Relief,
    /// Nobody takes over: hands-on work stops until the next shift.
    #[default]
    Pause,
}

/// A team's working rota.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shift {
    /// Seconds a group works before it must rest.
    pub shift: f64,
    /// Seconds of rest.
    pub rest: f64,
    /// What happens to work in progress at the end of a shift.
    pub handover: Handover,
    /// How the groups' rotas lie against each other.
    pub rota: super::workforce::Rota,
}

/// A stable 32-bit hash of a name (FNV-1a), used to key the random streams of risks, factors
/// and teams by name, so removing one never changes another's draws.
pub fn name_hash(name: &str) -> u64 {
    let mut h: u32 = 0x811c_9dc5;
    for b in name.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    u64::from(h)
}

/// One piece of chaos a plan can be run without: what costs, reports, drivers and charts
/// iterate over.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "lowercase")]
pub enum ChaosItem {
    /// A `[[risk]]`, by name.
    Risk(String),
    /// A `[[factor]]`, by name.
    Factor(String),
    /// Every team's mobilisation time.
    Mobilisation,
    /// Every team's shifts and rests.
    Shifts,
    /// The hand-off delay between teams.
    Handoff,
    /// Every team's working hours: out of hours only the on-call groups answer.
    Hours,
}

impl ChaosItem {
    /// Every item of `plan`, in report order: risks and factors in plan order, then
    /// mobilisation, shifts and hand-offs when the plan has them.
    pub fn all(plan: &Plan) -> Vec<ChaosItem> {
        let mut out: Vec<ChaosItem> = plan
            .risks
            .iter()
            .map(|r| ChaosItem::Risk(r.name.clone()))
            .chain(
                plan.factors
                    .iter()
                    .map(|f| ChaosItem::Factor(f.name.clone())),
            )
            .collect();
        if plan.teams.iter().any(|t| t.mobilise.is_some()) {
            out.push(ChaosItem::Mobilisation);
        }
        if plan.teams.iter().any(|t| t.shift.is_some()) {
            out.push(ChaosItem::Shifts);
        }
        if plan.handoff.is_some() {
            out.push(ChaosItem::Handoff);
        }
        let starts = plan.starts.is_some() || plan.scenarios.iter().any(|s| s.starts.is_some());
        if starts && plan.teams.iter().any(|t| t.hours.is_some()) {
            out.push(ChaosItem::Hours);
        }
        out
    }

    /// The risk or factor called `name`.
    pub fn named(plan: &Plan, name: &str) -> Option<ChaosItem> {
        if plan.risks.iter().any(|r| r.name == name) {
            Some(ChaosItem::Risk(name.to_string()))
        } else if plan.factors.iter().any(|f| f.name == name) {
            Some(ChaosItem::Factor(name.to_string()))
        } else {
            None
        }
    }

    /// `"risk"`, `"factor"`, `"mobilisation"`, `"shifts"`, `"handoff"` or `"hours"`.
    pub fn kind(&self) -> &'static str {
        match self {
            ChaosItem::Risk(_) => "risk",
            ChaosItem::Factor(_) => "factor",
            ChaosItem::Mobilisation => "mobilisation",
            ChaosItem::Shifts => "shifts",
            ChaosItem::Handoff => "handoff",
            ChaosItem::Hours => "hours",
        }
    }

    /// The risk's or factor's name, else the kind.
    pub fn name(&self) -> &str {
        match self {
            ChaosItem::Risk(n) | ChaosItem::Factor(n) => n,
            other => other.kind(),
        }
    }

    /// A table label: `risk corrupt-backup`, `factor slow-day`, `mobilisation`, `shifts`,
    /// `hand-offs`.
    pub fn label(&self) -> String {
        match self {
            ChaosItem::Risk(n) => format!("risk {n}"),
            ChaosItem::Factor(n) => format!("factor {n}"),
            ChaosItem::Handoff => "hand-offs".to_string(),
            ChaosItem::Hours => "working hours".to_string(),
            other => other.kind().to_string(),
        }
    }

    /// What it is, for a sentence: "the corrupt-backup risk", "resting between shifts".
    pub fn phrase(&self) -> String {
        match self {
            ChaosItem::Risk(n) => format!("the {n} risk"),
            ChaosItem::Factor(n) => format!("the {n} factor"),
            ChaosItem::Mobilisation => "mobilising the teams".to_string(),
            ChaosItem::Shifts => "resting between shifts".to_string(),
            ChaosItem::Handoff => "waiting for hand-offs between teams".to_string(),
            ChaosItem::Hours => "reaching only the on-call groups out of hours".to_string(),
        }
    }
}

impl Plan {
    /// Whether the plan uses any chaos feature.
    pub fn has_chaos(&self) -> bool {
        !self.risks.is_empty()
            || !self.factors.is_empty()
            || self.handoff.is_some()
            || self
                .teams
                .iter()
                .any(|t| t.mobilise.is_some() || t.shift.is_some() || t.hours.is_some())
    }

    /// Whether step `step` is a risk's fallback: a contingency step, appended after the written
    /// ones, that runs only in recoveries in which its risk fires.
    pub fn is_fallback(&self, step: usize) -> bool {
        self.risks
            .iter()
            .any(|r| matches!(r.effect, RiskEffect::Fallback { step: s } if s == step))
    }

    /// The number of steps as written, without the risks' fallback steps.
    pub fn written_steps(&self) -> usize {
        (0..self.steps.len())
            .filter(|&s| !self.is_fallback(s))
            .count()
    }

    /// The plan with the named risk removed (with its fallback step), as if it had never been
    /// written. Returns `None` when no risk has that name.
    pub fn without_risk(&self, name: &str) -> Option<Plan> {
        let k = self.risks.iter().position(|r| r.name == name)?;
        let mut plan = self.clone();
        let risk = plan.risks.remove(k);
        if let RiskEffect::Fallback { step } = risk.effect {
            plan.remove_step(step);
        }
        Some(plan)
    }

    /// The plan without the named risk or factor, or `None` when neither has that name.
    pub fn without_named(&self, name: &str) -> Option<Plan> {
        Some(self.without(&ChaosItem::named(self, name)?))
    }

    /// The plan as if `item` had never been written.
    pub fn without(&self, item: &ChaosItem) -> Plan {
        match item {
            ChaosItem::Risk(name) => self.without_risk(name).unwrap_or_else(|| self.clone()),
            ChaosItem::Factor(name) => self.without_factor(name).unwrap_or_else(|| self.clone()),
            ChaosItem::Mobilisation => self.without_mobilisation(),
            ChaosItem::Shifts => self.without_shifts(),
            ChaosItem::Handoff => self.without_handoff(),
            ChaosItem::Hours => self.without_hours(),
        }
    }

    /// The plan with no working hours (every group answers a page at any hour).
    pub fn without_hours(&self) -> Plan {
        let mut plan = self.clone();
        plan.teams.iter_mut().for_each(|t| {
            t.hours = None;
            t.on_call = None;
        });
        plan
    }

    /// The plan with the named factor removed, or `None` when no factor has that name.
    pub fn without_factor(&self, name: &str) -> Option<Plan> {
        let k = self.factors.iter().position(|f| f.name == name)?;
        let mut plan = self.clone();
        plan.factors.remove(k);
        Some(plan)
    }

    /// The plan with no team mobilisation time.
    pub fn without_mobilisation(&self) -> Plan {
        let mut plan = self.clone();
        plan.teams.iter_mut().for_each(|t| t.mobilise = None);
        plan
    }

    /// The plan with no shifts (every team works around the clock).
    pub fn without_shifts(&self) -> Plan {
        let mut plan = self.clone();
        plan.teams.iter_mut().for_each(|t| t.shift = None);
        plan
    }

    /// The plan with no hand-off delay.
    pub fn without_handoff(&self) -> Plan {
        let mut plan = self.clone();
        plan.handoff = None;
        plan
    }

    /// Removes a step nothing written depends on except through a fallback (a fallback step is
    /// always after every written step), renumbering later references.
    fn remove_step(&mut self, gone: usize) {
        self.steps.remove(gone);
        let fix = |i: &mut usize| {
            if *i > gone {
                *i -= 1;
            }
        };
        for step in &mut self.steps {
            step.after.retain(|&d| d != gone);
            step.after.iter_mut().for_each(fix);
        }
        for risk in &mut self.risks {
            risk.hits.retain(|&d| d != gone);
            risk.hits.iter_mut().for_each(fix);
            if let RiskEffect::Fallback { step } = &mut risk.effect {
                fix(step);
            }
        }
        for factor in &mut self.factors {
            factor.steps.retain(|&d| d != gone);
            factor.steps.iter_mut().for_each(fix);
        }
    }
}
