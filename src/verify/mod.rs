//! The fake Twilio Verify v2 service.
//!
//! How the parts fit:
//!
//! * [`config`]: [`VerifyConfig`] (credentials, services, limits, faults) and [`ServiceConfig`]
//!   (per-service flags), with generated-looking defaults.
//! * [`server`]: hyper HTTP/1.1 on `127.0.0.1:<ephemeral>`, one task per connection. Each request
//!   is read (64 KiB limit → 413), resolved by [`routes`], given its fault from the
//!   [`crate::fault::FaultPlan`], authenticated by [`auth`] (20003 first), run by [`service`] and
//!   recorded in the [`crate::journal::Journal`] as [`crate::journal::Hop::BridgeToVerify`].
//! * [`service`]: validates the form (60200, 60204, 60221, 60223…), applies [`magic`] numbers and
//!   drives the [`state`] machine; [`body`] renders Twilio's exact JSON, [`errors`] the error
//!   catalogue, [`sid`] the SIDs, [`phone`] the `To` rules.
//! * [`sim`]: unauthenticated read-back under `/_sim/` (verifications with their codes, the
//!   journal). These requests are neither journaled nor counted by the fault plan.
//!
//! All dates and expiry come from the shared [`SimClock`]; nothing reads the wall clock.
//!
//! Endpoints: `POST /v2/Services/{VA}/Verifications` (201), `POST /v2/Services/{VA}/VerificationCheck`
//! (200), `GET /v2/Services/{VA}/Verifications/{VE}` (200), `POST /v2/Services/{VA}/Verifications/{VE}`
//! with `Status=canceled|approved` (200).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::clock::SimClock;
use crate::fault::{FaultPlan, FaultSchedule};
use crate::journal::Journal;
use crate::redact::Redactor;

pub mod auth;
pub mod body;
pub mod config;
pub mod errors;
pub mod magic;
pub mod phone;
pub mod routes;
pub mod server;
pub mod service;
pub mod sid;
pub mod sim;
pub mod state;

pub use config::{LimitCodes, ServiceConfig, VerifyConfig};
pub use errors::TwilioError;
pub use magic::{magic_numbers, magic_numbers_markdown, MagicEffect, MagicNumber};

/// What the fake holds about one verification, for expectations and read-back.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct VerificationRecord {
    /// `VE…`.
    pub sid: String,
    /// `VA…`.
    pub service_sid: String,
    /// Normalised `To` (E.164 with `+`, or an e-mail address).
    pub to: String,
    /// Channel of the latest send, lower case.
    pub channel: String,
    /// The code a user would have received.
    pub code: String,
    /// `pending`, `approved`, `canceled`, `max_attempts_reached` or `expired`.
    pub status: String,
    /// Accepted sends.
    pub send_attempts: usize,
    /// Wrong codes checked.
    pub check_attempts: usize,
    /// `date_created`, ISO 8601.
    pub date_created: String,
    /// `date_updated`, ISO 8601.
    pub date_updated: String,
}

/// A running fake Verify on 127.0.0.1.
#[derive(Debug)]
pub struct FakeVerify {
    addr: SocketAddr,
    shared: Arc<server::Shared>,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl FakeVerify {
    /// Starts the fake on an ephemeral loopback port.
    pub async fn start(
        config: VerifyConfig,
        clock: SimClock,
        journal: Journal,
    ) -> std::io::Result<FakeVerify> {
        Self::start_on(
            SocketAddr::from(([127, 0, 0, 1], 0)),
            config,
            clock,
            journal,
        )
        .await
    }

    /// Starts the fake on a chosen address (`serve --verify-port`, `serve --listen`).
    pub async fn start_on(
        bind: SocketAddr,
        config: VerifyConfig,
        clock: SimClock,
        journal: Journal,
    ) -> std::io::Result<FakeVerify> {
        let listener = crate::wire::server::bind_listener(bind)?;
        let addr = listener.local_addr()?;
        let mut redactor = Redactor::new();
        redactor.add("auth_token", &config.auth_token);
        for (_, secret) in &config.api_keys {
            redactor.add("api_key_secret", secret);
        }
        let shared = Arc::new(server::Shared {
            faults: Mutex::new(FaultSchedule::new(config.faults.clone())),
            verify: service::Verify::new(config, clock),
            journal,
            addr,
            redactor,
            in_flight: std::sync::atomic::AtomicUsize::new(0),
        });
        let (shutdown, rx) = watch::channel(false);
        let task = tokio::spawn(server::accept_loop(listener, shared.clone(), rx));
        tracing::debug!(%addr, "fake Verify listening");
        Ok(FakeVerify {
            addr,
            shared,
            shutdown,
            task: Some(task),
        })
    }

    /// How many requests the fake is handling right now.
    pub fn in_flight(&self) -> usize {
        self.shared
            .in_flight
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Waits (at most `limit`) until no request is being handled, so that a request the bridge
    /// gave up on (its time limit) is still journaled in the step that caused it.
    pub async fn settle(&self, limit: std::time::Duration) {
        let deadline = tokio::time::Instant::now() + limit;
        while self.in_flight() > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    }

    /// `http://127.0.0.1:PORT` (no trailing slash); Verify paths start with `/v2/`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every verification the fake holds (including approved/expired ones kept for inspection).
    pub fn verifications(&self) -> Vec<VerificationRecord> {
        self.shared.verify.records()
    }

    /// The newest verification for `to` (any spelling `lenient_to` accepts), in any service.
    pub fn latest_for(&self, to: &str) -> Option<VerificationRecord> {
        self.shared.verify.code_for(to, None)
    }

    /// The configuration the fake runs with.
    pub fn config(&self) -> &VerifyConfig {
        &self.shared.verify.config
    }

    /// Replaces the fault plan for the requests still to come; counters start again at zero.
    pub fn set_faults(&self, plan: FaultPlan) {
        *self.shared.faults.lock().unwrap_or_else(|e| e.into_inner()) = FaultSchedule::new(plan);
    }

    /// Stops accepting connections, lets open ones finish briefly, then drops them.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for FakeVerify {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}
