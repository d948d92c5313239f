//! `rtosim report`: the management report, written as one directory.

use std::path::Path;

use anyhow::Result;

use super::simulate::{check_gate_names, check_gates, without};
use super::{emit, load, run_options, with_progress, with_starts};
use crate::cli::ReportArgs;
use rtosim::analysis::{Wants, analyse};
use rtosim::output::Outputs;
use rtosim::report::{self, ReportInputs};

/// Runs `report`.
pub(super) fn run(args: &ReportArgs) -> Result<i32> {
    let loaded = load(&args.plan)?;
    let plan = &without(&loaded.plan, &args.what_if.without)?;
    super::require_priority(plan, args.run.policy)?;
    let plan = &*with_starts(plan, &args.run);
    check_gate_names(&args.what_if.fail_above, plan)?;
    let wants = Wants {
        costs: true,
        drivers: true,
        replays: true,
        staffing: true,
    };
    let mut a = with_progress(args.run.trials, |tick| {
        analyse(plan, &run_options(&args.run, plan), wants, tick)
    })??;
    a.summary.chaos.without = args.what_if.without.clone();
    let inputs = ReportInputs {
        plan_file: args.plan.display().to_string(),
        scenario_description: a.scenario.description.clone(),
        command: reproduce(args, plan, &a.scenario.name),
    };
    let mut built = report::build_management_report(plan, &a, inputs)?;
    if !args.grid.is_empty() {
        let sweep = super::staff::Sweep {
            grid: &args.grid,
            run: &args.run,
            target: plan.rto_target,
            milestone: None,
            negligible: None,
            confidence: 0.9,
        };
        built.staffing = Some(sweep.report(plan, &a.scenario)?);
    }
    Outputs::new(&loaded.files_read).write_dir(&args.output, &built.files())?;
    emit(&format!(
        "wrote {}\n",
        args.output.join("report.html").display()
    ))?;
    check_gates(&args.what_if.fail_above, plan, &a)
}

/// The command line that reproduces a report.
fn reproduce(args: &ReportArgs, plan: &rtosim::plan::Plan, scenario: &str) -> String {
    let q = |p: &Path| report::shell_quote(&p.display().to_string());
    let mut line = format!(
        "rtosim report {} -o {} --scenario {} --trials {} --seed {} --policy {}",
        q(&args.plan),
        q(&args.output),
        report::shell_quote(scenario),
        args.run.trials,
        args.run.seed,
        super::policy_for(args.run.policy, plan).name()
    );
    for name in &args.what_if.without {
        line += &format!(" --without {}", report::shell_quote(name));
    }
    let g = &args.grid;
    for (flag, values) in [
        (
            "--team",
            g.teams.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ),
        ("--size", g.sizes.iter().map(ToString::to_string).collect()),
        ("--rota", g.rotas.iter().map(ToString::to_string).collect()),
        (
            "--on-call",
            g.on_call.iter().map(ToString::to_string).collect(),
        ),
    ] {
        for v in values {
            line += &format!(" {flag} {}", report::shell_quote(&v));
        }
    }
    if let Some(n) = g.people {
        line += &format!(" --people {n}");
    }
    line
}
