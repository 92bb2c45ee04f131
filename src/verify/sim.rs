//! Read-back endpoints for tests under `/_sim/` (unauthenticated; the fake only listens on loopback):
//!
//! * `GET /_sim/verifications`: every verification the fake holds, codes included (JSON list of
//!   [`super::VerificationRecord`]);
//! * `GET /_sim/code?To=…&ServiceSid=…`: the newest verification for `To` (`ServiceSid` optional;
//!   `To` may be given with `%2B`, with a `+` decoded as a space, or as bare digits);
//! * `GET /_sim/journal`: every journal exchange, secrets redacted.

use super::errors::TwilioError;
use super::service::{Answer, Form, Verify};
use crate::journal::Journal;
use crate::redact::Redactor;

/// Whether `path` belongs to the read-back endpoints.
pub fn is_sim_path(path: &str) -> bool {
    path == "/_sim" || path.starts_with("/_sim/")
}

/// Answers a `/_sim/` request.
pub fn answer(
    method: &http::Method,
    path: &str,
    query: &[(String, String)],
    verify: &Verify,
    journal: &Journal,
    redactor: &Redactor,
) -> Answer {
    let known = ["/_sim/verifications", "/_sim/code", "/_sim/journal"];
    if !known.contains(&path) {
        return TwilioError::not_found(path).into();
    }
    if method != http::Method::GET {
        return TwilioError::method_not_allowed("GET").into();
    }
    match path {
        "/_sim/verifications" => Answer::json(
            200,
            serde_json::to_string(&verify.records()).unwrap_or_default(),
        ),
        "/_sim/code" => {
            let form = Form(query);
            let Some(to) = form.get("To") else {
                return TwilioError::invalid_parameter("To").into();
            };
            match verify.code_for(to, form.get("ServiceSid")) {
                Some(record) => {
                    Answer::json(200, serde_json::to_string(&record).unwrap_or_default())
                }
                None => TwilioError::not_found(path).into(),
            }
        }
        _ => {
            let entries: Vec<_> = journal
                .entries()
                .into_iter()
                .map(|mut e| {
                    for (name, value) in &mut e.request_headers {
                        *value = redactor.redact_header(name, value);
                    }
                    e
                })
                .collect();
            let text = serde_json::to_string(&entries).unwrap_or_default();
            Answer::json(200, redactor.redact(&text))
        }
    }
}
