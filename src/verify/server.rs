//! The HTTP/1.1 server: accept loop, one task per connection, body limit, faults, journal.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::auth::authorized;
use super::errors::TwilioError;
use super::routes::resolve;
use super::service::{Answer, Form, Verify};
use super::sid::new_sid;
use super::sim;
use crate::clock::iso8601;
use crate::fault::{Fault, FaultIo, FaultSchedule, FaultTrigger};
use crate::journal::{Exchange, Hop, Journal};
use crate::plugin::encode::form_decode;
use crate::redact::Redactor;

/// Largest request body accepted: 64 KiB (more gets 413).
pub const MAX_BODY: usize = 64 * 1024;

/// Time a client has to send its request headers (the shared server runner's default too).
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// How long open connections get to finish after shutdown before they are dropped.
const DRAIN: Duration = Duration::from_millis(500);

/// Everything a request handler needs.
#[derive(Debug)]
pub struct Shared {
    /// The Verify state machine and configuration.
    pub verify: Verify,
    /// Where exchanges are recorded.
    pub journal: Journal,
    /// The running fault plan.
    pub faults: Mutex<FaultSchedule>,
    /// The listening address.
    pub addr: SocketAddr,
    /// Knows the secrets, for `/_sim/journal`.
    pub redactor: Redactor,
    /// Requests being handled now (read by the runner, so a step's journal is complete).
    pub in_flight: std::sync::atomic::AtomicUsize,
}

impl Shared {
    fn faults(&self) -> std::sync::MutexGuard<'_, FaultSchedule> {
        self.faults.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Accepts connections until `shutdown` fires (or its sender is dropped).
pub async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    conns.spawn(connection(stream, shared.clone(), shutdown.clone()));
                }
                // Out of descriptors and the like: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            _ = shutdown.changed() => break,
        }
        while conns.try_join_next().is_some() {}
    }
    drop(listener);
    let _ = tokio::time::timeout(DRAIN * 2, async {
        while conns.join_next().await.is_some() {}
    })
    .await;
    conns.abort_all();
}

async fn connection(stream: TcpStream, shared: Arc<Shared>, mut shutdown: watch::Receiver<bool>) {
    if shared.faults().refuse_next_connection() {
        tracing::debug!("fake Verify: refusing a connection (fault plan)");
        let _ = stream.set_zero_linger();
        drop(stream);
        return;
    }
    let (io, trigger) = FaultIo::new(stream);
    let svc = service_fn(move |req| {
        let shared = shared.clone();
        let trigger = trigger.clone();
        async move {
            // Twilio finishes a request it has received even when the client hangs up (a
            // Function past its time limit); so does the fake: the work runs in its own task,
            // which hyper dropping this future does not cancel.
            let work = tokio::spawn(async move { handle(&shared, &trigger, req).await });
            let reply = work.await.unwrap_or_else(|_| {
                let mut r = Response::new(Full::new(Bytes::from_static(b"{\"status\":500}")));
                *r.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
                r
            });
            Ok::<_, Infallible>(reply)
        }
    });
    // Without a timer hyper has no header timeout: a client that never finishes its headers (or
    // an idle kept-alive connection) would hold a task and a socket until shutdown.
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .serve_connection(TokioIo::new(io), svc);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = shutdown.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(DRAIN, conn).await;
        }
    }
}

/// A request as read off the wire.
struct Received {
    method: http::Method,
    path: String,
    path_and_query: String,
    headers: Vec<(String, String)>,
    authorization: Option<String>,
    body: Result<Bytes, ()>,
    form: Vec<(String, String)>,
}

async fn receive(req: Request<Incoming>) -> Received {
    let (parts, body) = req.into_parts();
    let declared = parts
        .headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let body = if declared.is_some_and(|n| n > MAX_BODY as u64) {
        Err(())
    } else {
        Limited::new(body, MAX_BODY)
            .collect()
            .await
            .map(|c| c.to_bytes())
            .map_err(|_| ())
    };
    let is_form = parts
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|ct| {
            ct.to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    let mut form = form_decode(parts.uri.query().unwrap_or(""));
    if let (Ok(bytes), true) = (&body, is_form) {
        form.extend(form_decode(&String::from_utf8_lossy(bytes)));
    }
    Received {
        method: parts.method.clone(),
        path: parts.uri.path().to_string(),
        path_and_query: parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path().to_string(), |p| p.as_str().to_string()),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        authorization: parts
            .headers
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        body,
        form,
    }
}

async fn handle(
    shared: &Shared,
    trigger: &FaultTrigger,
    req: Request<Incoming>,
) -> Response<Full<Bytes>> {
    shared
        .in_flight
        .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    // Decremented on every way out, including a cancelled (dropped) request.
    struct Done<'a>(&'a std::sync::atomic::AtomicUsize);
    impl Drop for Done<'_> {
        fn drop(&mut self) {
            self.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
        }
    }
    let _done = Done(&shared.in_flight);
    let r = receive(req).await;
    let at = iso8601(shared.verify.clock.now());
    if sim::is_sim_path(&r.path) {
        let query = form_decode(r.path_and_query.split_once('?').map_or("", |(_, q)| q));
        let answer = sim::answer(
            &r.method,
            &r.path,
            &query,
            &shared.verify,
            &shared.journal,
            &shared.redactor,
        );
        return respond(&answer);
    }
    let mut injected: Option<Fault> = None;
    let answer = match &r.body {
        Err(()) => TwilioError::payload_too_large(MAX_BODY).into(),
        Ok(_) => {
            let route = resolve(&r.method, &r.path);
            // Only requests naming a Verify operation are counted by the fault plan.
            let fault = match &route {
                Ok(route) => shared.faults().next(route.operation()),
                Err(_) => None,
            };
            match fault {
                Some(Fault::Status {
                    status,
                    body,
                    content_type,
                }) => Answer {
                    status,
                    headers: Vec::new(),
                    content_type,
                    body,
                },
                // Refused requests never reach the service.
                Some(Fault::Refuse) => {
                    injected = Some(Fault::Refuse);
                    Answer::json(500, String::new())
                }
                other => {
                    if let Some(Fault::Latency { ms }) = other {
                        tokio::time::sleep(Duration::from_millis(ms)).await;
                    }
                    injected = other.filter(Fault::is_socket_level);
                    // Credentials are checked before anything else about the request.
                    if !authorized(r.authorization.as_deref(), &shared.verify.config) {
                        TwilioError::authenticate().into()
                    } else {
                        match route {
                            Ok(route) => shared.verify.operate(&route, &Form(&r.form)),
                            Err(e) => e.into(),
                        }
                    }
                }
            }
        }
    };
    if let Some(fault) = &injected {
        trigger.arm(fault.clone(), answer.body.len());
    }
    record(shared, &r, &answer, injected.as_ref(), at);
    tracing::debug!(
        method = %r.method,
        path = %r.path,
        status = answer.status,
        "fake Verify answered"
    );
    respond(&answer)
}

fn record(shared: &Shared, r: &Received, answer: &Answer, fault: Option<&Fault>, at: String) {
    let mut response_headers = vec![("content-type".to_string(), answer.content_type.clone())];
    response_headers.extend(answer.headers.iter().cloned());
    let (status, body, error) = match fault {
        None => (Some(answer.status), Some(answer.body.clone()), None),
        Some(f) => {
            let name = serde_json::to_value(f)
                .ok()
                .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_string))
                .unwrap_or_default();
            let status = matches!(f, Fault::CloseAfterHeaders | Fault::TruncatedBody)
                .then_some(answer.status);
            (status, None, Some(format!("injected fault: {name}")))
        }
    };
    let request_body = match &r.body {
        Ok(b) => String::from_utf8_lossy(b).into_owned(),
        Err(()) => format!("[body over {MAX_BODY} bytes, not read]"),
    };
    shared.journal.record(Exchange {
        hop: Hop::BridgeToVerify,
        method: r.method.to_string(),
        url: format!("http://{}{}", shared.addr, r.path_and_query),
        request_headers: r.headers.clone(),
        request_body,
        form: r.form.clone(),
        status,
        response_headers,
        response_body: body,
        error,
        at,
    });
}

fn respond(answer: &Answer) -> Response<Full<Bytes>> {
    let status = http::StatusCode::from_u16(answer.status)
        .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    let mut builder = Response::builder()
        .status(status)
        .header(http::header::CONTENT_TYPE, answer.content_type.as_str())
        .header("Twilio-Request-Id", new_sid("RQ"));
    for (name, value) in &answer.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder
        .body(Full::new(Bytes::from(answer.body.clone())))
        .unwrap_or_else(|_| {
            let mut fallback =
                Response::new(Full::new(Bytes::from(TwilioError::internal().body())));
            *fallback.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
            fallback
        })
}
