//! `serve` and `send` work together: a delivery sent to serve's bridge arrives at serve's fake
//! Verify. Both run as the real binary, as a user would run them.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_rsa-verify-sim");

/// Kills the serve process even when an assertion fails.
struct Serving(Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn value(lines: &[String], label: &str) -> String {
    lines
        .iter()
        .find_map(|l| {
            l.trim_start()
                .strip_prefix(label)
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_else(|| panic!("serve printed no {label:?}:\n{}", lines.join("\n")))
}

#[test]
fn send_to_serves_bridge_delivers_and_verify_sees_the_code() {
    let mut child = Command::new(BIN)
        .args(["serve"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let serving = Serving(child);
    let started = Instant::now();
    let mut lines = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("readable output");
        let done = line.contains("Press Ctrl-C");
        lines.push(line);
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "serve is not ready"
        );
        if done {
            break;
        }
    }
    let base_url = value(&lines, "Base URL");
    let ca = value(&lines, "Import Certificate");
    let sid = value(&lines, "Account User Name");
    let password = value(&lines, "Account Password");
    let verify_url = value(&lines, "fake Verify");
    assert!(base_url.starts_with("https://localhost:"), "{base_url}");

    let out = Command::new(BIN)
        .args([
            "send",
            "--url",
            &base_url,
            "--certificate",
            &ca,
            "--user",
            &sid,
            "--tokencode",
            "915273",
        ])
        .env("RSA_VERIFY_SIM_PASSWORD", &password)
        .output()
        .expect("send runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("RSA verdict: delivered"), "{text}");
    assert!(
        !text.contains(&password),
        "send printed the secret:\n{text}"
    );

    // The fake Verify's read-back shows the tokencode arrived as the custom code.
    let readback = Command::new(BIN)
        .args([
            "send",
            "--url",
            &format!("{verify_url}/_sim/verifications"),
            "--method",
            "GET",
            "--parameters",
            "",
            "--certificate",
            "none",
            "--response-format",
            "915273",
            "--success-code",
            "915273",
        ])
        .output()
        .expect("send runs");
    let text = String::from_utf8_lossy(&readback.stdout);
    assert_eq!(readback.status.code(), Some(0), "{text}");
    drop(serving);
}

#[test]
fn serve_refuses_a_non_loopback_address_without_the_explicit_flag() {
    let out = Command::new(BIN)
        .args(["serve", "--listen", "0.0.0.0"])
        .output()
        .expect("serve runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--allow-non-loopback"), "{err}");
}
