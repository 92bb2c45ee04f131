//! Starting the bridge a scenario asks for: the bundled one, or an external kind.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::CertificateDer;

use super::format::{ProxyMode, ScenarioFile};
use super::run::RunOptions;
use crate::bridge::external::{BridgeEnv, ExternalBridge, ExternalSpec};
use crate::bridge::{BridgeConfig, BridgeKind, BundledBridge};
use crate::clock::SimClock;
use crate::pki::Pki;
use crate::plugin::trust::PinnedVerifier;
use crate::plugin::Delivery;
use crate::proxy::{ForwardProxy, InterceptCa, ProxyOptions, Route};
use crate::verify::FakeVerify;
use crate::wire::client::{ProxyRoute, Target};

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
            protected: env.protected,
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

/// A Verification Check sent straight to the fake Verify, as a Verify client would. The fake
/// journals it; the returned delivery only carries transport failures.
pub(super) async fn verify_check(
    verify: &FakeVerify,
    (account_sid, auth_token, service_sid): &(String, String, String),
    to: &str,
    code: &str,
) -> Delivery {
    use crate::plugin::encode::url_encode;
    use crate::wire::client::{self, ClientRequest, Connector};
    use base64::Engine;
    let credentials =
        base64::engine::general_purpose::STANDARD.encode(format!("{account_sid}:{auth_token}"));
    let request = ClientRequest {
        method: "POST".into(),
        url: format!(
            "{}/v2/Services/{service_sid}/VerificationCheck",
            verify.base_url()
        ),
        headers: vec![
            ("Authorization".into(), format!("Basic {credentials}")),
            (
                "Content-Type".into(),
                "application/x-www-form-urlencoded".into(),
            ),
        ],
        body: format!("To={}&Code={}", url_encode(to), url_encode(code)).into_bytes(),
    };
    let connector = Connector {
        connect_to: None,
        tls: None,
        connect_timeout: Duration::from_secs(10),
        read_timeout: Duration::from_secs(30),
        proxy: None,
    };
    let failure = client::send(&request, &connector)
        .await
        .err()
        .map(|e| crate::plugin::Failure {
            class: crate::plugin::FailureClass::Connection,
            message: e.to_string(),
            diagnosis: "The Verification Check did not get an answer from the fake Verify.".into(),
        });
    Delivery {
        request: None,
        status: None,
        response_body: None,
        decision: None,
        failure,
        warnings: Vec::new(),
    }
}

/// Starts the harness proxy and returns it with the route the plug-in uses to reach it.
pub(super) async fn start_proxy(
    s: &ScenarioFile,
    pki: &Pki,
    clock: &SimClock,
    bridge: std::net::SocketAddr,
    target: Option<&Target>,
    configured: &crate::plugin::config::ProxyConfig,
) -> Result<(ForwardProxy, ProxyRoute), String> {
    let target = target.ok_or("[rsa] proxy is set but the Base URL is not a valid http(s) URL")?;
    let credentials = match (&s.proxy.require_user, &s.proxy.require_password) {
        (Some(u), Some(p)) => Some((u.clone(), p.clone())),
        (None, None) => None,
        _ => return Err("[proxy] require_user and require_password go together".into()),
    };
    let mut options = ProxyOptions {
        credentials,
        routes: vec![Route {
            authority: format!("{}:{}", target.host, target.port),
            upstream: bridge,
            upstream_tls: target.https,
        }],
        ..ProxyOptions::default()
    };
    if s.proxy.mode == ProxyMode::Inspect {
        let ca = InterceptCa::new("Corporate SSL Inspection CA", clock.now())
            .map_err(|e| e.to_string())?;
        options.intercept = Some(Arc::new(ca));
        // The inspecting proxy itself trusts the real chain when it re-encrypts towards the bridge.
        let root = pki.get("root").map(|c| c.der.clone());
        let verifier = PinnedVerifier::new(root, clock.clone(), true);
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
        options.upstream_tls = Some(Arc::new(tls));
    }
    let proxy = ForwardProxy::start(options)
        .await
        .map_err(|e| format!("the proxy could not start: {e}"))?;
    let route = ProxyRoute {
        host: configured.host.clone(),
        port: configured.port,
        connect_to: Some(proxy.addr()),
        credentials: configured
            .user
            .clone()
            .map(|u| (u, configured.password.clone().unwrap_or_default())),
    };
    Ok((proxy, route))
}

/// The certificate RSA imported: a PKI name, `none`, or a PEM file (relative to the scenario file).
pub(super) fn imported_certificate(
    file: &Path,
    pki: &Pki,
    name: &str,
) -> Result<Option<CertificateDer<'static>>, String> {
    if name == "none" {
        return Ok(None);
    }
    if let Some(issued) = pki.get(name) {
        return Ok(Some(issued.der.clone()));
    }
    if name.ends_with(".pem") || name.ends_with(".crt") || name.contains('/') {
        let path = file
            .parent()
            .map_or_else(|| PathBuf::from(name), |dir| dir.join(name));
        let pem = std::fs::read(&path)
            .map_err(|e| format!("[rsa] certificate {}: {e}", path.display()))?;
        let mut reader = std::io::BufReader::new(pem.as_slice());
        let first = rustls_pemfile::certs(&mut reader)
            .next()
            .ok_or_else(|| {
                format!(
                    "[rsa] certificate {}: no PEM CERTIFICATE block found",
                    path.display()
                )
            })?
            .map_err(|e| format!("[rsa] certificate {}: {e}", path.display()))?;
        return Ok(Some(first));
    }
    Err(format!(
        "[rsa] certificate = {name:?} is not a certificate of this scenario (known: {}, none, or a path to a PEM file)",
        pki.names().join(", ")
    ))
}

/// A TLS server identity presenting the named certificates, leaf first, with the leaf's key.
pub(super) fn server_tls(pki: &Pki, names: &[String]) -> Result<Arc<rustls::ServerConfig>, String> {
    let first = names
        .first()
        .ok_or("[bridge] serves is empty: name at least the leaf certificate")?;
    let mut chain = Vec::new();
    for name in names {
        let issued = pki.get(name).ok_or_else(|| {
            format!(
                "[bridge] serves names {name:?}, which is not a certificate of this scenario (known: {})",
                pki.names().join(", ")
            )
        })?;
        chain.push(issued.der.clone());
    }
    let key = pki
        .get(first)
        .map(|i| i.private_key())
        .ok_or("missing leaf key")?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| format!("the bridge cannot serve {names:?}: {e}"))?;
    Ok(Arc::new(config))
}
