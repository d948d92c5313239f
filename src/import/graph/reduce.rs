//! Dependencies of the kept nodes: through the dropped ones, in topological order, transitively
//! reduced. Everything is in flat index arrays (CSR), so memory stays linear in the nodes and
//! edges whatever the graph's shape.
//!
//! The reduction asks, for each node with two dependencies or more, whether one of them is
//! reachable through another. Reachability sets are bit sets over the *candidate* targets only
//! (the dependencies of such nodes), computed one block of candidates at a time and only for
//! the nodes above the block's targets, so a block costs the part of the graph that can reach
//! it rather than the whole graph, and a bounded number of bits per node.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// "No node" in `u32` fields.
const NONE: u32 = u32::MAX;

/// Adjacency lists in one flat array: the neighbours of `v` are `to[start[v]..start[v + 1]]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Csr {
    start: Vec<u32>,
    to: Vec<u32>,
}

impl Csr {
    /// The lists of `n` nodes from `(from, to)` pairs, each list in pair order.
    pub(super) fn from_pairs(n: usize, pairs: impl Iterator<Item = (u32, u32)> + Clone) -> Csr {
        let mut start = vec![0u32; n + 1];
        for (a, _) in pairs.clone() {
            start[a as usize + 1] += 1;
        }
        for v in 0..n {
            start[v + 1] += start[v];
        }
        let mut fill = start.clone();
        let mut to = vec![0u32; start[n] as usize];
        for (a, b) in pairs {
            let at = &mut fill[a as usize];
            to[*at as usize] = b;
            *at += 1;
        }
        Csr { start, to }
    }

    /// The neighbours of `v`.
    #[inline]
    pub(super) fn of(&self, v: usize) -> &[u32] {
        &self.to[self.start[v] as usize..self.start[v + 1] as usize]
    }

    /// The number of nodes.
    pub(super) fn len(&self) -> usize {
        self.start.len().saturating_sub(1)
    }

    /// The reversed lists: `v` lists `u` when `u` lists `v`.
    fn reversed(&self) -> Csr {
        let n = self.len();
        Csr::from_pairs(
            n,
            (0..n).flat_map(move |u| self.of(u).iter().map(move |&v| (v, u as u32))),
        )
    }
}

/// For each kept node (numbered `0..` in the order of `kept`), the kept nodes it depends on,
/// looking through dropped ones, sorted by index and without repeats.
pub(super) fn kept_dependencies(deps: &Csr, kept: &[u32]) -> Csr {
    let n = deps.len();
    let mut compact = vec![NONE; n];
    for (k, &v) in kept.iter().enumerate() {
        compact[v as usize] = k as u32;
    }
    // One stamp per node instead of a fresh "seen" set per kept node.
    let mut seen = vec![NONE; n];
    let mut stack: Vec<u32> = Vec::new();
    let mut start = Vec::with_capacity(kept.len() + 1);
    start.push(0u32);
    let mut to: Vec<u32> = Vec::new();
    for (k, &s) in kept.iter().enumerate() {
        let from = to.len();
        seen[s as usize] = k as u32;
        stack.extend_from_slice(deps.of(s as usize));
        while let Some(d) = stack.pop() {
            let d = d as usize;
            if seen[d] == k as u32 {
                continue;
            }
            seen[d] = k as u32;
            match compact[d] {
                NONE => stack.extend_from_slice(deps.of(d)),
                c => to.push(c),
            }
        }
        to[from..].sort_unstable();
        start.push(to.len() as u32);
    }
    Csr { start, to }
}

/// A topological order of `deps` (dependencies first); among the nodes ready together the
/// lowest index comes first. `None` on a cycle.
pub(super) fn topo_order(deps: &Csr) -> Option<Vec<u32>> {
    let n = deps.len();
    let dependents = deps.reversed();
    let mut waiting: Vec<u32> = (0..n).map(|v| deps.of(v).len() as u32).collect();
    let mut ready: BinaryHeap<Reverse<u32>> = (0..n as u32)
        .filter(|&v| waiting[v as usize] == 0)
        .map(Reverse)
        .collect();
    let mut order = Vec::with_capacity(n);
    while let Some(Reverse(v)) = ready.pop() {
        order.push(v);
        for &t in dependents.of(v as usize) {
            waiting[t as usize] -= 1;
            if waiting[t as usize] == 0 {
                ready.push(Reverse(t));
            }
        }
    }
    (order.len() == n).then_some(order)
}

/// Most 64-bit words of reachability bits held at once (64 MiB); a block whose sets would take
/// more is redone with fewer candidates.
const BUDGET_WORDS: usize = 1 << 23;

/// Most words per node in a block (1,024 candidates).
const MAX_WORDS: usize = 16;

/// Removes the dependencies implied by others (the transitive reduction of a DAG); `order` is
/// a topological order of `deps`.
pub(super) fn reduce(deps: &Csr, order: &[u32]) -> Csr {
    reduce_with(deps, order, MAX_WORDS, BUDGET_WORDS)
}

/// [`reduce`] with at most `max_words` words per set and `budget` words in all.
fn reduce_with(deps: &Csr, order: &[u32], max_words: usize, budget: usize) -> Csr {
    let n = deps.len();
    let mut pos = vec![0u32; n];
    for (p, &v) in order.iter().enumerate() {
        pos[v as usize] = p as u32;
    }
    // Candidates: dependencies of nodes with two or more, by topological position.
    let mut is_candidate = vec![false; n];
    for v in 0..n {
        if deps.of(v).len() >= 2 {
            for &d in deps.of(v) {
                is_candidate[d as usize] = true;
            }
        }
    }
    let candidates: Vec<u32> = order
        .iter()
        .copied()
        .filter(|&v| is_candidate[v as usize])
        .collect();
    drop(is_candidate);
    let mut redundant = vec![false; deps.to.len()];
    if !candidates.is_empty() {
        let dependents = deps.reversed();
        let mut bit_of = vec![NONE; n];
        let mut blocks = Blocks::new(n, budget);
        let mut base = 0;
        let mut words = max_words;
        while base < candidates.len() {
            let end = (base + 64 * words).min(candidates.len());
            let block = &candidates[base..end];
            for (b, &v) in block.iter().enumerate() {
                bit_of[v as usize] = b as u32;
            }
            let done = blocks.run(
                deps,
                &dependents,
                &pos,
                block,
                &bit_of,
                words,
                &mut redundant,
            );
            for &v in block {
                bit_of[v as usize] = NONE;
            }
            if done {
                base = end;
            } else {
                words /= 2;
            }
        }
    }
    let mut start = Vec::with_capacity(n + 1);
    start.push(0u32);
    let mut to = Vec::new();
    for v in 0..n {
        let r = deps.start[v] as usize..deps.start[v + 1] as usize;
        to.extend(r.clone().filter(|&k| !redundant[k]).map(|k| deps.to[k]));
        start.push(to.len() as u32);
    }
    Csr { start, to }
}

/// The working memory of one block: reachability bit sets for the nodes that reach a target
/// of the block, and the queue of nodes to visit in topological order.
struct Blocks {
    budget: usize,
    slot_of: Vec<u32>,
    slots: Vec<u64>,
    owners: Vec<u32>,
    queued: Vec<bool>,
    heap: BinaryHeap<Reverse<(u32, u32)>>,
}

impl Blocks {
    fn new(n: usize, budget: usize) -> Blocks {
        Blocks {
            budget,
            slot_of: vec![NONE; n],
            slots: Vec::new(),
            owners: Vec::new(),
            queued: vec![false; n],
            heap: BinaryHeap::new(),
        }
    }

    /// Marks the redundant edges into `block` (whose members have bits `bit_of`), with
    /// `words` words per set. False when the sets outgrew the budget (never with one word per
    /// set); nothing is marked then.
    #[expect(
        clippy::too_many_arguments,
        reason = "the block's view of the whole graph"
    )]
    fn run(
        &mut self,
        deps: &Csr,
        dependents: &Csr,
        pos: &[u32],
        block: &[u32],
        bit_of: &[u32],
        words: usize,
        redundant: &mut [bool],
    ) -> bool {
        let mut marks: Vec<usize> = Vec::new();
        let mut through = vec![0u64; words];
        for &t in block {
            self.push(t, pos);
        }
        let mut ok = true;
        while let Some(Reverse((_, v))) = self.heap.pop() {
            let v = v as usize;
            self.queued[v] = false;
            if !ok {
                continue;
            }
            through.fill(0);
            let mine = deps.of(v);
            for &d in mine {
                let slot = self.slot_of[d as usize];
                if slot != NONE {
                    let s = slot as usize * words;
                    for (w, x) in through.iter_mut().zip(&self.slots[s..s + words]) {
                        *w |= x;
                    }
                }
            }
            let first = deps.start[v] as usize;
            let mut any = through.iter().any(|&w| w != 0);
            for (k, &d) in mine.iter().enumerate() {
                let b = bit_of[d as usize];
                if b == NONE {
                    continue;
                }
                let (w, bit) = (b as usize / 64, 1u64 << (b % 64));
                if mine.len() >= 2 && through[w] & bit != 0 {
                    marks.push(first + k);
                }
                through[w] |= bit;
                any = true;
            }
            if !any {
                // A target reaches nothing of the block, but its dependents reach it.
                if bit_of[v] != NONE {
                    for &u in dependents.of(v) {
                        self.push(u, pos);
                    }
                }
                continue;
            }
            // One word per node is linear memory whatever the graph, so it is never refused.
            if words > 1 && self.slots.len() + words > self.budget {
                ok = false;
                continue;
            }
            self.slot_of[v] = self.owners.len() as u32;
            self.owners.push(v as u32);
            self.slots.extend_from_slice(&through);
            for &u in dependents.of(v) {
                self.push(u, pos);
            }
        }
        for &v in &self.owners {
            self.slot_of[v as usize] = NONE;
        }
        self.owners.clear();
        self.slots.clear();
        if ok {
            for k in marks {
                redundant[k] = true;
            }
        }
        ok
    }

    fn push(&mut self, v: u32, pos: &[u32]) {
        if !std::mem::replace(&mut self.queued[v as usize], true) {
            self.heap.push(Reverse((pos[v as usize], v)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csr(lists: &[&[u32]]) -> Csr {
        Csr::from_pairs(
            lists.len(),
            lists
                .iter()
                .enumerate()
                .flat_map(|(a, l)| l.iter().map(move |&b| (a as u32, b))),
        )
    }

    fn lists(c: &Csr) -> Vec<Vec<u32>> {
        (0..c.len()).map(|v| c.of(v).to_vec()).collect()
    }

    /// The reduction by brute force: drop d from v when another dependency reaches d.
    fn brute(deps: &[Vec<u32>]) -> Vec<Vec<u32>> {
        let n = deps.len();
        let reach = |from: u32| {
            let mut seen = vec![false; n];
            let mut stack = vec![from];
            while let Some(x) = stack.pop() {
                for &y in &deps[x as usize] {
                    if !std::mem::replace(&mut seen[y as usize], true) {
                        stack.push(y);
                    }
                }
            }
            seen
        };
        (0..n)
            .map(|v| {
                deps[v]
                    .iter()
                    .copied()
                    .filter(|&d| !deps[v].iter().any(|&o| o != d && reach(o)[d as usize]))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn dropped_nodes_are_looked_through() {
        // 0 -> 1 (dropped) -> 2, 0 -> 3 (dropped) -> 2 and 4; kept 0, 2, 4.
        let deps = csr(&[&[1, 3], &[2], &[], &[2, 4], &[]]);
        let k = kept_dependencies(&deps, &[0, 2, 4]);
        assert_eq!(lists(&k), vec![vec![1, 2], vec![], vec![]]);
    }

    #[test]
    fn cycles_have_no_order() {
        assert_eq!(topo_order(&csr(&[&[1], &[0]])), None);
        assert_eq!(topo_order(&csr(&[&[2], &[], &[]])), Some(vec![1, 2, 0]));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
        #[test]
        fn the_reduction_matches_brute_force(
            edges in proptest::collection::vec((0u32..150, 0u32..150), 0..400),
            max_words in 1usize..3,
            budget in 1usize..40,
        ) {
            // Only edges from a higher to a lower index, so the graph is acyclic.
            let n = 150;
            let mut deps: Vec<Vec<u32>> = vec![Vec::new(); n];
            for (a, b) in edges {
                let (hi, lo) = (a.max(b), a.min(b));
                if hi != lo && !deps[hi as usize].contains(&lo) {
                    deps[hi as usize].push(lo);
                }
            }
            for l in &mut deps {
                l.sort_unstable();
            }
            let refs: Vec<&[u32]> = deps.iter().map(Vec::as_slice).collect();
            let c = csr(&refs);
            let order = topo_order(&c).unwrap();
            let expected = brute(&deps);
            proptest::prop_assert_eq!(lists(&reduce(&c, &order)), expected.clone());
            // Several blocks, and blocks redone with fewer words when over budget.
            let small = lists(&reduce_with(&c, &order, max_words, budget));
            proptest::prop_assert_eq!(small, expected);
        }
    }
}
