//! Every bundled scenario file runs end to end as its own test, through the same library API the
//! `run` command uses. A scenario file added under scenarios/ without a test here fails
//! `every_bundled_scenario_has_a_test`.

use std::path::{Path, PathBuf};

use rsa_verify_sim::scenario::{self, transcript, RunOptions, Status};

/// Runs one bundled scenario and fails with its transcript when it does not pass.
async fn run(file: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    let loaded = scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let outcome = scenario::run_scenario(&loaded, &RunOptions::default()).await;
    assert_eq!(
        outcome.status,
        Status::Passed,
        "{file}: {}\n{}",
        outcome.reason().unwrap_or_default(),
        transcript::scenario(&outcome)
    );
}

macro_rules! bundled {
    ($($test:ident => $file:literal,)*) => {
        $(
            #[tokio::test]
            async fn $test() {
                run($file).await;
            }
        )*

        const LISTED: &[&str] = &[$($file),*];
    };
}

bundled! {
    guide_configuration_delivers => "scenarios/guide/delivers.toml",
    guide_configuration_with_get_delivers => "scenarios/guide/get-method.toml",
    literal_plus_arrives_as_a_space => "scenarios/encoding/literal-plus.toml",
    plus_variable_keeps_the_plus => "scenarios/encoding/plus-variable.toml",
    wrong_api_secret_is_refused_with_401 => "scenarios/bridge/wrong-api-secret.toml",
    wrong_api_secret_body_does_not_match_the_response_format => "scenarios/bridge/wrong-api-secret-body-decides.toml",
    custom_code_not_enabled_gives_60204 => "scenarios/verify/custom-code-disabled.toml",
}

#[test]
fn every_bundled_scenario_has_a_test() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = scenario::discover(&[root.join("scenarios")]).expect("scenarios/ exists");
    let missing: Vec<PathBuf> = files
        .into_iter()
        .map(|f| f.strip_prefix(root).map(Path::to_path_buf).unwrap_or(f))
        .filter(|f| !LISTED.contains(&f.to_string_lossy().as_ref()))
        .collect();
    assert!(
        missing.is_empty(),
        "add these to the bundled! list: {missing:?}"
    );
}
