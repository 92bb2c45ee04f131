//! The `bench` command: how long scenarios take, measured, not asserted.
//!
//! Prints per-scenario time (median and p95 over rounds, scenarios run one at a time), the whole
//! suite's wall time in process (scenarios in parallel), and the wall time of a complete
//! `rsa-verify-sim run` process, start-up included. Scenarios with configured waits (latency or
//! hang faults) are left out of every figure: their time is the wait, not the harness.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use crate::fault::Fault;
use crate::scenario::{self, run_scenario, LoadedScenario, RunOptions, ScenarioFile};

use super::exit;

/// Arguments of `bench`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Example:\n  cargo run --release -- bench scenarios/ --rounds 20")]
pub struct Args {
    /// Scenario files or folders.
    #[arg(default_value = "scenarios")]
    pub paths: Vec<PathBuf>,
    /// Rounds of each measurement.
    #[arg(long, default_value_t = 10)]
    pub rounds: usize,
}

/// True when a scenario spends its time waiting on purpose.
fn has_configured_wait(s: &ScenarioFile) -> bool {
    let waits = |plan: &crate::fault::FaultPlan| {
        plan.faults
            .iter()
            .any(|f| matches!(f.fault, Fault::Latency { .. } | Fault::Hang { .. }))
    };
    waits(&s.bridge.faults) || waits(&s.verify.faults)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Runs `bench`.
pub fn run(args: Args) -> ExitCode {
    let rounds = args.rounds.clamp(1, 1000);
    let files = match scenario::discover(&args.paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::code(exit::UNUSABLE_INPUT);
        }
    };
    let mut loaded: Vec<LoadedScenario> = Vec::new();
    let mut measured_files: Vec<PathBuf> = Vec::new();
    let mut skipped = 0;
    for file in &files {
        match scenario::load(file) {
            Ok(l) if !has_configured_wait(&l.scenario) => {
                measured_files.push(file.clone());
                loaded.push(l);
            }
            Ok(_) => skipped += 1,
            Err(e) => {
                eprintln!("error: {e}");
                return exit::code(exit::UNUSABLE_INPUT);
            }
        }
    }
    let runtime = match super::runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let options = RunOptions::default();
    println!(
        "{} scenarios ({} with configured waits left out), {rounds} rounds, {} cores",
        loaded.len(),
        skipped,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    // One at a time: the cost of a scenario on its own.
    let mut all = Vec::new();
    runtime.block_on(async {
        for _ in 0..rounds {
            for l in &loaded {
                let started = Instant::now();
                let _ = run_scenario(l, &options).await;
                all.push(started.elapsed());
            }
        }
    });
    all.sort();
    println!(
        "per scenario (sequential): median {}, p95 {}, max {}",
        ms(percentile(&all, 0.5)),
        ms(percentile(&all, 0.95)),
        ms(*all.last().unwrap_or(&Duration::ZERO))
    );

    // All at once, as `run` does.
    let mut suites = Vec::new();
    for _ in 0..rounds {
        let started = Instant::now();
        runtime.block_on(async {
            let handles: Vec<_> = loaded
                .iter()
                .cloned()
                .map(|l| {
                    let options = options.clone();
                    tokio::spawn(async move { run_scenario(&l, &options).await })
                })
                .collect();
            for h in handles {
                let _ = h.await;
            }
        });
        suites.push(started.elapsed());
    }
    suites.sort();
    println!(
        "whole suite in process (parallel): median {}, p95 {}",
        ms(percentile(&suites, 0.5)),
        ms(percentile(&suites, 0.95))
    );

    // A complete process, start-up included, over the same files (configured waits left out).
    if let Ok(me) = std::env::current_exe() {
        let mut walls = Vec::new();
        for _ in 0..rounds.min(5) {
            let started = Instant::now();
            let status = std::process::Command::new(&me)
                .arg("run")
                .args(&measured_files)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status();
            if status.is_ok() {
                walls.push(started.elapsed());
            }
        }
        walls.sort();
        println!(
            "`rsa-verify-sim run` process, the same {} files, start-up included: median {}",
            measured_files.len(),
            ms(percentile(&walls, 0.5))
        );
    }
    exit::code(exit::SUCCESS)
}
