//! `rtosim check`: validate a plan and summarise it.

use anyhow::Result;

use super::{emit, load};
use crate::cli::CheckArgs;
use rtosim::analysis::check_facts;
use rtosim::{exit, report};

/// Runs `check`.
pub(super) fn run(args: &CheckArgs) -> Result<i32> {
    let loaded = load(&args.plan)?;
    let facts = check_facts(&loaded.plan);
    emit(&report::render_check(&loaded.plan, &facts))?;
    Ok(exit::OK)
}
