//! The `/_sim/` read-back endpoints and the journal the fake keeps.

mod verify_support;

use rsa_verify_sim::journal::Hop;
use verify_support::{request, Sim};

const TO: &str = "+61412345678";

#[tokio::test]
async fn sim_verifications_lists_every_verification_with_its_code() {
    let sim = Sim::start().await;
    sim.create(TO).await;
    let reply = request(sim.addr(), "GET", "/_sim/verifications", None, "")
        .await
        .unwrap();
    assert_eq!(reply.status, 200);
    let list = reply.json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["to"], TO);
    assert_eq!(list[0]["code"], sim.code_for(TO));
    assert_eq!(list[0]["status"], "pending");
    assert_eq!(list[0]["send_attempts"], 1);
}

#[tokio::test]
async fn sim_code_finds_the_code_by_to_and_service() {
    let sim = Sim::start().await;
    sim.create(TO).await;
    let path = format!("/_sim/code?To=%2B61412345678&ServiceSid={}", sim.service());
    let reply = request(sim.addr(), "GET", &path, None, "").await.unwrap();
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["code"], sim.code_for(TO));
}

#[tokio::test]
async fn sim_code_accepts_an_unencoded_plus_or_bare_digits() {
    let sim = Sim::start().await;
    sim.create(TO).await;
    for query in ["To=+61412345678", "To=61412345678"] {
        let reply = request(sim.addr(), "GET", &format!("/_sim/code?{query}"), None, "")
            .await
            .unwrap();
        assert_eq!(reply.status, 200, "{query}");
    }
}

#[tokio::test]
async fn sim_code_for_an_unknown_number_is_404() {
    let sim = Sim::start().await;
    let reply = request(sim.addr(), "GET", "/_sim/code?To=%2B61400000000", None, "")
        .await
        .unwrap();
    assert_eq!((reply.status, reply.code()), (404, 20404));
}

#[tokio::test]
async fn every_verify_request_is_journaled_with_decoded_fields_and_sim_time() {
    let sim = Sim::start().await;
    sim.clock.advance(time::Duration::minutes(5));
    let created = sim.create(TO).await;
    let entries = sim.journal.on(Hop::BridgeToVerify);
    assert_eq!(entries.len(), 1);
    let e = &entries[0];
    assert_eq!(e.method, "POST");
    assert_eq!(
        e.path(),
        format!("/v2/Services/{}/Verifications", sim.service())
    );
    assert_eq!(e.field("To"), Some(TO));
    assert_eq!(e.field("Channel"), Some("sms"));
    assert_eq!(e.status, Some(201));
    assert_eq!(e.response_body.as_deref(), Some(created.body.as_str()));
    assert_eq!(e.at, "2026-01-15T09:05:00Z");
    assert_eq!(e.error, None);
}

#[tokio::test]
async fn sim_journal_hides_the_credentials() {
    let sim = Sim::start().await;
    sim.create(TO).await;
    let reply = request(sim.addr(), "GET", "/_sim/journal", None, "")
        .await
        .unwrap();
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json().as_array().unwrap().len(), 1);
    assert!(reply.body.contains("Basic [REDACTED]"), "{}", reply.body);
    let encoded = sim.basic();
    assert!(!reply.body.contains(&encoded["Basic ".len()..]));
    assert!(!reply.body.contains(&sim.config.auth_token));
}

#[tokio::test]
async fn the_config_debug_output_hides_the_secrets() {
    let sim = Sim::start().await;
    let shown = format!("{:?}", sim.fake.config());
    assert!(!shown.contains(&sim.config.auth_token));
    assert!(!shown.contains(&sim.config.api_keys[0].1));
    assert!(shown.contains(&sim.config.api_keys[0].0));
}

#[tokio::test]
async fn an_unknown_sim_path_is_404_and_a_post_is_405() {
    let sim = Sim::start().await;
    let unknown = request(sim.addr(), "GET", "/_sim/nothing", None, "")
        .await
        .unwrap();
    assert_eq!(unknown.status, 404);
    let post = request(sim.addr(), "POST", "/_sim/verifications", None, "")
        .await
        .unwrap();
    assert_eq!(post.status, 405);
}

#[tokio::test]
async fn shutdown_stops_accepting_connections() {
    let sim = Sim::start().await;
    let addr = sim.addr();
    sim.fake.shutdown().await;
    let refused = tokio::time::timeout(
        verify_support::TIMEOUT,
        tokio::net::TcpStream::connect(addr),
    )
    .await
    .unwrap();
    assert!(refused.is_err());
}

/// Reads one response (head plus Content-Length body) from a kept-alive stream.
async fn read_one(stream: &mut tokio::net::TcpStream) -> verify_support::Reply {
    use tokio::io::AsyncReadExt;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(reply) = verify_support::parse(&buf) {
            return reply;
        }
        let n = tokio::time::timeout(verify_support::TIMEOUT, stream.read(&mut chunk))
            .await
            .expect("an answer in time")
            .expect("a readable stream");
        assert!(n > 0, "closed early: {:?}", String::from_utf8_lossy(&buf));
        buf.extend_from_slice(&chunk[..n]);
    }
}

#[tokio::test]
async fn two_requests_on_one_kept_alive_connection_are_both_answered() {
    use tokio::io::AsyncWriteExt;
    let sim = Sim::start().await;
    let mut stream = tokio::net::TcpStream::connect(sim.addr()).await.unwrap();
    let body = verify_support::encode(&[("To", TO), ("Channel", "sms")]);
    let req = format!(
        "POST /v2/Services/{}/Verifications HTTP/1.1\r\nHost: x\r\nAuthorization: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        sim.service(),
        sim.basic(),
        body.len()
    );
    stream.write_all(req.as_bytes()).await.unwrap();
    let first = read_one(&mut stream).await;
    stream.write_all(req.as_bytes()).await.unwrap();
    let second = read_one(&mut stream).await;
    assert_eq!((first.status, second.status), (201, 201));
    assert_eq!(first.json()["sid"], second.json()["sid"]);
}
