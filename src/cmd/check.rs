//! `rtosim check`: validate a plan and summarise it.

use anyhow::Result;
use serde::Serialize;

use super::load;
use crate::cli::CheckArgs;
use rtosim::analysis::{check_facts, resolve_scenario};
use rtosim::plan::{Diagnostic, Plan, PlanError, Severity, load_plan};
use rtosim::{exit, report};

/// Runs `check`.
pub(super) fn run(args: &CheckArgs) -> Result<i32> {
    if args.out.format.is_json() {
        return run_json(args);
    }
    let loaded = load(&args.plan)?;
    let scenario = match &args.scenario {
        Some(name) => resolve_scenario(&loaded.plan, Some(name))?,
        None => loaded.plan.everything_lost(),
    };
    let facts = check_facts(&loaded.plan, &scenario);
    let lost = args
        .scenario
        .as_ref()
        .map(|_| format!("scenario {}", scenario.name));
    let text = report::render_check(&loaded.plan, &facts, lost.as_deref());
    super::deliver(&args.out, &loaded.files_read, || text, String::new)?;
    Ok(exit::OK)
}

/// One problem, placed.
#[derive(Serialize)]
struct Problem<'a> {
    severity: Severity,
    message: &'a str,
    hint: Option<&'a str>,
    /// The key it concerns, as `step[3].after`.
    key: String,
    line: Option<usize>,
    column: Option<usize>,
}

impl<'a> From<&'a Diagnostic> for Problem<'a> {
    fn from(d: &'a Diagnostic) -> Problem<'a> {
        Problem {
            severity: d.severity,
            message: &d.message,
            hint: d.hint.as_deref(),
            key: d.path.to_string(),
            line: d.location.map(|l| l.line),
            column: d.location.map(|l| l.column),
        }
    }
}

#[derive(Serialize)]
struct TeamFacts<'a> {
    name: &'a str,
    groups: u32,
    size: u32,
    recorded_size: u32,
}

#[derive(Serialize)]
struct LimitFacts<'a> {
    name: &'a str,
    capacity: u32,
}

/// A sound plan in figures.
#[derive(Serialize)]
struct Summary<'a> {
    name: &'a str,
    steps: usize,
    contingency_steps: usize,
    systems: usize,
    teams: Vec<TeamFacts<'a>>,
    limits: Vec<LimitFacts<'a>>,
    scenarios: Vec<&'a str>,
    rto_target_seconds: Option<f64>,
    /// The scenario the critical path is for (every system lost unless `--scenario`).
    scenario: String,
    critical_path_seconds: f64,
    critical_path: Vec<&'a str>,
    deterministic_rto_seconds: Option<f64>,
}

#[derive(Serialize)]
struct CheckJson<'a> {
    file: String,
    valid: bool,
    errors: usize,
    warnings: usize,
    problems: Vec<Problem<'a>>,
    summary: Option<Summary<'a>>,
}

fn summary<'a>(plan: &'a Plan, scenario: &rtosim::plan::Scenario) -> Summary<'a> {
    let facts = check_facts(plan, scenario);
    Summary {
        name: &plan.name,
        steps: plan.written_steps(),
        contingency_steps: plan.steps.len() - plan.written_steps(),
        systems: plan.systems.len(),
        teams: plan
            .teams
            .iter()
            .map(|t| TeamFacts {
                name: &t.name,
                groups: t.groups,
                size: t.size,
                recorded_size: t.recorded_size,
            })
            .collect(),
        limits: plan
            .limits
            .iter()
            .map(|l| LimitFacts {
                name: &l.name,
                capacity: l.capacity,
            })
            .collect(),
        scenarios: plan.scenarios.iter().map(|s| s.name.as_str()).collect(),
        rto_target_seconds: plan.rto_target,
        scenario: scenario.name.clone(),
        critical_path_seconds: facts.critical_path_seconds,
        critical_path: facts
            .critical_path
            .iter()
            .map(|&s| plan.steps[s].id.as_str())
            .collect(),
        deterministic_rto_seconds: facts.deterministic_rto_seconds,
    }
}

/// `check --json`: every problem and, for a sound plan, its summary, on standard output; an
/// invalid plan still exits with code 2.
fn run_json(args: &CheckArgs) -> Result<i32> {
    let file = args.plan.display().to_string();
    let count = |ds: &[Diagnostic], s: Severity| ds.iter().filter(|d| d.severity == s).count();
    let (diagnostics, loaded) = match load_plan(&args.plan) {
        Ok(loaded) => (loaded.warnings.clone(), Some(loaded)),
        Err(PlanError::Invalid { diagnostics, .. }) => (diagnostics, None),
        Err(e) => return Err(e.into()),
    };
    let scenario = match (&loaded, &args.scenario) {
        (Some(l), Some(name)) => Some(resolve_scenario(&l.plan, Some(name))?),
        (Some(l), None) => Some(l.plan.everything_lost()),
        _ => None,
    };
    let out = CheckJson {
        file,
        valid: loaded.is_some(),
        errors: count(&diagnostics, Severity::Error),
        warnings: count(&diagnostics, Severity::Warning),
        problems: diagnostics.iter().map(Problem::from).collect(),
        summary: loaded
            .as_ref()
            .zip(scenario.as_ref())
            .map(|(l, s)| summary(&l.plan, s)),
    };
    let json = serde_json::to_string_pretty(&out)? + "\n";
    let files_read = [args.plan.clone()];
    super::deliver(&args.out, &files_read, String::new, || json)?;
    Ok(if out.valid {
        exit::OK
    } else {
        exit::INVALID_INPUT
    })
}
