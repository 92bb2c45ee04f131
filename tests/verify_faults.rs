//! Injected faults over real sockets: answers, latency, RST, cut responses, garbage, hangs.

mod verify_support;

use std::time::{Duration, Instant};

use rsa_verify_sim::fault::{perform, Fault, FaultPlan, Operation};
use rsa_verify_sim::verify::VerifyConfig;
use tokio::io::AsyncReadExt;
use verify_support::{encode, exchange_raw, Sim};

const TO: &str = "+61412345678";

async fn sim_with(plan: FaultPlan) -> Sim {
    Sim::start_with(VerifyConfig {
        faults: plan,
        ..VerifyConfig::default()
    })
    .await
}

/// The raw bytes of an authenticated create, with `Connection: close`.
fn raw_create(sim: &Sim) -> Vec<u8> {
    let body = encode(&[("To", TO), ("Channel", "sms")]);
    format!(
        "POST /v2/Services/{}/Verifications HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        sim.service(),
        sim.basic(),
        body.len()
    )
    .into_bytes()
}

fn content_length(head: &str) -> usize {
    head.lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .and_then(|v| v.trim().parse().ok())
        .expect("a content-length header")
}

#[tokio::test]
async fn the_second_create_answers_the_scheduled_503_and_the_others_are_normal() {
    let plan = FaultPlan::none().on_nth(
        Operation::Create,
        2,
        Fault::Status {
            status: 503,
            body: "<html>Service Unavailable</html>".into(),
            content_type: "text/html".into(),
        },
    );
    let sim = sim_with(plan).await;
    assert_eq!(sim.create(TO).await.status, 201);
    let second = sim.create(TO).await;
    assert_eq!(second.status, 503);
    assert_eq!(second.header("content-type"), Some("text/html"));
    assert_eq!(second.body, "<html>Service Unavailable</html>");
    assert_eq!(sim.create(TO).await.status, 201);
    assert_eq!(sim.fake.verifications()[0].send_attempts, 2);
}

#[tokio::test]
async fn latency_delays_the_normal_answer() {
    let sim =
        sim_with(FaultPlan::none().always(Operation::Create, Fault::Latency { ms: 300 })).await;
    let started = Instant::now();
    let reply = sim.create(TO).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(reply.status, 201);
}

#[tokio::test]
async fn reset_ends_the_connection_with_an_rst_and_no_answer() {
    let sim = sim_with(FaultPlan::none().on_nth(Operation::Create, 1, Fault::Reset)).await;
    let err = exchange_raw(sim.addr(), &raw_create(&sim))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionReset, "{err}");
    let journal = sim.journal.entries();
    assert_eq!(journal[0].error.as_deref(), Some("injected fault: reset"));
    assert_eq!(journal[0].status, None);
    // The next create is answered normally.
    assert_eq!(sim.create(TO).await.status, 201);
}

#[tokio::test]
async fn refuse_on_any_resets_the_connection_before_reading_it() {
    let sim = sim_with(FaultPlan::none().on_nth(Operation::Any, 1, Fault::Refuse)).await;
    let err = exchange_raw(sim.addr(), &raw_create(&sim))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.kind(),
            std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::BrokenPipe
        ),
        "{err}"
    );
    assert!(sim.journal.entries().is_empty());
    assert!(sim.fake.verifications().is_empty());
    assert_eq!(sim.create(TO).await.status, 201);
}

#[tokio::test]
async fn refuse_on_a_create_resets_without_creating_anything() {
    let sim = sim_with(FaultPlan::none().on_nth(Operation::Create, 1, Fault::Refuse)).await;
    let err = exchange_raw(sim.addr(), &raw_create(&sim))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionReset, "{err}");
    assert!(sim.fake.verifications().is_empty());
}

#[tokio::test]
async fn close_after_headers_sends_the_head_and_no_body() {
    let sim =
        sim_with(FaultPlan::none().on_nth(Operation::Create, 1, Fault::CloseAfterHeaders)).await;
    let raw = exchange_raw(sim.addr(), &raw_create(&sim)).await.unwrap();
    let text = String::from_utf8(raw).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").expect("a complete head");
    assert!(head.starts_with("HTTP/1.1 201 Created"), "{head}");
    assert!(content_length(head) > 100);
    assert_eq!(body, "");
    // The verification was created: only the answer was lost.
    assert_eq!(sim.fake.verifications().len(), 1);
}

#[tokio::test]
async fn truncated_body_sends_half_of_the_announced_body() {
    let sim = sim_with(FaultPlan::none().on_nth(Operation::Create, 1, Fault::TruncatedBody)).await;
    let raw = exchange_raw(sim.addr(), &raw_create(&sim)).await.unwrap();
    let text = String::from_utf8(raw).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let announced = content_length(head);
    assert_eq!(body.len(), announced / 2);
    assert!(body.starts_with("{\"sid\":\"VE"), "{body}");
    assert!(serde_json::from_str::<serde_json::Value>(body).is_err());
}

#[tokio::test]
async fn garbage_sends_bytes_that_are_not_http_then_closes() {
    let sim = sim_with(FaultPlan::none().on_nth(Operation::Create, 1, Fault::Garbage)).await;
    let raw = exchange_raw(sim.addr(), &raw_create(&sim)).await.unwrap();
    assert_eq!(raw.len(), 64);
    assert!(!raw.starts_with(b"HTTP/"));
}

#[tokio::test]
async fn hang_sends_nothing_until_its_bound_then_closes() {
    let sim =
        sim_with(FaultPlan::none().on_nth(Operation::Create, 1, Fault::Hang { max_ms: Some(400) }))
            .await;
    let started = Instant::now();
    let raw = exchange_raw(sim.addr(), &raw_create(&sim)).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(400));
    assert!(raw.is_empty(), "{raw:?}");
}

#[tokio::test]
async fn a_client_that_gives_up_on_a_hang_times_out() {
    let sim =
        sim_with(FaultPlan::none().always(Operation::Any, Fault::Hang { max_ms: None })).await;
    let bytes = raw_create(&sim);
    let gave_up =
        tokio::time::timeout(Duration::from_millis(300), exchange_raw(sim.addr(), &bytes)).await;
    assert!(gave_up.is_err());
    // Shutdown does not wait for the 120-second hang.
    let started = Instant::now();
    sim.fake.shutdown().await;
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn faults_on_checks_do_not_touch_creates() {
    let sim = sim_with(FaultPlan::none().always(
        Operation::Check,
        Fault::Status {
            status: 500,
            body: String::new(),
            content_type: "text/plain".into(),
        },
    ))
    .await;
    assert_eq!(sim.create(TO).await.status, 201);
    assert_eq!(sim.check(TO, "123456").await.status, 500);
}

#[tokio::test]
async fn perform_truncates_a_raw_response_on_a_plain_tcp_stream() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let normal = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789";
        perform(stream, &Fault::TruncatedBody, normal).await
    });
    let mut client = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut got = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), client.read_to_end(&mut got))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got, b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234");
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn perform_resets_a_raw_tcp_stream() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut client = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (stream, _) = listener.accept().await.unwrap();
    perform(stream, &Fault::Reset, b"").await.unwrap();
    let mut got = Vec::new();
    let err = tokio::time::timeout(Duration::from_secs(5), client.read_to_end(&mut got))
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionReset);
}

#[tokio::test]
async fn a_new_fault_plan_applies_from_the_next_request_with_fresh_counters() {
    let sim = Sim::start().await;
    assert_eq!(sim.create(TO).await.status, 201);
    sim.fake.set_faults(FaultPlan::none().on_nth(
        Operation::Create,
        1,
        Fault::Status {
            status: 502,
            body: "bad gateway".into(),
            content_type: "text/plain".into(),
        },
    ));
    assert_eq!(sim.create(TO).await.status, 502);
    assert_eq!(sim.create(TO).await.status, 201);
}
