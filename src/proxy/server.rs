//! The forward proxy's connection handling.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use subtle::ConstantTimeEq;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use super::head::{self, Head};

/// Where a requested `host:port` really goes (the harness has no DNS).
#[derive(Clone, Debug)]
pub struct Route {
    /// `host:port` as the client asks for it, e.g. `demo-1234.twil.io:443`.
    pub authority: String,
    pub upstream: SocketAddr,
    /// Whether the upstream speaks TLS (used only when the proxy terminates TLS itself).
    pub upstream_tls: bool,
}

/// A CA that signs a certificate for whichever host a client asks for, as an SSL-inspecting proxy
/// (or the harness standing in for `verify.twilio.com`) does.
pub struct InterceptCa {
    key: KeyPair,
    params: CertificateParams,
    cert_der: CertificateDer<'static>,
    cert_pem: String,
    issued: Mutex<HashMap<String, Arc<rustls::ServerConfig>>>,
}

impl std::fmt::Debug for InterceptCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InterceptCa").finish_non_exhaustive()
    }
}

impl InterceptCa {
    /// A new CA named `common_name`, valid from a day before `now` for ten years.
    pub fn new(common_name: &str, now: time::OffsetDateTime) -> Result<Self, rcgen::Error> {
        let key = KeyPair::generate()?;
        let mut params = CertificateParams::default();
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        params.not_before = now - time::Duration::days(1);
        params.not_after = now + time::Duration::days(3650);
        let cert = params.self_signed(&key)?;
        Ok(Self {
            cert_der: cert.der().clone(),
            cert_pem: cert.pem(),
            key,
            params,
            issued: Mutex::new(HashMap::new()),
        })
    }

    /// The CA certificate (what a client would have to trust).
    pub fn cert_der(&self) -> &CertificateDer<'static> {
        &self.cert_der
    }

    /// The CA certificate as PEM.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// A TLS server identity for `host`, signed by this CA (cached per host).
    pub fn server_config(&self, host: &str) -> Result<Arc<rustls::ServerConfig>, String> {
        let mut issued = self.issued.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(config) = issued.get(host) {
            return Ok(config.clone());
        }
        let leaf_key = KeyPair::generate().map_err(|e| e.to_string())?;
        let mut params =
            CertificateParams::new(vec![host.to_string()]).map_err(|e| e.to_string())?;
        params.distinguished_name.push(DnType::CommonName, host);
        params.not_before = self.params.not_before;
        params.not_after = self.params.not_after;
        let issuer = Issuer::from_params(&self.params, &self.key);
        let leaf = params
            .signed_by(&leaf_key, &issuer)
            .map_err(|e| e.to_string())?;
        let chain = vec![leaf.der().clone(), self.cert_der.clone()];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| e.to_string())?;
        let config = Arc::new(config);
        issued.insert(host.to_string(), config.clone());
        Ok(config)
    }
}

/// How the proxy behaves.
#[derive(Clone, Debug)]
pub struct ProxyOptions {
    /// Basic credentials the proxy requires (407 without them). A secret.
    pub credentials: Option<(String, String)>,
    pub routes: Vec<Route>,
    /// Terminate TLS inside CONNECT tunnels with certificates from this CA instead of passing bytes through.
    pub intercept: Option<Arc<InterceptCa>>,
    /// Trust used when re-encrypting towards a TLS upstream after interception.
    pub upstream_tls: Option<Arc<rustls::ClientConfig>>,
    /// Time a client has to send its request head.
    pub head_timeout: Duration,
}

impl Default for ProxyOptions {
    fn default() -> Self {
        Self {
            credentials: None,
            routes: Vec::new(),
            intercept: None,
            upstream_tls: None,
            head_timeout: Duration::from_secs(10),
        }
    }
}

/// A running proxy on 127.0.0.1; dropping it stops it.
#[derive(Debug)]
pub struct ForwardProxy {
    addr: SocketAddr,
    stop: watch::Sender<bool>,
}

impl ForwardProxy {
    /// Starts the proxy on an ephemeral loopback port.
    pub async fn start(options: ProxyOptions) -> std::io::Result<ForwardProxy> {
        let listener = crate::wire::server::bind_listener(SocketAddr::from(([127, 0, 0, 1], 0)))?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = watch::channel(false);
        tokio::spawn(accept_loop(listener, Arc::new(options), stopped));
        Ok(ForwardProxy { addr, stop })
    }

    /// The loopback address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for ForwardProxy {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

async fn accept_loop(
    listener: TcpListener,
    options: Arc<ProxyOptions>,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        let tcp = tokio::select! {
            _ = stopped.changed() => return,
            accepted = listener.accept() => match accepted {
                Ok((tcp, _)) => tcp,
                // Out of descriptors: pause instead of spinning on an accept that fails at once.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        let options = options.clone();
        let mut stop_conn = stopped.clone();
        tokio::spawn(async move {
            tokio::select! {
                _ = handle(tcp, &options) => {}
                _ = stop_conn.changed() => {}
            }
        });
    }
}

async fn handle(mut client: TcpStream, options: &ProxyOptions) {
    let Ok((head, rest)) = head::read(&mut client, options.head_timeout).await else {
        return;
    };
    if !authorized(&head, options) {
        let _ = client
            .write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"rsa-verify-sim proxy\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .await;
        return;
    }
    if head.method.eq_ignore_ascii_case("CONNECT") {
        connect(client, &head, options).await;
    } else {
        forward_plain(client, head, rest, options).await;
    }
}

fn authorized(head: &Head, options: &ProxyOptions) -> bool {
    let Some((user, password)) = &options.credentials else {
        return true;
    };
    let expected = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    let given = head
        .header("proxy-authorization")
        .and_then(|v| v.strip_prefix("Basic "))
        .unwrap_or("");
    bool::from(given.as_bytes().ct_eq(expected.as_bytes()))
}

fn route<'a>(options: &'a ProxyOptions, authority: &str) -> Option<&'a Route> {
    options
        .routes
        .iter()
        .find(|r| r.authority.eq_ignore_ascii_case(authority))
}

async fn connect(mut client: TcpStream, head: &Head, options: &ProxyOptions) {
    let Some(route) = route(options, &head.target) else {
        let body = format!("no route to {}", head.target);
        let _ = client
            .write_all(format!("HTTP/1.1 502 Bad Gateway\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).as_bytes())
            .await;
        return;
    };
    let Some(ca) = &options.intercept else {
        // A plain tunnel: a proxy that cannot reach the host says so with 502, and a host that
        // resets the connection resets the client's too.
        let Ok(mut upstream) = TcpStream::connect(route.upstream).await else {
            let _ = client
                .write_all(
                    b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                )
                .await;
            return;
        };
        if client
            .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            .await
            .is_ok()
            && tokio::io::copy_bidirectional(&mut client, &mut upstream)
                .await
                .is_err()
        {
            let _ = client.set_zero_linger();
        }
        return;
    };
    if client
        .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        .await
        .is_err()
    {
        return;
    }
    // Interception: the client's TLS ends here, with a certificate for the host it asked for,
    // signed by the proxy's own CA. A client that pins anything else refuses the handshake.
    let host = head
        .target
        .rsplit_once(':')
        .map_or(head.target.as_str(), |(h, _)| h)
        .to_string();
    let Ok(config) = ca.server_config(&host) else {
        return;
    };
    let Ok(mut decrypted) = tokio_rustls::TlsAcceptor::from(config).accept(client).await else {
        return;
    };
    // The harness stands in for the host itself here, so the host's own failures (refused,
    // reset) must reach the client as they would from the real host: as a reset, not a 502.
    let relayed = match TcpStream::connect(route.upstream).await {
        Err(_) => false,
        Ok(upstream) if route.upstream_tls => {
            let (Some(tls), Ok(name)) = (options.upstream_tls.clone(), ServerName::try_from(host))
            else {
                return;
            };
            match tokio_rustls::TlsConnector::from(tls)
                .connect(name, upstream)
                .await
            {
                Ok(mut upstream) => tokio::io::copy_bidirectional(&mut decrypted, &mut upstream)
                    .await
                    .is_ok(),
                Err(_) => false,
            }
        }
        Ok(mut upstream) => tokio::io::copy_bidirectional(&mut decrypted, &mut upstream)
            .await
            .is_ok(),
    };
    if !relayed {
        let _ = decrypted.get_ref().0.set_zero_linger();
    }
}

/// Absolute-form requests for plain `http://` URLs: rewrite to origin form and relay.
async fn forward_plain(mut client: TcpStream, head: Head, rest: Vec<u8>, options: &ProxyOptions) {
    let Some((authority, path)) = split_absolute(&head.target) else {
        let _ = client
            .write_all(
                b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            )
            .await;
        return;
    };
    let Some(route) = route(options, &authority) else {
        let _ = client
            .write_all(
                b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            )
            .await;
        return;
    };
    let Ok(mut upstream) = TcpStream::connect(route.upstream).await else {
        let _ = client
            .write_all(
                b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            )
            .await;
        return;
    };
    let mut out = format!("{} {} {}\r\n", head.method, path, head.version);
    for (k, v) in &head.headers {
        if !k.eq_ignore_ascii_case("proxy-authorization")
            && !k.eq_ignore_ascii_case("proxy-connection")
        {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    out.push_str("\r\n");
    if upstream.write_all(out.as_bytes()).await.is_err() || upstream.write_all(&rest).await.is_err()
    {
        return;
    }
    relay(&mut client, &mut upstream).await;
}

async fn relay<A, B>(a: &mut A, b: &mut B)
where
    A: AsyncRead + AsyncWrite + Unpin,
    B: AsyncRead + AsyncWrite + Unpin,
{
    let _ = tokio::io::copy_bidirectional(a, b).await;
}

/// `http://host:port/path?q` -> (`host:port`, `/path?q`), with port 80 filled in.
fn split_absolute(target: &str) -> Option<(String, String)> {
    let rest = target.strip_prefix("http://")?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let authority = if authority.contains(':') {
        authority.to_string()
    } else {
        format!("{authority}:80")
    };
    Some((authority, path.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_targets_split_into_authority_and_path() {
        assert_eq!(
            split_absolute("http://demo.example/fn?a=1"),
            Some(("demo.example:80".into(), "/fn?a=1".into()))
        );
        assert_eq!(split_absolute("/relative"), None);
    }
}
