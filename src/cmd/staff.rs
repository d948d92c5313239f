//! `rtosim staff`: sweep staffing options on the same draws.

use anyhow::{Context, Result};

use super::{InputError, emit, load, run_options, with_progress, with_starts};
use crate::cli::StaffArgs;
use rtosim::analysis::resolve_scenario;
use rtosim::exit;
use rtosim::output::Outputs;
use rtosim::staff::{self, Grid, SweepConfig};

/// `rtosim staff`: sweep the staffing options and print the table (or JSON).
pub(super) fn run(args: &StaffArgs) -> Result<i32> {
    let loaded = load(&args.plan)?;
    super::require_priority(&loaded.plan, args.run.policy)?;
    let plan = &*with_starts(&loaded.plan, &args.run);
    let scenario = resolve_scenario(plan, args.run.scenario.as_deref())?;
    let input = |e: staff::StaffError| InputError(e.to_string());
    let grid = Grid::resolve(plan, &args.teams, &args.sizes, args.people).map_err(input)?;
    let options = grid.options(plan).map_err(input)?;
    let options_run = run_options(&args.run);
    let config = SweepConfig {
        policy: options_run.policy,
        run: options_run.config,
        target: args.target.or(plan.rto_target),
    };
    let total = args.run.trials.saturating_mul(options.len() as u64);
    let stats = with_progress(total, |tick| {
        staff::sweep(plan, &scenario, &grid, &options, &config, tick)
    })?
    .context("cannot start worker threads")?;
    let report = staff::analyse(
        plan,
        &scenario,
        &grid,
        &options,
        &stats,
        &config,
        args.confidence,
    );
    if let Some(path) = &args.chart {
        Outputs::new(&loaded.files_read)
            .stdout_carries("the staffing table")
            .write_file(path, staff::staffing_chart_svg(&report).as_bytes())?;
    }
    if args.json {
        emit(&staff::render_json(&report))?;
    } else {
        emit(&staff::render_text(&report))?;
    }
    Ok(exit::OK)
}
