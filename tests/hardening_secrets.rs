//! Secret scan: every byte the harness prints for the bundled suite must be free of every secret
//! the scenarios use, in every spelling a secret travels in.
//!
//! Secrets are collected by parsing the scenario files: `[rsa] password`, `[rsa] proxy.password`,
//! `[bridge] api_secret` and `auth_token`, `[verify] auth_token` (or the token the runner derives
//! when none is given), `[proxy] require_password`. Spellings: as typed, form-encoded like
//! java.net.URLEncoder, percent-encoded (upper- and lower-case hex, `%20` for space), as Rust's
//! `{:?}` and JSON quote them, and base64 as inside HTTP Basic auth `user:secret` (the exact
//! header value for the users the harness pairs them with, and every 3-byte alignment).
//!
//! Scanned: verbose transcripts, reasons and the `run` report of a library run of scenarios/ (and
//! of copies whose expectations fail), stdout/stderr of the real binary running
//! `run scenarios -v`, and `render` / `lint` (text and `--json`) of every bundled scenario.
//! (src/report/ does not exist in this tree; when report formats land, add them here.)

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use base64::Engine;
use rsa_verify_sim::cli::run::report;
use rsa_verify_sim::plugin::encode::{url_encode, Splitting};
use rsa_verify_sim::scenario::suite::{self, SuiteOptions};
use rsa_verify_sim::scenario::{load, transcript, ScenarioFile};
use sha2::{Digest, Sha256};

fn scenarios_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

/// A secret with the user names it is paired with in Basic auth.
struct Secret {
    label: String,
    value: String,
    basic_users: Vec<String>,
}

/// The token the runner derives for a scenario that names none (see scenario::run).
fn derived(name: &str, label: &str, prefix: &str) -> String {
    let digest = Sha256::digest(format!("{name}\u{0}{label}"));
    format!("{prefix}{}", &hex::encode(digest)[..32])
}

fn secrets_of(s: &ScenarioFile) -> Vec<Secret> {
    let account = s
        .verify
        .account_sid
        .clone()
        .unwrap_or_else(|| derived(&s.name, "account", "AC"));
    let verify_token = s
        .verify
        .auth_token
        .clone()
        .unwrap_or_else(|| derived(&s.name, "auth_token", ""));
    let mut out = vec![
        Secret {
            label: "rsa.password".into(),
            value: s.rsa.password.clone(),
            basic_users: vec![s.rsa.user.clone()],
        },
        Secret {
            label: "verify auth token".into(),
            value: verify_token,
            basic_users: vec![account.clone()],
        },
    ];
    if s.rsa.quirks.splitting == Splitting::Naive {
        // Naive splitting cuts the password into pieces a server decodes separately.
        for piece in s.rsa.password.split(['&', '=']) {
            for p in [piece.to_string(), piece.replace('+', " ")] {
                out.push(Secret {
                    label: "rsa.password piece".into(),
                    value: p,
                    basic_users: Vec::new(),
                });
            }
        }
    }
    if let Some(proxy) = &s.rsa.proxy {
        if let Some(p) = &proxy.password {
            out.push(Secret {
                label: "rsa.proxy.password".into(),
                value: p.clone(),
                basic_users: proxy.user.iter().cloned().collect(),
            });
        }
    }
    if let Some(v) = &s.bridge.api_secret {
        out.push(Secret {
            label: "bridge.api_secret".into(),
            value: v.clone(),
            basic_users: Vec::new(),
        });
    }
    if let Some(v) = &s.bridge.auth_token {
        out.push(Secret {
            label: "bridge.auth_token".into(),
            value: v.clone(),
            basic_users: vec![account.clone()],
        });
    }
    if let Some(v) = &s.proxy.require_password {
        out.push(Secret {
            label: "proxy.require_password".into(),
            value: v.clone(),
            basic_users: s.proxy.require_user.iter().cloned().collect(),
        });
    }
    out
}

/// Secrets shorter than this are not searched (they would match ordinary text); the test fails
/// if a bundled scenario uses one, so the scan never silently covers less.
const MIN_LEN: usize = 6;

fn percent_all(value: &str, lower: bool) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ if lower => format!("%{b:02x}"),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Every spelling of a secret that must not appear.
fn spellings(secret: &Secret) -> BTreeSet<String> {
    let v = secret.value.as_str();
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let mut out: BTreeSet<String> = [
        v.to_string(),
        url_encode(v),
        url_encode(v).replace('+', "%20"),
        percent_all(v, false),
        percent_all(v, true),
        format!("{v:?}").trim_matches('"').to_string(),
        serde_json::to_string(v)
            .unwrap_or_default()
            .trim_matches('"')
            .to_string(),
    ]
    .into_iter()
    .collect();
    for user in &secret.basic_users {
        out.insert(b64(format!("{user}:{v}").as_bytes()));
    }
    // Inside any base64 text, the secret's bytes start at one of three alignments; the whole
    // 3-byte groups from each alignment are encoded identically whatever surrounds them.
    let bytes = v.as_bytes();
    for skip in 0..3usize.min(bytes.len()) {
        let rest = &bytes[skip..];
        let whole = rest.len() / 3 * 3;
        if whole >= 6 {
            out.insert(b64(&rest[..whole]));
        }
    }
    out.retain(|s| s.len() >= MIN_LEN);
    out
}

struct Needle {
    label: String,
    file: String,
    spelling: String,
}

fn needles() -> Vec<Needle> {
    let files = load::discover(&[scenarios_dir()]).expect("scenarios/");
    let mut out = Vec::new();
    let mut short = Vec::new();
    for file in files {
        let loaded = load::load(&file).unwrap_or_else(|e| panic!("{e}"));
        for secret in secrets_of(&loaded.scenario) {
            if secret.value.is_empty() {
                continue;
            }
            if secret.value.chars().count() < MIN_LEN {
                if secret.label != "rsa.password piece" {
                    short.push(format!("{}: {}", file.display(), secret.label));
                }
                continue;
            }
            for spelling in spellings(&secret) {
                out.push(Needle {
                    label: secret.label.clone(),
                    file: file.display().to_string(),
                    spelling,
                });
            }
        }
    }
    assert!(
        short.is_empty(),
        "secrets too short to scan for (under {MIN_LEN} characters): {short:?}"
    );
    assert!(out.len() > 50, "only {} needles", out.len());
    out
}

fn scan(what: &str, haystack: &str, needles: &[Needle]) -> Vec<String> {
    needles
        .iter()
        .filter(|n| haystack.contains(n.spelling.as_str()))
        .map(|n| {
            let at = haystack.find(n.spelling.as_str()).unwrap_or(0);
            let mut start = at.saturating_sub(80);
            while !haystack.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (at + n.spelling.len() + 80).min(haystack.len());
            while !haystack.is_char_boundary(end) {
                end += 1;
            }
            format!(
                "{what}: {} of {} as {:?}, in: ...{}...",
                n.label,
                n.file,
                n.spelling,
                &haystack[start..end]
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_of_any_bundled_scenario_appears_in_transcripts_reasons_or_the_run_report() {
    let needles = needles();
    let outcomes = tokio::time::timeout(
        Duration::from_secs(180),
        suite::run_paths(&[scenarios_dir()], &SuiteOptions::default()),
    )
    .await
    .expect("bounded")
    .expect("scenarios/");
    assert!(outcomes.len() >= 15);
    let mut hits = Vec::new();
    for o in &outcomes {
        let label = o.file.display().to_string();
        hits.extend(scan(
            &format!("transcript {label}"),
            &transcript::scenario(o),
            &needles,
        ));
        hits.extend(scan(
            &format!("reason {label}"),
            &o.reason().unwrap_or_default(),
            &needles,
        ));
    }
    hits.extend(scan(
        "run report -v",
        &report(&outcomes, true, false),
        &needles,
    ));
    hits.extend(scan(
        "run report",
        &report(&outcomes, false, false),
        &needles,
    ));
    // Every machine-readable report format too.
    let junit = rsa_verify_sim::report::junit(&outcomes, "rsa-verify-sim").expect("junit");
    let json = rsa_verify_sim::report::json(&outcomes).expect("json");
    let html = rsa_verify_sim::report::html(&outcomes).expect("html");
    hits.extend(scan("JUnit report", &junit, &needles));
    hits.extend(scan("JSON report", &json, &needles));
    hits.extend(scan("HTML report", &html, &needles));
    assert!(
        hits.is_empty(),
        "{} leaks:\n{}",
        hits.len(),
        hits.join("\n")
    );
}

/// The bundled scenarios all pass, so failure texts (unmet expectations quoting expected and
/// found values) are exercised on copies whose `delivered` and `bridge_status` are inverted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_appears_when_every_bundled_scenario_fails_its_expectations() {
    let needles = needles();
    let dir = tempfile::tempdir().expect("temp dir");
    for file in load::discover(&[scenarios_dir()]).expect("scenarios/") {
        let text = std::fs::read_to_string(&file).expect("readable");
        let inverted = text
            .replace("delivered = true", "delivered = @")
            .replace("delivered = false", "delivered = true")
            .replace("delivered = @", "delivered = false")
            .replace("bridge_status = ", "bridge_status = 1")
            .lines()
            .map(|l| {
                // Expected fields that no longer match, so the unmet text quotes what was found.
                if l.contains("_received") {
                    l.replace(" = \"", " = \"X")
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let rel = file.strip_prefix(scenarios_dir()).expect("inside");
        let dst = dir.path().join(rel);
        std::fs::create_dir_all(dst.parent().expect("parent")).expect("mkdir");
        std::fs::write(&dst, inverted).expect("write");
    }
    let outcomes = tokio::time::timeout(
        Duration::from_secs(180),
        suite::run_paths(&[dir.path().to_path_buf()], &SuiteOptions::default()),
    )
    .await
    .expect("bounded")
    .expect("copies");
    let failed = outcomes
        .iter()
        .filter(|o| o.status == rsa_verify_sim::scenario::Status::Failed)
        .count();
    assert!(failed >= 15, "only {failed} inverted scenarios failed");
    let text = report(&outcomes, true, false);
    assert!(text.contains(" to receive api_secret = "), "{text}");
    let mut hits = scan(
        "inverted run report",
        &report(&outcomes, true, false),
        &needles,
    );
    for o in &outcomes {
        hits.extend(scan(
            "inverted reason",
            &o.reason().unwrap_or_default(),
            &needles,
        ));
    }
    assert!(
        hits.is_empty(),
        "{} leaks:\n{}",
        hits.len(),
        hits.join("\n")
    );
}

#[test]
fn no_secret_of_any_bundled_scenario_appears_in_the_binarys_output() {
    let needles = needles();
    let out = Command::new(env!("CARGO_BIN_EXE_rsa-verify-sim"))
        .args(["run", "scenarios", "-v"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("scenarios: "), "{stdout}\n{stderr}");
    // Every scenario ran, so the scan covered real transcripts.
    assert!(stdout.matches("RSA verdict").count() >= 15, "{stdout}");
    let mut hits = scan("stdout", &stdout, &needles);
    hits.extend(scan("stderr", &stderr, &needles));
    assert!(
        hits.is_empty(),
        "{} leaks:\n{}",
        hits.len(),
        hits.join("\n")
    );
}

#[test]
fn no_secret_appears_in_render_or_lint_of_any_bundled_scenario_text_or_json() {
    let needles = needles();
    let mut hits = Vec::new();
    let mut runs = 0;
    for file in load::discover(&[scenarios_dir()]).expect("scenarios/") {
        let path = file.display().to_string();
        for args in [
            vec!["render", path.as_str()],
            vec!["render", "--json", path.as_str()],
            vec!["lint", path.as_str()],
            vec!["lint", "--json", path.as_str()],
        ] {
            let out = Command::new(env!("CARGO_BIN_EXE_rsa-verify-sim"))
                .args(&args)
                .output()
                .expect("the binary runs");
            runs += 1;
            let what = args.join(" ");
            hits.extend(scan(&what, &String::from_utf8_lossy(&out.stdout), &needles));
            hits.extend(scan(&what, &String::from_utf8_lossy(&out.stderr), &needles));
        }
    }
    assert!(runs >= 60);
    assert!(
        hits.is_empty(),
        "{} leaks:\n{}",
        hits.len(),
        hits.join("\n")
    );
}

/// The malformed corpus too: errors at load time are printed before any redactor exists.
#[test]
fn no_secret_of_the_malformed_corpus_appears_when_it_is_run() {
    let out = Command::new(env!("CARGO_BIN_EXE_rsa-verify-sim"))
        .args(["run", "--timeout", "20", "-v", "tests/corpus"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("scenarios: "), "{text}");
    for secret in [
        "corpus-secret-7Qm2xw",
        "pr0xy-Pass!",
        "90817263",
        "31415926",
    ] {
        let secret = Secret {
            label: "corpus".into(),
            value: secret.into(),
            basic_users: vec!["rsa-am".into()],
        };
        for spelling in spellings(&secret) {
            assert!(!text.contains(&spelling), "{spelling:?} in:\n{text}");
        }
    }
}

#[test]
fn the_scan_would_see_a_leak_in_every_spelling() {
    // The scanner itself: each spelling of a known secret placed in text is found.
    let secret = Secret {
        label: "x".into(),
        value: "Tr0ub4dor&3=horse+staple".into(),
        basic_users: vec!["VA0123".into()],
    };
    let needles: Vec<Needle> = spellings(&secret)
        .into_iter()
        .map(|spelling| Needle {
            label: "x".into(),
            file: "f".into(),
            spelling,
        })
        .collect();
    let basic =
        base64::engine::general_purpose::STANDARD.encode("someone-else:Tr0ub4dor&3=horse+staple");
    for text in [
        "api_secret=Tr0ub4dor%263%3Dhorse%2Bstaple".to_string(),
        "Tr0ub4dor%263%3dhorse%2bstaple".to_string(),
        format!("Authorization: Basic {basic}"),
        "\"Tr0ub4dor&3=horse+staple\"".to_string(),
    ] {
        assert!(
            !scan("t", &text, &needles).is_empty(),
            "not found in {text}"
        );
    }
}
