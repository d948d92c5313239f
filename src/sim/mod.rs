//! The Monte Carlo engine: a compiled model of one scenario, one trial, and the runner.
//!
//! Pure: no file I/O, no printing, no clock, no global random state. The same model, seed and
//! trial count give the same result on any number of threads.

mod batch;
pub mod chaos;
mod cruciality;
mod known;
mod lanes;
mod milestones;
mod model;
mod ready;
mod runner;
mod sampler;
mod shared;
mod trial;

pub use known::{Known, Progress};
pub use lanes::assign_groups;
pub use milestones::{MilestoneTimes, Milestones};
pub use model::{
    CStep, Model, NONE, PlainLogNormal, Policy, attempt_time, id_order, step_stream_keys,
};
pub use runner::{
    Accum, BLOCK, Outcome, ResourceSums, RunConfig, RunResult, deterministic, planned, replay, run,
    run_outcomes, run_outcomes_with_milestones,
};
pub use sampler::{
    MeanSampler, MedianSampler, RandomSampler, Sampler, StepTiming, splitmix, trial_key,
};
pub use shared::run_outcomes_shared;
pub use trial::TrialState;
