//! The JUnit, JSON and HTML reports of a run, built from hand-made outcomes that carry a secret in
//! every place one can hide: request bodies, form fields, URLs, Authorization and other headers,
//! failure messages, diagnoses, unmet expectations and errors.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use rsa_verify_sim::journal::{Exchange, Hop};
use rsa_verify_sim::plugin::encode::url_encode;
use rsa_verify_sim::plugin::response::{Decision, Found, Outcome};
use rsa_verify_sim::plugin::{Delivery, Failure, FailureClass, RenderedRequest};
use rsa_verify_sim::redact::Redactor;
use rsa_verify_sim::report::{self, ReportError};
use rsa_verify_sim::scenario::{self, ScenarioOutcome, Status, StepOutcome};

const SECRET: &str = "Sup3r&Secret+Token/42x";
const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
const BODY_WITH_MARKUP: &str = r#"<script>alert("pwned")</script> & 'quotes'"#;

fn basic() -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{ACCOUNT}:{SECRET}"))
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn redactor() -> Redactor {
    let mut r = Redactor::new();
    r.add("api_secret", SECRET);
    r
}

fn plugin_exchange(status: Option<u16>, body: Option<&str>, error: Option<&str>) -> Exchange {
    Exchange {
        hop: Hop::PluginToBridge,
        method: "POST".to_string(),
        url: format!(
            "https://demo-1234.twil.io/k3v9q-path?key={}",
            url_encode(SECRET)
        ),
        request_headers: pairs(&[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Authorization", &format!("Basic {}", basic())),
        ]),
        request_body: format!(
            "To=61412345678&Customcode=48213765&Channel=sms&api_secret={}",
            url_encode(SECRET)
        ),
        form: pairs(&[
            ("key", SECRET),
            ("To", "61412345678"),
            ("Customcode", "48213765"),
            ("Channel", "sms"),
            ("api_secret", SECRET),
        ]),
        status,
        response_headers: pairs(&[("Content-Type", "application/json")]),
        response_body: body.map(str::to_string),
        error: error.map(str::to_string),
        at: "2026-03-01T09:00:00Z".to_string(),
    }
}

fn verify_exchange(status: u16, body: &str) -> Exchange {
    Exchange {
        hop: Hop::BridgeToVerify,
        method: "POST".to_string(),
        url:
            "https://verify.twilio.com/v2/Services/VA0123456789abcdef0123456789abcdef/Verifications"
                .to_string(),
        request_headers: pairs(&[
            ("Authorization", &format!("Basic {}", basic())),
            ("X-Forwarded-Credentials", &basic()),
        ]),
        request_body: "To=%2B61412345678&Channel=sms&CustomCode=48213765".to_string(),
        form: pairs(&[
            ("To", "+61412345678"),
            ("Channel", "sms"),
            ("CustomCode", "48213765"),
        ]),
        status: Some(status),
        response_headers: pairs(&[("Content-Type", "application/json")]),
        response_body: Some(body.to_string()),
        error: None,
        at: "2026-03-01T09:00:00.250Z".to_string(),
    }
}

fn rendered_request() -> RenderedRequest {
    let e = plugin_exchange(None, None, None);
    RenderedRequest {
        method: e.method,
        url: e.url,
        headers: e.request_headers,
        body: e.request_body,
        decoded: e.form,
        notes: vec![format!(
            "api_secret {SECRET} substituted from $cfg.password"
        )],
    }
}

fn outcome(file: &str, name: &str, status: Status, steps: Vec<StepOutcome>) -> ScenarioOutcome {
    ScenarioOutcome {
        file: PathBuf::from(file),
        name: name.to_string(),
        tags: vec!["guide".to_string(), "smoke".to_string()],
        status,
        error: None,
        steps,
        duration: Duration::from_millis(1234),
        redactor: redactor(),
    }
}

/// Delivered; the journal holds the Verify exchange first, as it is recorded first.
fn passing() -> ScenarioOutcome {
    let step = StepOutcome {
        name: "login".to_string(),
        delivery: Delivery {
            request: Some(rendered_request()),
            status: Some(200),
            response_body: Some(r#"{"status": "pending"}"#.to_string()),
            decision: Some(Decision {
                success: true,
                outcome: Outcome::Success,
                found: Some(Found {
                    start: 0,
                    end: 20,
                    start_char: 0,
                    end_char: 20,
                    text: r#"{"status": "pending""#.to_string(),
                    group: 1,
                    participated: true,
                    compared: "pending".to_string(),
                }),
                explanation: "compared \"pending\" with \"pending\"".to_string(),
            }),
            failure: None,
            warnings: Vec::new(),
        },
        exchanges: vec![
            verify_exchange(201, r#"{"sid": "VE01", "status": "pending"}"#),
            plugin_exchange(Some(200), Some(r#"{"status": "pending"}"#), None),
        ],
        unmet: Vec::new(),
    };
    outcome(
        "scenarios/guide/delivers.toml",
        "Integration-guide setup delivers the tokencode",
        Status::Passed,
        vec![step],
    )
}

/// Verify refused the number; the bridge answered 400 with markup in its body.
fn failing() -> ScenarioOutcome {
    let step = StepOutcome {
        name: "login".to_string(),
        delivery: Delivery {
            request: Some(rendered_request()),
            status: Some(400),
            response_body: Some(BODY_WITH_MARKUP.to_string()),
            decision: None,
            failure: Some(Failure {
                class: FailureClass::HttpStatus,
                message: format!(
                    "java.io.IOException: Server returned HTTP response code: 400 for URL: https://demo-1234.twil.io/k3v9q-path?key={}",
                    url_encode(SECRET)
                ),
                diagnosis: format!("the bridge rejected the request (api_secret was {SECRET})"),
            }),
            warnings: vec![format!("password {SECRET} is stored in clear")],
        },
        exchanges: vec![
            verify_exchange(400, r#"{"code": 60200, "message": "Invalid parameter <To>"}"#),
            plugin_exchange(Some(400), Some(BODY_WITH_MARKUP), None),
        ],
        unmet: vec![
            "delivered: expected true, found false".to_string(),
            format!("bridge_received.api_secret: expected \"x\", found {SECRET:?}"),
        ],
    };
    outcome(
        "scenarios/encoding/literal-plus.toml",
        "A literal + in Parameters arrives as a space",
        Status::Failed,
        vec![step],
    )
}

/// The TLS handshake failed: no response, a red crossed arrow.
fn tls_failure() -> ScenarioOutcome {
    let error = "javax.net.ssl.SSLHandshakeException: PKIX path building failed";
    let step = StepOutcome {
        name: "login".to_string(),
        delivery: Delivery {
            request: Some(rendered_request()),
            status: None,
            response_body: None,
            decision: None,
            failure: Some(Failure {
                class: FailureClass::Tls,
                message: error.to_string(),
                diagnosis: "the trust store does not hold the bridge's root certificate"
                    .to_string(),
            }),
            warnings: Vec::new(),
        },
        exchanges: vec![plugin_exchange(None, None, Some(error))],
        unmet: vec!["delivered: expected true, found false".to_string()],
    };
    outcome(
        "./scenarios/tls/missing-root.toml",
        "Missing root certificate",
        Status::Failed,
        vec![step],
    )
}

fn could_not_run() -> ScenarioOutcome {
    let mut o = ScenarioOutcome::error(
        PathBuf::from("scenarios/broken.toml"),
        "Broken scenario".to_string(),
        format!("[rsa] password = {SECRET:?}: unknown field `pasword`"),
        Duration::from_millis(3),
    );
    o.redactor = redactor();
    o
}

fn all() -> Vec<ScenarioOutcome> {
    vec![passing(), failing(), tls_failure(), could_not_run()]
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn junit_has_one_testcase_per_scenario_with_a_failure_or_error_where_expected() {
    let xml = report::junit(&all(), "rsa-verify-sim").unwrap();
    let parsed = quick_junit::Report::deserialize_from_str(&xml).unwrap();
    assert_eq!(parsed.test_suites.len(), 1);
    let suite = &parsed.test_suites[0];
    assert_eq!(suite.name.as_str(), "rsa-verify-sim");
    assert_eq!((suite.tests, suite.failures, suite.errors), (4, 2, 1));
    let cases = &suite.test_cases;
    assert_eq!(cases.len(), 4);
    assert_eq!(
        cases[0].name.as_str(),
        "Integration-guide setup delivers the tokencode"
    );
    assert_eq!(
        cases[0].classname.as_ref().map(|c| c.as_str()),
        Some("scenarios.guide.delivers")
    );
    assert_eq!(
        cases[2].classname.as_ref().map(|c| c.as_str()),
        Some("scenarios.tls.missing-root")
    );
    assert_eq!(count(&xml, "<testcase "), 4);
    assert_eq!(count(&xml, "<failure "), 2);
    assert_eq!(count(&xml, "<error "), 1);
    assert!(xml.contains("time=\"1.234\""), "{xml}");
    assert!(
        xml.contains(
            "message=\"login: delivered: expected true, found false (RSA: not delivered [http_status]: the bridge rejected the request (api_secret was [REDACTED:api_secret]))\""
        ),
        "{xml}"
    );
    assert!(xml.contains("type=\"http_status\""), "{xml}");
    assert!(xml.contains("<system-out>"), "{xml}");
    assert!(xml.contains("RSA verdict: NOT delivered [tls]"), "{xml}");
}

#[test]
fn junit_for_a_passing_and_a_failing_scenario_matches_the_snapshot() {
    let xml = report::junit(&[passing(), failing()], "rsa-verify-sim").unwrap();
    insta::assert_snapshot!("junit_two_scenarios", xml);
}

#[test]
fn json_parses_and_has_every_documented_field() {
    let text = report::json(&all()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["schema"], "rsa-verify-sim/report");
    assert_eq!(v["version"], 1);
    let s = &v["summary"];
    assert_eq!(
        (&s["passed"], &s["failed"], &s["errors"], &s["total"]),
        (&1.into(), &2.into(), &1.into(), &4.into())
    );
    assert_eq!(s["duration_ms"], 3 * 1234 + 3);
    let scenarios = v["scenarios"].as_array().unwrap();
    assert_eq!(scenarios.len(), 4);
    for sc in scenarios {
        for key in [
            "file",
            "name",
            "tags",
            "status",
            "error",
            "duration_ms",
            "steps",
        ] {
            assert!(sc.get(key).is_some(), "scenario lacks {key}: {sc}");
        }
    }
    assert_eq!(scenarios[1]["status"], "failed");
    assert_eq!(scenarios[3]["status"], "error");
    assert!(scenarios[3]["error"].as_str().unwrap().contains("pasword"));
    let step = &scenarios[1]["steps"][0];
    for key in [
        "name",
        "delivered",
        "failure",
        "unmet",
        "request",
        "exchanges",
    ] {
        assert!(step.get(key).is_some(), "step lacks {key}: {step}");
    }
    assert_eq!(step["delivered"], false);
    assert_eq!(step["failure"]["class"], "http_status");
    for key in ["message", "diagnosis"] {
        assert!(step["failure"][key].is_string());
    }
    for key in ["method", "url", "headers", "body", "decoded"] {
        assert!(step["request"].get(key).is_some(), "request lacks {key}");
    }
    let exchange = &step["exchanges"][1];
    for key in [
        "hop",
        "method",
        "url",
        "form",
        "status",
        "response_body",
        "error",
        "at",
    ] {
        assert!(exchange.get(key).is_some(), "exchange lacks {key}");
    }
    assert_eq!(exchange["hop"], "plugin_to_bridge");
    assert_eq!(exchange["status"], 400);
    assert_eq!(exchange["form"][1]["name"], "To");
    assert_eq!(exchange["form"][1]["value"], "61412345678");
    assert!(scenarios[0]["steps"][0]["failure"].is_null());
    assert!(scenarios[2]["steps"][0]["exchanges"][0]["status"].is_null());
}

#[test]
fn json_hides_authorization_values_whole() {
    let v: serde_json::Value = serde_json::from_str(&report::json(&all()).unwrap()).unwrap();
    let headers = &v["scenarios"][0]["steps"][0]["exchanges"][0]["request_headers"];
    assert_eq!(headers[0]["name"], "Authorization");
    assert_eq!(headers[0]["value"], "Basic [REDACTED]");
    let rendered = &v["scenarios"][0]["steps"][0]["request"]["headers"];
    assert_eq!(rendered[1]["value"], "Basic [REDACTED]");
}

#[test]
fn every_json_field_is_documented_in_the_schema_document() {
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report-schema.md"),
    )
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&report::json(&all()).unwrap()).unwrap();
    let mut keys = Vec::new();
    collect_keys(&v, &mut keys);
    for key in keys {
        assert!(
            doc.contains(&format!("`{key}`")),
            "docs/report-schema.md does not document `{key}`"
        );
    }
}

fn collect_keys(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, child) in map {
                if !out.contains(k) {
                    out.push(k.clone());
                }
                collect_keys(child, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|i| collect_keys(i, out)),
        _ => {}
    }
}

#[test]
fn json_for_a_passing_and_a_failing_scenario_matches_the_snapshot() {
    let text = report::json(&[passing(), failing()]).unwrap();
    insta::assert_snapshot!("json_two_scenarios", text);
}

/// The checks every HTML report must pass, in a test run with or without a browser.
fn check_html_structure(html: &str, scenarios: usize) {
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("id=\"summary\""));
    assert_eq!(count(html, "<svg class=\"diagram\""), scenarios);
    assert_eq!(count(html, "</svg>"), scenarios);
    assert_eq!(count(html, "<section class=\"scenario "), scenarios);
    assert_eq!(count(html, "<details"), count(html, "</details>"));
    assert_eq!(count(html, "<g"), count(html, "</g>") + count(html, "<g/>"));
    let external =
        regex::Regex::new(r#"(?i)\b(src|href|xlink:href|action)\s*=\s*["']?\s*(https?:)?//"#)
            .unwrap();
    assert!(
        !external.is_match(html),
        "external reference: {:?}",
        external.find(html)
    );
    for forbidden in ["<link", "<script", "<iframe", "<img", "@import", "url(http"] {
        assert!(!html.contains(forbidden), "the page contains {forbidden}");
    }
}

#[test]
fn html_has_a_summary_and_one_diagram_per_scenario_and_is_self_contained() {
    let html = report::html(&all()).unwrap();
    check_html_structure(&html, 4);
    assert!(html.contains("1 passed</span>, <span class=\"failed\">2 failed</span>"));
    assert!(html.contains("class=\"bar\""));
    // URLs are shown as text only.
    assert!(html.contains("https://verify.twilio.com/v2/Services/"));
}

#[test]
fn html_escapes_markup_in_bodies() {
    let html = report::html(&[failing()]).unwrap();
    assert!(!html.contains("<script"));
    assert!(!html.contains("<To>"));
    assert!(html
        .contains("&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;"));
}

#[test]
fn html_tells_the_story_in_order() {
    let html = report::html(&[passing()]).unwrap();
    let svg = &html[html.find("<svg").unwrap()..html.find("</svg>").unwrap()];
    let labels = [
        "POST /k3v9q-path",
        "POST /v2/Services/VA01…789abcdef/Verifications",
        "201 {&quot;sid&quot;: &quot;VE01&quot;",
        "200 {&quot;status&quot;: &quot;pending&quot;}",
        "RSA verdict: delivered (Response Format found &quot;pending&quot;)",
    ];
    let mut last = 0;
    for label in labels {
        let at = svg[last..]
            .find(label)
            .unwrap_or_else(|| panic!("{label} missing or out of order in {svg}"));
        last += at + label.len();
    }
    assert!(svg.contains("To=&quot;61412345678&quot;"));
}

#[test]
fn html_draws_a_transport_error_as_a_red_crossed_arrow() {
    let html = report::html(&[tls_failure()]).unwrap();
    assert_eq!(count(&html, "class=\"arrow broken\""), 1);
    assert!(html.contains("✗ no response: javax.net.ssl.SSLHandshakeException"));
    assert!(html.contains("RSA verdict: NOT delivered [tls]"));
}

#[test]
fn html_opens_failures_with_a_callout_and_collapses_passing_scenarios() {
    let html = report::html(&[passing(), failing()]).unwrap();
    let pass =
        &html[html.find("id=\"scenario-1\"").unwrap()..html.find("id=\"scenario-2\"").unwrap()];
    let fail = &html[html.find("id=\"scenario-2\"").unwrap()..];
    assert!(pass.contains("<details>\n"));
    assert!(!pass.contains("class=\"callout\""));
    assert!(fail.contains("<details open>"));
    assert!(fail.contains("<div class=\"callout\">"));
    assert!(fail.contains("Expectations not met"));
    assert!(fail.contains("the bridge rejected the request"));
    assert!(html.contains("<section class=\"scenario failed\""));
}

#[test]
fn no_report_contains_the_secret_in_any_spelling() {
    let outcomes = all();
    let reports = [
        ("junit", report::junit(&outcomes, "suite").unwrap()),
        ("json", report::json(&outcomes).unwrap()),
        ("html", report::html(&outcomes).unwrap()),
    ];
    let b64 = base64::engine::general_purpose::STANDARD;
    let spellings = [
        SECRET.to_string(),
        url_encode(SECRET),
        url_encode(SECRET).replace('+', "%20"),
        SECRET.replace('&', "&amp;"),
        b64.encode(SECRET),
        basic(),
        // The distinctive middle, so that a partly redacted or cut secret is caught too.
        "Secret+Token".to_string(),
        "Secret%2BToken".to_string(),
        // Base64 characters that encode only bytes of the secret (the account SID is no secret).
        basic()[52..68].to_string(),
    ];
    for (kind, text) in &reports {
        for spelling in &spellings {
            assert!(
                !text.contains(spelling.as_str()),
                "the {kind} report contains the secret as {spelling:?}"
            );
        }
        assert!(text.contains("[REDACTED:api_secret]"), "{kind}");
    }
}

#[test]
fn write_atomically_replaces_the_file_and_leaves_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.xml");
    std::fs::write(&path, "old").unwrap();
    report::write_atomically(&path, "new contents").unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "new contents");
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1);
}

#[cfg(unix)]
#[test]
fn write_atomically_creates_the_report_with_the_permissions_of_any_new_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.txt");
    std::fs::write(&plain, "x").unwrap();
    let path = dir.path().join("report.html");
    report::write_atomically(&path, "x").unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), mode(&plain));
}

#[test]
fn html_draws_every_step_of_a_scenario_in_one_diagram() {
    let mut o = passing();
    let mut rejected = o.steps[0].clone();
    rejected.name = "second login after the console edit".to_string();
    rejected.exchanges.clear();
    rejected.delivery.request = None;
    rejected.delivery.decision = None;
    rejected.delivery.failure = Some(Failure {
        class: FailureClass::ConfigRejected,
        message: "Invalid Base URL".to_string(),
        diagnosis: "the Security Console refuses a URL with spaces".to_string(),
    });
    o.steps.push(rejected);
    let html = report::html(&[o]).unwrap();
    check_html_structure(&html, 1);
    assert!(html.contains("step 1: login"));
    assert!(html.contains("step 2: second login after the console edit"));
    assert!(html.contains("(no request was sent)"));
    assert!(html.contains("RSA verdict: NOT delivered [config_rejected]"));
    // An expected failure is explained, in grey rather than red.
    assert!(html.contains("<div class=\"info\"><h3>second login after the console edit</h3>"));
}

#[test]
fn write_atomically_names_the_path_when_it_cannot_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing-folder").join("report.json");
    let error = report::write_atomically(&path, "{}").unwrap_err();
    assert!(matches!(error, ReportError::TempFile { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("missing-folder/report.json"), "{message}");
    assert!(message.contains("No such file"), "{message}");
}

/// Real outcomes from the bundled scenarios, not hand-made ones: the reports stay well-formed and
/// never show the secrets of either scenario.
#[tokio::test]
async fn reports_of_a_real_run_are_well_formed_and_redacted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut outcomes = Vec::new();
    for file in [
        "scenarios/guide/delivers.toml",
        "scenarios/bridge/wrong-api-secret.toml",
    ] {
        let loaded = scenario::load(&root.join(file)).unwrap();
        outcomes.push(scenario::run_scenario(&loaded, &scenario::RunOptions::default()).await);
    }
    let statuses: Vec<(Status, Option<String>)> = outcomes
        .iter()
        .map(|o| (o.status, o.error.clone()))
        .collect();
    assert_eq!(statuses, [(Status::Passed, None), (Status::Passed, None)]);
    let junit = report::junit(&outcomes, "bundled").unwrap();
    let parsed = quick_junit::Report::deserialize_from_str(&junit).unwrap();
    assert_eq!(parsed.test_suites[0].test_cases.len(), 2);
    let json: serde_json::Value = serde_json::from_str(&report::json(&outcomes).unwrap()).unwrap();
    assert_eq!(json["summary"]["total"], 2);
    let verify_call = &json["scenarios"][0]["steps"][0]["exchanges"][0];
    assert_eq!(verify_call["hop"], "bridge_to_verify");
    let authorization = verify_call["request_headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| {
            h["name"]
                .as_str()
                .unwrap()
                .eq_ignore_ascii_case("authorization")
        })
        .unwrap();
    assert_eq!(authorization["value"], "Basic [REDACTED]");
    assert_eq!(
        json["scenarios"][1]["steps"][0]["failure"]["class"],
        "http_status"
    );
    let html = report::html(&outcomes).unwrap();
    check_html_structure(&html, 2);
    assert!(html.contains("RSA verdict: NOT delivered [http_status]"));
    assert_eq!(count(&html, "class=\"arrow request\""), 3);
    for text in [&junit, &json.to_string(), &html] {
        for secret in [
            "guide-secret-7Qm2xw",
            "old-secret-before-rotation",
            "new-secret-after-rotation",
        ] {
            assert!(!text.contains(secret), "{secret} in {text}");
            assert!(!text.contains(&url_encode(secret)), "{secret} in {text}");
        }
    }
}

/// Where the browser is looked for; `CHROMIUM=/path/to/chrome` overrides it (then it must exist).
fn chromium() -> Option<PathBuf> {
    match std::env::var_os("CHROMIUM") {
        Some(path) => {
            let path = PathBuf::from(path);
            assert!(path.exists(), "CHROMIUM={} does not exist", path.display());
            Some(path)
        }
        None => Some(PathBuf::from("/usr/bin/chromium")).filter(|p| p.exists()),
    }
}

/// Always checks the page's structure; when Chromium is installed (/usr/bin/chromium, or the
/// `CHROMIUM` environment variable), also renders it headless and checks the DOM the browser built.
/// CI installs Chromium so that this part runs there.
#[test]
fn html_renders_in_a_browser_with_the_summary_and_one_diagram_per_scenario() {
    let outcomes = all();
    let html = report::html(&outcomes).unwrap();
    check_html_structure(&html, outcomes.len());
    let Some(browser) = chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    report::write_atomically(&page, &html).unwrap();
    let dom = dump_dom(&browser, &page, dir.path());
    assert!(dom.contains("id=\"summary\""), "{dom}");
    assert!(dom.contains("1 passed"), "{dom}");
    assert_eq!(
        count(&dom, "<svg class=\"diagram\""),
        outcomes.len(),
        "{dom}"
    );
    assert_eq!(count(&dom, "<section class=\"scenario "), outcomes.len());
    // The escaped body stayed text: the browser built no script element from it.
    assert!(!dom.contains("<script"), "{dom}");
}

fn dump_dom(browser: &Path, page: &Path, dir: &Path) -> String {
    let out_path = dir.join("dom.html");
    let out = std::fs::File::create(&out_path).unwrap();
    let profile = dir.join("profile");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "chromium exited with {status}");
            break;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    std::fs::read_to_string(out_path).unwrap()
}
