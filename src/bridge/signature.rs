//! Twilio's request signature (`X-Twilio-Signature`), which the Functions gateway checks for a
//! *protected* Function. RSA's plug-in cannot send custom headers, so a protected Function always
//! refuses it; the harness checks the signature in front of every bridge kind so a scenario can
//! show that (twilio-run does not enforce protection locally).
//!
//! The signature is base64(HMAC-SHA1(auth token, URL + each POST parameter's name and value,
//! sorted by name)).

use base64::Engine;

use crate::plugin::encode::form_decode;
use crate::wire::server::{json_error, IncomingRequest, Reply};

/// The signature Twilio computes for `url` and the form `params`.
pub fn compute(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut data = url.to_string();
    for (k, v) in sorted {
        data.push_str(k);
        data.push_str(v);
    }
    let key = ring::hmac::Key::new(
        ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
        auth_token.as_bytes(),
    );
    let tag = ring::hmac::sign(&key, data.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(tag.as_ref())
}

/// The gateway's answer when a protected Function's request is not signed correctly: `None` lets
/// the request through. `public_url` is the URL as the caller used it (scheme, host, path, query).
pub fn gate(req: &IncomingRequest, auth_token: &str, public_url: &str) -> Option<Reply> {
    let Some(given) = req.header("x-twilio-signature") else {
        return Some(json_error(
            400,
            "this Function is protected: the request carries no X-Twilio-Signature (RSA's HTTP plug-in cannot send one)",
        ));
    };
    let is_form = req
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    let params = if is_form {
        form_decode(&String::from_utf8_lossy(&req.body))
    } else {
        Vec::new()
    };
    let expected = compute(auth_token, public_url, &params);
    // Constant time: a timing side channel must not help forge a signature.
    let same = subtle::ConstantTimeEq::ct_eq(given.as_bytes(), expected.as_bytes());
    if bool::from(same) {
        None
    } else {
        Some(json_error(
            400,
            "this Function is protected: X-Twilio-Signature is not valid",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(signature: Option<&str>) -> IncomingRequest {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            "content-type",
            "application/x-www-form-urlencoded".parse().unwrap(),
        );
        headers.insert("host", "demo.twil.io".parse().unwrap());
        if let Some(s) = signature {
            headers.insert("x-twilio-signature", s.parse().unwrap());
        }
        IncomingRequest {
            method: http::Method::POST,
            uri: "/fn".parse().unwrap(),
            headers,
            body: bytes::Bytes::from_static(b"To=%2B61412345678&Channel=sms"),
            peer: "127.0.0.1:1".parse().unwrap(),
        }
    }

    #[test]
    fn a_correctly_signed_request_passes_and_anything_else_gets_400() {
        let params = vec![
            ("To".to_string(), "+61412345678".to_string()),
            ("Channel".to_string(), "sms".to_string()),
        ];
        let good = compute("tok", "https://demo.twil.io/fn", &params);
        assert!(gate(&request(Some(&good)), "tok", "https://demo.twil.io/fn").is_none());
        let forged = gate(
            &request(Some("AAAAAAAAAAAAAAAAAAAAAAAAAAA=")),
            "tok",
            "https://demo.twil.io/fn",
        );
        assert_eq!(forged.map(|r| r.status().as_u16()), Some(400));
        let unsigned = gate(&request(None), "tok", "https://demo.twil.io/fn");
        assert_eq!(unsigned.map(|r| r.status().as_u16()), Some(400));
    }

    #[test]
    fn computes_the_signature_of_twilios_documented_example() {
        // The example of Twilio's security documentation (auth token 12345).
        let params: Vec<(String, String)> = [
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+12349013030"),
            ("Digits", "1234"),
            ("From", "+12349013030"),
            ("To", "+18005551212"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(
            compute(
                "12345",
                "https://mycompany.com/myapp.php?foo=1&bar=2",
                &params
            ),
            // The value Twilio's own Node library (getExpectedTwilioSignature) computes for it.
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        );
    }
}
