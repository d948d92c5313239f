//! Statistics: percentiles with intervals, streamed histograms and rank correlations.

pub mod histogram;
pub mod paired;
pub mod quantile;
pub mod rankcorr;
pub mod sample;

pub use quantile::{Estimate, mean_sd, percentile, percentile_ci, proportion};
pub use sample::{RtoSample, SampleError};
