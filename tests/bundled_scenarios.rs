//! Every bundled scenario file runs end to end, through the same library API the `run` command
//! uses: one test per folder of scenarios/, each running every file in it and naming every file
//! that did not pass, with its transcript. A folder without a test here fails
//! `every_scenario_folder_has_a_test`, so nothing bundled goes untested.

use std::path::{Path, PathBuf};

use rsa_verify_sim::scenario::suite::{self, SuiteOptions};
use rsa_verify_sim::scenario::{transcript, Status};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs every scenario under `scenarios/<folder>` and fails listing each one that did not pass.
async fn folder(name: &str) {
    let dir = root().join("scenarios").join(name);
    let outcomes = suite::run_paths(std::slice::from_ref(&dir), &SuiteOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!outcomes.is_empty(), "{} holds no scenario", dir.display());
    let failures: Vec<String> = outcomes
        .iter()
        .filter(|o| o.status != Status::Passed)
        .map(|o| {
            format!(
                "{} ({}): {}\n{}",
                o.file.display(),
                o.name,
                o.reason().unwrap_or_default(),
                transcript::scenario(o)
            )
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} scenarios in {name}/ did not pass:\n\n{}",
        failures.len(),
        outcomes.len(),
        failures.join("\n")
    );
}

macro_rules! folders {
    ($($test:ident => $folder:literal,)*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() {
                folder($folder).await;
            }
        )*

        const FOLDERS: &[&str] = &[$($folder),*];
    };
}

folders! {
    every_guide_scenario_passes => "guide",
    every_encoding_scenario_passes => "encoding",
    every_bridge_scenario_passes => "bridge",
    every_verify_scenario_passes => "verify",
    every_plugin_scenario_passes => "plugin",
    every_regex_scenario_passes => "regex",
    every_proxy_scenario_passes => "proxy",
    every_fault_scenario_passes => "faults",
    every_tls_scenario_passes => "tls",
}

#[test]
fn every_scenario_folder_has_a_test() {
    let dir = root().join("scenarios");
    let mut missing: Vec<PathBuf> = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("scenarios/ exists") {
        let path = entry.expect("readable entry").path();
        assert!(
            path.is_dir(),
            "{} is not in a folder: bundled scenarios are grouped by theme",
            path.display()
        );
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !FOLDERS.contains(&name.as_str()) {
            missing.push(path);
        }
    }
    assert!(
        missing.is_empty(),
        "add these folders to the folders! list: {missing:?}"
    );
}
