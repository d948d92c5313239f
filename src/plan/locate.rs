//! Places diagnostics in the source text: turns a [`KeyPath`] into a line and column.
//!
//! TOML keeps spans for every value, so each problem gets an exact position. JSON parsing keeps
//! none; JSON diagnostics keep their key path (`step[3].after[1]`), which names the spot as well.

use toml::de::{DeTable, DeValue};

use super::Format;
use super::diag::{Diagnostic, Location, Seg};

/// Fills in `location` for every diagnostic that has a path but no position yet.
pub fn place(text: &str, format: Format, diagnostics: &mut [Diagnostic]) {
    if format != Format::Toml || diagnostics.iter().all(|d| d.location.is_some()) {
        return;
    }
    let Ok(root) = DeTable::parse(text) else {
        return;
    };
    let root_span = root.span();
    let root = DeValue::Table(root.into_inner());
    for d in diagnostics.iter_mut().filter(|d| d.location.is_none()) {
        let mut span = root_span.clone();
        let mut at = &root;
        let mut found = !d.path.0.is_empty();
        for seg in &d.path.0 {
            let next = match seg {
                Seg::Key(k) => at.get(k.as_str()),
                Seg::Index(i) => at.get(*i),
            };
            match next {
                Some(v) => {
                    span = v.span();
                    at = v.get_ref();
                }
                // Point at the deepest part of the path that exists, such as the step that
                // lacks a key.
                None => break,
            }
        }
        found &= span.start > 0 || !text.is_empty();
        if found {
            d.location = Some(Location::of_offset(text, span.start));
        }
    }
}
