//! The fault vocabulary shared by every hop: what can go wrong on the wire, and when.
//!
//! A [`Fault`] is one misbehaviour of a server: a chosen HTTP status and body, added latency, or a
//! real socket-level failure (RST, a response cut after its headers, a truncated body, garbage
//! bytes, a silent hang). A [`FaultPlan`] schedules faults per operation and per request index
//! ("the 2nd create answers 503"); a [`FaultSchedule`] is the running counter that applies a plan.
//!
//! Socket-level faults are real, never simulated with a 5xx:
//! * servers built on hyper wrap each accepted stream in a [`FaultIo`] and, when a request draws a
//!   socket-level fault, arm its [`FaultTrigger`]; the wrapper then corrupts what hyper writes;
//! * servers that write raw bytes call [`perform`] with the stream and the normal response.
//!
//! In a scenario file a plan is a list (field names as below, `kind` names the fault):
//!
//! ```toml
//! [[faults]]
//! on = "create"
//! nth = 2
//! fault = { kind = "status", status = 503, body = "upstream down", content_type = "text/plain" }
//!
//! [[faults]]
//! on = "any"
//! fault = { kind = "latency", ms = 1500 }
//! ```

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use rand::RngCore;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;

/// Upper bound of a [`Fault::Hang`] when it names none: 120 seconds.
pub const DEFAULT_HANG_MAX_MS: u64 = 120_000;

/// One misbehaviour of a server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fault {
    /// Answer with any status and any body (non-JSON allowed) instead of the normal answer.
    Status {
        /// HTTP status code.
        status: u16,
        /// Response body, sent as is.
        #[serde(default)]
        body: String,
        /// `Content-Type` of the body.
        #[serde(default = "default_content_type")]
        content_type: String,
    },
    /// Wait `ms` milliseconds, then give the normal answer.
    Latency {
        /// Delay in milliseconds.
        ms: u64,
    },
    /// Refuse the connection: RST it at once without reading (when known at accept time) or
    /// without answering (when the request already arrived on a kept-alive connection).
    Refuse,
    /// Reset the connection (TCP RST) instead of sending the response.
    Reset,
    /// Send the response's status line and headers, then close (FIN) before the body.
    CloseAfterHeaders,
    /// Send the headers and half of the body (its `Content-Length` still announcing all of it), then close.
    TruncatedBody,
    /// Send random bytes that are not HTTP, then close.
    Garbage,
    /// Send nothing until the client gives up, or until `max_ms` (default 120 s) pass, then close.
    Hang {
        /// Upper bound of the hang in milliseconds (default [`DEFAULT_HANG_MAX_MS`]).
        #[serde(default)]
        max_ms: Option<u64>,
    },
}

fn default_content_type() -> String {
    "application/json".to_string()
}

impl Fault {
    /// True for faults performed on the socket rather than as an HTTP answer.
    pub fn is_socket_level(&self) -> bool {
        !matches!(self, Fault::Status { .. } | Fault::Latency { .. })
    }

    /// The hang bound of a [`Fault::Hang`].
    fn hang_duration(max_ms: Option<u64>) -> Duration {
        Duration::from_millis(max_ms.unwrap_or(DEFAULT_HANG_MAX_MS))
    }
}

/// Which requests a scheduled fault applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// Start a verification (`POST …/Verifications`), or the bridge's send.
    Create,
    /// Check a code (`POST …/VerificationCheck`).
    Check,
    /// Fetch a verification (`GET …/Verifications/{VE}`).
    Fetch,
    /// Update a verification (`POST …/Verifications/{VE}`).
    Update,
    /// Every request, counted across operations.
    Any,
}

/// One fault and when it strikes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduledFault {
    /// Which operation's requests are counted.
    pub on: Operation,
    /// The 1-based index among those requests ("the 2nd create"); `None` means every one.
    #[serde(default)]
    pub nth: Option<usize>,
    /// What happens.
    pub fault: Fault,
}

/// A schedule of faults. The first matching entry wins. Serialised as a plain list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FaultPlan {
    /// The entries, in priority order.
    pub faults: Vec<ScheduledFault>,
}

impl FaultPlan {
    /// A plan without faults.
    pub fn none() -> Self {
        Self::default()
    }

    /// Adds `fault` on the `nth` (1-based) request of `on` (builder style).
    pub fn on_nth(mut self, on: Operation, nth: usize, fault: Fault) -> Self {
        self.faults.push(ScheduledFault {
            on,
            nth: Some(nth),
            fault,
        });
        self
    }

    /// Adds `fault` on every request of `on` (builder style).
    pub fn always(mut self, on: Operation, fault: Fault) -> Self {
        self.faults.push(ScheduledFault {
            on,
            nth: None,
            fault,
        });
        self
    }

    /// True when the plan holds no entries.
    pub fn is_empty(&self) -> bool {
        self.faults.is_empty()
    }
}

/// A plan being applied: counts requests per operation and answers which fault each one draws.
#[derive(Clone, Debug, Default)]
pub struct FaultSchedule {
    plan: FaultPlan,
    counts: HashMap<Operation, usize>,
}

impl FaultSchedule {
    /// Starts applying `plan` with every counter at zero.
    pub fn new(plan: FaultPlan) -> Self {
        Self {
            plan,
            counts: HashMap::new(),
        }
    }

    /// Counts one request of `op` (and one of [`Operation::Any`]) and returns the fault it draws.
    pub fn next(&mut self, op: Operation) -> Option<Fault> {
        let any = self.bump(Operation::Any);
        let own = if op == Operation::Any {
            any
        } else {
            self.bump(op)
        };
        self.plan
            .faults
            .iter()
            .find(|s| {
                let index = if s.on == Operation::Any {
                    any
                } else if s.on == op {
                    own
                } else {
                    return false;
                };
                s.nth.map_or(true, |n| n == index)
            })
            .map(|s| s.fault.clone())
    }

    /// Whether the next request, whatever its operation, is due a [`Fault::Refuse`] scheduled on
    /// [`Operation::Any`]; if so it is counted now, so an acceptor can refuse the connection
    /// before reading anything.
    pub fn refuse_next_connection(&mut self) -> bool {
        let next = self.counts.get(&Operation::Any).copied().unwrap_or(0) + 1;
        let due = self.plan.faults.iter().any(|s| {
            s.on == Operation::Any && s.fault == Fault::Refuse && s.nth.map_or(true, |n| n == next)
        });
        if due {
            self.bump(Operation::Any);
        }
        due
    }

    /// How many requests of `op` were counted so far.
    pub fn count(&self, op: Operation) -> usize {
        self.counts.get(&op).copied().unwrap_or(0)
    }

    fn bump(&mut self, op: Operation) -> usize {
        let c = self.counts.entry(op).or_insert(0);
        *c += 1;
        *c
    }
}

/// Streams that can be made to end with a TCP RST instead of a FIN.
pub trait AbortiveClose {
    /// Arranges for the connection to be reset (SO_LINGER 0) when the stream is dropped.
    fn set_abortive_close(&self) -> io::Result<()>;
}

impl AbortiveClose for TcpStream {
    fn set_abortive_close(&self) -> io::Result<()> {
        self.set_zero_linger()
    }
}

impl<S: AbortiveClose> AbortiveClose for tokio_rustls::server::TlsStream<S> {
    fn set_abortive_close(&self) -> io::Result<()> {
        self.get_ref().0.set_abortive_close()
    }
}

impl<S: AbortiveClose> AbortiveClose for tokio_rustls::client::TlsStream<S> {
    fn set_abortive_close(&self) -> io::Result<()> {
        self.get_ref().0.set_abortive_close()
    }
}

/// Random bytes that no HTTP parser accepts (the first byte is never an ASCII letter).
pub fn garbage_bytes(len: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; len.max(1)];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes[0] = 0xFF;
    bytes
}

/// A minimal raw HTTP/1.1 response for a [`Fault::Status`], closing the connection.
pub fn raw_status_response(status: u16, body: &str, content_type: &str) -> Vec<u8> {
    let reason = http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Unknown");
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Index just past the `\r\n\r\n` ending the head of a raw response, if present.
fn head_end(raw: &[u8]) -> Option<usize> {
    raw.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4)
}

/// Performs `fault` on a raw stream whose normal answer would have been `normal_response` (a
/// complete HTTP/1.1 response, head and body). Consumes the stream: it is closed (FIN), reset
/// (RST) or, for `status` and `latency`, answered and closed.
pub async fn perform<S>(mut stream: S, fault: &Fault, normal_response: &[u8]) -> io::Result<()>
where
    S: AsyncWrite + AbortiveClose + Unpin,
{
    match fault {
        Fault::Status {
            status,
            body,
            content_type,
        } => {
            stream
                .write_all(&raw_status_response(*status, body, content_type))
                .await?;
            stream.shutdown().await
        }
        Fault::Latency { ms } => {
            tokio::time::sleep(Duration::from_millis(*ms)).await;
            stream.write_all(normal_response).await?;
            stream.shutdown().await
        }
        Fault::Refuse | Fault::Reset => {
            stream.set_abortive_close()?;
            drop(stream);
            Ok(())
        }
        Fault::CloseAfterHeaders => {
            let end = head_end(normal_response).unwrap_or(normal_response.len());
            stream.write_all(&normal_response[..end]).await?;
            stream.shutdown().await
        }
        Fault::TruncatedBody => {
            let end = head_end(normal_response).unwrap_or(normal_response.len());
            let body_len = normal_response.len() - end;
            stream
                .write_all(&normal_response[..end + body_len / 2])
                .await?;
            stream.shutdown().await
        }
        Fault::Garbage => {
            stream.write_all(&garbage_bytes(64)).await?;
            stream.shutdown().await
        }
        Fault::Hang { max_ms } => {
            tokio::time::sleep(Fault::hang_duration(*max_ms)).await;
            stream.shutdown().await
        }
    }
}

/// The switch a request handler flips to make its connection's [`FaultIo`] misbehave.
#[derive(Clone, Debug, Default)]
pub struct FaultTrigger {
    armed: std::sync::Arc<std::sync::Mutex<Option<(Fault, usize)>>>,
}

impl FaultTrigger {
    /// Arms a socket-level `fault` for the response about to be written, whose body is
    /// `body_len` bytes long. `status` and `latency` faults are answers, not socket faults, and
    /// are ignored here.
    pub fn arm(&self, fault: Fault, body_len: usize) {
        if fault.is_socket_level() {
            *self.armed.lock().unwrap_or_else(|e| e.into_inner()) = Some((fault, body_len));
        }
    }

    fn take(&self) -> Option<(Fault, usize)> {
        self.armed.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

/// What a [`FaultIo`] is doing to the bytes written through it.
#[derive(Debug)]
enum Mode {
    /// Passing everything through.
    Clean,
    /// Resetting: every write fails, the stream is set to RST on drop.
    Reset,
    /// Passing the head through, then `body_allowance` body bytes, then closing.
    Cut {
        matched: usize,
        in_body: bool,
        body_allowance: usize,
    },
    /// Writing garbage from `pos`, then closing.
    Garbage { bytes: Vec<u8>, pos: usize },
    /// Writing nothing until the timer fires, then closing.
    Hang(Pin<Box<tokio::time::Sleep>>),
    /// Flushing and shutting down the inner stream; every write then fails.
    Closing,
    /// Closed by the fault.
    Closed,
}

/// A stream wrapper that performs socket-level faults on what a server (hyper) writes.
///
/// Reads pass through untouched. Once its [`FaultTrigger`] is armed, the next write starts the
/// fault; the wrapper then fails writes so the server drops the connection.
#[derive(Debug)]
pub struct FaultIo<S> {
    inner: S,
    trigger: FaultTrigger,
    mode: Mode,
}

impl<S> FaultIo<S> {
    /// Wraps `inner`; arm the returned trigger to make the connection misbehave.
    pub fn new(inner: S) -> (Self, FaultTrigger) {
        let trigger = FaultTrigger::default();
        (
            Self {
                inner,
                trigger: trigger.clone(),
                mode: Mode::Clean,
            },
            trigger,
        )
    }

    /// The wrapped stream.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }
}

fn fault_error() -> io::Error {
    io::Error::new(
        io::ErrorKind::BrokenPipe,
        "connection closed by injected fault",
    )
}

impl<S: AsyncWrite + AbortiveClose + Unpin> FaultIo<S> {
    fn activate(&mut self) {
        if !matches!(self.mode, Mode::Clean) {
            return;
        }
        let Some((fault, body_len)) = self.trigger.take() else {
            return;
        };
        self.mode = match fault {
            Fault::Refuse | Fault::Reset => {
                // Best effort: if the option cannot be set the close is a FIN, still no answer.
                let _ = self.inner.set_abortive_close();
                Mode::Reset
            }
            Fault::CloseAfterHeaders => Mode::Cut {
                matched: 0,
                in_body: false,
                body_allowance: 0,
            },
            Fault::TruncatedBody => Mode::Cut {
                matched: 0,
                in_body: false,
                body_allowance: body_len / 2,
            },
            Fault::Garbage => Mode::Garbage {
                bytes: garbage_bytes(64),
                pos: 0,
            },
            Fault::Hang { max_ms } => {
                Mode::Hang(Box::pin(tokio::time::sleep(Fault::hang_duration(max_ms))))
            }
            Fault::Status { .. } | Fault::Latency { .. } => Mode::Clean,
        };
    }

    fn poll_close_inner(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if matches!(self.mode, Mode::Closing) {
            let _ = ready!(Pin::new(&mut self.inner).poll_flush(cx));
            let _ = ready!(Pin::new(&mut self.inner).poll_shutdown(cx));
            self.mode = Mode::Closed;
        }
        Poll::Ready(Err(fault_error()))
    }
}

/// How many bytes of `buf` may pass in `Cut` mode, given the scan state.
fn cut_allowance(matched: usize, in_body: bool, body_allowance: usize, buf: &[u8]) -> usize {
    if in_body {
        return body_allowance.min(buf.len());
    }
    let mut m = matched;
    for (i, &b) in buf.iter().enumerate() {
        m = advance_match(m, b);
        if m == 4 {
            let head = i + 1;
            return head + body_allowance.min(buf.len() - head);
        }
    }
    buf.len()
}

/// Steps the `\r\n\r\n` matcher by one byte.
fn advance_match(m: usize, b: u8) -> usize {
    const END: &[u8; 4] = b"\r\n\r\n";
    if b == END[m] {
        m + 1
    } else if b == b'\r' {
        1
    } else {
        0
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for FaultIo<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + AbortiveClose + Unpin> AsyncWrite for FaultIo<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        this.activate();
        match &mut this.mode {
            Mode::Clean => Pin::new(&mut this.inner).poll_write(cx, buf),
            Mode::Reset | Mode::Closed => Poll::Ready(Err(fault_error())),
            Mode::Closing => this.poll_close_inner(cx).map(|r| r.map(|()| 0)),
            Mode::Hang(sleep) => {
                ready!(sleep.as_mut().poll(cx));
                this.mode = Mode::Closing;
                this.poll_close_inner(cx).map(|r| r.map(|()| 0))
            }
            Mode::Garbage { bytes, pos } => {
                while *pos < bytes.len() {
                    let n = ready!(Pin::new(&mut this.inner).poll_write(cx, &bytes[*pos..]))?;
                    if n == 0 {
                        break;
                    }
                    *pos += n;
                }
                this.mode = Mode::Closing;
                this.poll_close_inner(cx).map(|r| r.map(|()| 0))
            }
            Mode::Cut {
                matched,
                in_body,
                body_allowance,
            } => {
                let allowed = cut_allowance(*matched, *in_body, *body_allowance, buf);
                if allowed == 0 {
                    this.mode = Mode::Closing;
                    return this.poll_close_inner(cx).map(|r| r.map(|()| 0));
                }
                let n = ready!(Pin::new(&mut this.inner).poll_write(cx, &buf[..allowed]))?;
                for &b in &buf[..n] {
                    if *in_body {
                        *body_allowance = body_allowance.saturating_sub(1);
                    } else {
                        *matched = advance_match(*matched, b);
                        *in_body = *matched == 4;
                    }
                }
                Poll::Ready(Ok(n))
            }
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.mode {
            Mode::Reset | Mode::Closed => Poll::Ready(Err(fault_error())),
            Mode::Hang(_) | Mode::Garbage { .. } | Mode::Closing => Poll::Ready(Ok(())),
            _ => Pin::new(&mut self.inner).poll_flush(cx),
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.mode {
            // A reset must not send a FIN first.
            Mode::Reset | Mode::Closed => Poll::Ready(Ok(())),
            _ => Pin::new(&mut self.inner).poll_shutdown(cx),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_reads_from_a_list_with_kind_tags() {
        let plan: FaultPlan = serde_json::from_str(
            r#"[{"on":"create","nth":2,"fault":{"kind":"status","status":503,"body":"down"}},
                {"on":"any","fault":{"kind":"reset"}}]"#,
        )
        .unwrap();
        assert_eq!(
            plan.faults[0].fault,
            Fault::Status {
                status: 503,
                body: "down".into(),
                content_type: "application/json".into()
            }
        );
        assert_eq!(plan.faults[1].nth, None);
    }

    #[test]
    fn the_second_create_draws_the_fault_scheduled_for_it_and_no_other_does() {
        let mut s = FaultSchedule::new(FaultPlan::none().on_nth(
            Operation::Create,
            2,
            Fault::Latency { ms: 5 },
        ));
        assert_eq!(s.next(Operation::Check), None);
        assert_eq!(s.next(Operation::Create), None);
        assert_eq!(s.next(Operation::Create), Some(Fault::Latency { ms: 5 }));
        assert_eq!(s.next(Operation::Create), None);
    }

    #[test]
    fn any_counts_every_operation() {
        let mut s = FaultSchedule::new(FaultPlan::none().on_nth(Operation::Any, 3, Fault::Reset));
        assert_eq!(s.next(Operation::Create), None);
        assert_eq!(s.next(Operation::Check), None);
        assert_eq!(s.next(Operation::Fetch), Some(Fault::Reset));
    }

    #[test]
    fn a_refuse_on_any_is_taken_at_accept_and_counted() {
        let mut s = FaultSchedule::new(FaultPlan::none().on_nth(Operation::Any, 1, Fault::Refuse));
        assert!(s.refuse_next_connection());
        assert!(!s.refuse_next_connection());
        assert_eq!(s.next(Operation::Create), None);
        assert_eq!(s.count(Operation::Any), 2);
    }

    #[test]
    fn the_cut_allowance_stops_after_the_head_plus_the_body_share() {
        let raw = b"HTTP/1.1 200 OK\r\nA: b\r\n\r\n0123456789";
        assert_eq!(cut_allowance(0, false, 0, raw), raw.len() - 10);
        assert_eq!(cut_allowance(0, false, 5, raw), raw.len() - 5);
        assert_eq!(cut_allowance(2, false, 0, b"\r\nxyz"), 2);
    }
}
