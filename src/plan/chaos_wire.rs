//! Serde "wire" types of the chaos keys: `[[risk]]`, `[[factor]]` and plain-number
//! distributions, exactly as written (checked in `validate::chaos`).

use std::fmt;

use serde::de::{self, MapAccess, Visitor, value::MapAccessDeserializer};
use serde::{Deserialize, Deserializer};

use super::wire::DurationWire;

/// A risk event.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RiskWire {
    /// Unique name.
    pub name: Option<String>,
    /// Probability per trial.
    pub p: Option<f64>,
    /// Step ids or system names it hits.
    #[serde(default)]
    pub hits: Vec<String>,
    /// Time added to each hit step.
    pub delay: Option<DurationWire>,
    /// A step that must run after the hit step.
    pub fallback: Option<FallbackWire>,
    /// Whether the hit step's work is lost and redone.
    pub restart: Option<bool>,
    /// Recovery point lost when the risk fires, such as `"24h"`.
    pub data_loss: Option<String>,
}

/// The fallback step of a risk.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FallbackWire {
    /// Unique step id.
    pub id: Option<String>,
    /// A human label.
    pub name: Option<String>,
    /// The team that performs it.
    pub team: Option<String>,
    /// Groups it occupies.
    pub crew: Option<i64>,
    /// How long it takes.
    pub duration: Option<DurationWire>,
    /// Further steps or systems it waits for (besides the hit step).
    #[serde(default)]
    pub after: Vec<String>,
}

/// A shared factor.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FactorWire {
    /// Unique name.
    pub name: Option<String>,
    /// The multiplier: a number or a distribution of plain numbers.
    pub multiplier: Option<NumberWire>,
    /// Step ids, system names or team names it applies to.
    #[serde(default)]
    pub applies_to: Vec<String>,
}

/// A plain number or a distribution table of plain numbers.
#[derive(Debug)]
pub enum NumberWire {
    /// A fixed number such as `1.2`.
    Fixed(f64),
    /// A distribution table.
    Dist(NumberDistWire),
}

/// A distribution table of plain numbers; which keys apply depends on `dist`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct NumberDistWire {
    /// The family: uniform, triangular, pert, lognormal or empirical.
    pub dist: Option<String>,
    /// Lower bound.
    pub min: Option<f64>,
    /// Most likely value.
    pub mode: Option<f64>,
    /// Upper bound.
    pub max: Option<f64>,
    /// Median.
    pub p50: Option<f64>,
    /// 90th percentile.
    pub p90: Option<f64>,
    /// Recorded values.
    pub samples: Option<Vec<f64>>,
}

impl<'de> Deserialize<'de> for NumberWire {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NumberVisitor;
        impl<'de> Visitor<'de> for NumberVisitor {
            type Value = NumberWire;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a number such as 1.2 or a table such as { dist = \"lognormal\", p50 = 1.0, p90 = 1.5 }",
                )
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<NumberWire, E> {
                Ok(NumberWire::Fixed(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<NumberWire, E> {
                Ok(NumberWire::Fixed(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<NumberWire, E> {
                Ok(NumberWire::Fixed(v as f64))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<NumberWire, A::Error> {
                NumberDistWire::deserialize(MapAccessDeserializer::new(map)).map(NumberWire::Dist)
            }
        }
        deserializer.deserialize_any(NumberVisitor)
    }
}
