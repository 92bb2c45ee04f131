//! The journal: one owned record per HTTP exchange on every hop.
//!
//! Expectations, transcripts, reports and snapshots all read these records, so what a report says
//! happened is exactly what the parties saw. Records hold raw values (expectations compare real
//! field values); everything that leaves the process goes through [`crate::redact::Redactor`].

use std::sync::{Arc, Mutex};

use serde::Serialize;

/// Which hop of the chain an exchange travelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Hop {
    /// RSA AM's HTTP plug-in calling the bridge (recorded by the plug-in simulator, client side).
    PluginToBridge,
    /// The bridge calling Twilio Verify (recorded by the fake Verify, server side).
    BridgeToVerify,
}

impl Hop {
    /// Short label used in transcripts.
    pub fn label(self) -> &'static str {
        match self {
            Hop::PluginToBridge => "RSA plug-in -> bridge",
            Hop::BridgeToVerify => "bridge -> Verify",
        }
    }
}

/// One HTTP request and what came back (or why nothing did).
#[derive(Clone, Debug, Serialize)]
pub struct Exchange {
    pub hop: Hop,
    pub method: String,
    /// Full URL as requested (scheme, host, path and query).
    pub url: String,
    pub request_headers: Vec<(String, String)>,
    /// Request body as text (lossy UTF-8).
    pub request_body: String,
    /// Fields a server decodes from the query string and a form body, in order, query first.
    pub form: Vec<(String, String)>,
    pub status: Option<u16>,
    pub response_headers: Vec<(String, String)>,
    pub response_body: Option<String>,
    /// Transport failure (TLS, reset, timeout...) in the words the client would log.
    pub error: Option<String>,
    /// Simulated time of the request, ISO 8601.
    pub at: String,
}

impl Exchange {
    /// First value of a decoded form field.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.form
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Path of the URL without the query.
    pub fn path(&self) -> &str {
        let after_scheme = self
            .url
            .split_once("://")
            .map_or(self.url.as_str(), |(_, r)| r);
        let path_start = after_scheme.find('/').unwrap_or(after_scheme.len());
        let path = &after_scheme[path_start..];
        path.split('?').next().unwrap_or(path)
    }
}

/// A shared, append-only list of exchanges. Cloning gives another handle on the same list.
#[derive(Clone, Debug, Default)]
pub struct Journal {
    entries: Arc<Mutex<Vec<Exchange>>>,
}

impl Journal {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends one exchange.
    pub fn record(&self, exchange: Exchange) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(exchange);
    }

    /// A copy of every exchange so far, in order.
    pub fn entries(&self) -> Vec<Exchange> {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Exchanges of one hop, in order.
    pub fn on(&self, hop: Hop) -> Vec<Exchange> {
        self.entries()
            .into_iter()
            .filter(|e| e.hop == hop)
            .collect()
    }
}
