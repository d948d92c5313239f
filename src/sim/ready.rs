//! The dispatcher's ready steps, kept per team so that an event looks only at what it changed.
//!
//! Non-anticipative list scheduling starts, at every event, each ready step whose crew and
//! limits fit, in priority order. Scanning every ready step at every event costs time in
//! proportion to the steps waiting, which in a plan with many steps ready at once (wide layers,
//! few groups) is nearly all of a trial's time. Between two events resources only ever shrink
//! (a start takes groups and limit units; only a release, a finish or a mobilisation gives them
//! back), so a step that could not start at the last look still cannot, unless something it
//! waits for came back. The ready steps are therefore kept in one list per team (and one for
//! steps that need no team), each in priority order, and a list is looked at again only when it
//! is *dirty*: a step joined it, its team released groups or mobilised, or a limit came back
//! while one of its steps was waiting for a limit. The dirty lists are walked merged in
//! priority order, so the steps start in exactly the order, and at exactly the times, of a scan
//! of every ready step: the schedule is the same, trial for trial.

/// The ready steps of a trial, as ranks (0 = first), in one set per team and one (the last)
/// for steps that need no team. Each set is a bitset over the ranks, so a step joins or leaves
/// it in constant time and a dispatch walks it in rank order without moving anything.
#[derive(Debug, Clone)]
pub(super) struct ReadyLists {
    /// Words per list: one bit per rank.
    words: usize,
    /// The lists' bits, list `l` at `l * words..`.
    bits: Vec<u64>,
    /// Steps in each list.
    count: Vec<u32>,
    /// For each list, a word before which it has no bit: where a walk from the first rank
    /// starts (steps become ready roughly in rank order, so the low words empty for good).
    low: Vec<u32>,
    /// The lists that must be looked at in the next dispatch, as bits (list `l` at bit `l % 64`
    /// of word `l / 64`): a dispatch visits only those, whatever the number of teams.
    dirty: Vec<u64>,
    /// Ready steps of each list that last waited for a limit (not for their team).
    limit_blocked: Vec<u32>,
    /// The lists with a step in `limit_blocked`, as bits like `dirty`'s.
    limit_waiting: Vec<u64>,
    /// In the current dispatch: the rank each list is at (the next step of the list to look
    /// at, [`END`] when none is left or the list was closed).
    head: Vec<u32>,
    /// The lists open in the current dispatch, ascending (usually one or two of them).
    active: Vec<u32>,
}

/// No rank: a list read to its end.
const END: u32 = u32::MAX;

/// The next list of `word`, word `w` of a set of lists as bits, taking it out of `word`.
#[inline]
pub(super) fn next_list(word: &mut u64, w: usize) -> Option<usize> {
    if *word == 0 {
        return None;
    }
    let b = word.trailing_zeros() as usize;
    *word &= *word - 1;
    Some(w * 64 + b)
}

impl ReadyLists {
    /// Lists for `teams` teams and the steps without one, of `steps` steps in all.
    pub(super) fn new(teams: usize, steps: usize) -> ReadyLists {
        let lists = teams + 1;
        let words = steps.div_ceil(64).max(1);
        ReadyLists {
            words,
            bits: vec![0; lists * words],
            count: vec![0; lists],
            low: vec![0; lists],
            dirty: vec![0; lists.div_ceil(64)],
            limit_blocked: vec![0; lists],
            limit_waiting: vec![0; lists.div_ceil(64)],
            head: vec![END; lists],
            active: Vec::with_capacity(lists),
        }
    }

    /// The list of steps that need no team.
    pub(super) fn teamless(&self) -> usize {
        self.count.len() - 1
    }

    /// Empties every list, for a new trial.
    pub(super) fn clear(&mut self) {
        self.bits.fill(0);
        self.count.fill(0);
        self.low.fill(0);
        self.dirty.fill(0);
        self.limit_blocked.fill(0);
        self.limit_waiting.fill(0);
        self.active.clear();
    }

    /// Whether no step is ready.
    pub(super) fn is_empty(&self) -> bool {
        self.count.iter().all(|&c| c == 0)
    }

    /// The first rank of list `list` at or after `from`, or [`END`].
    #[inline]
    fn first_from(&self, list: usize, from: u32) -> u32 {
        let bits = &self.bits[list * self.words..][..self.words];
        let from = from.max(self.low[list] * 64);
        let mut w = from as usize / 64;
        if w >= self.words {
            return END;
        }
        let mut word = bits[w] & (u64::MAX << (from % 64));
        loop {
            if word != 0 {
                return (w * 64) as u32 + word.trailing_zeros();
            }
            w += 1;
            if w == self.words {
                return END;
            }
            word = bits[w];
        }
    }

    /// Step of rank `rank` is ready, in list `list` (never during a dispatch).
    #[inline]
    pub(super) fn insert(&mut self, list: usize, rank: u32) {
        debug_assert!(
            !self.active.contains(&(list as u32)),
            "steps become ready between dispatches"
        );
        let w = rank / 64;
        self.bits[list * self.words + w as usize] |= 1 << (rank % 64);
        self.low[list] = self.low[list].min(w);
        self.count[list] += 1;
        self.set_dirty(list, true);
    }

    /// List `list` must be looked at again (its team released groups or mobilised). An empty
    /// list has nothing to look at; a step that joins it marks it.
    #[inline]
    pub(super) fn mark(&mut self, list: usize) {
        self.dirty[list / 64] |= u64::from(self.count[list] > 0) << (list % 64);
    }

    /// Sets whether list `list` must be looked at.
    #[inline]
    fn set_dirty(&mut self, list: usize, dirty: bool) {
        let (word, bit) = (&mut self.dirty[list / 64], 1u64 << (list % 64));
        *word = if dirty { *word | bit } else { *word & !bit };
    }

    /// Every list with a step in it must be looked at (a strict dispatch, which stops early).
    pub(super) fn mark_all(&mut self) {
        for l in 0..self.count.len() {
            self.mark(l);
        }
    }

    /// Whether any list must be looked at: without one, a dispatch has nothing to do.
    #[inline]
    pub(super) fn any_dirty(&self) -> bool {
        self.dirty.iter().any(|&d| d != 0)
    }

    /// A limit came back: every list with a step waiting for a limit must be looked at again.
    pub(super) fn mark_limit_waiters(&mut self) {
        for (dirty, &waiting) in self.dirty.iter_mut().zip(&self.limit_waiting) {
            *dirty |= waiting;
        }
    }

    /// Whether list `list` must be looked at.
    #[cfg(test)]
    pub(super) fn is_dirty(&self, list: usize) -> bool {
        self.dirty[list / 64] >> (list % 64) & 1 == 1
    }

    /// The lists that must be looked at, as word `w` of their bits (list `w * 64 + b` at bit
    /// `b`): walk it with [`next_list`].
    #[inline]
    pub(super) fn dirty_word(&self, w: usize) -> u64 {
        self.dirty[w]
    }

    /// The number of words of [`ReadyLists::dirty_word`].
    #[inline]
    pub(super) fn dirty_words(&self) -> usize {
        self.dirty.len()
    }

    /// Whether any step of list `list` last waited for a limit.
    pub(super) fn has_limit_waiters(&self, list: usize) -> bool {
        self.limit_blocked[list] > 0
    }

    /// One step of list `list` stopped (`-1`) or started (`+1`) waiting for a limit.
    pub(super) fn count_limit_waiter(&mut self, list: usize, delta: i32) {
        let n = &mut self.limit_blocked[list];
        *n = n.wrapping_add_signed(delta);
        let (word, bit) = (&mut self.limit_waiting[list / 64], 1u64 << (list % 64));
        *word = if *n > 0 { *word | bit } else { *word & !bit };
    }

    /// The ranks of list `list`, ascending.
    #[cfg(test)]
    pub(super) fn ranks(&self, list: usize) -> Vec<u32> {
        self.ranks_from(list, 0).collect()
    }

    /// The ranks of list `list` from `from` on, ascending.
    #[cfg(test)]
    fn ranks_from(&self, list: usize, from: u32) -> impl Iterator<Item = u32> + '_ {
        let first = self.first_from(list, from);
        std::iter::successors((first != END).then_some(first), move |&r| {
            let next = self.first_from(list, r + 1);
            (next != END).then_some(next)
        })
    }

    /// Starts a dispatch over the dirty lists, which are then clean: only those are looked at.
    #[inline]
    pub(super) fn begin(&mut self) {
        self.active.clear();
        for w in 0..self.dirty.len() {
            let mut word = std::mem::take(&mut self.dirty[w]);
            while let Some(l) = next_list(&mut word, w) {
                if self.count[l] > 0 {
                    let head = self.first_from(l, 0);
                    self.head[l] = head;
                    self.low[l] = head / 64;
                    self.active.push(l as u32);
                }
            }
        }
    }

    /// List `list` is clean without a look (nothing in it can start); all its steps count as
    /// not yet looked at (see [`ReadyLists::unread`]).
    pub(super) fn settle(&mut self, list: usize) {
        self.set_dirty(list, false);
        self.head[list] = 0;
    }

    /// The next step of the dispatch in priority order: its list and rank.
    #[inline]
    pub(super) fn next(&self) -> Option<(usize, u32)> {
        // A list read to its end, or closed, is at END, after every rank.
        let (mut list, mut rank) = (0, END);
        for &l in &self.active {
            let r = self.head[l as usize];
            if r < rank {
                (list, rank) = (l as usize, r);
            }
        }
        (rank != END).then_some((list, rank))
    }

    /// The step just returned by [`ReadyLists::next`] stays ready.
    #[inline]
    pub(super) fn keep(&mut self, list: usize) {
        self.head[list] = self.first_from(list, self.head[list] + 1);
    }

    /// The step just returned by [`ReadyLists::next`] started.
    #[inline(always)]
    pub(super) fn take(&mut self, list: usize) {
        let r = self.head[list];
        self.bits[list * self.words + r as usize / 64] &= !(1 << (r % 64));
        self.count[list] -= 1;
        self.head[list] = self.first_from(list, r + 1);
    }

    /// The ranks of list `list` not yet looked at in this dispatch (all of them for a list
    /// that was settled).
    #[cfg(test)]
    pub(super) fn unread(&self, list: usize) -> impl Iterator<Item = u32> + '_ {
        self.ranks_from(list, self.head[list])
    }

    /// The first rank of list `list` not yet looked at in this dispatch, from `from` on (0 for
    /// the first): walk the unread ranks with `from` one past the last.
    #[inline]
    pub(super) fn unread_from(&self, list: usize, from: u32) -> Option<u32> {
        let r = self.first_from(list, from.max(self.head[list]));
        (r != END).then_some(r)
    }

    /// Ends list `list`'s part in the dispatch: the steps not looked at stay ready.
    #[inline]
    pub(super) fn close(&mut self, list: usize) {
        self.head[list] = END;
    }

    /// Ends the dispatch.
    pub(super) fn end(&mut self) {
        self.active.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_the_dirty_lists_in_priority_order_and_keeps_what_stays() {
        let mut ready = ReadyLists::new(2, 8);
        for (list, rank) in [(0, 5), (1, 2), (2, 7), (0, 1), (1, 4)] {
            ready.insert(list, rank);
        }
        ready.settle(2);
        ready.begin();
        let mut seen = Vec::new();
        while let Some((l, r)) = ready.next() {
            seen.push(r);
            // Rank 4 starts; the others stay.
            if r == 4 {
                ready.take(l);
            } else {
                ready.keep(l);
            }
        }
        ready.end();
        // List 2 was not dirty, so rank 7 was not looked at.
        assert_eq!(seen, [1, 2, 4, 5]);
        assert_eq!(ready.ranks(0), [1, 5]);
        assert_eq!(ready.ranks(1), [2]);
        assert_eq!(ready.ranks(2), [7]);
        assert!((0..3).all(|l| !ready.is_dirty(l)));
    }

    #[test]
    fn a_list_closed_early_keeps_its_unread_steps() {
        let mut ready = ReadyLists::new(1, 8);
        for rank in [3, 1, 2] {
            ready.insert(0, rank);
        }
        ready.begin();
        let (l, r) = ready.next().unwrap();
        assert_eq!((l, r), (0, 1));
        ready.take(0);
        assert_eq!(ready.unread(0).collect::<Vec<_>>(), [2, 3]);
        ready.close(0);
        assert_eq!(ready.next(), None);
        ready.end();
        assert_eq!(ready.ranks(0), [2, 3]);
    }
}
