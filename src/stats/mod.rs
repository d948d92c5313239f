//! Statistics: percentiles with intervals, streamed histograms and rank correlations.

pub mod histogram;
pub mod paired;
pub mod quantile;
pub mod rankcorr;
pub mod sample;

pub use quantile::{Estimate, mean_sd, percentile, percentile_ci, proportion};
pub use sample::{RtoSample, SampleError};

/// `v` ascending (NaNs, which no sample holds, last).
pub fn sorted(v: &[f64]) -> Vec<f64> {
    let mut s = v.to_vec();
    s.sort_unstable_by(f64::total_cmp);
    s
}
