//! `rtosim compare`: two versions of a plan, scenarios and policies side by side, on the same
//! draws.

use anyhow::{Context, Result};

use super::{load, policy, with_progress};
use crate::cli::CompareArgs;
use rtosim::analysis::resolve_scenario;
use rtosim::compare::{self, Variant};
use rtosim::exit;
use rtosim::output::Outputs;
use rtosim::sim::RunConfig;

/// `rtosim compare`: scenarios x policies side by side.
pub(super) fn run(args: &CompareArgs) -> Result<i32> {
    let loaded = load(&args.plan)?;
    let other = args.other.as_deref().map(load).transpose()?;
    let plan = &loaded.plan;
    for &p in &args.policies {
        super::require_priority(plan, Some(p))?;
    }
    let mut plans = vec![plan];
    plans.extend(other.as_ref().map(|o| &o.plan));
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
    let mut variants = Vec::new();
    for s in &scenarios {
        for &p in &args.policies {
            for (i, version) in plans.iter().enumerate() {
                // The second version runs the scenario of the same name (its default when
                // none was asked for).
                let scenario = if i == 0 {
                    s.clone()
                } else if args.scenarios.is_empty() && !args.all_scenarios {
                    version.default_scenario()
                } else {
                    resolve_scenario(version, Some(&s.name))?
                };
                variants.push(Variant {
                    plan: i,
                    scenario,
                    policy: policy(p),
                });
            }
        }
    }
    let config = RunConfig {
        trials: args.trials,
        seed: args.seed,
        threads: args.threads,
    };
    let total = args.trials.saturating_mul(variants.len() as u64);
    let report = with_progress(total, |tick| {
        compare::compare(&plans, &variants, &config, tick)
    })?
    .context("cannot start worker threads")?;
    let mut files_read = loaded.files_read.clone();
    files_read.extend(other.iter().flat_map(|o| o.files_read.iter().cloned()));
    if let Some(path) = &args.chart {
        Outputs::new(&files_read)
            .stdout_carries("the comparison")
            .write_file(
                path,
                compare::s_curve_svg(&report)
                    .map_err(|e| anyhow::anyhow!("cannot draw the S-curve chart: {e}"))?
                    .as_bytes(),
            )?;
    }
    super::deliver(
        &args.out,
        &loaded.files_read,
        || compare::render_text(&report),
        || compare::render_json(&report),
    )?;
    Ok(exit::OK)
}
