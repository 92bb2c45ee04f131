//! The `match` command end to end: output, JSON and exit codes.

use std::io::Write;
use std::process::{Command, Output, Stdio};

const GUIDE: &str = r#".*status":\s?"([a-zA-Z]*)"#;

fn run_match(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rsa-verify-sim"))
        .arg("match")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    if let Some(mut input) = child.stdin.take() {
        // A command that refuses its arguments exits before reading the body; the pipe then
        // breaks, which is not the test's concern.
        let _ = input.write_all(stdin);
    }
    child.wait_with_output().expect("the binary finishes")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn a_pending_body_from_stdin_is_a_success_with_exit_0() {
    let o = run_match(
        &["--format", GUIDE, "--success", "pending"],
        br#"{"sid":"VE1","status":"pending"}"#,
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o),
        concat!(
            "verdict:      SUCCESS\n",
            "format:       .*status\":\\s?\"([a-zA-Z]*)\n",
            "success code: \"pending\" (compare: equals)\n",
            "match:        bytes 0..30, chars 0..30: \"{\\\"sid\\\":\\\"VE1\\\",\\\"status\\\":\\\"pending\"\n",
            "group:        1\n",
            "compared:     \"pending\"\n",
            "explanation:  compared group 1 = \"pending\" with Success Response Code \"pending\": equal\n",
        )
    );
}

#[test]
fn a_401_body_is_a_failure_with_exit_1_and_json_null_match() {
    let o = run_match(
        &["--format", GUIDE, "--success", "pending", "--json", "-"],
        br#"{"status":401,"code":20003}"#,
    );
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    assert_eq!(
        v,
        serde_json::json!({
            "verdict": "FAILURE",
            "success": false,
            "outcome": "no_match",
            "match": null,
            "group": 1,
            "compared": null,
            "explanation": "no match: the body has `{\"status\":` followed by `401,\"code\":20003…`, but the Response Format needs `\"` there, then `([a-zA-Z]*)`",
            "format": GUIDE,
            "success_code": "pending",
            "compare": "equals",
            "lossy_utf8": false,
        })
    );
}

#[test]
fn an_unclosed_group_exits_2_with_a_caret_under_the_position() {
    let o = run_match(&["--format", "(abc", "--success", "x"], b"abc");
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: unusable Response Format\nUnclosed group near index 4\n(abc\n    ^\n"
    );
}

#[test]
fn an_unreadable_body_file_exits_2() {
    let o = run_match(
        &["--format", "x", "--success", "x", "/nonexistent/body.txt"],
        b"",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr)
        .starts_with("error: cannot read body file /nonexistent/body.txt: "));
}

#[test]
fn a_body_file_that_is_not_utf8_is_decoded_lossily_and_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("body.bin");
    std::fs::write(&path, b"\xffRESULT:OK").expect("write body");
    let p = path.to_string_lossy().into_owned();
    let o = run_match(
        &[
            "--format",
            "RESULT:OK",
            "--success",
            "RESULT:OK",
            "--json",
            &p,
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    assert_eq!(v["lossy_utf8"], serde_json::json!(true));
    assert_eq!(
        v["match"],
        serde_json::json!({"start": 3, "end": 12, "start_char": 1, "end_char": 10, "text": "RESULT:OK"})
    );
}

#[test]
fn the_contains_comparison_is_selectable() {
    let o = run_match(
        &[
            "--format",
            "code=(.*)",
            "--success",
            "01",
            "--compare",
            "contains",
        ],
        b"code=01 OK",
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("explanation:  compared group 1 = \"01 OK\" with Success Response Code \"01\": contains it\n"));
}
