//! Bridges the harness does not implement itself: a user's Twilio Function run under Twilio's
//! local runtime, any program, or an already-running URL.
//! (Skeleton: the issue-6 implementation replaces the body; the types are the contract.)

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use super::BridgeKind;
use crate::fault::FaultPlan;
use crate::wire::server::SharedTls;

/// What to start.
#[derive(Clone, Debug)]
pub struct ExternalSpec {
    pub kind: BridgeKind,
    /// `function`: the Function file (already resolved against the scenario's folder).
    pub file: Option<PathBuf>,
    /// `command`: program and arguments, `{port}` not yet replaced.
    pub command: Option<Vec<String>>,
    /// Extra environment variables from the scenario.
    pub env: BTreeMap<String, String>,
    /// `command`: path polled until the program answers.
    pub ready_path: Option<String>,
}

/// Everything the bridge is deployed with, and where the harness's parties are.
#[derive(Clone)]
pub struct BridgeEnv {
    /// Path the bridge answers on.
    pub path: String,
    /// The bridge's shared secret (`API_SECRET`). A secret.
    pub api_secret: String,
    /// The Verify service SID (`VERIFY_SID`).
    pub verify_sid: String,
    /// `ACCOUNT_SID` of the bridge's Twilio client.
    pub account_sid: String,
    /// `AUTH_TOKEN` of the bridge's Twilio client. A secret.
    pub auth_token: String,
    /// The fake Verify, `http://127.0.0.1:PORT`.
    pub verify_base_url: String,
    /// The Functions execution limit, enforced by the harness's front (504).
    pub time_limit: Duration,
    /// Faults on the RSA -> bridge hop, applied by the harness's front.
    pub faults: FaultPlan,
    /// TLS identity the front presents (None for an http:// Base URL).
    pub tls: Option<SharedTls>,
    /// The scenario file's folder (working directory for relative paths).
    pub work_dir: PathBuf,
}

/// A running external bridge.
#[derive(Debug)]
pub struct ExternalBridge {
    connect_to: Option<SocketAddr>,
}

impl ExternalBridge {
    /// Starts the bridge and waits until it answers.
    pub async fn start(spec: &ExternalSpec, env: &BridgeEnv) -> Result<ExternalBridge, String> {
        let _ = env;
        Err(format!("bridge kind {:?} is not available yet", spec.kind))
    }

    /// Where the plug-in connects (the harness's front), or None to use the Base URL as is.
    pub fn connect_to(&self) -> Option<SocketAddr> {
        self.connect_to
    }

    /// Stops what was started.
    pub async fn shutdown(self) {}
}
