//! `rtosim track`: read the logs of a recovery in progress, forecast, print; with `--follow`,
//! again whenever the logs change.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::Result;
use jiff::Timestamp;

use super::{InputError, emit, load, run_options};
use crate::cli::TrackArgs;
use rtosim::analysis::resolve_scenario;
use rtosim::exit;
use rtosim::import::{ImportError, drill_csv, parse_timestamp, terraform, terragrunt};
use rtosim::output::Outputs;
use rtosim::plan::{Plan, Starts};
use rtosim::track::{self, Forecasted, LogFile};

/// How often `--follow` looks at the logs.
const POLL: Duration = Duration::from_millis(200);

/// Runs `track`.
#[expect(
    clippy::print_stderr,
    reason = "warnings and follow-mode errors are diagnostics"
)]
pub(super) fn run(args: &TrackArgs) -> Result<i32> {
    if args.run.starts.is_some() {
        return Err(InputError(
            "--starts does not apply to track (hint: the recovery started at --started, or at the first event of the logs)".to_string(),
        )
        .into());
    }
    let loaded = load(&args.plan)?;
    let started = timestamp_option("--started", args.started.as_deref())?;
    let now = match args.now.as_deref() {
        Some("last") => Now::LastEvent,
        Some(t) => Now::At(timestamp_option("--now", Some(t))?.expect("given")),
        None => Now::Clock,
    };
    let inputs: Vec<PathBuf> = std::iter::once(args.plan.clone())
        .chain(args.log.iter().cloned())
        .collect();
    let outputs = Outputs::new(&inputs).stdout_carries("the forecast");
    let mut previous: Option<Forecasted> = None;
    let mut seen = stamps(&args.log);
    let terminal = std::io::stdout().is_terminal();
    loop {
        match once(args, &loaded.plan, started, now, previous.as_ref()) {
            Ok((forecasted, finished)) => {
                if let Some(path) = &args.html {
                    let page = track::render_html(&forecasted.forecast, args.follow && !finished);
                    outputs.write_file(path, page.as_bytes())?;
                }
                let f = &forecasted.forecast;
                let text = match (args.format.is_json(), args.follow) {
                    (true, true) => track::render_json_line(f)?,
                    (true, false) => track::render_json(f)?,
                    (false, _) => track::render_text(f),
                };
                if args.follow && terminal && !args.format.is_json() {
                    // Redraw: clear the screen and go home.
                    emit(&format!("\x1b[2J\x1b[H{text}"))?;
                } else if args.follow && !args.format.is_json() && previous.is_some() {
                    emit(&format!("\n{text}"))?;
                } else {
                    emit(&text)?;
                }
                previous = Some(forecasted);
                if !args.follow || finished {
                    return Ok(exit::OK);
                }
            }
            Err(e) if args.follow => eprintln!("error: {e:#}"),
            Err(e) => return Err(e),
        }
        // Wait for a change of any log (its size or modification time).
        loop {
            std::thread::sleep(POLL);
            let now_stamps = stamps(&args.log);
            if now_stamps != seen {
                seen = now_stamps;
                break;
            }
        }
    }
}

/// When the forecast is made.
#[derive(Debug, Clone, Copy)]
enum Now {
    Clock,
    LastEvent,
    At(Timestamp),
}

/// Reads the logs and forecasts once; returns the forecast and whether the recovery finished.
#[expect(clippy::print_stderr, reason = "warnings about the logs")]
fn once(
    args: &TrackArgs,
    plan: &Plan,
    started: Option<Timestamp>,
    now: Now,
    previous: Option<&Forecasted>,
) -> Result<(Forecasted, bool)> {
    let logs = read_logs(&args.log)?;
    let scenario = resolve_scenario(plan, args.run.scenario.as_deref())
        .map_err(|e| InputError(e.to_string()))?;
    let given_now = match now {
        Now::At(t) => Some(t),
        _ => None,
    };
    let facts = track::facts(plan, &scenario, &logs, started, given_now).map_err(|errors| {
        InputError(
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\nerror: "),
        )
    })?;
    for w in &facts.warnings {
        eprintln!("warning: {w}");
    }
    let at = match now {
        Now::At(t) => t,
        Now::LastEvent => facts.last_event,
        Now::Clock if facts.finished => facts.last_event,
        Now::Clock => Timestamp::now().max(facts.last_event),
    };
    // Working hours and shifts count from the start of the recovery (read in UTC).
    let mut plan = plan.clone();
    if plan.starts.is_some() || plan.teams.iter().any(|t| t.hours.is_some()) {
        plan.starts = Some(Starts::At {
            second: week_second(facts.started),
        });
        plan.scenarios.iter_mut().for_each(|s| s.starts = None);
    }
    let options = run_options(&args.run, &plan);
    let forecasted = track::forecast(
        &plan,
        &scenario,
        options.policy,
        &options.config,
        &facts,
        at,
        previous,
    )?;
    Ok((forecasted, facts.finished))
}

/// The second of the week (from Monday 00:00 UTC) of `t`: 1970-01-01 was a Thursday, three
/// days after a Monday.
fn week_second(t: Timestamp) -> f64 {
    const WEEK: i64 = 7 * 86_400;
    (t.as_second() + 3 * 86_400).rem_euclid(WEEK) as f64
}

fn timestamp_option(option: &str, text: Option<&str>) -> Result<Option<Timestamp>> {
    text.map(|t| {
        parse_timestamp(t).map_err(|m| {
            InputError(format!(
                "{option} \"{t}\": {m} (hint: {})",
                rtosim::import::TIMESTAMP_HINT
            ))
            .into()
        })
    })
    .transpose()
}

/// Reads every log, each by its kind; every bad line of every file is reported at once.
#[expect(clippy::print_stderr, reason = "warnings about the logs")]
fn read_logs(paths: &[PathBuf]) -> Result<Vec<LogFile>> {
    let mut logs = Vec::new();
    let mut errors: Vec<String> = Vec::new();
    for path in paths {
        let name = path.display().to_string();
        let text = rtosim::input::read_text(path, rtosim::input::LOG_LIMIT)
            .map_err(|e| InputError(e.to_string()))?;
        let read = match kind(&text) {
            Kind::Terraform => {
                let step = path
                    .file_stem()
                    .map_or(String::new(), |s| s.to_string_lossy().into_owned());
                terraform::parse(&text, &name, &step, None)
                    .map(|log| {
                        for w in &log.warnings {
                            eprintln!("warning: {w}");
                        }
                        LogFile {
                            name: name.clone(),
                            attempts: log.applies.into_iter().map(|a| a.observation).collect(),
                            running: Vec::new(),
                        }
                    })
                    .map_err(|e: ImportError| e.to_string())
            }
            Kind::Terragrunt => terragrunt::parse(&text, &name, None)
                .map(|imported| {
                    for w in &imported.warnings {
                        eprintln!("warning: {w}");
                    }
                    LogFile {
                        name: name.clone(),
                        attempts: imported.observations,
                        running: Vec::new(),
                    }
                })
                .map_err(|e| e.to_string()),
            Kind::Scribe => drill_csv::parse_live(&text, &name)
                .map(|imported| {
                    for w in &imported.warnings {
                        eprintln!("warning: {w}");
                    }
                    LogFile {
                        name: name.clone(),
                        attempts: imported.observations,
                        running: imported.running,
                    }
                })
                .map_err(|bad| bad.render("")),
        };
        match read {
            Ok(log) => logs.push(log),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(InputError(errors.join("\nerror: ")).into());
    }
    Ok(logs)
}

enum Kind {
    Scribe,
    Terraform,
    Terragrunt,
}

/// What a log is, from its first lines: JSON lines with `@level` are Terraform's (after the
/// plain lines Terraform may print first), a JSON array or a `Name,Started,...` header
/// Terragrunt's report, anything else the scribe's CSV.
fn kind(text: &str) -> Kind {
    let head = text.trim_start();
    let first_line = head.lines().next().unwrap_or("");
    let terraform = head
        .lines()
        .take(5)
        .any(|l| l.trim_start().starts_with('{') && l.contains("\"@level\""));
    if terraform {
        Kind::Terraform
    } else if head.starts_with('[')
        || first_line
            .to_ascii_lowercase()
            .replace(' ', "")
            .starts_with("name,started,ended,result")
    {
        Kind::Terragrunt
    } else {
        Kind::Scribe
    }
}

/// The size and modification time of each log, to see when one changes.
fn stamps(paths: &[PathBuf]) -> Vec<Option<(u64, SystemTime)>> {
    paths.iter().map(|p| stamp(p)).collect()
}

fn stamp(path: &Path) -> Option<(u64, SystemTime)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()?))
}
