//! Writing a directory of files (a report) as one unit: all old or all new, never a mix.
//!
//! The files are written into a temporary directory beside the target
//! (`.NAME.rtosim-PID.tmp`), which is then swapped in: an atomic exchange of the two paths where
//! the system has one (Linux `renameat2(RENAME_EXCHANGE)`, macOS `RENAME_SWAP`), otherwise the
//! old directory is renamed aside (`.NAME.rtosim-PID.old`), the new one renamed in and the old
//! one removed. A run killed between those two renames leaves no directory at the target; the
//! next write beside it puts the old one back first (see [`super::stale`]).
//!
//! What is in the way:
//! - A target that does not exist is created (its parents too); a symbolic link to a directory
//!   is written through, and a dangling one creates its target.
//! - An existing directory is replaced only when it is empty or holds at least one of the files
//!   the new report writes, so that an earlier report is replaced but a mistyped `-o` naming
//!   someone's project directory is refused.
//! - Entries of the earlier report that the new one does not write (a file the user added, a
//!   chart an older version wrote) are carried over into the new directory, as hard links
//!   (copies where the file system has none) and links as links: replacing a report never
//!   deletes anything that is not the report's own.
//! - Anything that would be lost instead (a directory where the report writes a file, a file
//!   where it needs a directory, a FIFO or socket) is an error before anything is written.

use std::fs::Metadata;
use std::io::{ErrorKind, Write};
use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

use super::error::{OutputError, OutputErrorKind};
use super::faults::{Faults, Step};
use super::file::{create_new, sync_dir};
use super::resolve::{Dest, Inputs, is_special, resolve};
use super::stale::{self, OLD, TMP};

/// What writing a directory did besides writing its files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirWritten {
    /// Entries of the earlier directory that the new one does not write, kept in it (relative
    /// to the directory, in path order).
    pub carried_over: Vec<PathBuf>,
}

/// Something of the earlier directory to keep in the new one.
#[derive(Debug)]
enum Carry {
    Dir(PathBuf, Metadata),
    File(PathBuf),
    Link(PathBuf),
}

/// Writes `files` (paths relative to `dir`, with `/` separators, and their contents) as the
/// directory `dir`, replacing an earlier one as a unit.
pub(super) fn write(
    dir: &Path,
    files: &[(String, Vec<u8>)],
    inputs: &Inputs,
    faults: &Faults,
) -> Result<DirWritten, OutputError> {
    let (target, meta) = match resolve(dir)? {
        Dest::Stdout => return Err(OutputError::new(dir, OutputErrorKind::DirectoryToStdout)),
        Dest::Special(_) => return Err(OutputError::new(dir, OutputErrorKind::NotADirectory)),
        Dest::Path { target, meta } => (target, meta),
    };
    for (rel, _) in files {
        debug_assert!(
            Path::new(rel)
                .components()
                .all(|c| matches!(c, Component::Normal(_))),
            "{rel} is not a plain relative path"
        );
    }
    let parent = stale::parent(&target).to_path_buf();
    let mut carry = Vec::new();
    match &meta {
        None => {
            std::fs::create_dir_all(&parent).map_err(|e| match e.kind() {
                ErrorKind::AlreadyExists | ErrorKind::NotADirectory => OutputError {
                    path: parent.clone(),
                    kind: OutputErrorKind::NotADirectory,
                    source: Some(e),
                },
                _ => OutputError::io(&parent, "create directory", e),
            })?;
        }
        Some(m) if !m.is_dir() => {
            return Err(OutputError::new(dir, OutputErrorKind::NotADirectory));
        }
        Some(_) => {
            refuse_current_directory(dir, &target)?;
            if !is_earlier_output(&target, files).map_err(|e| OutputError::io(dir, "read", e))? {
                return Err(OutputError::new(dir, OutputErrorKind::NotAnEarlierOutput));
            }
            for (rel, _) in files {
                inputs.check(&dir.join(rel), &target.join(rel))?;
            }
            plan_carry(&target, Path::new(""), dir, files, &mut carry)?;
        }
    }
    stale::clean(&parent, SystemTime::now());

    let tmp = stale::sibling(&target, TMP);
    make_temp_dir(dir, &tmp, meta.as_ref(), faults)?;
    // A failure from here on removes the temporary; an injected crash does not, as a kill
    // would not.
    let filled = fill(dir, &tmp, &target, files, &carry, faults);
    if let Err(e) = filled {
        if !Faults::is_crash(&e) {
            let _ = std::fs::remove_dir_all(&tmp);
        }
        return Err(e);
    }
    match meta {
        None => std::fs::rename(&tmp, &target).map_err(|e| {
            let _ = std::fs::remove_dir_all(&tmp);
            OutputError::io(dir, "create directory", e)
        })?,
        Some(_) => swap(dir, &tmp, &target, faults)?,
    }
    sync_dir(&parent);
    let mut carried_over: Vec<PathBuf> = carry
        .into_iter()
        .filter_map(|c| match c {
            Carry::Dir(..) => None,
            Carry::File(p) | Carry::Link(p) => Some(p),
        })
        .collect();
    carried_over.sort();
    Ok(DirWritten { carried_over })
}

/// Refuses to replace the current directory or one of its ancestors.
fn refuse_current_directory(dir: &Path, target: &Path) -> Result<(), OutputError> {
    if let (Ok(cwd), Ok(t)) = (std::env::current_dir(), std::fs::canonicalize(target)) {
        if cwd.starts_with(&t) {
            return Err(OutputError::new(
                dir,
                OutputErrorKind::ContainsCurrentDirectory,
            ));
        }
    }
    Ok(())
}

/// Whether the existing directory may be replaced: it is empty, or holds one of the files.
fn is_earlier_output(target: &Path, files: &[(String, Vec<u8>)]) -> std::io::Result<bool> {
    if std::fs::read_dir(target)?.next().is_none() {
        return Ok(true);
    }
    Ok(files
        .iter()
        .any(|(rel, _)| std::fs::symlink_metadata(target.join(rel)).is_ok_and(|m| m.is_file())))
}

/// Lists what of `old/under` to carry over, or says what is in the way.
fn plan_carry(
    old: &Path,
    under: &Path,
    shown: &Path,
    files: &[(String, Vec<u8>)],
    out: &mut Vec<Carry>,
) -> Result<(), OutputError> {
    let here = old.join(under);
    let entries =
        std::fs::read_dir(&here).map_err(|e| OutputError::io(shown.join(under), "read", e))?;
    for entry in entries {
        let entry = entry.map_err(|e| OutputError::io(shown.join(under), "read", e))?;
        let rel = under.join(entry.file_name());
        let m = std::fs::symlink_metadata(entry.path())
            .map_err(|e| OutputError::io(shown.join(&rel), "read", e))?;
        let is_file_of_new = files.iter().any(|(f, _)| Path::new(f) == rel);
        let is_dir_of_new = files
            .iter()
            .any(|(f, _)| Path::new(f).starts_with(&rel) && Path::new(f) != rel);
        let in_the_way =
            |needs| OutputError::new(shown.join(&rel), OutputErrorKind::InTheWay { needs });
        if is_file_of_new {
            // The new report's own file replaces it, unless something would be lost with it.
            if m.is_dir() {
                return Err(in_the_way("a file"));
            }
        } else if is_dir_of_new {
            if !m.is_dir() {
                return Err(in_the_way("a directory"));
            }
            plan_carry(old, &rel, shown, files, out)?;
        } else if m.file_type().is_symlink() {
            out.push(Carry::Link(rel));
        } else if m.is_dir() {
            out.push(Carry::Dir(rel.clone(), m));
            plan_carry(old, &rel, shown, files, out)?;
        } else if m.is_file() {
            out.push(Carry::File(rel));
        } else {
            debug_assert!(is_special(&m) || !m.is_file());
            return Err(OutputError::new(
                shown.join(&rel),
                OutputErrorKind::CannotCarryOver,
            ));
        }
    }
    Ok(())
}

/// Creates the temporary directory, with the earlier directory's permissions.
fn make_temp_dir(
    dir: &Path,
    tmp: &Path,
    old: Option<&Metadata>,
    faults: &Faults,
) -> Result<(), OutputError> {
    let parent = stale::parent(tmp);
    let made = if faults.temp_denied {
        Err(ErrorKind::PermissionDenied.into())
    } else {
        std::fs::create_dir(tmp).or_else(|e| {
            // A leftover of this process's own name (a PID reused from a killed run).
            if e.kind() == ErrorKind::AlreadyExists {
                std::fs::remove_dir_all(tmp)?;
                std::fs::create_dir(tmp)
            } else {
                Err(e)
            }
        })
    };
    made.map_err(|e| match e.kind() {
        ErrorKind::PermissionDenied => OutputError {
            path: dir.to_path_buf(),
            kind: OutputErrorKind::UnwritableDirectory {
                dir: parent.to_path_buf(),
            },
            source: Some(e),
        },
        _ => OutputError::io(dir, "create a temporary directory beside", e),
    })?;
    if let Some(m) = old {
        std::fs::set_permissions(tmp, m.permissions())
            .map_err(|e| OutputError::io(dir, "create directory", e))?;
    }
    Ok(())
}

/// Writes the files into `tmp`, then carries over what the earlier directory had besides.
fn fill(
    dir: &Path,
    tmp: &Path,
    old: &Path,
    files: &[(String, Vec<u8>)],
    carry: &[Carry],
    faults: &Faults,
) -> Result<(), OutputError> {
    for (i, (rel, contents)) in files.iter().enumerate() {
        let shown = dir.join(rel);
        let path = tmp.join(rel);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p)
                .map_err(|e| OutputError::io(&shown, "create directory for", e))?;
        }
        let mut f =
            create_new(&path, &Faults::NONE).map_err(|e| OutputError::io(&shown, "write", e))?;
        // A file of the earlier report keeps its permissions (someone made it private).
        if let Ok(m) = std::fs::symlink_metadata(old.join(rel)) {
            if m.is_file() {
                f.set_permissions(m.permissions())
                    .map_err(|e| OutputError::io(&shown, "write", e))?;
            }
        }
        f.write_all(contents)
            .and_then(|()| f.sync_all())
            .map_err(|e| OutputError::io(&shown, "write", e))?;
        if i == 0 {
            faults
                .at(Step::FirstFileWritten)
                .map_err(|e| OutputError::io(&shown, "write", e))?;
        }
    }
    faults
        .at(Step::FilesWritten)
        .map_err(|e| OutputError::io(dir, "write", e))?;
    for c in carry {
        match c {
            Carry::Dir(rel, m) => {
                let made = tmp.join(rel);
                std::fs::create_dir(&made)
                    .and_then(|()| std::fs::set_permissions(&made, m.permissions()))
                    .map_err(|e| OutputError::io(dir.join(rel), "keep", e))?;
            }
            Carry::File(rel) => {
                let (from, to) = (old.join(rel), tmp.join(rel));
                std::fs::hard_link(&from, &to)
                    .or_else(|_| std::fs::copy(&from, &to).map(|_| ()))
                    .map_err(|e| OutputError::io(dir.join(rel), "keep", e))?;
            }
            Carry::Link(rel) => {
                let link = std::fs::read_link(old.join(rel))
                    .map_err(|e| OutputError::io(dir.join(rel), "keep", e))?;
                symlink(&link, &tmp.join(rel))
                    .map_err(|e| OutputError::io(dir.join(rel), "keep", e))?;
            }
        }
    }
    faults
        .at(Step::CarriedOver)
        .map_err(|e| OutputError::io(dir, "write", e))
}

#[cfg(unix)]
fn symlink(link: &Path, at: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(link, at)
}

#[cfg(not(unix))]
fn symlink(link: &Path, at: &Path) -> std::io::Result<()> {
    // Without Unix links, keep what the link pointed to.
    std::fs::copy(at.parent().unwrap_or(Path::new(".")).join(link), at).map(|_| ())
}

/// Swaps the filled temporary directory in for the earlier one at `target`, then removes the
/// earlier one.
fn swap(dir: &Path, tmp: &Path, target: &Path, faults: &Faults) -> Result<(), OutputError> {
    let cross = |e: std::io::Error| {
        if e.kind() == ErrorKind::CrossesDevices {
            OutputError {
                path: dir.to_path_buf(),
                kind: OutputErrorKind::CrossDevice,
                source: Some(e),
            }
        } else {
            OutputError::io(dir, "replace", e)
        }
    };
    let exchanged = if faults.no_exchange {
        Err(ErrorKind::Unsupported.into())
    } else {
        exchange(tmp, target)
    };
    let old = match exchanged {
        // The temporary's name now holds the earlier directory.
        Ok(()) => tmp.to_path_buf(),
        Err(e) if e.kind() == ErrorKind::CrossesDevices => {
            let _ = std::fs::remove_dir_all(tmp);
            return Err(cross(e));
        }
        Err(_) => {
            let aside = stale::sibling(target, OLD);
            if let Err(e) = std::fs::rename(target, &aside) {
                let _ = std::fs::remove_dir_all(tmp);
                return Err(cross(e));
            }
            faults
                .at(Step::OldMovedAside)
                .map_err(|e| OutputError::io(dir, "replace", e))?;
            if let Err(e) = std::fs::rename(tmp, target) {
                // Put the earlier directory back: all old.
                let _ = std::fs::rename(&aside, target);
                let _ = std::fs::remove_dir_all(tmp);
                return Err(OutputError::io(dir, "replace", e));
            }
            aside
        }
    };
    faults
        .at(Step::Swapped)
        .map_err(|e| OutputError::io(dir, "replace", e))?;
    std::fs::remove_dir_all(&old)
        .map_err(|e| OutputError::io(&old, "remove the previous report", e))
}

/// Exchanges two paths atomically, where the system can.
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
    }
    #[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
    {
        let _ = (a, b);
        Err(ErrorKind::Unsupported.into())
    }
}
