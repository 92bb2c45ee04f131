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
#[derive(Clone)]
pub struct SuiteOptions {
    /// Scenarios run at once (each on its own ports, PKI and state).
    pub jobs: usize,
    /// Only scenarios whose name or path contains this text.
    pub filter: Option<String>,
    /// Only scenarios carrying at least one of these tags (all when empty).
    pub tags: Vec<String>,
    /// Only the K-th of N slices of the selected files (1-based K).
    pub partition: Option<(usize, usize)>,
    pub run: RunOptions,
    /// Called as each scenario finishes, with (finished, total).
    pub progress: Option<Arc<dyn Fn(usize, usize) + Send + Sync>>,
    /// After the first scenario that does not pass, scenarios not yet started are not run.
    pub fail_fast: bool,
    /// When this turns true (Ctrl-C), running scenarios are stopped and the rest are not run;
    /// every one is still reported.
    pub cancel: Option<tokio::sync::watch::Receiver<bool>>,
}

impl std::fmt::Debug for SuiteOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SuiteOptions")
            .field("jobs", &self.jobs)
            .field("filter", &self.filter)
            .field("tags", &self.tags)
            .field("partition", &self.partition)
            .field("run", &self.run)
            .finish_non_exhaustive()
    }
}

/// Parses `K/N` (1 <= K <= N).
pub fn parse_partition(text: &str) -> Result<(usize, usize), String> {
    let parsed = text.split_once('/').and_then(|(k, n)| {
        Some((
            k.trim().parse::<usize>().ok()?,
            n.trim().parse::<usize>().ok()?,
        ))
    });
    match parsed {
        Some((k, n)) if k >= 1 && k <= n => Ok((k, n)),
        _ => Err(format!(
            "expected --partition K/N with 1 <= K <= N (e.g. 2/4), found {text:?}"
        )),
    }
}

impl Default for SuiteOptions {
    fn default() -> Self {
        Self {
            jobs: std::thread::available_parallelism().map_or(2, |n| n.get()),
            filter: None,
            tags: Vec::new(),
            partition: None,
            run: RunOptions::default(),
            progress: None,
            fail_fast: false,
            cancel: None,
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
    if let Some((k, n)) = options.partition {
        // Count-based slices over the sorted list, like nextest's `--partition count:K/N`: every
        // file lands in exactly one slice, and the same suite always splits the same way.
        slots = slots
            .into_iter()
            .enumerate()
            .filter(|(i, _)| i % n == k - 1)
            .map(|(_, s)| s)
            .collect();
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
    let total = slots.len();
    let finished = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut handles = Vec::new();
    for slot in slots {
        match slot {
            Slot::Done(outcome) => handles.push(Handle::Done(outcome)),
            Slot::Run(loaded) => {
                // Scenarios start in file order (a permit is taken before the next is spawned),
                // so `--fail-fast` never skips a file listed before the one that failed.
                let Ok(permit) = permits.clone().acquire_owned().await else {
                    continue;
                };
                let run = options.run.clone();
                let file = loaded.file.clone();
                let name = loaded.scenario.name.clone();
                let progress = options.progress.clone();
                let finished = finished.clone();
                let stop = stop.clone();
                let fail_fast = options.fail_fast;
                let mut cancel = options.cancel.clone();
                let task = tokio::spawn(async move {
                    let _permit = permit;
                    let skipped = |why: &str| {
                        ScenarioOutcome::skipped(
                            loaded.file.clone(),
                            loaded.scenario.name.clone(),
                            why.to_string(),
                        )
                    };
                    let interrupted = |why: &str| {
                        ScenarioOutcome::error(
                            loaded.file.clone(),
                            loaded.scenario.name.clone(),
                            why.to_string(),
                            std::time::Duration::ZERO,
                        )
                    };
                    let outcome = if stop.load(std::sync::atomic::Ordering::SeqCst) {
                        skipped("not run: the suite stopped after an earlier failure (--fail-fast)")
                    } else if cancel.as_ref().is_some_and(|c| *c.borrow()) {
                        skipped("not run: interrupted (Ctrl-C)")
                    } else {
                        tokio::select! {
                            o = run_scenario(&loaded, &run) => o,
                            _ = cancelled(&mut cancel) => interrupted("interrupted (Ctrl-C) before it finished; its servers were stopped"),
                        }
                    };
                    if fail_fast && matches!(outcome.status, Status::Failed | Status::Error) {
                        stop.store(true, std::sync::atomic::Ordering::SeqCst);
                    }
                    let done = finished.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                    if let Some(report) = progress {
                        report(done, total);
                    }
                    outcome
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

/// Resolves when the cancel signal turns true; never, without one.
async fn cancelled(cancel: &mut Option<tokio::sync::watch::Receiver<bool>>) {
    match cancel {
        Some(rx) => {
            while !*rx.borrow() {
                if rx.changed().await.is_err() {
                    std::future::pending::<()>().await;
                }
            }
        }
        None => std::future::pending::<()>().await,
    }
}

/// Counts of a finished suite.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub passed: usize,
    pub failed: usize,
    pub errors: usize,
    pub skipped: usize,
}

/// Tallies outcomes.
pub fn counts(outcomes: &[ScenarioOutcome]) -> Counts {
    let mut c = Counts::default();
    for o in outcomes {
        match o.status {
            Status::Passed => c.passed += 1,
            Status::Failed => c.failed += 1,
            Status::Error => c.errors += 1,
            Status::Skipped => c.skipped += 1,
        }
    }
    c
}
