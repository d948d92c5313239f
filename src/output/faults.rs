//! Failures injected by the tests between the steps of a write, to show that a run killed at any
//! point leaves the old output or the new one, never a mix. Production code passes
//! [`Faults::NONE`].

/// A step of a write after which a test can make the write stop dead, as a kill would: nothing
/// after it runs, not even the cleanup of temporaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(test), allow(dead_code, reason = "only the tests inject failures"))]
pub(super) enum Step {
    /// A file's temporary is written, not yet renamed.
    TempWritten,
    /// A report's first file is written into its temporary directory.
    FirstFileWritten,
    /// A report's files are all in its temporary directory, the earlier report's other
    /// entries not yet carried over.
    FilesWritten,
    /// The earlier report's other entries are carried over; nothing swapped yet.
    CarriedOver,
    /// Without an atomic exchange: the earlier report is moved aside, the new one not yet in.
    OldMovedAside,
    /// The new report is in place; the earlier one is not yet removed.
    Swapped,
}

/// What to break.
#[derive(Debug, Clone, Copy)]
#[cfg_attr(not(test), allow(dead_code, reason = "only the tests inject failures"))]
pub(super) struct Faults {
    /// Stop dead after this step.
    pub crash_after: Option<Step>,
    /// Act as if the system had no atomic exchange of two paths.
    pub no_exchange: bool,
    /// Act as if no file could be created in the output's directory.
    pub temp_denied: bool,
}

/// The message of the error a crash returns with (the tests only look at what is left on disk).
const CRASHED: &str = "crashed (injected)";

impl Faults {
    /// Nothing breaks.
    pub const NONE: Faults = Faults {
        crash_after: None,
        no_exchange: false,
        temp_denied: false,
    };

    /// Stops dead after `step`, as a kill would.
    pub fn at(&self, step: Step) -> std::io::Result<()> {
        if self.crash_after == Some(step) {
            return Err(std::io::Error::other(CRASHED));
        }
        Ok(())
    }

    /// Whether `e` is an injected crash, after which nothing may be cleaned up.
    pub fn is_crash(e: &super::OutputError) -> bool {
        e.source.as_ref().is_some_and(|s| s.to_string() == CRASHED)
    }
}
