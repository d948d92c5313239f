//! A log-bucketed histogram of non-negative times with about 0.1% relative resolution.
//!
//! Buckets are read straight off the bits of an `f64` (exponent and the top mantissa bits), so
//! recording is a shift and an increment. Counts are integers, so merging histograms from
//! several threads gives the same result in any order: the run stays reproducible at any
//! thread count.

/// Mantissa bits kept per bucket: 2^9 buckets per doubling, a relative width of 0.14%.
const MANTISSA_BITS: u32 = 9;
const SHIFT: u32 = 52 - MANTISSA_BITS;

/// Counts of values per bucket, growing to cover the range seen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogHistogram {
    /// Bucket index of `counts[0]`.
    base: u64,
    counts: Vec<u32>,
    /// Values of exactly zero (or below the smallest normal float).
    zeros: u64,
}

#[inline]
fn bucket(value: f64) -> u64 {
    value.to_bits() >> SHIFT
}

/// The bucket of a non-negative value, for [`LogHistogram::record_buckets`]: exponent and top
/// mantissa bits, which fit in 32 bits.
#[inline]
pub fn bucket_index(value: f64) -> u32 {
    bucket(value) as u32
}

/// The middle of a bucket: halfway between its bounds.
fn bucket_mid(b: u64) -> f64 {
    let lo = f64::from_bits(b << SHIFT);
    let hi = f64::from_bits((b + 1) << SHIFT);
    0.5 * (lo + hi)
}

impl LogHistogram {
    /// An empty histogram.
    pub fn new() -> LogHistogram {
        LogHistogram::default()
    }

    /// Records one non-negative, finite value.
    #[inline]
    pub fn record(&mut self, value: f64) {
        self.record_bucket(bucket(value));
    }

    /// Records values given by their buckets ([`bucket_index`]), exactly as [`LogHistogram::record`]
    /// would record the values. Recording a batch at once lets the increments overlap in the
    /// memory system.
    #[inline]
    pub fn record_buckets(&mut self, buckets: &[u32]) {
        for &b in buckets {
            self.record_bucket(u64::from(b));
        }
    }

    #[inline(always)]
    fn record_bucket(&mut self, b: u64) {
        // Fast path: a bucket inside the range already covered. Zero and subnormals fall below
        // every bucket in use (those of normal floats, which are all the slow path ever adds),
        // so the range test sends them to the slow path too.
        let i = b.wrapping_sub(self.base) as usize;
        if i < self.counts.len() {
            self.counts[i] += 1;
            return;
        }
        self.record_slow(b);
    }

    #[inline(never)]
    fn record_slow(&mut self, b: u64) {
        // Buckets below the smallest normal float's hold zero and the subnormals.
        if b < bucket(f64::MIN_POSITIVE) {
            self.zeros += 1;
            return;
        }
        if self.counts.is_empty() {
            self.base = b;
            self.counts.push(1);
            return;
        }
        if b < self.base {
            let grow = (self.base - b) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.base = b;
        }
        let i = (b - self.base) as usize;
        if i >= self.counts.len() {
            self.counts.resize(i + 1, 0);
        }
        self.counts[i] += 1;
    }

    /// Adds another histogram's counts to this one.
    pub fn merge(&mut self, other: &LogHistogram) {
        self.zeros += other.zeros;
        if other.counts.is_empty() {
            return;
        }
        if self.counts.is_empty() {
            self.base = other.base;
            self.counts = other.counts.clone();
            return;
        }
        if other.base < self.base {
            let grow = (self.base - other.base) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.base = other.base;
        }
        let offset = (other.base - self.base) as usize;
        if offset + other.counts.len() > self.counts.len() {
            self.counts.resize(offset + other.counts.len(), 0);
        }
        for (dst, src) in self.counts[offset..].iter_mut().zip(&other.counts) {
            *dst += src;
        }
    }

    /// Values recorded.
    pub fn total(&self) -> u64 {
        self.zeros + self.counts.iter().map(|&c| u64::from(c)).sum::<u64>()
    }

    /// The value below which a share `q` of the recorded values fall, to bucket resolution
    /// (the nearest-rank definition, reporting the bucket's middle). `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let total = self.total();
        if total == 0 {
            return None;
        }
        let rank = ((q.clamp(0.0, 1.0) * total as f64).ceil() as u64).max(1);
        if rank <= self.zeros {
            return Some(0.0);
        }
        let mut seen = self.zeros;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += u64::from(c);
            if seen >= rank {
                return Some(bucket_mid(self.base + i as u64));
            }
        }
        self.counts
            .len()
            .checked_sub(1)
            .map(|i| bucket_mid(self.base + i as u64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_within_resolution() {
        let mut h = LogHistogram::new();
        for i in 1..=10_000 {
            h.record(f64::from(i));
        }
        for (q, exact) in [(0.5, 5_000.0), (0.9, 9_000.0), (0.01, 100.0)] {
            let got = h.quantile(q).unwrap();
            assert!(
                (got - exact).abs() / exact < 0.002,
                "q{q}: {got} vs {exact}"
            );
        }
    }

    #[test]
    fn merging_in_any_order_is_the_same() {
        let values = [0.0, 3.0, 3600.0, 7200.5, 1e6, 2.5, 0.0];
        let mut whole = LogHistogram::new();
        values.iter().for_each(|&v| whole.record(v));
        let (mut a, mut b) = (LogHistogram::new(), LogHistogram::new());
        values[..3].iter().for_each(|&v| a.record(v));
        values[3..].iter().for_each(|&v| b.record(v));
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ba = b.clone();
        ba.merge(&a);
        assert_eq!(ab, whole);
        assert_eq!(ba, whole);
    }

    #[test]
    fn buckets_record_like_values() {
        let values = [
            0.0, 3.0, 3600.0, 7200.5, 1e6, 2.5, 0.0, 5e-324, 1e-300, 3600.1,
        ];
        let mut one_by_one = LogHistogram::new();
        values.iter().for_each(|&v| one_by_one.record(v));
        let buckets: Vec<u32> = values.iter().map(|&v| bucket_index(v)).collect();
        let mut batched = LogHistogram::new();
        batched.record_buckets(&buckets[..3]);
        batched.record_buckets(&[]);
        batched.record_buckets(&buckets[3..]);
        batched.record_buckets(&buckets[1..3]);
        one_by_one.record(3.0);
        one_by_one.record(3600.0);
        assert_eq!(batched, one_by_one);
        assert_eq!(batched.total(), values.len() as u64 + 2);
    }

    #[test]
    fn zeros_and_empty() {
        assert_eq!(LogHistogram::new().quantile(0.5), None);
        let mut h = LogHistogram::new();
        h.record(0.0);
        h.record(0.0);
        h.record(10.0);
        assert_eq!(h.quantile(0.5), Some(0.0));
        assert!((h.quantile(1.0).unwrap() - 10.0).abs() < 0.02);
    }
}
