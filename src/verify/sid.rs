//! Twilio SIDs: a two-letter prefix and 32 lower-case hex digits.

use rand::RngCore;

/// A fresh random SID such as `VE` + 32 lower-case hex (`AC`, `VA`, `VE`, `VL`, `SK`, `RQ`, …).
pub fn new_sid(prefix: &str) -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", hex::encode(bytes))
}

/// Whether `s` is `prefix` followed by exactly 32 hex digits (either case, as the spec allows).
pub fn is_sid(s: &str, prefix: &str) -> bool {
    s.len() == 34 && s.starts_with(prefix) && s[2..].bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_sid_is_the_prefix_and_32_lower_case_hex_digits() {
        let sid = new_sid("VE");
        assert_eq!(sid.len(), 34);
        assert!(is_sid(&sid, "VE"));
        assert_eq!(sid, sid.to_ascii_lowercase().replacen("ve", "VE", 1));
    }

    #[test]
    fn a_sid_with_the_wrong_prefix_or_length_is_not_one() {
        assert!(!is_sid(&new_sid("VA"), "VE"));
        assert!(!is_sid("VE123", "VE"));
    }
}
