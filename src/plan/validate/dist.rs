//! Validation of durations: fixed times and distribution tables, and a warning for tails so
//! heavy that a few draws would dominate every percentile a report shows.

use super::Checker;
use crate::dist::Dist;
use crate::duration::{format_span, parse_span};

/// A tail is heavy when more than 1 % of draws exceed this many times the median: a "could
/// take days" lognormal (p50 4h, p90 2d) puts 1 draw in 100 past two weeks.
const TAIL_RATIO: f64 = 10.0;
/// ... or when 1 draw in 1,000 (the 99.9th percentile) exceeds this horizon: no recovery
/// step plausibly takes a month, so such a draw is an artefact of the estimate.
const TAIL_HORIZON: f64 = 30.0 * 86_400.0;
use crate::plan::diag::{Diagnostic, KeyPath, did_you_mean};
use crate::plan::wire::{DistWire, DurationWire};

impl Checker {
    pub(super) fn duration(
        &mut self,
        path: KeyPath,
        wire: &DurationWire,
        id: &str,
    ) -> Option<Dist> {
        self.duration_of(path, wire, &format!("step \"{id}\""))
    }

    /// Checks a duration of `who` (such as `step "vpc"` or `handoff`), the subject of messages.
    pub(super) fn duration_of(
        &mut self,
        path: KeyPath,
        wire: &DurationWire,
        who: &str,
    ) -> Option<Dist> {
        match wire {
            DurationWire::Fixed(text) => parse_span(text)
                .ok()
                .or_else(|| self.time(path, text, &format!("{who} duration")))
                .map(Dist::Fixed),
            DurationWire::Dist(d) => self.dist(path, d, who),
        }
    }

    fn dist(&mut self, path: KeyPath, d: &DistWire, who: &str) -> Option<Dist> {
        const FAMILIES: [&str; 7] = [
            "uniform",
            "triangular",
            "pert",
            "lognormal",
            "exponential",
            "empirical",
            "recorded",
        ];
        let Some(family) = d.dist.as_deref() else {
            self.push(
                Diagnostic::error(path, format!("{who} duration table has no `dist`"))
                    .with_hint(format!("add dist = one of {}", FAMILIES.join(", "))),
            );
            return None;
        };
        let (needed, allowed): (&[&str], &[&str]) = match family {
            "uniform" => (&["min", "max"], &["min", "max"]),
            "triangular" | "pert" => (&["min", "mode", "max"], &["min", "mode", "max"]),
            "lognormal" => (&["p50", "p90"], &["p50", "p90"]),
            "exponential" => (&["mean"], &["mean"]),
            "empirical" => (&["samples"], &["samples"]),
            other => {
                let hint = did_you_mean(other, FAMILIES)
                    .unwrap_or_else(|| format!("use one of {}", FAMILIES.join(", ")));
                self.push(
                    Diagnostic::error(
                        path.key("dist"),
                        format!("{who} has unknown distribution \"{other}\""),
                    )
                    .with_hint(hint),
                );
                return None;
            }
        };
        let present = d.present_keys();
        let mut ok = true;
        for (key, is_present) in present {
            if is_present && !allowed.contains(&key) {
                ok = false;
                self.push(
                    Diagnostic::error(
                        path.key(key),
                        format!("`{key}` does not apply to a {family} distribution ({who})"),
                    )
                    .with_hint(format!(
                        "a {family} distribution takes {}",
                        allowed.join(", ")
                    )),
                );
            }
            if !is_present && needed.contains(&key) {
                ok = false;
                self.push(
                    Diagnostic::error(
                        path.clone(),
                        format!("{who} {family} distribution needs `{key}`"),
                    )
                    .with_hint(format!(
                        "a {family} distribution takes {}",
                        allowed.join(", ")
                    )),
                );
            }
        }
        if !ok {
            return None;
        }
        let mut t = |key: &'static str, text: &Option<String>| -> Option<f64> {
            let text = text.as_deref()?;
            // The path and the label are built only for an error: this runs for every
            // parameter of every step.
            parse_span(text)
                .ok()
                .or_else(|| self.time(path.key(key), text, &format!("{who} {key}")))
        };
        let dist = match family {
            "uniform" => {
                let (min, max) = (t("min", &d.min), t("max", &d.max));
                let (min, max) = (min?, max?);
                if min > max {
                    self.push(
                        Diagnostic::error(path, format!("{who} uniform min is above max"))
                            .with_hint("min must not exceed max"),
                    );
                    return None;
                }
                Dist::Uniform { min, max }
            }
            "triangular" | "pert" => {
                let (min, mode, max) = (t("min", &d.min), t("mode", &d.mode), t("max", &d.max));
                let (min, mode, max) = (min?, mode?, max?);
                if !(min <= mode && mode <= max) {
                    self.push(
                        Diagnostic::error(path, format!("{who} {family} needs min <= mode <= max"))
                            .with_hint("order the three-point estimate as optimistic, most likely, pessimistic"),
                    );
                    return None;
                }
                if family == "pert" {
                    Dist::Pert { min, mode, max }
                } else {
                    Dist::Triangular { min, mode, max }
                }
            }
            "lognormal" => {
                let (p50, p90) = (t("p50", &d.p50), t("p90", &d.p90));
                let (p50, p90) = (p50?, p90?);
                if !(p50 > 0.0 && p50 < p90) {
                    self.push(
                        Diagnostic::error(path, format!("{who} lognormal needs 0 < p50 < p90"))
                            .with_hint("p50 is the typical time, p90 a slow one; for a fixed time write duration = \"20m\""),
                    );
                    return None;
                }
                Dist::lognormal_from_quantiles(p50, p90)
            }
            "exponential" => {
                let mean = t("mean", &d.mean)?;
                if mean <= 0.0 {
                    self.push(Diagnostic::error(
                        path.key("mean"),
                        format!("{who} exponential mean must be positive"),
                    ));
                    return None;
                }
                Dist::Exponential { mean }
            }
            _ => {
                let samples = d.samples.as_deref().unwrap_or_default();
                if samples.is_empty() {
                    self.push(
                        Diagnostic::error(
                            path.key("samples"),
                            format!("{who} empirical distribution has no samples"),
                        )
                        .with_hint(
                            "list at least one recorded time, such as samples = [\"18m\", \"22m\"]",
                        ),
                    );
                    return None;
                }
                let mut values = Vec::with_capacity(samples.len());
                let mut good = true;
                for (k, text) in samples.iter().enumerate() {
                    match self.time(path.key("samples").index(k), text, &format!("{who} sample")) {
                        Some(v) => values.push(v),
                        None => good = false,
                    }
                }
                if !good {
                    return None;
                }
                Dist::empirical(values)
            }
        };
        self.heavy_tail(&path, &dist, who);
        Some(dist)
    }

    /// Warns when `dist` puts a material share of draws beyond a sane horizon (see
    /// [`TAIL_RATIO`] and [`TAIL_HORIZON`]), with the figures, from its quantile function.
    pub(super) fn heavy_tail(&mut self, path: &KeyPath, dist: &Dist, who: &str) {
        if dist.is_constant() {
            return;
        }
        // Uniform, triangular and PERT draws never pass 10x their median (at most about 4.7x,
        // for a PERT with its mode at its minimum) nor their maximum: with a maximum within the
        // horizon they need no quantiles, which a PERT computes by bisection.
        let bounded = matches!(
            dist,
            Dist::Uniform { .. } | Dist::Triangular { .. } | Dist::Pert { .. }
        );
        if bounded && dist.max() <= TAIL_HORIZON {
            return;
        }
        let (p50, p99, p999) = (
            dist.quantile(0.5),
            dist.quantile(0.99),
            dist.quantile(0.999),
        );
        let heavy = p50 > 0.0 && p99 > TAIL_RATIO * p50;
        let long = p999 > TAIL_HORIZON;
        if !(heavy || long) {
            return;
        }
        let message = if heavy {
            format!(
                "{who} duration has a heavy tail: 1 draw in 100 takes {} or more, {:.0} times its median of {}, and 1 in 1,000 takes {} or more",
                format_span(p99),
                p99 / p50,
                format_span(p50),
                format_span(p999)
            )
        } else {
            format!(
                "{who} duration has a long tail: 1 draw in 1,000 takes {} or more, beyond 30 days",
                format_span(p999)
            )
        };
        let hint = match dist {
            Dist::LogNormal { .. } => {
                "a p90 far above the p50 stretches a lognormal's tail; lower the p90, or model the rare slow case as a [[risk]] with a delay, which reports show and cost apart"
            }
            _ => {
                "check the estimate; a rare slow case is better modelled as a [[risk]] with a delay, which reports show and cost apart"
            }
        };
        self.push(Diagnostic::warning(path.clone(), message).with_hint(hint));
    }
}
