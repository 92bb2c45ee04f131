//! The plug-in's trust store: one imported certificate, decided like the JDK's PKIX trust manager.
//! (Skeleton: the issue-4 implementation replaces the bodies; signatures are the contract.)

use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use serde::Serialize;
use time::OffsetDateTime;

use crate::clock::SimClock;

/// Why the trust store refused a server.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct TrustRejection {
    /// The JDK's exception text (root cause), as it appears in a Java stack trace.
    pub java_message: String,
    /// What happened in plain words and what to change.
    pub diagnosis: String,
}

/// Decides whether RSA would accept `presented` (leaf first) for `host` at `at`.
pub fn decide(
    imported: Option<&CertificateDer<'_>>,
    presented: &[CertificateDer<'_>],
    host: &str,
    at: OffsetDateTime,
    check_hostname: bool,
) -> Result<(), TrustRejection> {
    let _ = (presented, host, at, check_hostname);
    match imported {
        Some(_) => Ok(()),
        None => Err(TrustRejection {
            java_message: "PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target".into(),
            diagnosis: "no certificate is imported".into(),
        }),
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

    /// The reason for the most recent refusal, if any.
    pub fn last_rejection(&self) -> Option<TrustRejection> {
        self.last_rejection
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
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
            Ok(()) => Ok(ServerCertVerified::assertion()),
            Err(rejection) => {
                let message = rejection.java_message.clone();
                *self
                    .last_rejection
                    .lock()
                    .unwrap_or_else(|e| e.into_inner()) = Some(rejection);
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
