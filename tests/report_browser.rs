//! The HTML report in a real browser: Debian's chromium, headless, offline.
//!
//! The report is opened as a reader would open it (no console errors, nothing fetched), then
//! screenshotted at full height; every chart's region of the screenshot must hold a drawing.
//! Where the charts are on the page comes from a probe: a copy of the report with a script
//! appended that records each `<svg>`'s box in the DOM, read back with `--dump-dom`. The report
//! itself has no script.
//!
//! Without chromium the test is skipped with a message, unless `CI` is set: then it fails, so
//! CI cannot pass without running it (`.ci/run` installs chromium).

#![allow(
    clippy::print_stderr,
    reason = "the skip message is for the person running the tests"
)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

/// Longest a chromium run may take before the test gives up on it.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(90);
const WIDTH: u32 = 1400;

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("RTOSIM_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// Runs chromium headless and offline with `args`; returns (stdout, stderr). Output goes to
/// files, not pipes: chromium's log can outgrow a pipe's buffer and stall it.
fn run_browser(browser: &Path, profile: &Path, args: &[String]) -> (String, String) {
    let out_path = profile.join("stdout.txt");
    let err_path = profile.join("stderr.txt");
    let mut child = Process::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!(
            "--user-data-dir={}",
            profile.join("profile").display()
        ))
        .args(args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", browser.display()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > BROWSER_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "chromium did not finish within {BROWSER_TIMEOUT:?}: {}",
                std::fs::read_to_string(&err_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let stdout = std::fs::read_to_string(&out_path).unwrap_or_default();
    let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
    assert!(status.success(), "chromium failed: {stderr}");
    (stdout, stderr)
}

/// Console messages and uncaught errors in chromium's log.
fn console_errors(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| l.contains("CONSOLE") || l.contains("Uncaught"))
        .collect()
}

fn file_url(p: &Path) -> String {
    format!("file://{}", p.display())
}

#[test]
fn the_html_report_renders_in_a_headless_browser() {
    let Some(browser) = chromium() else {
        if std::env::var_os("CI").is_some() {
            panic!(
                "CI is set but chromium is not installed: install it (apt-get install -y chromium) so the browser test runs"
            );
        }
        eprintln!(
            "SKIPPED the_html_report_renders_in_a_headless_browser: chromium is not installed (apt-get install -y chromium); it runs whenever CI is set"
        );
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bundled = root.join("scenarios/aws-account-rebuild.toml");
    let plan = if bundled.is_file() {
        bundled
    } else {
        root.join("tests/fixtures/report/small.toml")
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    Command::cargo_bin("rtosim")
        .unwrap()
        .arg("report")
        .arg(&plan)
        .arg("-o")
        .arg(&out)
        .args(["--trials", "2000"])
        .assert()
        .success();
    let html_path = out.join("report.html");
    let html = support::read(&html_path);
    let charts = html.matches("<figure id=\"chart-").count();
    assert!(charts >= 5, "only {charts} charts in the report");

    // Where the charts are: a probe copy records every svg's box.
    let probe_js = r#"<script>document.body.setAttribute("data-probe", JSON.stringify({
        height: document.documentElement.scrollHeight,
        svgs: Array.from(document.querySelectorAll("svg")).map(s => {
            const r = s.getBoundingClientRect();
            return [r.left + window.scrollX, r.top + window.scrollY, r.width, r.height];
        })}));</script></body>"#;
    let probe = out.join("probe.html");
    std::fs::write(&probe, html.replacen("</body>", probe_js, 1)).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let (dom, _) = run_browser(
        &browser,
        profile.path(),
        &[
            format!("--window-size={WIDTH},1000"),
            "--dump-dom".into(),
            file_url(&probe),
        ],
    );
    let start = dom.find("data-probe=\"").expect("the probe ran") + "data-probe=\"".len();
    let raw = &dom[start..start + dom[start..].find('"').unwrap()];
    let probe: Value = serde_json::from_str(&raw.replace("&quot;", "\"")).unwrap();
    let height = probe["height"].as_f64().unwrap().ceil() as u32;
    let boxes: Vec<[f64; 4]> = probe["svgs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            let v: Vec<f64> = b
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect();
            [v[0], v[1], v[2], v[3]]
        })
        .collect();
    assert_eq!(boxes.len(), charts, "every chart is an inline svg");
    for b in &boxes {
        assert!(
            b[2] > 600.0 && b[3] > 200.0,
            "a chart is laid out too small: {b:?}"
        );
    }

    // The report as a reader opens it: no console output, every chart drawn on screen.
    let shot = dir.path().join("report.png");
    let height = height.min(16_000);
    let profile = tempfile::tempdir().unwrap();
    let (_, log) = run_browser(
        &browser,
        profile.path(),
        &[
            format!("--window-size={WIDTH},{height}"),
            format!("--screenshot={}", shot.display()),
            file_url(&html_path),
        ],
    );
    let errors = console_errors(&log);
    assert!(errors.is_empty(), "console output: {errors:#?}");

    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let (w, h) = (info.width as usize, info.height as usize);
    let pixel = |x: usize, y: usize| &buf[(y * w + x) * channels..(y * w + x) * channels + 3];
    for (i, b) in boxes.iter().enumerate() {
        let (x0, y0) = (b[0].max(0.0) as usize, b[1].max(0.0) as usize);
        let (x1, y1) = (
            ((b[0] + b[2]) as usize).min(w),
            ((b[1] + b[3]) as usize).min(h),
        );
        assert!(
            y1 > y0 + 100,
            "chart {i} is outside the screenshot ({b:?}, {w}x{h})"
        );
        let mut inked = 0usize;
        let mut colours = std::collections::BTreeSet::new();
        for y in (y0..y1).step_by(2) {
            for x in (x0..x1).step_by(2) {
                let p = pixel(x, y);
                if p.iter().any(|&c| c < 200) {
                    inked += 1;
                }
                colours.insert([p[0] >> 4, p[1] >> 4, p[2] >> 4]);
            }
        }
        let share = inked as f64 / (((x1 - x0) / 2) * ((y1 - y0) / 2)) as f64;
        assert!(
            share > 0.02,
            "chart {i} looks blank in the screenshot ({share:.4} inked)"
        );
        assert!(
            colours.len() > 8,
            "chart {i} has only {} colours on screen",
            colours.len()
        );
    }
}
