//! Plain-English diagnoses: what went wrong, naming the certificates, and what to change.

use time::OffsetDateTime;

use super::java;
use super::pkix::{DateProblem, Failure};
use super::RejectionKind;
use crate::clock::iso8601;
use crate::pki::info::{java_date, CertSummary};

/// What the diagnosis can refer to.
pub(crate) struct Context<'a> {
    pub anchor: Option<&'a CertSummary>,
    pub presented: &'a [CertSummary],
    pub host: &'a str,
    pub at: OffsetDateTime,
}

fn day(t: OffsetDateTime) -> String {
    iso8601(t)[..10].to_string()
}

fn role(index: usize, cert: Option<&CertSummary>) -> &'static str {
    match (index, cert) {
        (0, _) => "the server's leaf",
        (_, Some(c)) if c.self_issued => "the root the server sends",
        _ => "the intermediate the server sends",
    }
}

fn label(c: Option<&CertSummary>) -> String {
    c.map(CertSummary::label)
        .unwrap_or_else(|| "unreadable certificate".into())
}

/// The kind, Java text and diagnosis of a chain failure.
pub(crate) fn failure(ctx: &Context<'_>, f: &Failure) -> (RejectionKind, String, String) {
    match f {
        Failure::Building => (
            RejectionKind::PathBuilding,
            java::handshake(java::PATH_BUILDING_FAILED, None),
            building(ctx),
        ),
        Failure::Validity { index, problem } => {
            let cert = ctx.presented.get(*index);
            let who = format!("{} ({})", role(*index, cert), label(cert));
            let (cause, text) = match problem {
                DateProblem::Expired(t) => (
                    format!("{}: NotAfter: {}", java::EXPIRED_EXCEPTION, java_date(*t)),
                    format!(
                        "{who} expired on {} (NotAfter {}); the imported certificate is fine, but RSA checks the dates of every certificate below it: renew the server's certificate{}",
                        day(*t),
                        iso8601(*t),
                        if *index == 0 { "" } else { " chain (serve a current intermediate)" }
                    ),
                ),
                DateProblem::NotYetValid(t) => (
                    format!("{}: NotBefore: {}", java::NOT_YET_VALID_EXCEPTION, java_date(*t)),
                    format!(
                        "{who} is not valid before {} (NotBefore); it was checked at {}: check the RSA server's clock, or wait until then",
                        iso8601(*t),
                        iso8601(ctx.at)
                    ),
                ),
            };
            (
                RejectionKind::Validity,
                java::handshake(&java::validation_failed(java::VALIDITY_CHECK_FAILED), Some(&cause)),
                text,
            )
        }
        Failure::Validation {
            index,
            reason,
            cause,
        } => {
            let cert = ctx.presented.get(*index);
            let rekeyed = matches!(
                *reason,
                "Path does not chain with any of the trust anchors" | "signature check failed"
            ) && matches!((cert, ctx.anchor), (Some(c), Some(a)) if c.issuer == a.subject);
            let text = if rekeyed {
                format!(
                    "{} ({}) names the imported certificate's subject as its issuer, but was signed with another key: the CA was re-issued with a new key under the same name; import the CA certificate the server's chain uses now (imported: {})",
                    role(*index, cert),
                    label(cert),
                    label(ctx.anchor)
                )
            } else {
                format!(
                    "the path from the server's leaf to the imported certificate ({}) fails a PKIX check at {} ({}): {reason}; the server's chain is malformed, fix it on the server",
                    label(ctx.anchor),
                    role(*index, cert),
                    label(cert)
                )
            };
            (
                RejectionKind::PathValidation,
                java::handshake(&java::validation_failed(reason), *cause),
                text,
            )
        }
        Failure::Anchor { building, message } => (
            if *building {
                RejectionKind::PathBuilding
            } else {
                RejectionKind::PathValidation
            },
            java::handshake(
                &format!(
                    "PKIX path {} failed: sun.security.validator.ValidatorException: {message}",
                    if *building { "building" } else { "validation" }
                ),
                None,
            ),
            format!(
                "the server's chain leads to the imported certificate ({}), but Java only accepts a CA certificate as the end of a path: {message}; import the CA that issued the server's chain, or the server's exact leaf",
                label(ctx.anchor)
            ),
        ),
        Failure::EndEntity { message } => (
            RejectionKind::EndEntity,
            java::handshake(message, None),
            format!(
                "the server's leaf ({}) is not meant for a TLS server: {message}; serve a certificate issued for TLS server authentication",
                label(ctx.presented.first())
            ),
        ),
    }
}

/// Why no path leads from the leaf to the imported certificate, and what to import instead.
fn building(ctx: &Context<'_>) -> String {
    let Some(anchor) = ctx.anchor else {
        return "no path from the server's leaf to the imported certificate".into();
    };
    let Some(leaf) = ctx.presented.first() else {
        return "the server presented no certificate".into();
    };
    let mut text = if !anchor.is_ca {
        if leaf.cn == anchor.cn {
            format!(
                "the pinned leaf ({}) is not the leaf the server presents ({}): the server's certificate was re-issued (the new one is valid from {}); import the root or intermediate CA instead (it survives leaf rotation), or re-import the new leaf",
                anchor.label(),
                leaf.label(),
                day(leaf.not_before)
            )
        } else {
            format!(
                "the imported certificate ({}) is a leaf, and the server presents another certificate ({}); import the server's root or intermediate CA, or its current leaf",
                anchor.label(),
                leaf.label()
            )
        }
    } else if let Some(same_name) = ctx.presented.iter().find(|c| c.subject == anchor.subject) {
        format!(
            "the server sends a certificate named like the imported one but different ({}; imported: {}): the CA re-issued it with a new key; import the certificate the server's chain uses now",
            same_name.label(),
            anchor.label()
        )
    } else if ctx.presented.iter().any(|c| c.issuer == anchor.subject) {
        format!(
            "the server's chain names CN={} as issuer, but its signature does not verify with the imported certificate's key ({}): the CA was re-issued; import the current CA certificate",
            anchor.cn,
            anchor.label()
        )
    } else {
        // Where does the presented chain stop?
        let top = top_of_chain(ctx.presented);
        let missing_issuer = ctx.presented.iter().all(|c| c.subject != top.issuer);
        if ctx.presented.len() == 1 && leaf.self_issued {
            format!(
                "the server presents a self-signed certificate ({}), which no CA vouches for; only that exact certificate can be imported for it (imported: {})",
                leaf.label(),
                anchor.label()
            )
        } else if ctx.presented.len() == 1 {
            format!(
                "the server sends only its leaf ({}), issued by \"{}\"; Java does not fetch a missing intermediate, so no path reaches the imported certificate ({}); configure the server to send its intermediate too, or import the intermediate \"{}\"",
                leaf.label(),
                top.issuer,
                anchor.label(),
                top.issuer
            )
        } else if top.self_issued {
            format!(
                "the server's chain ends at \"{}\" ({}), not at the imported certificate ({}): the server uses another CA; import that root instead",
                top.subject,
                top.label(),
                anchor.label()
            )
        } else if missing_issuer {
            format!(
                "the server's chain goes up to \"{}\", issued by \"{}\", which is neither sent nor the imported certificate ({}): import the certificate of \"{}\" (or of its root)",
                top.subject,
                top.issuer,
                anchor.label(),
                top.issuer
            )
        } else {
            format!(
                "no path leads from the server's leaf ({}) to the imported certificate ({})",
                leaf.label(),
                anchor.label()
            )
        }
    };
    let stale: Vec<String> = ctx
        .presented
        .iter()
        .filter(|c| ctx.at < c.not_before || ctx.at > c.not_after)
        .map(|c| {
            format!(
                "CN={} is out of date (valid {} to {})",
                c.cn,
                iso8601(c.not_before),
                iso8601(c.not_after)
            )
        })
        .collect();
    if !stale.is_empty() {
        text.push_str(&format!("; also, {}", stale.join(", ")));
    }
    text
}

/// The last certificate of the ordered part of the presented chain.
fn top_of_chain(presented: &[CertSummary]) -> &CertSummary {
    let mut top = &presented[0];
    for c in &presented[1..] {
        if c.subject == top.issuer && !top.self_issued {
            top = c;
        } else {
            break;
        }
    }
    top
}

/// The diagnosis for a host name mismatch.
pub(crate) fn hostname(ctx: &Context<'_>, pinned_leaf: bool) -> String {
    let Some(leaf) = ctx.presented.first() else {
        return "the server presented no certificate".into();
    };
    let names = if leaf.dns_names.is_empty() {
        format!("has no DNS names (its CN is {})", leaf.cn)
    } else {
        format!("is for {}", leaf.dns_names.join(", "))
    };
    format!(
        "the server's leaf ({}) {names}, not {} (the host of the Base URL){}; use a Base URL whose host is on the certificate, or serve a certificate for {}",
        leaf.label(),
        ctx.host,
        if pinned_leaf {
            "; the host name is checked even for a pinned leaf"
        } else {
            ""
        },
        ctx.host
    )
}
