//! Statistics: percentiles with intervals, streamed histograms and rank correlations.

pub mod histogram;
pub mod quantile;
pub mod rankcorr;

pub use quantile::{Estimate, mean_sd, percentile, percentile_ci, proportion};
