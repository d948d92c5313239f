//! The `staff`, `compare` and `runsheet` commands and the `simulate` gates: options in, library
//! calls, outputs out. Everything here is I/O at the edge; the logic lives in the library.

use anyhow::{Context, Result};

use crate::cli::{CompareArgs, RunsheetArgs, SheetFormat, StaffArgs};
use crate::{InputError, emit, load, pick_scenario, policy, simulate_recording, with_progress};
use rtosim::compare::{self, Variant};
use rtosim::exit;
use rtosim::gate::{Gate, evaluate};
use rtosim::output::Outputs;
use rtosim::runsheet;
use rtosim::sim::{self, Outcome, RunConfig};
use rtosim::staff::{self, Grid, SweepConfig};

/// `rtosim staff`: sweep the staffing options and print the table (or JSON).
pub(crate) fn staff(args: StaffArgs) -> Result<i32> {
    let loaded = load(&args.plan)?;
    let plan = &loaded.plan;
    let scenario = pick_scenario(plan, args.run.scenario.as_deref())?;
    let input = |e: staff::StaffError| InputError(e.to_string());
    let grid = Grid::resolve(plan, &args.teams, &args.sizes, args.people).map_err(input)?;
    let options = grid.options(plan).map_err(input)?;
    let config = SweepConfig {
        policy: policy(args.run.policy),
        run: RunConfig {
            trials: args.run.trials,
            seed: args.run.seed,
            threads: args.run.threads,
        },
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

/// `rtosim compare`: scenarios x policies side by side.
pub(crate) fn compare(args: CompareArgs) -> Result<i32> {
    let loaded = load(&args.plan)?;
    let plan = &loaded.plan;
    let scenarios = if args.all_scenarios {
        if plan.scenarios.is_empty() {
            vec![plan.everything_lost()]
        } else {
            plan.scenarios.clone()
        }
    } else if args.scenarios.is_empty() {
        vec![plan.default_scenario()]
    } else {
        args.scenarios
            .iter()
            .map(|name| pick_scenario(plan, Some(name)))
            .collect::<Result<Vec<_>>>()?
    };
    let variants: Vec<Variant> = scenarios
        .iter()
        .flat_map(|s| {
            args.policies.iter().map(|&p| Variant {
                scenario: s.clone(),
                policy: policy(p),
            })
        })
        .collect();
    let config = RunConfig {
        trials: args.trials,
        seed: args.seed,
        threads: args.threads,
    };
    let total = args.trials.saturating_mul(variants.len() as u64);
    let report = with_progress(total, |tick| {
        compare::compare(plan, &variants, &config, tick)
    })?
    .context("cannot start worker threads")?;
    if let Some(path) = &args.chart {
        Outputs::new(&loaded.files_read)
            .stdout_carries("the comparison")
            .write_file(path, compare::s_curve_svg(&report).as_bytes())?;
    }
    if args.json {
        emit(&compare::render_json(&report))?;
    } else {
        emit(&compare::render_text(&report))?;
    }
    Ok(exit::OK)
}

/// `rtosim runsheet`: who does what, in which order, and when.
pub(crate) fn runsheet(args: RunsheetArgs) -> Result<i32> {
    let loaded = load(&args.plan)?;
    let plan = &loaded.plan;
    let (scenario, model, config, result) = simulate_recording(plan, &args.run, true)?;
    let det = sim::deterministic(&model);
    let sheet = runsheet::build(plan, &scenario, &model, &det, &result.accum, &config);
    let text = match args.format {
        SheetFormat::Md => runsheet::render_markdown(&sheet),
        SheetFormat::Csv => runsheet::render_csv(&sheet)?,
    };
    match &args.output {
        Some(path) => Outputs::new(&loaded.files_read).write_file(path, text.as_bytes())?,
        None => emit(&text)?,
    }
    Ok(exit::OK)
}

/// Checks `simulate`'s `--fail-above` gates: every result on stderr, and the exit code
/// [`exit::OBJECTIVE_MISSED`] when any figure is above its threshold.
#[expect(
    clippy::print_stderr,
    reason = "gate results are diagnostics for the CI log"
)]
pub(crate) fn check_gates(gates: &[Gate], outcomes: &[Outcome]) -> i32 {
    if gates.is_empty() {
        return exit::OK;
    }
    let mut rtos: Vec<f64> = outcomes.iter().map(|o| o.rto).collect();
    rtos.sort_unstable_by(f64::total_cmp);
    let mut code = exit::OK;
    for r in evaluate(gates, &rtos) {
        if r.failed {
            eprintln!("error: {}", r.describe());
            code = exit::OBJECTIVE_MISSED;
        } else {
            eprintln!("{}", r.describe());
        }
    }
    code
}

/// The plan without the risks and factors named by `--without`.
pub(crate) fn without(plan: &rtosim::plan::Plan, names: &[String]) -> Result<rtosim::plan::Plan> {
    let mut out = plan.clone();
    for name in names {
        out = out.without(name).ok_or_else(|| {
            let known = plan
                .risks
                .iter()
                .map(|r| r.name.as_str())
                .chain(plan.factors.iter().map(|f| f.name.as_str()));
            let hint = rtosim::plan::did_you_mean(name, known.clone()).unwrap_or_else(|| {
                let all: Vec<&str> = known.collect();
                if all.is_empty() {
                    "the plan has no [[risk]] or [[factor]]".to_string()
                } else {
                    format!("the plan's risks and factors are {}", all.join(", "))
                }
            });
            InputError(format!(
                "--without names unknown risk or factor \"{name}\" (hint: {hint})"
            ))
        })?;
    }
    Ok(out)
}
