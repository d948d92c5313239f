//! Tests of writing a report directory: the swap, killed at every step, leaves all old or all
//! new; an earlier report's other entries are kept; what would be lost is refused up front.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::dir::{DirWritten, write};
use super::error::OutputErrorKind;
use super::faults::{Faults, Step};
use super::resolve::Inputs;
use super::stale;

fn report(version: &str) -> Vec<(String, Vec<u8>)> {
    ["report.html", "report.json", "charts/a.svg", "charts/b.png"]
        .iter()
        .map(|n| (n.to_string(), format!("{version} {n}").into_bytes()))
        .collect()
}

fn put(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<DirWritten, super::OutputError> {
    write(dir, files, &Inputs::default(), &Faults::NONE)
}

/// Every file under `dir`, relative, with its contents.
fn tree(dir: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, here: &Path, out: &mut BTreeMap<String, String>) {
        for e in std::fs::read_dir(here).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read_to_string(&p).unwrap_or_default());
            }
        }
    }
    let mut out = BTreeMap::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out
}

fn as_tree(files: &[(String, Vec<u8>)]) -> BTreeMap<String, String> {
    files
        .iter()
        .map(|(n, c)| (n.clone(), String::from_utf8(c.clone()).unwrap()))
        .collect()
}

/// The names in `dir` (not recursive).
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Renames what this process left beside `target` to names of a dead process, written a while
/// ago, as a killed run would have left them.
fn as_if_left_by_a_dead_run(parent: &Path) {
    let dead = stale::tests::dead_pid();
    let own = format!(".rtosim-{}.", std::process::id());
    for name in names(parent) {
        if name.contains(&own) {
            let renamed = name.replace(&own, &format!(".rtosim-{dead}."));
            let to = parent.join(renamed);
            std::fs::rename(parent.join(&name), &to).unwrap();
            stale::tests::age(&to, Duration::from_secs(600));
        }
    }
}

#[test]
fn a_report_killed_at_any_step_is_all_old_or_all_new_and_the_next_run_cleans_up() {
    let steps = [
        Step::FirstFileWritten,
        Step::FilesWritten,
        Step::CarriedOver,
        Step::OldMovedAside,
        Step::Swapped,
    ];
    for no_exchange in [false, true] {
        for step in steps {
            let root = tempfile::tempdir().unwrap();
            let out = root.path().join("report");
            put(&out, &report("old")).unwrap();
            std::fs::write(out.join("notes.txt"), "mine").unwrap();
            let mut old = as_tree(&report("old"));
            old.insert("notes.txt".into(), "mine".into());
            let mut new = as_tree(&report("new"));
            new.insert("notes.txt".into(), "mine".into());

            let faults = Faults {
                crash_after: Some(step),
                no_exchange,
                temp_denied: false,
            };
            let result = write(&out, &report("new"), &Inputs::default(), &faults);
            let case = format!("crash after {step:?}, no_exchange {no_exchange}");
            if step == Step::OldMovedAside && !no_exchange {
                // The atomic exchange has no such step: the write completes.
                assert!(result.is_ok(), "{case}");
                assert_eq!(tree(&out), new, "{case}");
                continue;
            }
            assert!(result.is_err(), "{case}");
            let left = tree(&out);
            let expected = match step {
                Step::Swapped => &new,
                // Between the two renames there is no report at all; the next run puts the
                // old one back.
                Step::OldMovedAside => &BTreeMap::new(),
                _ => &old,
            };
            assert_eq!(&left, expected, "{case}");

            as_if_left_by_a_dead_run(root.path());
            if step == Step::OldMovedAside {
                stale::clean(root.path(), std::time::SystemTime::now());
                assert_eq!(tree(&out), old, "{case}: the old report is put back");
            }
            let written = put(&out, &report("newer")).unwrap();
            let mut newer = as_tree(&report("newer"));
            newer.insert("notes.txt".into(), "mine".into());
            assert_eq!(tree(&out), newer, "{case}");
            assert_eq!(written.carried_over, [PathBuf::from("notes.txt")]);
            assert_eq!(
                names(root.path()),
                ["report"],
                "{case}: no temporaries left"
            );
        }
    }
}

#[test]
fn a_new_report_creates_its_directory_and_parents() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("a/b/report");
    put(&out, &report("new")).unwrap();
    assert_eq!(tree(&out), as_tree(&report("new")));
    assert_eq!(names(&root.path().join("a/b")), ["report"]);
}

#[test]
fn an_empty_directory_is_filled_and_permissions_are_kept() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("report");
    std::fs::create_dir(&out).unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o750)).unwrap();
    put(&out, &report("new")).unwrap();
    assert_eq!(tree(&out), as_tree(&report("new")));
    let mode = std::fs::metadata(&out).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o750);
    // And a private file of the earlier report stays private.
    let html = out.join("report.html");
    std::fs::set_permissions(&html, std::fs::Permissions::from_mode(0o600)).unwrap();
    put(&out, &report("newer")).unwrap();
    let mode = std::fs::metadata(&html).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    assert_eq!(std::fs::read_to_string(&html).unwrap(), "newer report.html");
}

#[test]
fn a_directory_that_is_not_a_report_is_refused_untouched() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("project");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("main.rs"), "fn main() {}").unwrap();
    let e = put(&out, &report("new")).unwrap_err();
    assert_eq!(e.kind, OutputErrorKind::NotAnEarlierOutput);
    assert_eq!(names(&out), ["main.rs"]);
    assert_eq!(names(root.path()), ["project"]);
}

#[test]
fn what_would_be_lost_is_refused_before_anything_is_written() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("report");
    put(&out, &report("old")).unwrap();
    std::fs::remove_file(out.join("report.html")).unwrap();
    std::fs::create_dir(out.join("report.html")).unwrap();
    std::fs::write(out.join("report.html/keep"), "mine").unwrap();
    let e = put(&out, &report("new")).unwrap_err();
    assert_eq!(e.kind, OutputErrorKind::InTheWay { needs: "a file" });
    assert_eq!(e.path, out.join("report.html"));
    assert_eq!(tree(&out)["report.json"], "old report.json");
    assert_eq!(names(root.path()), ["report"]);
}

#[test]
fn a_link_to_a_report_directory_is_written_through_and_a_dangling_one_creates_it() {
    let root = tempfile::tempdir().unwrap();
    let real = root.path().join("real");
    put(&real, &report("old")).unwrap();
    let link = root.path().join("link");
    std::os::unix::fs::symlink("real", &link).unwrap();
    put(&link, &report("new")).unwrap();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(tree(&real), as_tree(&report("new")));

    let dangling = root.path().join("dangling");
    std::os::unix::fs::symlink("made/here", &dangling).unwrap();
    put(&dangling, &report("new")).unwrap();
    assert_eq!(
        tree(&root.path().join("made/here")),
        as_tree(&report("new"))
    );
}

#[test]
fn standard_output_and_files_are_not_report_directories() {
    let root = tempfile::tempdir().unwrap();
    let e = put(Path::new("-"), &report("new")).unwrap_err();
    assert_eq!(e.kind, OutputErrorKind::DirectoryToStdout);
    let file = root.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let e = put(&file, &report("new")).unwrap_err();
    assert_eq!(e.kind, OutputErrorKind::NotADirectory);
    assert!(e.to_string().starts_with("cannot create directory"), "{e}");
}

#[test]
fn an_input_inside_the_report_is_kept_or_refused() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("report");
    put(&out, &report("old")).unwrap();
    let plan = out.join("plan.toml");
    std::fs::write(&plan, "the plan").unwrap();
    let inputs = Inputs::new([plan.clone()]);
    // Not a file the report writes: carried over, the same file.
    let written = write(&out, &report("new"), &inputs, &Faults::NONE).unwrap();
    assert_eq!(written.carried_over, [PathBuf::from("plan.toml")]);
    assert_eq!(std::fs::read_to_string(&plan).unwrap(), "the plan");
    // A file the report writes: refused.
    let json = out.join("report.json");
    let inputs = Inputs::new([json.clone()]);
    let e = write(&out, &report("newer"), &inputs, &Faults::NONE).unwrap_err();
    assert_eq!(
        e.kind,
        OutputErrorKind::IsInput {
            input: json.clone()
        }
    );
    assert_eq!(std::fs::read_to_string(&json).unwrap(), "new report.json");
}

#[test]
fn a_directory_where_nothing_can_be_created_says_so() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("report");
    let denied = Faults {
        temp_denied: true,
        ..Faults::NONE
    };
    let e = write(&out, &report("new"), &Inputs::default(), &denied).unwrap_err();
    assert_eq!(
        e.kind,
        OutputErrorKind::UnwritableDirectory {
            dir: root.path().to_path_buf()
        }
    );
}
