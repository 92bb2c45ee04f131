//! The fake as Twilio's official Node helper library sees it.
//!
//! Runs only when `TWILIO_NODE_MODULES` names a `node_modules` folder holding the `twilio` package
//! (e.g. after `npm install twilio@6.2.0` somewhere) and `node` is on the PATH; otherwise it says
//! so and passes, so the suite builds and runs from a clean clone without Node.

mod verify_support;

use std::time::Duration;

use serde_json::{json, Value};
use verify_support::Sim;

#[tokio::test]
async fn the_official_twilio_node_client_creates_checks_and_reads_errors() {
    let Ok(modules) = std::env::var("TWILIO_NODE_MODULES") else {
        eprintln!("skipped: set TWILIO_NODE_MODULES to a node_modules folder holding `twilio`");
        return;
    };
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
