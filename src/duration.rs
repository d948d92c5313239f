//! Human time spans: parsing `"1h30m"` from plans and printing `"14 h 20 m"` in reports.
//!
//! Everything inside rtosim counts time in seconds as `f64`; this module is the only place that
//! knows about units, so plans, tables and charts agree on how a time is written.

use std::fmt::Write as _;

/// Why a time span could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpanError {
    /// The text was empty.
    #[error("empty time")]
    Empty,
    /// A number without a unit, such as `"90"`.
    #[error("\"{0}\" has no unit")]
    MissingUnit(String),
    /// A unit rtosim does not know, such as `"5y"`.
    #[error("unknown unit \"{unit}\" in \"{text}\"")]
    UnknownUnit {
        /// The unit as written.
        unit: String,
        /// The whole text.
        text: String,
    },
    /// Something that is not a number where a number belongs.
    #[error("\"{0}\" is not a time")]
    Malformed(String),
    /// A time too large to be meaningful (more than 100 years).
    #[error("\"{0}\" is too long: times run from 0s up to 100 years")]
    TooLarge(String),
}

impl SpanError {
    /// A hint on how to write a time, shown under the error.
    pub fn hint(&self) -> &'static str {
        match self {
            SpanError::TooLarge(_) => {
                "a recovery step or objective of more than 100 years is a typo; check the number and its unit"
            }
            _ => {
                "write a time as a number and a unit, such as \"90s\", \"20m\", \"1h30m\" or \"2d\""
            }
        }
    }
}

/// The length of the number at the start of `text`: digits and points, then an exponent
/// (`e3`, `E-2`) when one follows, so `1e300h` is read as a (too large) number of hours
/// rather than a number followed by the unit `e`.
fn number_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut n = bytes
        .iter()
        .position(|b| !(b.is_ascii_digit() || *b == b'.'))
        .unwrap_or(bytes.len());
    if n > 0 && matches!(bytes.get(n), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(bytes.get(n + 1), Some(b'+' | b'-')));
        let digits = bytes[(n + 1 + sign).min(bytes.len())..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits > 0 {
            n += 1 + sign + digits;
        }
    }
    n
}

/// Longest accepted span: anything beyond a century is a typo, and it keeps arithmetic finite.
const MAX_SECONDS: f64 = 100.0 * 365.25 * 86_400.0;

/// Parses a time span such as `"90s"`, `"20m"`, `"1h30m"`, `"1.5h"`, `"2d"` or `"0s"` into seconds.
///
/// Components are a non-negative decimal number followed by a unit, `s`, `m`, `h` or `d` (or
/// spelt out: `min`, `minutes`, `hours`, `days` ...); they add up. White space between
/// components, and between a number and its unit, is allowed.
pub fn parse_span(text: &str) -> Result<f64, SpanError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(SpanError::Empty);
    }
    let mut total = 0.0;
    let mut rest = trimmed;
    while !rest.is_empty() {
        rest = rest.trim_start();
        let number_len = number_len(rest);
        if number_len == 0 {
            return Err(SpanError::Malformed(trimmed.to_string()));
        }
        let number: f64 = rest[..number_len]
            .parse()
            .map_err(|_| SpanError::Malformed(trimmed.to_string()))?;
        rest = rest[number_len..].trim_start();
        let unit_len = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        let scale = match unit {
            "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
            "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
            "h" | "hr" | "hrs" | "hour" | "hours" => 3_600.0,
            "d" | "day" | "days" => 86_400.0,
            "" => return Err(SpanError::MissingUnit(trimmed.to_string())),
            other => {
                return Err(SpanError::UnknownUnit {
                    unit: other.to_string(),
                    text: trimmed.to_string(),
                });
            }
        };
        total += number * scale;
        rest = &rest[unit_len..];
    }
    if !total.is_finite() || total > MAX_SECONDS {
        return Err(SpanError::TooLarge(trimmed.to_string()));
    }
    Ok(total)
}

/// Formats seconds for people: `"45 s"`, `"20 m"`, `"1 h 05 m"`, `"26 h 30 m"`, `"4 d 03 h"`.
///
/// Precision follows magnitude, rounding to the nearest unit shown, because a recovery forecast
/// that claims second-level precision over days would mislead its reader.
pub fn format_span(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "-".to_string();
    }
    let negative = seconds < 0.0;
    let s = seconds.abs();
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if s < 60.0 {
        let _ = write!(out, "{} s", s.round() as u64);
    } else if s < 3_600.0 {
        let total = (s / 60.0).round() as u64;
        if total == 60 {
            out.push_str("1 h 00 m");
        } else {
            let _ = write!(out, "{total} m");
        }
    } else if s < 100.0 * 3_600.0 - 30.0 {
        // Recovery objectives are stated in hours ("24 h"), so hours run up to 99 before days.
        let total = (s / 60.0).round() as u64;
        let _ = write!(out, "{} h {:02} m", total / 60, total % 60);
    } else {
        let total = (s / 3_600.0).round() as u64;
        let _ = write!(out, "{} d {:02} h", total / 24, total % 24);
    }
    out
}

/// Formats seconds compactly in the plan syntax, such as `"1h30m"`, so it can be pasted back.
pub fn format_span_compact(seconds: f64) -> String {
    if !seconds.is_finite() || seconds < 0.0 {
        return "-".to_string();
    }
    let total = seconds.round() as u64;
    if total == 0 {
        return "0s".to_string();
    }
    let mut out = String::new();
    let (d, h, m, s) = (
        total / 86_400,
        total % 86_400 / 3_600,
        total % 3_600 / 60,
        total % 60,
    );
    for (value, unit) in [(d, 'd'), (h, 'h'), (m, 'm'), (s, 's')] {
        if value > 0 {
            let _ = write!(out, "{value}{unit}");
        }
    }
    out
}

/// Seconds as hours, the unit of every chart axis.
pub fn hours(seconds: f64) -> f64 {
    seconds / 3_600.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_and_compounds() {
        assert_eq!(parse_span("90s"), Ok(90.0));
        assert_eq!(parse_span("20m"), Ok(1_200.0));
        assert_eq!(parse_span("1h30m"), Ok(5_400.0));
        assert_eq!(parse_span("1h 30m"), Ok(5_400.0));
        assert_eq!(parse_span("2d"), Ok(172_800.0));
        assert_eq!(parse_span("0s"), Ok(0.0));
        assert_eq!(parse_span("1.5h"), Ok(5_400.0));
        assert_eq!(parse_span("20 minutes"), Ok(1_200.0));
        assert_eq!(parse_span("2 hours 30 min"), Ok(9_000.0));
    }

    #[test]
    fn rejects_bad_spans() {
        assert_eq!(parse_span(""), Err(SpanError::Empty));
        assert!(matches!(parse_span("90"), Err(SpanError::MissingUnit(_))));
        assert!(matches!(
            parse_span("20 fortnights"),
            Err(SpanError::UnknownUnit { .. })
        ));
        assert!(matches!(
            parse_span("5y"),
            Err(SpanError::UnknownUnit { .. })
        ));
        assert!(matches!(parse_span("-5m"), Err(SpanError::Malformed(_))));
        assert!(matches!(parse_span("1..2h"), Err(SpanError::Malformed(_))));
        assert!(matches!(parse_span("h"), Err(SpanError::Malformed(_))));
        assert!(matches!(
            parse_span("99999999999999999999999d"),
            Err(SpanError::TooLarge(_))
        ));
    }

    #[test]
    fn scientific_notation_is_a_number_not_a_unit() {
        assert_eq!(parse_span("1.5e3s"), Ok(1_500.0));
        assert_eq!(parse_span("2E1m"), Ok(1_200.0));
        assert_eq!(parse_span("1e-1h"), Ok(360.0));
        let e = parse_span("1e300h").unwrap_err();
        assert_eq!(e, SpanError::TooLarge("1e300h".to_string()));
        assert_eq!(
            e.to_string(),
            "\"1e300h\" is too long: times run from 0s up to 100 years"
        );
        assert!(matches!(parse_span("1e999d"), Err(SpanError::TooLarge(_))));
        // An `e` with no digits after it is still a unit, and an unknown one.
        assert!(matches!(
            parse_span("1ex"),
            Err(SpanError::UnknownUnit { .. })
        ));
    }

    #[test]
    fn formats_for_people() {
        assert_eq!(format_span(45.0), "45 s");
        assert_eq!(format_span(1_200.0), "20 m");
        assert_eq!(format_span(3_900.0), "1 h 05 m");
        assert_eq!(format_span(3_599.9), "1 h 00 m");
        assert_eq!(format_span(86_400.0), "24 h 00 m");
        assert_eq!(format_span(95_400.0), "26 h 30 m");
        assert_eq!(format_span(359_999.0), "4 d 04 h");
        assert_eq!(format_span(442_800.0), "5 d 03 h");
    }

    #[test]
    fn compact_round_trips() {
        for text in ["1h30m", "2d", "45s", "1d2h3m4s"] {
            let secs = parse_span(text).unwrap();
            assert_eq!(format_span_compact(secs), text);
        }
    }
}
