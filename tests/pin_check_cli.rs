//! The `certs` and `pin-check` commands as a user runs them: files, modes, exit codes, output.

use std::path::Path;
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rsa-verify-sim"))
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run rsa-verify-sim")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Writes a chain with some events, as of 2026-01-15, into `dir/out`.
fn make_certs(dir: &Path) -> String {
    let out = dir.join("out");
    let out_s = out.to_str().expect("utf-8 temp path").to_string();
    let o = run(&[
        "certs",
        &out_s,
        "--host",
        "localhost",
        "--now",
        "2026-01-15",
        "--event",
        "leaf_reissued",
        "--event",
        "leaf_expired",
        "--event",
        "leaf_not_yet_valid",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    out_s
}

#[test]
fn certs_writes_keys_0600_lists_files_and_never_prints_keys() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = run(&[
        "certs",
        out.to_str().unwrap(),
        "--host",
        "localhost",
        "--days",
        "30",
        "--event",
        "intermediate_reissued",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let listing = text(&o);
    assert!(!listing.contains("PRIVATE KEY"), "{listing}");
    for f in [
        "root.pem",
        "intermediate.pem",
        "leaf.pem",
        "chain.pem",
        "intermediate_reissued.pem",
        "leaf_under_reissued_intermediate.pem",
        "intermediate_reissued.chain.pem",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
        assert!(listing.contains(f), "{f} not listed: {listing}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for key in [
            "root.key.pem",
            "intermediate.key.pem",
            "leaf.key.pem",
            "leaf_under_reissued_intermediate.key.pem",
        ] {
            let mode = std::fs::metadata(out.join(key))
                .unwrap()
                .permissions()
                .mode()
                & 0o777;
            assert_eq!(mode, 0o600, "{key}");
        }
    }
    let chain = std::fs::read_to_string(out.join("chain.pem")).unwrap();
    assert_eq!(chain.matches("BEGIN CERTIFICATE").count(), 2);
    // No temporary files are left behind.
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| n.ends_with(".pem")), "{names:?}");
}

#[test]
fn certs_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = make_certs(dir.path());
    let before = std::fs::read(Path::new(&out).join("leaf.pem")).unwrap();
    let o = run(&["certs", &out, "--host", "localhost"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("refusing to overwrite"), "{}", text(&o));
    assert_eq!(
        std::fs::read(Path::new(&out).join("leaf.pem")).unwrap(),
        before
    );
    let o = run(&["certs", &out, "--host", "localhost", "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_ne!(
        std::fs::read(Path::new(&out).join("leaf.pem")).unwrap(),
        before
    );
}

#[test]
fn certs_names_unknown_events_and_refuses_rsa() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let o = run(&[
        "certs",
        out.to_str().unwrap(),
        "--host",
        "h",
        "--event",
        "leaf_rotated",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("unknown event \"leaf_rotated\"; known events: leaf_reissued"),
        "{}",
        text(&o)
    );
    let o = run(&[
        "certs",
        out.to_str().unwrap(),
        "--host",
        "h",
        "--key",
        "rsa2048",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("cannot generate RSA keys"),
        "{}",
        text(&o)
    );
    let o = run(&[
        "certs",
        out.to_str().unwrap(),
        "--host",
        "h",
        "--now",
        "9999-12-01",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("out of the representable date range"),
        "{}",
        text(&o)
    );
    assert!(!out.exists(), "nothing should be written");
}

#[test]
fn pin_check_accepts_a_root_pin_and_names_the_date_the_leaf_expires() {
    let dir = tempfile::tempdir().unwrap();
    let out = make_certs(dir.path());
    let o = run(&[
        "pin-check",
        "--imported",
        &format!("{out}/root.pem"),
        "--served",
        &format!("{out}/chain.pem"),
        "--host",
        "localhost",
        "--at",
        "2026-02-01",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let t = text(&o);
    assert!(t.starts_with("RSA would ACCEPT"), "{t}");
    // Leaf valid for 90 days from 2026-01-15.
    assert!(
        t.contains("changes:   2026-04-15T00:00:01Z: RSA would REJECT (CN=localhost expires"),
        "{t}"
    );
}

#[test]
fn pin_check_rejects_a_rotated_leaf_pin_with_java_words_and_never_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let out = make_certs(dir.path());
    let o = run(&[
        "pin-check",
        "--imported",
        &format!("{out}/leaf.pem"),
        "--served",
        &format!("{out}/leaf_reissued.chain.pem"),
        "--host",
        "localhost",
        "--at",
        "2026-01-15T12:00:00Z",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["verdict"], "reject");
    assert_eq!(v["kind"], "path_building");
    assert!(v["java_message"]
        .as_str()
        .unwrap()
        .contains("unable to find valid certification path to requested target"));
    assert!(v["diagnosis"]
        .as_str()
        .unwrap()
        .starts_with("the pinned leaf (CN=localhost"));
    assert_eq!(v["changes"]["at"], serde_json::Value::Null);
}

#[test]
fn pin_check_exact_leaf_pin_never_changes_by_date_even_when_expired() {
    let dir = tempfile::tempdir().unwrap();
    let out = make_certs(dir.path());
    let o = run(&[
        "pin-check",
        "--imported",
        &format!("{out}/leaf_expired.pem"),
        "--served",
        &format!("{out}/leaf_expired.chain.pem"),
        "--host",
        "localhost",
        "--at",
        "2027-01-01",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("changes:   never by date"),
        "{}",
        text(&o)
    );
}

#[test]
fn pin_check_names_the_not_before_of_a_future_leaf() {
    let dir = tempfile::tempdir().unwrap();
    let out = make_certs(dir.path());
    let o = run(&[
        "pin-check",
        "--imported",
        &format!("{out}/intermediate.pem"),
        "--served",
        &format!("{out}/leaf_not_yet_valid.chain.pem"),
        "--host",
        "localhost",
        "--at",
        "2026-01-15",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let t = text(&o);
    assert!(t.contains("java.security.cert.CertificateNotYetValidException: NotBefore: Fri Jan 16 00:00:00 UTC 2026"), "{t}");
    assert!(
        t.contains("changes:   2026-01-16T00:00:00Z: RSA would ACCEPT"),
        "{t}"
    );
}

#[test]
fn pin_check_unusable_inputs_exit_2_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let out = make_certs(dir.path());
    let root = format!("{out}/root.pem");
    let chain = format!("{out}/chain.pem");
    let key = format!("{out}/root.key.pem");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--imported", &key, "--served", &chain],
            "expected a PEM CERTIFICATE block, found a PRIVATE KEY block",
        ),
        (
            vec!["--imported", &chain, "--served", &chain],
            "expected one certificate",
        ),
        (
            vec!["--imported", &root, "--served", "/nonexistent/chain.pem"],
            "cannot read",
        ),
        (
            vec!["--imported", &root, "--served", &chain, "--at", "soon"],
            "expected a date like 2026-01-15",
        ),
    ];
    for (args, phrase) in cases {
        let mut all = vec!["pin-check", "--host", "localhost"];
        all.extend(args);
        let o = run(&all);
        assert_eq!(o.status.code(), Some(2), "{all:?}: {}", text(&o));
        assert!(text(&o).contains(phrase), "{all:?}: {}", text(&o));
    }
    let empty = dir.path().join("empty.pem");
    std::fs::write(&empty, "").unwrap();
    let o = run(&[
        "pin-check",
        "--host",
        "localhost",
        "--imported",
        &root,
        "--served",
        empty.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("no PEM block found"), "{}", text(&o));
}

#[test]
fn a_chain_listed_intermediate_first_is_rejected_and_the_order_is_named_as_the_cause() {
    let dir = tempfile::tempdir().unwrap();
    let out = make_certs(dir.path());
    let intermediate = std::fs::read_to_string(format!("{out}/intermediate.pem")).unwrap();
    let leaf = std::fs::read_to_string(format!("{out}/leaf.pem")).unwrap();
    let reversed = dir.path().join("reversed.pem");
    std::fs::write(&reversed, format!("{intermediate}{leaf}")).unwrap();
    let o = run(&[
        "pin-check",
        "--imported",
        &format!("{out}/root.pem"),
        "--served",
        reversed.to_str().unwrap(),
        "--host",
        "localhost",
        "--at",
        "2026-01-16",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("The served chain is out of order"),
        "{}",
        text(&o)
    );
}
