//! Import at scale: generators of large `terraform graph`, `terragrunt dag graph` and Terragrunt
//! run-report files, a quick check that their small versions import, and an ignored benchmark
//! that measures the peak memory of importing the large ones.
//!
//! The benchmark (not a timed test; it writes about 1.3 GB of files to a temporary directory):
//!
//! ```text
//! cargo test --release --test import_scale -- --ignored --nocapture
//! ```
//!
//! It runs the release binary under `/usr/bin/time -v` and prints each import's peak resident
//! set against its file size; the target is under 3x. `RTOSIM_SCALE_DOT_MB` (default 100) and
//! `RTOSIM_SCALE_REPORT_MB` (default 500) set the sizes.

#![expect(clippy::print_stdout, reason = "a benchmark that reports its figures")]

mod common;

use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::Command;

use common::{rtosim, stderr, stdout};

/// A small deterministic generator (64-bit LCG), so the files are the same on every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

/// A `terraform graph` of a root module with modules of 40 resources each: every resource
/// depends on up to three earlier resources of its module and on the provider, the first of
/// each module on a resource of the module before, each module has variables and outputs.
fn terraform_dot(path: &Path, bytes: u64) -> std::io::Result<()> {
    let mut w = CountingWriter::new(path)?;
    let provider = "[root] provider[\\\"registry.terraform.io/hashicorp/aws\\\"]";
    writeln!(
        w,
        "digraph {{\n\tcompound = \"true\"\n\tnewrank = \"true\"\n\tsubgraph \"root\" {{"
    )?;
    writeln!(
        w,
        "\t\t\"{provider}\" [label = \"provider[\\\"registry.terraform.io/hashicorp/aws\\\"]\", shape = \"diamond\"]"
    )?;
    let mut rng = Lcg(1);
    let types = [
        "aws_instance",
        "aws_security_group",
        "aws_subnet",
        "aws_iam_role",
    ];
    let mut module = 0u64;
    while w.written < bytes {
        let m = format!("module.m{module}");
        writeln!(
            w,
            "\t\t\"[root] {m}.var.region\" [label = \"{m}.var.region\", shape = \"note\"]"
        )?;
        for r in 0..40u64 {
            let ty = types[(r % 4) as usize];
            let node = format!("[root] {m}.{ty}.r{r} (expand)");
            writeln!(
                w,
                "\t\t\"{node}\" [label = \"{m}.{ty}.r{r}\", shape = \"box\"]"
            )?;
            writeln!(w, "\t\t\"{node}\" -> \"{provider}\"")?;
            writeln!(w, "\t\t\"{node}\" -> \"[root] {m}.var.region\"")?;
            if r == 0 && module > 0 {
                writeln!(
                    w,
                    "\t\t\"{node}\" -> \"[root] module.m{}.aws_instance.r{} (expand)\"",
                    module - 1,
                    4 * rng.below(10)
                )?;
            }
            for _ in 0..r.min(3) {
                let d = rng.below(r);
                writeln!(
                    w,
                    "\t\t\"{node}\" -> \"[root] {m}.{}.r{d} (expand)\"",
                    types[(d % 4) as usize]
                )?;
            }
        }
        writeln!(
            w,
            "\t\t\"[root] {m}.output.ids (expand)\" -> \"[root] {m}.aws_instance.r36 (expand)\""
        )?;
        module += 1;
    }
    writeln!(w, "\t}}\n}}")?;
    w.finish()
}

/// A `terragrunt dag graph` of units under absolute paths, in regions of 200 units: every unit
/// depends on up to three earlier units of its region, the first ones on the shared network.
fn terragrunt_dot(path: &Path, bytes: u64) -> std::io::Result<()> {
    let mut w = CountingWriter::new(path)?;
    writeln!(w, "INFO   Discovering units in /srv/infra/live\ndigraph {{")?;
    writeln!(w, "\t\"/srv/infra/live/network/vpc\" ;")?;
    let mut rng = Lcg(2);
    let mut unit = 0u64;
    while w.written < bytes {
        let region = unit / 200;
        let name = format!("/srv/infra/live/region-{region}/unit-{unit}");
        writeln!(w, "\t\"{name}\" ;")?;
        let first = region * 200;
        if unit == first {
            writeln!(w, "\t\"{name}\" -> \"/srv/infra/live/network/vpc\";")?;
        }
        for _ in 0..(unit - first).min(3) {
            let d = first + rng.below(unit - first);
            writeln!(
                w,
                "\t\"{name}\" -> \"/srv/infra/live/region-{region}/unit-{d}\";"
            )?;
        }
        unit += 1;
    }
    writeln!(w, "}}")?;
    w.finish()
}

/// A Terragrunt run report (`--report-file`), JSON as Terragrunt writes it (indented, fractional
/// seconds) or CSV (whole seconds), with a failed unit, an early exit, an exclusion and a retry
/// in every hundred.
fn terragrunt_report(path: &Path, bytes: u64, json: bool) -> std::io::Result<()> {
    let mut w = CountingWriter::new(path)?;
    if json {
        writeln!(w, "[")?;
    } else {
        writeln!(w, "Name,Started,Ended,Result,Reason,Cause")?;
    }
    let mut rng = Lcg(3);
    let t0: jiff::Timestamp = "2025-06-21T09:00:00Z".parse().expect("a timestamp");
    let mut unit = 0u64;
    while w.written < bytes {
        let start = t0
            .checked_add(jiff::SignedDuration::from_millis(
                (rng.below(36_000_000)) as i64,
            ))
            .expect("in range");
        let end = start
            .checked_add(jiff::SignedDuration::from_millis(
                (rng.below(1_800_000)) as i64,
            ))
            .expect("in range");
        let (result, reason) = match unit % 100 {
            7 => ("failed", "run error"),
            8 => ("early exit", "run error"),
            9 => ("excluded", "exclude block"),
            10 => ("succeeded", "retry succeeded"),
            _ => ("succeeded", ""),
        };
        let name = format!("prod/region-{}/unit-{unit}", unit / 200);
        if json {
            let sep = if unit == 0 { "" } else { ",\n" };
            write!(
                w,
                "{sep}  {{\n    \"name\": \"{name}\",\n    \"started\": \"{start}\",\n    \"ended\": \"{end}\",\n    \"result\": \"{result}\""
            )?;
            if !reason.is_empty() {
                write!(w, ",\n    \"reason\": \"{reason}\"")?;
            }
            write!(w, "\n  }}")?;
        } else {
            let whole =
                |t: jiff::Timestamp| jiff::Timestamp::from_second(t.as_second()).expect("in range");
            writeln!(
                w,
                "{name},{},{},{result},{reason},",
                whole(start),
                whole(end)
            )?;
        }
        unit += 1;
    }
    if json {
        writeln!(w, "\n]")?;
    }
    w.finish()
}

/// A buffered file writer that counts what it wrote.
struct CountingWriter {
    inner: BufWriter<std::fs::File>,
    written: u64,
}

impl CountingWriter {
    fn new(path: &Path) -> std::io::Result<CountingWriter> {
        Ok(CountingWriter {
            inner: BufWriter::new(std::fs::File::create(path)?),
            written: 0,
        })
    }

    fn finish(mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl Write for CountingWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[test]
fn small_generated_files_import() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name);
    terraform_dot(&p("tf.dot"), 200_000).unwrap();
    terragrunt_dot(&p("tg.dot"), 200_000).unwrap();
    terragrunt_report(&p("r.json"), 200_000, true).unwrap();
    terragrunt_report(&p("r.csv"), 200_000, false).unwrap();
    for (kind, file) in [
        ("graph", "tf.dot"),
        ("graph", "tg.dot"),
        ("terragrunt", "r.json"),
        ("terragrunt", "r.csv"),
    ] {
        let path = p(file);
        let out = rtosim(&["import", kind, path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{file}: {}", stderr(&out));
        let text = stdout(&out);
        let lines = text.lines().count();
        assert!(lines > 500, "{file}: {lines} lines");
    }
}

/// Peak resident set in KiB of running the release binary with `args`, from `/usr/bin/time -v`.
fn peak_kib(args: &[&str]) -> Option<(u64, f64)> {
    let bin = env!("CARGO_BIN_EXE_rtosim");
    let start = std::time::Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(bin)
        .args(args)
        .stdout(std::process::Stdio::null())
        .output()
        .ok()?;
    let seconds = start.elapsed().as_secs_f64();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?}: {err}");
    let line = err
        .lines()
        .find(|l| l.contains("Maximum resident set size"))?;
    Some((line.rsplit(':').next()?.trim().parse().ok()?, seconds))
}

#[test]
#[ignore = "a benchmark: writes about 1.3 GB of files; run with --release --ignored --nocapture"]
fn large_imports_stay_under_three_times_the_file_size() {
    let mb = |var: &str, default: u64| {
        std::env::var(var)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (dot_mb, report_mb) = (
        mb("RTOSIM_SCALE_DOT_MB", 100),
        mb("RTOSIM_SCALE_REPORT_MB", 500),
    );
    let dir = tempfile::tempdir().unwrap();
    type Generator = fn(&Path, u64) -> std::io::Result<()>;
    let cases: [(&str, &str, u64, Generator); 4] = [
        ("graph", "terraform.dot", dot_mb, terraform_dot),
        ("graph", "terragrunt.dot", dot_mb, terragrunt_dot),
        ("terragrunt", "report.json", report_mb, |p, b| {
            terragrunt_report(p, b, true)
        }),
        ("terragrunt", "report.csv", report_mb, |p, b| {
            terragrunt_report(p, b, false)
        }),
    ];
    let mut failures = Vec::new();
    for (kind, name, size_mb, generate) in cases {
        let path = dir.path().join(name);
        generate(&path, size_mb << 20).unwrap();
        let bytes = std::fs::metadata(&path).unwrap().len();
        let out = dir.path().join("out");
        let Some((kib, seconds)) = peak_kib(&[
            "import",
            kind,
            path.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]) else {
            println!("/usr/bin/time -v is not available; nothing measured");
            return;
        };
        let ratio = (kib * 1024) as f64 / bytes as f64;
        println!(
            "import {kind} {name}: {:.0} MB file, peak {:.0} MB ({ratio:.2}x), {seconds:.1} s",
            bytes as f64 / 1e6,
            (kib * 1024) as f64 / 1e6
        );
        if ratio >= 3.0 {
            failures.push(format!("{name}: {ratio:.2}x"));
        }
        std::fs::remove_file(&path).unwrap();
        let _ = std::fs::remove_file(&out);
    }
    assert!(failures.is_empty(), "over 3x the file size: {failures:?}");
}
