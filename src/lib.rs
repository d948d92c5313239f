//! rtosim: how long would recovery take, and how many people do we need?
//!
//! A recovery plan (steps, dependencies, teams, limits, recorded timings) goes in; a Monte Carlo
//! simulation of the recovery comes out: the RTO distribution with confidence intervals, the
//! steps and teams that drive it, and reports for the people who must act on it.
//!
//! The library is pure: [`plan`] parses and validates, [`sim`] simulates, [`stats`] summarises,
//! [`report`] renders and [`chart`] draws. Only [`input::read_text`] (every file read) and the
//! output writers touch files; [`text`] holds the helpers that make untrusted strings safe to show.

pub mod analysis;
pub mod calibrate;
pub mod chart;
pub mod compare;
pub mod dist;
mod dist_tail;
pub mod duration;
pub mod fit;
pub mod gate;
pub mod import;
pub mod input;
pub mod optimise;
pub mod output;
pub mod plan;
pub mod report;
pub mod runsheet;
pub mod sim;
pub mod staff;
pub mod stats;
pub mod text;
pub mod track;

/// Documented process exit codes of the `rtosim` binary.
pub mod exit {
    /// Success.
    pub const OK: i32 = 0;
    /// An unexpected failure (a bug, or an I/O error writing output).
    pub const FAILURE: i32 = 1;
    /// Invalid input: a plan, an option or a file the user gave.
    pub const INVALID_INPUT: i32 = 2;
    /// A gate set with `--fail-above` was missed.
    pub const OBJECTIVE_MISSED: i32 = 3;
}
