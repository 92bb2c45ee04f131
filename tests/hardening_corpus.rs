//! The malformed-scenario corpus: every `tests/corpus/NAME.toml` is a scenario file that must be
//! refused, and `tests/corpus/NAME.expected` holds what the refusal must say, one stable line per
//! line (each line must appear in the error text; the corpus folder is shown as nothing, so a line
//! reads `NAME.toml:LINE:COLUMN: message (hint)`).
//!
//! Files that load are run (with a short timeout): their error appears at run time (an unknown
//! certificate name, a regex only Java accepts) and must make the scenario fail or error with the
//! expected text, never pass.
//!
//! To see what every file produces now: `CORPUS_SHOW=1 cargo test --test hardening_corpus -- --nocapture`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rsa_verify_sim::scenario::outcome::Status;
use rsa_verify_sim::scenario::{load, run_scenario, transcript, RunOptions, ScenarioOutcome};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("corpus")
}

fn options() -> RunOptions {
    RunOptions {
        scenario_timeout: Duration::from_secs(20),
        ..RunOptions::default()
    }
}

fn describe(outcome: &ScenarioOutcome) -> String {
    format!(
        "{:?}: {}\n{}",
        outcome.status,
        outcome.reason().unwrap_or_default(),
        transcript::scenario(outcome)
    )
}

/// What loading (and, if it loads, running) the file produces, with the corpus folder removed.
async fn produce(file: &Path) -> (bool, String) {
    let prefix = format!("{}/", corpus_dir().display());
    match load::load(file) {
        Err(e) => (true, e.to_string().replace(&prefix, "")),
        Ok(loaded) => {
            let outcome = run_scenario(&loaded, &options()).await;
            assert_ne!(
                outcome.status,
                Status::Passed,
                "{} loads and passes; a corpus file must be refused:\n{}",
                file.display(),
                describe(&outcome)
            );
            (false, describe(&outcome).replace(&prefix, ""))
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_corpus_file_is_refused_with_its_expected_message() {
    let dir = corpus_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/corpus exists")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    let tomls: Vec<&PathBuf> = files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    assert!(tomls.len() >= 30, "the corpus holds {} files", tomls.len());
    for p in &files {
        let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
        assert!(
            ext == "toml" || (ext == "expected" && p.with_extension("toml").is_file()),
            "{} has no partner in the corpus",
            p.display()
        );
    }
    let show = std::env::var_os("CORPUS_SHOW").is_some();
    let mut problems = Vec::new();
    for file in tomls {
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        let (at_load, actual) = tokio::time::timeout(Duration::from_secs(30), produce(file))
            .await
            .unwrap_or_else(|_| panic!("{name}: not refused within 30 s"));
        if show {
            println!(
                "== {name} ({})\n{actual}",
                if at_load { "load" } else { "run" }
            );
        }
        let expected_file = file.with_extension("expected");
        let Ok(expected) = std::fs::read_to_string(&expected_file) else {
            problems.push(format!("{name}: no {} beside it", expected_file.display()));
            continue;
        };
        for line in expected.lines().filter(|l| !l.trim().is_empty()) {
            if !actual.contains(line) {
                problems.push(format!(
                    "{name}: expected to contain\n    {line}\n  but produced\n    {}",
                    actual.replace('\n', "\n    ")
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} corpus problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// A scenario file with megabyte values loads in bounded time, and a megabyte Parameters string
/// is refused by the bridge with 413 (its 64 KiB limit), reported as a failed delivery.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn megabyte_values_load_and_a_megabyte_request_is_refused_with_413() {
    let dir = tempfile::tempdir().expect("temp dir");
    let big = "x".repeat(1024 * 1024);
    let text = format!(
        r#"name = "huge values"
description = "{big}"

[rsa]
base_url = "https://demo-1234.twil.io/k3v9q-long-random-path"
parameters = "To=${{plus}}$msg.address&Customcode=$OTT&verify_sid=$cfg.user&api_secret=$cfg.password&pad={big}"
user = "VA0123456789abcdef0123456789abcdef"
password = "corpus-secret-7Qm2xw"
success_code = "pending"
response_format = '.*status":\s?"([a-zA-Z]*)'

[expect]
delivered = false
failure = "http_status"
bridge_status = 413
verify_requests = 0
"#
    );
    let file = dir.path().join("huge.toml");
    std::fs::write(&file, &text).expect("write");
    let loaded = load::load(&file).expect("a megabyte string is a valid value");
    let outcome = tokio::time::timeout(Duration::from_secs(60), run_scenario(&loaded, &options()))
        .await
        .expect("bounded");
    assert_eq!(outcome.status, Status::Passed, "{}", describe(&outcome));

    // A megabyte key name, and a megabyte of nested arrays, are refused, not a crash.
    let key = format!("{HEADER}{big} = 1\n", HEADER = "name = \"k\"\n");
    let err = load::parse(Path::new("k.toml"), &key).expect_err("unknown key");
    assert!(
        err.to_string().starts_with("k.toml:2:1: unknown field"),
        "{}",
        &err.to_string()[..200]
    );
    let nested = format!("name = {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let err = load::parse(Path::new("n.toml"), &nested).expect_err("too deep");
    assert!(
        err.to_string().starts_with("n.toml:"),
        "{}",
        &err.to_string()[..err.to_string().len().min(300)]
    );
}
