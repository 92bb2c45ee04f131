//! The plug-in's trust store: one imported certificate, decided like the JDK's PKIX trust manager.
//!
//! RSA Authentication Manager keeps the certificate an administrator imported on the SMS
//! configuration page as the only trusted entry of its HTTPS client. [`decide`] answers what the
//! JDK (measured with OpenJDK 17) answers for such a trust store:
//! - the imported certificate *is* the server's leaf: trusted, with no date check at all; the host
//!   name check still applies;
//! - it is a CA: a path leaf -> presented intermediates -> imported certificate must exist (missing
//!   intermediates are not fetched), and every certificate below the imported one must be within
//!   its dates; the imported certificate's own dates do not matter;
//! - then the host name must match the leaf's DNS subject alternative names.
//!
//! The JDK's route through the chain (validate the presented chain vs build a path) decides which
//! exception text appears; [`pkix`] follows it so the texts match RSA's logs. [`PinnedVerifier`]
//! plugs the decision into rustls at the simulated time and keeps the last refusal for the report.

mod diagnose;
mod hostname;
pub mod java;
mod pkix;

use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use serde::Serialize;
use time::OffsetDateTime;

use crate::clock::SimClock;
use crate::pki::info::{summarize, CertSummary};

/// Why the trust store refused a server.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct TrustRejection {
    /// The JDK's exception chain as it appears in a Java stack trace, laid out as described in
    /// [`java`]: e.g. `javax.net.ssl.SSLHandshakeException: PKIX path validation failed:
    /// java.security.cert.CertPathValidatorException: validity check failed (caused by
    /// java.security.cert.CertificateExpiredException: NotAfter: Tue Jan 14 09:00:00 UTC 2026)`.
    pub java_message: String,
    /// What happened in plain words, naming the certificates, and what to change.
    pub diagnosis: String,
}

/// The class of a refusal, for reports and expectations.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RejectionKind {
    /// Nothing is imported: RSA does not make the HTTPS connection.
    NoCertificateImported,
    /// A certificate could not be parsed.
    Unreadable,
    /// `PKIX path building failed`: no path to the imported certificate.
    PathBuilding,
    /// `validity check failed`: a certificate below the imported one is out of date.
    Validity,
    /// Another `PKIX path validation failed` (signature, basic constraints, key usage).
    PathValidation,
    /// The leaf's (extended) key usage does not allow a TLS server.
    EndEntity,
    /// The host name is not on the leaf.
    Hostname,
}

/// Everything [`decide`] found out, for `pin-check` and reports.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Assessment {
    /// Whether RSA would accept the server.
    pub accepted: bool,
    /// The leaf is the imported certificate itself (trusted with no date check).
    pub pinned_leaf: bool,
    /// The certificates checked below the imported one, leaf first (empty for a pinned leaf or
    /// when no path was found).
    pub path: Vec<CertSummary>,
    /// Why not, when not accepted.
    pub rejection: Option<TrustRejection>,
    /// The class of the refusal, when not accepted.
    pub kind: Option<RejectionKind>,
}

impl Assessment {
    fn rejected(kind: RejectionKind, java_message: String, diagnosis: String) -> Self {
        Assessment {
            accepted: false,
            pinned_leaf: false,
            path: Vec::new(),
            rejection: Some(TrustRejection {
                java_message,
                diagnosis,
            }),
            kind: Some(kind),
        }
    }
}

/// Decides whether RSA would accept `presented` (leaf first) for `host` at `at`.
pub fn decide(
    imported: Option<&CertificateDer<'_>>,
    presented: &[CertificateDer<'_>],
    host: &str,
    at: OffsetDateTime,
    check_hostname: bool,
) -> Result<(), TrustRejection> {
    match assess(imported, presented, host, at, check_hostname).rejection {
        None => Ok(()),
        Some(r) => Err(r),
    }
}

/// [`decide`] with the details: the checked path and the class of a refusal.
pub fn assess(
    imported: Option<&CertificateDer<'_>>,
    presented: &[CertificateDer<'_>],
    host: &str,
    at: OffsetDateTime,
    check_hostname: bool,
) -> Assessment {
    let Some(imported) = imported else {
        return Assessment::rejected(
            RejectionKind::NoCertificateImported,
            "javax.net.ssl.SSLException: java.lang.RuntimeException: Unexpected error: java.security.InvalidAlgorithmParameterException: the trustAnchors parameter must be non-empty".into(),
            "no certificate imported: RSA disables the HTTPS connection to the SMS provider until a certificate is imported; import the root or intermediate CA certificate of the Base URL's server (or its current leaf) on the SMS configuration page".into(),
        );
    };
    let anchor = match pkix::Parsed::new(imported) {
        Ok(a) => a,
        Err(e) => {
            return Assessment::rejected(
                RejectionKind::Unreadable,
                format!("java.security.cert.CertificateParsingException: {e}"),
                format!("the imported certificate cannot be read ({e}); import a PEM or DER X.509 certificate"),
            )
        }
    };
    let mut parsed = Vec::with_capacity(presented.len());
    for (i, der) in presented.iter().enumerate() {
        match pkix::Parsed::new(der) {
            Ok(p) => parsed.push(p),
            Err(e) => {
                return Assessment::rejected(
                    RejectionKind::Unreadable,
                    java::handshake(
                        &format!("java.security.cert.CertificateParsingException: {e}"),
                        None,
                    ),
                    format!(
                        "certificate {} presented by the server cannot be read ({e})",
                        i + 1
                    ),
                )
            }
        }
    }
    let summaries: Vec<CertSummary> = presented
        .iter()
        .filter_map(|c| summarize(c.as_ref()).ok())
        .collect();
    let anchor_summary = summarize(imported.as_ref()).ok();
    let ctx = diagnose::Context {
        anchor: anchor_summary.as_ref(),
        presented: &summaries,
        host,
        at,
    };

    let trusted = match pkix::check(&anchor, &parsed, at) {
        Ok(t) => t,
        Err(failure) => {
            let (kind, java_message, diagnosis) = diagnose::failure(&ctx, &failure);
            return Assessment::rejected(kind, java_message, diagnosis);
        }
    };
    let path = trusted
        .path
        .iter()
        .filter_map(|&i| summaries.get(i).cloned())
        .collect();
    if check_hostname {
        if let Some(leaf) = parsed.first() {
            if let Err(message) = hostname::check(host, &leaf.x509) {
                let mut a = Assessment::rejected(
                    RejectionKind::Hostname,
                    java::handshake(
                        &message,
                        Some(&format!("{}: {message}", java::CERTIFICATE_EXCEPTION)),
                    ),
                    diagnose::hostname(&ctx, trusted.pinned_leaf),
                );
                a.pinned_leaf = trusted.pinned_leaf;
                a.path = path;
                return a;
            }
        }
    }
    Assessment {
        accepted: true,
        pinned_leaf: trusted.pinned_leaf,
        path,
        rejection: None,
        kind: None,
    }
}

/// A rustls verifier that applies [`decide`] at the simulated time and remembers the last rejection.
#[derive(Debug)]
pub struct PinnedVerifier {
    imported: Option<CertificateDer<'static>>,
    clock: SimClock,
    check_hostname: bool,
    last_rejection: Mutex<Option<TrustRejection>>,
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl PinnedVerifier {
    /// A verifier trusting only `imported` (none: every server is refused), dates from `clock`.
    pub fn new(
        imported: Option<CertificateDer<'static>>,
        clock: SimClock,
        check_hostname: bool,
    ) -> Arc<Self> {
        Arc::new(Self {
            imported,
            clock,
            check_hostname,
            last_rejection: Mutex::new(None),
            provider: Arc::new(rustls::crypto::ring::default_provider()),
        })
    }

    /// The reason for the most recent refusal, if any (cleared by the next accepted handshake).
    pub fn last_rejection(&self) -> Option<TrustRejection> {
        self.last_rejection
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn remember(&self, rejection: Option<TrustRejection>) {
        *self
            .last_rejection
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = rejection;
    }
}

impl ServerCertVerifier for PinnedVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        // `_now` is the wall clock; the simulation's time is the SimClock's.
        let mut presented = vec![end_entity.clone()];
        presented.extend(intermediates.iter().cloned());
        let host = server_name.to_str();
        match decide(
            self.imported.as_ref(),
            &presented,
            &host,
            self.clock.now(),
            self.check_hostname,
        ) {
            Ok(()) => {
                self.remember(None);
                Ok(ServerCertVerified::assertion())
            }
            Err(rejection) => {
                let message = rejection.java_message.clone();
                self.remember(Some(rejection));
                Err(rustls::Error::General(message))
            }
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests;
