//! Validation and normalisation of the `To` parameter.

use super::errors::TwilioError;

/// Normalises a phone `To` to E.164 (`+` and 8 to 15 digits).
///
/// `+` followed by 8–15 digits is E.164. With `lenient`, 8–15 digits without `+` are taken as
/// `+digits` (the RSA integration guide sends no `+`; that Twilio accepts this is unconfirmed).
/// Anything else (a leading space from an unencoded `+`, letters, punctuation) is `None`.
pub fn normalize_phone(raw: &str, lenient: bool) -> Option<String> {
    let digits = match raw.strip_prefix('+') {
        Some(rest) => rest,
        None if lenient => raw,
        None => return None,
    };
    let ok = (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| format!("+{digits}"))
}

/// Whether `raw` looks like an e-mail address (`local@domain.tld`, no spaces).
pub fn is_email(raw: &str) -> bool {
    let Some((local, domain)) = raw.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !raw.chars().any(char::is_whitespace)
}

/// Validates `To` for `channel`; the value echoed in bodies (E.164 with `+`, or the address).
pub fn normalize_to(raw: &str, channel: &str, lenient: bool) -> Result<String, TwilioError> {
    let normalised = if channel == "email" {
        is_email(raw).then(|| raw.to_string())
    } else {
        normalize_phone(raw, lenient)
    };
    normalised.ok_or_else(|| TwilioError::invalid_parameter("To"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e164_with_plus_is_kept() {
        assert_eq!(
            normalize_phone("+61412345678", false).as_deref(),
            Some("+61412345678")
        );
    }

    #[test]
    fn bare_digits_gain_a_plus_only_when_lenient() {
        assert_eq!(
            normalize_phone("61412345678", true).as_deref(),
            Some("+61412345678")
        );
        assert_eq!(normalize_phone("61412345678", false), None);
    }

    #[test]
    fn a_leading_space_letters_or_wrong_lengths_are_rejected() {
        for bad in [
            " 61412345678",
            "+6141234567a",
            "+1234567",
            "+1234567890123456",
            "",
            "+",
        ] {
            assert_eq!(normalize_phone(bad, true), None, "{bad:?}");
        }
    }

    #[test]
    fn email_addresses_are_checked_loosely() {
        assert!(is_email("a.b@example.com"));
        assert!(!is_email("a b@example.com"));
        assert!(!is_email("@example.com"));
        assert!(!is_email("ab@example"));
    }
}
