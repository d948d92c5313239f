//! Inputs as they come from the field and from attackers: byte-order marks, UTF-16 files,
//! bytes that are not text, endless files, control characters and spreadsheet formulas.

mod common;

use common::{PlanFile, rtosim, stderr, stdout};

const PLAN: &str = "[[step]]\nid = \"a\"\nduration = \"1h\"\n";
const JSON_PLAN: &str = r#"{ "step": [ { "id": "a", "duration": "1h" } ] }"#;

fn with_utf8_bom(text: &str) -> Vec<u8> {
    let mut out = vec![0xef, 0xbb, 0xbf];
    out.extend(text.as_bytes());
    out
}

/// Text as UTF-16 with its byte-order mark, as a PowerShell `>` redirect writes it.
fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut out = if big_endian {
        vec![0xfe, 0xff]
    } else {
        vec![0xff, 0xfe]
    };
    for unit in text.encode_utf16() {
        out.extend(if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    out
}

/// Writes `bytes` as `name` in a fresh directory.
fn file(name: &str, bytes: &[u8]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let path = path.to_str().unwrap().to_string();
    (dir, path)
}

#[test]
fn plans_with_a_byte_order_mark_are_read_in_both_formats() {
    for (name, bytes) in [
        ("plan.json", with_utf8_bom(JSON_PLAN)),
        ("plan.toml", with_utf8_bom(PLAN)),
        ("plan.toml", utf16(PLAN, false)),
        ("plan.json", utf16(JSON_PLAN, true)),
    ] {
        let (_dir, path) = file(name, &bytes);
        let out = rtosim(&["check", &path]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        assert!(stdout(&out).contains("steps      1"), "{name}");
    }
}

#[test]
fn imported_files_with_a_byte_order_mark_import_as_without_one() {
    let cases: [(&[&str], &str); 3] = [
        (
            &["import", "graph"],
            "scenarios/drills/graphs/terraform-graph.dot",
        ),
        (
            &["import", "graph"],
            "scenarios/drills/graphs/terragrunt-find.json",
        ),
        (
            &["import", "terragrunt"],
            "scenarios/drills/terragrunt/report.json",
        ),
    ];
    for (command, sample) in cases {
        // The same file name, since the skeleton is named after it.
        let name = sample.rsplit('/').next().unwrap();
        let plain = rtosim(&[command, &[sample]].concat());
        assert_eq!(plain.status.code(), Some(0), "{sample}: {}", stderr(&plain));
        let text =
            std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(sample))
                .unwrap();
        for bytes in [
            with_utf8_bom(&text),
            utf16(&text, false),
            utf16(&text, true),
        ] {
            let (_dir, path) = file(name, &bytes);
            let out = rtosim(&[command, &[path.as_str()]].concat());
            assert_eq!(out.status.code(), Some(0), "{sample}: {}", stderr(&out));
            // The source path is part of the output; the rest must match.
            let strip = |s: String| s.replace(&path, "FILE").replace(sample, "FILE");
            assert_eq!(strip(stdout(&out)), strip(stdout(&plain)), "{sample}");
        }
    }
}

#[test]
fn bytes_that_are_not_text_are_placed_by_line_and_column() {
    let (_dir, path) = file(
        "plan.toml",
        b"[[step]]\nid = \"a\xff\"\nduration = \"1h\"\n",
    );
    let out = rtosim(&["check", &path]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("error: the file is not UTF-8 text"), "{err}");
    assert!(err.contains(&format!("--> {path}:2:8")), "{err}");

    let (_dir, log) = file("vpc.log", b"{\"@level\":\"info\"}\n\xc3(\n");
    let out = rtosim(&["import", "terraform", &log]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!("{log}:2:1: the file is not UTF-8 text")),
        "{}",
        stderr(&out)
    );

    // UTF-16 without a byte-order mark decodes as UTF-8 full of NULs: say what it probably is.
    let no_bom: Vec<u8> = PLAN.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let (_dir, path) = file("plan.toml", &no_bom);
    let err = stderr(&rtosim(&["check", &path]));
    assert!(err.contains("NUL character"), "{err}");
    assert!(err.contains("UTF-16 without a byte-order mark"), "{err}");
}

#[cfg(unix)]
#[test]
fn an_endless_file_is_read_only_up_to_the_cap() {
    // `yes > fifo & rtosim check fifo` used to read gigabytes before failing.
    let out = rtosim(&["check", "/dev/zero"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("larger than 256 MiB"), "{err}");
}

#[test]
fn timings_files_in_utf16_are_read() {
    let plan = PlanFile::new(
        "timings = [\"drill.csv\"]\n[[step]]\nid = \"a\"\nduration = { dist = \"recorded\" }\n",
    );
    std::fs::write(
        plan.out("drill.csv"),
        utf16("step,duration\na,10m\na,12m\na,11m\n", false),
    )
    .unwrap();
    let out = rtosim(&["check", plan.arg()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Recorded timings"),
        "{}",
        stdout(&out)
    );
}

/// Whether the text holds a character that could steer a terminal.
fn has_control(text: &str) -> bool {
    text.chars().any(|c| c.is_control() && c != '\n')
}

#[test]
fn control_characters_from_a_plan_never_reach_the_terminal() {
    let plan = PlanFile::new(
        "[[step]]\nid = \"a\"\nafter = [\"b\\u001b[31mred\\u0007\"]\nduration = \"1h\"\n",
    );
    let out = rtosim(&["check", plan.arg()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(!has_control(&err), "{err:?}");
    assert!(err.contains("\"b\\u{1b}[31mred\\u{7}\""), "{err}");

    // A newline in a value cannot fake a line of output either.
    let plan =
        PlanFile::new("[[step]]\nid = \"a\"\nafter = [\"x\\nerror: forged\"]\nduration = \"1h\"\n");
    let err = stderr(&rtosim(&["check", plan.arg()]));
    assert!(!err.contains("\nerror: forged"), "{err}");
    assert!(err.contains("x\\nerror: forged"), "{err}");

    let plan = PlanFile::new(
        "name = \"p\\u001b]0;owned\\u0007\"\n[[step]]\nid = \"a\"\nname = \"x\\u001b[31mred\\u009b\"\nduration = \"1h\"\n",
    );
    let out = rtosim(&["graph", plan.arg()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let dot = stdout(&out);
    assert!(!has_control(&dot), "{dot:?}");
    // The backslash is doubled so that Graphviz shows the escape as written.
    assert!(dot.contains("x\\\\u{1b}[31mred\\\\u{9b}"), "{dot}");
    assert!(
        dot.contains("digraph \"p\\\\u{1b}]0;owned\\\\u{7}\""),
        "{dot}"
    );
}

/// The summaries of `check` and `calibrate` name the plan and its steps: their control
/// characters are escaped too.
#[test]
fn control_characters_never_reach_the_terminal_in_summaries() {
    let plan = PlanFile::new(
        "name = \"p\\u001b]0;owned\\u0007\"\n[[step]]\nid = \"a\"\nname = \"x\\u001b[31mred\"\nduration = \"1h\"\n",
    );
    let out = rtosim(&["check", plan.arg()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!has_control(&text), "{text:?}");
    assert!(text.contains("p\\u{1b}]0;owned\\u{7}"), "{text}");

    let drill = plan.out("drill.csv");
    std::fs::write(
        &drill,
        "step,started,ended\na,2024-03-02T08:00:00Z,2024-03-02T09:10:00Z\n",
    )
    .unwrap();
    let out = rtosim(&[
        "calibrate",
        plan.arg(),
        "--actual",
        drill.to_str().unwrap(),
        "--trials",
        "200",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!has_control(&text), "{text:?}");
    assert!(text.contains("p\\u{1b}]0;owned\\u{7}"), "{text}");
}

#[test]
fn csv_cells_that_would_run_as_formulas_are_quoted() {
    let plan = PlanFile::new(
        "[teams]\nops = 1\n[[step]]\nid = \"a\"\nname = \"=cmd|' /C calc'!A0\"\nteam = \"ops\"\nduration = \"1h\"\n[[step]]\nid = \"b\"\nname = \"@SUM(A1)\"\nafter = [\"a\"]\nteam = \"ops\"\nduration = \"1h\"\n",
    );
    let out = rtosim(&["runsheet", plan.arg(), "--format", "csv", "--trials", "200"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let csv = stdout(&out);
    assert!(csv.contains(",'=cmd|' /C calc'!A0,"), "{csv}");
    assert!(csv.contains(",'@SUM(A1),"), "{csv}");
    assert!(!csv.contains(",=cmd"), "{csv}");
}
