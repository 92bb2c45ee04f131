//! The error catalogue: every Twilio error the fake answers with, in Twilio's body format
//! `{"code":60200,"message":"Invalid parameter: To","more_info":"https://www.twilio.com/docs/errors/60200","status":400}`.

use serde::Serialize;

/// The serialised form; field order is the wire order.
#[derive(Serialize)]
struct ErrorBody<'a> {
    code: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
    message: &'a str,
    more_info: String,
    status: u16,
}

/// One Twilio REST error answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TwilioError {
    /// Twilio error code (`60200`…).
    pub code: u32,
    /// HTTP status.
    pub status: u16,
    /// The `message` field.
    pub message: String,
    /// The `detail` field, present on 20003 only.
    pub detail: Option<String>,
    /// `Retry-After` header value in seconds, on 20429.
    pub retry_after: Option<u32>,
    /// Extra headers (`Allow` on 405, `WWW-Authenticate` on 401).
    pub headers: Vec<(String, String)>,
}

impl TwilioError {
    /// An error with `code`, HTTP `status` and `message`.
    pub fn new(code: u32, status: u16, message: impl Into<String>) -> Self {
        Self {
            code,
            status,
            message: message.into(),
            detail: None,
            retry_after: None,
            headers: Vec::new(),
        }
    }

    /// The compact JSON body, keys in Twilio's (alphabetical) order.
    pub fn body(&self) -> String {
        let body = ErrorBody {
            code: self.code,
            detail: self.detail.as_deref(),
            message: &self.message,
            more_info: format!("https://www.twilio.com/docs/errors/{}", self.code),
            status: self.status,
        };
        serde_json::to_string(&body).unwrap_or_else(|_| String::from("{}"))
    }

    /// 20003 / 401: missing or wrong credentials.
    pub fn authenticate() -> Self {
        let mut e = Self::new(20003, 401, "Authenticate");
        e.detail = Some("Your AccountSid or AuthToken was incorrect.".to_string());
        e.headers.push((
            "WWW-Authenticate".into(),
            "Basic realm=\"Twilio API\"".into(),
        ));
        e
    }

    /// 20404 / 404 for `path` (without the `/v2` prefix, as Twilio writes it).
    pub fn not_found(path: &str) -> Self {
        Self::new(
            20404,
            404,
            format!("The requested resource {path} was not found"),
        )
    }

    /// 20004 / 405: the path exists but not with this method.
    pub fn method_not_allowed(allow: &str) -> Self {
        let mut e = Self::new(20004, 405, "Method not allowed");
        e.headers.push(("Allow".into(), allow.into()));
        e
    }

    /// 20413 / 413: request body over the limit.
    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(
            20413,
            413,
            format!("Request entity too large: the body exceeds {limit} bytes"),
        )
    }

    /// 20429 / 429 with `Retry-After`.
    pub fn too_many_requests(retry_after: u32) -> Self {
        let mut e = Self::new(20429, 429, "Too many requests");
        e.retry_after = Some(retry_after);
        e
    }

    /// 60200 / 400: `Invalid parameter: <name>`.
    pub fn invalid_parameter(name: &str) -> Self {
        Self::new(60200, 400, format!("Invalid parameter: {name}"))
    }

    /// Max check attempts (60202 by default) / 429.
    pub fn max_check_attempts(code: u32) -> Self {
        Self::new(code, 429, "Max check attempts reached")
    }

    /// Max send attempts (60203 by default) / 429.
    pub fn max_send_attempts(code: u32) -> Self {
        Self::new(code, 429, "Max send attempts reached")
    }

    /// 60204 / 403: a feature (CustomCode, CustomFriendlyName) the service lacks.
    pub fn feature_not_supported() -> Self {
        Self::new(60204, 403, "Service does not support this feature")
    }

    /// 60205 / 403: SMS to a landline with `skip_sms_to_landlines`.
    pub fn landline() -> Self {
        Self::new(60205, 403, "SMS is not supported by landline phone number")
    }

    /// 60212 / 429: concurrent requests for one number.
    pub fn concurrent_requests() -> Self {
        Self::new(60212, 429, "Too many concurrent requests for phone number")
    }

    /// 60221 / 400: a check naming neither `To` nor `VerificationSid`.
    pub fn no_target() -> Self {
        Self::new(60221, 400, "No target verification specified")
    }

    /// 60223 / 400: the channel is disabled in the service.
    pub fn channel_disabled() -> Self {
        Self::new(60223, 400, "Delivery channel disabled")
    }

    /// 60410 / 403: Fraud Guard blocked the prefix.
    pub fn fraud_guard() -> Self {
        Self::new(60410, 403, "Verification delivery attempt blocked")
    }

    /// 60605 / 403: Geo Permissions block the destination country.
    pub fn geo_permissions() -> Self {
        Self::new(60605, 403, "Verification delivery attempt blocked")
    }

    /// 20500 / 500: the fake itself failed (should not happen).
    pub fn internal() -> Self {
        Self::new(20500, 500, "Internal Server Error")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalid_parameter_body_is_twilios_exact_shape() {
        assert_eq!(
            TwilioError::invalid_parameter("To").body(),
            r#"{"code":60200,"message":"Invalid parameter: To","more_info":"https://www.twilio.com/docs/errors/60200","status":400}"#
        );
    }

    #[test]
    fn the_authentication_error_carries_a_detail() {
        assert_eq!(
            TwilioError::authenticate().body(),
            r#"{"code":20003,"detail":"Your AccountSid or AuthToken was incorrect.","message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}"#
        );
    }
}
