//! Writing one output file without destroying what is there.
//!
//! - `-` is standard output.
//! - A symbolic link is written through: its final target is written (created, for a dangling
//!   link), and the link stays a link.
//! - A FIFO, terminal or device is opened and written in place: replacing it would cut off its
//!   reader or destroy the device node.
//! - A new or existing regular file is written to a temporary file beside it, then renamed over
//!   it, so that a crash or a full disk leaves the old file whole; an existing file keeps its
//!   permissions (and its owner, where the system allows).
//! - An existing file with more than one hard link is written in place, keeping the links
//!   sharing its content (as Vim and `cp` do; a rename would leave the other links with the old
//!   content). So is a writable file in a directory where no temporary can be made. Both give
//!   up atomicity, which only a rename gives.
//! - A file without write permission is an error (even for root), and so is an input of the
//!   command.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::Path;
use std::time::SystemTime;

use super::error::{OutputError, OutputErrorKind};
use super::faults::{Faults, Step};
use super::resolve::{Dest, Inputs, is_read_only, is_socket, links, resolve};
use super::stale::{self, TMP};

/// Writes `contents` to the output `path`; see the module documentation for what each kind of
/// path gets. `stdout_taken_by` names what the command prints on standard output, if anything,
/// which `-` would mix with.
pub(super) fn write(
    path: &Path,
    contents: &[u8],
    inputs: &Inputs,
    stdout_taken_by: Option<&str>,
    faults: &Faults,
) -> Result<(), OutputError> {
    match resolve(path)? {
        Dest::Stdout => match stdout_taken_by {
            Some(by) => Err(OutputError::new(
                path,
                OutputErrorKind::StdoutTaken { by: by.to_string() },
            )),
            None => {
                let mut out = std::io::stdout().lock();
                out.write_all(contents)
                    .and_then(|()| out.flush())
                    .map_err(|e| OutputError::io("standard output", "write to", e))
            }
        },
        Dest::Special(p) => {
            inputs.check(path, &p)?;
            // No truncation and no sync: neither means anything for a pipe or a device.
            let mut f = OpenOptions::new()
                .write(true)
                .open(&p)
                .map_err(|e| OutputError::io(path, "open", e))?;
            f.write_all(contents)
                .and_then(|()| f.flush())
                .map_err(|e| OutputError::io(path, "write", e))
        }
        Dest::Path { target, meta } => {
            inputs.check(path, &target)?;
            stale::clean(stale::parent(&target), SystemTime::now());
            match meta {
                None => replace(path, &target, None, contents, faults),
                Some(m) if m.is_dir() => Err(OutputError::new(path, OutputErrorKind::IsADirectory)),
                Some(m) if is_socket(&m) => Err(OutputError::new(
                    path,
                    OutputErrorKind::Unsupported { what: "a socket" },
                )),
                Some(m) => {
                    if is_read_only(&m) {
                        return Err(OutputError::new(path, OutputErrorKind::ReadOnly));
                    }
                    // Opening for writing (without truncating) asks the system whether this
                    // user may write the file, which the mode alone does not say.
                    let f = OpenOptions::new()
                        .write(true)
                        .open(&target)
                        .map_err(|e| OutputError::io(path, "write", e))?;
                    if links(&m) > 1 {
                        in_place(path, f, contents)
                    } else {
                        replace(path, &target, Some((&m, f)), contents, faults)
                    }
                }
            }
        }
    }
}

/// Writes through a temporary beside `target` and a rename. With `existing` (the file there
/// and an open handle on it), the new file gets its permissions and owner, and when no
/// temporary can be created the file is written in place instead.
fn replace(
    path: &Path,
    target: &Path,
    existing: Option<(&Metadata, File)>,
    contents: &[u8],
    faults: &Faults,
) -> Result<(), OutputError> {
    let dir = stale::parent(target);
    let tmp = stale::sibling(target, TMP);
    let mut f = match create_new(&tmp, faults) {
        Ok(f) => f,
        Err(e) => {
            return match (e.kind(), existing) {
                (ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem, Some((_, f))) => {
                    in_place(path, f, contents)
                }
                (ErrorKind::PermissionDenied, None) => Err(OutputError {
                    path: path.to_path_buf(),
                    kind: OutputErrorKind::UnwritableDirectory {
                        dir: dir.to_path_buf(),
                    },
                    source: Some(e),
                }),
                (ErrorKind::NotFound, _) => Err(OutputError {
                    path: path.to_path_buf(),
                    kind: OutputErrorKind::MissingDirectory {
                        dir: dir.to_path_buf(),
                    },
                    source: Some(e),
                }),
                _ => Err(OutputError::io(path, "create a temporary file beside", e)),
            };
        }
    };
    let written = (|| {
        if let Some((m, _)) = &existing {
            keep_permissions_and_owner(&f, m)?;
        }
        f.write_all(contents)?;
        f.sync_all()
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(OutputError::io(path, "write", e));
    }
    drop(f);
    faults
        .at(Step::TempWritten)
        .map_err(|e| OutputError::io(path, "write", e))?;
    if let Err(e) = std::fs::rename(&tmp, target) {
        let _ = std::fs::remove_file(&tmp);
        return Err(OutputError::io(path, "replace", e));
    }
    sync_dir(dir);
    Ok(())
}

/// Creates `tmp`, never through an existing entry (a link planted there is not followed). A
/// leftover of this process's own name (a PID reused from a killed run) is removed first.
pub(super) fn create_new(tmp: &Path, faults: &Faults) -> std::io::Result<File> {
    if faults.temp_denied {
        return Err(ErrorKind::PermissionDenied.into());
    }
    let open = || OpenOptions::new().write(true).create_new(true).open(tmp);
    match open() {
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {
            std::fs::remove_file(tmp)?;
            open()
        }
        other => other,
    }
}

/// Truncates and rewrites the open file.
fn in_place(path: &Path, mut f: File, contents: &[u8]) -> Result<(), OutputError> {
    f.set_len(0)
        .and_then(|()| f.write_all(contents))
        .and_then(|()| f.sync_all())
        .map_err(|e| OutputError::io(path, "write", e))
}

/// Gives the new file the old one's permission bits, and its owner and group as far as this
/// user may (root replacing a user's file must not leave a root-owned one; anyone else can at
/// most keep the group, and a failure there is not worth failing the write).
fn keep_permissions_and_owner(f: &File, old: &Metadata) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        // Set-user-ID and set-group-ID bits are not carried over: they are not for outputs.
        f.set_permissions(std::fs::Permissions::from_mode(old.mode() & 0o777))?;
        if std::os::unix::fs::fchown(f, Some(old.uid()), Some(old.gid())).is_err() {
            let _ = std::os::unix::fs::fchown(f, None, Some(old.gid()));
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        f.set_permissions(old.permissions())
    }
}

/// Makes a rename in `dir` durable (best effort: not every system can sync a directory).
pub(super) fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::time::Duration;

    use super::*;

    fn put(path: &Path, contents: &str) -> Result<(), OutputError> {
        write(
            path,
            contents.as_bytes(),
            &Inputs::default(),
            None,
            &Faults::NONE,
        )
    }

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap()
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn replaces_whole_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        std::fs::write(&path, "old").unwrap();
        put(&path, "new").unwrap();
        assert_eq!(read(&path), "new");
        assert_eq!(names(dir.path()), ["out.csv"]);
    }

    #[test]
    fn a_missing_directory_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no-such-dir").join("out.csv");
        let e = put(&missing, "new").unwrap_err();
        assert_eq!(
            e.kind,
            OutputErrorKind::MissingDirectory {
                dir: dir.path().join("no-such-dir")
            }
        );
    }

    #[test]
    fn a_symlink_is_written_through_and_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.csv");
        std::fs::write(&real, "old").unwrap();
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink("real.csv", &link).unwrap();
        put(&link, "new").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(read(&real), "new");
    }

    #[test]
    fn a_dangling_symlink_creates_its_target() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink("made.csv", &link).unwrap();
        put(&link, "new").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(read(&dir.path().join("made.csv")), "new");
    }

    #[test]
    fn permissions_are_kept_and_a_read_only_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let private = dir.path().join("private.csv");
        std::fs::write(&private, "old").unwrap();
        std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).unwrap();
        put(&private, "new").unwrap();
        assert_eq!(std::fs::metadata(&private).unwrap().mode() & 0o777, 0o600);

        let ro = dir.path().join("ro.csv");
        std::fs::write(&ro, "old").unwrap();
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).unwrap();
        assert_eq!(put(&ro, "new").unwrap_err().kind, OutputErrorKind::ReadOnly);
        assert_eq!(read(&ro), "old");
    }

    #[test]
    fn a_hard_linked_file_is_written_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.csv");
        let b = dir.path().join("b.csv");
        std::fs::write(&a, "old").unwrap();
        std::fs::hard_link(&a, &b).unwrap();
        put(&a, "new").unwrap();
        assert_eq!(read(&b), "new");
        assert_eq!(std::fs::metadata(&a).unwrap().nlink(), 2);
    }

    #[test]
    fn a_directory_is_not_a_file_output() {
        let dir = tempfile::tempdir().unwrap();
        let e = put(dir.path(), "new").unwrap_err();
        assert_eq!(e.kind, OutputErrorKind::IsADirectory);
    }

    #[test]
    fn no_temporary_possible_writes_an_existing_file_in_place_and_explains_a_new_one() {
        let dir = tempfile::tempdir().unwrap();
        let denied = Faults {
            temp_denied: true,
            ..Faults::NONE
        };
        let existing = dir.path().join("out.csv");
        std::fs::write(&existing, "old, longer").unwrap();
        write(&existing, b"new", &Inputs::default(), None, &denied).unwrap();
        assert_eq!(read(&existing), "new");

        let new = dir.path().join("new.csv");
        let e = write(&new, b"new", &Inputs::default(), None, &denied).unwrap_err();
        assert_eq!(
            e.kind,
            OutputErrorKind::UnwritableDirectory {
                dir: dir.path().to_path_buf()
            }
        );
        assert!(e.to_string().contains("cannot create a file in"), "{e}");
    }

    #[test]
    fn a_killed_write_leaves_the_old_file_and_the_next_write_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        std::fs::write(&path, "old").unwrap();
        let crash = Faults {
            crash_after: Some(Step::TempWritten),
            ..Faults::NONE
        };
        assert!(write(&path, b"new", &Inputs::default(), None, &crash).is_err());
        assert_eq!(read(&path), "old");
        // What the killed run left, as if another (now dead) process had left it a while ago.
        let ours = stale::sibling(&path, TMP);
        let dead = dir
            .path()
            .join(format!(".out.csv.rtosim-{}.tmp", stale::tests::dead_pid()));
        std::fs::rename(&ours, &dead).unwrap();
        stale::tests::age(&dead, Duration::from_secs(600));
        put(&path, "newer").unwrap();
        assert_eq!(read(&path), "newer");
        assert_eq!(names(dir.path()), ["out.csv"]);
    }
}
