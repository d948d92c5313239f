//! What an output path names: standard output, or a final target with symbolic links followed,
//! and whether that target is one of the command's inputs.

use std::fs::Metadata;
use std::path::{Path, PathBuf};

use super::error::{OutputError, OutputErrorKind};

/// How many links are followed before giving up, as Linux does (`ELOOP` after 40).
const MAX_LINKS: usize = 40;

/// Where an output goes.
#[derive(Debug)]
pub(super) enum Dest {
    /// `-`, or a name of the process's own standard output.
    Stdout,
    /// A FIFO, terminal, or character or block device (possibly through links): written in
    /// place, since replacing it would cut off its reader or destroy a device node.
    Special(PathBuf),
    /// Anything else, with every symbolic link of the last component followed, so that a
    /// temporary file can be made beside the real file and a link is written through.
    Path {
        /// The final target.
        target: PathBuf,
        /// Its metadata (not following links: it is not a link), or `None` when it does not
        /// exist yet (a new output, or a dangling link whose target will be created).
        meta: Option<Metadata>,
    },
}

/// Names that mean this process's standard output: writing there opens nothing, so an output
/// appended to a log (`>> log`) is appended rather than the log replaced.
fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
        || ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"]
            .iter()
            .any(|s| path.as_os_str() == *s)
}

/// Resolves an output path.
pub(super) fn resolve(path: &Path) -> Result<Dest, OutputError> {
    if is_stdout(path) {
        return Ok(Dest::Stdout);
    }
    // The kernel follows every link, including /proc's "magic" ones that name a pipe rather
    // than a path; a special file found this way is opened by the path as given.
    if let Ok(m) = std::fs::metadata(path) {
        if is_special(&m) {
            return Ok(Dest::Special(path.to_path_buf()));
        }
    }
    let mut p = normal_name(path)?;
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = std::fs::read_link(&p)
                    .map_err(|e| OutputError::io(path, "read the link", e))?;
                p = normal_name(&super::stale::parent(&p).join(link))?;
            }
            Ok(m) => {
                return Ok(Dest::Path {
                    target: p,
                    meta: Some(m),
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Dest::Path {
                    target: p,
                    meta: None,
                });
            }
            Err(e) => return Err(OutputError::io(path, "write", e)),
        }
    }
    Err(OutputError::new(path, OutputErrorKind::LinkLoop))
}

/// `path` with a last component that names an entry: `.`, `..` and `/` are made absolute, so
/// that the entry has a parent to put a temporary beside.
fn normal_name(path: &Path) -> Result<PathBuf, OutputError> {
    if path.file_name().is_some() {
        return Ok(path.to_path_buf());
    }
    let abs = std::fs::canonicalize(path).map_err(|e| OutputError::io(path, "write", e))?;
    if abs.file_name().is_none() {
        // The root directory: nothing can be put beside it.
        return Err(OutputError::new(
            path,
            OutputErrorKind::Unsupported {
                what: "the root directory",
            },
        ));
    }
    Ok(abs)
}

/// Whether the file is written in place: a FIFO, or a character or block device (terminals are
/// character devices).
pub(super) fn is_special(m: &Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = m.file_type();
        t.is_fifo() || t.is_char_device() || t.is_block_device()
    }
    #[cfg(not(unix))]
    {
        let _ = m;
        false
    }
}

/// Whether the entry is a socket, which cannot be opened for writing.
pub(super) fn is_socket(m: &Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        m.file_type().is_socket()
    }
    #[cfg(not(unix))]
    {
        let _ = m;
        false
    }
}

/// Whether the mode has no write bit at all. Checked explicitly because root may write any
/// file; a file someone made read-only is a statement that it is not to be replaced.
pub(super) fn is_read_only(m: &Metadata) -> bool {
    m.permissions().readonly()
}

/// Hard links to the file, 1 where the system cannot say.
pub(super) fn links(m: &Metadata) -> u64 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        m.nlink()
    }
    #[cfg(not(unix))]
    {
        let _ = m;
        1
    }
}

/// A file's identity: device and inode on Unix, so that links, hard links and different
/// spellings of one path all compare equal; the canonical path elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum FileId {
    /// Device and inode.
    #[cfg(unix)]
    Inode(u64, u64),
    /// The canonical path.
    #[cfg_attr(unix, allow(dead_code, reason = "used where there are no inodes"))]
    Canonical(PathBuf),
}

impl FileId {
    /// The identity of the file at `path` (following links), `None` when it does not exist.
    pub(super) fn of(path: &Path) -> Option<FileId> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let m = std::fs::metadata(path).ok()?;
            Some(FileId::Inode(m.dev(), m.ino()))
        }
        #[cfg(not(unix))]
        {
            std::fs::canonicalize(path).ok().map(FileId::Canonical)
        }
    }
}

/// The inputs of a command, identified when it started writing.
#[derive(Debug, Clone, Default)]
pub(super) struct Inputs(Vec<(PathBuf, FileId)>);

impl Inputs {
    /// Identifies each of `paths` (those that no longer exist cannot be overwritten).
    pub(super) fn new(paths: impl IntoIterator<Item = PathBuf>) -> Inputs {
        Inputs(
            paths
                .into_iter()
                .filter_map(|p| FileId::of(&p).map(|id| (p, id)))
                .collect(),
        )
    }

    /// Refuses `output` when the file at `target` (its resolved form) is one of the inputs.
    pub(super) fn check(&self, output: &Path, target: &Path) -> Result<(), OutputError> {
        let Some(id) = FileId::of(target) else {
            return Ok(());
        };
        match self.0.iter().find(|(_, i)| *i == id) {
            Some((input, _)) => Err(OutputError::new(
                output,
                OutputErrorKind::IsInput {
                    input: input.clone(),
                },
            )),
            None => Ok(()),
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn links_are_followed_to_the_final_target() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.csv");
        std::fs::write(&real, "x").unwrap();
        let a = dir.path().join("a");
        let b = dir.path().join("sub/b");
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::os::unix::fs::symlink("../a", &b).unwrap();
        std::os::unix::fs::symlink("real.csv", &a).unwrap();
        match resolve(&b).unwrap() {
            Dest::Path { target, meta } => {
                assert_eq!(FileId::of(&target), FileId::of(&real));
                assert!(meta.unwrap().is_file());
            }
            other => panic!("{other:?}"),
        }
        let dangling = dir.path().join("dangling");
        std::os::unix::fs::symlink("new/../made.csv", &dangling).unwrap();
        match resolve(&dangling).unwrap() {
            Dest::Path { target, meta } => {
                assert_eq!(target, dir.path().join("new/../made.csv"));
                assert!(meta.is_none());
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_link_loop_is_an_error_not_a_hang() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        std::os::unix::fs::symlink("b", &a).unwrap();
        std::os::unix::fs::symlink("a", dir.path().join("b")).unwrap();
        let e = resolve(&a).unwrap_err();
        assert_eq!(e.kind, OutputErrorKind::LinkLoop);
    }

    #[test]
    fn the_names_of_standard_output_are_standard_output() {
        for p in ["-", "/dev/stdout", "/dev/fd/1"] {
            assert!(
                matches!(resolve(Path::new(p)).unwrap(), Dest::Stdout),
                "{p}"
            );
        }
        assert!(matches!(
            resolve(Path::new("/dev/null")).unwrap(),
            Dest::Special(_)
        ));
    }

    #[test]
    fn an_input_is_recognised_through_links_and_hard_links() {
        let dir = tempfile::tempdir().unwrap();
        let plan = dir.path().join("plan.toml");
        std::fs::write(&plan, "x").unwrap();
        let hard = dir.path().join("hard");
        std::fs::hard_link(&plan, &hard).unwrap();
        let soft = dir.path().join("soft");
        std::os::unix::fs::symlink(&plan, &soft).unwrap();
        let inputs = Inputs::new([plan.clone()]);
        for p in [&plan, &hard, &soft] {
            let e = inputs.check(p, p).unwrap_err();
            assert_eq!(
                e.kind,
                OutputErrorKind::IsInput {
                    input: plan.clone()
                }
            );
        }
        assert!(
            inputs
                .check(&dir.path().join("other"), &dir.path().join("other"))
                .is_ok()
        );
    }
}
