//! Reading certificates back for people: subject, fingerprint, dates and names, and Java's way of
//! printing a date (`Tue Jan 14 09:00:00 UTC 2026`) so messages match what RSA's logs show.

use serde::Serialize;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};

/// What a person needs to recognise a certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CertSummary {
    /// Subject distinguished name, as x509-parser prints it (`CN=localhost, O=...`).
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// The subject's common name, or the whole subject when it has none.
    pub cn: String,
    /// SHA-256 of the DER, upper-case hex with colons, as keytool and the browser show it.
    pub sha256: String,
    /// First valid instant.
    #[serde(serialize_with = "serialize_instant")]
    pub not_before: OffsetDateTime,
    /// Last valid instant.
    #[serde(serialize_with = "serialize_instant")]
    pub not_after: OffsetDateTime,
    /// Whether basic constraints mark it as a CA.
    pub is_ca: bool,
    /// Whether subject and issuer are the same name (a root or a self-signed leaf).
    pub self_issued: bool,
    /// DNS names in the subject alternative names.
    pub dns_names: Vec<String>,
}

impl CertSummary {
    /// `CN=localhost, SHA-256 AB:CD:...`: how diagnoses name a certificate.
    pub fn label(&self) -> String {
        format!("CN={}, SHA-256 {}", self.cn, self.sha256)
    }
}

/// Reads the parts of a certificate that messages need; the error is x509-parser's description.
pub fn summarize(der: &[u8]) -> Result<CertSummary, String> {
    let (_, cert) = X509Certificate::from_der(der).map_err(|e| e.to_string())?;
    let subject = cert.subject().to_string();
    let cn = cert
        .subject()
        .iter_common_name()
        .next()
        .and_then(|a| a.as_str().ok())
        .map(str::to_string)
        .unwrap_or_else(|| subject.clone());
    let dns_names = match cert.subject_alternative_name() {
        Ok(Some(san)) => san
            .value
            .general_names
            .iter()
            .filter_map(|n| match n {
                GeneralName::DNSName(d) => Some(d.to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    Ok(CertSummary {
        issuer: cert.issuer().to_string(),
        self_issued: cert.subject().as_raw() == cert.issuer().as_raw(),
        subject,
        cn,
        sha256: fingerprint(der),
        not_before: to_offset(cert.validity().not_before.timestamp()),
        not_after: to_offset(cert.validity().not_after.timestamp()),
        is_ca: cert.is_ca(),
        dns_names,
    })
}

/// Serializes an instant as ISO 8601 UTC (`2026-01-15T09:00:00Z`).
pub(crate) fn serialize_instant<S: serde::Serializer>(
    t: &OffsetDateTime,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::clock::iso8601(*t))
}

/// SHA-256 of `der`, upper-case hex bytes joined by colons.
pub fn fingerprint(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// A Unix timestamp as a UTC instant (clamped to the representable range).
pub(crate) fn to_offset(ts: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(ts).unwrap_or(if ts < 0 {
        OffsetDateTime::UNIX_EPOCH
    } else {
        time::macros::datetime!(9999-12-31 23:59:59 UTC)
    })
}

/// `java.util.Date.toString()` in a JVM whose default time zone is UTC:
/// `EEE MMM dd HH:mm:ss zzz yyyy`, e.g. `Tue Jan 14 09:00:00 UTC 2026`.
pub fn java_date(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    let day = match t.weekday() {
        time::Weekday::Monday => "Mon",
        time::Weekday::Tuesday => "Tue",
        time::Weekday::Wednesday => "Wed",
        time::Weekday::Thursday => "Thu",
        time::Weekday::Friday => "Fri",
        time::Weekday::Saturday => "Sat",
        time::Weekday::Sunday => "Sun",
    };
    let month = &format!("{}", t.month())[..3];
    format!(
        "{day} {month} {:02} {:02}:{:02}:{:02} UTC {}",
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.year()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn java_dates_look_like_date_to_string() {
        assert_eq!(
            java_date(datetime!(2026-01-14 09:00 UTC)),
            "Wed Jan 14 09:00:00 UTC 2026"
        );
        assert_eq!(
            java_date(datetime!(2025-09-02 17:05:09 UTC)),
            "Tue Sep 02 17:05:09 UTC 2025"
        );
    }
}
