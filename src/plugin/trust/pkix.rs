//! The JDK's PKIX decision for a trust store holding one certificate, step by step.
//!
//! `sun.security.validator.PKIXValidator.engineValidate` (JDK 17) first looks at the chain as the
//! server sent it, and only falls back to a path *builder* when that does not lead to the trusted
//! certificate:
//! 1. If the leaf *is* the trusted certificate (same DER), the connection is trusted as is: no
//!    date check at all.
//! 2. Walk up the presented chain while it is ordered (each subject is the previous issuer). If a
//!    certificate above the leaf is trusted (same DER, or same subject name and same public key,
//!    "a CA that updated its certificate"), the part below it is *validated* against it.
//! 3. Otherwise, if the last presented certificate names the trusted certificate as its issuer
//!    (by name only; no signature check here), the whole presented chain is *validated*.
//! 4. Otherwise a path is *built* from the presented certificates; any failure then is reported as
//!    `PKIX path building failed: ... unable to find valid certification path to requested target`,
//!    whatever the underlying reason (an expired certificate included).
//!
//! Validation (`PKIXCertPathValidator`) first picks the anchor by the top certificate's issuer
//! name and authority key identifier, then runs from the certificate under the anchor down to the
//! leaf, and for each: CA key usage, basic constraints / path length, then signature and dates.
//! So with two problems, the one nearest the anchor is reported, as Java does. Building is done by
//! rustls-webpki, which checks the same things (dates of every certificate except the anchor,
//! signatures, basic constraints, path length) and searches among unordered certificates.
//! A validated or built path must end at a CA anchor (`verifyTrustAnchor`); then the JSSE
//! end-entity checker looks at the leaf's extended key usage (never for a trusted leaf).

use rustls_pki_types::{CertificateDer, SignatureVerificationAlgorithm, UnixTime};
use time::OffsetDateTime;
use x509_parser::prelude::{FromDer, ParsedExtension, X509Certificate, X509Version};

use crate::pki::info::to_offset;

/// A presented or imported certificate, parsed.
pub(crate) struct Parsed<'a> {
    pub der: &'a CertificateDer<'a>,
    pub x509: X509Certificate<'a>,
}

impl<'a> Parsed<'a> {
    pub fn new(der: &'a CertificateDer<'a>) -> Result<Self, String> {
        match X509Certificate::from_der(der.as_ref()) {
            Ok((_, x509)) => Ok(Parsed { der, x509 }),
            Err(e) => Err(e.to_string()),
        }
    }

    fn subject(&self) -> &[u8] {
        self.x509.subject().as_raw()
    }

    fn issuer(&self) -> &[u8] {
        self.x509.issuer().as_raw()
    }

    fn spki(&self) -> &[u8] {
        self.x509.public_key().raw
    }

    pub fn not_before(&self) -> OffsetDateTime {
        to_offset(self.x509.validity().not_before.timestamp())
    }

    pub fn not_after(&self) -> OffsetDateTime {
        to_offset(self.x509.validity().not_after.timestamp())
    }

    /// Java's `X509Certificate.getBasicConstraints()`: `None` for a non-CA, `Some(u32::MAX)` for an
    /// unconstrained CA.
    fn ca_path_len(&self) -> Option<u32> {
        match self.x509.basic_constraints() {
            Ok(Some(bc)) if bc.value.ca => Some(bc.value.path_len_constraint.unwrap_or(u32::MAX)),
            _ => None,
        }
    }

    /// The trust store holds this certificate: identical, or the same name with the same key
    /// (the JDK treats a re-signed copy of a trusted CA certificate as trusted, above the leaf).
    fn is_trusted_as(&self, anchor: &Parsed<'_>) -> bool {
        self.der.as_ref() == anchor.der.as_ref()
            || (self.subject() == anchor.subject() && self.spki() == anchor.spki())
    }

    /// The key identifier of the authority key identifier extension, if any.
    fn authority_key_id(&self) -> Option<&[u8]> {
        self.x509
            .iter_extensions()
            .find_map(|e| match e.parsed_extension() {
                ParsedExtension::AuthorityKeyIdentifier(aki) => {
                    aki.key_identifier.as_ref().map(|k| k.0)
                }
                _ => None,
            })
    }

    /// The subject key identifier, if any.
    fn subject_key_id(&self) -> Option<&[u8]> {
        self.x509
            .iter_extensions()
            .find_map(|e| match e.parsed_extension() {
                ParsedExtension::SubjectKeyIdentifier(k) => Some(k.0),
                _ => None,
            })
    }

    /// Whether `issuer`'s public key verifies this certificate's signature.
    fn signed_by(&self, issuer: &Parsed<'_>) -> bool {
        use webpki::ring as alg;
        let algs: &[&dyn SignatureVerificationAlgorithm] = match self
            .x509
            .signature_algorithm
            .algorithm
            .to_id_string()
            .as_str()
        {
            "1.2.840.10045.4.3.2" => &[alg::ECDSA_P256_SHA256, alg::ECDSA_P384_SHA256],
            "1.2.840.10045.4.3.3" => &[alg::ECDSA_P256_SHA384, alg::ECDSA_P384_SHA384],
            "1.2.840.113549.1.1.11" => &[alg::RSA_PKCS1_2048_8192_SHA256],
            "1.2.840.113549.1.1.12" => &[alg::RSA_PKCS1_2048_8192_SHA384],
            "1.2.840.113549.1.1.13" => &[alg::RSA_PKCS1_2048_8192_SHA512],
            "1.3.101.112" => &[alg::ED25519],
            _ => &[],
        };
        let key = &issuer.x509.public_key().subject_public_key.data;
        let tbs = self.x509.tbs_certificate.as_ref();
        let sig = &self.x509.signature_value.data;
        algs.iter()
            .any(|a| a.verify_signature(key, tbs, sig).is_ok())
    }
}

/// Where a date check failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DateProblem {
    /// `CertificateExpiredException: NotAfter: <date>`.
    Expired(OffsetDateTime),
    /// `CertificateNotYetValidException: NotBefore: <date>`.
    NotYetValid(OffsetDateTime),
}

/// Why the chain was refused, before any wording.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// No path from the leaf to the trusted certificate (step 3 above failed).
    Building,
    /// `validity check failed` at presented certificate `index`.
    Validity { index: usize, problem: DateProblem },
    /// Another `CertPathValidatorException` at presented certificate `index`; `reason` is the JDK's
    /// text, `cause` the exception under it if any.
    Validation {
        index: usize,
        reason: &'static str,
        cause: Option<&'static str>,
    },
    /// The JSSE end-entity checker refused the leaf (`message` is the JDK's text).
    EndEntity { message: &'static str },
    /// A path was found but ends at a certificate that may not be an anchor
    /// (`sun.security.validator.ValidatorException`, thrown while building or validating).
    Anchor { building: bool, message: String },
}

/// How the chain was trusted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Trusted {
    /// The leaf is the trusted certificate itself: no date or path checks were made.
    pub pinned_leaf: bool,
    /// Indices (into the presented chain, leaf first) of the certificates validated below the anchor.
    pub path: Vec<usize>,
}

/// Which route the JDK takes (see the module documentation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Route {
    /// The presented leaf is the trusted certificate.
    PinnedLeaf,
    /// Validate `presented[..len]` against the anchor.
    Validate { len: usize },
    /// Build a path with the path builder.
    Build,
}

/// Steps 1 to 3 of the module documentation.
pub(crate) fn route(anchor: &Parsed<'_>, presented: &[Parsed<'_>]) -> Route {
    let mut prev_issuer: Option<&[u8]> = None;
    for (i, cert) in presented.iter().enumerate() {
        if i == 0 {
            // Only the exact certificate: a leaf re-issued with the same name and key is not it.
            if cert.der.as_ref() == anchor.der.as_ref() {
                return Route::PinnedLeaf;
            }
        } else {
            if Some(cert.subject()) != prev_issuer {
                return Route::Build;
            }
            if cert.is_trusted_as(anchor) {
                return Route::Validate { len: i };
            }
        }
        prev_issuer = Some(cert.issuer());
    }
    match presented.last() {
        Some(last) if last.issuer() == anchor.subject() => Route::Validate {
            len: presented.len(),
        },
        _ => Route::Build,
    }
}

/// The whole decision on the certificates (host name aside).
pub(crate) fn check(
    anchor: &Parsed<'_>,
    presented: &[Parsed<'_>],
    at: OffsetDateTime,
) -> Result<Trusted, Failure> {
    if presented.is_empty() {
        return Err(Failure::Building);
    }
    let (path, building) = match route(anchor, presented) {
        Route::PinnedLeaf => {
            return Ok(Trusted {
                pinned_leaf: true,
                path: Vec::new(),
            })
        }
        Route::Validate { len } => {
            validate(anchor, &presented[..len], at)?;
            ((0..len).collect(), false)
        }
        Route::Build => (build(anchor, presented, at)?, true),
    };
    verify_trust_anchor(anchor, building)?;
    end_entity(&presented[0])?;
    Ok(Trusted {
        pinned_leaf: false,
        path,
    })
}

/// `PKIXValidator.verifyTrustAnchor`: a path may only end at a CA (v1 certificates excepted).
fn verify_trust_anchor(anchor: &Parsed<'_>, building: bool) -> Result<(), Failure> {
    if anchor.x509.version() != X509Version::V3 {
        return Ok(());
    }
    let subject = anchor.x509.subject().to_string();
    let problem = if anchor.ca_path_len().is_none() {
        Some(format!(
            "TrustAnchor with subject \"{subject}\" is not a CA certificate"
        ))
    } else {
        match anchor.x509.key_usage() {
            Ok(Some(ku)) if !ku.value.key_cert_sign() => Some(format!(
                "TrustAnchor with subject \"{subject}\" does not have keyCertSign bit set in KeyUsage extension"
            )),
            _ => None,
        }
    };
    match problem {
        Some(message) => Err(Failure::Anchor { building, message }),
        None => Ok(()),
    }
}

/// `PKIXCertPathValidator` on a fixed path (leaf first), anchor above its last element.
fn validate(anchor: &Parsed<'_>, path: &[Parsed<'_>], at: OffsetDateTime) -> Result<(), Failure> {
    let n = path.len();
    // The anchor is selected by the top certificate's issuer name (given by the route) and, when
    // the top certificate carries an authority key identifier, by the anchor's subject key
    // identifier (X509CertSelector.setSkiAndSerialNumber).
    if let Some(aki) = path.last().and_then(Parsed::authority_key_id) {
        if anchor.subject_key_id() != Some(aki) {
            return Err(Failure::Validation {
                index: n - 1,
                reason: "Path does not chain with any of the trust anchors",
                cause: None,
            });
        }
    }
    // Java starts with maxPathLength = the path's length; the anchor's own constraints are not used.
    let mut max_path_len = n as u64;
    for index in (0..n).rev() {
        let cert = &path[index];
        let issuer = if index + 1 < n {
            &path[index + 1]
        } else {
            anchor
        };
        let is_leaf = index == 0;
        let fail = |reason, cause| Failure::Validation {
            index,
            reason,
            cause,
        };
        if !is_leaf {
            // KeyChecker: a CA certificate on the path must be allowed to sign certificates.
            if let Ok(Some(ku)) = cert.x509.key_usage() {
                if !ku.value.key_cert_sign() {
                    return Err(fail(
                        "CA key usage check failed: keyCertSign bit is not set",
                        None,
                    ));
                }
            }
            // ConstraintsChecker: only CAs issue, and path lengths hold.
            let Some(path_len) = cert.ca_path_len() else {
                return Err(fail(
                    "basic constraints check failed: this is not a CA certificate",
                    None,
                ));
            };
            if cert.subject() != cert.issuer() {
                if max_path_len == 0 {
                    return Err(fail("basic constraints check failed: pathLenConstraint violated - this cert must be the last cert in the certification path", None));
                }
                max_path_len -= 1;
            }
            max_path_len = max_path_len.min(u64::from(path_len));
        }
        // BasicChecker: signature, then dates, then name chaining.
        if !cert.signed_by(issuer) {
            return Err(fail(
                "signature check failed",
                Some("java.security.SignatureException: Signature does not match."),
            ));
        }
        if at < cert.not_before() {
            return Err(Failure::Validity {
                index,
                problem: DateProblem::NotYetValid(cert.not_before()),
            });
        }
        if at > cert.not_after() {
            return Err(Failure::Validity {
                index,
                problem: DateProblem::Expired(cert.not_after()),
            });
        }
        if cert.issuer() != issuer.subject() {
            return Err(fail("subject/issuer name chaining check failed", None));
        }
    }
    Ok(())
}

/// The JDK's path builder, played by webpki: searches the presented certificates for a path from
/// the leaf to the anchor, checking everything but the anchor's dates.
fn build(
    anchor: &Parsed<'_>,
    presented: &[Parsed<'_>],
    at: OffsetDateTime,
) -> Result<Vec<usize>, Failure> {
    let trust_anchor =
        webpki::anchor_from_trusted_cert(anchor.der).map_err(|_| Failure::Building)?;
    let ee = webpki::EndEntityCert::try_from(presented[0].der).map_err(|_| Failure::Building)?;
    let intermediates: Vec<CertificateDer<'_>> =
        presented[1..].iter().map(|p| p.der.clone()).collect();
    let secs = u64::try_from(at.unix_timestamp()).unwrap_or(0);
    let time = UnixTime::since_unix_epoch(std::time::Duration::from_secs(secs));
    let anchors = [trust_anchor];
    let verified = ee
        .verify_for_usage(
            webpki::ALL_VERIFICATION_ALGS,
            &anchors,
            &intermediates,
            time,
            AnyEku,
            None,
            None,
        )
        .map_err(|_| Failure::Building)?;
    // Report the path by positions in the presented chain.
    let mut path = vec![0];
    for cert in verified.intermediate_certificates() {
        let der = cert.der();
        if let Some(i) = presented
            .iter()
            .position(|p| p.der.as_ref() == der.as_ref())
        {
            path.push(i);
        }
    }
    Ok(path)
}

/// The builder does not look at extended key usage; the end-entity checker does, afterwards.
struct AnyEku;

impl webpki::ExtendedKeyUsageValidator for AnyEku {
    fn validate(&self, _iter: webpki::KeyPurposeIdIter<'_, '_>) -> Result<(), webpki::Error> {
        Ok(())
    }
}

/// `sun.security.validator.EndEntityChecker` for a TLS server with an ephemeral key exchange (what
/// every TLS 1.2 ECDHE and TLS 1.3 handshake is): a key usage, when present, must allow signatures;
/// then an extended key usage, when present, must allow server authentication (or any use, or one
/// of the legacy server-gated-crypto purposes the JDK still honours).
fn end_entity(leaf: &Parsed<'_>) -> Result<(), Failure> {
    if let Ok(Some(ku)) = leaf.x509.key_usage() {
        if !ku.value.digital_signature() {
            return Err(Failure::EndEntity {
                message: "KeyUsage does not allow digital signatures",
            });
        }
    }
    if let Ok(Some(eku)) = leaf.x509.extended_key_usage() {
        const SGC: [&str; 2] = ["1.3.6.1.4.1.311.10.3.3", "2.16.840.1.113730.4.1"];
        let sgc = eku
            .value
            .other
            .iter()
            .any(|o| SGC.contains(&o.to_id_string().as_str()));
        if !(eku.value.server_auth || eku.value.any || sgc) {
            return Err(Failure::EndEntity {
                message: "Extended key usage does not permit use for TLS server authentication",
            });
        }
    }
    Ok(())
}
