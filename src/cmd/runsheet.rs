//! `rtosim runsheet`: who does what, in which order, and when.

use anyhow::Result;

use super::{emit, load, run_options, with_progress, with_starts};
use crate::cli::{RunsheetArgs, SheetFormat};
use rtosim::analysis::{Wants, analyse};
use rtosim::exit;
use rtosim::output::Outputs;
use rtosim::runsheet;
use rtosim::sim;

/// `rtosim runsheet`: who does what, in which order, and when.
pub(super) fn run(args: &RunsheetArgs) -> Result<i32> {
    let loaded = load(&args.plan)?;
    super::require_priority(&loaded.plan, args.run.policy)?;
    let plan = &*with_starts(&loaded.plan, &args.run);
    let mut options = run_options(&args.run, plan);
    options.record_starts = true;
    let a = with_progress(args.run.trials, |tick| {
        analyse(plan, &options, Wants::default(), tick)
    })??;
    let day = sim::planned(&a.model);
    let sheet = runsheet::build(plan, &a.scenario, &a.model, &day, &a.run.accum, &a.config);
    let format = if args.json {
        SheetFormat::Json
    } else {
        args.format
    };
    let text = match format {
        SheetFormat::Md => runsheet::render_markdown(&sheet),
        SheetFormat::Csv => runsheet::render_csv(&sheet)?,
        SheetFormat::Json => serde_json::to_string_pretty(&sheet)? + "\n",
    };
    match &args.output {
        Some(path) => Outputs::new(&loaded.files_read).write_file(path, text.as_bytes())?,
        None => emit(&text)?,
    }
    Ok(exit::OK)
}
