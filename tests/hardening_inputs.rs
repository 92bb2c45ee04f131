//! Fuzz-style property tests: every parser and decision that reads user or wire input must return
//! (a value or an error), never panic, on arbitrary and on mutated valid input.
//!
//! Targets: the Velocity-style templates, form decoding, scenario files, the Response Format
//! (compile + decide), PEM/DER certificates, the proxy's request-head parser.
//!
//! Case counts are bounded so the file takes a few seconds; run longer with
//! `PROPTEST_CASES=100000 cargo test --release --test hardening_inputs` (the variable replaces
//! every count below). A crashing input found here belongs in tests/regressions/ with a test in
//! tests/hardening_regressions.rs.

use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::Config;
use rsa_verify_sim::pki::pem::{parse_blocks, parse_certificates};
use rsa_verify_sim::pki::{Pki, PkiSpec};
use rsa_verify_sim::plugin::config::Comparison;
use rsa_verify_sim::plugin::encode::{form_decode, url_encode, Splitting};
use rsa_verify_sim::plugin::response::{decide, ResponseFormat};
use rsa_verify_sim::plugin::template::{
    parse as parse_template, render_message, render_parameters, render_text, used_references,
    Context, Vars,
};
use rsa_verify_sim::proxy::head;
use rsa_verify_sim::scenario::{load, parse_duration};

/// `default` cases, or `PROPTEST_CASES` when set.
fn cases(default: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    Config {
        cases,
        // Crashes found are kept by hand in tests/regressions/, not in proptest-regressions/.
        failure_persistence: None,
        ..Config::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Strategies

/// Template-ish text: references, braces, escapes, form syntax and any character.
fn template_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("$".to_string()),
        Just("${".to_string()),
        Just("$!{".to_string()),
        Just("}".to_string()),
        Just("\\".to_string()),
        Just("\\\\".to_string()),
        Just(".".to_string()),
        Just("msg.address".to_string()),
        Just("$msg.message".to_string()),
        Just("$OTT".to_string()),
        Just("$Lifetime".to_string()),
        Just("${plus}".to_string()),
        Just("$cfg.password".to_string()),
        Just("&".to_string()),
        Just("=".to_string()),
        Just("%".to_string()),
        Just("%2".to_string()),
        Just("#if".to_string()),
        "[a-zA-Z0-9_-]{1,4}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..32).prop_map(|v| v.concat())
}

fn any_text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(any::<char>(), 0..max).prop_map(String::from_iter)
}

/// Regex-ish text: Java constructs, quantifiers, groups, classes and escapes in any order.
fn regex_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("(".to_string()),
        Just(")".to_string()),
        Just("(?:".to_string()),
        Just("(?<n>".to_string()),
        Just("(?i)".to_string()),
        Just("(?s)".to_string()),
        Just("(?=".to_string()),
        Just("(?<=".to_string()),
        Just("(?<!".to_string()),
        Just("(?>".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("[^".to_string()),
        Just("[a-z&&[^x]]".to_string()),
        Just("\\".to_string()),
        Just("\\s".to_string()),
        Just("\\d".to_string()),
        Just("\\w".to_string()),
        Just("\\b".to_string()),
        Just("\\p{L}".to_string()),
        Just("\\p{javaLowerCase}".to_string()),
        Just("\\Q".to_string()),
        Just("\\E".to_string()),
        Just("\\1".to_string()),
        Just("\\k<n>".to_string()),
        Just("\\x{41}".to_string()),
        Just("\\u0041".to_string()),
        Just("\\0101".to_string()),
        Just("\\z".to_string()),
        Just("\\Z".to_string()),
        Just("\\G".to_string()),
        Just("\\R".to_string()),
        Just("*".to_string()),
        Just("+".to_string()),
        Just("?".to_string()),
        Just("*+".to_string()),
        Just("+?".to_string()),
        Just("{2}".to_string()),
        Just("{2,}".to_string()),
        Just("{1,3}".to_string()),
        Just("{".to_string()),
        Just("|".to_string()),
        Just(".".to_string()),
        Just("^".to_string()),
        Just("$".to_string()),
        Just("status\":".to_string()),
        Just("\"".to_string()),
        "[a-z]{1,3}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..14).prop_map(|v| v.concat())
}

fn body_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("{\"status\":\"pending\"}".to_string()),
        Just("\"status\": \"".to_string()),
        Just("pending".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\u{a0}".to_string()),
        Just("\u{2028}".to_string()),
        Just("😀".to_string()),
        "[a-z\" :{}]{1,6}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

fn vars() -> impl Strategy<Value = Vars> {
    (any_text(12), any_text(12), any_text(12), any_text(12)).prop_map(
        |(address, ott, user, password)| Vars {
            address,
            message: "Your tokencode is: 1".into(),
            ott,
            user,
            password,
            lifetime: "60".into(),
        },
    )
}

/// Mutations applied to valid text: delete, insert, replace, duplicate or truncate.
#[derive(Clone, Debug)]
enum Mutation {
    Delete { at: usize, len: usize },
    Insert { at: usize, text: String },
    ReplaceByte { at: usize, byte: u8 },
    DuplicateLine { line: usize },
    SwapLines { a: usize, b: usize },
    Truncate { at: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let fragment = prop_oneof![
        Just("[".to_string()),
        Just("]".to_string()),
        Just("[[".to_string()),
        Just("=".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("'''".to_string()),
        Just("\n".to_string()),
        Just("#".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just(",".to_string()),
        Just("\\".to_string()),
        Just("\\u{".to_string()),
        Just("-----".to_string()),
        Just("x = 1\n".to_string()),
        Just("[expect]\n".to_string()),
        Just("[[steps]]\n".to_string()),
        Just("99999999999999999999".to_string()),
        Just("-1".to_string()),
        Just("1e400".to_string()),
        Just("nan".to_string()),
        Just("2026-13-45T99:99:99Z".to_string()),
        any::<char>().prop_map(String::from),
    ];
    prop_oneof![
        (any::<usize>(), 1..40usize).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), fragment).prop_map(|(at, text)| Mutation::Insert { at, text }),
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::ReplaceByte { at, byte }),
        any::<usize>().prop_map(|line| Mutation::DuplicateLine { line }),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines { a, b }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
    ]
}

fn apply(bytes: &[u8], m: &Mutation) -> Vec<u8> {
    let mut out = bytes.to_vec();
    if out.is_empty() {
        return out;
    }
    let n = out.len();
    match m {
        Mutation::Delete { at, len } => {
            let at = at % n;
            let end = (at + len).min(n);
            out.drain(at..end);
        }
        Mutation::Insert { at, text } => {
            let at = at % (n + 1);
            out.splice(at..at, text.bytes());
        }
        Mutation::ReplaceByte { at, byte } => out[at % n] = *byte,
        Mutation::DuplicateLine { line } => {
            let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
            let i = line % lines.len();
            let mut v: Vec<Vec<u8>> = lines.iter().map(|l| l.to_vec()).collect();
            v.insert(i, lines[i].to_vec());
            out = v.join(&b'\n');
        }
        Mutation::SwapLines { a, b } => {
            let mut v: Vec<Vec<u8>> = bytes.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
            let len = v.len();
            v.swap(a % len, b % len);
            out = v.join(&b'\n');
        }
        Mutation::Truncate { at } => out.truncate(at % n),
    }
    out
}

/// Every bundled scenario file's text (valid seeds for mutation).
fn seeds() -> &'static Vec<String> {
    static SEEDS: OnceLock<Vec<String>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let files = load::discover(&[dir]).expect("scenarios/ is readable");
        files
            .iter()
            .map(|f| std::fs::read_to_string(f).expect("readable scenario"))
            .collect()
    })
}

/// A valid PEM chain (leaf, intermediate, root), generated once.
fn valid_pem() -> &'static String {
    static PEM: OnceLock<String> = OnceLock::new();
    PEM.get_or_init(|| {
        let now = time::macros::datetime!(2026-01-15 09:00 UTC);
        let pki = Pki::generate("demo.twil.io", &PkiSpec::default(), now).expect("pki");
        ["leaf", "intermediate", "root"]
            .iter()
            .map(|n| pki.get(n).expect("named certificate").pem.clone())
            .collect()
    })
}

/// Checks an error position (when given) lies inside the text.
fn position_is_inside(text: &str, e: &load::LoadError) -> Result<(), TestCaseError> {
    if let Some(line) = e.line {
        let lines = text.split('\n').count();
        prop_assert!(line >= 1 && line <= lines, "line {line} of {lines}: {e}");
        prop_assert!(e.column.is_some_and(|c| c >= 1), "{e}");
    }
    prop_assert!(e.to_string().starts_with("fuzz.toml"), "{e}");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Properties

proptest! {
    #![proptest_config(cases(2000))]

    #[test]
    fn templates_render_or_refuse_without_panicking(template in template_text(), vars in vars()) {
        let parsed = parse_template(&template);
        let _ = used_references(&template, Context::Request);
        let strict = render_parameters(&template, &vars, Splitting::Strict);
        let naive = render_parameters(&template, &vars, Splitting::Naive);
        let text = render_text(&template, &vars, true);
        let _ = render_message(&template, &vars.ott, 60);
        // All renderings agree on whether the template is valid, and errors point inside it.
        prop_assert_eq!(parsed.is_ok(), strict.is_ok());
        prop_assert_eq!(strict.is_ok(), naive.is_ok());
        prop_assert_eq!(naive.is_ok(), text.is_ok());
        if let Err(e) = parsed {
            prop_assert!(e.position <= template.chars().count(), "{e}");
        }
    }

    #[test]
    fn form_decoding_never_panics_and_round_trips_encoded_pairs(
        raw in prop::collection::vec(any::<u8>(), 0..64),
        key in any_text(10),
        value in any_text(10),
    ) {
        let _ = form_decode(&String::from_utf8_lossy(&raw));
        let pairs = form_decode(&format!("{}={}", url_encode(&key), url_encode(&value)));
        prop_assert_eq!(pairs, vec![(key, value)]);
    }

    #[test]
    fn the_proxy_head_parser_returns_a_head_or_an_error_on_any_bytes(
        raw in prop::collection::vec(any::<u8>(), 0..256),
        line in "[A-Z]{0,8} [ -~]{0,20} HTTP/1\\.[01]\r\n([A-Za-z-]{1,8}: [ -~]{0,10}\r\n){0,4}\r\n",
    ) {
        let _ = head::parse(&raw);
        if let Ok(h) = head::parse(line.as_bytes()) {
            prop_assert!(!h.method.is_empty() && !h.target.is_empty());
            prop_assert!(h.version.starts_with("HTTP/"));
        }
    }

    #[test]
    fn certificate_loading_never_panics_on_arbitrary_bytes(
        raw in prop::collection::vec(any::<u8>(), 0..512),
        text in any_text(200),
    ) {
        let _ = parse_certificates(Path::new("fuzz.pem"), &raw);
        let _ = parse_certificates(Path::new("fuzz.pem"), text.as_bytes());
        let _ = parse_blocks(&text);
        // DER-looking bytes go through the X.509 parser.
        let mut der = vec![0x30, 0x82];
        der.extend_from_slice(&raw);
        let _ = parse_certificates(Path::new("fuzz.der"), &der);
    }

    #[test]
    fn scenario_parsing_never_panics_on_arbitrary_text(text in any_text(300)) {
        if let Err(e) = load::parse(Path::new("fuzz.toml"), &text) {
            position_is_inside(&text, &e)?;
        }
    }
}

proptest! {
    #![proptest_config(cases(600))]

    #[test]
    fn mutated_bundled_scenarios_load_or_fail_with_a_position_inside_the_file(
        seed in any::<usize>(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let seeds = seeds();
        let mut bytes = seeds[seed % seeds.len()].clone().into_bytes();
        for m in &mutations {
            bytes = apply(&bytes, m);
        }
        let text = String::from_utf8_lossy(&bytes);
        if let Err(e) = load::parse(Path::new("fuzz.toml"), &text) {
            position_is_inside(&text, &e)?;
            prop_assert!(!e.message.is_empty());
        }
    }

    #[test]
    fn mutated_valid_pem_chains_load_or_fail_with_an_error(
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let mut bytes = valid_pem().clone().into_bytes();
        for m in &mutations {
            bytes = apply(&bytes, m);
        }
        match parse_certificates(Path::new("fuzz.pem"), &bytes) {
            Ok(certs) => prop_assert!(!certs.is_empty()),
            Err(e) => prop_assert!(e.to_string().starts_with("fuzz.pem"), "{e}"),
        }
    }

    #[test]
    fn response_formats_compile_or_refuse_and_decide_without_panicking(
        pattern in regex_text(),
        body in body_text(),
        code in prop_oneof![Just("pending".to_string()), "[a-z]{0,4}"],
    ) {
        match ResponseFormat::compile(&pattern) {
            Ok(format) => {
                for compare in [Comparison::Equals, Comparison::Contains, Comparison::Trim] {
                    let d = decide(&format, &code, &body, compare);
                    prop_assert!(!d.explanation.is_empty());
                    if let Some(found) = &d.found {
                        prop_assert!(found.start <= found.end && found.end <= body.len());
                        prop_assert!(body.is_char_boundary(found.start) && body.is_char_boundary(found.end));
                    }
                }
            }
            Err(e) => {
                let rendered = e.render(&pattern);
                prop_assert!(rendered.contains(&e.message));
                if let Some(p) = e.position {
                    prop_assert!(p <= pattern.chars().count() + 1, "position {p} in {pattern:?}");
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(cases(2000))]

    #[test]
    fn durations_parse_or_refuse_without_panicking(text in "[-+ ]?[0-9]{0,25}[smhdxy ]{0,2}") {
        if let Ok(d) = parse_duration(&text) {
            prop_assert!(d.whole_seconds() >= 0 || text.trim_start().starts_with(['-', '+']));
        }
    }

    #[test]
    fn scenario_values_at_their_extremes_load_or_fail_with_a_position(
        start in prop_oneof![
            Just("0000-01-01T00:00:00Z".to_string()),
            Just("9999-12-31T23:59:59Z".to_string()),
            Just("2026-02-30".to_string()),
            "[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2}))?",
        ],
        advance in "[0-9]{1,22}[smhd]",
        days in prop_oneof![any::<i64>(), -1000i64..100_000],
        small in any::<i64>(),
    ) {
        let text = format!(
            "name = \"x\"\n[rsa]\nbase_url = \"https://demo.twil.io/fn\"\nsuccess_code = \"pending\"\nresponse_format = 'x'\nlifetime_minutes = {small}\nread_timeout_ms = {small}\n[tls]\nleaf_days_after = {days}\nroot_days_before = {days}\n[verify]\ncode_length = {small}\n[clock]\nstart = \"{start}\"\n[[steps]]\nadvance = \"{advance}\"\nexpect = {{ delivered = true }}\n"
        );
        if let Err(e) = load::parse(Path::new("fuzz.toml"), &text) {
            position_is_inside(&text, &e)?;
        }
    }
}

proptest! {
    #![proptest_config(cases(24))]

    /// Expensive (a whole chain of keys per case): few cases, spread over every representable instant.
    #[test]
    fn certificate_chains_generate_or_refuse_for_any_clock_instant(
        unix in prop_oneof![
            -377_705_116_800i64..253_402_300_799,
            Just(-62_167_219_200i64),   // 0000-01-01
            Just(253_402_300_799i64),   // 9999-12-31T23:59:59
            Just(-62_135_596_800i64),   // 0001-01-01
        ],
        before in prop_oneof![Just(30i64), 0i64..80_000],
        after in prop_oneof![Just(3650i64), 0i64..80_000],
    ) {
        let now = time::OffsetDateTime::from_unix_timestamp(unix).expect("in range");
        let spec = PkiSpec {
            root_days_before: before,
            root_days_after: after,
            ..PkiSpec::default()
        };
        if let Ok(pki) = Pki::generate("demo.twil.io", &spec, now) {
            prop_assert!(pki.get("leaf").is_some());
        }
    }
}

/// The whole-file bound: the fuzz targets above must stay a few seconds; this is a smoke check
/// that a catastrophic pattern is cut off by the backtracking limit rather than hanging.
#[test]
fn a_catastrophic_response_format_is_cut_off_by_the_backtracking_limit_not_a_hang() {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let format = ResponseFormat::compile("(a+)+$").expect("compiles");
        let body = format!("{}!", "a".repeat(40));
        let _ = tx.send(decide(&format, "pending", &body, Comparison::Equals));
    });
    let d = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("decided within 60 s");
    assert!(!d.success);
}
