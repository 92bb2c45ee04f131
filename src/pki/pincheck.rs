//! The library side of `rsa-verify-sim pin-check`: would RSA accept the chain a server presents,
//! given the certificate imported on the SMS configuration page? Why (the Java text and a
//! diagnosis), and at which date would that answer change?
//!
//! The date is found by replaying [`crate::plugin::trust::assess`] at every instant where a
//! certificate involved starts (`NotBefore`) or stops (`NotAfter` + 1 s) being valid, in order:
//! exact, and it needs no separate model of which dates matter (an exact leaf pin ignores them
//! all, so it never changes by date).

use std::path::PathBuf;

use rustls_pki_types::{CertificateDer, ServerName};
use serde::Serialize;
use time::{Duration, OffsetDateTime};

use super::info::{summarize, CertSummary};
use super::pem::{self, PemError};
use crate::clock::iso8601;
use crate::plugin::trust::{assess, RejectionKind};

/// What to check.
#[derive(Clone, Debug)]
pub struct PinCheckInput {
    /// The certificate imported into RSA (one certificate, PEM or DER).
    pub imported: PathBuf,
    /// The chain the server presents, leaf first (PEM with one or more certificates).
    pub served: PathBuf,
    /// The host of the Base URL.
    pub host: String,
    /// When the connection is made.
    pub at: OffsetDateTime,
    /// Whether the host name is checked (RSA's JDK does by default).
    pub check_hostname: bool,
}

/// Why `pin-check` could not answer.
#[derive(Debug, thiserror::Error)]
pub enum PinCheckError {
    /// A certificate file could not be used.
    #[error(transparent)]
    Pem(#[from] PemError),
    /// The host is not a DNS name or IP address.
    #[error("--host {host:?} is not a host name or IP address (give the host of the Base URL, without https:// or a path)")]
    Host {
        /// What was given.
        host: String,
    },
    /// The served file has no certificate.
    #[error("{0}: no certificate in the served chain")]
    EmptyChain(PathBuf),
}

/// Accept or reject.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// RSA would make the connection.
    Accept,
    /// RSA would refuse it in the TLS handshake.
    Reject,
}

impl Verdict {
    fn word(self) -> &'static str {
        match self {
            Verdict::Accept => "ACCEPT",
            Verdict::Reject => "REJECT",
        }
    }
}

/// When the answer changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The first instant with the other answer; `None`: never by date.
    #[serde(serialize_with = "serialize_opt_instant")]
    pub at: Option<OffsetDateTime>,
    /// The answer from then on.
    pub verdict: Option<Verdict>,
    /// Which certificate date causes it, or why dates do not matter.
    pub because: String,
    /// The Java message from then on, when it becomes a refusal.
    pub java_message: Option<String>,
}

fn serialize_opt_instant<S: serde::Serializer>(
    t: &Option<OffsetDateTime>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&iso8601(*t)),
        None => s.serialize_none(),
    }
}

/// The full answer.
#[derive(Clone, Debug, Serialize)]
pub struct PinCheckReport {
    /// Accept or reject.
    pub verdict: Verdict,
    /// The host checked.
    pub host: String,
    /// When.
    #[serde(serialize_with = "super::info::serialize_instant")]
    pub at: OffsetDateTime,
    /// Whether the host name was checked.
    pub check_hostname: bool,
    /// The imported certificate.
    pub imported: CertSummary,
    /// The presented chain, leaf first.
    pub served: Vec<CertSummary>,
    /// The leaf is the imported certificate (trusted with no date check).
    pub pinned_leaf: bool,
    /// The certificates checked below the imported one, leaf first.
    pub path: Vec<CertSummary>,
    /// The class of a refusal.
    pub kind: Option<RejectionKind>,
    /// The JDK's exception text of a refusal.
    pub java_message: Option<String>,
    /// The plain-English diagnosis of a refusal.
    pub diagnosis: Option<String>,
    /// The earliest date at which the answer changes.
    pub changes: Change,
}

/// Loads the files and answers.
pub fn run(input: &PinCheckInput) -> Result<PinCheckReport, PinCheckError> {
    let imported = pem::load_certificate(&input.imported)?;
    let served = pem::load_certificates(&input.served)?;
    if served.is_empty() {
        return Err(PinCheckError::EmptyChain(input.served.clone()));
    }
    check(
        &imported,
        &served,
        &input.host,
        input.at,
        input.check_hostname,
    )
}

/// Answers for certificates already loaded.
/// When a chain lists a CA before a non-CA certificate: a server presents its leaf first, and the
/// JDK takes the first certificate as the server's own, so such a chain is rejected whatever is
/// imported. Says so, because the rejection's own reason then points elsewhere.
fn out_of_order(served: &[CertSummary]) -> Option<String> {
    let first = served.first()?;
    let leaf = served.iter().skip(1).find(|c| !c.is_ca)?;
    first.is_ca.then(|| {
        format!(
            "The served chain is out of order: its first certificate is a CA ({}) and the leaf ({}) comes later; a server presents its leaf first and Java takes the first certificate as the server's own. Put the leaf first (as `openssl s_client -showcerts` prints the chain), then check again.",
            first.subject, leaf.subject
        )
    })
}

pub fn check(
    imported: &CertificateDer<'_>,
    served: &[CertificateDer<'_>],
    host: &str,
    at: OffsetDateTime,
    check_hostname: bool,
) -> Result<PinCheckReport, PinCheckError> {
    let host = host.trim();
    if host.is_empty() || ServerName::try_from(host).is_err() {
        return Err(PinCheckError::Host {
            host: host.to_string(),
        });
    }
    // The files were parsed by pem::, so summaries succeed; a failure would only drop a line.
    let imported_summary = summarize(imported.as_ref()).map_err(|problem| {
        PinCheckError::Pem(PemError::Content {
            file: PathBuf::from("imported certificate"),
            problem,
        })
    })?;
    let served_summaries: Vec<CertSummary> = served
        .iter()
        .filter_map(|c| summarize(c.as_ref()).ok())
        .collect();
    let now = assess(Some(imported), served, host, at, check_hostname);
    let verdict = if now.accepted {
        Verdict::Accept
    } else {
        Verdict::Reject
    };

    let changes = if now.pinned_leaf && now.accepted {
        Change {
            at: None,
            verdict: None,
            because: "never by date: the server's leaf is the imported certificate, which Java trusts as is, without checking its dates".into(),
            java_message: None,
        }
    } else {
        next_change(
            imported,
            &imported_summary,
            served,
            &served_summaries,
            host,
            at,
            check_hostname,
            now.accepted,
        )
    };
    let rejection = now.rejection;
    let diagnosis = rejection
        .as_ref()
        .map(|r| match out_of_order(&served_summaries) {
            Some(order) => format!("{order} {}", r.diagnosis),
            None => r.diagnosis.clone(),
        });
    Ok(PinCheckReport {
        verdict,
        host: host.to_string(),
        at,
        check_hostname,
        imported: imported_summary,
        served: served_summaries,
        pinned_leaf: now.pinned_leaf,
        path: now.path,
        kind: now.kind,
        java_message: rejection.as_ref().map(|r| r.java_message.clone()),
        diagnosis,
        changes,
    })
}

#[allow(clippy::too_many_arguments)]
fn next_change(
    imported: &CertificateDer<'_>,
    imported_summary: &CertSummary,
    served: &[CertificateDer<'_>],
    served_summaries: &[CertSummary],
    host: &str,
    at: OffsetDateTime,
    check_hostname: bool,
    accepted_now: bool,
) -> Change {
    // Every instant at which some certificate's validity flips, with a description.
    let mut candidates: Vec<(OffsetDateTime, String)> = Vec::new();
    for c in std::iter::once(imported_summary).chain(served_summaries) {
        if c.not_before > at {
            candidates.push((
                c.not_before,
                format!(
                    "CN={} becomes valid (NotBefore {})",
                    c.cn,
                    iso8601(c.not_before)
                ),
            ));
        }
        let after = c.not_after.saturating_add(Duration::seconds(1));
        if after > at {
            candidates.push((
                after,
                format!("CN={} expires (NotAfter {})", c.cn, iso8601(c.not_after)),
            ));
        }
    }
    candidates.sort_by_key(|(t, _)| *t);
    for (t, because) in candidates {
        let then = assess(Some(imported), served, host, t, check_hostname);
        if then.accepted != accepted_now {
            return Change {
                at: Some(t),
                verdict: Some(if then.accepted {
                    Verdict::Accept
                } else {
                    Verdict::Reject
                }),
                because,
                java_message: then.rejection.map(|r| r.java_message),
            };
        }
    }
    Change {
        at: None,
        verdict: None,
        because: if accepted_now {
            "never by date".into()
        } else {
            "never by date: no certificate date makes this acceptable; the served chain, the imported certificate or the host must change".into()
        },
        java_message: None,
    }
}

impl PinCheckReport {
    /// The report as text for a terminal.
    pub fn render_text(&self) -> String {
        let mut out = format!(
            "RSA would {} the server for {} at {}{}\n",
            self.verdict.word(),
            self.host,
            iso8601(self.at),
            if self.check_hostname {
                ""
            } else {
                " (host name check off)"
            }
        );
        if let Some(j) = &self.java_message {
            out.push_str(&format!("  java:      {j}\n"));
        }
        if let Some(d) = &self.diagnosis {
            out.push_str(&format!("  diagnosis: {d}\n"));
        }
        out.push_str(&format!("  imported:  {}\n", line(&self.imported)));
        for (i, c) in self.served.iter().enumerate() {
            let head = if i == 0 {
                "  served:   "
            } else {
                "            "
            };
            out.push_str(&format!("{head} {}. {}\n", i + 1, line(c)));
        }
        if self.pinned_leaf {
            out.push_str("  path:      the leaf is the imported certificate\n");
        } else if !self.path.is_empty() {
            let names: Vec<String> = self.path.iter().map(|c| format!("CN={}", c.cn)).collect();
            out.push_str(&format!(
                "  path:      {} <- imported CN={}\n",
                names.join(" <- "),
                self.imported.cn
            ));
        }
        match (&self.changes.at, &self.changes.verdict) {
            (Some(t), Some(v)) => {
                out.push_str(&format!(
                    "  changes:   {}: RSA would {} ({})\n",
                    iso8601(*t),
                    v.word(),
                    self.changes.because
                ));
                if let Some(j) = &self.changes.java_message {
                    out.push_str(&format!("             then: {j}\n"));
                }
            }
            _ => out.push_str(&format!("  changes:   {}\n", self.changes.because)),
        }
        out
    }
}

fn line(c: &CertSummary) -> String {
    format!(
        "{} (valid {} to {}{})",
        c.label(),
        iso8601(c.not_before),
        iso8601(c.not_after),
        if c.is_ca { ", CA" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::{Pki, PkiSpec};
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-01-15 09:00 UTC);

    fn report(imported: &str, served: &[&str]) -> PinCheckReport {
        let pki = Pki::generate("localhost", &PkiSpec::default(), NOW).unwrap();
        let chain = pki.chain(served).unwrap();
        check(
            &pki.get(imported).unwrap().der,
            &chain,
            "localhost",
            NOW,
            true,
        )
        .unwrap()
    }

    #[test]
    fn a_root_pin_changes_when_the_first_certificate_on_the_path_expires() {
        let r = report("root", &["leaf", "intermediate"]);
        assert_eq!(r.verdict, Verdict::Accept);
        let leaf_end = NOW + Duration::days(90);
        assert_eq!(r.changes.at, Some(leaf_end + Duration::seconds(1)));
        assert_eq!(r.changes.verdict, Some(Verdict::Reject));
        assert!(
            r.changes.because.contains("CN=localhost expires"),
            "{}",
            r.changes.because
        );
        assert!(
            r.render_text()
                .contains("changes:   2026-04-15T09:00:01Z: RSA would REJECT"),
            "{}",
            r.render_text()
        );
    }

    #[test]
    fn an_exact_leaf_pin_never_changes_by_date() {
        let r = report("leaf", &["leaf", "intermediate"]);
        assert_eq!(r.verdict, Verdict::Accept);
        assert_eq!(r.changes.at, None);
        assert!(r.changes.because.starts_with("never by date"));
    }

    #[test]
    fn a_not_yet_valid_leaf_becomes_acceptable_at_its_not_before() {
        let r = report("root", &["leaf_not_yet_valid", "intermediate"]);
        assert_eq!(r.verdict, Verdict::Reject);
        assert_eq!(r.changes.at, Some(NOW + Duration::days(1)));
        assert_eq!(r.changes.verdict, Some(Verdict::Accept));
    }

    #[test]
    fn an_expired_chain_never_recovers_and_a_bad_host_is_an_input_error() {
        let r = report("root", &["leaf_expired", "intermediate"]);
        assert_eq!(r.verdict, Verdict::Reject);
        assert_eq!(r.changes.at, None);
        let pki = Pki::generate("localhost", &PkiSpec::default(), NOW).unwrap();
        let chain = pki.chain(&["leaf"]).unwrap();
        let e = check(
            &pki.get("leaf").unwrap().der,
            &chain,
            "https://x/y",
            NOW,
            true,
        )
        .unwrap_err();
        assert!(e.to_string().contains("without https://"), "{e}");
    }
}
