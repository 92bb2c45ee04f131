//! How a Twilio Function serialises what the Node client returned (measured with twilio 6.2.0 and
//! twilio-run 5.0.1): the instance's `toJSON()`, i.e. camelCase top-level keys, compact JSON,
//! dates as JavaScript ISO strings with milliseconds, `sendCodeAttempts` entries keeping their
//! snake_case keys.

use serde_json::Value;

/// Top-level keys of a verification, in the order the Node client's `toJSON()` emits them.
const VERIFICATION_KEYS: [(&str, &str); 15] = [
    ("sid", "sid"),
    ("service_sid", "serviceSid"),
    ("account_sid", "accountSid"),
    ("to", "to"),
    ("channel", "channel"),
    ("status", "status"),
    ("valid", "valid"),
    ("lookup", "lookup"),
    ("amount", "amount"),
    ("payee", "payee"),
    ("send_code_attempts", "sendCodeAttempts"),
    ("date_created", "dateCreated"),
    ("date_updated", "dateUpdated"),
    ("sna", "sna"),
    ("url", "url"),
];

/// Converts Verify's verification JSON into the body a Function returns for it.
pub fn verification_as_function_json(verify_body: &Value) -> String {
    let mut parts = Vec::with_capacity(VERIFICATION_KEYS.len());
    for (wire, camel) in VERIFICATION_KEYS {
        let value = verify_body.get(wire).cloned().unwrap_or(Value::Null);
        let value = if wire.starts_with("date_") {
            js_date(&value)
        } else {
            value
        };
        parts.push(format!("{}:{}", Value::from(camel), value));
    }
    format!("{{{}}}", parts.join(","))
}

/// `2015-07-30T20:00:00Z` -> `2015-07-30T20:00:00.000Z`, as `new Date(..).toJSON()` prints it.
fn js_date(value: &Value) -> Value {
    match value.as_str() {
        Some(s) if s.ends_with('Z') && !s.contains('.') => {
            Value::from(format!("{}.000Z", s.trim_end_matches('Z')))
        }
        _ => value.clone(),
    }
}

/// The error body the bundled bridge returns for a Verify error: the fields of the Node client's
/// `RestException` (`status`, `code`, `message`, `moreInfo`). `status` is a number.
pub fn rest_exception_json(status: u16, verify_body: &Value) -> String {
    let code = verify_body.get("code").cloned().unwrap_or(Value::Null);
    let message = verify_body
        .get("message")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| format!("[HTTP {status}] Failed to execute request"));
    let more_info = verify_body.get("more_info").cloned().unwrap_or(Value::Null);
    serde_json::json!({ "status": status, "code": code, "message": message, "moreInfo": more_info })
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_a_verification_like_a_function_does() {
        let verify: Value = serde_json::from_str(
            r#"{"sid":"VE1","service_sid":"VA1","account_sid":"AC1","to":"+61412345678","channel":"sms",
            "status":"pending","valid":false,"date_created":"2015-07-30T20:00:00Z",
            "date_updated":"2015-07-30T20:00:00Z","lookup":{},"amount":null,"payee":null,
            "send_code_attempts":[{"time":"2015-07-30T20:00:00Z","channel":"SMS","attempt_sid":"VL1"}],
            "sna":null,"url":"https://verify.twilio.com/v2/Services/VA1/Verifications/VE1"}"#,
        )
        .unwrap();
        assert_eq!(
            verification_as_function_json(&verify),
            r#"{"sid":"VE1","serviceSid":"VA1","accountSid":"AC1","to":"+61412345678","channel":"sms","status":"pending","valid":false,"lookup":{},"amount":null,"payee":null,"sendCodeAttempts":[{"time":"2015-07-30T20:00:00Z","channel":"SMS","attempt_sid":"VL1"}],"dateCreated":"2015-07-30T20:00:00.000Z","dateUpdated":"2015-07-30T20:00:00.000Z","sna":null,"url":"https://verify.twilio.com/v2/Services/VA1/Verifications/VE1"}"#
        );
    }

    #[test]
    fn error_bodies_carry_a_numeric_status() {
        let body = serde_json::json!({"code":60200,"message":"Invalid parameter: To","more_info":"https://www.twilio.com/docs/errors/60200","status":400});
        let out = rest_exception_json(400, &body);
        assert!(
            out.starts_with(r#"{"code":60200,"#) || out.contains(r#""status":400"#),
            "{out}"
        );
        let parsed: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(parsed["status"], 400);
        assert_eq!(
            parsed["moreInfo"],
            "https://www.twilio.com/docs/errors/60200"
        );
    }
}
