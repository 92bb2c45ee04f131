//! HTTP Basic authentication with the account SID and auth token, or an API key and its secret.
//! Comparisons are constant-time; credentials are never logged.

use base64::Engine;
use subtle::ConstantTimeEq;

use super::config::VerifyConfig;

fn same(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// Whether an `Authorization` header value grants access.
pub fn authorized(header: Option<&str>, config: &VerifyConfig) -> bool {
    let Some(value) = header else {
        return false;
    };
    let Some((scheme, encoded)) = value.trim().split_once(' ') else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return false;
    }
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else {
        return false;
    };
    let Ok(decoded) = String::from_utf8(decoded) else {
        return false;
    };
    let Some((user, pass)) = decoded.split_once(':') else {
        return false;
    };
    let mut ok = same(user, &config.account_sid) & same(pass, &config.auth_token);
    for (sid, secret) in &config.api_keys {
        ok |= same(user, sid) & same(pass, secret);
    }
    ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(user: &str, pass: &str) -> String {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
        )
    }

    #[test]
    fn the_account_token_and_an_api_key_authenticate_and_nothing_else_does() {
        let c = VerifyConfig::default();
        assert!(authorized(Some(&basic(&c.account_sid, &c.auth_token)), &c));
        let (sk, secret) = c.api_keys[0].clone();
        assert!(authorized(Some(&basic(&sk, &secret)), &c));
        assert!(!authorized(Some(&basic(&sk, &c.auth_token)), &c));
        assert!(!authorized(Some(&basic(&c.account_sid, "nope")), &c));
        assert!(!authorized(Some("Bearer x"), &c));
        assert!(!authorized(Some("Basic !!!"), &c));
        assert!(!authorized(None, &c));
    }
}
