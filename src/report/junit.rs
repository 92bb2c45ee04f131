//! JUnit XML, as GitLab, Jenkins and GitHub test reporters read it.

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::text;
use super::ReportError;
use crate::scenario::outcome::{ScenarioOutcome, Status};
use crate::scenario::transcript;

/// JUnit XML for a run: one `<testsuite>` named `suite_name`, one `<testcase>` per scenario (name:
/// the scenario name; classname: the file path with `/` as `.` and no `.toml`; time: the
/// scenario's duration). A failed scenario has a `<failure>` whose message is the first unmet
/// expectation (with the delivery's diagnosis) and whose text is the transcript; a scenario that
/// could not run has an `<error>`. Every testcase's `system-out` is the transcript. Redacted.
pub fn junit(outcomes: &[ScenarioOutcome], suite_name: &str) -> Result<String, ReportError> {
    let mut suite = TestSuite::new(suite_name);
    let mut total = std::time::Duration::ZERO;
    for outcome in outcomes {
        total = total.saturating_add(outcome.duration);
        suite.add_test_case(test_case(outcome));
    }
    suite.set_time(total);
    let mut report = Report::new(suite_name);
    report.set_time(total);
    report.add_test_suite(suite);
    Ok(report.to_string()?)
}

fn test_case(outcome: &ScenarioOutcome) -> TestCase {
    let r = &outcome.redactor;
    let story = transcript::scenario(outcome);
    let status = match outcome.status {
        Status::Passed => TestCaseStatus::success(),
        Status::Failed => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status
                .set_message(text::short(&failure_message(outcome), usize::MAX))
                .set_type(failure_type(outcome))
                .set_description(story.clone());
            status
        }
        Status::Skipped => {
            let mut status = TestCaseStatus::skipped();
            status.set_message(outcome.reason().unwrap_or_else(|| "not run".to_string()));
            status
        }
        Status::Error => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
            let reason = outcome
                .reason()
                .unwrap_or_else(|| "the scenario could not run".to_string());
            // The attribute on one line; the text keeps the error's own layout (e.g. a TOML caret).
            let message = text::short(&reason, usize::MAX);
            let description = if story.is_empty() {
                reason
            } else {
                format!("{reason}\n\n{story}")
            };
            status
                .set_message(message)
                .set_type("error")
                .set_description(description);
            status
        }
    };
    let mut case = TestCase::new(r.redact(&outcome.name), status);
    case.set_classname(r.redact(&text::classname(&outcome.file)))
        .set_time(outcome.duration);
    if !story.is_empty() {
        case.set_system_out(story);
    }
    case
}

/// The first unmet expectation, with the diagnosis of that step's failed delivery; else the first
/// diagnosis. Redacted.
fn failure_message(outcome: &ScenarioOutcome) -> String {
    let r = &outcome.redactor;
    let first_unmet = outcome
        .steps
        .iter()
        .find_map(|s| s.unmet.first().map(|u| (s, u)));
    if let Some((step, unmet)) = first_unmet {
        let mut message = format!("{}: {unmet}", step.name);
        if let Some(f) = &step.delivery.failure {
            message.push_str(&format!(
                " (RSA: not delivered [{}]: {})",
                f.class, f.diagnosis
            ));
        }
        return r.redact(&message);
    }
    outcome
        .steps
        .iter()
        .find_map(|s| s.delivery.failure.as_ref().map(|f| (s, f)))
        .map(|(s, f)| r.redact(&format!("{}: {}", s.name, f.diagnosis)))
        .unwrap_or_else(|| "an expectation did not hold".to_string())
}

/// `expectation`, or the failure class of the first failed delivery when the expectation was about it.
fn failure_type(outcome: &ScenarioOutcome) -> String {
    outcome
        .steps
        .iter()
        .find(|s| !s.unmet.is_empty())
        .and_then(|s| s.delivery.failure.as_ref())
        .map_or_else(|| "expectation".to_string(), |f| f.class.name().to_string())
}
