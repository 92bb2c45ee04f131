//! What running a scenario produced.

use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

use crate::journal::Exchange;
use crate::plugin::Delivery;
use crate::redact::Redactor;

/// Overall result of one scenario file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every expectation held.
    Passed,
    /// The scenario ran and an expectation did not hold.
    Failed,
    /// The scenario could not run (file error, setup error, panic, timeout).
    Error,
    /// The scenario was not started: `--fail-fast` after an earlier failure, or Ctrl-C.
    Skipped,
}

/// One step (one login) of a scenario.
#[derive(Clone, Debug, Serialize)]
pub struct StepOutcome {
    pub name: String,
    pub delivery: Delivery,
    /// Exchanges on every hop during this step, in the order they were recorded.
    pub exchanges: Vec<Exchange>,
    /// Expectations that did not hold, each saying expected vs found.
    pub unmet: Vec<String>,
}

/// One scenario file's result.
#[derive(Clone, Debug)]
pub struct ScenarioOutcome {
    pub file: PathBuf,
    pub name: String,
    pub tags: Vec<String>,
    pub status: Status,
    /// Why the scenario could not run, when `status` is `Error`.
    pub error: Option<String>,
    pub steps: Vec<StepOutcome>,
    pub duration: Duration,
    /// Knows every secret of the scenario; everything printed goes through it.
    pub redactor: Redactor,
}

impl ScenarioOutcome {
    /// A scenario that could not run.
    pub fn error(file: PathBuf, name: String, error: String, duration: Duration) -> Self {
        Self {
            file,
            name,
            tags: Vec::new(),
            status: Status::Error,
            error: Some(error),
            steps: Vec::new(),
            duration,
            redactor: Redactor::new(),
        }
    }

    /// A scenario that was not started, and why.
    pub fn skipped(file: PathBuf, name: String, why: String) -> Self {
        Self {
            status: Status::Skipped,
            ..Self::error(file, name, why, Duration::ZERO)
        }
    }

    /// One-line reason for a failure or error (the first unmet expectation), redacted.
    pub fn reason(&self) -> Option<String> {
        if let Some(e) = &self.error {
            return Some(self.redactor.redact(e));
        }
        self.steps
            .iter()
            .flat_map(|s| s.unmet.iter().map(move |u| (s, u)))
            .next()
            .map(|(s, u)| self.redactor.redact(&format!("{}: {u}", s.name)))
    }
}
