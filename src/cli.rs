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
    /// Try staffing options (groups, people per group, rotas, groups on call) and find the cheapest that meets the objective.
    Staff(StaffArgs),
    /// Compare two versions of a plan, scenarios and dispatch policies side by side, with the
    /// same random draws.
    Compare(CompareArgs),
    /// Print the game-day run sheet: who does what, in which order, and when.
    Runsheet(RunsheetArgs),
    /// After a game day: where each drill's actual RTO and step times fell in the forecast.
    Calibrate(CalibrateArgs),
    /// During a game day: re-forecast the finish from the logs of what has happened so far.
    Track(TrackArgs),
    /// Search the dispatch order that makes a figure of the RTO or of milestones best, confirmed on fresh draws.
    Optimise(OptimiseArgs),
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
    /// The report's format and where it goes.
    #[command(flatten)]
    pub out: OutputArgs,
}

/// Options of `track`: 20,000 trials by default, so that a forecast of the bundled plan takes
/// about 0.25 s and `--follow` keeps up with the room.
#[derive(Debug, Args)]
#[command(mut_arg("trials", |a| a.default_value("20000")))]
pub struct TrackArgs {
    /// The plan file.
    pub plan: PathBuf,
    /// Logs of the recovery so far, in any mix: the scribe's CSV (step,started[,ended][,outcome];
    /// an empty ended is a step still running, outcome failed a failed attempt), `terraform
    /// apply -json` logs (the step is the file name without extension) and Terragrunt run
    /// reports.
    #[arg(long, required = true, num_args = 1.., value_name = "LOG")]
    pub log: Vec<PathBuf>,
    /// When the recovery began, RFC 3339 [default: the first event of the logs]. Shifts and
    /// working hours count from it.
    #[arg(long, value_name = "TIME")]
    pub started: Option<String>,
    /// The time of the forecast, RFC 3339, or "last" for the last event of the logs (to
    /// replay a log) [default: the clock, or the last event when every step has finished].
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Re-read the logs when they change and forecast again (redrawn on a terminal, else one
    /// forecast appended per change); stops when every step has finished.
    #[arg(long)]
    pub follow: bool,
    /// Also write a self-contained page (S-curve and Gantt) for the screen in the room;
    /// rewritten atomically on every forecast, and reloading itself while --follow runs.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// The forecast's format (JSON: one line per forecast with --follow).
    #[command(flatten)]
    pub format: FormatArgs,
    /// Simulation options of the forecast (--starts does not apply: the recovery started at
    /// --started).
    #[command(flatten)]
    pub run: RunArgs,
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
    /// Summarise this loss scenario's critical path instead of every system lost.
    #[arg(long)]
    pub scenario: Option<String>,
    /// Text, or JSON for other tools (every problem, with its place, and the summary of a
    /// sound plan; exit code 2 for an invalid plan either way); to a file with `-o`.
    #[command(flatten)]
    pub out: OutputArgs,
}

/// Formats of a command that prints a report: text for people, JSON for tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextFormat {
    /// For people.
    Text,
    /// For other tools (times in seconds).
    Json,
}

/// How a command prints its report: `--format text|json`, with `--json` as a shorthand.
#[derive(Debug, Args, Clone)]
pub struct FormatArgs {
    /// Output format: text for people, or JSON for other tools (times in seconds).
    #[arg(long, value_enum, default_value_t = TextFormat::Text)]
    pub format: TextFormat,
    /// Shorthand for `--format json`.
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
}

impl FormatArgs {
    /// Whether the report is asked for as JSON.
    pub fn is_json(&self) -> bool {
        self.json || self.format == TextFormat::Json
    }
}

/// [`FormatArgs`] and where the report goes: standard output, or `-o FILE`.
#[derive(Debug, Args, Clone)]
pub struct OutputArgs {
    /// The format.
    #[command(flatten)]
    pub format: FormatArgs,
    /// Write the report to this file instead of standard output (`-` is standard output).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
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
    /// Latest finish time backwards from the objectives of the milestones each step feeds.
    Deadline,
    /// The plan's `priority` list (as `optimise` writes it), followed strictly.
    Priority,
}

/// Options shared by every command that simulates.
#[derive(Debug, Args, Clone)]
pub struct RunArgs {
    /// Loss scenario to simulate [default: the plan's first, or every system lost].
    #[arg(long)]
    pub scenario: Option<String>,
    /// Number of trials.
    #[arg(long, default_value_t = 100_000, value_parser = trials_arg)]
    pub trials: u64,
    /// Seed of every random stream; the same plan and seed give the same output.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads, at most 256; 0 (the default) means one per core. The output does not
    /// depend on it.
    #[arg(long, default_value_t = 0, hide_default_value = true, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=256))]
    pub threads: usize,
    /// Dispatch priority when groups or limits are short [default: deadline when the plan's
    /// milestones have targets, else lft].
    #[arg(long, value_enum)]
    pub policy: Option<PolicyArg>,
    /// When the disaster strikes, instead of the plan's `starts`: a day and time such as
    /// "Sat 03:00", a time alone (on a Monday), or "week" for any time in the week. Matters for
    /// teams with working hours.
    #[arg(long, value_name = "WHEN", value_parser = starts_arg)]
    pub starts: Option<rtosim::plan::Starts>,
}

/// Parses `--starts`.
fn starts_arg(text: &str) -> Result<rtosim::plan::Starts, String> {
    if text.trim() == "week" {
        return Ok(rtosim::plan::Starts::Week);
    }
    rtosim::plan::workforce::parse_week_time(text)
        .map(|second| rtosim::plan::Starts::At { second })
        .map_err(|e| format!("{e}; write \"Sat 03:00\", \"03:00\" or \"week\""))
}

/// Options of `simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The plan file.
    pub plan: PathBuf,
    /// Simulation options.
    #[command(flatten)]
    pub run: RunArgs,
    /// The report's format and where it goes.
    #[command(flatten)]
    pub out: OutputArgs,
    /// Also write one CSV row per trial to this file.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Skip the what-if runs that measure what each risk, factor, mobilisation, shifts and
    /// hand-offs cost, and what one more group of each team saves.
    #[arg(long)]
    pub no_costs: bool,
    /// What-if and gate options.
    #[command(flatten)]
    pub what_if: WhatIfArgs,
}

/// What-if and gate options, shared by `simulate` and `report`.
#[derive(Debug, Args, Clone)]
pub struct WhatIfArgs {
    /// Simulate as if this risk or factor were mitigated (removed from the plan); repeatable.
    #[arg(long, value_name = "RISK")]
    pub without: Vec<String>,
    /// CI gate: exit with code 3 when a figure of the RTO is above a time, such as p90=24h.
    /// FIGURE is any percentile pNN (0 < NN < 100, such as p50, p90, p99.5), mean or max;
    /// MILESTONE:FIGURE=TIME gates a milestone (customers-can-order:p90=4h), tierN: the last of
    /// a tier and all: the last of every milestone; repeatable. The output is written either
    /// way; each failed gate is named on stderr.
    #[arg(long = "fail-above", value_name = "FIGURE=TIME")]
    pub fail_above: Vec<rtosim::gate::Gate>,
}

/// Parses a time such as `24h` for an option.
fn span_arg(text: &str) -> Result<f64, String> {
    rtosim::duration::parse_span(text).map_err(|e| format!("{e} ({})", e.hint()))
}

/// Most trials a run takes.
const MAX_TRIALS: u64 = 100_000_000;

/// Parses a number of trials: `100000`, `100_000`, `100,000`, `100k`, `2m` or `1e5`.
pub fn trials_arg(text: &str) -> Result<u64, String> {
    let bad = || {
        format!(
            "\"{text}\" is not a number of trials (hint: a whole number from 1 to 100000000, such as 100000, 100_000, 100k or 1e5)"
        )
    };
    let plain: String = text
        .trim()
        .chars()
        .filter(|&c| c != '_' && c != ',')
        .collect();
    let (digits, scale) = match plain.char_indices().last() {
        Some((i, 'k' | 'K')) => (&plain[..i], 1_000.0),
        Some((i, 'm' | 'M')) => (&plain[..i], 1_000_000.0),
        _ => (plain.as_str(), 1.0),
    };
    if digits.is_empty()
        || !digits
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+'))
    {
        return Err(bad());
    }
    let value = digits.parse::<f64>().map_err(|_| bad())? * scale;
    if !(value.is_finite() && value.fract() == 0.0) {
        return Err(bad());
    }
    if !(1.0..=MAX_TRIALS as f64).contains(&value) {
        return Err(format!(
            "{text} trials is out of range (hint: from 1 to {MAX_TRIALS})"
        ));
    }
    Ok(value as u64)
}

/// Parses a probability in (0, 1].
fn confidence_arg(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(p) if p > 0.0 && p <= 1.0 => Ok(p),
        _ => Err(format!(
            "\"{text}\" is not a probability between 0 and 1, such as 0.9"
        )),
    }
}

/// The staffing options a sweep tries (`staff`, and `report` for its staffing section).
#[derive(Debug, Args, Default)]
pub struct GridArgs {
    /// Groups of a team to try: TEAM=LOW..HIGH (such as platform=1..4) or TEAM=N; repeatable.
    /// With --people, TEAM alone (or TEAM=LOW..) leaves the number open.
    #[arg(long = "team", value_name = "TEAM=LOW..HIGH")]
    pub teams: Vec<rtosim::staff::RangeArg>,
    /// People per group of a team to try, in the same form as --team; repeatable.
    #[arg(long = "size", value_name = "TEAM=LOW..HIGH")]
    pub sizes: Vec<rtosim::staff::RangeArg>,
    /// Rotas of a team to try: TEAM=together,staggered (a team that works shifts); repeatable.
    #[arg(long = "rota", value_name = "TEAM=ROTA,ROTA")]
    pub rotas: Vec<rtosim::staff::RotaArg>,
    /// Groups of a team on call out of hours to try: TEAM=LOW..HIGH (a team with working
    /// hours); repeatable.
    #[arg(long = "on-call", value_name = "TEAM=LOW..HIGH")]
    pub on_call: Vec<rtosim::staff::RangeArg>,
    /// Instead of the full grid, try every way of splitting exactly N people between the named
    /// teams (groups x people per group, within the ranges).
    #[arg(long, value_name = "N")]
    pub people: Option<u32>,
}

impl GridArgs {
    /// Whether any option was asked for.
    pub fn is_empty(&self) -> bool {
        self.teams.is_empty()
            && self.sizes.is_empty()
            && self.rotas.is_empty()
            && self.on_call.is_empty()
    }
}

/// Options of `staff`.
#[derive(Debug, Args)]
#[command(mut_arg("trials", |a| a.default_value("20000")))]
#[command(after_help = STAFF_HELP)]
pub struct StaffArgs {
    /// The plan file.
    pub plan: PathBuf,
    /// The staffing options to try.
    #[command(flatten)]
    pub grid: GridArgs,
    /// The chance of meeting the objective an option needs to count as meeting it.
    #[arg(long, default_value_t = 0.9, value_parser = confidence_arg)]
    pub confidence: f64,
    /// The objective, such as 24h, or a milestone's name: size the teams for when that
    /// milestone is reached, against its rto-target [default: the plan's rto-target].
    #[arg(long, value_name = "TIME|MILESTONE")]
    pub target: Option<String>,
    /// A P90 saving smaller than this does not matter, such as 10m [default: the larger of 5
    /// minutes and 1% of P90].
    #[arg(long, value_name = "TIME", value_parser = span_arg)]
    pub negligible: Option<f64>,
    /// Simulation options (per option; every option uses the same seed).
    #[command(flatten)]
    pub run: RunArgs,
    /// The report's format and where it goes.
    #[command(flatten)]
    pub out: OutputArgs,
    /// Also write the chart (RTO band from P50 to P90 against people) as SVG to this file.
    #[arg(long, value_name = "FILE")]
    pub chart: Option<PathBuf>,
}

const STAFF_HELP: &str = "\
Teams that no --team or --size names keep the plan's staffing and do not count toward the
people column or toward --people N. Each option runs with the same seed, so every option sees
the same step durations (common random numbers): differences are the staffing's effect.

The table marks the cheapest option whose chance of meeting the objective is at least
--confidence (without an objective, the cheapest whose P90 interval overlaps the best P90's).
For each option it gives what one more group or person saves at P90 against the option with
one less, with a 95% interval from the trial-by-trial differences, and says \"more people no
longer help\" only when that whole interval lies within --negligible.";

/// Options of `compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The plan file.
    pub plan: PathBuf,
    /// Another version of the plan (cross-training, a new rota, a faster step): each column
    /// then runs both versions, on the same draws for the same step ids.
    #[arg(value_name = "PLAN_B")]
    pub other: Option<PathBuf>,
    /// A scenario to compare; repeatable [default: the plan's first, or every system lost]. With
    /// PLAN_B, it must be in both plans.
    #[arg(long = "scenario", value_name = "NAME")]
    pub scenarios: Vec<String>,
    /// Compare every scenario of the plan.
    #[arg(long, conflicts_with = "scenarios")]
    pub all_scenarios: bool,
    /// Dispatch policies to compare, comma-separated or repeated.
    #[arg(
        long = "policy",
        value_enum,
        value_delimiter = ',',
        default_value = "lft"
    )]
    pub policies: Vec<PolicyArg>,
    /// Trials per column.
    #[arg(long, default_value_t = 20_000, value_parser = trials_arg)]
    pub trials: u64,
    /// Seed of every random stream, the same for every column.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads, at most 256; 0 (the default) means one per core. The output does not
    /// depend on it.
    #[arg(long, default_value_t = 0, hide_default_value = true, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=256))]
    pub threads: usize,
    /// The report's format and where it goes.
    #[command(flatten)]
    pub out: OutputArgs,
    /// Also write the overlaid S-curves as SVG to this file.
    #[arg(long, value_name = "FILE")]
    pub chart: Option<PathBuf>,
}

/// Formats of the run sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SheetFormat {
    /// Printable Markdown: a section per group.
    Md,
    /// One row per step, by planned start.
    Csv,
    /// The whole sheet as JSON (times in seconds).
    Json,
}

/// Options of `runsheet`.
#[derive(Debug, Args)]
#[command(mut_arg("trials", |a| a.default_value("20000")))]
pub struct RunsheetArgs {
    /// The plan file.
    pub plan: PathBuf,
    /// Simulation options (for the P50 / P90 columns).
    #[command(flatten)]
    pub run: RunArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SheetFormat::Md)]
    pub format: SheetFormat,
    /// Shorthand for `--format json`.
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Options of `report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The plan file.
    pub plan: PathBuf,
    /// Directory for report.html, report.md, report.json and charts/ (created when missing;
    /// replaced as a whole, keeping files the report does not write; a non-empty directory
    /// holding no earlier report is refused).
    #[arg(short, long, value_name = "OUTDIR")]
    pub output: PathBuf,
    /// Simulation options.
    #[command(flatten)]
    pub run: RunArgs,
    /// What-if and gate options.
    #[command(flatten)]
    pub what_if: WhatIfArgs,
    /// Staffing options to try for the report's staffing section (as `staff` takes them); the
    /// section then names the cheapest that meets the objective, and staffing.json holds them.
    #[command(flatten, next_help_heading = "Staffing options")]
    pub grid: GridArgs,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trial_counts_are_read_in_the_forms_people_write() {
        for (text, n) in [
            ("100000", 100_000),
            ("100_000", 100_000),
            ("100,000", 100_000),
            ("100k", 100_000),
            ("2M", 2_000_000),
            ("1e5", 100_000),
            ("1.5k", 1_500),
        ] {
            assert_eq!(trials_arg(text), Ok(n), "{text}");
        }
        for text in [
            "", "abc", "1.5", "0", "-3", "1e9", "1e300", "k", "NaN", "inf",
        ] {
            let err = trials_arg(text).expect_err(text);
            assert!(err.contains("hint:"), "{text}: {err}");
        }
    }
}

/// Options of `optimise`.
#[derive(Debug, Args)]
#[command(after_help = OPTIMISE_HELP)]
pub struct OptimiseArgs {
    /// The plan file.
    pub plan: PathBuf,
    /// Loss scenario to optimise [default: the plan's first, or every system lost].
    #[arg(long)]
    pub scenario: Option<String>,
    /// What to make best: p50, p90, p99 (any pNN) or mean of the RTO, made smallest; p(meet),
    /// the chance of meeting the plan's rto-target, made largest; or MILESTONE:FIGURE for a
    /// milestone (front-door:p90), a tier (tier1:p90, the last of tier 1 in each trial;
    /// tier1:p(meet), every one meeting its own rto-target) or all of them (all:p(meet)).
    #[arg(long, default_value = "p90", value_parser = objective_arg)]
    pub objective: rtosim::optimise::Objective,
    /// When to stop: a number of schedules (such as 20000: the same seed gives the same
    /// order) or a time (such as 30s: as many as fit, not reproducible).
    #[arg(long, default_value = "10000", value_parser = budget_arg)]
    pub budget: Budget,
    /// Trials each candidate order is scored on (one when every duration is fixed).
    #[arg(long, default_value_t = 1_000, value_parser = trials_arg)]
    pub trials: u64,
    /// Fresh trials the best order and the baselines are confirmed on.
    #[arg(long, default_value_t = 20_000, value_parser = trials_arg)]
    pub confirm_trials: u64,
    /// Seed of the search; the confirmation uses a seed derived from it.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Search only orders a crew can follow without ever idling: a free group starts the
    /// first ready step of the order that fits, as lft and playbook do (no priority-strict).
    /// With fixed durations this rules out the forward-backward improvement, and some
    /// optima (which need a group to wait) are out of reach.
    #[arg(long)]
    pub non_delay: bool,
    /// Write the plan with the found order as its `priority` list to this file (comments
    /// and layout kept); `--policy priority` then follows it.
    #[arg(short, long, value_name = "PLAN_OUT")]
    pub output: Option<PathBuf>,
    /// The result's format.
    #[command(flatten)]
    pub format: FormatArgs,
}

const OPTIMISE_HELP: &str = "\
The search is a genetic algorithm over dispatch orders (Hartmann 1998), each order scored by
strict list scheduling on the same trials; with fixed durations every order is also justified
forwards and backwards (Valls et al. 2005). It stops at the budget, when 200 generations
bring nothing better, or when the order meets a lower bound (for p(meet): every trial met).
The best order is then confirmed on fresh trials against lft and playbook (and deadline when
milestones have rto-targets), with the paired difference and its 95% interval; for p(meet)
the difference of the paired shares (McNemar).";

/// A search budget: schedules (reproducible) or seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Budget {
    /// Schedules to generate.
    Evaluations(u64),
    /// Seconds of searching.
    Seconds(f64),
}

/// Parses `--budget`: `20000` (schedules) or a time such as `30s`.
fn budget_arg(text: &str) -> Result<Budget, String> {
    let t = text.trim();
    if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == '_') {
        let n: u64 = t
            .replace('_', "")
            .parse()
            .map_err(|_| format!("\"{t}\" is too many schedules"))?;
        if n == 0 {
            return Err("a budget of 0 schedules searches nothing (hint: such as 20000, or a time such as 30s)".to_string());
        }
        return Ok(Budget::Evaluations(n));
    }
    let seconds = span_arg(t)?;
    if seconds <= 0.0 {
        return Err("a budget of 0s searches nothing (hint: such as 30s, or a number of schedules such as 20000)".to_string());
    }
    Ok(Budget::Seconds(seconds))
}

/// Parses `--objective`.
fn objective_arg(text: &str) -> Result<rtosim::optimise::Objective, String> {
    rtosim::optimise::Objective::parse(text).map_err(|e| e.to_string())
}
