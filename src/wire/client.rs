//! A one-shot HTTP/1.1 client (hyper) over TCP or TLS (tokio-rustls), used by the plug-in
//! simulator and by the bundled bridge.
//!
//! It never resolves names on its own when a connect address is given: scenarios connect to
//! 127.0.0.1 while TLS still verifies the Base URL's host name, so no DNS or /etc/hosts is needed.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use tokio::net::TcpStream;

/// Where and how to connect.
#[derive(Clone)]
pub struct Connector {
    /// Connect here instead of resolving the URL's host (the host is still used for SNI,
    /// certificate checks and the Host header).
    pub connect_to: Option<SocketAddr>,
    /// TLS configuration for `https` URLs. `https` without it is refused.
    pub tls: Option<Arc<rustls::ClientConfig>>,
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
    /// Go through this HTTP proxy (CONNECT for https, absolute-form requests for http).
    pub proxy: Option<ProxyRoute>,
}

/// An HTTP proxy the client goes through.
#[derive(Clone, Debug)]
pub struct ProxyRoute {
    /// Proxy host and port as configured.
    pub host: String,
    pub port: u16,
    /// Connect here instead of resolving `host` (scenarios: the harness proxy's loopback port).
    pub connect_to: Option<SocketAddr>,
    /// Basic credentials sent as `Proxy-Authorization`. A secret.
    pub credentials: Option<(String, String)>,
}

/// A request to send. `url` is absolute (`https://host:port/path?query`).
#[derive(Clone, Debug)]
pub struct ClientRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// A complete response.
#[derive(Clone, Debug)]
pub struct ClientResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The connection ended before the body its headers announced (only with [`BodyEnd::KeepWhatArrived`]).
    pub truncated: bool,
}

/// What to do when the connection ends before the announced body is complete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyEnd {
    /// An error (`Unexpected end of file`), as Node's client and most HTTP libraries report it.
    Strict,
    /// Hand over what arrived: the JDK's HttpURLConnection stream just ends early (its metered
    /// stream returns end-of-file), so the caller sees a short body and no exception.
    KeepWhatArrived,
}

impl ClientResponse {
    /// First value of a header, case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (lossy UTF-8).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Why no complete response arrived. `Display` gives the words java.net would use.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("java.net.MalformedURLException: {0}")]
    BadUrl(String),
    #[error("java.net.UnknownHostException: {0}")]
    UnknownHost(String),
    #[error("java.net.ConnectException: Connection refused")]
    Refused,
    #[error("java.net.SocketTimeoutException: connect timed out")]
    ConnectTimeout,
    #[error("java.net.SocketTimeoutException: Read timed out")]
    ReadTimeout,
    #[error("java.net.SocketException: Connection reset")]
    Reset,
    #[error("java.net.SocketException: Unexpected end of file from server")]
    UnexpectedEof,
    #[error("java.io.IOException: Invalid Http response ({0})")]
    Malformed(String),
    #[error("javax.net.ssl.SSLHandshakeException: {0}")]
    Tls(String),
    #[error("java.io.IOException: {0}")]
    Io(String),
    #[error("java.io.IOException: Unable to tunnel through proxy. Proxy returns \"{0}\"")]
    ProxyTunnel(String),
}

/// The parts of an absolute URL the client needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub https: bool,
    pub host: String,
    pub port: u16,
    /// Path and query, starting with `/`.
    pub path_and_query: String,
}

impl Target {
    /// Parses an absolute http(s) URL.
    pub fn parse(url: &str) -> Result<Target, ClientError> {
        let uri: http::Uri = url
            .parse()
            .map_err(|e| ClientError::BadUrl(format!("{url}: {e}")))?;
        let https = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            Some(other) => return Err(ClientError::BadUrl(format!("unknown protocol: {other}"))),
            None => return Err(ClientError::BadUrl(format!("no protocol: {url}"))),
        };
        let host = uri
            .host()
            .ok_or_else(|| ClientError::BadUrl(format!("no host in {url}")))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        let path_and_query = uri
            .path_and_query()
            .map_or("/".to_string(), |p| p.as_str().to_string());
        let path_and_query = if path_and_query.is_empty() {
            "/".to_string()
        } else {
            path_and_query
        };
        Ok(Target {
            https,
            host,
            port,
            path_and_query,
        })
    }

    /// `host` or `host:port` when the port is not the scheme's default.
    pub fn host_header(&self) -> String {
        let default = if self.https { 443 } else { 80 };
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        if self.port == default {
            host
        } else {
            format!("{host}:{}", self.port)
        }
    }
}

/// Sends one request and reads the whole response.
pub async fn send(
    req: &ClientRequest,
    connector: &Connector,
) -> Result<ClientResponse, ClientError> {
    send_with(req, connector, BodyEnd::Strict).await
}

/// Sends one request, choosing what a body cut short means.
pub async fn send_with(
    req: &ClientRequest,
    connector: &Connector,
    body_end: BodyEnd,
) -> Result<ClientResponse, ClientError> {
    let target = Target::parse(&req.url)?;
    let (addr, via_proxy) = match &connector.proxy {
        Some(proxy) => {
            let addr = match proxy.connect_to {
                Some(addr) => addr,
                None => resolve(&proxy.host, proxy.port).await?,
            };
            (addr, Some(proxy))
        }
        None => match connector.connect_to {
            Some(addr) => (addr, None),
            None => (resolve(&target.host, target.port).await?, None),
        },
    };
    let mut tcp = tokio::time::timeout(connector.connect_timeout, TcpStream::connect(addr))
        .await
        .map_err(|_| ClientError::ConnectTimeout)?
        .map_err(map_connect_error)?;
    let _ = tcp.set_nodelay(true);
    // Through a proxy, plain http requests carry the absolute URL; https goes through a tunnel.
    let absolute_form = via_proxy.is_some() && !target.https;
    let mut request = build_hyper_request(req, &target, absolute_form)?;
    if let (true, Some(proxy)) = (absolute_form, via_proxy) {
        if let Some(value) = proxy_authorization(proxy) {
            if let Ok(v) = http::HeaderValue::from_str(&value) {
                request.headers_mut().insert("proxy-authorization", v);
            }
        }
    }
    let exchange = async {
        if target.https {
            if let Some(proxy) = via_proxy {
                tunnel(&mut tcp, &target, proxy).await?;
            }
            let tls = connector.tls.clone().ok_or_else(|| {
                ClientError::Tls(
                    "no certificate is imported, so HTTPS connections are disabled".into(),
                )
            })?;
            let name = ServerName::try_from(target.host.clone()).map_err(|e| {
                ClientError::BadUrl(format!("invalid host name {:?}: {e}", target.host))
            })?;
            let stream = tokio_rustls::TlsConnector::from(tls)
                .connect(name, tcp)
                .await
                .map_err(map_tls_error)?;
            exchange(stream, request, body_end).await
        } else {
            exchange(tcp, request, body_end).await
        }
    };
    tokio::time::timeout(connector.read_timeout, exchange)
        .await
        .map_err(|_| ClientError::ReadTimeout)?
}

fn proxy_authorization(proxy: &ProxyRoute) -> Option<String> {
    use base64::Engine;
    proxy.credentials.as_ref().map(|(user, password)| {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
        )
    })
}

/// Opens a CONNECT tunnel and checks the proxy's answer.
async fn tunnel(
    tcp: &mut TcpStream,
    target: &Target,
    proxy: &ProxyRoute,
) -> Result<(), ClientError> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let authority = format!("{}:{}", target.host, target.port);
    let mut head = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n");
    if let Some(value) = proxy_authorization(proxy) {
        head.push_str(&format!("Proxy-Authorization: {value}\r\n"));
    }
    head.push_str("\r\n");
    tcp.write_all(head.as_bytes())
        .await
        .map_err(|e| ClientError::Io(e.to_string()))?;
    // Read the proxy's answer byte by byte so nothing of the TLS stream that follows is consumed.
    let mut answer = Vec::new();
    let mut byte = [0u8; 1];
    while !answer.ends_with(b"\r\n\r\n") {
        if answer.len() > 16 * 1024 {
            return Err(ClientError::Malformed(
                "the proxy's answer to CONNECT is too long".into(),
            ));
        }
        let n = tcp.read(&mut byte).await.map_err(map_connect_error)?;
        if n == 0 {
            return Err(ClientError::UnexpectedEof);
        }
        answer.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&answer);
    let status_line = text.lines().next().unwrap_or("").trim().to_string();
    if status_line.split(' ').nth(1) == Some("200") {
        Ok(())
    } else {
        Err(ClientError::ProxyTunnel(status_line))
    }
}

async fn resolve(host: &str, port: u16) -> Result<SocketAddr, ClientError> {
    let mut addrs = tokio::net::lookup_host((host, port))
        .await
        .map_err(|_| ClientError::UnknownHost(host.to_string()))?;
    addrs
        .next()
        .ok_or_else(|| ClientError::UnknownHost(host.to_string()))
}

fn build_hyper_request(
    req: &ClientRequest,
    target: &Target,
    absolute_form: bool,
) -> Result<http::Request<Full<Bytes>>, ClientError> {
    let uri = if absolute_form {
        req.url.clone()
    } else {
        target.path_and_query.clone()
    };
    let mut builder = http::Request::builder()
        .method(req.method.as_str())
        .uri(uri);
    let has_host = req
        .headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("host"));
    if !has_host {
        builder = builder.header("Host", target.host_header());
    }
    for (k, v) in &req.headers {
        builder = builder.header(k.as_str(), v.as_str());
    }
    builder
        .body(Full::new(Bytes::from(req.body.clone())))
        .map_err(|e| ClientError::BadUrl(format!("cannot build the request: {e}")))
}

async fn exchange<S>(
    stream: S,
    request: http::Request<Full<Bytes>>,
    body_end: BodyEnd,
) -> Result<ClientResponse, ClientError>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(map_hyper_error)?;
    let driver = tokio::spawn(async move {
        let _ = conn.await;
    });
    let result = async {
        let response = sender
            .send_request(request)
            .await
            .map_err(map_hyper_error)?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut incoming = response.into_body();
        let mut body = Vec::new();
        let mut truncated = false;
        while let Some(frame) = incoming.frame().await {
            match frame {
                Ok(frame) => {
                    if let Some(data) = frame.data_ref() {
                        body.extend_from_slice(data);
                    }
                }
                Err(e) if ended_early(&e) && body_end == BodyEnd::KeepWhatArrived => {
                    truncated = true;
                    break;
                }
                Err(e) => return Err(map_hyper_error(e)),
            }
        }
        Ok(ClientResponse {
            status,
            headers,
            body,
            truncated,
        })
    }
    .await;
    driver.abort();
    result
}

/// The connection ended before the body did: hyper's own "incomplete message", or over TLS an
/// end of stream without close_notify.
fn ended_early(e: &hyper::Error) -> bool {
    if e.is_incomplete_message() {
        return true;
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            return io.kind() == std::io::ErrorKind::UnexpectedEof;
        }
        source = s.source();
    }
    false
}

fn map_connect_error(e: std::io::Error) -> ClientError {
    match e.kind() {
        std::io::ErrorKind::ConnectionRefused => ClientError::Refused,
        std::io::ErrorKind::ConnectionReset => ClientError::Reset,
        _ => ClientError::Io(e.to_string()),
    }
}

fn map_tls_error(e: std::io::Error) -> ClientError {
    match e.kind() {
        std::io::ErrorKind::ConnectionReset => ClientError::Reset,
        std::io::ErrorKind::UnexpectedEof => {
            ClientError::Tls("Remote host terminated the handshake".into())
        }
        _ => match e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        {
            Some(rustls::Error::General(msg)) => ClientError::Tls(msg.clone()),
            Some(other) => ClientError::Tls(other.to_string()),
            None => ClientError::Tls(e.to_string()),
        },
    }
}

fn map_hyper_error(e: hyper::Error) -> ClientError {
    if e.is_incomplete_message() {
        return ClientError::UnexpectedEof;
    }
    if e.is_parse() || e.is_parse_status() {
        return ClientError::Malformed(e.to_string());
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(&e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            return match io.kind() {
                std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::BrokenPipe => {
                    ClientError::Reset
                }
                std::io::ErrorKind::UnexpectedEof => ClientError::UnexpectedEof,
                _ => ClientError::Io(io.to_string()),
            };
        }
        source = s.source();
    }
    if e.is_closed() || e.is_canceled() {
        return ClientError::UnexpectedEof;
    }
    ClientError::Io(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_urls_with_default_and_explicit_ports() {
        let t = Target::parse("https://demo-1234.twil.io/k3v9q?x=1").unwrap();
        assert_eq!(
            t,
            Target {
                https: true,
                host: "demo-1234.twil.io".into(),
                port: 443,
                path_and_query: "/k3v9q?x=1".into()
            }
        );
        assert_eq!(t.host_header(), "demo-1234.twil.io");
        let t = Target::parse("http://127.0.0.1:8080").unwrap();
        assert_eq!(
            (t.port, t.path_and_query.as_str(), t.host_header().as_str()),
            (8080, "/", "127.0.0.1:8080")
        );
    }

    #[test]
    fn refuses_urls_that_are_not_http_in_javas_words() {
        let e = Target::parse("ftp://x/y").unwrap_err();
        assert_eq!(
            e.to_string(),
            "java.net.MalformedURLException: unknown protocol: ftp"
        );
    }

    #[tokio::test]
    async fn a_closed_port_is_connection_refused() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let req = ClientRequest {
            method: "GET".into(),
            url: format!("http://{addr}/"),
            headers: vec![],
            body: vec![],
        };
        let connector = Connector {
            connect_to: None,
            tls: None,
            connect_timeout: Duration::from_secs(2),
            read_timeout: Duration::from_secs(2),
            proxy: None,
        };
        let err = send(&req, &connector).await.unwrap_err();
        assert_eq!(
            err.to_string(),
            "java.net.ConnectException: Connection refused"
        );
    }
}
