//! The plain-language summary that opens the management report, generated from the numbers.
//!
//! Every figure in these sentences comes straight from the [`SimReport`] that the JSON output
//! serializes, formatted with [`format_span`], so the summary can never disagree with the data.

use super::summary::{SimReport, StepStats, TeamStats};
use crate::duration::format_span;
use crate::stats::paired::Saving;

/// Below this rank correlation no single step's duration is said to drive the RTO.
pub(super) const DRIVER_THRESHOLD: f64 = 0.1;

/// Below this total wait per recovery (seconds) no team's waiting is mentioned.
const WAIT_THRESHOLD: f64 = 60.0;

/// A share as a whole percentage, never rounding a near-certainty to a certainty: `"72%"`,
/// `"more than 99%"`, `"less than 1%"`.
pub fn percent(p: f64) -> String {
    let r = (100.0 * p).round();
    if r >= 100.0 && p < 1.0 {
        "more than 99%".to_string()
    } else if r <= 0.0 && p > 0.0 {
        "less than 1%".to_string()
    } else {
        format!("{r:.0}%")
    }
}

/// A count with thousands separated for reading: `"100,000"`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The step that drives the RTO most: the first of the one ranking ([`super::ranking`]), so
/// the sentence names the top row of the step table and the top bar of the tornado chart.
pub fn top_driver(r: &SimReport) -> Option<&StepStats> {
    super::ranking::ranked_steps(r).into_iter().next()
}

/// The team whose ready work waits longest in total per recovery, if it waits at all.
pub fn longest_wait(r: &SimReport) -> Option<&TeamStats> {
    r.teams
        .iter()
        .filter(|t| t.wait_per_trial_seconds >= WAIT_THRESHOLD)
        .fold(None, |best: Option<&TeamStats>, t| match best {
            Some(b) if b.wait_per_trial_seconds >= t.wait_per_trial_seconds => Some(b),
            _ => Some(t),
        })
}

/// The bottleneck: the team one more group of which saves the most at P90, when that saving
/// is material (its whole paired interval above the practical threshold); `None` when no
/// team's extra group would (or when the savings were not measured).
pub fn bottleneck(r: &SimReport) -> Option<(&TeamStats, &Saving)> {
    r.teams
        .iter()
        .filter_map(|t| t.one_more_group.as_ref().map(|s| (t, s)))
        .filter(|(_, s)| s.material)
        .fold(
            None,
            |best: Option<(&TeamStats, &Saving)>, (t, s)| match best {
                Some((_, b)) if b.p90_seconds.value >= s.p90_seconds.value => best,
                _ => Some((t, s)),
            },
        )
}

/// The sentence on staffing: the bottleneck and what one more of its groups saves, or, when
/// no extra group would save a material time, what does drive the RTO.
fn staffing_sentence(r: &SimReport) -> Option<String> {
    if r.teams.is_empty() {
        return None;
    }
    if let Some((t, s)) = bottleneck(r) {
        return Some(format!(
            "The {} team is the bottleneck: one more of its groups would bring P90 forward by {} (95% interval {} to {}), measured on the same simulated recoveries.",
            t.name,
            format_span(s.p90_seconds.value),
            format_span(s.p90_seconds.low),
            format_span(s.p90_seconds.high)
        ));
    }
    let measured: Vec<&Saving> = r
        .teams
        .iter()
        .filter_map(|t| t.one_more_group.as_ref())
        .collect();
    if measured.is_empty() {
        // Savings not measured: say what waits, without calling it a bottleneck.
        return Some(match longest_wait(r) {
            Some(t) => format!(
                "Ready work waits for the {} team's groups {} on average, {} in all per recovery.",
                t.name,
                format_span(t.mean_wait_seconds),
                format_span(t.wait_per_trial_seconds)
            ),
            None => "Ready work seldom waits for a free group.".to_string(),
        });
    }
    let best = measured
        .iter()
        .map(|s| s.p90_seconds.value)
        .fold(0.0_f64, f64::max);
    let threshold = measured
        .iter()
        .map(|s| s.negligible_seconds)
        .fold(0.0_f64, f64::max);
    let driver = match top_driver(r) {
        Some(s) if s.cruciality.is_finite() && s.cruciality.abs() >= DRIVER_THRESHOLD => {
            format!("the duration of step “{}”", s.label)
        }
        _ => "the length of the critical chain".to_string(),
    };
    Some(format!(
        "No team is a bottleneck: one more group of any team would bring P90 forward by at most {} (less than {} does not matter); what drives the RTO is {}.",
        format_span(best.max(0.0)),
        format_span(threshold),
        driver
    ))
}

/// The summary as sentences, for a reader with thirty seconds.
pub fn narrative(r: &SimReport, description: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    let scenario = match description {
        Some(d) if !d.trim().is_empty() => format!("“{}” ({})", r.run.scenario, d.trim()),
        _ => format!("“{}”", r.run.scenario),
    };
    out.push(format!(
        "In scenario {scenario}, recovery takes {} at P50 and {} at P90: half of the {} simulated recoveries finish within {}, nine in ten within {}.",
        format_span(r.rto_seconds.p50),
        format_span(r.rto_seconds.p90),
        thousands(r.run.trials),
        format_span(r.rto_seconds.p50),
        format_span(r.rto_seconds.p90),
    ));
    match &r.target {
        Some(t) => out.push(format!(
            "There is {} chance of meeting the {} objective.",
            with_article(&percent(t.probability_met)),
            format_span(t.rto_seconds)
        )),
        None => out.push(
            "The plan sets no recovery time objective (rto-target), so the chance of meeting one is not shown."
                .to_string(),
        ),
    }
    if let Some(s) = top_driver(r) {
        let saving =
            super::ranking::p90_saving(r, &s.id).filter(|&v| v >= super::ranking::MATERIAL_SECONDS);
        if saving.is_some() {
            // Measured: the sentence of what can be funded below names it, with its saving.
        } else if s.cruciality.is_finite() && s.cruciality.abs() >= DRIVER_THRESHOLD {
            out.push(format!(
                "Step “{}” drives the result more than any other: its duration moves the RTO with a rank correlation of {:.2}, and it is on the critical chain in {} of recoveries.",
                s.label,
                s.cruciality,
                percent(s.criticality)
            ));
        } else if let Some(c) =
            r.steps
                .iter()
                .fold(None, |best: Option<&StepStats>, s| match best {
                    Some(b) if b.criticality >= s.criticality => Some(b),
                    _ => Some(s),
                })
        {
            out.push(format!(
                "No single step's duration dominates the result; step “{}” is most often on the critical chain, in {} of recoveries.",
                c.label,
                percent(c.criticality)
            ));
        }
    }
    if let Some(sentence) = super::p90_sentence(&r.chaos.p90_drivers) {
        out.push(sentence);
    }
    out.extend(staffing_sentence(r));
    let contingency = r.rto_seconds.p80 - r.deterministic_rto_seconds;
    if contingency >= 60.0 {
        out.push(format!(
            "A schedule on average durations with no failures would promise {}; P80 is {} later, the contingency such a plan misses.",
            format_span(r.deterministic_rto_seconds),
            format_span(contingency)
        ));
    }
    out
}

/// A figure with its indefinite article as it is read aloud: "an 82%", "an 11%", "a 60%".
fn with_article(figure: &str) -> String {
    let spoken_with_vowel = figure.starts_with('8')
        || ["11", "18"].iter().any(|p| {
            figure.starts_with(p) && !figure[2..].starts_with(|c: char| c.is_ascii_digit())
        });
    format!("{} {figure}", if spoken_with_vowel { "an" } else { "a" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{RunOptions, Wants, analyse};
    use crate::plan::{Format, parse_plan};
    use crate::sim::{Policy, RunConfig};

    fn sentences(text: &str) -> Vec<String> {
        let plan = parse_plan(text, Format::Toml, "t").unwrap().plan;
        let options = RunOptions {
            scenario: None,
            policy: Policy::Lft,
            config: RunConfig {
                trials: 500,
                seed: 3,
                threads: 1,
            },
            record_starts: false,
        };
        let wants = Wants {
            staffing: true,
            ..Wants::default()
        };
        let a = analyse(&plan, &options, wants, &|_| {}).unwrap();
        narrative(&a.summary, None)
    }

    #[test]
    fn figures_take_the_article_they_are_read_with() {
        assert_eq!(with_article("82%"), "an 82%");
        assert_eq!(with_article("8%"), "an 8%");
        assert_eq!(with_article("11%"), "an 11%");
        assert_eq!(with_article("18.5%"), "an 18.5%");
        assert_eq!(with_article("110%"), "a 110%");
        assert_eq!(with_article("60%"), "a 60%");
        assert_eq!(with_article("100%"), "a 100%");
    }

    #[test]
    fn fixed_durations_without_teams_or_objective_say_so() {
        let s = sentences(
            r#"
            [[step]]
            id = "a"
            duration = "1h"
            [[step]]
            id = "b"
            after = ["a"]
            duration = "30m"
        "#,
        );
        assert_eq!(
            s[0],
            "In scenario “everything”, recovery takes 1 h 30 m at P50 and 1 h 30 m at P90: half of the 500 simulated recoveries finish within 1 h 30 m, nine in ten within 1 h 30 m."
        );
        assert!(s[1].starts_with("The plan sets no recovery time objective"));
        // Nothing varies, so no duration drives the result; both steps are always critical.
        assert_eq!(
            s[2],
            "No single step's duration dominates the result; step “a” is most often on the critical chain, in 100% of recoveries."
        );
        // No teams: no bottleneck sentence; no contingency when the mean plan is exact.
        assert_eq!(s.len(), 3, "{s:?}");
    }

    #[test]
    fn a_team_that_never_waits_is_no_bottleneck() {
        let s = sentences(
            r#"
            rto-target = "3h"
            [teams]
            ops = 2
            [[step]]
            id = "a"
            team = "ops"
            duration = { dist = "uniform", min = "1h", max = "2h" }
            [[step]]
            id = "b"
            team = "ops"
            duration = "30m"
        "#,
        );
        assert_eq!(
            s[1],
            "There is a 100% chance of meeting the 3 h 00 m objective."
        );
        assert!(s[2].starts_with("Step “a” drives the result"), "{}", s[2]);
        assert_eq!(
            s[3],
            "No team is a bottleneck: one more group of any team would bring P90 forward by at most 0 s (less than 5 m does not matter); what drives the RTO is the duration of step “a”."
        );
    }

    #[test]
    fn a_team_is_the_bottleneck_only_when_one_more_group_saves_a_material_time() {
        // One group does a 1 h and a 4 h step in turn; a second does them side by side: 1 h
        // saved in every recovery, so exactly 1 h at P90 with a zero-width interval.
        let s = sentences(
            r#"
            [teams]
            ops = 1
            spare = 1
            [[step]]
            id = "a"
            team = "ops"
            duration = "1h"
            [[step]]
            id = "b"
            team = "ops"
            duration = "4h"
            [[step]]
            id = "c"
            team = "spare"
            duration = { dist = "uniform", min = "1h", max = "2h" }
        "#,
        );
        assert_eq!(
            s[3],
            "The ops team is the bottleneck: one more of its groups would bring P90 forward by 1 h 00 m (95% interval 1 h 00 m to 1 h 00 m), measured on the same simulated recoveries.",
            "{s:?}"
        );
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn percentages_never_round_to_certainty() {
        assert_eq!(percent(0.724), "72%");
        assert_eq!(percent(0.996), "more than 99%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(percent(0.004), "less than 1%");
        assert_eq!(percent(0.0), "0%");
    }
}
