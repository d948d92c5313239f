//! `rtosim optimise`: search the dispatch order, confirm it, print it, and with `-o` write the
//! plan with it as `priority`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{emit, load};
use crate::cli::{Budget, OptimiseArgs};
use rtosim::analysis::resolve_scenario;
use rtosim::exit;
use rtosim::optimise::{self, OptimiseOptions, SearchLimits, edit, render};
use rtosim::output::Outputs;

/// Generations without a better order before the search stops.
const STALL: u64 = 200;

/// Runs `optimise`.
pub(super) fn run(args: &OptimiseArgs) -> Result<i32> {
    let loaded = load(&args.plan)?;
    let plan = &loaded.plan;
    let scenario = resolve_scenario(plan, args.scenario.as_deref())?;
    let measure = args
        .objective
        .resolve(plan)
        .map_err(|e| super::InputError(format!("--objective: {e}")))?;
    let statistic = measure.statistic;
    let (evaluations, seconds) = match args.budget {
        Budget::Evaluations(n) => (n, None),
        Budget::Seconds(s) => (u64::MAX, Some(s)),
    };
    let options = OptimiseOptions {
        objective: args.objective.clone(),
        seed: args.seed,
        trials: args.trials,
        confirm_trials: args.confirm_trials,
        limits: SearchLimits {
            evaluations,
            stall: STALL,
        },
        non_delay: args.non_delay,
    };
    // The bar: schedules against the budget, or seconds against the time budget.
    let total = seconds.map_or(evaluations, |s| (s * 1000.0) as u64);
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {wide_bar} {msg}")
            .context("progress bar template")?,
    );
    let started = Instant::now();
    let shown = AtomicBool::new(false);
    let progress = |done: u64, best: f64| {
        let elapsed = started.elapsed();
        bar.set_position(seconds.map_or(done, |_| elapsed.as_millis() as u64));
        bar.set_message(format!(
            "{done} schedules, best {}",
            render::format_figure(statistic.maximised(), statistic.cost(best))
        ));
        if elapsed > Duration::from_secs(1) && !shown.swap(true, Ordering::Relaxed) {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        seconds.is_none_or(|s| elapsed.as_secs_f64() < s)
    };
    let report = optimise::optimise(plan, &scenario, &options, &progress);
    bar.finish_and_clear();
    if let Some(path) = &args.output {
        let text = rtosim::input::read_text(&args.plan, rtosim::input::PLAN_LIMIT)
            .with_context(|| format!("cannot read plan {}", args.plan.display()))?;
        if args
            .plan
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            return Err(super::InputError(edit::EditError::Json.to_string()).into());
        }
        let note = format!(
            "Dispatch order for --policy priority, found by `rtosim optimise` (scenario {}, objective {}, seed {}, {} schedules).",
            report.scenario, report.objective, report.seed, report.evaluations
        );
        let edited = edit::with_priority(&text, &report.order, report.strict, &note)?;
        Outputs::new(&loaded.files_read)
            .stdout_carries("the result")
            .write_file(path, edited.as_bytes())?;
    }
    if args.format.is_json() {
        emit(&render::render_json(&report))?;
    } else {
        emit(&render::render_text(&report))?;
    }
    Ok(exit::OK)
}
