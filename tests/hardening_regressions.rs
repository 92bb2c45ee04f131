//! Inputs that once crashed the harness, kept under tests/regressions/ (each file says what it
//! broke). Loading or running each must end in an ordinary error or outcome, never a panic.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rsa_verify_sim::scenario::suite::{self, SuiteOptions};
use rsa_verify_sim::scenario::{load, RunOptions, Status};

fn regressions() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("regressions")
}

#[test]
fn an_advance_whose_seconds_overflow_is_a_load_error_naming_the_step() {
    for (file, step) in [
        ("advance-overflows-days.toml", 1),
        ("advance-overflows-hours.toml", 1),
    ] {
        let err = load::load(&regressions().join(file)).expect_err("refused");
        let text = err.to_string();
        assert!(
            text.contains(&format!("step {step}: advance:")) && err.line.is_some(),
            "{text}"
        );
    }
    // Minutes alone.
    let text = std::fs::read_to_string(regressions().join("advance-overflows-hours.toml"))
        .expect("readable")
        .replace("9999999999999999h", "1h");
    let err = load::parse(Path::new("m.toml"), &text).expect_err("refused");
    assert!(err.to_string().contains("step 2: advance:"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_suite_over_every_regression_file_completes_with_one_outcome_each() {
    let options = SuiteOptions {
        run: RunOptions {
            scenario_timeout: Duration::from_secs(20),
            ..RunOptions::default()
        },
        ..SuiteOptions::default()
    };
    let outcomes = tokio::time::timeout(
        Duration::from_secs(60),
        suite::run_paths(&[regressions()], &options),
    )
    .await
    .expect("bounded")
    .expect("the folder exists");
    let files = load::discover(&[regressions()]).expect("discover");
    assert_eq!(outcomes.len(), files.len());
    for o in &outcomes {
        assert_ne!(o.status, Status::Passed, "{}", o.file.display());
        let reason = o.reason().unwrap_or_default();
        assert!(
            !reason.contains("panicked"),
            "{}: {reason}",
            o.file.display()
        );
        if o.file.ends_with("clock-at-year-zero.toml") {
            assert!(
                reason.contains("out of the representable date range"),
                "{reason}"
            );
        }
    }
}
