//! `rtosim staff`: sweep staffing options on the same draws.

use anyhow::{Context, Result};

use super::{InputError, emit, load, run_options, with_progress, with_starts};
use crate::cli::{GridArgs, RunArgs, StaffArgs};
use rtosim::analysis::resolve_scenario;
use rtosim::exit;
use rtosim::output::Outputs;
use rtosim::plan::{Plan, Scenario};
use rtosim::staff::{self, Grid, StaffReport, SweepConfig};

/// `rtosim staff`: sweep the staffing options and print the table (or JSON).
pub(super) fn run(args: &StaffArgs) -> Result<i32> {
    let loaded = load(&args.plan)?;
    let plan = &*with_starts(&loaded.plan, &args.run);
    let scenario = resolve_scenario(plan, args.run.scenario.as_deref())?;
    let sweep = Sweep {
        grid: &args.grid,
        run: &args.run,
        target: args.target.or(plan.rto_target),
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
    if args.json {
        emit(&staff::render_json(&report))?;
    } else {
        emit(&staff::render_text(&report))?;
    }
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
        let options_run = run_options(self.run);
        let config = SweepConfig {
            policy: options_run.policy,
            run: options_run.config,
            target: self.target,
            negligible: self.negligible,
        };
        let total = self.run.trials.saturating_mul(options.len() as u64);
        let runs = with_progress(total, |tick| {
            staff::sweep(plan, scenario, &grid, &options, &config, tick)
        })?
        .context("cannot start worker threads")?;
        Ok(staff::analyse(
            plan,
            scenario,
            &grid,
            &options,
            &runs,
            &config,
            self.confidence,
        ))
    }
}
