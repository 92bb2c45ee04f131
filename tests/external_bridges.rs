//! External bridges: the whole bundled suite through the reference Twilio Function under Twilio's
//! own local runtime (twilio-run), and through a `command` bridge; a Function file named by a
//! scenario, with the harness's 10-second-style limit; and the errors a user meets without
//! Node.js, without the npm dependencies, or with a `url` bridge in a scenario run; and that no
//! runtime outlives its bridge.
//!
//! These tests need Node.js 20+ and `npm ci` in fixtures/functions (`.ci/install-node-deps.sh`).
//! Without them they fail with that hint; they never skip.
#![cfg(feature = "node")]

use std::path::{Path, PathBuf};
use std::process::Command;

use rsa_verify_sim::bridge::external::{node, BridgeEnv, ExternalBridge, ExternalSpec};
use rsa_verify_sim::bridge::BridgeKind;
use rsa_verify_sim::fault::FaultPlan;
use rsa_verify_sim::scenario::outcome::ScenarioOutcome;
use rsa_verify_sim::scenario::parties::BridgeOverride;
use rsa_verify_sim::scenario::suite::{self, SuiteOptions};
use rsa_verify_sim::scenario::{transcript, Status};
use rsa_verify_sim::wire::client::{self, ClientRequest, Connector};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn functions_dir() -> PathBuf {
    root().join("fixtures").join("functions")
}

/// Fails (never skips) when Node.js or the npm dependencies are missing.
fn require_node_deps() {
    if let Err(e) = node::locate() {
        panic!("these tests need Node.js and twilio-run: {e}");
    }
}

async fn run(paths: &[PathBuf], bridge: &str) -> Vec<ScenarioOutcome> {
    let mut options = SuiteOptions::default();
    options.run.bridge_override = Some(BridgeOverride::parse(bridge).unwrap());
    suite::run_paths(paths, &options)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Every outcome that did not pass, with its transcript.
fn failures(outcomes: &[ScenarioOutcome]) -> Vec<String> {
    outcomes
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
        .collect()
}

fn assert_all_pass(outcomes: &[ScenarioOutcome], what: &str) {
    assert!(!outcomes.is_empty(), "no scenario ran");
    let failed = failures(outcomes);
    assert!(
        failed.is_empty(),
        "{} of {} bundled scenarios did not pass with {what}:\n\n{}",
        failed.len(),
        outcomes.len(),
        failed.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_bundled_suite_passes_with_the_reference_function() {
    require_node_deps();
    let function = functions_dir().join("reference-bridge.js");
    let outcomes = run(
        &[root().join("scenarios")],
        &format!("function={}", function.display()),
    )
    .await;
    assert_all_pass(&outcomes, "the reference Function under twilio-run");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_bundled_suite_passes_with_a_command_bridge() {
    require_node_deps();
    let script = functions_dir().join("command-bridge.js");
    let outcomes = run(
        &[root().join("scenarios")],
        &format!("command=node {} {{port}}", script.display()),
    )
    .await;
    assert_all_pass(&outcomes, "command-bridge.js as a command bridge");
}

/// A scenario based on the integration guide's setup, with its own `[bridge]` and `[expect]`.
fn scenario(name: &str, bridge: &str, expect: &str) -> String {
    format!(
        r#"name = "{name}"

[rsa]
base_url = "https://demo-1234.twil.io/k3v9q-long-random-path"
parameters = "To=${{plus}}$msg.address&Customcode=$OTT&Channel=sms&verify_sid=$cfg.user&api_secret=$cfg.password"
user = "VA0123456789abcdef0123456789abcdef"
password = "guide-secret-7Qm2xw"
success_code = "pending"
response_format = '.*status":\s?"([a-zA-Z]*)'

[bridge]
{bridge}

[expect]
{expect}
"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scenario_names_its_own_function_file_and_the_time_limit_gives_504() {
    require_node_deps();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("slow.js"),
        "// Never calls back: only the harness's execution limit ends the request.\n\
         exports.handler = (context, event, callback) => {};\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("slow.toml"),
        scenario(
            "A Function that never calls back gets 504 after the execution limit",
            "kind = \"function\"\nfile = \"slow.js\"\ntime_limit_ms = 800",
            "delivered = false\nfailure = \"http_status\"\nbridge_status = 504\nverify_requests = 0",
        ),
    )
    .unwrap();
    std::fs::copy(
        functions_dir().join("reference-bridge.js"),
        dir.path().join("mine.js"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("mine.toml"),
        scenario(
            "A scenario's own Function file delivers",
            "kind = \"function\"\nfile = \"mine.js\"",
            "delivered = true\nbridge_status = 200\nverify_received = { To = \"+61412345678\", CustomCode = \"48213765\" }",
        ),
    )
    .unwrap();
    let outcomes = suite::run_paths(&[dir.path().to_path_buf()], &SuiteOptions::default())
        .await
        .unwrap();
    assert_eq!(outcomes.len(), 2);
    assert_all_pass(&outcomes, "scenario-named Function files");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_url_bridge_cannot_run_a_scenario_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("url.toml"),
        scenario("A url bridge", "kind = \"url\"", "delivered = true"),
    )
    .unwrap();
    let outcomes = suite::run_paths(&[dir.path().to_path_buf()], &SuiteOptions::default())
        .await
        .unwrap();
    assert_eq!(outcomes[0].status, Status::Error);
    let error = outcomes[0].error.clone().unwrap_or_default();
    assert!(
        error.contains("`url` bridge cannot be used in a scenario run"),
        "{error}"
    );
}

/// Runs the CLI on a folder holding one bundled-bridge scenario and one that takes the
/// `--bridge function=...` override, with the given environment changes.
fn cli_with_override(env: &[(&str, &Path)]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a-bundled.toml"),
        scenario(
            "Bundled bridge still runs",
            "kind = \"bundled\"",
            "delivered = true",
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b-override.toml"),
        scenario("Takes the override", "", "delivered = true"),
    )
    .unwrap();
    let function = functions_dir().join("reference-bridge.js");
    let mut command = Command::new(env!("CARGO_BIN_EXE_rsa-verify-sim"));
    command
        .arg("run")
        .arg(dir.path())
        .arg("--bridge")
        .arg(format!("function={}", function.display()));
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code().unwrap_or(-1), text)
}

#[test]
fn without_twilio_run_the_scenario_errors_with_the_install_hint_and_others_still_run() {
    let empty = tempfile::tempdir().unwrap();
    let (code, text) = cli_with_override(&[(node::NODE_MODULES_VAR, empty.path())]);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("PASS") && text.contains("Bundled bridge still runs"),
        "{text}"
    );
    assert!(text.contains("twilio-run not found in"), "{text}");
    assert!(
        text.contains("run `npm ci` in fixtures/functions"),
        "{text}"
    );
    assert!(text.contains(node::NODE_MODULES_VAR), "{text}");
}

#[test]
fn without_node_the_scenario_errors_with_node_js_not_found() {
    let empty = tempfile::tempdir().unwrap();
    let (code, text) = cli_with_override(&[("PATH", empty.path())]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("Bundled bridge still runs"), "{text}");
    assert!(
        text.contains(
            "Node.js not found: install Node.js 20+ and run `npm ci` in fixtures/functions"
        ),
        "{text}"
    );
}

/// Whether a process is still running (a zombie waiting to be reaped counts as gone).
fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
        Err(_) => false,
    }
}

async fn gone_within(pid: u32, limit: std::time::Duration) -> bool {
    let started = std::time::Instant::now();
    while started.elapsed() < limit {
        if !alive(pid) {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    !alive(pid)
}

fn bridge_env() -> BridgeEnv {
    BridgeEnv {
        path: "/k3v9q".into(),
        api_secret: "guide-secret-7Qm2xw".into(),
        verify_sid: "VA0123456789abcdef0123456789abcdef".into(),
        account_sid: "AC0123456789abcdef0123456789abcdef".into(),
        auth_token: "0123456789abcdef0123456789abcdef".into(),
        verify_base_url: "http://127.0.0.1:9".into(),
        time_limit: std::time::Duration::from_secs(10),
        faults: FaultPlan::default(),
        tls: None,
        work_dir: root().to_path_buf(),
        protected: false,
    }
}

/// Starts the reference Function through the library contract and asks it with a wrong secret.
async fn start_reference() -> ExternalBridge {
    let spec = ExternalSpec {
        kind: BridgeKind::Function,
        file: Some(functions_dir().join("reference-bridge.js")),
        command: None,
        env: Default::default(),
        ready_path: None,
    };
    let bridge = ExternalBridge::start(&spec, &bridge_env())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let front = bridge.connect_to().expect("a function bridge has a front");
    let request = ClientRequest {
        method: "POST".into(),
        url: format!("http://{front}/k3v9q"),
        headers: vec![(
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into(),
        )],
        body: b"To=%2B61412345678&api_secret=wrong&verify_sid=VA0123456789abcdef0123456789abcdef"
            .to_vec(),
    };
    let connector = Connector {
        connect_to: Some(front),
        tls: None,
        connect_timeout: std::time::Duration::from_secs(2),
        read_timeout: std::time::Duration::from_secs(10),
        proxy: None,
    };
    let answer = client::send(&request, &connector).await.unwrap();
    assert_eq!(answer.status, 401, "{}", answer.text());
    assert_eq!(
        answer.text(),
        r#"{"status":401,"message":"api_secret or verify_sid is missing or wrong"}"#
    );
    bridge
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_runtime_is_gone_after_shutdown_and_after_drop() {
    require_node_deps();
    let bridge = start_reference().await;
    let pid = bridge
        .process_id()
        .expect("a function bridge has a process");
    assert!(alive(pid));
    bridge.shutdown().await;
    assert!(gone_within(pid, std::time::Duration::from_secs(5)).await);

    let bridge = start_reference().await;
    let pid = bridge
        .process_id()
        .expect("a function bridge has a process");
    drop(bridge);
    assert!(
        gone_within(pid, std::time::Duration::from_secs(5)).await,
        "twilio-run (pid {pid}) outlived its dropped bridge"
    );
}
