//! `rtosim staff`: sweep staffing options on the same draws.

use anyhow::{Context, Result};

use super::{InputError, load, run_options, with_progress, with_starts};
use crate::cli::{GridArgs, RunArgs, StaffArgs};
use rtosim::analysis::resolve_scenario;
use rtosim::duration::parse_span;
use rtosim::exit;
use rtosim::output::Outputs;
use rtosim::plan::{Plan, Scenario, did_you_mean};
use rtosim::staff::{self, Grid, StaffReport, SweepConfig};

/// `rtosim staff`: sweep the staffing options and print the table (or JSON).
pub(super) fn run(args: &StaffArgs) -> Result<i32> {
    let loaded = load(&args.plan)?;
    super::require_priority(&loaded.plan, args.run.policy)?;
    let plan = &*with_starts(&loaded.plan, &args.run);
    let scenario = resolve_scenario(plan, args.run.scenario.as_deref())?;
    let (target, milestone) = target(plan, args.target.as_deref())?;
    let sweep = Sweep {
        grid: &args.grid,
        run: &args.run,
        target,
        milestone,
        negligible: args.negligible,
        confidence: args.confidence,
    };
    let report = sweep.report(plan, &scenario)?;
    if let Some(path) = &args.chart {
        Outputs::new(&loaded.files_read)
            .stdout_carries("the staffing table")
            .write_file(
                path,
                staff::staffing_chart_svg(&report)
                    .map_err(|e| anyhow::anyhow!("cannot draw the staffing chart: {e}"))?
                    .as_bytes(),
            )?;
    }
    super::deliver(
        &args.out,
        &loaded.files_read,
        || staff::render_text(&report),
        || staff::render_json(&report),
    )?;
    Ok(exit::OK)
}

/// A staffing sweep as the command line asks for it (`staff`, or `report` with a grid).
pub(super) struct Sweep<'a> {
    /// The options to try.
    pub grid: &'a GridArgs,
    /// Trials, seed, threads and policy of every option.
    pub run: &'a RunArgs,
    /// The objective in seconds, if any.
    pub target: Option<f64>,
    /// The milestone the objective is of (an index into the plan's milestones); `None`: the
    /// whole recovery.
    pub milestone: Option<usize>,
    /// `--negligible`, if given.
    pub negligible: Option<f64>,
    /// The chance of meeting the objective an option needs.
    pub confidence: f64,
}

impl Sweep<'_> {
    /// Runs every option of the grid on the same draws and builds the staffing report.
    pub fn report(&self, plan: &Plan, scenario: &Scenario) -> Result<StaffReport> {
        let input = |e: staff::StaffError| InputError(e.to_string());
        let g = self.grid;
        let grid = Grid::resolve_all(plan, &g.teams, &g.sizes, &g.rotas, &g.on_call, g.people)
            .map_err(input)?;
        let options = grid.options(plan).map_err(input)?;
        let options_run = run_options(self.run, plan);
        let config = SweepConfig {
            policy: options_run.policy,
            run: options_run.config,
            target: self.target,
            negligible: self.negligible,
        };
        let total = self.run.trials.saturating_mul(options.len() as u64);
        let runs = with_progress(total, |tick| {
            staff::sweep_for(
                plan,
                scenario,
                &grid,
                &options,
                &config,
                self.milestone,
                tick,
            )
        })?
        .context("cannot start worker threads")?;
        let mut report = staff::analyse(
            plan,
            scenario,
            &grid,
            &options,
            &runs,
            &config,
            self.confidence,
        );
        report.milestone = self.milestone.map(|k| plan.milestones[k].name.clone());
        Ok(report)
    }
}

/// What `--target` says: a time, or a milestone (its index, with its rto-target); without
/// it, the plan's rto-target.
fn target(plan: &Plan, arg: Option<&str>) -> Result<(Option<f64>, Option<usize>)> {
    let Some(text) = arg else {
        return Ok((plan.rto_target, None));
    };
    if let Some(k) = plan.milestones.iter().position(|m| m.name == text) {
        let m = &plan.milestones[k];
        let Some(t) = m.rto_target else {
            return Err(InputError(format!(
                "--target: milestone \"{text}\" has no rto-target (hint: give it rto-target = \"4h\" in the plan)"
            ))
            .into());
        };
        return Ok((Some(t), Some(k)));
    }
    match parse_span(text) {
        Ok(t) => Ok((Some(t), None)),
        Err(e) => {
            let names = plan.milestones.iter().map(|m| m.name.as_str());
            let hint = did_you_mean(text, names).unwrap_or_else(|| {
                if plan.milestones.is_empty() {
                    e.hint().to_string()
                } else {
                    let all: Vec<&str> = plan.milestones.iter().map(|m| m.name.as_str()).collect();
                    format!(
                        "a time such as 24h, or one of the plan's milestones: {}",
                        all.join(", ")
                    )
                }
            });
            Err(InputError(format!(
                "--target \"{text}\" is neither a time ({e}) nor a milestone (hint: {hint})"
            ))
            .into())
        }
    }
}
