//! Which groups of a team did which step in one schedule.
//!
//! The dispatcher only counts free groups (that is all scheduling needs); people reading a run
//! sheet or a Gantt chart need to know which group does what. Interval partitioning recovers a
//! valid assignment from the schedule: the dispatcher never holds more groups than a team has.

use super::model::Model;
use super::trial::TrialState;

/// Assigns each team's steps to its groups by interval partitioning of the deterministic
/// schedule: the groups of step `s` are busy from its start to its release. Returns the
/// 0-based groups of each compiled step (empty without a team).
pub fn assign_groups(model: &Model, det: &TrialState) -> Vec<Vec<u32>> {
    let n = model.len();
    let mut out = vec![Vec::new(); n];
    for (t, &groups) in model.team_groups.iter().enumerate() {
        let mut steps: Vec<usize> = (0..n)
            .filter(|&s| model.steps[s].team == t as u32)
            .collect();
        // Among steps starting together, those that hand their groups back at once go first
        // (the engine frees those groups before it starts anything else at that moment), then
        // by dispatch priority, so the most urgent work lands on group 1.
        steps.sort_by(|&a, &b| {
            det.start[a]
                .total_cmp(&det.start[b])
                .then((det.release[a] > det.start[a]).cmp(&(det.release[b] > det.start[b])))
                .then(model.rank[a].cmp(&model.rank[b]))
        });
        let mut busy_until = vec![f64::NEG_INFINITY; groups as usize];
        for s in steps {
            let start = det.start[s];
            let mut lanes: Vec<u32> = (0..groups).collect();
            // Free groups first, lowest number first; the schedule respects the team's size,
            // so there are always enough free ones.
            lanes.sort_by_key(|&g| (busy_until[g as usize] > start, g));
            let mut taken: Vec<u32> = lanes[..model.steps[s].crew as usize].to_vec();
            taken.sort_unstable();
            for &g in &taken {
                busy_until[g as usize] = det.release[s];
            }
            out[s] = taken;
        }
    }
    out
}
