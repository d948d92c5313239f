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

use crate::cli::ImportCommand;
use crate::{InputError, emit};
use rtosim::duration::format_span;
use rtosim::exit;
use rtosim::import::{
    self, ImportWarning, Observation, graph, observations_csv, terraform, terragrunt,
};
use rtosim::output::write_atomic;

/// Runs one import subcommand.
pub fn run(cmd: ImportCommand) -> Result<i32> {
    match cmd {
        ImportCommand::Terraform(args) => {
            let mut observations: Vec<Observation> = Vec::new();
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
            write_csv(&observations, args.output.as_deref())
        }
        ImportCommand::Terragrunt(args) => {
            let text = read(&args.report)?;
            let got = terragrunt::parse(
                &text,
                &args.report.display().to_string(),
                args.drill.as_deref(),
            )?;
            warn(&got.warnings);
            write_csv(&got.observations, args.output.as_deref())
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
            write_out(&toml, args.output.as_deref())
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

fn write_csv(observations: &[Observation], output: Option<&Path>) -> Result<i32> {
    let csv = observations_csv(observations).context("cannot render the observations")?;
    write_out(&csv, output)
}

fn write_out(text: &str, output: Option<&Path>) -> Result<i32> {
    match output {
        Some(path) => write_atomic(path, text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => emit(text)?,
    }
    Ok(exit::OK)
}
