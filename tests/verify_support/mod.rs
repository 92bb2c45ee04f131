//! Shared helpers for the fake Verify's integration tests: a tiny raw HTTP/1.1 client over
//! loopback and a started fake with a movable clock.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use base64::Engine;
use rsa_verify_sim::clock::SimClock;
use rsa_verify_sim::journal::Journal;
use rsa_verify_sim::plugin::encode::url_encode;
use rsa_verify_sim::verify::{FakeVerify, VerifyConfig};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Every network wait in these tests is bounded by this.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// A started fake and the handles a test needs.
pub struct Sim {
    pub fake: FakeVerify,
    pub clock: SimClock,
    pub journal: Journal,
    pub config: VerifyConfig,
}

impl Sim {
    pub async fn start() -> Sim {
        Self::start_with(VerifyConfig::default()).await
    }

    pub async fn start_with(config: VerifyConfig) -> Sim {
        let clock = SimClock::starting_at(time::macros::datetime!(2026-01-15 09:00 UTC));
        let journal = Journal::new();
        let fake = FakeVerify::start(config.clone(), clock.clone(), journal.clone())
            .await
            .expect("fake Verify starts");
        Sim {
            fake,
            clock,
            journal,
            config,
        }
    }

    pub fn service(&self) -> String {
        self.config.services[0].sid.clone()
    }

    pub fn addr(&self) -> SocketAddr {
        self.fake.addr()
    }

    /// An authenticated form POST.
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Reply {
        request(self.addr(), "POST", path, Some(self.basic()), &encode(form))
            .await
            .expect("answer")
    }

    /// An authenticated GET.
    pub async fn get(&self, path: &str) -> Reply {
        request(self.addr(), "GET", path, Some(self.basic()), "")
            .await
            .expect("answer")
    }

    pub fn basic(&self) -> String {
        basic(&self.config.account_sid, &self.config.auth_token)
    }

    pub async fn create(&self, to: &str) -> Reply {
        let path = format!("/v2/Services/{}/Verifications", self.service());
        self.post(&path, &[("To", to), ("Channel", "sms")]).await
    }

    pub async fn check(&self, to: &str, code: &str) -> Reply {
        let path = format!("/v2/Services/{}/VerificationCheck", self.service());
        self.post(&path, &[("To", to), ("Code", code)]).await
    }

    pub async fn fetch(&self, sid: &str) -> Reply {
        let path = format!("/v2/Services/{}/Verifications/{sid}", self.service());
        self.get(&path).await
    }

    pub async fn update(&self, sid: &str, status: &str) -> Reply {
        let path = format!("/v2/Services/{}/Verifications/{sid}", self.service());
        self.post(&path, &[("Status", status)]).await
    }

    /// The code the fake generated for `to`.
    pub fn code_for(&self, to: &str) -> String {
        self.fake.latest_for(to).expect("a verification").code
    }
}

/// `Basic base64(user:pass)`.
pub fn basic(user: &str, pass: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
    )
}

/// Form-encodes pairs like Java's URLEncoder (a `+` becomes `%2B`).
pub fn encode(form: &[(&str, &str)]) -> String {
    form.iter()
        .map(|(k, v)| format!("{}={}", url_encode(k), url_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// One parsed HTTP answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The Twilio error code of an error body.
    pub fn code(&self) -> u64 {
        self.json()["code"].as_u64().expect("an error code")
    }
}

/// Sends one request with `Connection: close` and parses the answer.
pub async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    authorization: Option<String>,
    body: &str,
) -> std::io::Result<Reply> {
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(a) = authorization {
        head.push_str(&format!("Authorization: {a}\r\n"));
    }
    if method == "POST" {
        head.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body.as_bytes());
    let raw = exchange_raw(addr, &bytes).await?;
    parse(&raw).ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("unparseable answer: {:?}", String::from_utf8_lossy(&raw)),
        )
    })
}

/// Writes `bytes`, then reads until the server closes (bounded by [`TIMEOUT`]).
pub async fn exchange_raw(addr: SocketAddr, bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    tokio::time::timeout(TIMEOUT, async {
        let mut stream = TcpStream::connect(addr).await?;
        stream.write_all(bytes).await?;
        let mut out = Vec::new();
        stream.read_to_end(&mut out).await?;
        Ok(out)
    })
    .await
    .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "no answer in time"))?
}

/// Parses a complete HTTP/1.1 response with a Content-Length body; `None` if incomplete.
pub fn parse(raw: &[u8]) -> Option<Reply> {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())?;
    (body.len() == len).then(|| Reply {
        status,
        headers,
        body: body.to_string(),
    })
}
