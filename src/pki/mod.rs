//! The simulated PKI: every certificate a scenario can serve or import, and the tools around it.
//!
//! How the parts fit:
//! - [`spec`]: the `[tls]` table of a scenario ([`PkiSpec`]): seed, key type, validity windows, host.
//! - [`chain`]: turns a spec into concrete certificates with rcgen: the base chain
//!   `root -> intermediate -> leaf` plus every lifecycle event of [`events`] (a re-issued leaf, an
//!   expired intermediate, a new root, ...), each stored under its own name in one [`Pki`].
//! - [`events`]: the catalogue of lifecycle events: which named certificates each adds and which chain
//!   a server would present after it.
//! - [`info`]: reading certificates back (subject, SHA-256 fingerprint, dates, DNS names) and printing
//!   dates the way Java does, for messages and diagnoses.
//! - [`files`]: writing a PKI to a directory for the `certs` command (atomic, keys 0600).
//! - [`pem`]: loading PEM/DER files with errors that name the file and what was wrong.
//! - [`tls`]: rustls server/client configurations serving a chain and trusting through
//!   [`crate::plugin::trust::PinnedVerifier`] (the plug-in's one-certificate Java trust store).
//! - [`pincheck`]: the library side of `rsa-verify-sim pin-check`: would RSA accept this served chain
//!   with this imported certificate, why, and when does that answer change?
//!
//! Dates are always taken from the caller (the scenario's [`crate::clock::SimClock`]), never from the
//! wall clock, so a scenario can ask what happens "in 400 days" today.

pub mod chain;
pub mod events;
pub mod files;
pub mod info;
pub mod pem;
pub mod pincheck;
pub mod spec;
pub mod tls;

use std::collections::BTreeMap;

use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use time::OffsetDateTime;

pub use spec::{KeyType, PkiSpec};
pub use tls::{client_config, server_config};

/// One generated certificate with its private key.
#[derive(Clone, Debug)]
pub struct Issued {
    /// Name in the scenario (`root`, `intermediate`, `leaf`, `leaf_reissued`, ...).
    pub name: String,
    /// The certificate, DER.
    pub der: CertificateDer<'static>,
    /// The certificate, PEM (`-----BEGIN CERTIFICATE-----`).
    pub pem: String,
    /// PKCS#8 private key. A secret: never printed.
    pub key_pkcs8: Vec<u8>,
    /// First instant the certificate is valid (whole seconds, as encoded in the certificate).
    pub not_before: OffsetDateTime,
    /// Last instant the certificate is valid (inclusive, as Java and webpki treat it).
    pub not_after: OffsetDateTime,
}

impl Issued {
    /// The private key in the form rustls wants.
    pub fn private_key(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key_pkcs8.clone()))
    }

    /// The private key as a PEM `PRIVATE KEY` block, for writing to a 0600 file.
    pub fn key_pem(&self) -> String {
        pem::encode_block("PRIVATE KEY", &self.key_pkcs8)
    }
}

/// A failure to build certificates or to use them.
#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    /// rcgen refused to make a certificate or key.
    #[error("could not generate certificate {name:?}: {source}")]
    Generate {
        /// The certificate being made.
        name: String,
        /// What rcgen said.
        source: rcgen::Error,
    },
    /// The requested key type cannot be generated with the crypto backend in use.
    #[error("{0}")]
    UnsupportedKey(String),
    /// The `[tls]` table is inconsistent (for example a validity window that ends before it starts).
    #[error("invalid [tls] settings: {0}")]
    Spec(String),
    /// A certificate name that this PKI does not hold.
    #[error("unknown certificate {name:?}; known certificates: {}", known.join(", "))]
    UnknownCertificate {
        /// The name asked for.
        name: String,
        /// Every name the PKI holds, sorted.
        known: Vec<String>,
    },
    /// An empty chain was asked for.
    #[error("a served chain needs at least one certificate (the leaf)")]
    EmptyChain,
    /// rustls refused the certificate/key combination.
    #[error("could not build a TLS configuration: {0}")]
    Tls(String),
}

/// Every certificate of a scenario, by name.
#[derive(Clone, Debug, Default)]
pub struct Pki {
    certs: BTreeMap<String, Issued>,
    host: String,
}

impl Pki {
    /// Builds `root -> intermediate -> leaf` for `host` (or `spec.leaf_host`) plus every lifecycle
    /// event certificate (see [`events::EVENTS`]), with validity windows relative to `now`.
    pub fn generate(host: &str, spec: &PkiSpec, now: OffsetDateTime) -> Result<Pki, PkiError> {
        let host = spec.leaf_host.as_deref().unwrap_or(host);
        let certs = chain::generate_all(host, spec, now)?;
        Ok(Pki {
            certs: certs.into_iter().map(|c| (c.name.clone(), c)).collect(),
            host: host.to_string(),
        })
    }

    /// A certificate by name.
    pub fn get(&self, name: &str) -> Option<&Issued> {
        self.certs.get(name)
    }

    /// A certificate by name, or an error listing the names that exist.
    pub fn require(&self, name: &str) -> Result<&Issued, PkiError> {
        self.get(name).ok_or_else(|| PkiError::UnknownCertificate {
            name: name.to_string(),
            known: self.names(),
        })
    }

    /// Every certificate name, sorted.
    pub fn names(&self) -> Vec<String> {
        self.certs.keys().cloned().collect()
    }

    /// The host name on the leaf certificates (`leaf_wrong_host` excepted).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The DER certificates for `names`, in that order (leaf first for a served chain).
    pub fn chain(&self, names: &[&str]) -> Result<Vec<CertificateDer<'static>>, PkiError> {
        names
            .iter()
            .map(|n| self.require(n).map(|c| c.der.clone()))
            .collect()
    }

    /// A rustls server configuration presenting `names` (leaf first) with the first one's key.
    pub fn server_config_for(
        &self,
        names: &[&str],
    ) -> Result<std::sync::Arc<rustls::ServerConfig>, PkiError> {
        let first = names.first().ok_or(PkiError::EmptyChain)?;
        let key = self.require(first)?.private_key();
        server_config(self.chain(names)?, key)
    }
}
