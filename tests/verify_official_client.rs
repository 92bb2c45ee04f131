//! The fake as Twilio's official Node helper library sees it.
//!
//! Needs Node.js and the `twilio` package: built only with `--features node`, after
//! `bash .ci/install-node-deps.sh` (which installs it into fixtures/functions/node_modules), or with
//! `TWILIO_NODE_MODULES` naming another `node_modules` folder holding `twilio`. CI runs it.
#![cfg(feature = "node")]

mod verify_support;

use std::time::Duration;

use serde_json::{json, Value};
use verify_support::Sim;

#[tokio::test]
async fn the_official_twilio_node_client_creates_checks_and_reads_errors() {
    let modules = std::env::var("TWILIO_NODE_MODULES").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/functions/node_modules"
        )
        .to_string()
    });
    assert!(
        std::path::Path::new(&modules).join("twilio").is_dir(),
        "the `twilio` npm package is not in {modules}: run `bash .ci/install-node-deps.sh` (Node.js 20+)"
    );
    let sim = Sim::start().await;
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/verify_node/official_client.js"
    );
    let mut cmd = tokio::process::Command::new("node");
    cmd.arg(script)
        .args([
            sim.fake.base_url(),
            sim.config.account_sid.clone(),
            sim.config.auth_token.clone(),
            sim.service(),
            "+61412345678".to_string(),
        ])
        .env("NODE_PATH", &modules)
        .kill_on_drop(true);
    let output = tokio::time::timeout(Duration::from_secs(60), cmd.output())
        .await
        .expect("node finished within 60 s")
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "node failed: {}\n{}",
        stdout,
        String::from_utf8_lossy(&output.stderr)
    );
    let seen: Value = serde_json::from_str(stdout.trim()).expect("one JSON line");
    let sid = seen["create"]["sid"].clone();
    assert_eq!(seen["create"]["status"], "pending");
    assert_eq!(seen["create"]["to"], "+61412345678");
    assert_eq!(seen["create"]["attemptChannel"], "SMS");
    assert_eq!(seen["create"]["dateCreated"], "2026-01-15T09:00:00.000Z");
    assert_eq!(seen["fetch"]["sid"], sid);
    assert_eq!(seen["wrong"], json!({"status": "pending", "valid": false}));
    assert_eq!(
        seen["right"],
        json!({"sid": sid, "status": "approved", "valid": true})
    );
    assert_eq!(seen["fetchAfterApproval"]["status"], 404);
    assert_eq!(seen["fetchAfterApproval"]["code"], 20404);
    assert_eq!(
        seen["invalidTo"],
        json!({"status": 400, "code": 60200, "message": "Invalid parameter: To", "moreInfo": "https://www.twilio.com/docs/errors/60200"})
    );
    assert_eq!(seen["badAuth"]["status"], 401);
    assert_eq!(seen["badAuth"]["code"], 20003);
    assert_eq!(seen["badAuth"]["message"], "Authenticate");
}
