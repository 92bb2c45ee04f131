//! Starting the bridge a scenario asks for: the bundled one, or an external kind.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use super::format::ScenarioFile;
use super::run::RunOptions;
use crate::bridge::external::{BridgeEnv, ExternalBridge, ExternalSpec};
use crate::bridge::{BridgeConfig, BridgeKind, BundledBridge};

/// The bridge `run --bridge` selects for scenarios that do not name a kind.
#[derive(Clone, Debug)]
pub struct BridgeOverride {
    pub kind: BridgeKind,
    /// `function`: the Function file (relative to the working directory).
    pub file: Option<PathBuf>,
    /// `command`: program and arguments.
    pub command: Option<Vec<String>>,
}

impl BridgeOverride {
    /// Parses `bundled`, `function=PATH` or `command=PROGRAM ARG...`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (kind, value) = text
            .split_once('=')
            .map_or((text, None), |(k, v)| (k, Some(v)));
        match (kind, value) {
            ("bundled", None) => Ok(Self {
                kind: BridgeKind::Bundled,
                file: None,
                command: None,
            }),
            ("function", Some(path)) if !path.is_empty() => Ok(Self {
                kind: BridgeKind::Function,
                file: Some(PathBuf::from(path)),
                command: None,
            }),
            ("command", Some(cmd)) if !cmd.trim().is_empty() => Ok(Self {
                kind: BridgeKind::Command,
                file: None,
                command: Some(cmd.split_whitespace().map(str::to_string).collect()),
            }),
            _ => Err(format!(
                "expected --bridge bundled, --bridge function=PATH.js or --bridge command='PROGRAM ARGS', found {text:?}"
            )),
        }
    }
}

/// A running bridge of any kind.
#[derive(Debug)]
pub enum RunningBridge {
    Bundled(BundledBridge),
    External(ExternalBridge),
}

impl RunningBridge {
    /// Where the plug-in connects; None for a `url` bridge (the Base URL itself).
    pub fn connect_to(&self) -> Option<SocketAddr> {
        match self {
            RunningBridge::Bundled(b) => Some(b.addr()),
            RunningBridge::External(b) => b.connect_to(),
        }
    }

    /// Stops it (and any process it started).
    pub async fn shutdown(self) {
        match self {
            RunningBridge::Bundled(b) => b.shutdown(),
            RunningBridge::External(b) => b.shutdown().await,
        }
    }
}

/// Starts the scenario's bridge (or the override's, when the scenario names no kind).
pub async fn start_bridge(
    file: &Path,
    s: &ScenarioFile,
    options: &RunOptions,
    env: &BridgeEnv,
) -> Result<RunningBridge, String> {
    let over = options
        .bridge_override
        .as_ref()
        .filter(|_| s.bridge.kind.is_none());
    let kind = s.bridge.kind.or(over.map(|o| o.kind)).unwrap_or_default();
    if kind == BridgeKind::Bundled {
        let config = BridgeConfig {
            path: env.path.clone(),
            api_secret: env.api_secret.clone(),
            verify_sid: env.verify_sid.clone(),
            verify_base_url: env.verify_base_url.clone(),
            account_sid: env.account_sid.clone(),
            auth_token: env.auth_token.clone(),
            time_limit: env.time_limit,
        };
        let bridge = BundledBridge::start(config, env.tls.clone(), env.faults.clone())
            .await
            .map_err(|e| format!("the bridge could not start: {e}"))?;
        return Ok(RunningBridge::Bundled(bridge));
    }
    let dir = file.parent().unwrap_or(Path::new(""));
    let spec = ExternalSpec {
        kind,
        file: match (&s.bridge.file, over) {
            (Some(f), _) => Some(dir.join(f)),
            (None, Some(o)) => o.file.clone(),
            (None, None) => None,
        },
        command: s
            .bridge
            .command
            .clone()
            .or_else(|| over.and_then(|o| o.command.clone())),
        env: s.bridge.env.clone(),
        ready_path: s.bridge.ready_path.clone(),
    };
    ExternalBridge::start(&spec, env)
        .await
        .map(RunningBridge::External)
}
