//! One CSV row per trial: for spreadsheets and for checking the simulation by hand.

use crate::plan::Plan;
use crate::sim::{Model, NONE, Outcome};

/// The trials as CSV: `trial,rto_seconds,failures,last_step`.
pub fn trials_csv(plan: &Plan, model: &Model, outcomes: &[Outcome]) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::with_capacity(outcomes.len() * 32));
    w.write_record(["trial", "rto_seconds", "failures", "last_step"])?;
    for (i, o) in outcomes.iter().enumerate() {
        let last = if o.last == NONE {
            ""
        } else {
            plan.steps[model.steps[o.last as usize].plan_index as usize]
                .id
                .as_str()
        };
        w.write_record([
            i.to_string().as_str(),
            &format!("{:.3}", o.rto),
            &o.failures.to_string(),
            &crate::text::csv_cell(last),
        ])?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8(bytes).expect("CSV of UTF-8 fields is UTF-8"))
}
