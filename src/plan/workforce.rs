//! People as they work: when the disaster strikes in the week, a team's working hours and who
//! answers a page outside them, and how a team's groups share the clock.
//!
//! Times in the week are seconds from Monday 00:00 (local time of the team; the plan has one
//! clock). Day and time names are parsed with `jiff`'s civil types.

use jiff::civil::{Time, Weekday};

/// Seconds in a day.
pub const DAY: f64 = 86_400.0;
/// Seconds in a week.
pub const WEEK: f64 = 7.0 * DAY;

/// How the rotas of a team's groups lie against each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Rota {
    /// Every group's rota starts when the team mobilises: they rest at the same time.
    #[default]
    Together,
    /// Group k's rota is offset by k x (shift + rest) / groups, so the groups take turns.
    Staggered,
}

impl Rota {
    /// The key's value as the plan spells it.
    pub fn name(self) -> &'static str {
        match self {
            Rota::Together => "together",
            Rota::Staggered => "staggered",
        }
    }

    /// Parses a plan's `rota` value.
    pub fn parse(text: &str) -> Option<Rota> {
        match text {
            "together" => Some(Rota::Together),
            "staggered" => Some(Rota::Staggered),
            _ => None,
        }
    }
}

/// When in the week the disaster strikes.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Starts {
    /// At this second of the week (from Monday 00:00).
    At {
        /// Seconds from Monday 00:00.
        second: f64,
    },
    /// Uniformly over the week, drawn per trial.
    Week,
}

impl Starts {
    /// The second of the week for a trial whose uniform draw on [0, 1) is `u`.
    pub fn second(self, u: f64) -> f64 {
        match self {
            Starts::At { second } => second,
            Starts::Week => u * WEEK,
        }
    }

    /// Whether each trial draws its own start.
    pub fn is_random(self) -> bool {
        matches!(self, Starts::Week)
    }

    /// The value as a person reads it: "Sat 03:00" or "any time in the week".
    pub fn describe(self) -> String {
        match self {
            Starts::At { second } => format_week_time(second),
            Starts::Week => "any time in the week".to_string(),
        }
    }
}

/// Parses `"Sat 03:00"` or `"03:00"` (a time alone is on a Monday) into seconds of the week.
pub fn parse_week_time(text: &str) -> Result<f64, String> {
    let text = text.trim();
    let (day, time) = match text.split_once(char::is_whitespace) {
        Some((day, time)) => (Some(day), time.trim()),
        None => (None, text),
    };
    let day = match day {
        Some(d) => weekday(d)?,
        None => Weekday::Monday,
    };
    let time: Time = time
        .parse()
        .map_err(|_| format!("\"{time}\" is not a time of day such as 03:00"))?;
    Ok(day_offset(day)
        + f64::from(time.hour()) * 3600.0
        + f64::from(time.minute()) * 60.0
        + f64::from(time.second()))
}

/// "Sat 03:00" for a second of the week.
pub fn format_week_time(second: f64) -> String {
    let second = second.rem_euclid(WEEK);
    let day = (second / DAY).floor() as usize;
    let in_day = second - day as f64 * DAY;
    let (h, m) = (
        (in_day / 3600.0).floor(),
        ((in_day % 3600.0) / 60.0).floor(),
    );
    const NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    format!("{} {:02}:{:02}", NAMES[day.min(6)], h as u32, m as u32)
}

fn weekday(text: &str) -> Result<Weekday, String> {
    let lower = text.to_ascii_lowercase();
    const DAYS: [(&str, Weekday); 7] = [
        ("monday", Weekday::Monday),
        ("tuesday", Weekday::Tuesday),
        ("wednesday", Weekday::Wednesday),
        ("thursday", Weekday::Thursday),
        ("friday", Weekday::Friday),
        ("saturday", Weekday::Saturday),
        ("sunday", Weekday::Sunday),
    ];
    DAYS.iter()
        .find(|(name, _)| lower.len() >= 3 && name.starts_with(&lower))
        .map(|&(_, d)| d)
        .ok_or_else(|| format!("\"{text}\" is not a day of the week (Mon, Tue, ... Sun)"))
}

fn day_offset(day: Weekday) -> f64 {
    f64::from(day.to_monday_zero_offset()) * DAY
}

/// A team's working hours: the same window on each of a set of days.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct WorkHours {
    /// The hours as written, for reports.
    pub text: String,
    /// Working windows in the week, `[from, to)` in seconds from Monday 00:00, sorted.
    pub windows: Vec<(f64, f64)>,
}

impl WorkHours {
    /// Parses `"Mon-Fri 09:00-18:00"` (days as a range `Mon-Fri`, a list `Mon,Wed` or one day;
    /// a window may run past midnight, `22:00-06:00`).
    pub fn parse(text: &str) -> Result<WorkHours, String> {
        let trimmed = text.trim();
        let (days, window) = trimmed.split_once(char::is_whitespace).ok_or_else(|| {
            format!("\"{trimmed}\" needs days and hours, such as Mon-Fri 09:00-18:00")
        })?;
        let mut day_list = Vec::new();
        for part in days.split(',') {
            match part.split_once('-') {
                Some((a, b)) => {
                    let (a, b) = (weekday(a)?, weekday(b)?);
                    let (a, b) = (a.to_monday_zero_offset(), b.to_monday_zero_offset());
                    let mut d = a;
                    loop {
                        day_list.push(d);
                        if d == b {
                            break;
                        }
                        d = (d + 1) % 7;
                    }
                }
                None => day_list.push(weekday(part)?.to_monday_zero_offset()),
            }
        }
        let (from, to) = window
            .trim()
            .split_once('-')
            .ok_or_else(|| format!("\"{}\" is not a window such as 09:00-18:00", window.trim()))?;
        let time = |t: &str| -> Result<f64, String> {
            let t: Time = t
                .trim()
                .parse()
                .map_err(|_| format!("\"{}\" is not a time of day such as 09:00", t.trim()))?;
            Ok(f64::from(t.hour()) * 3600.0 + f64::from(t.minute()) * 60.0 + f64::from(t.second()))
        };
        let (from, mut to) = (time(from)?, time(to)?);
        if to == from {
            return Err(format!(
                "the window \"{}\" is empty; leave hours out for a team that answers at any hour",
                window.trim()
            ));
        }
        if to < from {
            to += DAY;
        }
        let mut windows: Vec<(f64, f64)> = Vec::new();
        day_list.sort_unstable();
        day_list.dedup();
        for d in day_list {
            let start = f64::from(d) * DAY + from;
            let end = f64::from(d) * DAY + to;
            if end > WEEK {
                windows.push((start, WEEK));
                windows.push((0.0, end - WEEK));
            } else {
                windows.push((start, end));
            }
        }
        windows.sort_by(|a, b| a.0.total_cmp(&b.0));
        Ok(WorkHours {
            text: trimmed.to_string(),
            windows,
        })
    }

    /// Whether second `at` of the week (any real number, taken modulo a week) is in hours.
    pub fn contains(&self, at: f64) -> bool {
        let at = at.rem_euclid(WEEK);
        self.windows.iter().any(|&(a, b)| a <= at && at < b)
    }

    /// Seconds from second `at` of the week until the next start of working hours (0 when
    /// hours start exactly then).
    pub fn until_next_start(&self, at: f64) -> f64 {
        let at = at.rem_euclid(WEEK);
        self.windows
            .iter()
            .map(|&(a, _)| if a >= at { a - at } else { a + WEEK - at })
            .fold(f64::INFINITY, f64::min)
    }
}

/// Which part of the week a start falls in, for the report's "RTO by start time".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StartBand {
    /// Monday to Friday, 09:00 to 18:00.
    WeekdayOfficeHours,
    /// Monday to Friday outside 09:00 to 18:00.
    WeekdayNights,
    /// Saturday and Sunday.
    Weekend,
}

impl StartBand {
    /// Every band, in report order.
    pub const ALL: [StartBand; 3] = [
        StartBand::WeekdayOfficeHours,
        StartBand::WeekdayNights,
        StartBand::Weekend,
    ];

    /// The band of second `at` of the week.
    pub fn of(at: f64) -> StartBand {
        let at = at.rem_euclid(WEEK);
        let day = (at / DAY).floor();
        let hour = (at - day * DAY) / 3600.0;
        if day >= 5.0 {
            StartBand::Weekend
        } else if (9.0..18.0).contains(&hour) {
            StartBand::WeekdayOfficeHours
        } else {
            StartBand::WeekdayNights
        }
    }

    /// The band as a report heads it.
    pub fn label(self) -> &'static str {
        match self {
            StartBand::WeekdayOfficeHours => "weekdays 09:00-18:00",
            StartBand::WeekdayNights => "weekday nights",
            StartBand::Weekend => "weekends",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: f64 = 3600.0;

    #[test]
    fn week_times_parse_from_monday() {
        assert_eq!(parse_week_time("Sat 03:00").unwrap(), 5.0 * DAY + 3.0 * H);
        assert_eq!(parse_week_time("03:00").unwrap(), 3.0 * H);
        assert_eq!(parse_week_time("tuesday 10:30").unwrap(), DAY + 10.5 * H);
        assert!(parse_week_time("Sat 25:00").is_err());
        assert!(parse_week_time("Caturday 03:00").is_err());
        assert_eq!(format_week_time(5.0 * DAY + 3.0 * H), "Sat 03:00");
    }

    #[test]
    fn office_hours_cover_weekdays_only() {
        let h = WorkHours::parse("Mon-Fri 09:00-18:00").unwrap();
        assert_eq!(h.windows.len(), 5);
        assert!(h.contains(9.0 * H));
        assert!(!h.contains(18.0 * H));
        assert!(!h.contains(5.0 * DAY + 10.0 * H));
        // Saturday 03:00 to Monday 09:00.
        assert_eq!(h.until_next_start(5.0 * DAY + 3.0 * H), 2.0 * DAY + 6.0 * H);
        assert_eq!(h.until_next_start(8.0 * H), H);
    }

    #[test]
    fn windows_past_midnight_and_round_the_week() {
        let h = WorkHours::parse("Sun 22:00-06:00").unwrap();
        assert!(h.contains(6.0 * DAY + 23.0 * H));
        assert!(h.contains(5.0 * H));
        assert!(!h.contains(7.0 * H));
        let wrap = WorkHours::parse("Fri-Mon 09:00-17:00").unwrap();
        assert_eq!(wrap.windows.len(), 4);
        assert!(WorkHours::parse("Mon-Fri").is_err());
        assert!(WorkHours::parse("Mon-Fri 09:00-09:00").is_err());
    }

    #[test]
    fn bands_split_the_week() {
        assert_eq!(StartBand::of(10.0 * H), StartBand::WeekdayOfficeHours);
        assert_eq!(StartBand::of(3.0 * H), StartBand::WeekdayNights);
        assert_eq!(StartBand::of(5.0 * DAY + 3.0 * H), StartBand::Weekend);
    }
}
