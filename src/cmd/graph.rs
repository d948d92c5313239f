//! `rtosim graph`: the dependency graph as Graphviz DOT.

use anyhow::Result;

use super::{emit, load};
use crate::cli::GraphArgs;
use rtosim::analysis::{critical_path, resolve_scenario};
use rtosim::exit;
use rtosim::output::Outputs;
use rtosim::plan::render_dot;
use rtosim::sim::{Model, Policy};

/// Runs `graph`.
pub(super) fn run(args: &GraphArgs) -> Result<i32> {
    let loaded = load(&args.plan)?;
    let plan = &loaded.plan;
    let scenario = resolve_scenario(plan, args.scenario.as_deref())?;
    let include = plan.needed_steps(&scenario);
    let model = Model::compile(plan, &scenario, Policy::Lft);
    let (_, path) = critical_path(&model);
    let critical: Vec<usize> = path
        .iter()
        .map(|&c| model.steps[c].plan_index as usize)
        .collect();
    let dot = render_dot(plan, &include, &critical);
    match &args.output {
        Some(out) => Outputs::new(&loaded.files_read).write_file(out, dot.as_bytes())?,
        None => emit(&dot)?,
    }
    Ok(exit::OK)
}
