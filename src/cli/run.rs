//! The `run` command: run scenario files end to end and report.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::report;
use crate::scenario::outcome::{ScenarioOutcome, Status};
use crate::scenario::parties::BridgeOverride;
use crate::scenario::suite::{self, SuiteOptions};
use crate::scenario::{transcript, RunOptions};

use super::exit;

/// Arguments of `run`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  rsa-verify-sim run                            # every scenario under scenarios/\n  rsa-verify-sim run scenarios/guide -v         # one folder, with transcripts\n  rsa-verify-sim run --tag smoke --filter plus\n  rsa-verify-sim run --junit report.xml --partition 1/3   # a CI matrix slice"
)]
pub struct Args {
    /// Scenario files or folders (searched for *.toml).
    #[arg(default_value = "scenarios")]
    pub paths: Vec<PathBuf>,
    /// Only scenarios whose name or path contains this text.
    #[arg(long)]
    pub filter: Option<String>,
    /// Only scenarios with this tag (repeatable).
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// Scenarios run at once (default: number of cores).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// Run only the K-th of N slices of the suite (e.g. 2/4), for a CI matrix.
    #[arg(long)]
    pub partition: Option<String>,
    /// Stop a scenario after this many seconds.
    #[arg(long, default_value_t = 60)]
    pub timeout: u64,
    /// After the first scenario that does not pass, run no more.
    #[arg(long)]
    pub fail_fast: bool,
    /// Bridge for scenarios that do not name one: `bundled`, `function=PATH.js` (a Twilio
    /// Function run under twilio-run) or `command='PROGRAM ARGS'` (`{port}` is replaced).
    #[arg(long)]
    pub bridge: Option<String>,
    /// Print the transcript of passing scenarios too.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Write a JUnit XML report (one test case per scenario) for CI test reporters.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Write a JSON report (schema in docs/report-schema.md).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write a self-contained HTML page with a sequence diagram per scenario.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

/// Runs `run`.
pub fn run(args: Args) -> ExitCode {
    let runtime = match super::runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let bridge_override = match args
        .bridge
        .as_deref()
        .map(BridgeOverride::parse)
        .transpose()
    {
        Ok(b) => b,
        Err(e) => return unusable(&e),
    };
    let partition = match args
        .partition
        .as_deref()
        .map(suite::parse_partition)
        .transpose()
    {
        Ok(p) => p,
        Err(e) => return unusable(&e),
    };
    let (cancel_tx, cancel_rx) = tokio::sync::watch::channel(false);
    let mut options = SuiteOptions {
        filter: args.filter.clone(),
        tags: args.tags.clone(),
        partition,
        fail_fast: args.fail_fast,
        cancel: Some(cancel_rx),
        progress: progress_line(),
        run: RunOptions {
            scenario_timeout: Duration::from_secs(args.timeout.max(1)),
            bridge_override,
        },
        ..SuiteOptions::default()
    };
    if let Some(jobs) = args.jobs {
        options.jobs = jobs.max(1);
    }
    let started = Instant::now();
    let interrupted = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let outcomes = runtime.block_on(async {
        let flag = interrupted.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                flag.store(true, std::sync::atomic::Ordering::SeqCst);
                let _ = cancel_tx.send(true);
            }
        });
        suite::run_paths(&args.paths, &options).await
    });
    // A Response Format still scanning a huge body after its scenario timed out must not hold the
    // process open: everything that matters has been collected.
    runtime.shutdown_background();
    if options.progress.is_some() {
        eprint!("\r\x1b[2K");
    }
    let outcomes = match outcomes {
        Ok(o) => o,
        Err(e) => return unusable(&e.to_string()),
    };
    print!("{}", report(&outcomes, args.verbose, colour()));
    // Reports are written even for an interrupted run, so CI keeps what did finish.
    let reports_ok = write_reports(&args, &outcomes);
    let c = suite::counts(&outcomes);
    println!(
        "\nscenarios: {} passed, {} failed{}",
        c.passed,
        c.failed + c.errors,
        if c.skipped > 0 {
            format!(", {} skipped", c.skipped)
        } else {
            String::new()
        }
    );
    println!(
        "({} did not meet expectations, {} could not run; {:.2} s)",
        c.failed,
        c.errors,
        started.elapsed().as_secs_f64()
    );
    if interrupted.load(std::sync::atomic::Ordering::SeqCst) {
        eprintln!("interrupted: scenarios that had not finished are reported as not run");
        return exit::code(exit::INTERRUPTED);
    }
    if outcomes.is_empty() {
        if let Some(slice) = &args.partition {
            // A CI matrix with more slices than files has empty slices; that is not an error.
            println!("partition {slice}: this slice holds no scenario");
            return exit::code(exit::SUCCESS);
        }
        let paths: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
        let mut why = format!("no scenario file found in {}", paths.join(", "));
        if let Some(f) = &args.filter {
            why = format!("no scenario in {} matches --filter {f:?}", paths.join(", "));
        }
        if !args.tags.is_empty() {
            why.push_str(&format!(" with tag {}", args.tags.join(" or ")));
        }
        return unusable(&why);
    }
    if c.failed > 0 {
        exit::code(exit::FAILED)
    } else if c.errors > 0 || !reports_ok {
        exit::code(exit::UNUSABLE_INPUT)
    } else {
        exit::code(exit::SUCCESS)
    }
}

/// Renders one report format.
type Renderer = fn(&[ScenarioOutcome]) -> Result<String, report::ReportError>;

/// Writes the report files asked for; false when one could not be written (already said why).
fn write_reports(args: &Args, outcomes: &[ScenarioOutcome]) -> bool {
    let mut ok = true;
    let formats: [(&Option<PathBuf>, Renderer); 3] = [
        (&args.junit, |o| report::junit(o, "rsa-verify-sim")),
        (&args.json, report::json),
        (&args.html, report::html),
    ];
    for (path, render) in formats {
        let Some(path) = path else { continue };
        match render(outcomes).and_then(|text| report::write_atomically(path, &text)) {
            Ok(()) => eprintln!("wrote {}", path.display()),
            Err(e) => {
                eprintln!("error: {e}");
                ok = false;
            }
        }
    }
    ok
}

fn unusable(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    exit::code(exit::UNUSABLE_INPUT)
}

/// Colour on terminals, unless NO_COLOR is set (https://no-color.org).
fn colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// A one-line progress counter on a terminal's stderr; nothing when not a terminal (CI logs).
fn progress_line() -> Option<Arc<dyn Fn(usize, usize) + Send + Sync>> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    Some(Arc::new(|done, total| {
        eprint!("\r\x1b[2K{done}/{total} scenarios finished");
    }))
}

/// The human report: one line per scenario, with the transcript and reasons of failures.
pub fn report(outcomes: &[ScenarioOutcome], verbose: bool, colour: bool) -> String {
    let mut out = String::new();
    for o in outcomes {
        let (label, code) = match o.status {
            Status::Passed => ("PASS ", "32"),
            Status::Failed => ("FAIL ", "31"),
            Status::Error => ("ERROR", "33"),
            Status::Skipped => ("SKIP ", "90"),
        };
        let label = if colour {
            format!("\x1b[1;{code}m{label}\x1b[0m")
        } else {
            label.to_string()
        };
        out.push_str(&format!(
            "{label} {}  {}  ({} ms)\n",
            o.file.display(),
            o.redactor.redact(&o.name),
            o.duration.as_millis()
        ));
        if let Some(e) = &o.error {
            out.push_str(&format!("      {}\n", o.redactor.redact(e)));
        }
        if o.status == Status::Failed || verbose {
            for line in transcript::scenario(o).lines() {
                out.push_str(&format!("    {line}\n"));
            }
        }
    }
    out
}
