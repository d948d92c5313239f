//! Places diagnostics in the source text: turns a [`KeyPath`] into a line and column.
//!
//! Both formats are parsed a second time into a spanned tree (toml's `DeTable`, jsonc-parser's
//! AST), only when there are diagnostics to place; the path is walked as far as it exists, so a
//! missing key points at the table that lacks it.

use std::collections::HashMap;

use jsonc_parser::ast::{Object, Value as JsonValue};
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};
use toml::de::{DeTable, DeValue};

use super::Format;
use super::diag::{Diagnostic, Location, Seg};
use crate::text::LineIndex;

/// Fills in `location` for every diagnostic that has a path but no position yet.
///
/// Linear in the text plus the diagnostics: the spanned tree is built once, each path is
/// walked through keyed lookups, and offsets become lines and columns through one
/// [`LineIndex`] (a rescan of the text per diagnostic made 50,000 errors take minutes).
pub fn place(text: &str, format: Format, diagnostics: &mut [Diagnostic]) {
    if diagnostics.iter().all(|d| d.location.is_some()) {
        return;
    }
    let offsets = match format {
        Format::Json => offsets_json(text, diagnostics),
        Format::Toml => offsets_toml(text, diagnostics),
    };
    let index = LineIndex::new(text);
    let positions = index.line_columns(&offsets.iter().map(|&(_, o)| o).collect::<Vec<_>>());
    for (&(d, _), (line, column)) in offsets.iter().zip(positions) {
        diagnostics[d].location = Some(Location { line, column });
    }
}

/// The byte offset to point at for each unplaced diagnostic, by its index.
fn offsets_toml(text: &str, diagnostics: &[Diagnostic]) -> Vec<(usize, usize)> {
    let Ok(root) = DeTable::parse(text) else {
        return Vec::new();
    };
    let root_span = root.span();
    let root = DeValue::Table(root.into_inner());
    let mut out = Vec::new();
    for (i, d) in diagnostics.iter().enumerate() {
        if d.location.is_some() {
            continue;
        }
        let mut span = root_span.clone();
        let mut at = &root;
        let mut found = !d.path.0.is_empty();
        for seg in &d.path.0 {
            let next = match seg {
                Seg::Key(k) => at.get(k.as_ref()),
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
            out.push((i, span.start));
        }
    }
    out
}

/// Objects with more keys than this get a hash index on first use: a plan may have thousands
/// of teams or limits, each with a diagnostic, and a linear search per diagnostic would make
/// placing them quadratic.
const INDEX_KEYS_ABOVE: usize = 16;

fn offsets_json(text: &str, diagnostics: &[Diagnostic]) -> Vec<(usize, usize)> {
    let Ok(parsed) = parse_to_ast(text, &CollectOptions::default(), &ParseOptions::default())
    else {
        return Vec::new();
    };
    let Some(root) = parsed.value else {
        return Vec::new();
    };
    // Key indices of the large objects met so far, by the object's address in the tree.
    let mut key_index: HashMap<*const Object<'_>, HashMap<&str, usize>> = HashMap::new();
    let mut out = Vec::new();
    for (i, d) in diagnostics.iter().enumerate() {
        if d.location.is_some() || d.path.0.is_empty() {
            continue;
        }
        let mut at = &root;
        let mut start = root.range().start;
        for seg in &d.path.0 {
            let next = match (seg, at) {
                (Seg::Key(k), JsonValue::Object(o)) if o.properties.len() > INDEX_KEYS_ABOVE => {
                    let keys = key_index.entry(o as *const Object<'_>).or_insert_with(|| {
                        let mut keys = HashMap::new();
                        for (p, prop) in o.properties.iter().enumerate() {
                            // The first of a repeated key, as a linear search finds it.
                            keys.entry(prop.name.as_str()).or_insert(p);
                        }
                        keys
                    });
                    keys.get(k.as_ref()).map(|&p| &o.properties[p].value)
                }
                (Seg::Key(k), JsonValue::Object(o)) => o
                    .properties
                    .iter()
                    .find(|p| p.name.as_str() == k.as_ref())
                    .map(|p| &p.value),
                (Seg::Index(i), JsonValue::Array(a)) => a.elements.get(*i),
                _ => None,
            };
            match next {
                Some(v) => {
                    start = v.range().start;
                    at = v;
                }
                None => break,
            }
        }
        out.push((i, start));
    }
    out
}
