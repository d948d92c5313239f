//! The `rtosim` binary: parse the command line, call the library, map errors to exit codes.

#![expect(
    clippy::print_stderr,
    reason = "the binary is where diagnostics reach the user"
)]

mod calibrate_cmd;
mod cli;
mod commands;
mod import_cmd;

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Parser;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use cli::{Cli, Command, PolicyArg, ReportArgs, RunArgs};
use rtosim::exit;
use rtosim::output::write_atomic;
use rtosim::plan::{LoadedPlan, Plan, PlanError, Scenario, did_you_mean, load_plan, render_dot};
use rtosim::report::{self, ReportInputs};
use rtosim::sim::{self, Model, Policy, RunConfig, RunResult};

/// An error in what the user gave us (exit code 2), as opposed to a failure of ours.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct InputError(String);

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code as u8),
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::from(exit::OK as u8);
            }
            let code = if err.downcast_ref::<InputError>().is_some()
                || err.downcast_ref::<PlanError>().is_some()
                || err.downcast_ref::<rtosim::import::ImportError>().is_some()
                || is_bad_path(&err)
            {
                exit::INVALID_INPUT
            } else {
                exit::FAILURE
            };
            match err.downcast_ref::<PlanError>() {
                // Diagnostics already carry their own "error:" prefixes.
                Some(PlanError::Invalid { .. }) => eprintln!("{err}"),
                _ => {
                    eprintln!("error: {err}");
                    for cause in err.chain().skip(1) {
                        eprintln!("  caused by: {cause}");
                    }
                }
            }
            ExitCode::from(code as u8)
        }
    }
}

/// Whether the failure is a path the user gave that cannot be read or written (a missing
/// directory, a file where a directory belongs, no permission): invalid input, not a bug.
fn is_bad_path(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::*;
    err.chain()
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .any(|e| {
            matches!(
                e.kind(),
                NotFound
                    | PermissionDenied
                    | NotADirectory
                    | IsADirectory
                    | AlreadyExists
                    | ReadOnlyFilesystem
            )
        })
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}

fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Check(args) => {
            let loaded = load(&args.plan)?;
            emit(&report::render_check(&loaded.plan))?;
            Ok(exit::OK)
        }
        Command::Graph(args) => {
            let loaded = load(&args.plan)?;
            let plan = &loaded.plan;
            let scenario = pick_scenario(plan, args.scenario.as_deref())?;
            let include = plan.needed_steps(&scenario);
            let model = Model::compile(plan, &scenario, Policy::Lft);
            let (_, path) = report::critical_path(&model);
            let critical: Vec<usize> = path
                .iter()
                .map(|&c| model.steps[c].plan_index as usize)
                .collect();
            let dot = render_dot(plan, &include, &critical);
            match args.output {
                Some(out) => write_atomic(&out, dot.as_bytes())
                    .with_context(|| format!("cannot write {}", out.display()))?,
                None => emit(&dot)?,
            }
            Ok(exit::OK)
        }
        Command::Simulate(args) => {
            let loaded = load(&args.plan)?;
            let plan = &commands::without(&loaded.plan, &args.without)?;
            let (scenario, model, config, result) = simulate(plan, &args.run)?;
            let mut summary = report::summarize(plan, &scenario, &model, &result, &config);
            summary.chaos = report::chaos_costs(plan, &scenario, model.policy, &config, &result)
                .context("cannot start worker threads")?;
            summary.chaos.without = args.without.clone();
            if let Some(path) = &args.csv {
                let csv = report::trials_csv(plan, &model, &result.outcomes)?;
                write_atomic(path, csv.as_bytes())
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
            if args.json {
                emit(&report::render_json(&summary))?;
            } else {
                emit(&report::render_text(&summary))?;
            }
            Ok(commands::check_gates(&args.fail_above, &result.outcomes))
        }
        Command::Report(args) => {
            let loaded = load(&args.plan)?;
            let plan = &loaded.plan;
            let (scenario, model, config, result) = simulate(plan, &args.run)?;
            let mut summary = report::summarize(plan, &scenario, &model, &result, &config);
            summary.chaos = report::chaos_costs(plan, &scenario, model.policy, &config, &result)
                .context("cannot start worker threads")?;
            if plan.has_chaos() {
                summary.chaos.p90_drivers =
                    report::p90_drivers(plan, &scenario, model.policy, &config, &result, &summary)
                        .context("cannot start worker threads")?;
            }
            let inputs = ReportInputs {
                plan_file: args.plan.display().to_string(),
                scenario_description: scenario.description.clone(),
                command: reproduce(&args, &scenario.name),
            };
            let built = report::build_management_report(plan, &model, &result, &summary, inputs)?;
            write_tree(&args.output, &built.files())?;
            emit(&format!(
                "wrote {}\n",
                args.output.join("report.html").display()
            ))?;
            Ok(exit::OK)
        }
        Command::Staff(args) => commands::staff(args),
        Command::Compare(args) => commands::compare(args),
        Command::Runsheet(args) => commands::runsheet(args),
        Command::Import(cmd) => import_cmd::run(cmd),
        Command::Calibrate(args) => calibrate_cmd::run(&args),
    }
}

/// The command line that reproduces a report.
fn reproduce(args: &ReportArgs, scenario: &str) -> String {
    let q = |p: &Path| report::shell_quote(&p.display().to_string());
    format!(
        "rtosim report {} -o {} --scenario {} --trials {} --seed {} --policy {}",
        q(&args.plan),
        q(&args.output),
        report::shell_quote(scenario),
        args.run.trials,
        args.run.seed,
        policy(args.run.policy).name()
    )
}

/// Writes each file under `dir`, whole or not at all, creating directories as needed and
/// leaving every other file in `dir` alone.
fn write_tree(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<()> {
    for (rel, contents) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create directory {}", parent.display()))?;
        }
        write_atomic(&path, contents)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// Loads a plan and prints its warnings to stderr.
fn load(path: &Path) -> Result<LoadedPlan> {
    let loaded = load_plan(path)?;
    let file = path.display().to_string();
    eprint!(
        "{}",
        rtosim::plan::render_diagnostics(&file, &loaded.warnings)
    );
    Ok(loaded)
}

fn pick_scenario(plan: &Plan, name: Option<&str>) -> Result<Scenario> {
    match name {
        None => Ok(plan.default_scenario()),
        Some(name) => plan.scenario(name).cloned().ok_or_else(|| {
            let known: Vec<&str> = plan.scenarios.iter().map(|s| s.name.as_str()).collect();
            let hint = did_you_mean(name, known.iter().copied()).unwrap_or_else(|| {
                if known.is_empty() {
                    "the plan defines no scenarios; omit --scenario to lose every system"
                        .to_string()
                } else {
                    format!("the plan's scenarios are {}", known.join(", "))
                }
            });
            InputError(format!("unknown scenario \"{name}\" (hint: {hint})")).into()
        }),
    }
}

fn policy(p: PolicyArg) -> Policy {
    match p {
        PolicyArg::Lft => Policy::Lft,
        PolicyArg::Playbook => Policy::Playbook,
    }
}

/// Compiles the scenario and runs the trials, with a progress bar on a terminal.
fn simulate(plan: &Plan, args: &RunArgs) -> Result<(Scenario, Model, RunConfig, RunResult)> {
    simulate_recording(plan, args, false)
}

/// As [`simulate`], optionally also collecting each step's start times.
fn simulate_recording(
    plan: &Plan,
    args: &RunArgs,
    record_starts: bool,
) -> Result<(Scenario, Model, RunConfig, RunResult)> {
    let scenario = pick_scenario(plan, args.scenario.as_deref())?;
    let mut model = Model::compile(plan, &scenario, policy(args.policy));
    model.record_starts = record_starts;
    let config = RunConfig {
        trials: args.trials,
        seed: args.seed,
        threads: args.threads,
    };
    let result = with_progress(args.trials, |tick| sim::run(&model, &config, tick))?
        .context("cannot start worker threads")?;
    Ok((scenario, model, config, result))
}

/// Shows a progress bar on stderr once a run has taken more than a second, when stderr is a
/// terminal; nothing otherwise, and never anything on stdout.
fn with_progress<T>(total: u64, work: impl FnOnce(&(dyn Fn(u64) + Sync)) -> T) -> Result<T> {
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {wide_bar} {pos}/{len} trials, {eta} left")
            .context("progress bar template")?,
    );
    let shown = AtomicBool::new(false);
    let tick = |n: u64| {
        bar.inc(n);
        if !shown.load(Ordering::Relaxed)
            && bar.elapsed() > Duration::from_secs(1)
            && !shown.swap(true, Ordering::Relaxed)
        {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    };
    let out = work(&tick);
    bar.finish_and_clear();
    Ok(out)
}

/// Writes to stdout; a closed pipe (`rtosim ... | head`) ends the program quietly.
fn emit(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}
