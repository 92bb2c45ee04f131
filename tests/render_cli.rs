//! The `render` and `lint` commands, run as a user runs them: exit codes, output and redaction.

use std::io::Write;
use std::process::{Command, Output};

fn file(text: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new()
        .suffix(".toml")
        .tempfile()
        .expect("a temporary file can be created");
    f.write_all(text.as_bytes())
        .expect("the temporary file can be written");
    f
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rsa-verify-sim"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const SCENARIO: &str = r#"
[scenario]
name = "the + became a space"

[rsa]
base_url = "https://demo-1234.twil.io/k3v9q"
parameters = "To=+$msg.address&Customcode=$OTT&Channel=sms&verify_sid=$cfg.user&api_secret=$cfg.password"
user = "VA0123456789"
password = "correct horse battery staple"
success_code = "pending"
response_format = '.*status":\s?"([a-zA-Z]*)'

[user]
mobile = "+61 412 345 678"
tokencode = "12345678"

[bridge]
ignored = "by render and lint"
"#;

#[test]
fn render_shows_the_leading_space_and_never_the_password() {
    let f = file(SCENARIO);
    let o = run(&["render", f.path().to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = stdout(&o);
    assert!(out.contains("POST /k3v9q HTTP/1.1"), "{out}");
    assert!(
        out.contains("To         = \" 61412345678\"  <- leading space"),
        "{out}"
    );
    assert!(out.contains("fix: use ${plus}"), "{out}");
    assert!(!out.contains("horse"), "{out}");
}

#[test]
fn render_json_gives_decoded_fields_as_name_value_pairs() {
    let f = file(SCENARIO);
    let o = run(&[
        "render",
        f.path().to_str().unwrap(),
        "--json",
        "--mobile",
        "+44 7700 900123",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value =
        serde_json::from_slice(&o.stdout).expect("render --json prints JSON");
    assert_eq!(v["method"], "POST");
    assert_eq!(v["decoded"][0], serde_json::json!(["To", " 447700900123"]));
    assert_eq!(
        v["decoded"][4],
        serde_json::json!(["api_secret", "[REDACTED:rsa.password]"])
    );
    assert!(!v.to_string().contains("horse"));
}

#[test]
fn lint_exits_one_when_the_console_would_reject_the_configuration() {
    let f = file(&SCENARIO.replace("correct horse battery staple", &"h".repeat(101)));
    let o = run(&["lint", f.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("\"Account Password\" cannot be greater than 100 characters"),
        "{out}"
    );
    let o = run(&["render", f.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn lint_exits_zero_with_warnings_only() {
    let f = file(SCENARIO);
    let o = run(&["lint", f.path().to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("lint --json prints JSON");
    assert_eq!(v["accepted"], true);
    assert_eq!(v["warnings"][0]["field"], "Parameters");
}

#[test]
fn an_unparsable_file_exits_two_naming_line_and_column() {
    let f = file("base_url = \"https://h/x\"\nsuccess_code = = \"OK\"\n");
    let path = f.path().to_str().unwrap().to_string();
    for cmd in ["render", "lint"] {
        let o = run(&[cmd, &path]);
        assert_eq!(o.status.code(), Some(2));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.starts_with(&format!("{path}:2:")), "{err}");
    }
    let o = run(&["lint", "/nonexistent/rsa.toml"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn an_rsa_configuration_file_with_user_and_proxy_at_top_level_renders() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("my-rsa.toml");
    std::fs::write(
        &file,
        "base_url = \"https://demo-1234.twil.io/k3v9q\"\nparameters = \"To=+$msg.address&verify_sid=$cfg.user\"\nuser = \"VA0123\"\nsuccess_code = \"pending\"\nresponse_format = 'status\":\"(\\w+)'\nproxy = { host = \"proxy.bank.internal\", port = 3128 }\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rsa-verify-sim"))
        .args([
            "render",
            file.to_str().unwrap(),
            "--mobile",
            "+61 412 345 678",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("verify_sid = \"VA0123\""), "{text}");
}
