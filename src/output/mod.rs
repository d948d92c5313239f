//! Writing outputs without destroying what is there.
//!
//! This module owns every write of a command's output: files (`graph -o`, `simulate --csv`,
//! charts, run sheets, imports) through [`Outputs::write_file`] and report directories through
//! [`Outputs::write_dir`]. The rules, as careful command-line tools follow them:
//!
//! - An output that is one of the command's inputs (the same file, also through a link or a
//!   hard link) is refused.
//! - `-` is standard output, unless the command prints something else there; a report, being a
//!   directory, cannot go there.
//! - A symbolic link is written through to its final target (a dangling link creates it).
//! - A FIFO, terminal or device is written in place.
//! - A regular file is written to a temporary file beside it (`.NAME.rtosim-PID.tmp`) and
//!   renamed over it, keeping its permissions and owner; a crash leaves the old file whole. A
//!   file with other hard links, or in a directory where no temporary can be made, is written
//!   in place instead. A read-only file is an error, even for root.
//! - A report directory is built beside its target and swapped in whole; entries of the earlier
//!   report that the new one does not write are kept.
//! - Temporaries that a killed run left (`.NAME.rtosim-PID.tmp` of a dead PID, or a day old)
//!   are removed by the next write beside them.
//!
//! Errors are [`OutputError`]s: the path, an [`OutputErrorKind`] and the system's error.

mod dir;
mod error;
mod faults;
mod file;
mod outputs;
mod resolve;
mod stale;

pub use dir::DirWritten;
pub use error::{OutputError, OutputErrorKind, is_path_problem};
#[allow(deprecated, reason = "re-exported for existing callers")]
pub use outputs::write_atomic;
pub use outputs::{Outputs, write_file};

#[cfg(all(test, unix))]
mod dir_tests;
