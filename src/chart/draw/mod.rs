//! Rendering chart specs with plotters onto any drawing backend (SVG or bitmap).
//!
//! Every function here is generic over the backend, so the SVG and the PNG of a chart come from
//! the same code and cannot drift apart. Nothing here computes what to show: that is `spec`'s.

pub(crate) mod common;
pub(crate) mod dist;
pub(crate) mod gantt;
pub(crate) mod load;
pub(crate) mod milestones;
pub(crate) mod p90;
pub(crate) mod tornado;
