//! A small HTTP/1.1 server runner (hyper) for the parties the harness plays: plain TCP or TLS,
//! loopback by default, with the limits every server of the harness shares.
//!
//! The handler receives a fully buffered [`IncomingRequest`]: bodies over the limit are answered
//! 413 before the handler runs, and clients that do not finish their headers in time are dropped.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::fault::{AbortiveClose, Fault, FaultIo, FaultSchedule, FaultTrigger, Operation};

/// A request with its body read.
#[derive(Clone, Debug)]
pub struct IncomingRequest {
    pub method: http::Method,
    pub uri: http::Uri,
    pub headers: http::HeaderMap,
    pub body: Bytes,
    pub peer: SocketAddr,
}

impl IncomingRequest {
    /// First value of a header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// The response type every handler returns.
pub type Reply = http::Response<Full<Bytes>>;

/// A TLS identity that can be swapped while the server runs (a scenario step that rotates the
/// bridge's certificate); each new connection reads the current one.
pub type SharedTls = Arc<RwLock<Arc<rustls::ServerConfig>>>;

/// How to run a server.
#[derive(Clone)]
pub struct ServerOptions {
    /// Address to bind; `127.0.0.1:0` (an ephemeral loopback port) unless the user asks otherwise.
    pub bind: SocketAddr,
    pub tls: Option<SharedTls>,
    /// Largest request body accepted; larger gets 413.
    pub max_body_bytes: usize,
    /// Time a client has to send its request headers (and, once they arrived, its body; 408 after).
    pub header_timeout: Duration,
    /// Faults to inject into this server's answers (each request counts as a `create`).
    pub faults: Option<Arc<Mutex<FaultSchedule>>>,
}

impl Default for ServerOptions {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            tls: None,
            max_body_bytes: 64 * 1024,
            header_timeout: Duration::from_secs(10),
            faults: None,
        }
    }
}

/// A handler: an async function from a buffered request to a response.
pub type Handler =
    Arc<dyn Fn(IncomingRequest) -> Pin<Box<dyn Future<Output = Reply> + Send>> + Send + Sync>;

/// A server running in the background; dropping it (or [`RunningServer::shutdown`]) stops it.
#[derive(Debug)]
pub struct RunningServer {
    addr: SocketAddr,
    stop: watch::Sender<bool>,
}

impl RunningServer {
    /// The bound address (with the ephemeral port filled in).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting and closes open connections.
    pub fn shutdown(&self) {
        let _ = self.stop.send(true);
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// Listen backlog of every server of the harness. Tokio's `TcpListener::bind` uses 128, so a
/// burst of more simultaneous connections (the load test's 200) loses SYNs and those clients
/// wait a full SYN retransmission (1 s) before they are even accepted.
pub const LISTEN_BACKLOG: u32 = 1024;

/// Binds a listener with [`LISTEN_BACKLOG`].
pub fn bind_listener(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Binds and starts serving in the background.
pub async fn serve(options: ServerOptions, handler: Handler) -> std::io::Result<RunningServer> {
    let listener = bind_listener(options.bind)?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = watch::channel(false);
    let options = Arc::new(options);
    tokio::spawn(accept_loop(listener, options, handler, stopped));
    Ok(RunningServer { addr, stop })
}

async fn accept_loop(
    listener: TcpListener,
    options: Arc<ServerOptions>,
    handler: Handler,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        let (tcp, peer) = tokio::select! {
            _ = stopped.changed() => return,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                // Out of file descriptors or a client that vanished mid-accept: keep serving
                // others, after a pause (accept fails at once again while descriptors are short,
                // and retrying without one spins a core).
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        let _ = tcp.set_nodelay(true);
        if let Some(faults) = &options.faults {
            if lock(faults).refuse_next_connection() {
                // A refused connection: reset before a byte is read (or a TLS handshake starts).
                let _ = tcp.set_zero_linger();
                drop(tcp);
                continue;
            }
        }
        let options = options.clone();
        let handler = handler.clone();
        let mut stop_conn = stopped.clone();
        tokio::spawn(async move {
            let served = async {
                match &options.tls {
                    Some(tls) => {
                        let config = tls.read().unwrap_or_else(|e| e.into_inner()).clone();
                        let accept = tokio_rustls::TlsAcceptor::from(config).accept(tcp);
                        // A client that never completes the handshake is dropped like a slow client.
                        if let Ok(Ok(stream)) =
                            tokio::time::timeout(options.header_timeout, accept).await
                        {
                            serve_connection(stream, peer, &options, handler).await;
                        }
                    }
                    None => serve_connection(tcp, peer, &options, handler).await,
                }
            };
            tokio::select! {
                _ = served => {}
                _ = stop_conn.changed() => {}
            }
        });
    }
}

fn lock(faults: &Mutex<FaultSchedule>) -> std::sync::MutexGuard<'_, FaultSchedule> {
    faults.lock().unwrap_or_else(|e| e.into_inner())
}

async fn serve_connection<S>(stream: S, peer: SocketAddr, options: &ServerOptions, handler: Handler)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + AbortiveClose + Unpin + Send + 'static,
{
    let max_body = options.max_body_bytes;
    let body_timeout = options.header_timeout;
    let (stream, trigger) = FaultIo::new(stream);
    let faults = options.faults.clone();
    let service = service_fn(move |req: http::Request<Incoming>| {
        let handler = handler.clone();
        let trigger = trigger.clone();
        let faults = faults.clone();
        async move {
            let fault = faults
                .as_ref()
                .and_then(|f| lock(f).next(Operation::Create));
            Ok::<_, Infallible>(
                with_fault(
                    fault,
                    &trigger,
                    handle(req, peer, max_body, body_timeout, handler),
                )
                .await,
            )
        }
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(options.header_timeout)
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

/// Applies a scheduled fault around the normal answer: a chosen status replaces it, latency delays
/// it, a socket-level fault corrupts it on the wire.
async fn with_fault(
    fault: Option<Fault>,
    trigger: &FaultTrigger,
    normal: impl Future<Output = Reply>,
) -> Reply {
    match fault {
        Some(Fault::Status {
            status,
            body,
            content_type,
        }) => http::Response::builder()
            .status(status)
            .header("Content-Type", content_type)
            .body(Full::new(Bytes::from(body)))
            .unwrap_or_else(|_| json_error(500, "the fault's status is not a valid HTTP status")),
        Some(Fault::Latency { ms }) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            normal.await
        }
        // A refused request never reaches the handler: nothing it would do (such as calling
        // Verify) may happen. The connection is reset instead of answered.
        Some(Fault::Refuse) => {
            trigger.arm(Fault::Reset, 0);
            json_error(500, "refused by an injected fault")
        }
        Some(socket_level) => {
            let reply = normal.await;
            let len = hyper::body::Body::size_hint(reply.body())
                .exact()
                .unwrap_or(0) as usize;
            trigger.arm(socket_level, len);
            reply
        }
        None => normal.await,
    }
}

async fn handle(
    req: http::Request<Incoming>,
    peer: SocketAddr,
    max_body: usize,
    body_timeout: Duration,
    handler: Handler,
) -> Reply {
    let (parts, body) = req.into_parts();
    let body = match tokio::time::timeout(body_timeout, read_body(body, max_body)).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(BodyError::TooLarge)) => {
            return json_error(
                413,
                &format!("request body is larger than the limit of {max_body} bytes"),
            )
        }
        Ok(Err(BodyError::Unreadable)) => {
            return json_error(400, "the request body could not be read")
        }
        // A client that announces a body and never sends it must not hold the connection.
        Err(_) => {
            return json_error(
                408,
                &format!(
                    "the request body did not arrive within {} ms",
                    body_timeout.as_millis()
                ),
            )
        }
    };
    handler(IncomingRequest {
        method: parts.method,
        uri: parts.uri,
        headers: parts.headers,
        body,
        peer,
    })
    .await
}

enum BodyError {
    TooLarge,
    Unreadable,
}

/// Bodies this far over the limit are still read (and discarded) before the 413, so the client,
/// which is usually still writing, reads the answer instead of a reset, every time (a verdict
/// must not depend on timing); beyond it the connection is dropped. Discarding 64 MiB over
/// loopback takes a few tens of milliseconds.
const DRAIN_LIMIT: usize = 64 * 1024 * 1024;

/// Reads a body of at most `max_body` bytes. An oversized body is drained up to [`DRAIN_LIMIT`]
/// first: closing a socket with unread data makes the kernel send RST, and the client would see
/// "Connection reset" instead of the 413.
async fn read_body(mut body: Incoming, max_body: usize) -> Result<Bytes, BodyError> {
    // A declared length past the drain limit is refused before a byte of it is read.
    if hyper::body::Body::size_hint(&body).lower() > DRAIN_LIMIT as u64 {
        return Err(BodyError::TooLarge);
    }
    let mut kept = Vec::new();
    let mut total = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| BodyError::Unreadable)?;
        if let Ok(data) = frame.into_data() {
            total = total.saturating_add(data.len());
            if total <= max_body {
                kept.extend_from_slice(&data);
            } else if total > DRAIN_LIMIT {
                return Err(BodyError::TooLarge);
            }
        }
    }
    if total > max_body {
        return Err(BodyError::TooLarge);
    }
    Ok(Bytes::from(kept))
}

/// A JSON response with the given status and body text.
pub fn json(status: u16, body: String) -> Reply {
    http::Response::builder()
        .status(status)
        .header("Content-Type", "application/json; charset=utf-8")
        .body(Full::new(Bytes::from(body)))
        .unwrap_or_else(|_| http::Response::new(Full::new(Bytes::new())))
}

/// The harness's own error body: `{"status":N,"message":"..."}` (status is a number, so RSA's
/// usual Response Format does not mistake it for success).
pub fn json_error(status: u16, message: &str) -> Reply {
    json(
        status,
        serde_json::json!({ "status": status, "message": message }).to_string(),
    )
}
