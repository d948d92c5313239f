//! The game-day run sheet: for each group of each team, the ordered list of steps it performs,
//! with planned and simulated start and finish times, and first the systems whose work can
//! start at once. Printable Markdown, or CSV.
//!
//! Who does what comes from one planned schedule: every step at its median time, no failures
//! and no risk, dispatched by the same policy as the simulation ([`crate::sim::planned`]). Each
//! team's steps are assigned to its groups by interval partitioning (a step takes the
//! lowest-numbered groups that are free when it starts), and each group's steps are listed by
//! planned start. The simulated P50 and P90 of each step's start and finish show how much the
//! day may drift from the plan; a time that is the same in every trial prints exactly. A risk's
//! fallback is not on any group's list: it is a contingency, listed apart with the risk that
//! calls for it and how often it ran. Pure: no file I/O.

use std::fmt::Write as _;

use serde::Serialize;

use crate::duration::format_span as span;
use crate::plan::{Plan, Scenario};
use crate::report::P50P90;
use crate::sim::{Accum, Model, NONE, RunConfig, TrialState, assign_groups};
use crate::stats::histogram::LogHistogram;

/// One step on the sheet.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SheetStep {
    /// Position on the whole sheet, by planned start (1-based).
    pub order: usize,
    /// The step's id.
    pub id: String,
    /// Its human label.
    pub label: String,
    /// Its system.
    pub system: String,
    /// The team doing it, if any.
    pub team: Option<String>,
    /// The team's groups doing it (1-based); empty without a team.
    pub groups: Vec<u32>,
    /// Position in its first group's list (1-based; in the unattended list without a team).
    pub position: usize,
    /// Steps of this scenario it waits for.
    pub after: Vec<String>,
    /// Planned start (median times, no failures), in seconds from the start of the recovery.
    pub planned_start: f64,
    /// Planned finish.
    pub planned_finish: f64,
    /// When the planned schedule frees the step's groups (before the finish when the rest of
    /// the step runs unattended; the start for unattended steps).
    pub planned_release: f64,
    /// Simulated start.
    pub start: P50P90,
    /// Simulated finish.
    pub finish: P50P90,
    /// The milestones this step completes in the planned schedule (the last step each needs).
    pub completes: Vec<String>,
}

/// One group's list.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Lane {
    /// The team.
    pub team: String,
    /// The group (1-based).
    pub group: u32,
    /// People in the group.
    pub size: u32,
    /// Indices into [`RunSheet::steps`], in the order the group performs them.
    pub steps: Vec<usize>,
}

/// Work that can begin as soon as the recovery starts.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StartNow {
    /// The system.
    pub system: String,
    /// Its steps with nothing to wait for.
    pub steps: Vec<String>,
    /// Teams doing those steps ("-" for unattended work).
    pub teams: Vec<String>,
    /// Earliest planned start among them (after 0 when groups are busy with other work).
    pub planned_start: f64,
}

/// A risk's fallback: work that is on no list until the risk fires.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Contingency {
    /// The fallback step's id.
    pub id: String,
    /// Its human label.
    pub label: String,
    /// Its system.
    pub system: String,
    /// The team doing it, if any.
    pub team: Option<String>,
    /// The risk that calls for it.
    pub risk: String,
    /// The steps whose trouble sets it off (the risk's hits in this scenario).
    pub when: Vec<String>,
    /// The risk's probability in the plan.
    pub chance: f64,
    /// Share of the simulated recoveries in which it ran.
    pub ran: f64,
    /// Its median time.
    pub median: f64,
}

/// The whole run sheet.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RunSheet {
    /// Plan name.
    pub plan: String,
    /// Scenario name.
    pub scenario: String,
    /// Scenario description.
    pub description: Option<String>,
    /// Dispatch policy.
    pub policy: &'static str,
    /// Trials behind the simulated percentiles.
    pub trials: u64,
    /// Their seed.
    pub seed: u64,
    /// The planned RTO (median times, no failures, no risk).
    pub planned_rto: f64,
    /// Systems this scenario does not lose.
    pub surviving: Vec<String>,
    /// Systems whose work can start at once.
    pub start_now: Vec<StartNow>,
    /// Every step, by planned start.
    pub steps: Vec<SheetStep>,
    /// Each group's list, teams in plan order.
    pub lanes: Vec<Lane>,
    /// Steps without a team, by planned start.
    pub unattended: Vec<usize>,
    /// Risks' fallbacks the scenario may need, in plan order.
    pub contingency: Vec<Contingency>,
}

/// The P50 and P90 of a histogram, exact where they fall on the planned time.
fn p50p90(h: &LogHistogram, planned: f64) -> P50P90 {
    P50P90 {
        p50: h.quantile_near(0.5, planned).unwrap_or(f64::NAN),
        p90: h.quantile_near(0.9, planned).unwrap_or(f64::NAN),
    }
}

/// Builds the run sheet of a scenario from its planned schedule ([`crate::sim::planned`]) and
/// a run's statistics.
pub fn build(
    plan: &Plan,
    scenario: &Scenario,
    model: &Model,
    det: &TrialState,
    accum: &Accum,
    config: &RunConfig,
) -> RunSheet {
    let n = model.len();
    let groups = assign_groups(model, det);
    let fallback = |c: usize| plan.is_fallback(model.steps[c].plan_index as usize);
    let id_of = |c: usize| plan.steps[model.steps[c].plan_index as usize].id.clone();
    // Overall order: planned start, then topological order (so a zero-length step comes
    // before the steps waiting for it). Fallbacks are contingencies, on no list.
    let mut order: Vec<usize> = (0..n).filter(|&c| !fallback(c)).collect();
    order.sort_by(|&a, &b| det.start[a].total_cmp(&det.start[b]).then(a.cmp(&b)));
    let mut sheet_index = vec![usize::MAX; n];
    for (i, &c) in order.iter().enumerate() {
        sheet_index[c] = i;
    }
    let mut steps: Vec<SheetStep> = order
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let step = &plan.steps[model.steps[c].plan_index as usize];
            SheetStep {
                order: i + 1,
                id: step.id.clone(),
                label: step.label().to_string(),
                system: plan.systems[step.system].clone(),
                team: step.team.map(|t| plan.teams[t].name.clone()),
                groups: groups[c].iter().map(|g| g + 1).collect(),
                position: 0,
                after: model
                    .preds(c)
                    .iter()
                    .map(|&p| p as usize)
                    .filter(|&p| !fallback(p))
                    .map(id_of)
                    .collect(),
                planned_start: det.start[c],
                planned_finish: det.finish[c],
                planned_release: det.release[c],
                start: p50p90(&accum.start[c], det.start[c]),
                finish: p50p90(&accum.finish[c], det.finish[c]),
                completes: (0..model.milestones.len())
                    .filter(|&k| model.milestones.reached(k, |s| det.finish[s]).1 == c as u32)
                    .map(|k| plan.milestones[k].name.clone())
                    .collect(),
            }
        })
        .collect();

    let mut lanes = Vec::new();
    for (t, team) in plan.teams.iter().enumerate() {
        for g in 0..model.team_groups[t] {
            let list: Vec<usize> = (0..steps.len())
                .filter(|&i| {
                    let c = order[i];
                    model.steps[c].team == t as u32 && groups[c].first() == Some(&g)
                })
                .collect();
            let written = |c: usize| model.steps[c].team == t as u32 && !fallback(c);
            if list.is_empty() && !(0..n).any(written) {
                continue;
            }
            for (pos, &i) in list.iter().enumerate() {
                steps[i].position = pos + 1;
            }
            lanes.push(Lane {
                team: team.name.clone(),
                group: g + 1,
                size: team.size,
                steps: list,
            });
        }
    }
    let unattended: Vec<usize> = (0..steps.len())
        .filter(|&i| model.steps[order[i]].team == NONE)
        .collect();
    for (pos, &i) in unattended.iter().enumerate() {
        steps[i].position = pos + 1;
    }

    let mut start_now: Vec<StartNow> = Vec::new();
    for &c in &order {
        if !model.preds(c).is_empty() {
            continue;
        }
        let step = &steps[sheet_index[c]];
        let team = step.team.clone().unwrap_or_else(|| "-".to_string());
        match start_now.iter_mut().find(|s| s.system == step.system) {
            Some(entry) => {
                entry.steps.push(step.id.clone());
                if !entry.teams.contains(&team) {
                    entry.teams.push(team);
                }
                entry.planned_start = entry.planned_start.min(step.planned_start);
            }
            None => start_now.push(StartNow {
                system: step.system.clone(),
                steps: vec![step.id.clone()],
                teams: vec![team],
                planned_start: step.planned_start,
            }),
        }
    }

    let compiled: Vec<Option<usize>> = {
        let mut of = vec![None; plan.steps.len()];
        for (c, s) in model.steps.iter().enumerate() {
            of[s.plan_index as usize] = Some(c);
        }
        of
    };
    let contingency = plan
        .risks
        .iter()
        .enumerate()
        .filter_map(|(k, risk)| {
            let crate::plan::RiskEffect::Fallback { step } = risk.effect else {
                return None;
            };
            let c = compiled[step]?;
            let fb = &plan.steps[step];
            let when: Vec<String> = risk
                .hits
                .iter()
                .filter_map(|&h| compiled[h])
                .map(id_of)
                .collect();
            let fired = accum.fired.get(k).copied().unwrap_or(0);
            Some(Contingency {
                id: fb.id.clone(),
                label: fb.label().to_string(),
                system: plan.systems[fb.system].clone(),
                team: fb.team.map(|t| plan.teams[t].name.clone()),
                risk: risk.name.clone(),
                when,
                chance: risk.p,
                ran: fired as f64 / config.trials.max(1) as f64,
                median: crate::sim::attempt_time(
                    &model.steps[c],
                    model.steps[c].dist.quantile(0.5),
                )
                .0,
            })
        })
        .collect();

    RunSheet {
        plan: plan.name.clone(),
        scenario: scenario.name.clone(),
        description: scenario.description.clone(),
        policy: model.policy.name(),
        trials: config.trials,
        seed: config.seed,
        planned_rto: det.rto,
        surviving: plan
            .systems
            .iter()
            .zip(&scenario.lost)
            .filter(|(_, lost)| !**lost)
            .map(|(s, _)| s.clone())
            .collect(),
        start_now,
        steps,
        lanes,
        unattended,
        contingency,
    }
}

/// Escapes text for a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn step_cell(s: &SheetStep) -> String {
    let mut out = format!("**{}**", cell(&s.id));
    if s.label != s.id {
        let _ = write!(out, " {}", cell(&s.label));
    }
    if s.groups.len() > 1 {
        let g: Vec<String> = s.groups.iter().map(u32::to_string).collect();
        let _ = write!(out, " (groups {} together)", g.join("+"));
    }
    for m in &s.completes {
        let _ = write!(out, " · completes milestone **{}**", cell(m));
    }
    out
}

/// The planned finish, with the time the groups are free again when they leave earlier.
fn finish_cell(s: &SheetStep) -> String {
    if !s.groups.is_empty() && s.planned_release < s.planned_finish {
        format!(
            "{} (hands free at {})",
            span(s.planned_finish),
            span(s.planned_release)
        )
    } else {
        span(s.planned_finish)
    }
}

fn table(out: &mut String, sheet: &RunSheet, rows: &[usize]) {
    out.push_str("| # | done | step | system | after | planned start | planned finish | start P50 / P90 | finish P50 / P90 |\n");
    out.push_str("|--:|:--:|---|---|---|--:|--:|--:|--:|\n");
    for (pos, &i) in rows.iter().enumerate() {
        let s = &sheet.steps[i];
        let after = if s.after.is_empty() {
            "-".to_string()
        } else {
            cell(&s.after.join(", "))
        };
        let _ = writeln!(
            out,
            "| {} | [ ] | {} | {} | {} | {} | {} | {} / {} | {} / {} |",
            pos + 1,
            step_cell(s),
            cell(&s.system),
            after,
            span(s.planned_start),
            finish_cell(s),
            span(s.start.p50),
            span(s.start.p90),
            span(s.finish.p50),
            span(s.finish.p90)
        );
    }
}

/// Renders the sheet as printable Markdown.
pub fn render_markdown(sheet: &RunSheet) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Run sheet: {}\n", sheet.plan);
    let _ = write!(out, "Scenario **{}**", sheet.scenario);
    if let Some(d) = &sheet.description {
        let _ = write!(out, " ({d})");
    }
    let _ = writeln!(
        out,
        ". Times count from the start of the recovery. Planned times are a day that goes to plan: \
         every step at its median time, no failures and no risk, in the order the simulation \
         dispatches (policy {}); P50 / P90 are simulated over {} trials (seed {}).\n",
        sheet.policy, sheet.trials, sheet.seed
    );
    let _ = writeln!(
        out,
        "Planned recovery time: **{}** for {} steps.\n",
        span(sheet.planned_rto),
        sheet.steps.len()
    );
    if !sheet.surviving.is_empty() {
        let _ = writeln!(
            out,
            "Not lost in this scenario (nothing to do): {}.\n",
            sheet.surviving.join(", ")
        );
    }
    out.push_str("## Start immediately\n\nThese systems have work that waits for nothing: brief their teams first.\n\n");
    out.push_str("| system | steps | teams | planned start |\n|---|---|---|--:|\n");
    for s in &sheet.start_now {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            cell(&s.system),
            cell(&s.steps.join(", ")),
            cell(&s.teams.join(", ")),
            span(s.planned_start)
        );
    }
    for lane in &sheet.lanes {
        let _ = writeln!(
            out,
            "\n## {}: group {} ({} {})\n",
            lane.team,
            lane.group,
            lane.size,
            if lane.size == 1 { "person" } else { "people" }
        );
        if lane.steps.is_empty() {
            out.push_str("Nothing assigned in the plan: on standby to relieve the other groups.\n");
        } else {
            table(&mut out, sheet, &lane.steps);
        }
    }
    if !sheet.unattended.is_empty() {
        out.push_str(
            "\n## Unattended (no team)\n\nAutomation and waiting: check these are running.\n\n",
        );
        table(&mut out, sheet, &sheet.unattended);
    }
    if !sheet.contingency.is_empty() {
        out.push_str(
            "\n## Contingency (only when a risk fires)\n\nOn no list until its risk fires; then the \
             steps after the one in trouble wait for it.\n\n",
        );
        out.push_str(
            "| done | step | system | team | when | risk | chance | ran in | median time |\n",
        );
        out.push_str("|:--:|---|---|---|---|---|--:|--:|--:|\n");
        for c in &sheet.contingency {
            let mut step = format!("**{}**", cell(&c.id));
            if c.label != c.id {
                let _ = write!(step, " {}", cell(&c.label));
            }
            let _ = writeln!(
                out,
                "| [ ] | {} | {} | {} | {} goes wrong | {} | {} | {} | {} |",
                step,
                cell(&c.system),
                cell(c.team.as_deref().unwrap_or("-")),
                cell(&c.when.join(", ")),
                cell(&c.risk),
                crate::report::narrative::percent(c.chance),
                crate::report::narrative::percent(c.ran),
                span(c.median)
            );
        }
    }
    out
}

/// Renders the sheet as CSV: one row per step, by planned start, times in seconds.
pub fn render_csv(sheet: &RunSheet) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "order",
        "team",
        "groups",
        "position",
        "step",
        "label",
        "system",
        "after",
        "planned_start_seconds",
        "planned_finish_seconds",
        "planned_release_seconds",
        "start_p50_seconds",
        "start_p90_seconds",
        "finish_p50_seconds",
        "finish_p90_seconds",
        "contingency_risk",
        "completes",
    ])?;
    for s in &sheet.steps {
        let groups: Vec<String> = s.groups.iter().map(u32::to_string).collect();
        let record = [
            s.order.to_string(),
            s.team.clone().unwrap_or_default(),
            groups.join("+"),
            s.position.to_string(),
            s.id.clone(),
            s.label.clone(),
            s.system.clone(),
            s.after.join(" "),
            format!("{:.0}", s.planned_start),
            format!("{:.0}", s.planned_finish),
            format!("{:.0}", s.planned_release),
            format!("{:.0}", s.start.p50),
            format!("{:.0}", s.start.p90),
            format!("{:.0}", s.finish.p50),
            format!("{:.0}", s.finish.p90),
            String::new(),
            s.completes.join(" "),
        ];
        // Names come from the plan: a spreadsheet must not run one as a formula.
        w.write_record(record.iter().map(|f| crate::text::csv_cell(f).into_owned()))?;
    }
    // Contingencies last: on no group's list, so no order, position or planned time.
    for c in &sheet.contingency {
        let record = [
            String::new(),
            c.team.clone().unwrap_or_default(),
            String::new(),
            String::new(),
            c.id.clone(),
            c.label.clone(),
            c.system.clone(),
            c.when.join(" "),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            c.risk.clone(),
            String::new(),
        ];
        w.write_record(record.iter().map(|f| crate::text::csv_cell(f).into_owned()))?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8(bytes).expect("CSV of UTF-8 fields is UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Format, parse_plan};
    use crate::sim::{Policy, planned, run};

    fn sheet(text: &str) -> RunSheet {
        let plan = parse_plan(text, Format::Toml, "t").unwrap().plan;
        let scenario = plan.default_scenario();
        let mut model = Model::compile(&plan, &scenario, Policy::Lft);
        model.record_starts = true;
        let det = planned(&model);
        let config = RunConfig {
            trials: 200,
            seed: 1,
            threads: 1,
        };
        let result = run(&model, &config, &|_| {}).unwrap();
        build(&plan, &scenario, &model, &det, &result.accum, &config)
    }

    #[test]
    fn partitions_a_team_into_groups() {
        // Three one-hour steps, two groups: a and b in parallel, then c on group 1.
        let s = sheet(
            r#"
            [teams]
            ops = 2
            [[step]]
            id = "a"
            team = "ops"
            duration = "1h"
            [[step]]
            id = "b"
            team = "ops"
            duration = "1h"
            [[step]]
            id = "c"
            team = "ops"
            duration = "1h"
            [[step]]
            id = "d"
            team = "ops"
            crew = 2
            after = ["a", "b", "c"]
            duration = "30m"
            "#,
        );
        let lane = |g: usize| -> Vec<&str> {
            s.lanes[g]
                .steps
                .iter()
                .map(|&i| s.steps[i].id.as_str())
                .collect()
        };
        assert_eq!(lane(0), vec!["a", "c", "d"]);
        assert_eq!(lane(1), vec!["b"]);
        assert_eq!(
            s.steps.iter().find(|x| x.id == "d").unwrap().groups,
            vec![1, 2]
        );
        assert_eq!(s.planned_rto, 2.5 * 3600.0);
        assert_eq!(s.start_now.len(), 3);
        let md = render_markdown(&s);
        assert!(md.contains("**d** (groups 1+2 together)"), "{md}");
        assert!(md.contains("## ops: group 2 (1 person)"));
    }
}
