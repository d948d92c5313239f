//! Which staffing options a sweep tries: command-line ranges, resolved against a plan, and
//! enumerated either as a full grid or as every split of exactly N people.
//!
//! Pure: no simulation here. A swept *dimension* is one number of one team (its groups, or the
//! people per group); an option gives every dimension a value. Teams that no dimension names
//! keep the plan's staffing and do not count toward the headcount.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use super::rota::{RotaArg, on_call_dim, rota_dim, rota_of};
use crate::plan::{Plan, Rota, did_you_mean};

/// The most options one sweep may try: each runs a full simulation.
pub const MAX_OPTIONS: usize = 500;

/// Why a sweep cannot be set up: an option that names something wrong, or asks too much.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}{}", hint.as_ref().map(|h| format!(" (hint: {h})")).unwrap_or_default())]
pub struct StaffError {
    /// What is wrong, as a lowercase fragment.
    pub message: String,
    /// How to fix it, when known.
    pub hint: Option<String>,
}

impl StaffError {
    pub(crate) fn new(message: impl Into<String>, hint: impl Into<String>) -> StaffError {
        StaffError {
            message: message.into(),
            hint: Some(hint.into()),
        }
    }
}

/// What a dimension varies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DimKind {
    /// Parallel groups of the team (`--team`).
    Groups,
    /// People per group (`--size`).
    Size,
    /// The team's rota (`--rota`): 0 together, 1 staggered.
    Rota,
    /// Groups on call out of hours (`--on-call`).
    #[serde(rename = "on_call")]
    OnCall,
}

impl DimKind {
    /// Whether the dimension counts people (groups or people per group), as opposed to how
    /// the same people share the clock.
    pub fn counts_people(self) -> bool {
        matches!(self, DimKind::Groups | DimKind::Size)
    }
}

/// One range as written on the command line: `platform=1..4`, `platform=3`, `platform=2..` or
/// `platform` (the last two only with `--people`, which bounds them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeArg {
    /// The team's name.
    pub team: String,
    /// Smallest value, if given.
    pub low: Option<u32>,
    /// Largest value, if given.
    pub high: Option<u32>,
}

impl FromStr for RangeArg {
    type Err = String;

    fn from_str(s: &str) -> Result<RangeArg, String> {
        let usage =
            "expected TEAM=LOW..HIGH (such as platform=1..4), TEAM=N or, with --people, TEAM";
        let (team, range) = match s.split_once('=') {
            Some((t, r)) => (t.trim(), Some(r.trim())),
            None => (s.trim(), None),
        };
        if team.is_empty() {
            return Err(format!("no team named in \"{s}\": {usage}"));
        }
        let max = crate::plan::MAX_COUNT;
        let number = |text: &str| -> Result<u32, String> {
            let text = text.trim();
            let too_large = || {
                format!(
                    "\"{text}\" is too large in \"{s}\": groups and people per group run from 1 to {max}"
                )
            };
            match text.parse::<u32>() {
                Ok(n) if i64::from(n) > max => Err(too_large()),
                Ok(n) => Ok(n),
                Err(e) if *e.kind() == std::num::IntErrorKind::PosOverflow => Err(too_large()),
                Err(_) => Err(format!(
                    "\"{text}\" is not a whole number in \"{s}\": {usage}"
                )),
            }
        };
        let (low, high) = match range {
            None => (None, None),
            Some(r) => match r.split_once("..") {
                Some((lo, hi)) => {
                    let hi = hi.strip_prefix('=').unwrap_or(hi);
                    let high = if hi.trim().is_empty() {
                        None
                    } else {
                        Some(number(hi)?)
                    };
                    (Some(number(lo)?), high)
                }
                None => {
                    let n = number(r)?;
                    (Some(n), Some(n))
                }
            },
        };
        Ok(RangeArg {
            team: team.to_string(),
            low,
            high,
        })
    }
}

impl fmt::Display for RangeArg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.low, self.high) {
            (None, _) => write!(f, "{}", self.team),
            (Some(lo), Some(hi)) if lo == hi => write!(f, "{}={lo}", self.team),
            (Some(lo), Some(hi)) => write!(f, "{}={lo}..{hi}", self.team),
            (Some(lo), None) => write!(f, "{}={lo}..", self.team),
        }
    }
}

/// One swept dimension, resolved against the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dim {
    /// Index into [`Plan::teams`].
    pub team: usize,
    /// What it varies.
    pub kind: DimKind,
    /// Smallest value.
    pub low: u32,
    /// Largest value; `None` only with `--people`, which bounds it.
    pub high: Option<u32>,
}

/// A staffing option: a value for every dimension of its [`Grid`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StaffOption {
    /// Values in the order of [`Grid::dims`].
    pub values: Vec<u32>,
    /// People in the swept teams.
    pub headcount: u32,
}

/// The dimensions a sweep varies, and whether it splits a fixed number of people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    /// Dimensions in plan team order, each team's groups before its size.
    pub dims: Vec<Dim>,
    /// Teams named by a dimension, in plan order.
    pub swept_teams: Vec<usize>,
    /// `--people N`: only options with exactly N people in the swept teams.
    pub people: Option<u32>,
}

impl Grid {
    /// Resolves `--team` (groups) and `--size` (people per group) ranges against `plan`.
    ///
    /// Every range must name a known team once per kind; groups must leave room for the largest
    /// `crew` among the team's steps (so every option is a plan that could run); open ranges
    /// need `--people`.
    pub fn resolve(
        plan: &Plan,
        groups: &[RangeArg],
        sizes: &[RangeArg],
        people: Option<u32>,
    ) -> Result<Grid, StaffError> {
        Grid::resolve_all(plan, groups, sizes, &[], &[], people)
    }

    /// [`Grid::resolve`] with `--rota` and `--on-call` dimensions too.
    pub fn resolve_all(
        plan: &Plan,
        groups: &[RangeArg],
        sizes: &[RangeArg],
        rotas: &[RotaArg],
        on_call: &[RangeArg],
        people: Option<u32>,
    ) -> Result<Grid, StaffError> {
        if groups.is_empty() && sizes.is_empty() && rotas.is_empty() && on_call.is_empty() {
            let example = plan.teams.first().map_or("platform", |t| t.name.as_str());
            return Err(StaffError::new(
                "nothing to sweep: name at least one team",
                format!("such as --team {example}=1..4, or --size {example}=1..3"),
            ));
        }
        if people == Some(0) {
            return Err(StaffError::new(
                "--people must be at least 1",
                "give the number of engineers to split between the named teams",
            ));
        }
        let mut dims = Vec::new();
        for (args, kind, flag) in [
            (groups, DimKind::Groups, "--team"),
            (sizes, DimKind::Size, "--size"),
        ] {
            for arg in args {
                let team = find_team(plan, &arg.team, flag)?;
                if dims.iter().any(|d: &Dim| d.team == team && d.kind == kind) {
                    return Err(StaffError::new(
                        format!("{flag} names team \"{}\" twice", arg.team),
                        format!("give one range per team, such as {flag} {}=1..4", arg.team),
                    ));
                }
                dims.push(resolve_dim(plan, arg, team, kind, flag, people.is_some())?);
            }
        }
        let twice = |dims: &[Dim], team: usize, kind: DimKind, flag: &str, name: &str| {
            if dims.iter().any(|d| d.team == team && d.kind == kind) {
                Err(StaffError::new(
                    format!("{flag} names team \"{name}\" twice"),
                    format!("give one {flag} per team"),
                ))
            } else {
                Ok(())
            }
        };
        for arg in rotas {
            let team = find_team(plan, &arg.team, "--rota")?;
            twice(&dims, team, DimKind::Rota, "--rota", &arg.team)?;
            dims.push(rota_dim(plan, arg, team)?);
        }
        for arg in on_call {
            let team = find_team(plan, &arg.team, "--on-call")?;
            twice(&dims, team, DimKind::OnCall, "--on-call", &arg.team)?;
            dims.push(on_call_dim(plan, arg, team)?);
        }
        dims.sort_by_key(|d| (d.team, d.kind));
        let mut swept_teams: Vec<usize> = dims.iter().map(|d| d.team).collect();
        swept_teams.dedup();
        Ok(Grid {
            dims,
            swept_teams,
            people,
        })
    }

    /// The (groups, size) of team `t` under `option`.
    pub fn staffing_of(&self, plan: &Plan, option: &StaffOption, t: usize) -> (u32, u32) {
        let team = &plan.teams[t];
        let (mut groups, mut size) = (team.groups, team.size);
        for (d, &v) in self.dims.iter().zip(&option.values) {
            if d.team == t {
                match d.kind {
                    DimKind::Groups => groups = v,
                    DimKind::Size => size = v,
                    DimKind::Rota | DimKind::OnCall => {}
                }
            }
        }
        (groups, size)
    }

    /// The rota (when it works shifts) and the groups on call (when it has working hours) of
    /// team `t` under `option`.
    pub fn workforce_of(
        &self,
        plan: &Plan,
        option: &StaffOption,
        t: usize,
    ) -> (Option<Rota>, Option<u32>) {
        let team = &plan.teams[t];
        let mut rota = team.shift.as_ref().map(|s| s.rota);
        let mut on_call = team.hours.as_ref().map(|_| team.on_call_groups());
        for (d, &v) in self.dims.iter().zip(&option.values) {
            if d.team == t {
                match d.kind {
                    DimKind::Rota => rota = Some(rota_of(v)),
                    DimKind::OnCall => on_call = Some(v),
                    DimKind::Groups | DimKind::Size => {}
                }
            }
        }
        (rota, on_call)
    }

    /// A copy of `plan` staffed as `option` says.
    pub fn apply(&self, plan: &Plan, option: &StaffOption) -> Plan {
        let mut copy = plan.clone();
        for &t in &self.swept_teams {
            let (groups, size) = self.staffing_of(plan, option, t);
            copy.teams[t].groups = groups;
            copy.teams[t].size = size;
            let (rota, on_call) = self.workforce_of(plan, option, t);
            if let (Some(shift), Some(rota)) = (copy.teams[t].shift.as_mut(), rota) {
                shift.rota = rota;
            }
            if self
                .dims
                .iter()
                .any(|d| d.team == t && d.kind == DimKind::OnCall)
            {
                copy.teams[t].on_call = on_call;
            }
        }
        copy
    }

    /// Whether `option` is the plan's own staffing.
    pub fn is_as_planned(&self, plan: &Plan, option: &StaffOption) -> bool {
        let planned = StaffOption {
            values: Vec::new(),
            headcount: 0,
        };
        self.swept_teams.iter().all(|&t| {
            self.staffing_of(plan, option, t) == (plan.teams[t].groups, plan.teams[t].size)
                && self.workforce_of(plan, option, t) == self.workforce_of(plan, &planned, t)
        })
    }

    /// Every option, ordered by headcount, then by the values in dimension order.
    ///
    /// Without `--people` this is the full grid; with it, every way of giving the swept teams
    /// exactly N people in total (groups x size per team) within the ranges.
    pub fn options(&self, plan: &Plan) -> Result<Vec<StaffOption>, StaffError> {
        let mut out = match self.people {
            None => self.full_grid(plan)?,
            Some(n) => self.splits(plan, n)?,
        };
        out.sort_by(|a, b| (a.headcount, &a.values).cmp(&(b.headcount, &b.values)));
        Ok(out)
    }

    fn headcount(&self, plan: &Plan, values: &[u32]) -> u32 {
        let option = StaffOption {
            values: values.to_vec(),
            headcount: 0,
        };
        self.swept_teams
            .iter()
            .map(|&t| {
                let (g, s) = self.staffing_of(plan, &option, t);
                g * s
            })
            .sum()
    }

    fn full_grid(&self, plan: &Plan) -> Result<Vec<StaffOption>, StaffError> {
        let spans: Vec<(u32, u32)> = self
            .dims
            .iter()
            .map(|d| (d.low, d.high.unwrap_or(d.low)))
            .collect();
        let count = spans
            .iter()
            .map(|&(lo, hi)| u128::from(hi - lo + 1))
            .fold(1u128, |a, b| a.saturating_mul(b));
        if count > MAX_OPTIONS as u128 {
            return Err(too_many(count.to_string()));
        }
        let mut out = Vec::with_capacity(count as usize);
        let mut values: Vec<u32> = spans.iter().map(|s| s.0).collect();
        loop {
            out.push(StaffOption {
                headcount: self.headcount(plan, &values),
                values: values.clone(),
            });
            // Odometer: the last dimension turns fastest.
            let mut i = values.len();
            loop {
                if i == 0 {
                    return Ok(out);
                }
                i -= 1;
                if values[i] < spans[i].1 {
                    values[i] += 1;
                    break;
                }
                values[i] = spans[i].0;
            }
        }
    }

    /// Every assignment with exactly `n` people in the swept teams, found team by team with
    /// the remaining budget, pruning branches that cannot reach exactly `n`.
    fn splits(&self, plan: &Plan, n: u32) -> Result<Vec<StaffOption>, StaffError> {
        // Per swept team: its (low, high) groups and size, the fixed ones from the plan.
        let ranges: Vec<[(u32, u32); 2]> = self
            .swept_teams
            .iter()
            .map(|&t| {
                let team = &plan.teams[t];
                let mut r = [(team.groups, team.groups), (team.size, team.size)];
                for d in self
                    .dims
                    .iter()
                    .filter(|d| d.team == t && d.kind.counts_people())
                {
                    let k = usize::from(d.kind == DimKind::Size);
                    r[k] = (d.low, d.high.unwrap_or(n).max(d.low));
                }
                r
            })
            .collect();
        let least = |r: &[(u32, u32); 2]| u64::from(r[0].0) * u64::from(r[1].0);
        let most = |r: &[(u32, u32); 2]| u64::from(r[0].1) * u64::from(r[1].1);
        // Bounds on what the teams after `i` can take.
        let k = ranges.len();
        let mut rest_min = vec![0u64; k + 1];
        let mut rest_max = vec![0u64; k + 1];
        for i in (0..k).rev() {
            rest_min[i] = rest_min[i + 1] + least(&ranges[i]);
            rest_max[i] = rest_max[i + 1] + most(&ranges[i]);
        }
        let n64 = u64::from(n);
        if rest_min[0] > n64 || rest_max[0] < n64 {
            return Err(StaffError::new(
                format!("no split of exactly {n} people fits the ranges"),
                format!(
                    "within the ranges the swept teams take between {} and {} people",
                    rest_min[0], rest_max[0]
                ),
            ));
        }
        let mut chosen = vec![(0u32, 0u32); k];
        let mut found: Vec<Vec<(u32, u32)>> = Vec::new();
        split_rec(
            &ranges,
            &rest_min,
            &rest_max,
            0,
            n64,
            &mut chosen,
            &mut found,
        )?;
        let mut out = Vec::new();
        for teams in found {
            let values: Vec<u32> = self
                .dims
                .iter()
                .map(|d| {
                    let i = self
                        .swept_teams
                        .iter()
                        .position(|&t| t == d.team)
                        .expect("a dimension's team is swept");
                    match d.kind {
                        DimKind::Groups => teams[i].0,
                        DimKind::Size => teams[i].1,
                        DimKind::Rota | DimKind::OnCall => d.low,
                    }
                })
                .collect();
            // Every rota and on-call count with each split: they do not change the people.
            let mut values = values;
            loop {
                if out.len() == MAX_OPTIONS {
                    return Err(too_many(format!("more than {MAX_OPTIONS}")));
                }
                out.push(StaffOption {
                    values: values.clone(),
                    headcount: n,
                });
                let next =
                    self.dims.iter().enumerate().rev().find(|(i, d)| {
                        !d.kind.counts_people() && values[*i] < d.high.unwrap_or(d.low)
                    });
                let Some((i, _)) = next else { break };
                values[i] += 1;
                for (j, d) in self.dims.iter().enumerate().skip(i + 1) {
                    if !d.kind.counts_people() {
                        values[j] = d.low;
                    }
                }
            }
        }
        Ok(out)
    }
}

fn split_rec(
    ranges: &[[(u32, u32); 2]],
    rest_min: &[u64],
    rest_max: &[u64],
    i: usize,
    left: u64,
    chosen: &mut Vec<(u32, u32)>,
    found: &mut Vec<Vec<(u32, u32)>>,
) -> Result<(), StaffError> {
    if i == ranges.len() {
        if left == 0 {
            if found.len() == MAX_OPTIONS {
                return Err(too_many(format!("more than {MAX_OPTIONS}")));
            }
            found.push(chosen.clone());
        }
        return Ok(());
    }
    let [(g_lo, g_hi), (s_lo, s_hi)] = ranges[i];
    for g in g_lo..=g_hi {
        for s in s_lo..=s_hi {
            let take = u64::from(g) * u64::from(s);
            if take > left {
                break;
            }
            let after = left - take;
            if after < rest_min[i + 1] || after > rest_max[i + 1] {
                continue;
            }
            chosen[i] = (g, s);
            split_rec(ranges, rest_min, rest_max, i + 1, after, chosen, found)?;
        }
        if u64::from(g) * u64::from(s_lo) > left {
            break;
        }
    }
    Ok(())
}

fn too_many(count: String) -> StaffError {
    StaffError::new(
        format!("the sweep has {count} options, more than the {MAX_OPTIONS} one run may try"),
        "narrow the ranges, or fix the number of people with --people N",
    )
}

fn find_team(plan: &Plan, name: &str, flag: &str) -> Result<usize, StaffError> {
    plan.teams
        .iter()
        .position(|t| t.name == name)
        .ok_or_else(|| {
            let known: Vec<&str> = plan.teams.iter().map(|t| t.name.as_str()).collect();
            let hint = did_you_mean(name, known.iter().copied()).unwrap_or_else(|| {
                if known.is_empty() {
                    "the plan defines no teams; add a [teams] table".to_string()
                } else {
                    format!("the plan's teams are {}", known.join(", "))
                }
            });
            StaffError::new(format!("{flag} names unknown team \"{name}\""), hint)
        })
}

fn resolve_dim(
    plan: &Plan,
    arg: &RangeArg,
    team: usize,
    kind: DimKind,
    flag: &str,
    with_people: bool,
) -> Result<Dim, StaffError> {
    let name = &arg.team;
    // A team's groups must fit the biggest crew any of its steps needs, or that step could
    // never start (the plan's own validation enforces the same).
    let floor = match kind {
        DimKind::Groups => plan
            .steps
            .iter()
            .filter(|s| s.team == Some(team))
            .map(|s| s.crew)
            .max()
            .unwrap_or(1)
            .max(1),
        DimKind::Size | DimKind::Rota | DimKind::OnCall => 1,
    };
    let low = arg.low.unwrap_or(floor);
    if arg.high.is_none() && !with_people {
        return Err(StaffError::new(
            format!("{flag} {arg} has no upper bound"),
            format!(
                "give a range such as {flag} {name}={low}..{}, or split a fixed number of people with --people N",
                low + 3
            ),
        ));
    }
    if let Some(high) = arg.high
        && high < low
    {
        return Err(StaffError::new(
            format!("{flag} {arg} is an empty range"),
            format!("write the smaller number first, such as {name}={high}..{low}"),
        ));
    }
    if low == 0 {
        return Err(StaffError::new(
            format!("{flag} {arg} starts at 0"),
            format!(
                "a team needs at least one {}; start at 1",
                if kind == DimKind::Groups {
                    "group"
                } else {
                    "person per group"
                }
            ),
        ));
    }
    if low < floor {
        let step = plan
            .steps
            .iter()
            .find(|s| s.team == Some(team) && s.crew == floor)
            .map_or("", |s| s.id.as_str());
        return Err(StaffError::new(
            format!(
                "{flag} {arg} allows fewer than {floor} groups, but step \"{step}\" needs a crew of {floor}"
            ),
            format!(
                "start the range at {floor}, such as {name}={floor}..{}",
                arg.high.unwrap_or(floor).max(floor)
            ),
        ));
    }
    Ok(Dim {
        team,
        kind,
        low,
        high: arg.high,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Format, parse_plan};

    fn plan() -> Plan {
        let text = r#"
            [teams]
            platform = 2
            dba = { groups = 1, size = 2 }
            net = 1
            [[step]]
            id = "a"
            team = "platform"
            duration = "1h"
            [[step]]
            id = "b"
            team = "dba"
            crew = 1
            duration = "1h"
        "#;
        parse_plan(text, Format::Toml, "t").unwrap().plan
    }

    fn arg(s: &str) -> RangeArg {
        s.parse().unwrap()
    }

    #[test]
    fn parses_ranges() {
        assert_eq!(
            arg("platform=1..4"),
            RangeArg {
                team: "platform".into(),
                low: Some(1),
                high: Some(4)
            }
        );
        assert_eq!(arg("dba=2").low, Some(2));
        assert_eq!(arg("dba=2").high, Some(2));
        assert_eq!(arg("dba=2..").high, None);
        assert_eq!(arg("dba=1..=3").high, Some(3));
        assert_eq!(arg("dba").low, None);
        assert!("=1..2".parse::<RangeArg>().is_err());
        assert!("dba=x..2".parse::<RangeArg>().is_err());
        assert!("dba=-1..2".parse::<RangeArg>().is_err());
        // Too large is said as such, with the range, not as "not a whole number".
        for big in [
            "dba=1..99999999999999999999",
            "dba=4294967296",
            "dba=1..100001",
        ] {
            let e = big.parse::<RangeArg>().unwrap_err();
            assert!(
                e.contains("is too large") && e.contains("from 1 to 100000"),
                "{e}"
            );
        }
        assert_eq!(arg("dba=1..100000").high, Some(100_000));
        assert_eq!(arg("dba=1..3").to_string(), "dba=1..3");
    }

    fn team(p: &Plan, name: &str) -> usize {
        p.teams.iter().position(|t| t.name == name).unwrap()
    }

    #[test]
    fn full_grid_is_the_product_ordered_by_headcount() {
        let p = plan();
        let g = Grid::resolve(&p, &[arg("platform=1..3")], &[arg("dba=1..2")], None).unwrap();
        let opts = g.options(&p).unwrap();
        assert_eq!(opts.len(), 6);
        let heads: Vec<u32> = opts.iter().map(|o| o.headcount).collect();
        // platform g x 1 + dba 1 x s
        assert_eq!(heads, vec![2, 3, 3, 4, 4, 5]);
        let (pl, dba) = (team(&p, "platform"), team(&p, "dba"));
        let planned: Vec<&StaffOption> = opts.iter().filter(|o| g.is_as_planned(&p, o)).collect();
        assert_eq!(planned.len(), 1);
        assert_eq!(g.staffing_of(&p, planned[0], pl), (2, 1));
        assert_eq!(g.staffing_of(&p, planned[0], dba), (1, 2));
        let staffed = g.apply(&p, &opts[0]);
        assert_eq!((staffed.teams[pl].groups, staffed.teams[dba].size), (1, 1));
        let net = team(&p, "net");
        assert_eq!(staffed.teams[net], p.teams[net]);
    }

    #[test]
    fn people_splits_exactly() {
        let p = plan();
        let g = Grid::resolve(&p, &[arg("platform"), arg("dba")], &[], Some(5)).unwrap();
        let opts = g.options(&p).unwrap();
        // platform g x 1 + dba h x 2 = 5: (1, 2) and (3, 1).
        let (pl, dba) = (team(&p, "platform"), team(&p, "dba"));
        let mut splits: Vec<(u32, u32)> = opts
            .iter()
            .map(|o| (g.staffing_of(&p, o, pl).0, g.staffing_of(&p, o, dba).0))
            .collect();
        splits.sort_unstable();
        assert_eq!(splits, vec![(1, 2), (3, 1)]);
        assert!(opts.iter().all(|o| o.headcount == 5));
    }

    #[test]
    fn rejects_bad_ranges_with_hints() {
        let p = plan();
        let err = |g: &[&str], s: &[&str], people| {
            let g: Vec<RangeArg> = g.iter().map(|x| arg(x)).collect();
            let s: Vec<RangeArg> = s.iter().map(|x| arg(x)).collect();
            Grid::resolve(&p, &g, &s, people)
                .and_then(|grid| grid.options(&p))
                .unwrap_err()
                .to_string()
        };
        assert!(err(&["platfrom=1..2"], &[], None).contains("did you mean \"platform\"?"));
        assert!(err(&["platform=3..1"], &[], None).contains("empty range"));
        assert!(err(&["platform=0..1"], &[], None).contains("starts at 0"));
        assert!(err(&["platform"], &[], None).contains("no upper bound"));
        assert!(err(&["platform=1..2", "platform=2..3"], &[], None).contains("twice"));
        assert!(err(&[], &[], None).contains("nothing to sweep"));
        assert!(err(&["platform=1..100000"], &[], None).contains("more than the 500"));
        let g = Grid::resolve(&p, &[arg("platform=1..2")], &[], Some(9)).unwrap();
        assert!(
            g.options(&p)
                .unwrap_err()
                .to_string()
                .contains("between 1 and 2")
        );
    }
}
