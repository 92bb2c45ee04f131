//! Form encoding as RSA AM's Java code does it, and form decoding as a server does it.
//!
//! Substituted values are encoded like `java.net.URLEncoder.encode(value, "UTF-8")`: `A-Z a-z 0-9
//! . - * _` are kept, a space becomes `+`, every other byte of the UTF-8 encoding becomes `%XX`
//! (upper-case hex).

use serde::{Deserialize, Serialize};

/// How the Parameters template is split into pairs (see `Quirks::splitting`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Splitting {
    /// Split the literal template on `&` and `=` first, then substitute and encode values (default).
    #[default]
    Strict,
    /// Substitute first, then split: reserved characters inside values corrupt the pairs.
    Naive,
}

/// `java.net.URLEncoder.encode(value, "UTF-8")`.
pub fn url_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'*' | b'_' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Decodes an `application/x-www-form-urlencoded` string into ordered pairs, the way servers
/// (Node's querystring, Express, WHATWG URLSearchParams) do: `+` is a space, `%XX` is a byte, a
/// malformed escape is kept literally, a pair without `=` has an empty value.
pub fn form_decode(input: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(input.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_exactly_like_java_url_encoder() {
        assert_eq!(url_encode("+61 4&b=c ü~*"), "%2B61+4%26b%3Dc+%C3%BC%7E*");
    }

    #[test]
    fn decodes_a_literal_plus_as_a_space() {
        assert_eq!(
            form_decode("To=+61412345678&x"),
            vec![
                ("To".to_string(), " 61412345678".to_string()),
                ("x".to_string(), String::new())
            ]
        );
    }
}
