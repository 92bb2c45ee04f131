//! The `run` command: run scenario files end to end and report.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use crate::scenario::outcome::{ScenarioOutcome, Status};

use crate::scenario::parties::BridgeOverride;
use crate::scenario::suite::{self, SuiteOptions};
use crate::scenario::{transcript, RunOptions};

use super::exit;

/// Arguments of `run`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  rsa-verify-sim run                       # every scenario under scenarios/\n  rsa-verify-sim run scenarios/guide -v    # one folder, with transcripts\n  rsa-verify-sim run --tag smoke --filter plus"
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
    /// Stop a scenario after this many seconds.
    #[arg(long, default_value_t = 60)]
    pub timeout: u64,
    /// Bridge for scenarios that do not name one: `bundled`, `function=PATH.js` (a Twilio
    /// Function run under twilio-run) or `command='PROGRAM ARGS'` (`{port}` is replaced).
    #[arg(long)]
    pub bridge: Option<String>,
    /// Print the transcript of passing scenarios too.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

/// Runs `run`.
pub fn run(args: Args) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return exit::code(exit::UNUSABLE_INPUT);
        }
    };
    let bridge_override = match args
        .bridge
        .as_deref()
        .map(BridgeOverride::parse)
        .transpose()
    {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::code(exit::UNUSABLE_INPUT);
        }
    };
    let mut options = SuiteOptions {
        filter: args.filter.clone(),
        tags: args.tags.clone(),
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
    let outcomes = match runtime.block_on(suite::run_paths(&args.paths, &options)) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::code(exit::UNUSABLE_INPUT);
        }
    };
    print!("{}", report(&outcomes, args.verbose));
    let c = suite::counts(&outcomes);
    println!(
        "\nscenarios: {} passed, {} failed",
        c.passed,
        c.failed + c.errors
    );
    println!(
        "({} did not meet expectations, {} could not run; {:.2} s)",
        c.failed,
        c.errors,
        started.elapsed().as_secs_f64()
    );
    if outcomes.is_empty() {
        eprintln!("error: no scenario matched (paths: {:?})", args.paths);
        return exit::code(exit::UNUSABLE_INPUT);
    }
    if c.failed > 0 {
        exit::code(exit::FAILED)
    } else if c.errors > 0 {
        exit::code(exit::UNUSABLE_INPUT)
    } else {
        exit::code(exit::SUCCESS)
    }
}

/// The human report: one line per scenario, with the transcript and reasons of failures.
pub fn report(outcomes: &[ScenarioOutcome], verbose: bool) -> String {
    let mut out = String::new();
    for o in outcomes {
        let label = match o.status {
            Status::Passed => "PASS ",
            Status::Failed => "FAIL ",
            Status::Error => "ERROR",
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
