//! Bridges the harness does not implement itself: a user's Twilio Function run under Twilio's
//! local runtime, any program, or an already-running URL.
//!
//! - [`function`]: the Function's JavaScript file, unchanged, under `twilio-run` ([`node`] finds it);
//! - [`command`]: any program serving plain HTTP on a loopback port;
//! - `url`: nothing is started; only `send`-style checks can use it.
//!
//! Started bridges sit behind the harness's [`front`] (TLS, faults, 405, the 10-second limit) and
//! reach the fake Verify through the Twilio stand-in proxy of [`egress`]. [`process`] owns the
//! child processes: bounded start-up waits, output kept for error messages, no orphans.

pub mod command;
pub mod egress;
pub mod front;
pub mod function;
pub mod node;
pub mod process;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use self::egress::Egress;
use self::process::RunningProcess;
use super::BridgeKind;
use crate::fault::FaultPlan;
use crate::wire::server::{RunningServer, SharedTls};

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
    /// A protected Function: the front refuses requests without a valid `X-Twilio-Signature`.
    pub protected: bool,
}

/// A running external bridge.
#[derive(Debug)]
pub struct ExternalBridge {
    connect_to: Option<SocketAddr>,
    /// What was started (None for a `url` bridge).
    started: Option<Box<Started>>,
}

/// The parts of a started bridge, dropped in this order: front, program, proxy, folder.
#[derive(Debug)]
struct Started {
    /// The harness's TLS front (stopped when dropped).
    front: RunningServer,
    /// The started program (its process group is killed when dropped).
    process: RunningProcess,
    /// The Twilio stand-in proxy (stopped when dropped).
    _egress: Egress,
    /// The temporary project and logs (removed when dropped, after the process is gone).
    _dir: tempfile::TempDir,
}

impl ExternalBridge {
    /// Starts the bridge and waits until it answers.
    pub async fn start(spec: &ExternalSpec, env: &BridgeEnv) -> Result<ExternalBridge, String> {
        match spec.kind {
            BridgeKind::Function | BridgeKind::Command => start_process(spec, env).await,
            BridgeKind::Url => Ok(ExternalBridge {
                connect_to: None,
                started: None,
            }),
            BridgeKind::Bundled => Err(
                "the bundled bridge is not an external bridge: start it with BundledBridge".into(),
            ),
        }
    }

    /// Where the plug-in connects (the harness's front), or None to use the Base URL as is.
    pub fn connect_to(&self) -> Option<SocketAddr> {
        self.connect_to
    }

    /// The started program's process id (also its process group's), for checks that nothing is
    /// left running; None for a `url` bridge.
    pub fn process_id(&self) -> Option<u32> {
        self.started.as_ref().and_then(|s| s.process.id())
    }

    /// Stops what was started.
    pub async fn shutdown(self) {
        if let Some(started) = self.started {
            let Started {
                front,
                process,
                _egress,
                _dir,
            } = *started;
            front.shutdown();
            process.stop().await;
        }
    }
}

/// `function` and `command`: temp folder, Twilio stand-in proxy, the program, then the front.
async fn start_process(spec: &ExternalSpec, env: &BridgeEnv) -> Result<ExternalBridge, String> {
    // Check what is needed before creating anything.
    let runtime = match spec.kind {
        BridgeKind::Function => Some(node::locate()?),
        _ => None,
    };
    let dir = tempfile::Builder::new()
        .prefix("rsa-verify-sim-bridge-")
        .tempdir()
        .map_err(|e| format!("no temporary folder for the bridge: {e}"))?;
    let egress = egress::start(&env.verify_base_url, dir.path()).await?;
    let (process, port) = start_program(spec, env, runtime.as_ref(), &egress, dir.path()).await?;
    let upstream = SocketAddr::from(([127, 0, 0, 1], port));
    let front = front::start(env, upstream).await?;
    Ok(ExternalBridge {
        connect_to: Some(front.addr()),
        started: Some(Box::new(Started {
            front,
            process,
            _egress: egress,
            _dir: dir,
        })),
    })
}

/// Starts the program on a free port. The port is found by binding and releasing it, so another
/// program may take it first: a start that fails with "address in use" is tried again on a new
/// port, at most [`START_ATTEMPTS`] times.
async fn start_program(
    spec: &ExternalSpec,
    env: &BridgeEnv,
    runtime: Option<&node::NodeRuntime>,
    egress: &Egress,
    dir: &std::path::Path,
) -> Result<(RunningProcess, u16), String> {
    let mut attempt = 1;
    loop {
        let port = process::free_port()?;
        let started = match runtime {
            Some(runtime) => {
                let file = spec.file.as_ref().ok_or(
                    "a function bridge needs its file: [bridge] file = \"my-function.js\" or run --bridge function=PATH",
                )?;
                let launch =
                    function::prepare(file, env, &spec.env, &egress.vars, runtime, dir, port)?;
                function::start(&launch, port).await
            }
            None => {
                let argv = spec.command.as_ref().ok_or(
                    "a command bridge needs its program: [bridge] command = [\"node\", \"bridge.js\", \"{port}\"] or run --bridge command='PROGRAM ARGS'",
                )?;
                let launch = command::prepare(argv, env, &spec.env, &egress.vars, dir, port)?;
                let ready = spec.ready_path.as_deref().unwrap_or(&env.path);
                command::start(&launch, port, ready).await
            }
        };
        match started {
            Ok(process) => return Ok((process, port)),
            Err(e) if attempt < START_ATTEMPTS && e.contains("EADDRINUSE") => attempt += 1,
            Err(e) => return Err(e),
        }
    }
}

/// How many ports a start is tried on.
const START_ATTEMPTS: u32 = 3;
