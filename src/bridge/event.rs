//! The Function's `event`: query string and body merged, body keys winning.

use crate::plugin::encode::form_decode;
use crate::wire::server::IncomingRequest;

/// Builds the event as Twilio's runtime does. Returns an error message for a body that is
/// neither a form nor JSON object (the runtime would answer 400).
pub fn from_request(req: &IncomingRequest) -> Result<Vec<(String, String)>, String> {
    let mut event: Vec<(String, String)> = req.uri.query().map(form_decode).unwrap_or_default();
    if req.body.is_empty() {
        return Ok(event);
    }
    let content_type = req
        .header("content-type")
        .unwrap_or("")
        .to_ascii_lowercase();
    let body_fields = if content_type.starts_with("application/json") {
        json_fields(&req.body)?
    } else if content_type.starts_with("application/x-www-form-urlencoded")
        || content_type.is_empty()
    {
        let text = std::str::from_utf8(&req.body)
            .map_err(|_| "the form body is not valid UTF-8".to_string())?;
        form_decode(text)
    } else {
        return Err(format!(
            "unsupported Content-Type {content_type:?}: expected application/x-www-form-urlencoded or application/json"
        ));
    };
    for (k, v) in body_fields {
        event.retain(|(existing, _)| *existing != k);
        event.push((k, v));
    }
    Ok(event)
}

fn json_fields(body: &[u8]) -> Result<Vec<(String, String)>, String> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("the JSON body does not parse: {e}"))?;
    let object = value
        .as_object()
        .ok_or_else(|| "the JSON body must be an object".to_string())?;
    Ok(object
        .iter()
        .map(|(k, v)| {
            let text = match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k.clone(), text)
        })
        .collect())
}

/// The value of an event field, as the Function reads `event.Name`.
pub fn get<'a>(event: &'a [(String, String)], name: &str) -> Option<&'a str> {
    event
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn request(uri: &str, content_type: &str, body: &str) -> IncomingRequest {
        let mut headers = http::HeaderMap::new();
        if !content_type.is_empty() {
            headers.insert("content-type", content_type.parse().unwrap());
        }
        IncomingRequest {
            method: http::Method::POST,
            uri: uri.parse().unwrap(),
            headers,
            body: Bytes::from(body.to_string()),
            peer: "127.0.0.1:1".parse().unwrap(),
        }
    }

    #[test]
    fn body_fields_win_over_query_fields() {
        let req = request(
            "/fn?To=1&Channel=sms",
            "application/x-www-form-urlencoded",
            "To=%2B2",
        );
        let event = from_request(&req).unwrap();
        assert_eq!(get(&event, "To"), Some("+2"));
        assert_eq!(get(&event, "Channel"), Some("sms"));
    }

    #[test]
    fn json_bodies_are_read_like_forms() {
        let req = request("/fn", "application/json", r#"{"To":"+61","n":5}"#);
        let event = from_request(&req).unwrap();
        assert_eq!(get(&event, "To"), Some("+61"));
        assert_eq!(get(&event, "n"), Some("5"));
    }

    #[test]
    fn other_content_types_are_refused_with_the_expected_types_named() {
        let err = from_request(&request("/fn", "text/xml", "<a/>")).unwrap_err();
        assert!(
            err.contains("expected application/x-www-form-urlencoded"),
            "{err}"
        );
    }
}
