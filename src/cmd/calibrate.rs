//! `rtosim calibrate`: read the drill logs, run the forecast, compare.

#![expect(
    clippy::print_stderr,
    reason = "the binary is where warnings reach the user"
)]

use anyhow::Result;

use super::{InputError, load, run_options, with_starts};
use crate::cli::CalibrateArgs;
use rtosim::analysis::{Wants, analyse};
use rtosim::calibrate::{calibrate, group_drills, render_calibration, unknown_steps};
use rtosim::exit;
use rtosim::import::drill_csv;

/// Runs `calibrate`.
pub fn run(args: &CalibrateArgs) -> Result<i32> {
    let loaded = load(&args.plan)?;
    super::require_priority(&loaded.plan, args.run.policy)?;
    let plan = &*with_starts(&loaded.plan, &args.run);
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
    let mut errors: Vec<String> = Vec::new();
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
        // Every bad line of every file, and every unknown step, is reported at once.
        // The scribe's log of `track` reads as it is: a step still running has no time yet.
        let imported = match drill_csv::parse_live(&text, &name) {
            Ok(imported) => imported,
            Err(bad) => {
                errors.push(bad.render("error: "));
                continue;
            }
        };
        for w in &imported.warnings {
            eprintln!("warning: {w}");
        }
        for o in &imported.running {
            let line = o.step_at.map_or(String::new(), |p| format!(":{}", p.line));
            eprintln!(
                "warning: {name}{line}: step \"{}\" has a start but no end (still running when the log was written); not a timing, skipped",
                o.step
            );
        }
        let unknown = unknown_steps(plan, &name, &imported.observations);
        errors.extend(unknown.iter().map(ToString::to_string));
        files.push((name, imported.observations));
    }
    if !errors.is_empty() {
        return Err(InputError(errors.join("\nerror: ")).into());
    }
    let drills = group_drills(&files);
    if drills.is_empty() {
        return Err(InputError("the --actual files hold no observations".to_string()).into());
    }
    let a = super::with_progress(args.run.trials, |tick| {
        analyse(plan, &run_options(&args.run, plan), Wants::default(), tick)
    })??;
    let report = calibrate(plan, &a.scenario, &a.model, &a.config, &a.run, &drills);
    // A drill that times no step of the scenario says nothing about its forecast.
    let outside: Vec<String> = report
        .drills
        .iter()
        .filter(|d| d.steps.is_empty())
        .map(|d| {
            format!(
                "drill \"{}\" times no step of scenario \"{}\" (it times {}) (hint: calibrate against the scenario the drill rehearsed, with --scenario)",
                d.drill,
                a.scenario.name,
                d.ignored_steps
                    .iter()
                    .map(|s| format!("\"{s}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect();
    if !outside.is_empty() {
        return Err(InputError(outside.join("\nerror: ")).into());
    }
    let json = serde_json::to_string_pretty(&report)? + "\n";
    super::deliver(
        &args.out,
        &loaded.files_read,
        || render_calibration(&report),
        || json,
    )?;
    Ok(exit::OK)
}
