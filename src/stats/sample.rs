//! A run's RTOs as one typed sample: sorted once, never empty, never NaN.
//!
//! Every figure of the RTO distribution (percentiles with their intervals, mean, spread, the
//! share within an objective) is read from this one type, so the RTOs of a run are collected
//! and sorted once, and every command computes them the same way.

use super::quantile::{Estimate, percentile, percentile_ci, proportion};

/// The RTOs of a run's trials, ascending.
#[derive(Debug, Clone, PartialEq)]
pub struct RtoSample {
    sorted: Vec<f64>,
    mean: f64,
}

/// Why a sample could not be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SampleError {
    /// No trial was run.
    #[error("no trials to summarise")]
    Empty,
    /// A trial's RTO is not a number (a bug, never user input).
    #[error("a trial's recovery time is not a number")]
    NaN,
}

impl RtoSample {
    /// The sample of `values`, in any order.
    pub fn new(mut values: Vec<f64>) -> Result<RtoSample, SampleError> {
        if values.is_empty() {
            return Err(SampleError::Empty);
        }
        if values.iter().any(|v| v.is_nan()) {
            return Err(SampleError::NaN);
        }
        values.sort_unstable_by(f64::total_cmp);
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        Ok(RtoSample {
            sorted: values,
            mean,
        })
    }

    /// The values, ascending.
    pub fn sorted(&self) -> &[f64] {
        &self.sorted
    }

    /// Number of trials.
    pub fn len(&self) -> usize {
        self.sorted.len()
    }

    /// Always false: a sample has at least one value.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The `q` quantile (type 7, see [`percentile`]).
    pub fn quantile(&self, q: f64) -> f64 {
        percentile(&self.sorted, q)
    }

    /// The `q` quantile with its distribution-free 95% interval (see [`percentile_ci`]).
    pub fn quantile_ci(&self, q: f64) -> Estimate {
        percentile_ci(&self.sorted, q)
    }

    /// The mean.
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// The sample standard deviation (0 for a single trial).
    pub fn sd(&self) -> f64 {
        let n = self.sorted.len();
        if n < 2 {
            return 0.0;
        }
        let m = self.mean;
        let ss: f64 = self.sorted.iter().map(|x| (x - m) * (x - m)).sum();
        (ss / (n - 1) as f64).sqrt()
    }

    /// The fastest trial.
    pub fn min(&self) -> f64 {
        self.sorted[0]
    }

    /// The slowest trial.
    pub fn max(&self) -> f64 {
        self.sorted[self.sorted.len() - 1]
    }

    /// The share of trials that recovered within `target` seconds, with its Wilson interval.
    pub fn share_within(&self, target: f64) -> Estimate {
        let hits = self.sorted.partition_point(|&r| r <= target) as u64;
        proportion(hits, self.sorted.len() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_once_and_summarises() {
        let s = RtoSample::new(vec![3.0, 1.0, 2.0, 4.0]).unwrap();
        assert_eq!(s.sorted(), [1.0, 2.0, 3.0, 4.0]);
        assert_eq!((s.min(), s.max(), s.mean()), (1.0, 4.0, 2.5));
        assert!((s.sd() - (5.0f64 / 3.0).sqrt()).abs() < 1e-12);
        assert_eq!(s.quantile(0.5), 2.5);
        assert_eq!(s.share_within(2.0).value, 0.5);
    }

    #[test]
    fn refuses_empty_and_nan_samples() {
        assert_eq!(RtoSample::new(vec![]), Err(SampleError::Empty));
        assert_eq!(RtoSample::new(vec![1.0, f64::NAN]), Err(SampleError::NaN));
    }
}
