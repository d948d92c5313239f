//! `rtosim report` through the real binary: what the charts and the summary *say*, escaping of
//! plan strings, and how the output directory is written. SVGs are parsed with roxmltree.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use roxmltree::{Document, Node};
use rtosim::chart::theme::OBJECTIVE;
use rtosim::duration::{format_span, parse_span};
use serde_json::Value;
use support::{gantt_counts, hex, objective_x, polyline_points, read, x_axis};

const SMALL: &str = "tests/fixtures/report/small.toml";
const CREW: &str = "tests/fixtures/report/crew.toml";
const TRIALS: &str = "2000";

fn report(plan: &str, out: &Path, extra: &[&str]) {
    Command::cargo_bin("rtosim")
        .unwrap()
        .args(["report", plan, "-o"])
        .arg(out)
        .args(["--trials", TRIALS, "--seed", "7"])
        .args(extra)
        .assert()
        .success();
}

fn simulate_json(plan: &str, extra: &[&str]) -> String {
    let out = Command::cargo_bin("rtosim")
        .unwrap()
        .args([
            "simulate", plan, "--json", "--trials", TRIALS, "--seed", "7",
        ])
        .args(extra)
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn num(v: &Value, path: &[&str]) -> f64 {
    let mut at = v;
    for k in path {
        at = &at[*k];
    }
    at.as_f64()
        .unwrap_or_else(|| panic!("{path:?} is not a number"))
}

#[test]
fn the_objective_line_sits_at_the_target_on_every_time_axis() {
    let dir = tempfile::tempdir().unwrap();
    report(SMALL, dir.path(), &[]);
    let target_h = 5.0;
    for chart in ["rto-histogram", "rto-s-curve", "gantt-p50", "gantt-p90"] {
        let text = read(dir.path().join(format!("charts/{chart}.svg")));
        let doc = Document::parse(&text).unwrap();
        let (a, b) = x_axis(&doc);
        let x = objective_x(&doc);
        assert!(
            (x - (a + b * target_h)).abs() <= 1.5,
            "{chart}: objective at x={x}, the axis puts 5 h at {}",
            a + b * target_h
        );
    }
}

#[test]
fn the_histogram_marks_p50_and_p90_where_the_json_puts_them() {
    let dir = tempfile::tempdir().unwrap();
    report(SMALL, dir.path(), &[]);
    let j = json(&read(dir.path().join("report.json")));
    let text = read(dir.path().join("charts/rto-histogram.svg"));
    let doc = Document::parse(&text).unwrap();
    let (a, b) = x_axis(&doc);
    // Percentile markers are dashed: many short vertical segments at one x each.
    let marker = hex(rtosim::chart::theme::MARKER);
    let xs: BTreeSet<i64> = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some(marker.as_str()))
        .map(|n| polyline_points(&n))
        .filter(|p| p.len() == 2 && p[0].0 == p[1].0)
        .map(|p| p[0].0 as i64)
        .collect();
    for q in ["p50", "p90"] {
        let want = a + b * num(&j, &["rto_seconds", q]) / 3600.0;
        assert!(
            xs.iter().any(|&x| (x as f64 - want).abs() <= 1.5),
            "{q} marker expected at x={want}, dashed lines at {xs:?}"
        );
    }
}

/// The critical chain the Gantt's caption names, first to last.
fn caption_chain(html: &str, chart: &str) -> Vec<String> {
    let start = html.find(&format!("id=\"chart-{chart}\"")).unwrap();
    let caption = &html[start..];
    let caption =
        &caption[caption.find("<figcaption>").unwrap()..caption.find("</figcaption>").unwrap()];
    let chain = caption
        .rsplit("set the RTO: ")
        .next()
        .unwrap()
        .trim_end_matches('.');
    chain.split(" → ").map(str::to_string).collect()
}

#[test]
fn the_gantt_draws_one_bar_per_step_and_outlines_the_critical_chain() {
    let dir = tempfile::tempdir().unwrap();
    report(SMALL, dir.path(), &[]);
    let j = json(&read(dir.path().join("report.json")));
    let html = read(dir.path().join("report.html"));
    let steps = j["steps_needed"].as_u64().unwrap() as usize;
    assert_eq!(steps, 6);
    for chart in ["gantt-p50", "gantt-p90"] {
        let (bars, outlines) = gantt_counts(&read(dir.path().join(format!("charts/{chart}.svg"))));
        // Crews of one and no hands-on: exactly one bar per step the scenario needs.
        assert_eq!(bars, steps, "{chart}");
        let chain = caption_chain(&html, chart);
        assert!(chain.len() >= 2, "{chain:?}");
        assert_eq!(chain.last().map(String::as_str), Some("smoke"));
        assert_eq!(
            outlines,
            chain.len(),
            "{chart}: one outline per critical step"
        );
    }
}

#[test]
fn crews_and_hands_on_add_bars_as_defined() {
    let dir = tempfile::tempdir().unwrap();
    report(CREW, dir.path(), &[]);
    // a: 2 hands-on + 1 unattended; b: 1 hands-on; c: 1 unattended; d: 1 hands-on.
    let (bars, _) = gantt_counts(&read(dir.path().join("charts/gantt-p50.svg")));
    assert_eq!(bars, 6);
    // Without an objective there is no objective line, and none is claimed.
    let text = read(dir.path().join("charts/rto-histogram.svg"));
    assert!(!text.contains(&hex(OBJECTIVE)));
    assert!(read(dir.path().join("report.md")).contains("sets no recovery time objective"));
}

/// Sentences of the summary as the Markdown report gives them.
fn summary_sentences(md: &str) -> Vec<String> {
    md.lines()
        .filter_map(|l| l.strip_prefix("> "))
        .map(|l| {
            l.replace('\\', "")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        })
        .collect()
}

/// Every time span written like "14 h 20 m", "45 m", "1 d 02 h" or "30 s" in `s`, as written.
fn spans(s: &str) -> Vec<String> {
    let words: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == ',' || c == ':')
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let is_num = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_digit());
        let is_unit = |w: &str| matches!(w.trim_end_matches('.'), "s" | "m" | "h" | "d");
        if i + 1 < words.len() && is_num(words[i]) && is_unit(words[i + 1]) {
            let mut span = format!("{} {}", words[i], words[i + 1].trim_end_matches('.'));
            i += 2;
            if i + 1 < words.len() && is_num(words[i]) && is_unit(words[i + 1]) {
                span = format!("{span} {} {}", words[i], words[i + 1].trim_end_matches('.'));
                i += 2;
            }
            out.push(span);
        } else {
            i += 1;
        }
    }
    out
}

/// Seconds from a span as the report writes it, and the rounding it was written with.
fn seconds(span: &str) -> (f64, f64) {
    let compact: String = span.split_whitespace().collect();
    let unit = match span.split_whitespace().last() {
        Some("s") => 1.0,
        Some("m") => 60.0,
        _ => 3600.0,
    };
    (parse_span(&compact).unwrap(), unit / 2.0)
}

#[test]
fn the_summary_says_what_the_json_says() {
    let dir = tempfile::tempdir().unwrap();
    report(SMALL, dir.path(), &[]);
    let printed = simulate_json(SMALL, &[]);
    let written = read(dir.path().join("report.json"));
    // One struct feeds both: the report's JSON is byte for byte what simulate prints.
    assert_eq!(written, printed);
    let j = json(&printed);
    let md = read(dir.path().join("report.md"));
    let s = summary_sentences(&md);
    assert!(s.len() >= 4, "{s:?}");

    // P50 and P90, in that order, written as format_span writes them and within its rounding.
    let first = spans(&s[0]);
    let p50 = num(&j, &["rto_seconds", "p50"]);
    let p90 = num(&j, &["rto_seconds", "p90"]);
    assert_eq!(first[..2], [format_span(p50), format_span(p90)], "{}", s[0]);
    for (text, value) in first.iter().zip([p50, p90]) {
        let (secs, tolerance) = seconds(text);
        assert!((secs - value).abs() <= tolerance, "{text} vs {value}");
    }
    assert_eq!(j["trials"], 2000);
    assert!(s[0].contains("2,000 simulated"), "{}", s[0]);

    // The chance of meeting the objective.
    let met = num(&j, &["target", "probability_met"]);
    let pct: f64 = s[1]
        .split_whitespace()
        .find_map(|w| w.strip_suffix('%')?.parse().ok())
        .unwrap_or_else(|| panic!("no percentage in {}", s[1]));
    assert!((pct - 100.0 * met).abs() <= 0.5, "{} vs {met}", s[1]);
    assert!(s[1].contains(&format_span(num(&j, &["target", "rto_seconds"]))));

    // The driver: the step with the largest cruciality, with its numbers.
    let steps = j["steps"].as_array().unwrap();
    let top = steps
        .iter()
        .max_by(|a, b| {
            a["cruciality"]
                .as_f64()
                .unwrap()
                .abs()
                .total_cmp(&b["cruciality"].as_f64().unwrap().abs())
        })
        .unwrap();
    assert_eq!(
        top["id"], "db-restore",
        "the lognormal restore dominates this plan"
    );
    let driver = &s[2];
    assert!(driver.contains("<script>alert(1)</script>"), "{driver}");
    assert!(
        driver.contains(&format!("{:.2}", top["cruciality"].as_f64().unwrap())),
        "{driver}"
    );
    let crit = (100.0 * top["criticality"].as_f64().unwrap()).round();
    assert!(driver.contains(&format!("{crit:.0}%")), "{driver}");

    // The bottleneck: named only when one more of its groups saves a material time at P90
    // (paired), with that saving; otherwise the sentence says the most any extra group saves.
    let teams = j["teams"].as_array().unwrap();
    let saving = |t: &Value| {
        t["one_more_group"]["p90_seconds"]["value"]
            .as_f64()
            .unwrap()
    };
    let best = teams
        .iter()
        .filter(|t| !t["one_more_group"].is_null())
        .max_by(|a, b| saving(a).total_cmp(&saving(b)))
        .expect("every team of this plan does some step");
    let team = &s[3];
    if best["one_more_group"]["material"] == true {
        assert!(
            team.starts_with(&format!(
                "The {} team is the bottleneck",
                best["name"].as_str().unwrap()
            )),
            "{team}"
        );
    } else {
        assert!(team.starts_with("No team is a bottleneck"), "{team}");
        assert!(
            teams
                .iter()
                .all(|t| t["one_more_group"]["material"] != true)
        );
    }
    assert_eq!(spans(team)[0], format_span(saving(best).max(0.0)), "{team}");

    // The HTML opens with the same sentences.
    let html = read(dir.path().join("report.html"));
    let summary = &html[html.find("id=\"summary\"").unwrap()..];
    let summary = &summary[..summary.find("</section>").unwrap()];
    for sentence in &s {
        let escaped = rtosim::report::html::escape(sentence);
        assert!(summary.contains(&escaped), "HTML summary lacks: {sentence}");
    }
}

#[test]
fn the_html_is_one_self_contained_file() {
    let dir = tempfile::tempdir().unwrap();
    report(SMALL, dir.path(), &[]);
    let html = read(dir.path().join("report.html"));
    // Nothing to fetch: no links, sources, imports or fonts, and every chart inline.
    for needle in [
        "<link",
        "src=\"",
        "href=\"",
        "url(",
        "@import",
        "@font-face",
        "<script",
        "<iframe",
        "<object",
    ] {
        assert!(!html.contains(needle), "the HTML contains {needle}");
    }
    let urls: Vec<&str> = html
        .match_indices("http")
        .map(|(i, _)| &html[i..(i + 40).min(html.len())])
        .filter(|u| !u.starts_with("http://www.w3.org/2000/svg"))
        .collect();
    assert!(urls.is_empty(), "{urls:?}");
    assert_eq!(html.matches("<svg ").count(), 7);
    assert!(html.contains("@media print"));
}

#[test]
fn plan_strings_show_as_text_never_as_markup() {
    let dir = tempfile::tempdir().unwrap();
    report(SMALL, dir.path(), &[]);
    let html = read(dir.path().join("report.html"));
    let lower = html.to_lowercase();
    assert!(!lower.contains("<script"), "a script element in the HTML");
    assert!(!lower.contains("<img"), "an img element in the HTML");
    assert!(!lower.contains("<b>"), "a b element in the HTML");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&lt;img src=x onerror=alert(2)&gt;"));
    assert!(html.contains("Small &lt;b&gt;plan&lt;/b&gt; &amp; friends"));

    let md = read(dir.path().join("report.md"));
    assert!(!md.to_lowercase().contains("<script"));
    assert!(md.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));

    // Every SVG is well-formed XML whose elements are drawing elements only, and the step's
    // name appears in the tornado as a text node, character for character.
    let mut seen = false;
    for entry in std::fs::read_dir(dir.path().join("charts")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "svg") {
            let text = read(&path);
            let doc = Document::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            for n in doc.descendants().filter(Node::is_element) {
                let tag = n.tag_name().name();
                assert!(
                    matches!(
                        tag,
                        "svg" | "rect" | "line" | "polyline" | "polygon" | "circle" | "text"
                    ),
                    "{}: unexpected <{tag}>",
                    path.display()
                );
            }
            seen |= doc.descendants().any(|n| {
                n.is_text() && n.text().map(str::trim) == Some("<script>alert(1)</script>")
            });
        }
    }
    assert!(seen, "the step's name is not shown as text in any chart");
}

/// Every file under `dir`, relative to it.
fn files_under(dir: &Path) -> BTreeSet<PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeSet<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.insert(path.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, dir, &mut out);
    out
}

#[test]
fn an_existing_directory_is_reused_and_nothing_else_is_touched() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("charts")).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    std::fs::write(out.join("charts/old.svg"), "<svg/>").unwrap();
    std::fs::write(out.join("report.html"), "stale").unwrap();
    report(SMALL, &out, &[]);

    let mut expected: BTreeSet<PathBuf> = [
        "report.html",
        "report.md",
        "report.json",
        "notes.txt",
        "charts/old.svg",
    ]
    .into_iter()
    .map(PathBuf::from)
    .collect();
    for chart in [
        "rto-histogram",
        "rto-s-curve",
        "drivers",
        "gantt-p50",
        "gantt-p90",
        "team-load-p50",
        "team-load-p90",
    ] {
        expected.insert(PathBuf::from(format!("charts/{chart}.svg")));
        expected.insert(PathBuf::from(format!("charts/{chart}.png")));
    }
    // No temporary file is left behind, and nothing is missing.
    assert_eq!(files_under(&out), expected);
    assert_eq!(read(out.join("notes.txt")), "mine");
    assert_eq!(read(out.join("charts/old.svg")), "<svg/>");
    let html = read(out.join("report.html"));
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));

    // The same plan and seed write the same bytes again, at any thread count.
    let again = dir.path().join("again");
    report(SMALL, &again, &["--threads", "1"]);
    for f in &expected {
        if f.starts_with("charts/old.svg") || f == Path::new("notes.txt") {
            continue;
        }
        let (a, b) = (
            std::fs::read(out.join(f)).unwrap(),
            std::fs::read(again.join(f)).unwrap(),
        );
        if f == Path::new("report.html") || f == Path::new("report.md") {
            // The reproduce command names the output directory.
            let (a, b) = (String::from_utf8(a).unwrap(), String::from_utf8(b).unwrap());
            let out_s = out.display().to_string();
            let again_s = again.display().to_string();
            assert_eq!(
                a.replace(&out_s, "OUT"),
                b.replace(&again_s, "OUT"),
                "{}",
                f.display()
            );
        } else {
            assert!(a == b, "{} differs between runs", f.display());
        }
    }
}

#[test]
fn an_unwritable_output_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "x").unwrap();
    let out = Command::cargo_bin("rtosim")
        .unwrap()
        .args(["report", SMALL, "-o"])
        .arg(&blocker)
        .args(["--trials", "200"])
        .output()
        .unwrap();
    // An output path that cannot be a directory is the user's input to fix: exit code 2.
    assert_eq!(out.status.code(), Some(rtosim::exit::INVALID_INPUT));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("error: cannot create directory"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(read(&blocker), "x");
}

#[test]
fn an_unknown_scenario_is_invalid_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("rtosim")
        .unwrap()
        .args(["report", SMALL, "-o"])
        .arg(dir.path())
        .args(["--scenario", "nope", "--trials", "100"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(rtosim::exit::INVALID_INPUT));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown scenario \"nope\""), "{err}");
    assert!(
        files_under(dir.path()).is_empty(),
        "nothing written on bad input"
    );
}

#[test]
fn the_report_has_a_risk_table_and_the_recovery_point() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    report("scenarios/aws-account-rebuild.toml", &out, &[]);
    for file in ["report.html", "report.md"] {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        assert!(text.contains("Risks"), "{file}");
        assert!(text.contains("corrupt-backup"), "{file}");
        assert!(text.to_lowercase().contains("data loss"), "{file}");
        assert!(text.contains("Recovery point:"), "{file}");
    }
}
