//! The search: Hartmann's genetic algorithm over activity lists (S. Hartmann, "A competitive
//! genetic algorithm for resource-constrained project scheduling", Naval Research Logistics
//! 45, 1998), with every individual justified when the plan allows (see [`super::eval`]).
//!
//! - An individual is an order of the steps that puts each after the steps it waits for.
//! - The first population holds the LFT and playbook orders and orders drawn by regret-based
//!   biased random sampling on latest finish times (Drexl, 1991).
//! - Parents are paired at random; the two-point crossover keeps the mother's order up to the
//!   first cut, takes the father's order of the remaining steps up to the second, and the
//!   mother's for the rest, which keeps every dependency; mutation swaps neighbours that do
//!   not depend on each other.
//! - Parents and children are ranked together and the best survive (no order twice); after
//!   [`RESTART`] generations without a better order the population is drawn afresh around the
//!   best one.
//!
//! The random choices come from one generator seeded by `--seed`, and a generation's children
//! are scored in parallel but collected in order, so the same seed and budget in evaluations
//! give the same result at any thread count.

use std::collections::HashSet;

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::eval::{Scored, Scorer, feasible_order};
use crate::sim::{Model, Policy};

/// Individuals per generation.
const POPULATION: usize = 40;
/// Generations without a better order after which the population is drawn afresh (keeping
/// the best): an elitist population converges, and restarts use a long budget better.
const RESTART: u64 = 30;
/// Probability that a neighbouring pair is swapped by mutation.
const MUTATION: f64 = 0.05;

/// How long to search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchLimits {
    /// Most schedules to generate.
    pub evaluations: u64,
    /// Generations without a better order after which the search stops.
    pub stall: u64,
}

/// Why the search stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stop {
    /// The budget of evaluations is spent.
    Budget,
    /// No better order for [`SearchLimits::stall`] generations.
    Stalled,
    /// The best order meets a lower bound: no order can do better.
    Optimal,
    /// The caller asked (the time budget ran out).
    Asked,
}

/// What the search found.
#[derive(Debug, Clone)]
pub struct Found {
    /// The best order (compiled step indices).
    pub order: Vec<u32>,
    /// Its objective on the search's trials.
    pub score: f64,
    /// Schedules generated.
    pub evaluations: u64,
    /// Generations run after the first population.
    pub generations: u64,
    /// Why it stopped.
    pub stop: Stop,
    /// Whether the order is meant to be followed strictly (see [`crate::sim::Model::strict`]).
    pub strict: bool,
}

/// Searches an order minimising the scorer's cost (its objective, negated when larger is
/// better). `progress(evaluations, best)` is
/// called after each generation; when it returns false the search stops.
pub fn search(
    mut scorer: Scorer,
    seed: u64,
    limits: SearchLimits,
    progress: &(dyn Fn(u64, f64) -> bool + Sync),
) -> Found {
    let model = &scorer.model.clone();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let bound = scorer.cost_bound();
    let optimal = |score: f64| bound.is_some_and(|b| score <= b + 1e-6);
    let budget = limits.evaluations.max(1);
    let per = if scorer.reversed.is_some() { 3 } else { 1 };
    let size = POPULATION.min(((budget / per) as usize).max(2));

    let lft = model.latest_finish_times();
    // The baselines' own orders (ties by plan order, as they dispatch), made to respect the
    // dependencies where they do not already.
    let plan_index = |s: usize| f64::from(model.steps[s].plan_index);
    let mut first = vec![
        feasible_order(model, |s| lft[s], plan_index),
        feasible_order(model, plan_index, plan_index),
    ];
    // Milestones' objectives: the deadline order, and for an objective of milestones the
    // order that does first what they need, so a search for them starts near them.
    if model.milestones.targets.iter().any(Option::is_some) {
        let due = model.deadline_finish_times();
        first.push(feasible_order(model, |s| due[s], |s| lft[s]));
    }
    if let Some(members) = &scorer.measure.members {
        let mut feeds = vec![false; model.len()];
        for &s in members.iter().flat_map(|&k| model.milestones.steps(k)) {
            feeds[s as usize] = true;
        }
        // Compiled indices are in dependency order: successors come later.
        for s in (0..model.len()).rev() {
            let feeds_later = model.succs(s).iter().any(|&q| feeds[q as usize]);
            feeds[s] |= feeds_later;
        }
        first.push(feasible_order(
            model,
            |s| f64::from(u8::from(!feeds[s])),
            |s| lft[s],
        ));
    }
    while first.len() < size {
        first.push(regret_sample(model, &lft, &mut rng));
    }
    first.truncate(size);
    let mut evaluations = 0;
    // Strict list order reaches schedules that dispatching whatever is ready cannot, and
    // misses others; unless justification needs it or only non-delay schedules are wanted,
    // the first population decides.
    let mut scored = scorer.score_all(first.clone());
    if !scorer.justifies() && !scorer.non_delay {
        scorer.strict = !scorer.strict;
        let other = scorer.score_all(first);
        let best_of = |v: &[Scored]| v.iter().map(|s| s.score).fold(f64::INFINITY, f64::min);
        if best_of(&other) < best_of(&scored) {
            evaluations += scored.iter().map(|c| c.evaluations).sum::<u64>();
            scored = other;
        } else {
            evaluations += other.iter().map(|c| c.evaluations).sum::<u64>();
            scorer.strict = !scorer.strict;
        }
    }
    let scorer = &scorer;
    let mut population = survivors(Vec::new(), scored, size, &mut evaluations);
    let mut best = population[0].score;
    let (mut generations, mut since_better, mut since_restart) = (0, 0, 0);
    let stop = loop {
        if optimal(best) {
            break Stop::Optimal;
        }
        // Without groups or limits every step starts when it is ready: no order differs.
        if model.unconstrained {
            break Stop::Stalled;
        }
        if !progress(evaluations, best) {
            break Stop::Asked;
        }
        if evaluations + per > budget {
            break Stop::Budget;
        }
        if since_better >= limits.stall {
            break Stop::Stalled;
        }
        let room = ((budget - evaluations) / per) as usize;
        if since_restart >= RESTART && room >= size {
            // The population has converged: start afresh around the best order found.
            let fresh: Vec<Vec<u32>> = (1..size)
                .map(|_| regret_sample(model, &lft, &mut rng))
                .collect();
            let keep = vec![population[0].clone()];
            population = survivors(keep, scorer.score_all(fresh), size, &mut evaluations);
            since_restart = 0;
            continue;
        }
        let mut children = Vec::with_capacity(size);
        let mut pairs: Vec<usize> = (0..population.len()).collect();
        shuffle(&mut pairs, &mut rng);
        for pair in pairs.chunks(2) {
            let (mother, father) = (
                &population[pair[0]].order,
                &population[pair[pair.len() - 1]].order,
            );
            let n = mother.len();
            let q1 = rng.random_range(0..=n);
            let q2 = rng.random_range(q1..=n);
            for (a, b) in [(mother, father), (father, mother)] {
                let mut child = crossover(a, b, q1, q2);
                mutate(model, &mut child, &mut rng);
                children.push(child);
            }
        }
        children.truncate(room.max(1));
        population = survivors(
            population,
            scorer.score_all(children),
            size,
            &mut evaluations,
        );
        generations += 1;
        if population[0].score < best {
            best = population[0].score;
            since_better = 0;
            since_restart = 0;
        } else {
            since_better += 1;
            since_restart += 1;
        }
    };
    progress(evaluations, best);
    Found {
        order: population[0].order.clone(),
        score: best,
        evaluations,
        generations,
        stop,
        strict: scorer.strict,
    }
}

/// The best `size` of parents and children, no order twice; ties keep the parents and then
/// the order of birth.
fn survivors(
    parents: Vec<Scored>,
    children: Vec<Scored>,
    size: usize,
    evaluations: &mut u64,
) -> Vec<Scored> {
    *evaluations += children.iter().map(|c| c.evaluations).sum::<u64>();
    let mut all: Vec<Scored> = parents.into_iter().chain(children).collect();
    all.sort_by(|a, b| a.score.total_cmp(&b.score));
    let mut seen = HashSet::new();
    all.retain(|s| seen.insert(s.order.clone()));
    all.truncate(size);
    all
}

/// Fisher–Yates.
fn shuffle(items: &mut [usize], rng: &mut Xoshiro256PlusPlus) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.random_range(0..=i));
    }
}

/// Hartmann's two-point crossover: `a` up to `q1`, then `b`'s order of the steps not yet
/// taken up to `q2`, then `a`'s order of the rest.
fn crossover(a: &[u32], b: &[u32], q1: usize, q2: usize) -> Vec<u32> {
    let mut taken = vec![false; a.len()];
    let mut child = Vec::with_capacity(a.len());
    for &s in &a[..q1] {
        taken[s as usize] = true;
        child.push(s);
    }
    for &s in b {
        if child.len() >= q2 {
            break;
        }
        if !taken[s as usize] {
            taken[s as usize] = true;
            child.push(s);
        }
    }
    for &s in a {
        if !taken[s as usize] {
            taken[s as usize] = true;
            child.push(s);
        }
    }
    child
}

/// Swaps neighbours that do not wait for each other, each pair with probability [`MUTATION`].
fn mutate(model: &Model, order: &mut [u32], rng: &mut Xoshiro256PlusPlus) {
    for i in 1..order.len() {
        if rng.random::<f64>() < MUTATION && !model.preds(order[i] as usize).contains(&order[i - 1])
        {
            order.swap(i - 1, i);
        }
    }
}

/// A random order, each next step drawn among the eligible ones with probability growing with
/// its regret (how much earlier its latest finish is than the latest among them).
fn regret_sample(model: &Model, lft: &[f64], rng: &mut Xoshiro256PlusPlus) -> Vec<u32> {
    let n = model.len();
    let spread = lft.iter().copied().fold(0.0, f64::max).max(1e-9);
    let mut remaining: Vec<u32> = (0..n).map(|s| model.preds(s).len() as u32).collect();
    let mut eligible: Vec<u32> = (0..n as u32)
        .filter(|&s| remaining[s as usize] == 0)
        .collect();
    let mut order = Vec::with_capacity(n);
    while !eligible.is_empty() {
        let latest = eligible
            .iter()
            .map(|&s| lft[s as usize])
            .fold(f64::MIN, f64::max);
        let weight = |s: u32| (latest - lft[s as usize]) / spread + 0.05;
        let total: f64 = eligible.iter().map(|&s| weight(s)).sum();
        let mut x = rng.random::<f64>() * total;
        let mut at = eligible.len() - 1;
        for (i, &s) in eligible.iter().enumerate() {
            x -= weight(s);
            if x <= 0.0 {
                at = i;
                break;
            }
        }
        let s = eligible.swap_remove(at);
        order.push(s);
        for &q in model.succs(s as usize) {
            remaining[q as usize] -= 1;
            if remaining[q as usize] == 0 {
                eligible.push(q);
            }
        }
    }
    order
}

/// The policies an optimised order is confirmed against: what rtosim dispatches by without a
/// `priority` list. (The `deadline` policy joins them when milestones have objectives.)
pub const BASELINES: [Policy; 2] = [Policy::Lft, Policy::Playbook];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossover_keeps_the_mothers_head_and_every_step_once() {
        let child = crossover(&[0, 1, 2, 3, 4], &[4, 3, 2, 1, 0], 2, 4);
        assert_eq!(child, [0, 1, 4, 3, 2]);
    }
}
