//! Faults performed on a raw stream, for servers that write their own bytes.

use std::io;
use std::time::Duration;

use rand::RngCore;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

use super::Fault;

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

/// In-memory streams cannot send an RST; dropping them is the closest they get.
impl AbortiveClose for tokio::io::DuplexStream {
    fn set_abortive_close(&self) -> io::Result<()> {
        Ok(())
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
