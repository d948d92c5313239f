//! Command-line interface: clap types only, no logic.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Monte Carlo simulation of disaster recovery: how long would recovery take, and how many
/// people do we need?
#[derive(Debug, Parser)]
#[command(name = "rtosim", version, about, long_about = None, after_help = EXIT_CODES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

const EXIT_CODES: &str = "Exit codes: 0 success, 1 unexpected failure, 2 invalid input (plan, options or files), 3 objective missed (--fail-above).";

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a plan: report every problem with its line and column, or summarise a sound plan.
    Check(CheckArgs),
    /// Write the dependency graph as Graphviz DOT, systems as clusters, critical path in red.
    Graph(GraphArgs),
    /// Simulate the recovery many times and report the RTO distribution and what drives it.
    Simulate(SimulateArgs),
    /// Simulate, then write a management report: HTML, Markdown, JSON and charts (SVG, PNG).
    Report(ReportArgs),
}

/// Options of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The plan file (TOML, or JSON when it ends in .json).
    pub plan: PathBuf,
}

/// Options of `graph`.
#[derive(Debug, Args)]
pub struct GraphArgs {
    /// The plan file.
    pub plan: PathBuf,
    /// Only the steps of this scenario's lost systems.
    #[arg(long)]
    pub scenario: Option<String>,
    /// Write to this file instead of standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

/// Dispatch priority when groups or limits are short.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PolicyArg {
    /// Latest finish time from a backward pass over mean durations.
    Lft,
    /// The order steps appear in the plan.
    Playbook,
}

/// Options shared by every command that simulates.
#[derive(Debug, Args, Clone)]
pub struct RunArgs {
    /// Loss scenario to simulate [default: the plan's first, or every system lost].
    #[arg(long)]
    pub scenario: Option<String>,
    /// Number of trials.
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    pub trials: u64,
    /// Seed of every random stream; the same plan and seed give the same output.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads [default: one per core]; the output does not depend on it.
    #[arg(long, default_value_t = 0, hide_default_value = true)]
    pub threads: usize,
    /// Dispatch priority when groups or limits are short.
    #[arg(long, value_enum, default_value_t = PolicyArg::Lft)]
    pub policy: PolicyArg,
}

/// Options of `simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The plan file.
    pub plan: PathBuf,
    /// Simulation options.
    #[command(flatten)]
    pub run: RunArgs,
    /// Print the report as JSON (times in seconds) instead of text.
    #[arg(long)]
    pub json: bool,
    /// Also write one CSV row per trial to this file.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
}

/// Options of `report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The plan file.
    pub plan: PathBuf,
    /// Directory for report.html, report.md, report.json and charts/ (created when missing;
    /// files the report does not write are left alone).
    #[arg(short, long, value_name = "OUTDIR")]
    pub output: PathBuf,
    /// Simulation options.
    #[command(flatten)]
    pub run: RunArgs,
}
