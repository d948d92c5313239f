//! `rtosim calibrate`: read the drill logs, run the forecast, compare.

#![expect(
    clippy::print_stderr,
    reason = "the binary is where warnings reach the user"
)]

use anyhow::Result;

use crate::cli::CalibrateArgs;
use crate::{InputError, emit, load, simulate};
use rtosim::calibrate::{calibrate, group_drills, render_calibration};
use rtosim::exit;
use rtosim::import::drill_csv;

/// Runs `calibrate`.
pub fn run(args: &CalibrateArgs) -> Result<i32> {
    let loaded = load(&args.plan)?;
    let plan = &loaded.plan;
    // Drills the plan already learned from make the forecast look better calibrated than it is.
    let base = args.plan.parent().unwrap_or(std::path::Path::new(""));
    let learned: Vec<std::path::PathBuf> = plan
        .timings
        .iter()
        .filter_map(|p| glob::glob(&base.join(p).to_string_lossy()).ok())
        .flatten()
        .filter_map(|p| p.ok()?.canonicalize().ok())
        .collect();
    let mut files = Vec::new();
    for path in &args.actual {
        if path.canonicalize().is_ok_and(|c| learned.contains(&c)) {
            eprintln!(
                "warning: {} is one of the plan's timings files: the forecast already learned from it, so this drill is not an independent test",
                path.display()
            );
        }
        let name = path.display().to_string();
        let text = rtosim::input::read_text(path, rtosim::input::LOG_LIMIT)
            .map_err(|e| InputError(e.to_string()))?;
        let imported = drill_csv::parse(&text, &name)?;
        for w in &imported.warnings {
            eprintln!("warning: {w}");
        }
        files.push((name, imported.observations));
    }
    let drills = group_drills(&files);
    if drills.is_empty() {
        return Err(InputError("the --actual files hold no observations".to_string()).into());
    }
    let (scenario, model, config, result) = simulate(plan, &args.run)?;
    let report = calibrate(plan, &scenario, &model, &config, &result, &drills);
    if args.json {
        let mut text = serde_json::to_string_pretty(&report)?;
        text.push('\n');
        emit(&text)?;
    } else {
        emit(&render_calibration(&report))?;
    }
    Ok(exit::OK)
}
