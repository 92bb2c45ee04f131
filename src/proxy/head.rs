//! Reading one HTTP request head from a raw stream, bounded in size and time.

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt};

/// Largest request head accepted.
pub const MAX_HEAD_BYTES: usize = 16 * 1024;

/// A parsed request head.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    pub method: String,
    /// `host:port` for CONNECT, an absolute URL or a path otherwise.
    pub target: String,
    pub version: String,
    pub headers: Vec<(String, String)>,
}

impl Head {
    /// First value of a header, case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Why a head could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum HeadError {
    #[error("the client did not send a complete request head within {0:?}")]
    Timeout(Duration),
    #[error("the request head is larger than {MAX_HEAD_BYTES} bytes")]
    TooLarge,
    #[error("the connection closed before a complete request head")]
    Closed,
    #[error("malformed request line: {0:?}")]
    Malformed(String),
}

/// Reads up to the blank line that ends a head. Returns the head and any bytes read past it
/// (the start of a body, which must be forwarded too).
pub async fn read<S: AsyncRead + Unpin>(
    stream: &mut S,
    timeout: Duration,
) -> Result<(Head, Vec<u8>), HeadError> {
    let read = async {
        let mut buf = Vec::with_capacity(1024);
        let mut chunk = [0u8; 1024];
        loop {
            if let Some(end) = find_end(&buf) {
                let rest = buf.split_off(end);
                let head = parse(&buf)?;
                return Ok((head, rest));
            }
            if buf.len() > MAX_HEAD_BYTES {
                return Err(HeadError::TooLarge);
            }
            let n = stream
                .read(&mut chunk)
                .await
                .map_err(|_| HeadError::Closed)?;
            if n == 0 {
                return Err(HeadError::Closed);
            }
            buf.extend_from_slice(&chunk[..n]);
        }
    };
    tokio::time::timeout(timeout, read)
        .await
        .map_err(|_| HeadError::Timeout(timeout))?
}

fn find_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4)
}

/// Parses a head (everything up to and including the blank line).
pub fn parse(bytes: &[u8]) -> Result<Head, HeadError> {
    let text = String::from_utf8_lossy(bytes);
    let mut lines = text.split("\r\n");
    let request_line = lines.next().unwrap_or("");
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(HeadError::Malformed(
            request_line.chars().take(200).collect(),
        ));
    };
    if method.is_empty() || target.is_empty() || !version.starts_with("HTTP/") {
        return Err(HeadError::Malformed(
            request_line.chars().take(200).collect(),
        ));
    }
    let headers = lines
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Ok(Head {
        method: method.to_string(),
        target: target.to_string(),
        version: version.to_string(),
        headers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_connect_head() {
        let head = parse(b"CONNECT demo.twil.io:443 HTTP/1.1\r\nHost: demo.twil.io:443\r\nProxy-Authorization: Basic eA==\r\n\r\n").unwrap();
        assert_eq!(head.method, "CONNECT");
        assert_eq!(head.target, "demo.twil.io:443");
        assert_eq!(head.header("proxy-authorization"), Some("Basic eA=="));
    }

    #[test]
    fn refuses_a_request_line_that_is_not_http() {
        assert!(matches!(
            parse(b"hello\r\n\r\n"),
            Err(HeadError::Malformed(_))
        ));
    }

    #[tokio::test]
    async fn keeps_the_bytes_after_the_head() {
        let mut input: &[u8] = b"POST http://a/b HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc";
        let (head, rest) = read(&mut input, Duration::from_secs(1)).await.unwrap();
        assert_eq!(head.target, "http://a/b");
        assert_eq!(rest, b"abc");
    }
}
