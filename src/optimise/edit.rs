//! Writing the found order into the plan as `priority`, the rest of the file as the user wrote
//! it (comments, layout, key order), with `toml_edit`. Pure: text in, text out.

use toml_edit::{Array, DocumentMut, Item, Value};

/// Why the plan's text cannot be edited.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// The plan is JSON, which keeps no comments to preserve.
    #[error(
        "-o writes TOML plans only (hint: convert the plan to TOML, or copy the printed order into its \"priority\" key)"
    )]
    Json,
    /// The text does not parse as TOML (it was validated, so this is a bug or a changed file).
    #[error("the plan no longer parses as TOML")]
    Toml(#[from] toml_edit::TomlError),
}

/// `text` with its top-level `priority` set to `order`, one id a line, under a comment saying
/// where it came from (`note`), and `priority-strict = true` after it when `strict` (removed
/// otherwise). An existing `priority` keeps its place in the file.
pub fn with_priority(
    text: &str,
    order: &[String],
    strict: bool,
    note: &str,
) -> Result<String, EditError> {
    let mut doc: DocumentMut = text.parse()?;
    let mut array: Array = order.iter().map(String::as_str).collect();
    for value in array.iter_mut() {
        value.decor_mut().set_prefix("\n    ");
    }
    array.set_trailing_comma(true);
    array.set_trailing("\n");
    let table = doc.as_table_mut();
    // Replacing a key drops its comments: keep the ones above an existing list.
    let kept = table.key("priority").map(|key| {
        key.leaf_decor()
            .prefix()
            .and_then(|p| p.as_str())
            .unwrap_or("")
            .to_string()
    });
    table.insert("priority", Item::Value(Value::Array(array)));
    if let Some(mut key) = table.key_mut("priority") {
        let prefix = kept.unwrap_or_else(|| {
            let gap = if table_has_values_before(text) {
                "\n"
            } else {
                ""
            };
            let comment: String = note.lines().map(|l| format!("# {l}\n")).collect();
            format!("{gap}{comment}")
        });
        key.leaf_decor_mut().set_prefix(prefix);
    }
    if strict {
        // A new key goes after the plan's other top-level keys: right after a new list.
        table.insert("priority-strict", toml_edit::value(true));
    } else {
        table.remove("priority-strict");
    }
    Ok(doc.to_string())
}

/// Whether the file has top-level keys, after which a new key wants a blank line.
fn table_has_values_before(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with('['))
        .any(|l| !l.is_empty() && !l.starts_with('#'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_the_order_and_keeps_comments_and_layout() {
        let text =
            "# my plan\nname = \"x\"   # title\n\n[[step]]\nid = \"a\"\nduration = \"1m\" # one\n";
        let out =
            with_priority(text, &["a".to_string()], true, "found by rtosim optimise").unwrap();
        assert_eq!(
            out,
            "# my plan\nname = \"x\"   # title\n\n# found by rtosim optimise\npriority = [\n    \"a\",\n]\npriority-strict = true\n\n[[step]]\nid = \"a\"\nduration = \"1m\" # one\n"
        );
    }

    #[test]
    fn replaces_an_existing_order_in_place() {
        let text = "# top\npriority = [\"b\", \"a\"] # old\npriority-strict = true\nname = \"x\"\n";
        let out = with_priority(text, &["a".to_string(), "b".to_string()], false, "new").unwrap();
        assert!(
            out.starts_with("# top\npriority = [\n    \"a\",\n    \"b\",\n]"),
            "{out}"
        );
        assert!(out.contains("name = \"x\""));
        assert!(!out.contains("priority-strict"), "{out}");
    }
}
