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

impl Plan {
    /// Whether the plan uses any chaos feature.
    pub fn has_chaos(&self) -> bool {
        !self.risks.is_empty()
            || !self.factors.is_empty()
            || self.handoff.is_some()
            || self
                .teams
                .iter()
                .any(|t| t.mobilise.is_some() || t.shift.is_some())
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
    pub fn without(&self, name: &str) -> Option<Plan> {
        self.without_risk(name)
            .or_else(|| self.without_factor(name))
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
