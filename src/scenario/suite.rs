//! Running many scenario files: discovery, filtering, parallel isolated runs, and results in file
//! order. A scenario that panics or hangs is reported as an error; the others still run.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::Semaphore;

use super::load::{self, LoadedScenario};
use super::outcome::{ScenarioOutcome, Status};
use super::run::{run_scenario, RunOptions};

/// How a suite is selected and run.
#[derive(Clone, Debug)]
pub struct SuiteOptions {
    /// Scenarios run at once (each on its own ports, PKI and state).
    pub jobs: usize,
    /// Only scenarios whose name or path contains this text.
    pub filter: Option<String>,
    /// Only scenarios carrying at least one of these tags (all when empty).
    pub tags: Vec<String>,
    pub run: RunOptions,
}

impl Default for SuiteOptions {
    fn default() -> Self {
        Self {
            jobs: std::thread::available_parallelism().map_or(2, |n| n.get()),
            filter: None,
            tags: Vec::new(),
            run: RunOptions::default(),
        }
    }
}

/// Loads, selects and runs every scenario file under `paths`. Files that cannot be loaded are
/// `Error` outcomes in their place; a path that does not exist is returned as an error.
pub async fn run_paths(
    paths: &[PathBuf],
    options: &SuiteOptions,
) -> Result<Vec<ScenarioOutcome>, load::LoadError> {
    let files = load::discover(paths)?;
    let mut slots: Vec<Slot> = Vec::new();
    for file in files {
        // A panic while parsing one file must not take the others down.
        let loaded = std::panic::catch_unwind(|| load::load(&file)).unwrap_or_else(|payload| {
            let text = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(no message)".to_string());
            Err(load::LoadError {
                file: file.clone(),
                line: None,
                column: None,
                message: format!("the harness panicked while loading this file: {text}"),
                hint: None,
            })
        });
        match loaded {
            Ok(loaded) => {
                if selected(&loaded, options) {
                    slots.push(Slot::Run(Box::new(loaded)));
                }
            }
            Err(e) => {
                // A file that does not load is still reported when it would match the filter by path.
                let by_path = options
                    .filter
                    .as_ref()
                    .is_none_or(|f| file.to_string_lossy().contains(f.as_str()));
                if by_path && options.tags.is_empty() {
                    slots.push(Slot::Done(Box::new(ScenarioOutcome::error(
                        file.clone(),
                        file.display().to_string(),
                        e.to_string(),
                        std::time::Duration::ZERO,
                    ))));
                }
            }
        }
    }
    Ok(run_slots(slots, options).await)
}

enum Slot {
    Run(Box<LoadedScenario>),
    Done(Box<ScenarioOutcome>),
}

fn selected(loaded: &LoadedScenario, options: &SuiteOptions) -> bool {
    let s = &loaded.scenario;
    let filter_ok = options.filter.as_ref().is_none_or(|f| {
        s.name.contains(f.as_str()) || loaded.file.to_string_lossy().contains(f.as_str())
    });
    let tags_ok = options.tags.is_empty() || s.tags.iter().any(|t| options.tags.contains(t));
    filter_ok && tags_ok
}

async fn run_slots(slots: Vec<Slot>, options: &SuiteOptions) -> Vec<ScenarioOutcome> {
    let permits = Arc::new(Semaphore::new(options.jobs.max(1)));
    let mut handles = Vec::new();
    for slot in slots {
        match slot {
            Slot::Done(outcome) => handles.push(Handle::Done(outcome)),
            Slot::Run(loaded) => {
                let permits = permits.clone();
                let run = options.run.clone();
                let file = loaded.file.clone();
                let name = loaded.scenario.name.clone();
                let task = tokio::spawn(async move {
                    let _permit = permits.acquire_owned().await;
                    run_scenario(&loaded, &run).await
                });
                handles.push(Handle::Running { task, file, name });
            }
        }
    }
    let mut outcomes = Vec::with_capacity(handles.len());
    for handle in handles {
        outcomes.push(match handle {
            Handle::Done(outcome) => *outcome,
            Handle::Running { task, file, name } => {
                let started = Instant::now();
                match task.await {
                    Ok(outcome) => outcome,
                    Err(e) => ScenarioOutcome::error(
                        file,
                        name,
                        if e.is_panic() {
                            format!(
                                "the harness panicked while running this scenario: {}",
                                panic_text(e)
                            )
                        } else {
                            "the scenario was cancelled".to_string()
                        },
                        started.elapsed(),
                    ),
                }
            }
        });
    }
    outcomes
}

enum Handle {
    Done(Box<ScenarioOutcome>),
    Running {
        task: tokio::task::JoinHandle<ScenarioOutcome>,
        file: PathBuf,
        name: String,
    },
}

fn panic_text(e: tokio::task::JoinError) -> String {
    let payload = e.into_panic();
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_string())
}

/// Counts of a finished suite.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub passed: usize,
    pub failed: usize,
    pub errors: usize,
}

/// Tallies outcomes.
pub fn counts(outcomes: &[ScenarioOutcome]) -> Counts {
    let mut c = Counts::default();
    for o in outcomes {
        match o.status {
            Status::Passed => c.passed += 1,
            Status::Failed => c.failed += 1,
            Status::Error => c.errors += 1,
        }
    }
    c
}
