//! [`FaultIo`]: a stream wrapper that corrupts what a hyper server writes, once armed.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::raw::{garbage_bytes, AbortiveClose};
use super::Fault;

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
/// fault; the wrapper then fails writes so the server drops the connection. A hang ends at its
/// bound or as soon as the client closes its side.
///
/// ```no_run
/// # async fn serve(stream: tokio::net::TcpStream) {
/// use rsa_verify_sim::fault::{Fault, FaultIo};
/// let (io, trigger) = FaultIo::new(stream);
/// // Hand `hyper_util::rt::TokioIo::new(io)` to hyper; in the request handler, before returning
/// // the response whose body is `len` bytes long:
/// let len = 42;
/// trigger.arm(Fault::TruncatedBody, len);
/// # let _ = io;
/// # }
/// ```
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

impl<S: AsyncRead + AsyncWrite + AbortiveClose + Unpin> FaultIo<S> {
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

/// Ready once the client has closed or reset its side; anything it still sends is discarded
/// (the connection is hanging and will be closed anyway).
fn poll_client_gone<S: AsyncRead + Unpin>(inner: &mut S, cx: &mut Context<'_>) -> Poll<()> {
    let mut scratch = [0u8; 1024];
    // Bounded so a client that keeps sending cannot hold the task; it is polled again at once.
    for _ in 0..64 {
        let mut buf = ReadBuf::new(&mut scratch);
        match Pin::new(&mut *inner).poll_read(cx, &mut buf) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Ok(())) if !buf.filled().is_empty() => continue,
            Poll::Ready(_) => return Poll::Ready(()),
        }
    }
    cx.waker().wake_by_ref();
    Poll::Pending
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

impl<S: AsyncRead + AsyncWrite + AbortiveClose + Unpin> AsyncWrite for FaultIo<S> {
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
                if sleep.as_mut().poll(cx).is_pending() {
                    ready!(poll_client_gone(&mut this.inner, cx));
                }
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
                let n = n.min(allowed);
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
    fn the_cut_allowance_stops_after_the_head_plus_the_body_share() {
        let raw = b"HTTP/1.1 200 OK\r\nA: b\r\n\r\n0123456789";
        assert_eq!(cut_allowance(0, false, 0, raw), raw.len() - 10);
        assert_eq!(cut_allowance(0, false, 5, raw), raw.len() - 5);
        assert_eq!(cut_allowance(2, false, 0, b"\r\nxyz"), 2);
    }

    #[tokio::test]
    async fn a_hang_ends_when_the_client_closes_its_side() {
        use tokio::io::AsyncWriteExt;
        let (server, client) = tokio::io::duplex(1024);
        let (mut io, trigger) = FaultIo::new(server);
        trigger.arm(
            Fault::Hang {
                max_ms: Some(60_000),
            },
            10,
        );
        let write = tokio::spawn(async move { io.write_all(b"HTTP/1.1 200 OK\r\n").await });
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert!(!write.is_finished());
        drop(client);
        let ended = tokio::time::timeout(std::time::Duration::from_secs(5), write).await;
        assert!(ended.expect("the hang ended").unwrap().is_err());
    }
}
