//! `rtosim compare`: scenarios and policies side by side, on the same draws.

use anyhow::{Context, Result};

use super::{emit, load, policy, with_progress};
use crate::cli::CompareArgs;
use rtosim::analysis::resolve_scenario;
use rtosim::compare::{self, Variant};
use rtosim::exit;
use rtosim::output::Outputs;
use rtosim::sim::RunConfig;

/// `rtosim compare`: scenarios x policies side by side.
pub(super) fn run(args: &CompareArgs) -> Result<i32> {
    let loaded = load(&args.plan)?;
    let plan = &loaded.plan;
    for &p in &args.policies {
        super::require_priority(plan, p)?;
    }
    let scenarios = if args.all_scenarios {
        if plan.scenarios.is_empty() {
            vec![plan.everything_lost()]
        } else {
            plan.scenarios.clone()
        }
    } else if args.scenarios.is_empty() {
        vec![plan.default_scenario()]
    } else {
        args.scenarios
            .iter()
            .map(|name| Ok(resolve_scenario(plan, Some(name))?))
            .collect::<Result<Vec<_>>>()?
    };
    let variants: Vec<Variant> = scenarios
        .iter()
        .flat_map(|s| {
            args.policies.iter().map(|&p| Variant {
                scenario: s.clone(),
                policy: policy(p),
            })
        })
        .collect();
    let config = RunConfig {
        trials: args.trials,
        seed: args.seed,
        threads: args.threads,
    };
    let total = args.trials.saturating_mul(variants.len() as u64);
    let report = with_progress(total, |tick| {
        compare::compare(plan, &variants, &config, tick)
    })?
    .context("cannot start worker threads")?;
    if let Some(path) = &args.chart {
        Outputs::new(&loaded.files_read)
            .stdout_carries("the comparison")
            .write_file(path, compare::s_curve_svg(&report).as_bytes())?;
    }
    if args.json {
        emit(&compare::render_json(&report))?;
    } else {
        emit(&compare::render_text(&report))?;
    }
    Ok(exit::OK)
}
