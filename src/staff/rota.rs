//! The workforce dimensions of a sweep: a team's rota (`--rota dba=together,staggered`) and
//! the groups it keeps on call out of hours (`--on-call dba=1..2`).
//!
//! Neither changes the headcount: they say how the same people share the clock. Pure: no
//! simulation here.

use std::fmt;
use std::str::FromStr;

use super::grid::{Dim, DimKind, RangeArg, StaffError};
use crate::plan::{Plan, Rota};

/// `--rota TEAM=ROTA[,ROTA]`: the rotas to try for one team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RotaArg {
    /// The team's name.
    pub team: String,
    /// The rotas, as listed.
    pub rotas: Vec<Rota>,
}

impl FromStr for RotaArg {
    type Err = String;

    fn from_str(s: &str) -> Result<RotaArg, String> {
        let usage = "expected TEAM=ROTA[,ROTA] (such as dba=together,staggered)";
        let Some((team, list)) = s.split_once('=') else {
            return Err(format!("no rota given in \"{s}\": {usage}"));
        };
        let team = team.trim();
        if team.is_empty() {
            return Err(format!("no team named in \"{s}\": {usage}"));
        }
        let rotas = list
            .split(',')
            .map(|r| {
                Rota::parse(r.trim()).ok_or_else(|| {
                    format!(
                        "\"{}\" is not a rota in \"{s}\": a rota is \"together\" or \"staggered\"",
                        r.trim()
                    )
                })
            })
            .collect::<Result<Vec<Rota>, String>>()?;
        Ok(RotaArg {
            team: team.to_string(),
            rotas,
        })
    }
}

impl fmt::Display for RotaArg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.rotas.iter().map(|r| r.name()).collect();
        write!(f, "{}={}", self.team, names.join(","))
    }
}

/// A rota as a dimension's value: 0 for together, 1 for staggered.
pub fn rota_value(rota: Rota) -> u32 {
    match rota {
        Rota::Together => 0,
        Rota::Staggered => 1,
    }
}

/// The rota of a dimension's value.
pub fn rota_of(value: u32) -> Rota {
    if value == 0 {
        Rota::Together
    } else {
        Rota::Staggered
    }
}

/// The rota dimension of `arg` for team `team`, which must work shifts.
pub fn rota_dim(plan: &Plan, arg: &RotaArg, team: usize) -> Result<Dim, StaffError> {
    if plan.teams[team].shift.is_none() {
        return Err(StaffError::new(
            format!(
                "--rota {arg}: team \"{}\" works no shifts, so it has no rota",
                arg.team
            ),
            format!(
                "give the team a shift in the plan, such as {} = {{ groups = 2, shift = \"12h/12h\" }}",
                arg.team
            ),
        ));
    }
    let values = arg.rotas.iter().map(|&r| rota_value(r));
    Ok(Dim {
        team,
        kind: DimKind::Rota,
        low: values.clone().min().unwrap_or(0),
        high: values.max(),
    })
}

/// The on-call dimension of `arg` for team `team`, which must have working hours.
pub fn on_call_dim(plan: &Plan, arg: &RangeArg, team: usize) -> Result<Dim, StaffError> {
    let name = &arg.team;
    if plan.teams[team].hours.is_none() {
        return Err(StaffError::new(
            format!(
                "--on-call {arg}: team \"{name}\" has no working hours, so every group always answers"
            ),
            format!(
                "give the team hours in the plan, such as {name} = {{ groups = 2, hours = \"Mon-Fri 09:00-18:00\" }}"
            ),
        ));
    }
    let (Some(low), Some(high)) = (arg.low, arg.high) else {
        return Err(StaffError::new(
            format!("--on-call {arg} has no range"),
            format!("give a range such as --on-call {name}=1..2"),
        ));
    };
    if low == 0 || high < low {
        return Err(StaffError::new(
            format!("--on-call {arg} is not a range of at least one group"),
            format!("write it smaller first, from 1, such as --on-call {name}=1..2"),
        ));
    }
    Ok(Dim {
        team,
        kind: DimKind::OnCall,
        low,
        high: Some(high),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rota_lists() {
        let a: RotaArg = "dba=together, staggered".parse().unwrap();
        assert_eq!(a.rotas, vec![Rota::Together, Rota::Staggered]);
        assert_eq!(a.to_string(), "dba=together,staggered");
        assert!("dba".parse::<RotaArg>().is_err());
        let e = "dba=daily".parse::<RotaArg>().unwrap_err();
        assert!(e.contains("\"daily\" is not a rota"), "{e}");
    }
}
