//! One CSV row per trial: for spreadsheets and for checking the simulation by hand.

use crate::plan::Plan;
use crate::sim::{MilestoneTimes, Model, NONE, Outcome};

/// The trials as CSV: `trial,rto_seconds,failures,last_step`, then for each milestone
/// `milestone_NAME_seconds`, when it was reached.
pub fn trials_csv(
    plan: &Plan,
    model: &Model,
    outcomes: &[Outcome],
    milestones: &MilestoneTimes,
) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::with_capacity(outcomes.len() * 32));
    let mut header: Vec<String> = ["trial", "rto_seconds", "failures", "last_step"]
        .map(String::from)
        .to_vec();
    header.extend(
        plan.milestones
            .iter()
            .map(|m| format!("milestone_{}_seconds", m.name)),
    );
    w.write_record(&header)?;
    let mut row: Vec<String> = Vec::with_capacity(header.len());
    for (i, o) in outcomes.iter().enumerate() {
        let last = if o.last == NONE {
            ""
        } else {
            plan.steps[model.steps[o.last as usize].plan_index as usize]
                .id
                .as_str()
        };
        row.clear();
        row.extend([
            i.to_string(),
            format!("{:.3}", o.rto),
            o.failures.to_string(),
            crate::text::csv_cell(last).into_owned(),
        ]);
        if milestones.count > 0 {
            row.extend(milestones.trial(i).iter().map(|t| format!("{t:.3}")));
        }
        w.write_record(&row)?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8(bytes).expect("CSV of UTF-8 fields is UTF-8"))
}
