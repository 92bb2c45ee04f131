//! The RSA Authentication Manager SMS "HTTP plug-in" simulator.
//!
//! How the parts fit, in the order a delivery uses them:
//! - [`config`]: what an administrator typed on the SMS Configuration page, checked like the console.
//! - [`address`]: the user's mobile number reduced to what `$msg.address` renders.
//! - [`template`] and [`encode`]: Velocity-style rendering of Parameters, XML body and message template,
//!   with java.net.URLEncoder encoding of substituted values.
//! - [`trust`]: the one-certificate Java trust store deciding whether a TLS server is trusted.
//! - [`send`]: one delivery attempt over real TCP/TLS, recorded in the journal.
//! - [`response`]: the Response Format regex (Java semantics) and the Success Response Code decision.
//!
//! [`Delivery`] is what one attempt produced; [`Failure`] says why it failed, once in the words RSA's
//! Java stack would log and once as a plain diagnosis.

pub mod address;
pub mod config;
pub mod encode;
pub mod request;
pub mod response;
pub mod send;
pub mod template;
pub mod trust;
pub mod validate;

use serde::Serialize;

pub use config::{HttpMethod, PluginConfig};

/// The class of a failed delivery; scenario expectations name these.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureClass {
    /// The Security Console would not have saved this configuration; no request is made.
    ConfigRejected,
    /// TCP connection refused, reset or closed before a complete response.
    Connection,
    /// TLS handshake failed (certificate path, dates, host name, protocol).
    Tls,
    /// No response within the read timeout (or no connection within the connect timeout).
    Timeout,
    /// The server answered with an HTTP status the plug-in treats as failure (400 or more by default).
    HttpStatus,
    /// The Response Format regex found nothing in the body.
    ResponseDidNotMatch,
    /// The regex matched, but the compared text is not the Success Response Code.
    ResponseMismatch,
}

impl FailureClass {
    /// The name used in scenario files and reports.
    pub fn name(self) -> &'static str {
        match self {
            FailureClass::ConfigRejected => "config_rejected",
            FailureClass::Connection => "connection",
            FailureClass::Tls => "tls",
            FailureClass::Timeout => "timeout",
            FailureClass::HttpStatus => "http_status",
            FailureClass::ResponseDidNotMatch => "response_did_not_match",
            FailureClass::ResponseMismatch => "response_mismatch",
        }
    }
}

impl std::fmt::Display for FailureClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a delivery failed.
#[derive(Clone, Debug, Serialize)]
pub struct Failure {
    pub class: FailureClass,
    /// What RSA AM's Java code would log (exception text), so it can be compared with a real log.
    pub message: String,
    /// A plain-English explanation and what to change.
    pub diagnosis: String,
}

/// The HTTP request the plug-in builds from its configuration, before it is sent.
#[derive(Clone, Debug, Serialize)]
pub struct RenderedRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// Fields a server decodes from it (query first, then a form body), in order.
    pub decoded: Vec<(String, String)>,
    /// Notes about how it was built that a person should see (naive GET append, unescaped XML...).
    pub notes: Vec<String>,
}

/// Everything one delivery attempt produced.
#[derive(Clone, Debug, Serialize)]
pub struct Delivery {
    /// The request, when the configuration allowed one to be built.
    pub request: Option<RenderedRequest>,
    pub status: Option<u16>,
    pub response_body: Option<String>,
    /// The Response Format decision, when a body was examined.
    pub decision: Option<response::Decision>,
    /// None when the plug-in considers the SMS sent.
    pub failure: Option<Failure>,
    /// Console-style warnings about the configuration (not errors).
    pub warnings: Vec<String>,
}

impl Delivery {
    /// True when RSA AM would consider the tokencode sent.
    pub fn delivered(&self) -> bool {
        self.failure.is_none()
    }
}
