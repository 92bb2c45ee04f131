//! The bundled bridge on a loopback port, behind TLS when it has a certificate.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use super::config::BridgeConfig;
use super::handler;
use crate::fault::{FaultPlan, FaultSchedule};
use crate::wire::server::{self, RunningServer, ServerOptions, SharedTls};

/// A running bundled bridge.
#[derive(Debug)]
pub struct BundledBridge {
    server: RunningServer,
    https: bool,
}

impl BundledBridge {
    /// Starts the bridge on `127.0.0.1` with an ephemeral port. With `tls`, it serves HTTPS and the
    /// identity can be swapped later through the same handle.
    ///
    /// `faults` makes the bridge misbehave on chosen requests (each request counts as a `create`).
    pub async fn start(
        config: BridgeConfig,
        tls: Option<SharedTls>,
        faults: FaultPlan,
    ) -> std::io::Result<BundledBridge> {
        Self::start_on(None, config, tls, faults).await
    }

    /// Like [`BundledBridge::start`], on a chosen address (`None`: an ephemeral loopback port).
    pub async fn start_on(
        bind: Option<SocketAddr>,
        config: BridgeConfig,
        tls: Option<SharedTls>,
        faults: FaultPlan,
    ) -> std::io::Result<BundledBridge> {
        let https = tls.is_some();
        let config = Arc::new(config);
        let handler: server::Handler = Arc::new(move |req| {
            let config = config.clone();
            Box::pin(async move { handler::handle(&config, req).await })
        });
        let options = ServerOptions {
            bind: bind.unwrap_or(ServerOptions::default().bind),
            tls,
            faults: (!faults.is_empty()).then(|| Arc::new(Mutex::new(FaultSchedule::new(faults)))),
            ..ServerOptions::default()
        };
        let server = server::serve(options, handler).await?;
        Ok(BundledBridge { server, https })
    }

    /// The loopback address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// Whether it serves HTTPS.
    pub fn https(&self) -> bool {
        self.https
    }

    /// Stops it.
    pub fn shutdown(&self) {
        self.server.shutdown();
    }
}
