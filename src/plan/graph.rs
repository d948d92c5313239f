//! Graph work on step dependencies: cycles, topological order, redundant edges, longest paths.
//!
//! Dependencies are given as `deps[s]`, the steps `s` waits for. Functions here are pure and
//! index-based so the validator and the engine's compiler share them.

/// Every elementary cycle closed by a back edge of a depth-first search, each as the list of steps
/// from a step to the one it waits for, ending where it started (`[a, b, a]` means `a` waits for
/// `b`, which waits for `a`). Self-dependencies come out as `[a, a]`.
///
/// Each back edge yields one cycle, so every edge that lies on some cycle is reported in at least
/// one of them, and adding one edge to an acyclic graph makes every reported cycle contain it.
/// At most `cap` cycles are returned.
pub fn find_cycles(deps: &[Vec<usize>], cap: usize) -> Vec<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnStack,
        Done,
    }
    let n = deps.len();
    let mut mark = vec![Mark::New; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut pos_in_stack = vec![usize::MAX; n];
    let mut cycles: Vec<Vec<usize>> = Vec::new();
    // Iterative DFS: (node, next edge index) frames, so deep plans cannot overflow the stack.
    let mut frames: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if mark[root] != Mark::New {
            continue;
        }
        frames.push((root, 0));
        mark[root] = Mark::OnStack;
        pos_in_stack[root] = stack.len();
        stack.push(root);
        while let Some(&mut (node, ref mut edge)) = frames.last_mut() {
            if *edge < deps[node].len() {
                let next = deps[node][*edge];
                *edge += 1;
                match mark[next] {
                    Mark::New => {
                        mark[next] = Mark::OnStack;
                        pos_in_stack[next] = stack.len();
                        stack.push(next);
                        frames.push((next, 0));
                    }
                    Mark::OnStack => {
                        if cycles.len() < cap {
                            let mut cycle = stack[pos_in_stack[next]..].to_vec();
                            cycle.push(next);
                            cycles.push(cycle);
                        }
                    }
                    Mark::Done => {}
                }
            } else {
                frames.pop();
                mark[node] = Mark::Done;
                stack.pop();
            }
        }
    }
    cycles
}

/// A topological order in which every step comes after the steps it waits for; among the
/// steps that are ready together, the earliest in the plan comes first. `None` on a cycle.
pub fn topo_order(deps: &[Vec<usize>]) -> Option<Vec<usize>> {
    let n = deps.len();
    let mut indegree: Vec<usize> = deps.iter().map(Vec::len).collect();
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (s, ds) in deps.iter().enumerate() {
        for &d in ds {
            dependents[d].push(s);
        }
    }
    let mut ready: std::collections::BinaryHeap<std::cmp::Reverse<usize>> = (0..n)
        .filter(|&s| indegree[s] == 0)
        .map(std::cmp::Reverse)
        .collect();
    let mut order = Vec::with_capacity(n);
    while let Some(std::cmp::Reverse(s)) = ready.pop() {
        order.push(s);
        for &t in &dependents[s] {
            indegree[t] -= 1;
            if indegree[t] == 0 {
                ready.push(std::cmp::Reverse(t));
            }
        }
    }
    (order.len() == n).then_some(order)
}

/// Dependencies implied by others: `(step, dep)` where `dep` is also reached through another of
/// `step`'s dependencies. Needs a topological order; skipped (empty) above `max_steps`, because
/// the ancestor sets take n^2 bits.
pub fn redundant_deps(
    deps: &[Vec<usize>],
    order: &[usize],
    max_steps: usize,
) -> Vec<(usize, usize)> {
    let n = deps.len();
    if n > max_steps {
        return Vec::new();
    }
    let words = n.div_ceil(64);
    let mut ancestors = vec![0u64; n * words];
    for &s in order {
        for &d in &deps[s] {
            let (dst, src) = if d < s {
                let (lo, hi) = ancestors.split_at_mut(s * words);
                (&mut hi[..words], &lo[d * words..(d + 1) * words])
            } else {
                let (lo, hi) = ancestors.split_at_mut(d * words);
                (&mut lo[s * words..(s + 1) * words], &hi[..words])
            };
            for (a, b) in dst.iter_mut().zip(src) {
                *a |= *b;
            }
            ancestors[s * words + d / 64] |= 1 << (d % 64);
        }
    }
    let is_ancestor =
        |of: usize, who: usize| ancestors[of * words + who / 64] >> (who % 64) & 1 == 1;
    let mut redundant = Vec::new();
    for (s, ds) in deps.iter().enumerate() {
        for &d in ds {
            if ds.iter().any(|&other| other != d && is_ancestor(other, d)) {
                redundant.push((s, d));
            }
        }
    }
    redundant
}

/// The longest path through the DAG with the given step weights: its length and its steps in
/// order. Only steps with `include[s]` count; ties go to the earliest step in the plan.
pub fn longest_path(
    deps: &[Vec<usize>],
    order: &[usize],
    weight: &[f64],
    include: &[bool],
) -> (f64, Vec<usize>) {
    let n = deps.len();
    let mut finish = vec![0.0_f64; n];
    let mut via = vec![usize::MAX; n];
    for &s in order {
        if !include[s] {
            continue;
        }
        let mut best: Option<usize> = None;
        for &d in &deps[s] {
            if include[d] && best.is_none_or(|b| finish[d] > finish[b]) {
                best = Some(d);
            }
        }
        let start = best.map_or(0.0, |b| finish[b]);
        via[s] = best.unwrap_or(usize::MAX);
        finish[s] = start + weight[s];
    }
    let Some(last) = (0..n)
        .filter(|&s| include[s])
        .max_by(|&a, &b| finish[a].total_cmp(&finish[b]).then(b.cmp(&a)))
    else {
        return (0.0, Vec::new());
    };
    let mut path = vec![last];
    let mut at = last;
    while via[at] != usize::MAX {
        at = via[at];
        path.push(at);
    }
    path.reverse();
    (finish[last], path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_self_and_mutual_cycles() {
        let deps = vec![vec![1], vec![0], vec![2]];
        let cycles = find_cycles(&deps, 10);
        assert_eq!(cycles, vec![vec![0, 1, 0], vec![2, 2]]);
    }

    #[test]
    fn topo_order_respects_edges_and_plan_order() {
        let deps = vec![vec![2], vec![], vec![1], vec![]];
        assert_eq!(topo_order(&deps), Some(vec![1, 2, 0, 3]));
        assert_eq!(topo_order(&[vec![1], vec![0]]), None);
    }

    #[test]
    fn redundant_edges_are_the_implied_ones() {
        // 2 waits for 1 and 0; 1 waits for 0, so 2 -> 0 is implied.
        let deps = vec![vec![], vec![0], vec![0, 1]];
        let order = topo_order(&deps).unwrap();
        assert_eq!(redundant_deps(&deps, &order, 100), vec![(2, 0)]);
    }

    #[test]
    fn longest_path_follows_the_heaviest_chain() {
        let deps = vec![vec![], vec![], vec![0, 1], vec![2]];
        let order = topo_order(&deps).unwrap();
        let (len, path) = longest_path(&deps, &order, &[1.0, 5.0, 2.0, 1.0], &[true; 4]);
        assert_eq!(len, 8.0);
        assert_eq!(path, vec![1, 2, 3]);
    }
}
