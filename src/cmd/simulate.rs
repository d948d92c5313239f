//! `rtosim simulate`: the RTO distribution, what drives it and what each piece of chaos
//! costs; and the `--without` and `--fail-above` options it shares with `report`.

use anyhow::Result;

use super::{InputError, load, run_options, with_progress, with_starts};
use crate::cli::SimulateArgs;
use rtosim::analysis::{Analysis, Wants, analyse, milestone_names, named_times};
use rtosim::exit;
use rtosim::gate::{Gate, evaluate_named};
use rtosim::output::Outputs;
use rtosim::plan::{ChaosItem, Plan, did_you_mean};
use rtosim::report;

/// Runs `simulate`.
pub(super) fn run(args: &SimulateArgs) -> Result<i32> {
    let loaded = load(&args.plan)?;
    let plan = &without(&loaded.plan, &args.what_if.without)?;
    super::require_priority(plan, args.run.policy)?;
    let plan = &*with_starts(plan, &args.run);
    check_gate_names(&args.what_if.fail_above, plan)?;
    let wants = Wants {
        costs: !args.no_costs,
        staffing: !args.no_costs,
        ..Wants::default()
    };
    let mut a = with_progress(args.run.trials, |tick| {
        analyse(plan, &run_options(&args.run, plan), wants, tick)
    })??;
    a.summary.chaos.without = args.what_if.without.clone();
    if let Some(path) = &args.csv {
        let csv = report::trials_csv(plan, &a.model, &a.run.outcomes, &a.run.milestones)?;
        Outputs::new(&loaded.files_read)
            .stdout_carries("the summary")
            .write_file(path, csv.as_bytes())?;
    }
    super::deliver(
        &args.out,
        &loaded.files_read,
        || report::render_text(&a.summary),
        || report::render_json(&a.summary),
    )?;
    check_gates(&args.what_if.fail_above, plan, &a)
}

/// Refuses, before any run, a gate that names no milestone or group of the plan.
pub(super) fn check_gate_names(gates: &[Gate], plan: &Plan) -> Result<()> {
    let names = milestone_names(plan);
    let named = |name: &str| names.iter().any(|n| n == name).then(Vec::new);
    evaluate_named(gates, &[], &named, &names)
        .map_err(|e| InputError(format!("--fail-above: {e}")))?;
    Ok(())
}

/// Checks the `--fail-above` gates: every result on stderr, and the exit code
/// [`exit::OBJECTIVE_MISSED`] when any figure is above its threshold.
#[expect(
    clippy::print_stderr,
    reason = "gate results are diagnostics for the CI log"
)]
pub(super) fn check_gates(gates: &[Gate], plan: &Plan, a: &Analysis) -> Result<i32> {
    let mut code = exit::OK;
    let named = |name: &str| named_times(plan, &a.run.milestones, name);
    let results = evaluate_named(gates, a.rtos.sorted(), &named, &milestone_names(plan))
        .map_err(|e| InputError(format!("--fail-above: {e}")))?;
    for r in results {
        if r.failed {
            eprintln!("error: {}", r.describe());
            code = exit::OBJECTIVE_MISSED;
        } else {
            eprintln!("{}", r.describe());
        }
    }
    Ok(code)
}

/// The plan without the risks and factors named by `--without`.
pub(super) fn without(plan: &Plan, names: &[String]) -> Result<Plan> {
    let mut out = plan.clone();
    for name in names {
        let item = ChaosItem::named(plan, name).ok_or_else(|| {
            let known = plan
                .risks
                .iter()
                .map(|r| r.name.as_str())
                .chain(plan.factors.iter().map(|f| f.name.as_str()));
            let hint = did_you_mean(name, known.clone()).unwrap_or_else(|| {
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
        out = out.without(&item);
    }
    Ok(out)
}
