//! The mobile number as `$msg.address` renders it.
//! (Skeleton: the issue-2/3 implementation replaces the body; the signature is the contract.)

/// A mobile number the console would not accept.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct AddressError {
    pub message: String,
}

/// Reduces a stored mobile number to digits, prepending the default country code when the stored
/// number has no `+`.
pub fn normalise(
    raw: &str,
    default_country_code: Option<&str>,
    drop_trunk_zero: bool,
) -> Result<String, AddressError> {
    let _ = (default_country_code, drop_trunk_zero);
    Ok(raw.chars().filter(|c| c.is_ascii_digit()).collect())
}
