//! The `[tls]` table of a scenario file: how the simulated PKI is made.

use serde::Deserialize;

/// Key algorithm for every generated certificate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
pub enum KeyType {
    /// ECDSA on P-256 with SHA-256 (what the JDK table was measured with).
    #[default]
    #[serde(rename = "ecdsa_p256", alias = "p256", alias = "ecdsa-p256")]
    EcdsaP256,
    /// ECDSA on P-384 with SHA-384.
    #[serde(rename = "ecdsa_p384", alias = "p384", alias = "ecdsa-p384")]
    EcdsaP384,
    /// RSA 2048 with SHA-256. Accepted by the parser so the error can say why it is refused:
    /// the `ring` backend cannot generate RSA keys.
    #[serde(rename = "rsa2048", alias = "rsa-2048", alias = "rsa")]
    Rsa2048,
}

impl KeyType {
    /// The name used in scenario files.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyType::EcdsaP256 => "ecdsa_p256",
            KeyType::EcdsaP384 => "ecdsa_p384",
            KeyType::Rsa2048 => "rsa2048",
        }
    }
}

/// The `[tls]` table of a scenario: how the chain is made. Every field is optional.
///
/// Validity windows are in days relative to the simulated clock at generation time: a certificate
/// is valid from `now - *_days_before` to `now + *_days_after`. Event certificates (expired,
/// not yet valid, ...) derive their windows from these (see [`super::events`]).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PkiSpec {
    /// Host name on the leaf (default: the Base URL's host).
    pub leaf_host: Option<String>,
    /// Seed for names (the `O=` of every subject) and serial numbers; same seed, same structure.
    /// Keys are random on every run (ring cannot derive keys from a seed).
    pub seed: String,
    /// Key algorithm: `ecdsa_p256` (default), `ecdsa_p384`; `rsa2048` is refused with an explanation.
    pub key: KeyType,
    /// Root: days valid before the clock.
    pub root_days_before: i64,
    /// Root: days valid after the clock.
    pub root_days_after: i64,
    /// Intermediate: days valid before the clock.
    pub intermediate_days_before: i64,
    /// Intermediate: days valid after the clock.
    pub intermediate_days_after: i64,
    /// Leaf: days valid before the clock.
    pub leaf_days_before: i64,
    /// Leaf: days valid after the clock.
    pub leaf_days_after: i64,
}

impl Default for PkiSpec {
    fn default() -> Self {
        PkiSpec {
            leaf_host: None,
            seed: "rsa-verify-sim".to_string(),
            key: KeyType::EcdsaP256,
            root_days_before: 30,
            root_days_after: 3650,
            intermediate_days_before: 30,
            intermediate_days_after: 1825,
            leaf_days_before: 1,
            leaf_days_after: 90,
        }
    }
}

impl PkiSpec {
    /// Checks that every window is non-empty and not absurdly long (time arithmetic stays in range).
    pub fn check(&self) -> Result<(), String> {
        const MAX_DAYS: i64 = 365 * 200;
        for (what, before, after) in [
            ("root", self.root_days_before, self.root_days_after),
            (
                "intermediate",
                self.intermediate_days_before,
                self.intermediate_days_after,
            ),
            ("leaf", self.leaf_days_before, self.leaf_days_after),
        ] {
            if before.abs() > MAX_DAYS || after.abs() > MAX_DAYS {
                return Err(format!(
                    "{what}_days_before/{what}_days_after must be within {MAX_DAYS} days"
                ));
            }
            if before + after <= 0 {
                return Err(format!(
                    "{what} validity window is empty: {what}_days_before = {before} and {what}_days_after = {after} (their sum must be positive)"
                ));
            }
        }
        if self.seed.is_empty() {
            return Err("seed must not be empty".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_an_empty_table_to_the_defaults_and_rejects_unknown_fields() {
        let spec: PkiSpec = toml::from_str("").unwrap();
        assert_eq!(spec, PkiSpec::default());
        let spec: PkiSpec = toml::from_str("key = \"rsa2048\"\nleaf_days_after = 10").unwrap();
        assert_eq!(spec.key, KeyType::Rsa2048);
        assert_eq!(spec.leaf_days_after, 10);
        let err = toml::from_str::<PkiSpec>("leaf_days = 3").unwrap_err();
        assert!(err.to_string().contains("unknown field"), "{err}");
    }

    #[test]
    fn an_empty_window_is_refused() {
        let spec = PkiSpec {
            leaf_days_before: 0,
            leaf_days_after: 0,
            ..PkiSpec::default()
        };
        assert!(spec.check().unwrap_err().contains("leaf validity window"));
    }
}
