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
///
/// A count is kept in two parts: its low 16 bits in `low`, and the number of times those
/// wrapped in `high`, which stays empty until some bucket first reaches 2^16. Recording then
/// touches two bytes a value instead of four, so twice as many buckets fit in a cache: a run
/// records a value for every step of every trial into a thousand histograms at a time.
#[derive(Debug, Clone, Default)]
pub struct LogHistogram {
    /// Bucket index of `low[0]`.
    base: u64,
    low: Vec<u16>,
    high: Vec<u32>,
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
        if let Some(low) = self.low.get_mut(i) {
            *low = low.wrapping_add(1);
            if *low == 0 {
                self.wrapped(i);
            }
            return;
        }
        self.record_slow(b);
    }

    /// Bucket `i`'s low count wrapped round to 0: carries it into the high count.
    #[inline(never)]
    fn wrapped(&mut self, i: usize) {
        self.high.resize(self.low.len(), 0);
        self.high[i] += 1;
    }

    #[inline(never)]
    fn record_slow(&mut self, b: u64) {
        // Buckets below the smallest normal float's hold zero and the subnormals.
        if b < bucket(f64::MIN_POSITIVE) {
            self.zeros += 1;
            return;
        }
        self.cover(b, b);
        self.add(b, 1);
    }

    /// Grows the buckets to cover `first..=last`.
    fn cover(&mut self, first: u64, last: u64) {
        if self.low.is_empty() {
            self.base = first;
        }
        if first < self.base {
            let grow = (self.base - first) as usize;
            self.low.splice(0..0, std::iter::repeat_n(0, grow));
            if !self.high.is_empty() {
                self.high.splice(0..0, std::iter::repeat_n(0, grow));
            }
            self.base = first;
        }
        let len = (last - self.base + 1) as usize;
        if len > self.low.len() {
            self.low.resize(len, 0);
            if !self.high.is_empty() {
                self.high.resize(len, 0);
            }
        }
    }

    /// The count of bucket `i` (counted from `base`).
    fn count(&self, i: usize) -> u64 {
        let high = self.high.get(i).map_or(0, |&h| u64::from(h));
        (high << 16) + u64::from(self.low[i])
    }

    /// Adds `n` values to covered bucket `b`.
    fn add(&mut self, b: u64, n: u64) {
        let i = (b - self.base) as usize;
        let count = self.count(i) + n;
        self.low[i] = count as u16;
        if count >> 16 > 0 {
            self.high.resize(self.low.len(), 0);
            self.high[i] = u32::try_from(count >> 16).expect("fewer than 2^48 values a bucket");
        }
    }

    /// Adds another histogram's counts to this one.
    pub fn merge(&mut self, other: &LogHistogram) {
        self.zeros += other.zeros;
        if other.low.is_empty() {
            return;
        }
        self.cover(other.base, other.base + other.low.len() as u64 - 1);
        for j in 0..other.low.len() {
            let n = other.count(j);
            if n > 0 {
                self.add(other.base + j as u64, n);
            }
        }
    }

    /// Values recorded.
    pub fn total(&self) -> u64 {
        self.zeros + (0..self.low.len()).map(|i| self.count(i)).sum::<u64>()
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
        for i in 0..self.low.len() {
            seen += self.count(i);
            if seen >= rank {
                return Some(bucket_mid(self.base + i as u64));
            }
        }
        self.low
            .len()
            .checked_sub(1)
            .map(|i| bucket_mid(self.base + i as u64))
    }
}

impl LogHistogram {
    /// [`LogHistogram::quantile`], but `exact` when it lies in the quantile's bucket: a value
    /// some trial is known to take (a schedule's time) is printed as it is, not as its
    /// bucket's middle, so a step that takes the same time in every trial prints exactly.
    pub fn quantile_near(&self, q: f64, exact: f64) -> Option<f64> {
        let v = self.quantile(q)?;
        let same = v > 0.0 && exact.is_finite() && exact > 0.0 && bucket(exact) == bucket(v);
        Some(if same { exact } else { v })
    }
}

/// Equal when they hold the same counts, however those are split between `low` and `high`.
impl PartialEq for LogHistogram {
    fn eq(&self, other: &Self) -> bool {
        self.zeros == other.zeros
            && self.low.len() == other.low.len()
            && (self.low.is_empty() || self.base == other.base)
            && (0..self.low.len()).all(|i| self.count(i) == other.count(i))
    }
}

impl Eq for LogHistogram {}

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
    fn counts_past_two_to_the_sixteen_carry() {
        // One bucket past 2^16 several times over, in one histogram and merged from parts.
        let mut one = LogHistogram::new();
        let (mut a, mut b) = (LogHistogram::new(), LogHistogram::new());
        for i in 0..200_000 {
            one.record(3600.0);
            if i % 3 == 0 { &mut a } else { &mut b }.record(3600.0);
        }
        one.record(7200.0);
        b.record(7200.0);
        // The same values in batches, as a run records them.
        let mut batched = LogHistogram::new();
        let buckets = vec![bucket_index(3600.0); 50_000];
        for _ in 0..4 {
            batched.record_buckets(&buckets);
        }
        batched.record_buckets(&[bucket_index(7200.0)]);
        assert_eq!(batched, one);
        assert_eq!(one.total(), 200_001);
        let mut merged = a.clone();
        merged.merge(&b);
        assert_eq!(merged, one);
        let mut other_way = b.clone();
        other_way.merge(&a);
        assert_eq!(other_way, one);
        assert!((one.quantile(0.99).unwrap() - 3600.0).abs() < 3.6);
        assert!((one.quantile(1.0).unwrap() - 7200.0).abs() < 7.2);
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
