//! Every server of the harness under hostile clients: bodies over the limit, clients that never
//! finish their headers, unsupported methods and content types, invalid UTF-8, garbage instead of
//! HTTP. Each must answer (or drop the client) and keep serving the next one; the bridge must never
//! echo or log the api_secret or verify_sid it was sent.
//!
//! Every wait is bounded; every socket is on 127.0.0.1.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant};

use rsa_verify_sim::bridge::{BridgeConfig, BundledBridge};
use rsa_verify_sim::clock::SimClock;
use rsa_verify_sim::fault::FaultPlan;
use rsa_verify_sim::journal::Journal;
use rsa_verify_sim::pki::{Pki, PkiSpec};
use rsa_verify_sim::proxy::{ForwardProxy, ProxyOptions, Route};
use rsa_verify_sim::verify::{FakeVerify, VerifyConfig};
use rsa_verify_sim::wire::server::{self, ServerOptions};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Bound of every single network wait in this file.
const WAIT: Duration = Duration::from_secs(10);

const SECRET: &str = "hardening-Secret-9xQ";
const SID: &str = "VAfeedfacefeedfacefeedfacefeedface";
const PATH: &str = "/k3v9q-long-random-path";

// ---------------------------------------------------------------------------------------------
// A raw client and log capture

/// A parsed raw response.
#[derive(Debug)]
struct Raw {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Raw {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "expected a JSON body, got {e}: {:?}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }
    fn text(&self) -> String {
        format!(
            "{}\r\n\r\n{}",
            self.head,
            String::from_utf8_lossy(&self.body)
        )
    }
}

/// Writes `bytes`, then reads until the server closes (requests carry `Connection: close`) or a
/// full Content-Length body arrived. Panics if nothing comes back within [`WAIT`].
async fn exchange(addr: SocketAddr, bytes: &[u8]) -> Raw {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(bytes).await.expect("write");
    read_response(&mut stream).await
}

async fn read_response(stream: &mut TcpStream) -> Raw {
    let mut buf = Vec::new();
    let read = async {
        let mut chunk = [0u8; 8192];
        loop {
            if let Some(raw) = parse_complete(&buf) {
                return raw;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => {
                    return parse_complete(&buf).unwrap_or_else(|| {
                        panic!(
                            "connection closed without a complete response: {:?}",
                            String::from_utf8_lossy(&buf)
                        )
                    })
                }
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
    };
    tokio::time::timeout(WAIT, read)
        .await
        .expect("a response within the wait")
}

fn parse_complete(buf: &[u8]) -> Option<Raw> {
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    let body = &buf[end + 4..];
    (body.len() >= length).then(|| Raw {
        status,
        head,
        body: body[..length].to_vec(),
    })
}

/// Waits until the server closes the connection (EOF or reset); returns how long that took, or
/// None when it was still open after `bound`.
async fn closed_within(stream: &mut TcpStream, bound: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut chunk = [0u8; 1024];
    let drained = async {
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    };
    tokio::time::timeout(bound, drained)
        .await
        .ok()
        .map(|()| started.elapsed())
}

fn request(method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

fn form_bytes(body: &[u8]) -> Vec<u8> {
    request(
        "POST",
        PATH,
        &[("Content-Type", "application/x-www-form-urlencoded")],
        body,
    )
}

fn form(body: &str) -> Vec<u8> {
    request(
        "POST",
        PATH,
        &[("Content-Type", "application/x-www-form-urlencoded")],
        body.as_bytes(),
    )
}

/// Everything any `tracing` call in this test binary writes, at every level.
fn captured_logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Arc::new(Mutex::new(Vec::new()));
        let sink = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || Sink(sink.clone()))
            .finish();
        let _ = tracing::subscriber::set_global_default(subscriber);
        logs
    })
    .clone()
}

struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Parties

struct Chain {
    _verify: FakeVerify,
    bridge: BundledBridge,
    journal: Journal,
}

/// A fake Verify and a plain-HTTP bundled bridge configured to call it.
async fn chain() -> Chain {
    let journal = Journal::new();
    let clock = SimClock::starting_at(time::macros::datetime!(2026-01-15 09:00 UTC));
    let mut config = VerifyConfig::default();
    config.services[0].sid = SID.into();
    config.services[0].custom_code_enabled = true;
    let verify = FakeVerify::start(config.clone(), clock, journal.clone())
        .await
        .expect("fake Verify starts");
    let bridge = BundledBridge::start(
        BridgeConfig {
            path: PATH.into(),
            api_secret: SECRET.into(),
            verify_sid: SID.into(),
            verify_base_url: verify.base_url(),
            account_sid: config.account_sid.clone(),
            auth_token: config.auth_token.clone(),
            time_limit: Duration::from_secs(5),
            protected: false,
        },
        None,
        FaultPlan::none(),
    )
    .await
    .expect("bridge starts");
    Chain {
        _verify: verify,
        bridge,
        journal,
    }
}

fn good_form() -> String {
    format!(
        "To=%2B61412345678&Customcode=48213765&Channel=sms&verify_sid={SID}&api_secret={SECRET}"
    )
}

async fn fake_verify() -> (FakeVerify, VerifyConfig) {
    let config = VerifyConfig::default();
    let clock = SimClock::starting_at(time::macros::datetime!(2026-01-15 09:00 UTC));
    let fake = FakeVerify::start(config.clone(), clock, Journal::new())
        .await
        .expect("fake Verify starts");
    (fake, config)
}

fn verify_create(config: &VerifyConfig, content_type: &str, body: &[u8]) -> Vec<u8> {
    use base64::Engine;
    let basic = base64::engine::general_purpose::STANDARD
        .encode(format!("{}:{}", config.account_sid, config.auth_token));
    request(
        "POST",
        &format!("/v2/Services/{}/Verifications", config.services[0].sid),
        &[
            ("Authorization", &format!("Basic {basic}")),
            ("Content-Type", content_type),
        ],
        body,
    )
}

/// 200 garbage-ish byte strings that are not HTTP: random bytes, a TLS ClientHello on a plain
/// port, an HTTP/2 preface, NULs, a request line with no end, a huge header line.
fn garbage_inputs() -> Vec<Vec<u8>> {
    let mut inputs: Vec<Vec<u8>> = vec![
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03".to_vec(),
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec(),
        vec![0u8; 4096],
        b"GET / HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n".to_vec(),
        b"GET / HTTP/9.9\r\n\r\n".to_vec(),
        b"\r\n\r\n\r\n\r\n".to_vec(),
        format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(100_000)).into_bytes(),
        format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "b".repeat(200_000)).into_bytes(),
        b"POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n".to_vec(),
        b"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello".to_vec(),
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".to_vec(),
    ];
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..20 {
        let len = (seed % 2000) as usize + 1;
        let mut bytes = Vec::with_capacity(len);
        for _ in 0..len {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            bytes.push(seed as u8);
        }
        inputs.push(bytes);
    }
    inputs
}

/// Sends each garbage input on its own connection (not waiting for more than a short while for
/// the server to react), then checks a well-formed request on a new connection is answered.
async fn survives_garbage(addr: SocketAddr, good: &[u8], expected_status: u16) {
    for input in garbage_inputs() {
        if let Ok(mut stream) = TcpStream::connect(addr).await {
            let _ = stream.write_all(&input).await;
            let _ = stream.shutdown().await;
            // Whatever comes back (a 400, a close, a reset) is fine; only a bounded wait.
            let _ = closed_within(&mut stream, Duration::from_secs(2)).await;
        }
    }
    let raw = exchange(addr, good).await;
    assert_eq!(raw.status, expected_status, "{}", raw.text());
}

// ---------------------------------------------------------------------------------------------
// The bundled bridge

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bridge_answers_a_body_over_64_kib_with_413_json_and_serves_the_next_client() {
    let c = chain().await;
    // A megabyte, written whole before reading, as Java's HttpURLConnection does: the bridge
    // reads (and discards) it and answers 413, rather than resetting a client still writing.
    let body = vec![b'a'; 1_000_000];
    let raw = exchange(c.bridge.addr(), &form_bytes(&body)).await;
    assert_eq!(raw.status, 413, "{}", raw.text());
    let json = raw.json();
    assert_eq!(json["status"], 413);
    assert!(
        json["message"].as_str().unwrap_or("").contains("65536"),
        "{json}"
    );
    let next = exchange(c.bridge.addr(), &form(&good_form())).await;
    assert_eq!(next.status, 200, "{}", next.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bridge_refuses_a_declared_body_over_the_drain_limit_at_once_with_413() {
    let c = chain().await;
    let head = format!(
        "POST {PATH} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000000000\r\n\r\n"
    );
    let raw = exchange(c.bridge.addr(), head.as_bytes()).await;
    assert_eq!(raw.status, 413, "{}", raw.text());
    assert_eq!(raw.json()["status"], 413);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_runner_answers_408_to_a_body_that_never_arrives() {
    let handler: server::Handler =
        Arc::new(|_req| Box::pin(async { server::json(200, "{}".into()) }));
    let running = server::serve(
        ServerOptions {
            header_timeout: Duration::from_millis(300),
            ..ServerOptions::default()
        },
        handler,
    )
    .await
    .expect("serves");
    // Headers complete, 10 of 100 announced body bytes, then silence.
    let raw = exchange(
        running.addr(),
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789",
    )
    .await;
    assert_eq!(raw.status, 408, "{}", raw.text());
    assert_eq!(raw.json()["status"], 408);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bridge_accepts_a_body_of_exactly_64_kib() {
    let c = chain().await;
    let mut body = good_form();
    body.push_str("&pad=");
    body.push_str(&"p".repeat(64 * 1024 - body.len()));
    assert_eq!(body.len(), 64 * 1024);
    let raw = exchange(c.bridge.addr(), &form(&body)).await;
    assert_eq!(raw.status, 200, "{}", raw.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bridge_refuses_put_delete_and_patch_with_405_json() {
    let c = chain().await;
    for method in ["PUT", "DELETE", "PATCH", "TRACE", "FOO"] {
        let raw = exchange(c.bridge.addr(), &request(method, PATH, &[], b"")).await;
        assert_eq!(raw.status, 405, "{method}: {}", raw.text());
        assert_eq!(raw.json()["status"], 405, "{method}");
    }
    assert_eq!(c.journal.entries().len(), 0, "Verify must not be called");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bridge_answers_unsupported_content_types_and_broken_json_with_400_json() {
    let c = chain().await;
    let cases: [(&str, &[u8]); 5] = [
        ("text/xml", b"<To>+61</To>"),
        ("multipart/form-data; boundary=x", b"--x\r\n\r\n--x--"),
        ("application/json", b"{\"To\": "),
        ("application/json", b"[1, 2, 3]"),
        ("application/json", b"\xff\xfe{}"),
    ];
    for (content_type, body) in cases {
        let raw = exchange(
            c.bridge.addr(),
            &request("POST", PATH, &[("Content-Type", content_type)], body),
        )
        .await;
        assert_eq!(raw.status, 400, "{content_type}: {}", raw.text());
        assert_eq!(raw.json()["status"], 400, "{content_type}");
    }
    assert_eq!(c.journal.entries().len(), 0, "Verify must not be called");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bridge_answers_a_form_body_that_is_not_utf8_with_400_json() {
    let c = chain().await;
    let mut body = good_form().into_bytes();
    body.extend_from_slice(b"&x=\xff\xfe\xc3");
    let raw = exchange(
        c.bridge.addr(),
        &request(
            "POST",
            PATH,
            &[("Content-Type", "application/x-www-form-urlencoded")],
            &body,
        ),
    )
    .await;
    assert_eq!(raw.status, 400, "{}", raw.text());
    assert!(
        raw.json()["message"]
            .as_str()
            .unwrap_or("")
            .contains("UTF-8"),
        "{}",
        raw.text()
    );
    // Percent-encoded invalid UTF-8 is decoded lossily, not refused and not a panic.
    let raw = exchange(
        c.bridge.addr(),
        &form(&format!("{}&x=%FF%FE%C3", good_form())),
    )
    .await;
    assert_eq!(raw.status, 200, "{}", raw.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bridge_survives_garbage_instead_of_http_and_serves_the_next_client() {
    let c = chain().await;
    survives_garbage(c.bridge.addr(), &form(&good_form()), 200).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tls_bridge_survives_garbage_instead_of_a_handshake_and_serves_the_next_client() {
    let clock = SimClock::starting_at(time::macros::datetime!(2026-01-15 09:00 UTC));
    let pki = Pki::generate("demo.twil.io", &PkiSpec::default(), clock.now()).expect("pki");
    let tls = pki
        .server_config_for(&["leaf", "intermediate"])
        .expect("tls");
    let bridge = BundledBridge::start(
        BridgeConfig {
            path: PATH.into(),
            api_secret: SECRET.into(),
            verify_sid: SID.into(),
            verify_base_url: "http://127.0.0.1:9".into(),
            account_sid: "AC1".into(),
            auth_token: "t".into(),
            time_limit: Duration::from_secs(2),
            protected: false,
        },
        Some(Arc::new(RwLock::new(tls))),
        FaultPlan::none(),
    )
    .await
    .expect("bridge starts");
    for input in garbage_inputs() {
        if let Ok(mut stream) = TcpStream::connect(bridge.addr()).await {
            let _ = stream.write_all(&input).await;
            let _ = closed_within(&mut stream, Duration::from_secs(2)).await;
        }
    }
    // A real TLS client still gets through: the plug-in's delivery with the root imported.
    let config = rsa_verify_sim::plugin::PluginConfig::integration_guide(
        &format!("https://demo.twil.io{PATH}"),
        SID,
        SECRET,
    );
    let ctx = rsa_verify_sim::plugin::send::SendContext {
        connect_to: Some(bridge.addr()),
        verifier: Some(rsa_verify_sim::plugin::trust::PinnedVerifier::new(
            Some(pki.get("root").expect("root").der.clone()),
            clock.clone(),
            true,
        )),
        journal: Journal::new(),
        clock,
        proxy: None,
    };
    let delivery = tokio::time::timeout(
        WAIT,
        rsa_verify_sim::scenario::run::deliver(&config, "+61412345678", "48213765", &ctx),
    )
    .await
    .expect("bounded");
    // Verify is unreachable on purpose (port 9): the bridge answered over TLS with its 500.
    assert_eq!(delivery.status, Some(500), "{delivery:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bridge_drops_a_client_that_never_finishes_its_headers() {
    let c = chain().await;
    let mut stream = TcpStream::connect(c.bridge.addr()).await.expect("connect");
    stream
        .write_all(b"POST /k3v9q HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .await
        .expect("write");
    // The bridge's header timeout is the shared runner's default, 10 s.
    let closed = closed_within(&mut stream, Duration::from_secs(15)).await;
    assert!(
        closed.is_some(),
        "the bridge kept a half-sent request open for 15 s"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bridge_never_echoes_or_logs_the_api_secret_or_verify_sid_it_was_sent() {
    let logs = captured_logs();
    let c = chain().await;
    // Values a caller might send, right or wrong: none may come back or reach a log.
    let wrong_secret = "WrongSecret-Zq81LkP";
    let wrong_sid = "VA0000000000000000000000000000beef";
    let bodies = [
        format!("To=%2B61412345678&Customcode=1&verify_sid={SID}&api_secret={wrong_secret}"),
        format!("To=%2B61412345678&Customcode=1&verify_sid={wrong_sid}&api_secret={SECRET}"),
        format!("To=%2B61412345678&verify_sid={wrong_sid}&api_secret={wrong_secret}"),
        format!("To=+61412345678&Customcode=1&verify_sid={SID}&api_secret={SECRET}"),
        format!("To=letters&Customcode=1&verify_sid={SID}&api_secret={SECRET}"),
        good_form(),
    ];
    let mut answers = String::new();
    for body in &bodies {
        answers.push_str(&exchange(c.bridge.addr(), &form(body)).await.text());
        let query = request("GET", &format!("{PATH}?{body}"), &[], b"");
        answers.push_str(&exchange(c.bridge.addr(), &query).await.text());
        let json = serde_json::json!({"To": "+61412345678", "verify_sid": wrong_sid, "api_secret": wrong_secret});
        let raw = request(
            "POST",
            PATH,
            &[("Content-Type", "application/json")],
            json.to_string().as_bytes(),
        );
        answers.push_str(&exchange(c.bridge.addr(), &raw).await.text());
        // Broken JSON and an unsupported type holding the values.
        for (content_type, text) in [
            (
                "application/json",
                format!("{{\"api_secret\":\"{wrong_secret}\", \"verify_sid\": {wrong_sid}}}"),
            ),
            ("application/json", format!("{{\"api_secret\":\"{SECRET}")),
            ("text/plain", body.clone()),
        ] {
            let raw = request(
                "POST",
                PATH,
                &[("Content-Type", content_type)],
                text.as_bytes(),
            );
            answers.push_str(&exchange(c.bridge.addr(), &raw).await.text());
        }
        // Wrong path and wrong method too.
        answers.push_str(
            &exchange(
                c.bridge.addr(),
                &request("PUT", &format!("/other?{body}"), &[], body.as_bytes()),
            )
            .await
            .text(),
        );
    }
    // Only the bridge's lines (and hyper's, the runner's): the fake Verify logs its own paths,
    // which name the service as Twilio's URLs do.
    let logs: String = String::from_utf8_lossy(&logs.lock().unwrap_or_else(|e| e.into_inner()))
        .lines()
        .filter(|l| !l.contains("rsa_verify_sim::verify"))
        .map(|l| format!("{l}\n"))
        .collect();
    for secret in [SECRET, wrong_secret, wrong_sid] {
        assert!(
            !answers.contains(secret),
            "a bridge answer echoes {secret:?}:\n{answers}"
        );
        assert!(
            !logs.contains(secret),
            "a log line holds {secret:?}:\n{logs}"
        );
    }
    // The right SID is the service the bridge calls; it must not be echoed in answers either
    // (the 200 body names the service, as Twilio's does, so only error answers are checked).
    for line in answers.split("HTTP/1.1 ").filter(|a| !a.starts_with("200")) {
        assert!(
            !line.contains(SID),
            "an error answer echoes verify_sid:\n{line}"
        );
    }
    assert!(!logs.contains(SID), "a log line holds verify_sid:\n{logs}");
}

// ---------------------------------------------------------------------------------------------
// The fake Verify

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fake_verify_answers_a_body_over_64_kib_with_413_json_and_serves_the_next_client() {
    let (fake, config) = fake_verify().await;
    let body = vec![b'a'; 64 * 1024 + 1];
    let raw = exchange(
        fake.addr(),
        &verify_create(&config, "application/x-www-form-urlencoded", &body),
    )
    .await;
    assert_eq!(raw.status, 413, "{}", raw.text());
    assert_eq!(raw.json()["status"], 413);
    let next = exchange(
        fake.addr(),
        &verify_create(
            &config,
            "application/x-www-form-urlencoded",
            b"To=%2B61412345678&Channel=sms",
        ),
    )
    .await;
    assert_eq!(next.status, 201, "{}", next.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fake_verify_answers_an_unknown_method_with_405_json() {
    let (fake, config) = fake_verify().await;
    let path = format!("/v2/Services/{}/Verifications", config.services[0].sid);
    use base64::Engine;
    let basic = base64::engine::general_purpose::STANDARD
        .encode(format!("{}:{}", config.account_sid, config.auth_token));
    let auth = format!("Basic {basic}");
    // With credentials: Twilio checks them before anything else (an anonymous PUT gets 20003).
    for method in ["PUT", "DELETE", "PATCH"] {
        let raw = exchange(
            fake.addr(),
            &request(method, &path, &[("Authorization", auth.as_str())], b""),
        )
        .await;
        assert_eq!(raw.status, 405, "{method}: {}", raw.text());
        assert_eq!(raw.json()["status"], 405, "{method}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fake_verify_answers_invalid_utf8_and_unparseable_forms_with_a_json_400() {
    let (fake, config) = fake_verify().await;
    let bodies: [&[u8]; 4] = [
        b"To=\xff\xfe&Channel=sms",
        b"To=%FF%FE&Channel=sms",
        b"%%%&&&===",
        b"\x00\x01\x02",
    ];
    for body in bodies {
        let raw = exchange(
            fake.addr(),
            &verify_create(&config, "application/x-www-form-urlencoded", body),
        )
        .await;
        assert_eq!(raw.status, 400, "{body:?}: {}", raw.text());
        assert_eq!(raw.json()["status"], 400, "{body:?}");
    }
    // A body that is not a form at all is ignored like Twilio does: To is missing.
    let raw = exchange(
        fake.addr(),
        &verify_create(&config, "application/json", b"{\"To\":\"+61412345678\"}"),
    )
    .await;
    assert_eq!(raw.status, 400, "{}", raw.text());
    assert_eq!(raw.json()["code"], 60200, "{}", raw.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fake_verify_survives_garbage_instead_of_http_and_serves_the_next_client() {
    let (fake, config) = fake_verify().await;
    survives_garbage(
        fake.addr(),
        &verify_create(
            &config,
            "application/x-www-form-urlencoded",
            b"To=%2B61412345678&Channel=sms",
        ),
        201,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fake_verify_drops_a_client_that_never_finishes_its_headers() {
    let (fake, _) = fake_verify().await;
    let mut stream = TcpStream::connect(fake.addr()).await.expect("connect");
    stream
        .write_all(b"POST /v2/Services HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .await
        .expect("write");
    let closed = closed_within(&mut stream, Duration::from_secs(15)).await;
    assert!(
        closed.is_some(),
        "the fake Verify kept a half-sent request open for 15 s"
    );
}

// ---------------------------------------------------------------------------------------------
// The shared server runner (configurable header timeout)

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_runner_drops_a_silent_client_and_a_half_sent_head_within_its_header_timeout() {
    let handler: server::Handler =
        Arc::new(|_req| Box::pin(async { server::json(200, "{}".into()) }));
    let running = server::serve(
        ServerOptions {
            header_timeout: Duration::from_millis(300),
            ..ServerOptions::default()
        },
        handler,
    )
    .await
    .expect("serves");
    // Silent: connects and sends nothing.
    let mut silent = TcpStream::connect(running.addr()).await.expect("connect");
    // Half a head.
    let mut half = TcpStream::connect(running.addr()).await.expect("connect");
    half.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("write");
    for (name, stream) in [("silent", &mut silent), ("half head", &mut half)] {
        let took = closed_within(stream, Duration::from_secs(5))
            .await
            .unwrap_or_else(|| panic!("{name}: still open after 5 s"));
        println!("{name}: closed by the server after {took:?} (header timeout 300 ms)");
    }
    // Then a normal client is served.
    let raw = exchange(running.addr(), &request("GET", "/", &[], b"")).await;
    assert_eq!(raw.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_runner_closes_an_idle_kept_alive_connection_after_its_header_timeout() {
    let handler: server::Handler =
        Arc::new(|_req| Box::pin(async { server::json(200, "{}".into()) }));
    let running = server::serve(
        ServerOptions {
            header_timeout: Duration::from_millis(300),
            ..ServerOptions::default()
        },
        handler,
    )
    .await
    .expect("serves");
    let mut stream = TcpStream::connect(running.addr()).await.expect("connect");
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    let raw = read_response(&mut stream).await;
    assert_eq!(raw.status, 200);
    // Kept alive, then silent: the next head never comes.
    assert!(
        closed_within(&mut stream, Duration::from_secs(5))
            .await
            .is_some(),
        "an idle kept-alive connection stayed open for 5 s"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_runner_drops_a_tls_client_that_never_finishes_its_handshake() {
    let clock = SimClock::starting_at(time::macros::datetime!(2026-01-15 09:00 UTC));
    let pki = Pki::generate("demo.twil.io", &PkiSpec::default(), clock.now()).expect("pki");
    let tls = pki.server_config_for(&["leaf"]).expect("tls");
    let handler: server::Handler =
        Arc::new(|_req| Box::pin(async { server::json(200, "{}".into()) }));
    let running = server::serve(
        ServerOptions {
            header_timeout: Duration::from_millis(300),
            tls: Some(Arc::new(RwLock::new(tls))),
            ..ServerOptions::default()
        },
        handler,
    )
    .await
    .expect("serves");
    let mut stream = TcpStream::connect(running.addr()).await.expect("connect");
    // The first bytes of a ClientHello record, then nothing.
    stream
        .write_all(b"\x16\x03\x01\x02\x00")
        .await
        .expect("write");
    let closed = closed_within(&mut stream, Duration::from_secs(5)).await;
    assert!(closed.is_some(), "still open after 5 s");
}

// ---------------------------------------------------------------------------------------------
// The forward proxy

async fn proxy_to(upstream: SocketAddr) -> ForwardProxy {
    ForwardProxy::start(ProxyOptions {
        credentials: Some(("rsa-am".into(), "pr0xy-Pass!".into())),
        routes: vec![Route {
            authority: "demo.twil.io:80".into(),
            upstream,
            upstream_tls: false,
        }],
        head_timeout: Duration::from_millis(300),
        ..ProxyOptions::default()
    })
    .await
    .expect("proxy starts")
}

fn proxied_get() -> Vec<u8> {
    use base64::Engine;
    let auth = base64::engine::general_purpose::STANDARD.encode("rsa-am:pr0xy-Pass!");
    format!(
        "GET http://demo.twil.io{PATH}?{} HTTP/1.1\r\nHost: demo.twil.io\r\nProxy-Authorization: Basic {auth}\r\nConnection: close\r\n\r\n",
        good_form()
    )
    .into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_proxy_drops_a_client_that_never_finishes_its_head_within_its_head_timeout() {
    let c = chain().await;
    let proxy = proxy_to(c.bridge.addr()).await;
    let mut stream = TcpStream::connect(proxy.addr()).await.expect("connect");
    stream
        .write_all(b"CONNECT demo.twil.io:443 HTTP/1.1\r\n")
        .await
        .expect("write");
    let took = closed_within(&mut stream, Duration::from_secs(5))
        .await
        .expect("closed within 5 s");
    println!("proxy: half head closed after {took:?} (head timeout 300 ms)");
    let raw = exchange(proxy.addr(), &proxied_get()).await;
    assert_eq!(raw.status, 200, "{}", raw.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_proxy_refuses_a_head_over_16_kib_and_garbage_and_keeps_serving() {
    let c = chain().await;
    let proxy = proxy_to(c.bridge.addr()).await;
    let mut huge = TcpStream::connect(proxy.addr()).await.expect("connect");
    let _ = huge
        .write_all(format!("GET http://x/ HTTP/1.1\r\nX: {}\r\n", "a".repeat(40_000)).as_bytes())
        .await;
    assert!(
        closed_within(&mut huge, Duration::from_secs(5))
            .await
            .is_some(),
        "a 40 KB head kept the connection open"
    );
    survives_garbage(proxy.addr(), &proxied_get(), 200).await;
    // Without credentials: 407, never a panic.
    let raw = exchange(
        proxy.addr(),
        format!("GET http://demo.twil.io{PATH} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes(),
    )
    .await;
    assert_eq!(raw.status, 407, "{}", raw.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_proxy_answers_unknown_routes_and_relative_targets_without_panicking() {
    let c = chain().await;
    let proxy = proxy_to(c.bridge.addr()).await;
    use base64::Engine;
    let auth = base64::engine::general_purpose::STANDARD.encode("rsa-am:pr0xy-Pass!");
    for (line, expected) in [
        ("CONNECT elsewhere.example:443 HTTP/1.1", 502),
        ("GET http://elsewhere.example/ HTTP/1.1", 502),
        ("GET /relative HTTP/1.1", 400),
        ("GET https://demo.twil.io/ HTTP/1.1", 400),
    ] {
        let raw = exchange(
            proxy.addr(),
            format!("{line}\r\nHost: x\r\nProxy-Authorization: Basic {auth}\r\n\r\n").as_bytes(),
        )
        .await;
        assert_eq!(raw.status, expected, "{line}: {}", raw.text());
    }
}
