//! `rtosim staff`: sweep staffing options on the same draws.

use anyhow::{Context, Result};

use super::{InputError, emit, load, run_options, with_progress, with_starts};
use crate::cli::StaffArgs;
use rtosim::analysis::resolve_scenario;
use rtosim::duration::parse_span;
use rtosim::exit;
use rtosim::output::Outputs;
use rtosim::plan::{Plan, did_you_mean};
use rtosim::staff::{self, Grid, SweepConfig};

/// `rtosim staff`: sweep the staffing options and print the table (or JSON).
pub(super) fn run(args: &StaffArgs) -> Result<i32> {
    let loaded = load(&args.plan)?;
    let plan = &*with_starts(&loaded.plan, &args.run);
    let scenario = resolve_scenario(plan, args.run.scenario.as_deref())?;
    let input = |e: staff::StaffError| InputError(e.to_string());
    let grid = Grid::resolve(plan, &args.teams, &args.sizes, args.people).map_err(input)?;
    let options = grid.options(plan).map_err(input)?;
    let options_run = run_options(&args.run, plan);
    let (target, milestone) = target(plan, args.target.as_deref())?;
    let config = SweepConfig {
        policy: options_run.policy,
        run: options_run.config,
        target,
    };
    let total = args.run.trials.saturating_mul(options.len() as u64);
    let stats = with_progress(total, |tick| {
        staff::sweep_for(plan, &scenario, &grid, &options, &config, milestone, tick)
    })?
    .context("cannot start worker threads")?;
    let mut report = staff::analyse(
        plan,
        &scenario,
        &grid,
        &options,
        &stats,
        &config,
        args.confidence,
    );
    report.milestone = milestone.map(|k| plan.milestones[k].name.clone());
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
