//! The `rtosim` binary: parse the command line, dispatch to the command, map errors to exit
//! codes. Each command is a file of `cmd/`.

#![expect(
    clippy::print_stderr,
    reason = "the binary is where diagnostics reach the user"
)]

mod cli;
mod cmd;

use std::process::ExitCode;

use clap::Parser;

use cli::Cli;
use cmd::InputError;
use rtosim::analysis::AnalysisError;
use rtosim::exit;
use rtosim::output::OutputError;
use rtosim::plan::PlanError;

/// mimalloc instead of the system allocator: parsing and validating a plan allocates a small
/// string or vector per key, and glibc's allocator spent a quarter of `check`'s time on a
/// 100,000-step plan.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cmd::run(cli.command) {
        Ok(code) => ExitCode::from(code as u8),
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::from(exit::OK as u8);
            }
            let code = if is_invalid_input(&err) {
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

/// Whether the failure is in what the user gave (exit code 2): a plan, an option, a file, an
/// output path; everything else is a failure of ours.
fn is_invalid_input(err: &anyhow::Error) -> bool {
    err.downcast_ref::<InputError>().is_some()
        || err.downcast_ref::<PlanError>().is_some()
        || err.downcast_ref::<rtosim::import::ImportError>().is_some()
        || matches!(
            err.downcast_ref::<AnalysisError>(),
            Some(AnalysisError::UnknownScenario { .. })
        )
        || is_bad_path(err)
        || err
            .chain()
            .filter_map(|e| e.downcast_ref::<OutputError>())
            .any(OutputError::is_invalid_input)
}

/// Whether the failure is a path the user gave that cannot be read or written (a missing
/// directory, a file where a directory belongs, no permission): invalid input, not a bug.
fn is_bad_path(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .any(|e| rtosim::output::is_path_problem(e.kind()))
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}
