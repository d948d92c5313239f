//! Why an output could not be written: the path, what is wrong with it, and the system's error.

use std::path::{Path, PathBuf};

/// Why an output could not be written.
///
/// The message is a lowercase fragment naming the path, with a `hint:` where the fix is known;
/// the system's error, when there is one, is the [`source`](std::error::Error::source).
#[derive(Debug, thiserror::Error)]
#[error("{}", describe(.path, .kind))]
pub struct OutputError {
    /// The path the problem is about: the output as given, or an entry of a report directory.
    pub path: PathBuf,
    /// What is wrong.
    pub kind: OutputErrorKind,
    /// The system's error, when one caused this.
    #[source]
    pub source: Option<std::io::Error>,
}

/// What is wrong with an output path.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OutputErrorKind {
    /// The output is one of the command's inputs (the same file, possibly through a link).
    IsInput {
        /// The input, as the command was given it.
        input: PathBuf,
    },
    /// The file has no write permission (checked from its mode, since root bypasses it).
    ReadOnly,
    /// A file output names a directory.
    IsADirectory,
    /// A directory output (a report) names something that is not a directory.
    NotADirectory,
    /// The output is a kind of file that cannot be written, such as a socket.
    Unsupported {
        /// What it is, for the message ("a socket").
        what: &'static str,
    },
    /// `-` (standard output) was given, but the command prints something else there.
    StdoutTaken {
        /// What the command prints there ("the summary").
        by: String,
    },
    /// `-` (standard output) was given for a directory of files.
    DirectoryToStdout,
    /// A non-empty directory that holds none of the files a report writes: it is not replaced,
    /// so that a user's files are never swept away by a mistyped `-o`.
    NotAnEarlierOutput,
    /// An entry of an earlier report is where the new report needs something else (a directory
    /// where it writes a file, or the other way round).
    InTheWay {
        /// What the new report puts there: "a file" or "a directory".
        needs: &'static str,
    },
    /// An entry of an earlier report that is not the report's own cannot be kept (a FIFO, a
    /// socket or a device).
    CannotCarryOver,
    /// The directory the output goes in does not exist.
    MissingDirectory {
        /// The directory.
        dir: PathBuf,
    },
    /// No file can be created in the directory the output goes in.
    UnwritableDirectory {
        /// The directory.
        dir: PathBuf,
    },
    /// The output directory is a mount point or otherwise on another file system than its
    /// parent, so it cannot be swapped in whole.
    CrossDevice,
    /// The output directory is the current directory or contains it: replacing it would leave
    /// the shell in a removed directory.
    ContainsCurrentDirectory,
    /// More symbolic links than the system follows.
    LinkLoop,
    /// Any other failure of the system; the text says what was being done ("write", "create
    /// directory").
    Io {
        /// What was being done, as a verb phrase: "write", "remove the previous report".
        action: &'static str,
    },
}

impl OutputError {
    /// An error about `path`, without a system error.
    pub fn new(path: impl Into<PathBuf>, kind: OutputErrorKind) -> OutputError {
        OutputError {
            path: path.into(),
            kind,
            source: None,
        }
    }

    /// A failure of the system while doing `action` on `path`.
    pub fn io(path: impl Into<PathBuf>, action: &'static str, source: std::io::Error) -> Self {
        OutputError {
            path: path.into(),
            kind: OutputErrorKind::Io { action },
            source: Some(source),
        }
    }

    /// Whether the user can fix this by choosing or fixing the path (exit code 2, invalid
    /// input), rather than a failure of the system such as a full disk (exit code 1).
    pub fn is_invalid_input(&self) -> bool {
        match &self.kind {
            OutputErrorKind::Io { .. } => self
                .source
                .as_ref()
                .is_some_and(|e| is_path_problem(e.kind())),
            _ => true,
        }
    }
}

fn describe(path: &Path, kind: &OutputErrorKind) -> String {
    let p = path.display();
    match kind {
        OutputErrorKind::IsInput { input } if input == path => format!(
            "cannot write {p}: it is an input of this command (hint: choose another output path)"
        ),
        OutputErrorKind::IsInput { input } => format!(
            "cannot write {p}: it is the same file as {}, an input of this command (hint: choose another output path)",
            input.display()
        ),
        OutputErrorKind::ReadOnly => format!(
            "cannot write {p}: the file is read-only (hint: make it writable, `chmod u+w {p}`, if it should be replaced, or choose another path)"
        ),
        OutputErrorKind::IsADirectory => {
            format!("cannot write {p}: it is a directory (hint: give a file name)")
        }
        OutputErrorKind::NotADirectory => format!(
            "cannot create directory {p}: a file is in the way (hint: a report is a directory; choose another path)"
        ),
        OutputErrorKind::Unsupported { what } => {
            format!("cannot write {p}: it is {what} (hint: give a file name)")
        }
        OutputErrorKind::StdoutTaken { by } => format!(
            "cannot write to standard output ({p}): {by} is printed there (hint: give a file name)"
        ),
        OutputErrorKind::DirectoryToStdout => format!(
            "cannot write a report to standard output ({p}): a report is a directory of files (hint: give a directory, such as `-o report`)"
        ),
        OutputErrorKind::NotAnEarlierOutput => format!(
            "cannot write the report into {p}: the directory is not empty and holds no earlier report (hint: choose a new or empty directory; a report directory is replaced as a whole)"
        ),
        OutputErrorKind::InTheWay { needs } => format!(
            "cannot replace the report: {p} is in the way, the new report puts {needs} there (hint: move it elsewhere)"
        ),
        OutputErrorKind::CannotCarryOver => format!(
            "cannot replace the report: {p} is not the report's and is not a file, directory or link, so it cannot be kept (hint: move it out of the report directory)"
        ),
        OutputErrorKind::MissingDirectory { dir } => format!(
            "cannot write {p}: the directory {} does not exist (hint: create it first)",
            dir.display()
        ),
        OutputErrorKind::UnwritableDirectory { dir } => format!(
            "cannot write {p}: cannot create a file in {}: permission denied (hint: outputs are written to a temporary file beside them, then renamed, so the directory must be writable; choose a directory you can write to)",
            dir.display()
        ),
        OutputErrorKind::CrossDevice => format!(
            "cannot replace {p}: it is on another file system than its parent directory, such as a mount point (hint: write the report into a directory inside it)"
        ),
        OutputErrorKind::ContainsCurrentDirectory => format!(
            "cannot replace {p}: it is the current directory or contains it (hint: run from outside it, or give a new directory)"
        ),
        OutputErrorKind::LinkLoop => format!("cannot write {p}: too many levels of symbolic links"),
        OutputErrorKind::Io { action } => format!("cannot {action} {p}"),
    }
}

/// Whether an I/O error of this kind is about a path the user gave (missing, of the wrong
/// type, not permitted, read-only), which they can fix: invalid input, not a failure of ours.
pub fn is_path_problem(kind: std::io::ErrorKind) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        kind,
        NotFound
            | PermissionDenied
            | NotADirectory
            | IsADirectory
            | AlreadyExists
            | ReadOnlyFilesystem
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_path_and_the_fix() {
        let e = OutputError::new(
            "out.csv",
            OutputErrorKind::IsInput {
                input: PathBuf::from("plan.toml"),
            },
        );
        assert_eq!(
            e.to_string(),
            "cannot write out.csv: it is the same file as plan.toml, an input of this command (hint: choose another output path)"
        );
        let e = OutputError::new("r.csv", OutputErrorKind::ReadOnly);
        assert!(
            e.to_string()
                .starts_with("cannot write r.csv: the file is read-only (hint:")
        );
        assert!(e.is_invalid_input());
    }

    #[test]
    fn a_full_disk_is_not_the_users_input() {
        let full = std::io::Error::from(std::io::ErrorKind::StorageFull);
        assert!(!OutputError::io("x", "write", full).is_invalid_input());
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        assert!(OutputError::io("x", "write", denied).is_invalid_input());
    }
}
