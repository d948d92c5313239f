//! rtosim's own temporary names beside an output, and removing those a dead run left behind.
//!
//! A write in progress lives at `.NAME.rtosim-PID.tmp` beside `NAME` (a file, or a directory for
//! a report); a report swapped without an atomic exchange parks the previous one at
//! `.NAME.rtosim-PID.old` for a moment. A run killed at the wrong time leaves these; the next
//! write into the same directory removes them, or puts a parked report back where it belongs.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The suffix of a write in progress.
pub(super) const TMP: &str = "tmp";
/// The suffix of a previous report moved aside during a swap.
pub(super) const OLD: &str = "old";

/// A dead writer's entry younger than this is left alone: a writer in another PID namespace
/// (a container sharing the volume) looks dead from here, and its writes take seconds.
const GRACE: Duration = Duration::from_secs(60);
/// Any entry older than this is stale, whoever wrote it: outputs are computed before they are
/// written, so no write takes a day, and a PID that was reused must not keep junk forever.
const MAX_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// The temporary sibling of `target` with `suffix` (`.NAME.rtosim-PID.SUFFIX`), for this process.
pub(super) fn sibling(target: &Path, suffix: &str) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    parent(target).join(format!(".{name}.rtosim-{}.{suffix}", std::process::id()))
}

/// The directory `path` is in (`.` for a bare name).
pub(super) fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// The parts of one of our names: the output's name, the writer's PID and the suffix.
fn parse(name: &OsStr) -> Option<(&str, u32, &str)> {
    let name = name.to_str()?.strip_prefix('.')?;
    let (rest, suffix) = name.rsplit_once('.')?;
    if suffix != TMP && suffix != OLD {
        return None;
    }
    let (target, pid) = rest.rsplit_once(".rtosim-")?;
    if target.is_empty() || pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((target, pid.parse().ok()?, suffix))
}

/// Whether process `pid` exists, when the system can say.
fn alive(pid: u32) -> Option<bool> {
    #[cfg(unix)]
    {
        use rustix::io::Errno;
        let pid = rustix::process::Pid::from_raw(i32::try_from(pid).ok()?)?;
        match rustix::process::test_kill_process(pid) {
            Ok(()) => Some(true),
            // It exists but belongs to someone else.
            Err(Errno::PERM) => Some(true),
            Err(Errno::SRCH) => Some(false),
            Err(_) => None,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        None
    }
}

/// Removes the stale entries of our naming in `dir` (best effort: a failure only leaves junk,
/// which is no reason to fail the write). A parked previous report whose place is empty is put
/// back instead, so that a run killed mid-swap leaves the old report, not none.
pub(super) fn clean(dir: &Path, now: SystemTime) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some((target, pid, suffix)) = parse(&name) else {
            continue;
        };
        // Our own PID: a write of this process, never stale while it runs.
        if pid == std::process::id() {
            continue;
        }
        let path = entry.path();
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        let age = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .unwrap_or_default();
        let stale = age >= MAX_AGE || (age >= GRACE && alive(pid) == Some(false));
        if !stale {
            continue;
        }
        let home = dir.join(target);
        if suffix == OLD && meta.is_dir() && std::fs::symlink_metadata(&home).is_err() {
            let _ = std::fs::rename(&path, &home);
        } else if meta.is_dir() {
            let _ = std::fs::remove_dir_all(&path);
        } else {
            let _ = std::fs::remove_file(&path);
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A PID that was alive a moment ago and is not now.
    pub(in crate::output) fn dead_pid() -> u32 {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        pid
    }

    /// Sets the modification time of `path` (a file or a directory) `ago` in the past.
    pub(in crate::output) fn age(path: &Path, ago: Duration) {
        let f = std::fs::File::open(path).unwrap();
        f.set_modified(SystemTime::now() - ago).unwrap();
    }

    #[test]
    fn names_round_trip() {
        let s = sibling(Path::new("dir/out.csv"), TMP);
        let name = s.file_name().unwrap();
        assert_eq!(parse(name), Some(("out.csv", std::process::id(), TMP)));
        assert_eq!(
            parse(OsStr::new(".out.csv.rtosim-12.old")),
            Some(("out.csv", 12, OLD))
        );
        assert_eq!(parse(OsStr::new(".out.csv.rtosim-x1.tmp")), None);
        assert_eq!(parse(OsStr::new("out.csv.rtosim-1.tmp")), None);
        assert_eq!(parse(OsStr::new(".out.csv.rtosim-1.bak")), None);
    }

    #[test]
    fn a_dead_writers_temporaries_go_and_a_live_ones_stay() {
        let dir = tempfile::tempdir().unwrap();
        let dead = dead_pid();
        let stale_file = dir.path().join(format!(".out.csv.rtosim-{dead}.tmp"));
        std::fs::write(&stale_file, "partial").unwrap();
        age(&stale_file, Duration::from_secs(120));
        let stale_dir = dir.path().join(format!(".report.rtosim-{dead}.tmp"));
        std::fs::create_dir(&stale_dir).unwrap();
        std::fs::write(stale_dir.join("report.html"), "partial").unwrap();
        age(&stale_dir, Duration::from_secs(120));
        // Just written by a dead PID: within the grace period.
        let fresh = dir.path().join(format!(".new.csv.rtosim-{dead}.tmp"));
        std::fs::write(&fresh, "partial").unwrap();
        // Written by a live process (pid 1 always exists).
        let live = dir.path().join(".live.csv.rtosim-1.tmp");
        std::fs::write(&live, "partial").unwrap();
        age(&live, Duration::from_secs(120));
        // Very old, whoever wrote it.
        let ancient = dir.path().join(".old.csv.rtosim-1.tmp");
        std::fs::write(&ancient, "partial").unwrap();
        age(&ancient, Duration::from_secs(2 * 24 * 3600));
        let user = dir.path().join(".hidden");
        std::fs::write(&user, "mine").unwrap();

        clean(dir.path(), SystemTime::now());
        assert!(!stale_file.exists());
        assert!(!stale_dir.exists());
        assert!(fresh.exists());
        assert!(live.exists());
        assert!(!ancient.exists());
        assert!(user.exists());
    }

    #[test]
    fn a_parked_report_with_no_report_in_its_place_is_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let dead = dead_pid();
        let parked = dir.path().join(format!(".report.rtosim-{dead}.old"));
        std::fs::create_dir(&parked).unwrap();
        std::fs::write(parked.join("report.html"), "old").unwrap();
        age(&parked, Duration::from_secs(120));
        clean(dir.path(), SystemTime::now());
        assert!(!parked.exists());
        assert_eq!(
            std::fs::read_to_string(dir.path().join("report/report.html")).unwrap(),
            "old"
        );
    }
}
