//! The mobile number as `$msg.address` renders it.
//!
//! The console's rules for a stored number: it may begin with `+`, may contain the separators
//! `.` `-` `(` `)` and blanks, must contain no letters or other characters, and must end with a
//! digit. A number stored without `+` has no country code: the default country code is prepended,
//! and without one the number cannot be used. `$msg.address` is the result as digits only, with no
//! `+` (RSA's own examples need `${plus}$msg.address` to send a `+`).
//!
//! Unconfirmed, so a quirk: whether a trunk `0` (`0412 345 678` in Australia) is dropped before the
//! country code is prepended (`Quirks::drop_trunk_zero`, default false).

/// A mobile number the console would not accept.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct AddressError {
    /// What is wrong, naming what was found and where.
    pub message: String,
}

const RULE: &str =
    "must contain only digits, optionally a leading +, and separators . - ( ) or blank";

fn is_separator(c: char) -> bool {
    matches!(c, '.' | '-' | '(' | ')' | ' ' | '\t')
}

fn err(message: String) -> AddressError {
    AddressError { message }
}

/// Checks a default country code and returns its digits (a leading `+` is tolerated).
pub fn country_code_digits(code: &str) -> Result<String, AddressError> {
    let trimmed = code.trim();
    let digits = trimmed.strip_prefix('+').unwrap_or(trimmed);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(err(format!(
            "The default country code {code:?} must be 1 to 3 digits (for example 61), found {}",
            if digits.is_empty() {
                "no digits".to_string()
            } else {
                format!("{digits:?}")
            }
        )));
    }
    if digits.len() > 3 {
        return Err(err(format!(
            "The default country code {code:?} must be 1 to 3 digits (for example 61), found {} digits",
            digits.len()
        )));
    }
    Ok(digits.to_string())
}

/// Reduces a stored mobile number to digits, prepending the default country code when the stored
/// number has no `+`.
pub fn normalise(
    raw: &str,
    default_country_code: Option<&str>,
    drop_trunk_zero: bool,
) -> Result<String, AddressError> {
    let trimmed = raw.trim_matches(|c: char| c == ' ' || c == '\t');
    if trimmed.is_empty() {
        return Err(err(format!(
            "The mobile number is empty (found {raw:?}); it {RULE}"
        )));
    }
    let (has_plus, rest) = match trimmed.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let mut digits = String::new();
    // Character positions are reported 1-based in the stored value, as a person counts them.
    let offset = raw.chars().count() - raw.trim_start_matches([' ', '\t']).chars().count()
        + usize::from(has_plus);
    for (i, c) in rest.chars().enumerate() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if !is_separator(c) {
            let what = if c == '+' {
                "a `+` that is not at the start".to_string()
            } else if c.is_alphabetic() {
                format!("the letter {c:?}")
            } else {
                format!("the character {c:?}")
            };
            return Err(err(format!(
                "The mobile number {raw:?} {RULE}; found {what} at character {}",
                offset + i + 1
            )));
        }
    }
    if let Some(last) = trimmed.chars().last() {
        if !last.is_ascii_digit() {
            return Err(err(format!(
                "The mobile number {raw:?} must end with a digit; it ends with {last:?}"
            )));
        }
    }
    if has_plus {
        return Ok(digits);
    }
    match default_country_code.map(str::trim).filter(|c| !c.is_empty()) {
        None => Err(err(format!(
            "The mobile number {raw:?} has no country code (it does not start with +) and no default \
             country code set"
        ))),
        Some(code) => {
            let code = country_code_digits(code)?;
            let national = if drop_trunk_zero {
                digits.strip_prefix('0').unwrap_or(&digits)
            } else {
                &digits
            };
            Ok(format!("{code}{national}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_and_the_leading_plus_are_removed() {
        assert_eq!(
            normalise(" +61 (4) 12.345-678 ", None, false).unwrap(),
            "61412345678"
        );
    }

    #[test]
    fn a_number_without_plus_gets_the_default_country_code() {
        assert_eq!(
            normalise("0412 345 678", Some("61"), false).unwrap(),
            "610412345678"
        );
        assert_eq!(
            normalise("0412 345 678", Some("61"), true).unwrap(),
            "61412345678"
        );
        assert_eq!(
            normalise("+44 7700 900123", Some("61"), true).unwrap(),
            "447700900123"
        );
    }

    #[test]
    fn a_number_without_plus_and_without_a_default_code_is_rejected() {
        let e = normalise("07700 900123", None, false).unwrap_err();
        assert_eq!(
            e.message,
            "The mobile number \"07700 900123\" has no country code (it does not start with +) and no \
             default country code set"
        );
    }

    #[test]
    fn letters_are_rejected_naming_the_first_one_and_where() {
        let e = normalise("+1 555 CALL NOW", None, false).unwrap_err();
        assert_eq!(
            e.message,
            "The mobile number \"+1 555 CALL NOW\" must contain only digits, optionally a leading +, \
             and separators . - ( ) or blank; found the letter 'C' at character 8"
        );
    }

    #[test]
    fn a_plus_in_the_middle_and_a_trailing_separator_are_rejected() {
        let e = normalise("61+412", Some("61"), false).unwrap_err();
        assert!(
            e.message
                .contains("a `+` that is not at the start at character 3"),
            "{}",
            e.message
        );
        let e = normalise("+61 412-", None, false).unwrap_err();
        assert!(
            e.message
                .ends_with("must end with a digit; it ends with '-'"),
            "{}",
            e.message
        );
        assert!(normalise("   ", None, false).is_err());
        assert!(normalise("+", None, false).is_err());
    }

    #[test]
    fn a_bad_default_country_code_is_named() {
        let e = normalise("0412", Some("AU"), false).unwrap_err();
        assert!(e.message.contains("found \"AU\""), "{}", e.message);
        assert_eq!(normalise("412", Some("+61"), false).unwrap(), "61412");
    }
}
