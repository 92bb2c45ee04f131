//! One delivery attempt as the plug-in makes it: send the rendered request over TCP/TLS with the
//! one-certificate trust store, record the exchange, then decide from status and body.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use super::config::{ErrorStatusPolicy, PluginConfig, RedirectPolicy};
use super::response::{self, ResponseFormat};
use super::trust::PinnedVerifier;
use super::{Delivery, Failure, FailureClass, RenderedRequest};
use crate::clock::{iso8601, SimClock};
use crate::journal::{Exchange, Hop, Journal};
use crate::plugin::encode::form_decode;
use crate::wire::client::{self, ClientError, ClientRequest, ClientResponse, Connector, Target};

/// HttpURLConnection follows at most this many redirects (its default is 20; a bridge never
/// needs more than a few, and a loop must stop).
const MAX_REDIRECTS: usize = 5;

/// Where the request goes and what the plug-in trusts.
#[derive(Clone)]
pub struct SendContext {
    /// Connect here instead of resolving the Base URL's host (scenarios: the bridge's loopback port).
    pub connect_to: Option<SocketAddr>,
    /// The trust store; `None` when no certificate is imported (HTTPS then fails).
    pub verifier: Option<Arc<PinnedVerifier>>,
    pub journal: Journal,
    pub clock: SimClock,
    /// The SMS HTTP Proxy Configuration, resolved (scenarios: the harness proxy's loopback port).
    pub proxy: Option<crate::wire::client::ProxyRoute>,
}

/// Sends `request` and decides, as the plug-in does.
pub async fn send(
    config: &PluginConfig,
    request: RenderedRequest,
    ctx: &SendContext,
    warnings: Vec<String>,
) -> Delivery {
    let mut delivery = Delivery {
        request: Some(request.clone()),
        status: None,
        response_body: None,
        decision: None,
        failure: None,
        warnings,
    };
    let format = match ResponseFormat::compile(&config.response_format) {
        Ok(f) => f,
        Err(e) => {
            delivery.failure = Some(Failure {
                class: FailureClass::ConfigRejected,
                message: format!("java.util.regex.PatternSyntaxException: {e}"),
                diagnosis: "The Response Format is not a valid Java regular expression; fix it on the SMS Configuration page.".into(),
            });
            return delivery;
        }
    };
    let response = match exchange_following_redirects(config, &request, ctx).await {
        Ok(r) => r,
        Err(failure) => {
            delivery.failure = Some(failure);
            return delivery;
        }
    };
    let body = response.text();
    if response.truncated {
        delivery.warnings.push(format!(
            "the bridge's answer ended before the body its headers announced ({} bytes arrived, Content-Length {}); HttpURLConnection hands over what arrived without an error, so the Response Format ran on a partial body",
            response.body.len(),
            response.header("content-length").unwrap_or("not given")
        ));
    }
    delivery.status = Some(response.status);
    delivery.response_body = Some(body.clone());
    if response.status >= 400 && config.quirks.error_status == ErrorStatusPolicy::Fail {
        delivery.failure = Some(Failure {
            class: FailureClass::HttpStatus,
            message: format!(
                "java.io.IOException: Server returned HTTP response code: {} for URL: {}",
                response.status, request.url
            ),
            diagnosis: status_diagnosis(response.status, &body),
        });
        return delivery;
    }
    // A pathological Response Format can scan a large body for a long time, as it would in Java.
    // Run it off the async workers so the scenario's timeout can still report the scenario.
    let (success_code, compare, text) = (
        config.success_code.clone(),
        config.quirks.compare,
        body.clone(),
    );
    let decision = match tokio::task::spawn_blocking(move || {
        response::decide(&format, &success_code, &text, compare)
    })
    .await
    {
        Ok(decision) => decision,
        Err(_) => {
            delivery.failure = Some(Failure {
                class: FailureClass::ResponseDidNotMatch,
                message: "the Response Format check failed inside the simulator".into(),
                diagnosis: "The regex engine stopped unexpectedly on this body; please report it with the Response Format.".into(),
            });
            return delivery;
        }
    };
    if !decision.success {
        let class = if decision.found.is_some() {
            FailureClass::ResponseMismatch
        } else {
            FailureClass::ResponseDidNotMatch
        };
        let message = match class {
            FailureClass::ResponseMismatch => format!(
                "response code {:?} is not the Success Response Code {:?}",
                decision.found.as_ref().map_or("", |f| f.compared.as_str()),
                config.success_code
            ),
            _ => format!(
                "the response did not match the Response Format {}",
                config.response_format
            ),
        };
        delivery.failure = Some(Failure {
            class,
            message,
            diagnosis: decision.explanation.clone(),
        });
    }
    delivery.decision = Some(decision);
    delivery
}

async fn exchange_following_redirects(
    config: &PluginConfig,
    request: &RenderedRequest,
    ctx: &SendContext,
) -> Result<ClientResponse, Failure> {
    let mut current = ClientRequest {
        method: request.method.clone(),
        url: request.url.clone(),
        headers: request.headers.clone(),
        body: request.body.clone().into_bytes(),
    };
    let first = Target::parse(&request.url).map_err(|e| transport_failure(&e, ctx))?;
    let tls = match &ctx.verifier {
        Some(v) => Some(client_tls(v.clone())?),
        None => None,
    };
    for _ in 0..=MAX_REDIRECTS {
        let target = Target::parse(&current.url).map_err(|e| transport_failure(&e, ctx))?;
        let connector = Connector {
            // The scenario's connect address stands for the Base URL's host only.
            connect_to: ctx
                .connect_to
                .filter(|_| target.host == first.host && target.port == first.port),
            tls: tls.clone(),
            connect_timeout: java_timeout(config.connect_timeout_ms),
            read_timeout: java_timeout(config.read_timeout_ms),
            proxy: ctx.proxy.clone(),
        };
        // HttpURLConnection hands a body cut short over as it is, without an exception.
        let result =
            client::send_with(&current, &connector, client::BodyEnd::KeepWhatArrived).await;
        record(ctx, &current, &result);
        let response = result.map_err(|e| transport_failure(&e, ctx))?;
        let location = response.header("location").map(str::to_string);
        let follow = matches!(response.status, 301..=303)
            && config.quirks.redirects == RedirectPolicy::SameScheme;
        match (follow, location) {
            (true, Some(location)) => {
                let next = absolute(&current.url, &location);
                let same_scheme = Target::parse(&next)
                    .map(|t| t.https == target.https)
                    .unwrap_or(false);
                if !same_scheme {
                    // HttpURLConnection never follows a redirect that changes the protocol; the 3xx
                    // response itself is then what the plug-in sees.
                    return Ok(response);
                }
                current = ClientRequest {
                    method: "GET".into(),
                    url: next,
                    headers: current
                        .headers
                        .into_iter()
                        .filter(|(k, _)| {
                            !k.eq_ignore_ascii_case("content-type")
                                && !k.eq_ignore_ascii_case("content-length")
                                && !k.eq_ignore_ascii_case("host")
                        })
                        .collect(),
                    body: Vec::new(),
                };
            }
            _ => return Ok(response),
        }
    }
    Err(Failure {
        class: FailureClass::Connection,
        message: format!(
            "java.net.ProtocolException: Server redirected too many  times ({MAX_REDIRECTS})"
        ),
        diagnosis:
            "The bridge keeps redirecting; the Base URL should point at the Function itself.".into(),
    })
}

/// A Java timeout in milliseconds: 0 means wait forever (`setReadTimeout(0)`). "Forever" is a
/// day here; the scenario timeout ends a run long before.
fn java_timeout(ms: u64) -> Duration {
    if ms == 0 {
        Duration::from_secs(24 * 60 * 60)
    } else {
        Duration::from_millis(ms)
    }
}

fn client_tls(verifier: Arc<PinnedVerifier>) -> Result<Arc<rustls::ClientConfig>, Failure> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map(|b| {
            Arc::new(
                b.dangerous()
                    .with_custom_certificate_verifier(verifier)
                    .with_no_client_auth(),
            )
        })
        .map_err(|e| Failure {
            class: FailureClass::Tls,
            message: format!("javax.net.ssl.SSLException: {e}"),
            diagnosis: "The simulator could not configure its TLS client.".into(),
        })
}

fn record(ctx: &SendContext, req: &ClientRequest, result: &Result<ClientResponse, ClientError>) {
    let body = String::from_utf8_lossy(&req.body).into_owned();
    let mut form = Target::parse(&req.url)
        .ok()
        .and_then(|t| {
            t.path_and_query
                .split_once('?')
                .map(|(_, q)| form_decode(q))
        })
        .unwrap_or_default();
    let is_form = req.headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("content-type") && v.starts_with("application/x-www-form-urlencoded")
    });
    if is_form {
        form.extend(form_decode(&body));
    }
    let (status, response_headers, response_body, error) = match result {
        Ok(r) => (Some(r.status), r.headers.clone(), Some(r.text()), None),
        Err(e) => (None, Vec::new(), None, Some(transport_message(e, ctx))),
    };
    ctx.journal.record(Exchange {
        hop: Hop::PluginToBridge,
        method: req.method.clone(),
        url: req.url.clone(),
        request_headers: req.headers.clone(),
        request_body: body,
        form,
        status,
        response_headers,
        response_body,
        error,
        at: iso8601(ctx.clock.now()),
    });
}

/// The Java text for a transport error, using the trust store's own reason for TLS refusals.
fn transport_message(e: &ClientError, ctx: &SendContext) -> String {
    if let (ClientError::Tls(_), Some(rejection)) =
        (e, ctx.verifier.as_ref().and_then(|v| v.last_rejection()))
    {
        return rejection.java_message;
    }
    e.to_string()
}

fn transport_failure(e: &ClientError, ctx: &SendContext) -> Failure {
    let message = transport_message(e, ctx);
    let (class, diagnosis) = match e {
        ClientError::Tls(reason) => {
            let diagnosis = ctx
                .verifier
                .as_ref()
                .and_then(|v| v.last_rejection())
                .map(|r| r.diagnosis)
                .unwrap_or_else(|| format!("The TLS handshake with the bridge failed: {reason}."));
            (FailureClass::Tls, diagnosis)
        }
        ClientError::Refused => (
            FailureClass::Connection,
            "Nothing accepts connections at the Base URL's host and port.".to_string(),
        ),
        ClientError::Reset => (
            FailureClass::Connection,
            "The bridge (or something in front of it) reset the connection before answering."
                .to_string(),
        ),
        ClientError::UnexpectedEof => (
            FailureClass::Connection,
            "The connection closed before a complete HTTP response arrived.".to_string(),
        ),
        ClientError::Malformed(_) => (
            FailureClass::Connection,
            "The bridge answered with something that is not HTTP.".to_string(),
        ),
        ClientError::ReadTimeout => (
            FailureClass::Timeout,
            "The bridge did not answer within the plug-in's read timeout.".to_string(),
        ),
        ClientError::ConnectTimeout => (
            FailureClass::Timeout,
            "No TCP connection could be made within the plug-in's connect timeout.".to_string(),
        ),
        ClientError::UnknownHost(h) => (
            FailureClass::Connection,
            format!("The Base URL's host {h} does not resolve."),
        ),
        ClientError::BadUrl(_) => (
            FailureClass::ConfigRejected,
            "The Base URL is not a valid http(s) URL.".to_string(),
        ),
        ClientError::Io(_) => (
            FailureClass::Connection,
            "The connection failed.".to_string(),
        ),
        ClientError::ProxyTunnel(status) => (
            FailureClass::Connection,
            if status.contains(" 407") {
                "The SMS HTTP proxy demands credentials and refused the tunnel: check the proxy user and password in SMS HTTP Proxy Configuration.".to_string()
            } else {
                format!("The SMS HTTP proxy refused to open a tunnel to the Base URL's host ({status}).")
            },
        ),
    };
    Failure {
        class,
        message,
        diagnosis,
    }
}

/// What a Twilio error code carried in the bridge's error body means for this integration.
fn twilio_code_hint(code: u64) -> Option<&'static str> {
    Some(match code {
        20003 => "Verify refused the bridge's own Twilio credentials (20003): check the Function's ACCOUNT_SID and AUTH_TOKEN, not RSA's settings",
        20404 => "Verify does not know the service the bridge calls (20404): check the Function's VERIFY_SID, or the verification is gone",
        20429 => "Twilio rate-limited the account (20429, too many requests; safe to retry after Retry-After)",
        60200 => "Verify rejected a parameter (60200): most often To without a leading + or with a space; use ${plus}$msg.address",
        60202 => "too many wrong checks of this code (60202, max check attempts)",
        60203 => "too many codes sent to this number without completing (60203, max send attempts): wait for the code to expire",
        60204 => "the Verify service does not allow this feature (60204): enable custom codes on the service",
        60205 => "the number is a landline and the service skips SMS to landlines (60205)",
        60212 => "too many concurrent requests for this number (60212)",
        60223 => "the SMS channel is disabled on the Verify service (60223)",
        60410 => "Twilio's Fraud Guard blocked delivery to this number prefix (60410)",
        60605 => "Geo Permissions block SMS to this country (60605)",
        _ => return None,
    })
}

fn status_diagnosis(status: u16, body: &str) -> String {
    let code = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("code").and_then(serde_json::Value::as_u64));
    if let Some(hint) = code.and_then(twilio_code_hint) {
        let excerpt: String = body.chars().take(200).collect();
        return format!(
            "The bridge answered HTTP {status}: {hint}. HttpURLConnection throws for any status of 400 or more, so RSA never applies the Response Format. Body: {excerpt}"
        );
    }
    let hint = match status {
        401 => "the bridge refused the api_secret or verify_sid that RSA sent (check Account User Name / Account Password and the reserved characters & = + in them)",
        403 => "Verify refused the request (a service feature such as custom codes is not enabled, or delivery is blocked)",
        404 => "nothing answers at the Base URL's path (check the Function's path)",
        400 => "the bridge refused the request",
        429 => "a rate limit was hit (too many sends to this number)",
        500 => "the bridge failed while handling the request",
        504 => "the bridge did not finish in time (the Functions 10-second limit)",
        _ => "the bridge answered with an error status",
    };
    let excerpt: String = body.chars().take(200).collect();
    let says = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            v.get("message")
                .and_then(|m| m.as_str().map(str::to_string))
        })
        .map(|m| format!(" (the bridge says: {m})"))
        .unwrap_or_default();
    format!(
        "The bridge answered HTTP {status}: {hint}{says}. HttpURLConnection throws for any status of 400 or more, so RSA never applies the Response Format. Body: {excerpt}"
    )
}

fn absolute(base: &str, location: &str) -> String {
    if location.contains("://") {
        return location.to_string();
    }
    match Target::parse(base) {
        Ok(t) => {
            let scheme = if t.https { "https" } else { "http" };
            let path = if location.starts_with('/') {
                location.to_string()
            } else {
                format!("/{location}")
            };
            format!("{scheme}://{}{path}", t.host_header())
        }
        Err(_) => location.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_java_timeout_of_zero_waits_forever_and_others_are_milliseconds() {
        assert!(java_timeout(0) >= Duration::from_secs(3600));
        assert_eq!(java_timeout(300), Duration::from_millis(300));
    }
}
