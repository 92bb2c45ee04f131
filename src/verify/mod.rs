//! The fake Twilio Verify v2 service.
//! (Skeleton: the issue-2/5 implementation replaces this; `VerifyConfig`, `ServiceConfig`,
//! `FakeVerify::start`, `base_url`, `verifications` and `shutdown` are the contract.)

use std::net::SocketAddr;

use serde::Serialize;

use crate::clock::SimClock;
use crate::journal::Journal;

/// Credentials and services the fake knows.
#[derive(Clone, Debug)]
pub struct VerifyConfig {
    /// Account SID (`AC` + 32 hex) used as the Basic-auth user name.
    pub account_sid: String,
    /// Auth token. A secret.
    pub auth_token: String,
    /// API keys (`SK` + 32 hex, secret) that may also authenticate.
    pub api_keys: Vec<(String, String)>,
    pub services: Vec<ServiceConfig>,
    /// Accept a `To` of 8 to 15 digits without `+` as E.164 (unconfirmed leniency; default true).
    pub lenient_to: bool,
    /// How long a pending verification lives (default 10 minutes).
    pub code_ttl: time::Duration,
}

/// One Verify service and its flags.
#[derive(Clone, Debug)]
pub struct ServiceConfig {
    /// `VA` + 32 hex.
    pub sid: String,
    pub friendly_name: String,
    pub custom_code_enabled: bool,
    /// Length of generated codes (4 to 10, default 6).
    pub code_length: u8,
}

/// What the fake holds about one verification, for expectations and read-back.
#[derive(Clone, Debug, Serialize)]
pub struct VerificationRecord {
    pub sid: String,
    pub service_sid: String,
    pub to: String,
    pub channel: String,
    pub code: String,
    pub status: String,
    pub send_attempts: usize,
    pub check_attempts: usize,
}

/// A running fake Verify on 127.0.0.1.
#[derive(Debug)]
pub struct FakeVerify {
    addr: SocketAddr,
}

impl FakeVerify {
    /// Starts the fake on an ephemeral loopback port.
    pub async fn start(
        config: VerifyConfig,
        clock: SimClock,
        journal: Journal,
    ) -> std::io::Result<FakeVerify> {
        let _ = (config, clock, journal);
        Err(std::io::Error::other("fake Verify not implemented yet"))
    }

    /// `http://127.0.0.1:PORT` (no trailing slash); Verify paths start with `/v2/`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every verification the fake holds (including approved/expired ones kept for inspection).
    pub fn verifications(&self) -> Vec<VerificationRecord> {
        Vec::new()
    }

    /// Stops accepting connections.
    pub async fn shutdown(self) {}
}
