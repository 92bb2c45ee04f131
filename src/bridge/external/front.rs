//! The harness's front for a started bridge: what Twilio's edge does for a deployed Function and
//! a local runtime does not.
//!
//! - TLS with the scenario's certificate chain (the plug-in pins it), and the scenario's faults
//!   on the RSA -> bridge hop;
//! - only GET, POST and OPTIONS reach the bridge (405 otherwise, as Twilio Functions do);
//! - the Functions execution limit: no answer within it gives 504, with the bundled bridge's body.
//!
//! Everything else is forwarded as is to the bridge's plain-HTTP loopback port.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;

use super::BridgeEnv;
use crate::fault::FaultSchedule;
use crate::wire::client::{self, ClientRequest, Connector};
use crate::wire::server::{self, json_error, IncomingRequest, Reply, RunningServer, ServerOptions};

/// Headers that describe one connection, not the message; never forwarded.
const HOP_BY_HOP: [&str; 9] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
];

/// Starts the front on an ephemeral loopback port, forwarding to `upstream`.
pub async fn start(env: &BridgeEnv, upstream: SocketAddr) -> Result<RunningServer, String> {
    let time_limit = env.time_limit;
    // Twilio's gateway checks a protected Function's signature before the Function runs.
    let gate_token = env.protected.then(|| env.auth_token.clone());
    let handler: server::Handler = Arc::new(move |req| {
        let gate_token = gate_token.clone();
        Box::pin(async move {
            if let Some(token) = gate_token {
                let url = crate::bridge::handler::public_url(&req);
                if let Some(refusal) = crate::bridge::signature::gate(&req, &token, &url) {
                    return refusal;
                }
            }
            forward(req, upstream, time_limit).await
        })
    });
    let options = ServerOptions {
        tls: env.tls.clone(),
        faults: (!env.faults.is_empty())
            .then(|| Arc::new(Mutex::new(FaultSchedule::new(env.faults.clone())))),
        ..ServerOptions::default()
    };
    server::serve(options, handler)
        .await
        .map_err(|e| format!("the bridge's front could not start: {e}"))
}

async fn forward(req: IncomingRequest, upstream: SocketAddr, time_limit: Duration) -> Reply {
    match req.method.as_str() {
        "GET" | "POST" | "OPTIONS" => {}
        other => {
            return json_error(
                405,
                &format!("method {other} is not allowed: use POST or GET"),
            )
        }
    }
    let path_and_query = req
        .uri
        .path_and_query()
        .map_or("/".to_string(), |p| p.as_str().to_string());
    let headers = req
        .headers
        .iter()
        .filter(|(name, _)| !HOP_BY_HOP.contains(&name.as_str()))
        .map(|(name, value)| {
            (
                name.as_str().to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let request = ClientRequest {
        method: req.method.as_str().to_string(),
        url: format!("http://{upstream}{path_and_query}"),
        headers,
        body: req.body.to_vec(),
    };
    let connector = Connector {
        connect_to: Some(upstream),
        tls: None,
        connect_timeout: Duration::from_secs(5),
        // The execution limit below always cuts in first.
        read_timeout: time_limit + Duration::from_secs(5),
        proxy: None,
    };
    match tokio::time::timeout(time_limit, client::send(&request, &connector)).await {
        Ok(Ok(response)) => reply(response),
        Ok(Err(e)) => json_error(
            502,
            &format!("the bridge did not answer the harness's front: {e}"),
        ),
        Err(_) => json_error(
            504,
            &format!(
                "runtime application timed out: the Function did not finish within {} ms",
                time_limit.as_millis()
            ),
        ),
    }
}

/// The bridge's answer, minus connection-level headers.
fn reply(response: client::ClientResponse) -> Reply {
    let mut builder = http::Response::builder().status(response.status);
    for (name, value) in &response.headers {
        if !HOP_BY_HOP.contains(&name.to_ascii_lowercase().as_str()) {
            builder = builder.header(name.as_str(), value.as_str());
        }
    }
    builder
        .body(Full::new(Bytes::from(response.body)))
        .unwrap_or_else(|_| json_error(502, "the bridge answered with an invalid HTTP response"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fault::FaultPlan;

    fn env(time_limit: Duration) -> BridgeEnv {
        BridgeEnv {
            path: "/fn".into(),
            api_secret: "s".into(),
            verify_sid: "VA1".into(),
            account_sid: "AC1".into(),
            auth_token: "t".into(),
            verify_base_url: "http://127.0.0.1:9".into(),
            time_limit,
            faults: FaultPlan::default(),
            tls: None,
            work_dir: Default::default(),
            protected: false,
        }
    }

    /// An upstream that echoes the method and path, sleeping first on `/slow`.
    async fn upstream() -> RunningServer {
        let handler: server::Handler = Arc::new(|req: IncomingRequest| {
            Box::pin(async move {
                if req.uri.path() == "/slow" {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                }
                server::json(201, format!("{} {}", req.method, req.uri))
            })
        });
        server::serve(ServerOptions::default(), handler)
            .await
            .unwrap()
    }

    async fn call(front: SocketAddr, method: &str, path: &str) -> client::ClientResponse {
        let request = ClientRequest {
            method: method.into(),
            url: format!("http://{front}{path}"),
            headers: vec![],
            body: b"a=1".to_vec(),
        };
        let connector = Connector {
            connect_to: Some(front),
            tls: None,
            connect_timeout: Duration::from_secs(2),
            read_timeout: Duration::from_secs(10),
            proxy: None,
        };
        client::send(&request, &connector).await.unwrap()
    }

    #[tokio::test]
    async fn forwards_get_and_post_refuses_other_methods_and_enforces_the_limit() {
        let up = upstream().await;
        let front = start(&env(Duration::from_millis(300)), up.addr())
            .await
            .unwrap();
        let ok = call(front.addr(), "POST", "/fn?x=1").await;
        assert_eq!((ok.status, ok.text().as_str()), (201, "POST /fn?x=1"));
        let put = call(front.addr(), "PUT", "/fn").await;
        assert_eq!(put.status, 405);
        let slow = call(front.addr(), "GET", "/slow").await;
        assert_eq!(slow.status, 504);
        assert!(slow.text().contains("runtime application timed out"));
    }

    #[test]
    fn connection_headers_are_dropped_from_answers() {
        let r = reply(client::ClientResponse {
            status: 201,
            headers: vec![
                ("Content-Type".into(), "application/json".into()),
                ("Transfer-Encoding".into(), "chunked".into()),
                ("Connection".into(), "keep-alive".into()),
            ],
            body: b"{}".to_vec(),
            truncated: false,
        });
        assert_eq!(r.status(), 201);
        assert!(r.headers().get("content-type").is_some());
        assert!(r.headers().get("transfer-encoding").is_none());
        assert!(r.headers().get("connection").is_none());
    }
}
