//! The trial's events: what happens when, packed for the event heap.

use std::cmp::Ordering;

use super::NONE;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Release = 0,
    Finish,
    /// Nothing happens but a dispatch (a team mobilised).
    Wake,
    /// A step's dependencies have all arrived (after a hand-off delay).
    Ready,
    /// A group comes on or goes off duty (the event's step field holds the group).
    Duty,
    /// The shift of the group leading a step ends with hands-on work left: relief.
    Relieve,
    /// A step's release and its finish at the same time, posted one after the other: one
    /// event instead of two (half the heap's work for steps whose work is all hands-on), with
    /// the same effect, since nothing can come between them.
    Done,
}

/// A scheduled event, packed into two integers so that the event heap moves 16 bytes and
/// compares integers: the time's bits (times are never negative, and the bits of non-negative
/// floats order as the floats do), then the order of posting, the kind and the step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Event {
    time_bits: u64,
    /// `seq << 32 | kind << 29 | step`, with [`NONE`] as `STEP_MASK`.
    tag: u64,
}

const STEP_MASK: u64 = (1 << 29) - 1;

impl Event {
    #[inline]
    pub(super) fn new(time: f64, seq: u32, kind: Kind, step: u32) -> Event {
        debug_assert!(time >= 0.0, "event times are never negative");
        debug_assert!(step == NONE || u64::from(step) < STEP_MASK);
        // Adding zero turns -0.0 into 0.0, whose bits order correctly.
        let time = time + 0.0;
        let step = if step == NONE {
            STEP_MASK
        } else {
            u64::from(step)
        };
        Event {
            time_bits: time.to_bits(),
            tag: u64::from(seq) << 32 | (kind as u64) << 29 | step,
        }
    }

    #[inline]
    pub(super) fn time(&self) -> f64 {
        f64::from_bits(self.time_bits)
    }

    #[inline]
    pub(super) fn kind(&self) -> Kind {
        match (self.tag >> 29) & 7 {
            0 => Kind::Release,
            1 => Kind::Finish,
            2 => Kind::Wake,
            3 => Kind::Ready,
            4 => Kind::Duty,
            5 => Kind::Relieve,
            _ => Kind::Done,
        }
    }

    #[inline]
    pub(super) fn step(&self) -> u32 {
        match self.tag & STEP_MASK {
            STEP_MASK => NONE,
            s => s as u32,
        }
    }
}

impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Event {
    /// Reversed, so the max-heap pops the earliest event, and among simultaneous events the one
    /// posted first (a step's release before its finish).
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        (other.time_bits, other.tag).cmp(&(self.time_bits, self.tag))
    }
}
