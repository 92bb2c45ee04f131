//! The bridge's request handling: the guide's Function, in Rust.

use std::time::Duration;

use base64::Engine;
use serde_json::Value;
use subtle::ConstantTimeEq;

use super::config::BridgeConfig;
use super::{event, serialize, signature};
use crate::plugin::encode::url_encode;
use crate::wire::client::{self, ClientRequest, Connector};
use crate::wire::server::{json, json_error, IncomingRequest, Reply};

/// Handles one request to the bridge.
pub async fn handle(config: &BridgeConfig, req: IncomingRequest) -> Reply {
    // Twilio Functions accept only GET, POST and OPTIONS.
    match req.method.as_str() {
        "GET" | "POST" => {}
        "OPTIONS" => return json(200, String::new()),
        other => {
            return json_error(
                405,
                &format!("method {other} is not allowed: use POST or GET"),
            )
        }
    }
    if req.uri.path() != config.path {
        return json_error(404, &format!("no Function at {}", req.uri.path()));
    }
    if config.protected {
        if let Some(refusal) = signature::gate(&req, &config.auth_token, &public_url(&req)) {
            return refusal;
        }
    }
    let event = match event::from_request(&req) {
        Ok(event) => event,
        Err(message) => return json_error(400, &message),
    };
    if !secrets_match(config, &event) {
        // Never echo what was sent: it may be a real secret typed into the wrong field.
        return json_error(401, "api_secret or verify_sid is missing or wrong");
    }
    let call = create_verification(config, &event);
    match tokio::time::timeout(config.time_limit, call).await {
        Ok(reply) => reply,
        Err(_) => json_error(
            504,
            &format!(
                "runtime application timed out: the Function did not finish within {} ms",
                config.time_limit.as_millis()
            ),
        ),
    }
}

/// The URL as the caller used it, which a Twilio signature covers. Behind the harness's TLS the
/// scheme is https; the host comes from the Host header.
pub fn public_url(req: &IncomingRequest) -> String {
    let host = req.header("host").unwrap_or("localhost");
    let path = req.uri.path_and_query().map_or("/", |p| p.as_str());
    format!("https://{host}{path}")
}

/// Compares both shared values in constant time, so response timing does not reveal how much of a
/// guessed secret was right.
fn secrets_match(config: &BridgeConfig, event: &[(String, String)]) -> bool {
    let secret = event::get(event, "api_secret").unwrap_or("");
    let sid = event::get(event, "verify_sid").unwrap_or("");
    let secret_ok = secret.as_bytes().ct_eq(config.api_secret.as_bytes());
    let sid_ok = sid.as_bytes().ct_eq(config.verify_sid.as_bytes());
    let present = !secret.is_empty() && !sid.is_empty();
    present && bool::from(secret_ok & sid_ok)
}

async fn create_verification(config: &BridgeConfig, event: &[(String, String)]) -> Reply {
    let mut form = Vec::new();
    if let Some(to) = event::get(event, "To") {
        form.push(format!("To={}", url_encode(to)));
    }
    let channel = event::get(event, "Channel").unwrap_or("sms");
    form.push(format!("Channel={}", url_encode(channel)));
    if let Some(code) = event::get(event, "Customcode") {
        form.push(format!("CustomCode={}", url_encode(code)));
    }
    let credentials = base64::engine::general_purpose::STANDARD
        .encode(format!("{}:{}", config.account_sid, config.auth_token));
    let request = ClientRequest {
        method: "POST".into(),
        url: format!(
            "{}/v2/Services/{}/Verifications",
            config.verify_base_url.trim_end_matches('/'),
            config.verify_sid
        ),
        headers: vec![
            ("Authorization".into(), format!("Basic {credentials}")),
            (
                "Content-Type".into(),
                "application/x-www-form-urlencoded".into(),
            ),
            ("Accept".into(), "application/json".into()),
            (
                "User-Agent".into(),
                "twilio-node/5 (rsa-verify-sim bundled bridge)".into(),
            ),
        ],
        body: form.join("&").into_bytes(),
    };
    let connector = Connector {
        connect_to: None,
        tls: None,
        // The Node client's default timeout; the Function limit above cuts in first.
        connect_timeout: Duration::from_secs(30),
        read_timeout: Duration::from_secs(30),
        proxy: None,
    };
    match client::send(&request, &connector).await {
        Ok(response) => verify_reply(response.status, &response.body),
        Err(e) => json_error(500, &format!("the Verify call failed: {}", node_words(&e))),
    }
}

/// Maps Verify's answer to the Function's answer.
fn verify_reply(status: u16, body: &[u8]) -> Reply {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    match (status, parsed) {
        (200..=299, Some(v)) if v.is_object() => {
            json(200, serialize::verification_as_function_json(&v))
        }
        (200..=299, _) => json_error(500, "Verify answered with a body that is not JSON"),
        (_, Some(v)) if v.get("code").is_some() => {
            json(status, serialize::rest_exception_json(status, &v))
        }
        (_, _) => {
            // twilio-node's RestException for a non-JSON error body.
            let message = format!("[HTTP {status}] Failed to execute request");
            json(
                status,
                serde_json::json!({ "status": status, "code": null, "message": message, "moreInfo": null })
                    .to_string(),
            )
        }
    }
}

/// How Node would name a transport failure (what a Function's logs show).
fn node_words(e: &client::ClientError) -> String {
    use client::ClientError::*;
    match e {
        Refused => "connect ECONNREFUSED".into(),
        Reset => "read ECONNRESET".into(),
        UnexpectedEof => "socket hang up".into(),
        ReadTimeout | ConnectTimeout => "ETIMEDOUT".into(),
        Malformed(_) => "Parse Error: Expected HTTP/".into(),
        Tls(reason) => format!("TLS error: {reason}"),
        Io(reason) => reason.clone(),
        UnknownHost(host) => format!("getaddrinfo ENOTFOUND {host}"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> BridgeConfig {
        BridgeConfig {
            path: "/fn".into(),
            api_secret: "s3cret".into(),
            verify_sid: "VA1".into(),
            verify_base_url: "http://127.0.0.1:9".into(),
            account_sid: "AC1".into(),
            auth_token: "tok".into(),
            time_limit: Duration::from_secs(1),
            protected: false,
        }
    }

    fn event(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn secrets_must_both_be_present_and_equal() {
        let c = config();
        assert!(secrets_match(
            &c,
            &event(&[("api_secret", "s3cret"), ("verify_sid", "VA1")])
        ));
        assert!(!secrets_match(&c, &event(&[("api_secret", "s3cret")])));
        assert!(!secrets_match(
            &c,
            &event(&[("api_secret", "s3cre"), ("verify_sid", "VA1")])
        ));
        assert!(!secrets_match(
            &c,
            &event(&[("api_secret", "s3cret"), ("verify_sid", "VA2")])
        ));
    }

    #[test]
    fn a_non_json_verify_error_becomes_the_node_clients_message() {
        let reply = verify_reply(503, b"<html>down</html>");
        assert_eq!(reply.status(), 503);
    }
}
