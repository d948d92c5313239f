//! Diagnostics: what is wrong with a plan, where, and how to fix it.
//!
//! Validation attaches a [`KeyPath`] (such as `step[3].after[1]`) to each problem; the loader
//! resolves it to a line and column in the source text, so the validator stays independent of
//! the file format.

use std::borrow::Cow;
use std::fmt;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The plan can still be simulated.
    Warning,
    /// The plan cannot be used until this is fixed.
    Error,
}

/// One segment of a path into the plan document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// A table key: borrowed for the format's own keys (`step`, `after`), so building a path
    /// for every step costs no string copies; owned for user-chosen keys such as team names.
    Key(Cow<'static, str>),
    /// An array index.
    Index(usize),
}

/// Where in the document a value lives, such as `step[3].after[1]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyPath(pub Vec<Seg>);

impl KeyPath {
    /// The document root.
    pub fn root() -> KeyPath {
        KeyPath(Vec::new())
    }

    /// This path extended by a key: a `&'static str` of the format, or a `String`.
    pub fn key(&self, key: impl Into<Cow<'static, str>>) -> KeyPath {
        let mut segs = Vec::with_capacity(self.0.len() + 1);
        segs.extend_from_slice(&self.0);
        segs.push(Seg::Key(key.into()));
        KeyPath(segs)
    }

    /// This path extended by an index.
    pub fn index(&self, index: usize) -> KeyPath {
        let mut segs = Vec::with_capacity(self.0.len() + 1);
        segs.extend_from_slice(&self.0);
        segs.push(Seg::Index(index));
        KeyPath(segs)
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// A line and column, both counted from 1; columns count characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
}

impl Location {
    /// The location of a byte offset in `text`. This indexes the whole text for one offset:
    /// to place many, build one [`crate::text::LineIndex`].
    pub fn of_offset(text: &str, offset: usize) -> Location {
        let (line, column) = crate::text::LineIndex::new(text).line_column(offset);
        Location { line, column }
    }
}

/// One problem found in a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, as a lowercase fragment naming the step or key involved.
    pub message: String,
    /// How to fix it, where that is clear.
    pub hint: Option<String>,
    /// Where the problem lives in the document.
    pub path: KeyPath,
    /// The resolved position in the file, when the format provides one.
    pub location: Option<Location>,
}

impl Diagnostic {
    /// An error at `path`.
    pub fn error(path: KeyPath, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            hint: None,
            path,
            location: None,
        }
    }

    /// A warning at `path`.
    pub fn warning(path: KeyPath, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, message)
        }
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    /// Adds an optional hint.
    pub fn with_hint_opt(mut self, hint: Option<String>) -> Diagnostic {
        self.hint = hint;
        self
    }

    /// Renders the diagnostic for a terminal, naming `file`. Messages quote names and values
    /// from the plan, so control characters in them (ESC, BEL, a newline that would fake a
    /// line of output) are shown escaped, by [`crate::text::escape_control`]:
    ///
    /// ```text
    /// error: step "orders-db" depends on unknown step or system "vpcc"
    ///   --> plan.toml:12:9
    ///   = hint: did you mean "vpc"?
    /// ```
    pub fn render(&self, file: &str) -> String {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let safe = crate::text::escape_control;
        let file = safe(file);
        let mut out = format!("{level}: {}\n", safe(&self.message));
        match (self.location, self.path.0.is_empty()) {
            (Some(loc), _) => out.push_str(&format!("  --> {file}:{}:{}\n", loc.line, loc.column)),
            (None, false) => {
                let path = self.path.to_string();
                out.push_str(&format!("  --> {file} (at {})\n", safe(&path)));
            }
            (None, true) => out.push_str(&format!("  --> {file}\n")),
        }
        if let Some(hint) = &self.hint {
            out.push_str(&format!("  = hint: {}\n", safe(hint)));
        }
        out
    }
}

/// Suggests the closest of `candidates` to `name`, when one is close enough to be a typo.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    candidates
        .into_iter()
        .map(|c| (strsim::normalized_damerau_levenshtein(name, c), c))
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| format!("did you mean \"{c}\"?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_display_like_toml_keys() {
        let p = KeyPath::root().key("step").index(3).key("after").index(1);
        assert_eq!(p.to_string(), "step[3].after[1]");
    }

    #[test]
    fn offsets_become_lines_and_columns() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(
            Location::of_offset(text, 0),
            Location { line: 1, column: 1 }
        );
        assert_eq!(
            Location::of_offset(text, 6),
            Location { line: 2, column: 1 }
        );
        // The 'é' is two bytes but one column.
        assert_eq!(
            Location::of_offset(text, 9),
            Location { line: 2, column: 3 }
        );
    }

    #[test]
    fn suggestions_only_for_near_misses() {
        assert_eq!(
            did_you_mean("vpcc", ["vpc", "iam"]).as_deref(),
            Some("did you mean \"vpc\"?")
        );
        assert_eq!(did_you_mean("database", ["vpc", "iam"]), None);
    }
}
