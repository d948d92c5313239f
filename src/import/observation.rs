//! Observations: one attempt of one step in one drill, and their CSV form.
//!
//! Every importer produces observations, and every observation file (`timings` in a plan,
//! `--actual` in `calibrate`) is read back by [`super::drill_csv`]: the CSV written here is the
//! one format that ties them together.

use std::fmt;

/// How an attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The attempt did what it should.
    Succeeded,
    /// The attempt failed and had to be run again.
    Failed,
}

impl Outcome {
    /// The word the CSV uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Succeeded => "succeeded",
            Outcome::Failed => "failed",
        }
    }

    /// Reads an outcome; an empty cell means the attempt succeeded.
    pub fn parse(text: &str) -> Option<Outcome> {
        match text.trim().to_ascii_lowercase().as_str() {
            "" | "succeeded" | "success" | "ok" | "passed" | "done" => Some(Outcome::Succeeded),
            "failed" | "failure" | "fail" | "error" | "errored" => Some(Outcome::Failed),
            _ => None,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One attempt of one step in one drill.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// The step id.
    pub step: String,
    /// Wall time of the attempt in seconds (positive).
    pub duration_seconds: f64,
    /// How the attempt ended.
    pub outcome: Outcome,
    /// The drill (game day) the attempt belongs to, when known.
    pub drill: Option<String>,
    /// Where the observation came from: a log file, a report, a line of a drill log.
    pub source: String,
    /// When the attempt started, when the source records it.
    pub started: Option<jiff::Timestamp>,
    /// When the attempt ended, when the source records it.
    pub ended: Option<jiff::Timestamp>,
    /// Where the step id was read, when the observation comes from a drill log: what an
    /// error about the step points at.
    pub step_at: Option<super::Position>,
}

impl Observation {
    /// An observation from a start and an end time.
    pub fn timed(
        step: &str,
        started: jiff::Timestamp,
        ended: jiff::Timestamp,
        outcome: Outcome,
        drill: Option<&str>,
        source: &str,
    ) -> Observation {
        Observation {
            step: step.to_string(),
            duration_seconds: super::seconds_between(started, ended),
            outcome,
            drill: drill.map(str::to_string),
            source: source.to_string(),
            started: Some(started),
            ended: Some(ended),
            step_at: None,
        }
    }
}

/// The CSV columns written, in order. `duration` is redundant when both times are given; it is
/// written anyway so a spreadsheet can sum it.
pub const COLUMNS: [&str; 7] = [
    "step", "started", "ended", "duration", "outcome", "drill", "source",
];

/// Renders observations as CSV with a header: `step,started,ended,duration,outcome,drill,source`,
/// times in RFC 3339 (UTC), durations in seconds with millisecond precision.
pub fn observations_csv(observations: &[Observation]) -> Result<String, csv::Error> {
    let mut w = CsvWriter::new()?;
    for o in observations {
        w.write(o)?;
    }
    w.finish()
}

/// Observations written as CSV one at a time, for importers that hand them over one at a time
/// (a large report need never hold all of them).
pub struct CsvWriter {
    w: csv::Writer<Vec<u8>>,
}

impl CsvWriter {
    /// A writer with the header written.
    pub fn new() -> Result<CsvWriter, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(COLUMNS)?;
        Ok(CsvWriter { w })
    }

    /// Writes one observation.
    pub fn write(&mut self, o: &Observation) -> Result<(), csv::Error> {
        let ts = |t: Option<jiff::Timestamp>| t.map(|t| t.to_string()).unwrap_or_default();
        let record = [
            o.step.as_str(),
            &ts(o.started),
            &ts(o.ended),
            &format_seconds(o.duration_seconds),
            o.outcome.as_str(),
            o.drill.as_deref().unwrap_or(""),
            o.source.as_str(),
        ];
        // Labels and paths come from logs: a spreadsheet must not run one as a formula.
        self.w
            .write_record(record.map(|f| crate::text::csv_cell(f).into_owned()))
    }

    /// The CSV text.
    pub fn finish(self) -> Result<String, csv::Error> {
        let bytes = self.w.into_inner().map_err(|e| e.into_error())?;
        // Every field written was text, so this takes the bytes without a copy.
        Ok(String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }
}

/// Seconds with at most three decimals and no trailing zeros: `1234.5`, `60`.
fn format_seconds(s: f64) -> String {
    let text = format!("{s:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_read_common_spellings() {
        assert_eq!(Outcome::parse(""), Some(Outcome::Succeeded));
        assert_eq!(Outcome::parse(" OK "), Some(Outcome::Succeeded));
        assert_eq!(Outcome::parse("Errored"), Some(Outcome::Failed));
        assert_eq!(Outcome::parse("maybe"), None);
    }

    #[test]
    fn csv_has_a_header_and_rounded_seconds() {
        let t0: jiff::Timestamp = "2024-03-02T10:00:00Z".parse().unwrap();
        let t1: jiff::Timestamp = "2024-03-02T10:20:30.5+00:00".parse().unwrap();
        let obs = [
            Observation::timed("vpc", t0, t1, Outcome::Succeeded, Some("gd-1"), "vpc.log"),
            Observation {
                step: "dns".into(),
                duration_seconds: 60.0,
                outcome: Outcome::Failed,
                drill: None,
                source: "notes".into(),
                started: None,
                ended: None,
                step_at: None,
            },
        ];
        let text = observations_csv(&obs).unwrap();
        assert_eq!(
            text,
            "step,started,ended,duration,outcome,drill,source\n\
             vpc,2024-03-02T10:00:00Z,2024-03-02T10:20:30.5Z,1230.5,succeeded,gd-1,vpc.log\n\
             dns,,,60,failed,,notes\n"
        );
    }
}
