//! Outputs never destroy what is there, through the real binary: an input is never overwritten,
//! links are written through, FIFOs and devices in place, read-only files are refused, modes
//! and hard links are kept, `-` is standard output, and a report directory is replaced whole.

#![cfg(unix)]
#![allow(
    clippy::print_stderr,
    reason = "the skip message is for the person running the tests"
)]

mod common;

use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use common::{stderr, stdout};
use rtosim::exit::INVALID_INPUT;

/// The minimal plan, with its timings in `drills/`: a temporary directory holding `plan.toml`
/// and `drills/network.csv`.
struct Workspace {
    dir: tempfile::TempDir,
}

const DRILL: &str = "step,started,ended\nnetwork,2024-01-01T00:00:00Z,2024-01-01T00:20:00Z\n";

impl Workspace {
    fn new() -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        let minimal = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/minimal.toml"),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("plan.toml"),
            format!("timings = [\"drills/*.csv\"]\n{minimal}"),
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("drills")).unwrap();
        std::fs::write(dir.path().join("drills/network.csv"), DRILL).unwrap();
        Workspace { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn arg(&self, rel: &str) -> String {
        self.path(rel).to_str().unwrap().to_string()
    }

    fn plan(&self) -> String {
        self.arg("plan.toml")
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }
}

/// Runs `rtosim` with string arguments, in a fresh temporary directory (so that an output that
/// goes astray, such as a file named `-`, lands there and is seen).
fn run(args: &[String]) -> std::process::Output {
    let cwd = tempfile::tempdir().unwrap();
    let out = assert_cmd::cargo_bin_cmd!("rtosim")
        .current_dir(cwd.path())
        .args(args)
        .output()
        .expect("the binary runs");
    let strays: Vec<_> = std::fs::read_dir(cwd.path()).unwrap().collect();
    assert!(
        strays.is_empty(),
        "{args:?} wrote into the current directory: {strays:?}"
    );
    out
}

/// `args` as owned strings.
fn s(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| a.to_string()).collect()
}

/// Each command that writes a file, writing to `out`.
fn writers(w: &Workspace, out: &str) -> Vec<(&'static str, Vec<String>)> {
    let plan = w.plan();
    let few = ["--trials", "50"];
    let with = |v: &[&str]| {
        let mut a = s(v);
        a.extend(s(&few));
        a
    };
    vec![
        ("graph", s(&["graph", &plan, "-o", out])),
        ("simulate --csv", with(&["simulate", &plan, "--csv", out])),
        (
            "staff --chart",
            with(&["staff", &plan, "--team", "ops=1..2", "--chart", out]),
        ),
        ("compare --chart", with(&["compare", &plan, "--chart", out])),
        ("runsheet -o", with(&["runsheet", &plan, "-o", out])),
    ]
}

fn assert_refused(out: &std::process::Output, what: &str) {
    assert_eq!(
        out.status.code(),
        Some(INVALID_INPUT),
        "{what}: {}",
        stderr(out)
    );
    assert!(
        stderr(out).contains("an input of this command"),
        "{what}: {}",
        stderr(out)
    );
}

#[test]
fn no_command_overwrites_its_plan_or_its_timings() {
    let w = Workspace::new();
    let plan_text = w.read("plan.toml");
    for target in ["plan.toml", "drills/network.csv"] {
        for (what, args) in writers(&w, &w.arg(target)) {
            let out = run(&args);
            assert_refused(&out, &format!("{what} -o {target}"));
            assert_eq!(w.read("plan.toml"), plan_text, "{what}");
            assert_eq!(w.read("drills/network.csv"), DRILL, "{what}");
        }
    }
}

#[test]
fn an_input_is_recognised_through_a_symlink_and_a_hard_link() {
    let w = Workspace::new();
    std::os::unix::fs::symlink(w.path("plan.toml"), w.path("soft.toml")).unwrap();
    std::fs::hard_link(w.path("plan.toml"), w.path("hard.toml")).unwrap();
    for name in ["soft.toml", "hard.toml"] {
        let out = run(&s(&["graph", &w.plan(), "-o", &w.arg(name)]));
        assert_refused(&out, name);
    }
    assert_eq!(std::fs::metadata(w.path("plan.toml")).unwrap().nlink(), 2);
    assert!(w.read("hard.toml").contains("[[step]]"));
}

#[test]
fn no_import_overwrites_its_input() {
    let w = Workspace::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/drills");
    let cases = [
        ("terraform", "terraform/vpc.log", "vpc.log"),
        ("terragrunt", "terragrunt/report.json", "report.json"),
        ("graph", "graphs/terraform-graph.dot", "graph.dot"),
    ];
    for (kind, fixture, name) in cases {
        std::fs::copy(root.join(fixture), w.path(name)).unwrap();
        let before = w.read(name);
        let out = run(&s(&["import", kind, &w.arg(name), "-o", &w.arg(name)]));
        assert_refused(&out, kind);
        assert_eq!(w.read(name), before, "{kind}");
    }
}

#[test]
fn a_report_never_overwrites_an_input_inside_its_directory() {
    let w = Workspace::new();
    let report = w.path("report");
    let first = run(&s(&[
        "report",
        &w.plan(),
        "-o",
        &w.arg("report"),
        "--trials",
        "50",
    ]));
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    // The plan's timings include a file named as one the report writes.
    std::fs::write(report.join("report.md"), DRILL).unwrap();
    let plan = w
        .read("plan.toml")
        .replace("drills/*.csv", "report/report.md");
    std::fs::write(w.path("plan.toml"), plan).unwrap();
    let out = run(&s(&[
        "report",
        &w.plan(),
        "-o",
        &w.arg("report"),
        "--trials",
        "50",
    ]));
    assert_refused(&out, "report");
    assert_eq!(w.read("report/report.md"), DRILL);
}

#[test]
fn a_symlink_is_written_through_and_a_dangling_one_creates_its_target() {
    let w = Workspace::new();
    std::fs::write(w.path("real.dot"), "old").unwrap();
    std::os::unix::fs::symlink("real.dot", w.path("link.dot")).unwrap();
    std::os::unix::fs::symlink("made.dot", w.path("dangling.dot")).unwrap();
    for link in ["link.dot", "dangling.dot"] {
        let out = run(&s(&["graph", &w.plan(), "-o", &w.arg(link)]));
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let meta = std::fs::symlink_metadata(w.path(link)).unwrap();
        assert!(meta.file_type().is_symlink(), "{link} is still a link");
    }
    assert!(w.read("real.dot").starts_with("digraph"));
    assert!(w.read("made.dot").starts_with("digraph"));
}

#[test]
fn a_fifo_is_written_to_its_reader() {
    let w = Workspace::new();
    let fifo = w.path("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let (tx, rx) = std::sync::mpsc::channel();
    let reader_path = fifo.clone();
    std::thread::spawn(move || {
        let got = std::fs::read_to_string(&reader_path).unwrap_or_default();
        let _ = tx.send(got);
    });
    let out = run(&s(&["graph", &w.plan(), "-o", &w.arg("pipe")]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // A replaced FIFO never gets a writer: its reader would wait forever.
    let got = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the reader of the FIFO got the output");
    assert!(got.starts_with("digraph"), "{got}");
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
}

#[test]
fn a_device_node_is_written_in_place() {
    let w = Workspace::new();
    let node = w.path("null");
    // Making a device node needs privileges; without them there is nothing to test here.
    let made = std::process::Command::new("mknod")
        .arg(&node)
        .args(["c", "1", "3"])
        .stderr(std::process::Stdio::null())
        .status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("SKIPPED a_device_node_is_written_in_place: cannot make a device node here");
        return;
    }
    let out = run(&s(&["graph", &w.plan(), "-o", &w.arg("null")]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        std::fs::symlink_metadata(&node)
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

#[test]
fn a_read_only_file_is_refused_even_for_root() {
    let w = Workspace::new();
    let ro = w.path("ro.csv");
    std::fs::write(&ro, "keep").unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = run(&s(&[
        "simulate",
        &w.plan(),
        "--trials",
        "50",
        "--csv",
        &w.arg("ro.csv"),
    ]));
    assert_eq!(out.status.code(), Some(INVALID_INPUT), "{}", stderr(&out));
    assert!(stderr(&out).contains("read-only"), "{}", stderr(&out));
    assert_eq!(w.read("ro.csv"), "keep");
}

#[test]
fn a_private_file_stays_private_and_a_hard_link_keeps_sharing() {
    let w = Workspace::new();
    let private = w.path("private.md");
    std::fs::write(&private, "old").unwrap();
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = run(&s(&[
        "runsheet",
        &w.plan(),
        "--trials",
        "50",
        "-o",
        &w.arg("private.md"),
    ]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_ne!(w.read("private.md"), "old");
    assert_eq!(std::fs::metadata(&private).unwrap().mode() & 0o777, 0o600);

    std::fs::write(w.path("a.md"), "old").unwrap();
    std::fs::hard_link(w.path("a.md"), w.path("b.md")).unwrap();
    let out = run(&s(&[
        "runsheet",
        &w.plan(),
        "--trials",
        "50",
        "-o",
        &w.arg("a.md"),
    ]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_ne!(w.read("b.md"), "old", "the other link sees the new content");
    assert_eq!(w.read("a.md"), w.read("b.md"));
}

/// ([`run`] checks that no file or directory named `-` appears.)
#[test]
fn a_dash_is_standard_output_and_never_a_file() {
    let w = Workspace::new();
    let out = run(&s(&["graph", &w.plan(), "-o", "-"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("digraph"));
    let out = run(&s(&["runsheet", &w.plan(), "--trials", "50", "-o", "-"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stdout(&out).is_empty());
    let dot =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/drills/graphs/terraform-graph.dot");
    let out = run(&s(&["import", "graph", dot.to_str().unwrap(), "-o", "-"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("[[step]]"));
    // Where standard output carries the command's own text, `-` would mix two outputs.
    let out = run(&s(&["simulate", &w.plan(), "--trials", "50", "--csv", "-"]));
    assert_eq!(out.status.code(), Some(INVALID_INPUT), "{}", stderr(&out));
    assert!(stderr(&out).contains("standard output"), "{}", stderr(&out));
    // A report is a directory.
    let out = run(&s(&["report", &w.plan(), "--trials", "50", "-o", "-"]));
    assert_eq!(out.status.code(), Some(INVALID_INPUT), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("a report is a directory"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_report_into_a_dangling_link_creates_the_target() {
    let w = Workspace::new();
    std::os::unix::fs::symlink("made/report", w.path("link")).unwrap();
    let out = run(&s(&[
        "report",
        &w.plan(),
        "--trials",
        "50",
        "-o",
        &w.arg("link"),
    ]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(w.path("made/report/report.html").is_file());
}

#[test]
fn a_report_is_replaced_whole_or_not_at_all() {
    let w = Workspace::new();
    let args = s(&[
        "report",
        &w.plan(),
        "--trials",
        "50",
        "-o",
        &w.arg("report"),
    ]);
    let out = run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json = w.read("report/report.json");
    // Something in the way of the new report: refused before anything is written.
    std::fs::remove_file(w.path("report/report.html")).unwrap();
    std::fs::create_dir(w.path("report/report.html")).unwrap();
    std::fs::write(w.path("report/report.md"), "edited").unwrap();
    let out = run(&args);
    assert_eq!(out.status.code(), Some(INVALID_INPUT), "{}", stderr(&out));
    assert!(stderr(&out).contains("in the way"), "{}", stderr(&out));
    assert_eq!(w.read("report/report.json"), json);
    assert_eq!(w.read("report/report.md"), "edited");
    // Files of the user's in the report directory are kept.
    std::fs::remove_dir(w.path("report/report.html")).unwrap();
    std::fs::write(w.path("report/notes.txt"), "mine").unwrap();
    let out = run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(w.read("report/notes.txt"), "mine");
    assert!(w.read("report/report.md").contains("RTO"));
    let siblings: Vec<_> = std::fs::read_dir(w.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("rtosim"))
        .collect();
    assert!(siblings.is_empty(), "no temporaries left: {siblings:?}");
}

#[test]
fn a_directory_that_is_not_a_report_is_not_written_into() {
    let w = Workspace::new();
    // The workspace holds a plan and drills, and no report.
    let out = run(&s(&[
        "report",
        &w.plan(),
        "--trials",
        "50",
        "-o",
        &w.arg("drills"),
    ]));
    assert_eq!(out.status.code(), Some(INVALID_INPUT), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("holds no earlier report"),
        "{}",
        stderr(&out)
    );
    assert!(!w.path("drills/report.html").exists());
}

/// A PID that was alive a moment ago and is not now.
fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

#[test]
fn a_killed_runs_temporaries_are_removed_by_the_next_write() {
    let w = Workspace::new();
    let dead = dead_pid();
    let file_tmp = w.path(&format!(".out.csv.rtosim-{dead}.tmp"));
    std::fs::write(&file_tmp, "half a csv").unwrap();
    let dir_tmp = w.path(&format!(".report.rtosim-{dead}.tmp"));
    std::fs::create_dir(&dir_tmp).unwrap();
    std::fs::write(dir_tmp.join("report.html"), "half a report").unwrap();
    let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
    for p in [&file_tmp, &dir_tmp] {
        std::fs::File::open(p)
            .unwrap()
            .set_modified(an_hour_ago)
            .unwrap();
    }
    let out = run(&s(&[
        "simulate",
        &w.plan(),
        "--trials",
        "50",
        "--csv",
        &w.arg("out.csv"),
    ]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        !file_tmp.exists(),
        "the dead run's temporary file is removed"
    );
    assert!(
        !dir_tmp.exists(),
        "the dead run's temporary directory is removed"
    );
}
