//! How a started bridge's Twilio client reaches the fake Verify without a change to its code:
//! `HTTP_PROXY` points at a harness [`ForwardProxy`] that answers `CONNECT verify.twilio.com:443`,
//! terminates TLS with a certificate from its own [`InterceptCa`], and forwards plaintext to the
//! fake Verify. The CA's PEM is written to a file that `NODE_EXTRA_CA_CERTS` and
//! `TWILIO_CA_BUNDLE` name, so the client trusts it.
//!
//! The official `twilio` Node library sends every request through `HTTP_PROXY` when it is set, but
//! then ignores `TWILIO_CA_BUNDLE` (its proxy agent is built without the `ca` option), which is
//! why `NODE_EXTRA_CA_CERTS` is set too.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use crate::proxy::{ForwardProxy, InterceptCa, ProxyOptions, Route};
use crate::wire::client::Target;

/// The Twilio API hosts a bridge might call, all routed to the fake Verify.
const TWILIO_HOSTS: [&str; 2] = ["verify.twilio.com", "api.twilio.com"];

/// The running proxy and the variables that make a program use it.
#[derive(Debug)]
pub struct Egress {
    _proxy: ForwardProxy,
    /// `HTTP_PROXY`, `HTTPS_PROXY` (both cases), `NO_PROXY`, `NODE_EXTRA_CA_CERTS`, `TWILIO_CA_BUNDLE`.
    pub vars: BTreeMap<String, String>,
}

/// Starts the proxy for a bridge whose Verify is at `verify_base_url` (`http://127.0.0.1:PORT`)
/// and writes the CA to `dir/twilio-ca.pem`.
pub async fn start(verify_base_url: &str, dir: &Path) -> Result<Egress, String> {
    let verify = verify_addr(verify_base_url)?;
    let ca = InterceptCa::new(
        "rsa-verify-sim Twilio stand-in CA",
        time::OffsetDateTime::now_utc(),
    )
    .map_err(|e| format!("the Twilio stand-in CA could not be made: {e}"))?;
    let ca_file = dir.join("twilio-ca.pem");
    std::fs::write(&ca_file, ca.cert_pem()).map_err(|e| format!("{}: {e}", ca_file.display()))?;
    let options = ProxyOptions {
        routes: TWILIO_HOSTS
            .iter()
            .map(|host| Route {
                authority: format!("{host}:443"),
                upstream: verify,
                upstream_tls: false,
            })
            .collect(),
        intercept: Some(Arc::new(ca)),
        ..ProxyOptions::default()
    };
    let proxy = ForwardProxy::start(options)
        .await
        .map_err(|e| format!("the Twilio stand-in proxy could not start: {e}"))?;
    let proxy_url = format!("http://{}", proxy.addr());
    let ca_path = ca_file.to_string_lossy().into_owned();
    let mut vars = BTreeMap::new();
    for name in ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"] {
        vars.insert(name.to_string(), proxy_url.clone());
    }
    for name in ["NO_PROXY", "no_proxy"] {
        vars.insert(name.to_string(), "127.0.0.1,localhost,::1".to_string());
    }
    vars.insert("NODE_EXTRA_CA_CERTS".into(), ca_path.clone());
    vars.insert("TWILIO_CA_BUNDLE".into(), ca_path);
    Ok(Egress {
        _proxy: proxy,
        vars,
    })
}

/// The loopback address in the fake Verify's base URL.
fn verify_addr(verify_base_url: &str) -> Result<SocketAddr, String> {
    let target = Target::parse(verify_base_url).map_err(|e| e.to_string())?;
    format!("{}:{}", target.host, target.port)
        .parse()
        .map_err(|_| format!("the fake Verify is not on a loopback address: {verify_base_url}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fake_verify_address_comes_from_its_base_url() {
        assert_eq!(
            verify_addr("http://127.0.0.1:4567").unwrap(),
            SocketAddr::from(([127, 0, 0, 1], 4567))
        );
        assert!(verify_addr("http://verify.example:80").is_err());
    }
}
