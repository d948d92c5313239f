//! [`Outputs`]: what a command's outputs must not overwrite, and the writers that respect it.

use std::path::Path;

use super::dir::{self, DirWritten};
use super::error::OutputError;
use super::faults::Faults;
use super::file;
use super::resolve::Inputs;

/// The rules a command's outputs are written under: never over one of its inputs, and to
/// standard output (`-`) only when the command prints nothing else there.
///
/// Build one from the files the command read, then write each output through it:
///
/// ```no_run
/// # use rtosim::output::Outputs;
/// # use std::path::Path;
/// let outputs = Outputs::new(["plan.toml"]).stdout_carries("the summary");
/// outputs.write_file(Path::new("trials.csv"), b"trial,rto\n")?;
/// # Ok::<(), rtosim::output::OutputError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Outputs {
    inputs: Inputs,
    stdout_taken_by: Option<String>,
}

impl Outputs {
    /// Rules for a command that read `inputs` (each identified now, by device and inode, so
    /// that a link or another spelling of an input is recognised too).
    pub fn new<P: AsRef<Path>>(inputs: impl IntoIterator<Item = P>) -> Outputs {
        Outputs {
            inputs: Inputs::new(inputs.into_iter().map(|p| p.as_ref().to_path_buf())),
            stdout_taken_by: None,
        }
    }

    /// Says that the command prints `what` ("the summary") on standard output, so that an
    /// output given as `-` is refused rather than mixed with it.
    pub fn stdout_carries(mut self, what: impl Into<String>) -> Outputs {
        self.stdout_taken_by = Some(what.into());
        self
    }

    /// Writes one output file without destroying what is there: `-` is standard output, a
    /// link is written through, a FIFO or device is written in place, a regular file is
    /// replaced atomically keeping its permissions (in place when it has other hard links),
    /// and a read-only file or an input of the command is an error. See
    /// [`crate::output`] for the details.
    pub fn write_file(&self, path: &Path, contents: &[u8]) -> Result<(), OutputError> {
        file::write(
            path,
            contents,
            &self.inputs,
            self.stdout_taken_by.as_deref(),
            &Faults::NONE,
        )
    }

    /// Writes `files` (paths relative to `dir` with `/` separators, and their contents) as the
    /// directory `dir`, replacing an earlier one as a unit: all old or all new, even when the
    /// run is killed. Entries of an earlier directory that the new one does not write are kept;
    /// a non-empty directory that holds none of `files` is refused. See [`crate::output`].
    pub fn write_dir(
        &self,
        dir: &Path,
        files: &[(String, Vec<u8>)],
    ) -> Result<DirWritten, OutputError> {
        dir::write(dir, files, &self.inputs, &Faults::NONE)
    }
}

/// Writes one output file under no rules but the file's own (no inputs to protect): the same
/// as [`Outputs::write_file`] on [`Outputs::default`].
pub fn write_file(path: &Path, contents: &[u8]) -> Result<(), OutputError> {
    Outputs::default().write_file(path, contents)
}

/// The former name of [`write_file`], kept so that existing callers still build.
#[deprecated(
    note = "use Outputs::new(inputs).write_file, which also refuses to overwrite an input"
)]
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), OutputError> {
    write_file(path, contents)
}
