//! `rtosim import`: read the files, call the importers, write CSV or TOML, warn on stderr.
//!
//! The importers never modify a plan: they write observations (CSV) or a plan skeleton (TOML)
//! to standard output or to `-o FILE`, written whole or not at all.

#![expect(
    clippy::print_stderr,
    reason = "the binary is where warnings reach the user"
)]

use std::path::Path;

use anyhow::{Context, Result};

use super::{InputError, emit};
use crate::cli::ImportCommand;
use rtosim::duration::format_span;
use rtosim::exit;
use rtosim::import::{
    self, CsvWriter, ImportWarning, Observation, graph, observations_csv, terraform, terragrunt,
};
use rtosim::output::Outputs;

/// Runs one import subcommand.
pub fn run(cmd: ImportCommand) -> Result<i32> {
    match cmd {
        ImportCommand::Terraform(args) => {
            let mut observations: Vec<Observation> = Vec::new();
            let mut no_apply: Vec<ImportWarning> = Vec::new();
            for path in &args.logs {
                let text = read(path)?;
                let file = path.display().to_string();
                let step = match &args.step {
                    Some(step) => step.clone(),
                    None => import::sanitize_id(
                        &path
                            .file_stem()
                            .map(|s| s.to_string_lossy().into_owned())
                            .unwrap_or_default(),
                    ),
                };
                let log = terraform::parse(&text, &file, &step, args.drill.as_deref())?;
                warn(&log.warnings);
                no_apply.extend(log.no_apply);
                for apply in log.applies {
                    if args.resources {
                        let o = &apply.observation;
                        eprintln!(
                            "{file}: step \"{}\" {} in {}; slowest resources:",
                            o.step,
                            o.outcome,
                            format_span(o.duration_seconds)
                        );
                        for r in apply.resources.iter().take(5) {
                            eprintln!(
                                "  {:>8}  {}{} ({})",
                                format_span(r.seconds),
                                r.addr,
                                if r.failed { " FAILED" } else { "" },
                                r.action
                            );
                        }
                    }
                    observations.push(apply.observation);
                }
            }
            // An import that yields nothing is an error, with what each log held instead.
            if observations.is_empty() {
                let why: Vec<String> = no_apply.iter().map(ToString::to_string).collect();
                return Err(InputError(why.join("\nerror: ")).into());
            }
            warn(&no_apply);
            write_csv(&observations, args.output.as_deref(), &args.logs)
        }
        ImportCommand::Terragrunt(args) => {
            let text = read(&args.report)?;
            // Observations go straight into the CSV: a report of millions of units never
            // holds them all.
            let mut csv = CsvWriter::new().context("cannot render the observations")?;
            let mut failed = None;
            let warnings = terragrunt::for_each(
                &text,
                &args.report.display().to_string(),
                args.drill.as_deref(),
                |o| {
                    if let Err(e) = csv.write(&o) {
                        failed.get_or_insert(e);
                    }
                },
            )?;
            drop(text);
            if let Some(e) = failed {
                return Err(anyhow::Error::new(e).context("cannot render the observations"));
            }
            warn(&warnings);
            let csv = csv.finish().context("cannot render the observations")?;
            write_out(&csv, args.output.as_deref(), &[&args.report])
        }
        ImportCommand::Graph(args) => {
            let text = read(&args.file)?;
            let file = args.file.display().to_string();
            let skeleton = graph::parse(&text, &file)?;
            warn(&skeleton.warnings);
            let name = args
                .file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "imported".to_string());
            let toml = graph::render_skeleton(&skeleton, &file, &name);
            write_out(&toml, args.output.as_deref(), &[&args.file])
        }
    }
}

/// Reads an imported file through the shared reader: capped, byte-order marks decoded, bad
/// bytes placed by line and column.
fn read(path: &Path) -> Result<String> {
    rtosim::input::read_text(path, rtosim::input::LOG_LIMIT)
        .map_err(|e| InputError(e.to_string()).into())
}

fn warn(warnings: &[ImportWarning]) {
    for w in warnings {
        eprintln!("warning: {w}");
    }
}

fn write_csv(
    observations: &[Observation],
    output: Option<&Path>,
    inputs: &[impl AsRef<Path>],
) -> Result<i32> {
    let csv = observations_csv(observations).context("cannot render the observations")?;
    write_out(&csv, output, inputs)
}

/// Writes to `output` (never over one of the `inputs`), or to standard output.
fn write_out(text: &str, output: Option<&Path>, inputs: &[impl AsRef<Path>]) -> Result<i32> {
    match output {
        Some(path) => Outputs::new(inputs).write_file(path, text.as_bytes())?,
        None => emit(text)?,
    }
    Ok(exit::OK)
}
