//! Places diagnostics in the source text: turns a [`KeyPath`] into a line and column.
//!
//! Both formats are parsed a second time into a spanned tree (toml's `DeTable`, jsonc-parser's
//! AST), only when there are diagnostics to place; the path is walked as far as it exists, so a
//! missing key points at the table that lacks it.

use jsonc_parser::ast::Value as JsonValue;
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};
use toml::de::{DeTable, DeValue};

use super::Format;
use super::diag::{Diagnostic, Location, Seg};

/// Fills in `location` for every diagnostic that has a path but no position yet.
pub fn place(text: &str, format: Format, diagnostics: &mut [Diagnostic]) {
    if diagnostics.iter().all(|d| d.location.is_some()) {
        return;
    }
    if format == Format::Json {
        place_json(text, diagnostics);
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

fn place_json(text: &str, diagnostics: &mut [Diagnostic]) {
    let Ok(parsed) = parse_to_ast(text, &CollectOptions::default(), &ParseOptions::default())
    else {
        return;
    };
    let Some(root) = parsed.value else {
        return;
    };
    for d in diagnostics
        .iter_mut()
        .filter(|d| d.location.is_none() && !d.path.0.is_empty())
    {
        let mut at = &root;
        let mut start = root.range().start;
        for seg in &d.path.0 {
            let next = match (seg, at) {
                (Seg::Key(k), JsonValue::Object(o)) => o
                    .properties
                    .iter()
                    .find(|p| p.name.as_str() == k)
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
        d.location = Some(Location::of_offset(text, start));
    }
}
