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
    /// After a game day: where each drill's actual RTO and step times fell in the forecast.
    Calibrate(CalibrateArgs),
    /// Turn Terraform and Terragrunt logs into recorded timings, or a graph into a plan skeleton.
    #[command(subcommand)]
    Import(ImportCommand),
}

/// Options of `calibrate`.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// The plan file.
    pub plan: PathBuf,
    /// Drill logs with the actual timings (CSV: step,started,ended or step,duration, with
    /// outcome and drill); repeat the option for several files.
    #[arg(long, required = true, num_args = 1.., value_name = "OBSERVATIONS")]
    pub actual: Vec<PathBuf>,
    /// Simulation options of the forecast.
    #[command(flatten)]
    pub run: RunArgs,
    /// Print the report as JSON (times in seconds) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// What `import` reads.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// `terraform apply -json` logs (or OpenTofu's): one observation per apply, as CSV.
    Terraform(ImportTerraformArgs),
    /// A Terragrunt run report (`--report-file`, CSV or JSON): one observation per unit, as CSV.
    Terragrunt(ImportTerragruntArgs),
    /// A DOT graph (`terraform graph`, `terragrunt dag graph`) or `terragrunt find --json
    /// --dependencies`: a plan skeleton with steps and dependencies, as TOML.
    Graph(ImportGraphArgs),
}

/// Options of `import terraform`.
#[derive(Debug, Args)]
pub struct ImportTerraformArgs {
    /// The logs, one apply (or several appended) each.
    #[arg(required = true, value_name = "LOG")]
    pub logs: Vec<PathBuf>,
    /// The step every apply belongs to [default: each log's file name without extension].
    #[arg(long, value_name = "ID")]
    pub step: Option<String>,
    /// The drill (game day) label written on each observation.
    #[arg(long, value_name = "LABEL")]
    pub drill: Option<String>,
    /// Also list the slowest resources of each apply on stderr.
    #[arg(long)]
    pub resources: bool,
    /// Write the CSV to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Options of `import terragrunt`.
#[derive(Debug, Args)]
pub struct ImportTerragruntArgs {
    /// The report written by `terragrunt run --all apply --report-file FILE`.
    pub report: PathBuf,
    /// The drill (game day) label written on each observation.
    #[arg(long, value_name = "LABEL")]
    pub drill: Option<String>,
    /// Write the CSV to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Options of `import graph`.
#[derive(Debug, Args)]
pub struct ImportGraphArgs {
    /// The graph: DOT, or the JSON of `terragrunt find --json --dependencies`.
    pub file: PathBuf,
    /// Write the plan skeleton to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
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
