//! Snapshots of transcripts people read, with values that change between runs redacted: ports,
//! SIDs, dates and secrets (secrets are already redacted by the harness; the snapshot proves it).

use std::path::Path;

use rsa_verify_sim::scenario::{self, transcript, RunOptions};

async fn transcript_of(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    let loaded = scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let outcome = scenario::run_scenario(&loaded, &RunOptions::default()).await;
    transcript::scenario(&outcome)
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]");
    s.add_filter(r"\b(VE|VL|AC)[0-9a-f]{32}\b", "$1[SID]");
    s.add_filter(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z", "[DATE]");
    s
}

#[tokio::test]
async fn the_guide_scenario_transcript_shows_every_hop_with_secrets_redacted() {
    let text = transcript_of("scenarios/guide/delivers.toml").await;
    assert!(!text.contains("guide-secret-7Qm2xw"), "{text}");
    settings().bind(|| insta::assert_snapshot!(text));
}

#[tokio::test]
async fn the_literal_plus_transcript_points_out_the_leading_space() {
    let text = transcript_of("scenarios/encoding/literal-plus.toml").await;
    assert!(text.contains(r#"To         = " 61412345678""#), "{text}");
    settings().bind(|| insta::assert_snapshot!(text));
}
