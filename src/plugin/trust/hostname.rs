//! The JDK's HTTPS host name check (`sun.security.util.HostnameChecker`, type TLS), which the
//! trust manager runs after the chain is trusted, also for a pinned leaf.
//!
//! - An IP address is compared with the IP entries of the subject alternative names only.
//! - A DNS name is compared with the DNS entries; when the certificate has DNS entries and none
//!   matches, that is final. Only a certificate without any DNS entry falls back to the most
//!   specific common name.
//! - A `*` may appear in the left-most label only (`*.twil.io`, `f*.example.com`) and matches
//!   within that one label.

use std::net::IpAddr;

use x509_parser::prelude::{GeneralName, X509Certificate};

/// Checks `host` against the leaf; the error is the JDK's `CertificateException` message.
pub(crate) fn check(host: &str, leaf: &X509Certificate<'_>) -> Result<(), String> {
    let host = host.trim_end_matches('.');
    let san = leaf.subject_alternative_name().ok().flatten();
    let names: Vec<&GeneralName<'_>> = san
        .as_ref()
        .map(|s| s.value.general_names.iter().collect())
        .unwrap_or_default();

    if let Ok(ip) = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
    {
        if san.is_none() {
            return Err("No subject alternative names present".into());
        }
        let matched = names.iter().any(|n| match n {
            GeneralName::IPAddress(bytes) => ip_from_bytes(bytes) == Some(ip),
            _ => false,
        });
        return if matched {
            Ok(())
        } else {
            Err(format!(
                "No subject alternative names matching IP address {ip} found"
            ))
        };
    }

    let dns: Vec<&str> = names
        .iter()
        .filter_map(|n| match n {
            GeneralName::DNSName(d) => Some(*d),
            _ => None,
        })
        .collect();
    if !dns.is_empty() {
        return if dns.iter().any(|t| matches(host, t)) {
            Ok(())
        } else {
            Err(format!(
                "No subject alternative DNS name matching {host} found."
            ))
        };
    }
    // The most specific (last) common name.
    let cn = leaf
        .subject()
        .iter_common_name()
        .last()
        .and_then(|a| a.as_str().ok());
    match cn {
        Some(cn) if matches(host, cn) => Ok(()),
        _ => Err(format!("No name matching {host} found")),
    }
}

fn ip_from_bytes(bytes: &[u8]) -> Option<IpAddr> {
    match bytes.len() {
        4 => <[u8; 4]>::try_from(bytes).ok().map(IpAddr::from),
        16 => <[u8; 16]>::try_from(bytes).ok().map(IpAddr::from),
        _ => None,
    }
}

/// Java's `matchAllWildCards` with the illegal-wildcard rules of the TLS type.
fn matches(host: &str, template: &str) -> bool {
    let template = template.trim_end_matches('.');
    let host_labels: Vec<&str> = host.split('.').collect();
    let tmpl_labels: Vec<&str> = template.split('.').collect();
    if host_labels.len() != tmpl_labels.len() {
        return false;
    }
    // A wildcard outside the left-most label, or a bare "*" / "*.tld", never matches.
    if tmpl_labels.iter().skip(1).any(|l| l.contains('*')) {
        return false;
    }
    if tmpl_labels[0].contains('*') && tmpl_labels.len() < 3 {
        return false;
    }
    host_labels
        .iter()
        .zip(&tmpl_labels)
        .enumerate()
        .all(|(i, (h, t))| {
            if i == 0 {
                label_glob(&h.to_ascii_lowercase(), &t.to_ascii_lowercase())
            } else {
                h.eq_ignore_ascii_case(t)
            }
        })
}

/// `*` matches any run of characters inside one label.
fn label_glob(host: &str, pattern: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return host == pattern;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !host.starts_with(first) || !host[first.len()..].ends_with(last) {
        return false;
    }
    if host.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &host[first.len()..host.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(pos) => rest = &rest[pos + middle.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_follow_the_jdk_tls_rules() {
        assert!(matches("demo.twil.io", "*.twil.io"));
        assert!(matches("DEMO.twil.io", "*.TWIL.io"));
        assert!(!matches("a.demo.twil.io", "*.twil.io"));
        assert!(!matches("twil.io", "*.twil.io"));
        assert!(!matches("twil.io", "*.io"));
        assert!(matches("foo.example.com", "f*.example.com"));
        assert!(!matches("bar.example.com", "f*.example.com"));
        assert!(!matches("a.b.example", "a.*.example"));
        assert!(matches("localhost", "localhost"));
        assert!(!matches("localhost", "other.example"));
    }
}
