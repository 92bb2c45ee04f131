//! The JDK's exception texts, word for word, and how they are laid out in
//! [`super::TrustRejection::java_message`]:
//!
//! `<outer exception>: <message>` followed, when the root cause is a further exception whose text
//! is not already part of the message, by ` (caused by <class>: <message>)`. The outer exception is
//! what `HttpsURLConnection` throws into RSA's log: `javax.net.ssl.SSLHandshakeException`.

/// The exception RSA's HTTPS client throws for every refusal below.
pub const HANDSHAKE_EXCEPTION: &str = "javax.net.ssl.SSLHandshakeException";

/// No path from the server's leaf to the imported certificate.
pub const PATH_BUILDING_FAILED: &str = "PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target";

/// Prefix of every validation failure on an otherwise connected path.
pub const PATH_VALIDATION_FAILED: &str =
    "PKIX path validation failed: java.security.cert.CertPathValidatorException";

/// The reason for a date problem on the path.
pub const VALIDITY_CHECK_FAILED: &str = "validity check failed";

/// Root cause class of an expired certificate.
pub const EXPIRED_EXCEPTION: &str = "java.security.cert.CertificateExpiredException";

/// Root cause class of a not-yet-valid certificate.
pub const NOT_YET_VALID_EXCEPTION: &str = "java.security.cert.CertificateNotYetValidException";

/// Root cause class of a host name mismatch.
pub const CERTIFICATE_EXCEPTION: &str = "java.security.cert.CertificateException";

/// `No subject alternative DNS name matching <host> found.`
pub fn no_san_dns_match(host: &str) -> String {
    format!("No subject alternative DNS name matching {host} found.")
}

/// Lays out `message` thrown as [`HANDSHAKE_EXCEPTION`] with an optional root cause.
pub fn handshake(message: &str, cause: Option<&str>) -> String {
    match cause {
        Some(c) => format!("{HANDSHAKE_EXCEPTION}: {message} (caused by {c})"),
        None => format!("{HANDSHAKE_EXCEPTION}: {message}"),
    }
}

/// `PKIX path validation failed: java.security.cert.CertPathValidatorException: <reason>`.
pub fn validation_failed(reason: &str) -> String {
    format!("{PATH_VALIDATION_FAILED}: {reason}")
}
