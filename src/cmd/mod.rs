//! The commands of the binary, one file each: options in, library calls, outputs out. What is
//! shared by several commands (loading a plan, printing, the progress bar, run options) is
//! here.

#![expect(
    clippy::print_stderr,
    reason = "the binary is where diagnostics reach the user"
)]

mod calibrate;
mod check;
mod compare;
mod graph;
mod import;
mod optimise;
mod report;
mod runsheet;
mod simulate;
mod staff;
mod track;

use std::io::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::{Command, PolicyArg, RunArgs};
use rtosim::analysis::RunOptions;
use rtosim::plan::{LoadedPlan, Plan, load_plan};
use rtosim::sim::{Policy, RunConfig};

/// An error in what the user gave us (exit code 2), as opposed to a failure of ours.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct InputError(pub(crate) String);

/// Runs one command; returns its exit code.
pub(crate) fn run(command: Command) -> Result<i32> {
    match command {
        Command::Check(args) => check::run(&args),
        Command::Graph(args) => graph::run(&args),
        Command::Simulate(args) => simulate::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Staff(args) => staff::run(&args),
        Command::Compare(args) => compare::run(&args),
        Command::Runsheet(args) => runsheet::run(&args),
        Command::Import(cmd) => import::run(cmd),
        Command::Calibrate(args) => calibrate::run(&args),
        Command::Track(args) => track::run(&args),
        Command::Optimise(args) => optimise::run(&args),
    }
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

/// The dispatch policy an option names.
fn policy(p: PolicyArg) -> Policy {
    match p {
        PolicyArg::Lft => Policy::Lft,
        PolicyArg::Playbook => Policy::Playbook,
        PolicyArg::Deadline => Policy::Deadline,
        PolicyArg::Priority => Policy::Priority,
    }
}

/// `--policy priority` needs the plan's `priority` list.
fn require_priority(plan: &Plan, p: Option<PolicyArg>) -> Result<()> {
    if p == Some(PolicyArg::Priority) && plan.priority.is_none() {
        return Err(InputError(
            "--policy priority needs a priority list in the plan (hint: `rtosim optimise PLAN -o PLAN_OUT` writes one; or add priority = [\"step-id\", ...] naming every step once)".to_string(),
        )
        .into());
    }
    Ok(())
}

/// The policy `--policy` names, or the plan's default ([`Policy::default_for`]).
fn policy_for(p: Option<PolicyArg>, plan: &Plan) -> Policy {
    p.map_or_else(|| Policy::default_for(plan), policy)
}

/// The run options of the command line for `plan`: the one conversion from [`RunArgs`].
fn run_options(args: &RunArgs, plan: &Plan) -> RunOptions {
    RunOptions {
        scenario: args.scenario.clone(),
        policy: policy_for(args.policy, plan),
        config: RunConfig {
            trials: args.trials,
            seed: args.seed,
            threads: args.threads,
        },
        record_starts: false,
    }
}

/// The plan as `run` simulates it: with `--starts`, the disaster strikes then in every
/// scenario.
fn with_starts<'a>(plan: &'a Plan, run: &RunArgs) -> std::borrow::Cow<'a, Plan> {
    match run.starts {
        None => std::borrow::Cow::Borrowed(plan),
        Some(starts) => {
            let mut plan = plan.clone();
            plan.starts = Some(starts);
            plan.scenarios.iter_mut().for_each(|s| s.starts = None);
            std::borrow::Cow::Owned(plan)
        }
    }
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
/// The one seam between a command's report and its output: the report rendered as `--format`
/// asks (text for people, escaped; JSON for tools) and written to standard output or to `-o
/// FILE` (whole or not at all, never over an input: see [`Outputs`]).
fn deliver(
    out: &crate::cli::OutputArgs,
    files_read: &[std::path::PathBuf],
    text: impl FnOnce() -> String,
    json: impl FnOnce() -> String,
) -> Result<()> {
    let body = if out.format.is_json() {
        json()
    } else {
        rtosim::text::escape_control_keep_newlines(&text()).into_owned()
    };
    match &out.output {
        Some(path) => rtosim::output::Outputs::new(files_read).write_file(path, body.as_bytes())?,
        None => emit(&body)?,
    }
    Ok(())
}

fn emit(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}
