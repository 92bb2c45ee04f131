//! Generation: a table of certificate plans (name, issuer, role, window) turned into rcgen
//! certificates. Names, serial numbers and windows follow from the spec, the seed and the clock
//! alone; keys are fresh on every run because ring cannot derive keys from a seed.

use std::collections::HashMap;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SerialNumber,
};
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

use super::events::WRONG_HOST;
use super::spec::{KeyType, PkiSpec};
use super::{Issued, PkiError};

/// What a planned certificate is.
#[derive(Clone, Copy, Debug)]
enum Role {
    /// A self-signed CA without a path length limit.
    Root,
    /// A CA that may only issue leaves (pathLen 0), signed by the named CA.
    Intermediate { issuer: &'static str },
    /// A TLS server certificate for a host, signed by the named CA.
    Leaf {
        issuer: &'static str,
        host: HostChoice,
    },
    /// A TLS server certificate for the host that signs itself (not a CA).
    SelfSignedLeaf,
}

#[derive(Clone, Copy, Debug)]
enum HostChoice {
    Scenario,
    Wrong,
}

/// When a planned certificate is valid, relative to the clock.
#[derive(Clone, Copy, Debug)]
enum Window {
    /// The spec's window for the role.
    Normal,
    /// Same length as the normal window, ending a day before the clock.
    Expired,
    /// Same length as the normal window, starting a day after the clock.
    NotYetValid,
    /// Starting at the clock (a re-issue happens "now"), as long as the normal window lasts after it.
    FromNow,
}

struct Plan {
    name: &'static str,
    cn: &'static str,
    role: Role,
    window: Window,
}

const fn plan(name: &'static str, cn: &'static str, role: Role, window: Window) -> Plan {
    Plan {
        name,
        cn,
        role,
        window,
    }
}

const LEAF: Role = Role::Leaf {
    issuer: "intermediate",
    host: HostChoice::Scenario,
};

/// Every certificate, issuers before what they sign. `cn` is empty for leaves (their CN is the host).
const PLANS: &[Plan] = &[
    plan("root", "Simulated Root CA", Role::Root, Window::Normal),
    plan(
        "intermediate",
        "Simulated Intermediate CA",
        Role::Intermediate { issuer: "root" },
        Window::Normal,
    ),
    plan("leaf", "", LEAF, Window::Normal),
    plan("leaf_reissued", "", LEAF, Window::FromNow),
    plan(
        "intermediate_reissued",
        "Simulated Intermediate CA G2",
        Role::Intermediate { issuer: "root" },
        Window::FromNow,
    ),
    plan(
        "leaf_under_reissued_intermediate",
        "",
        Role::Leaf {
            issuer: "intermediate_reissued",
            host: HostChoice::Scenario,
        },
        Window::FromNow,
    ),
    plan(
        "root_new",
        "Simulated Root CA G2",
        Role::Root,
        Window::FromNow,
    ),
    plan(
        "intermediate_under_new_root",
        "Simulated Intermediate CA (Root G2)",
        Role::Intermediate { issuer: "root_new" },
        Window::FromNow,
    ),
    plan(
        "leaf_under_new_root",
        "",
        Role::Leaf {
            issuer: "intermediate_under_new_root",
            host: HostChoice::Scenario,
        },
        Window::FromNow,
    ),
    plan("leaf_expired", "", LEAF, Window::Expired),
    plan("leaf_not_yet_valid", "", LEAF, Window::NotYetValid),
    plan(
        "intermediate_expired",
        "Simulated Intermediate CA (expired)",
        Role::Intermediate { issuer: "root" },
        Window::Expired,
    ),
    plan(
        "leaf_under_expired_intermediate",
        "",
        Role::Leaf {
            issuer: "intermediate_expired",
            host: HostChoice::Scenario,
        },
        Window::Normal,
    ),
    plan(
        "leaf_wrong_host",
        "",
        Role::Leaf {
            issuer: "intermediate",
            host: HostChoice::Wrong,
        },
        Window::Normal,
    ),
    plan("leaf_self_signed", "", Role::SelfSignedLeaf, Window::Normal),
    plan(
        "leaf_self_signed_expired",
        "",
        Role::SelfSignedLeaf,
        Window::Expired,
    ),
    plan(
        "root_expired",
        "Simulated Expired Root CA",
        Role::Root,
        Window::Expired,
    ),
    plan(
        "intermediate_under_expired_root",
        "Simulated Intermediate CA (expired root)",
        Role::Intermediate {
            issuer: "root_expired",
        },
        Window::Normal,
    ),
    plan(
        "leaf_under_expired_root",
        "",
        Role::Leaf {
            issuer: "intermediate_under_expired_root",
            host: HostChoice::Scenario,
        },
        Window::Normal,
    ),
    plan(
        "unrelated_root",
        "Unrelated Root CA",
        Role::Root,
        Window::Normal,
    ),
];

/// Generates every planned certificate for `host`, windows relative to `now`.
pub(crate) fn generate_all(
    host: &str,
    spec: &PkiSpec,
    now: OffsetDateTime,
) -> Result<Vec<Issued>, PkiError> {
    spec.check().map_err(PkiError::Spec)?;
    if host.trim().is_empty() {
        return Err(PkiError::Spec("the leaf host name is empty".into()));
    }
    let alg = match spec.key {
        KeyType::EcdsaP256 => &rcgen::PKCS_ECDSA_P256_SHA256,
        KeyType::EcdsaP384 => &rcgen::PKCS_ECDSA_P384_SHA384,
        KeyType::Rsa2048 => {
            return Err(PkiError::UnsupportedKey(
                "key = \"rsa2048\" is not supported: the crypto backend (ring) cannot generate RSA keys; use key = \"ecdsa_p256\" (the default) or \"ecdsa_p384\"".into(),
            ))
        }
    };
    // Certificates carry whole seconds; keep Issued's dates equal to what is encoded.
    let now = now.replace_nanosecond(0).unwrap_or(now);
    // The seed shows in every subject so chains made from different seeds never share a name.
    let org = if spec.seed == PkiSpec::default().seed {
        "rsa-verify-sim".to_string()
    } else {
        format!("rsa-verify-sim (seed {})", spec.seed)
    };

    let mut issuers: HashMap<&'static str, (CertificateParams, KeyPair)> = HashMap::new();
    let mut out = Vec::with_capacity(PLANS.len());
    for p in PLANS {
        let (before, after) = match p.role {
            Role::Root => (spec.root_days_before, spec.root_days_after),
            Role::Intermediate { .. } => {
                (spec.intermediate_days_before, spec.intermediate_days_after)
            }
            Role::Leaf { .. } | Role::SelfSignedLeaf => {
                (spec.leaf_days_before, spec.leaf_days_after)
            }
        };
        let (not_before, not_after) = window(now, p.window, before, after).ok_or_else(|| {
            PkiError::Spec(format!(
                "the validity window of {} around {} is out of the representable date range",
                p.name,
                crate::clock::iso8601(now)
            ))
        })?;
        let key = KeyPair::generate_for(alg).map_err(gen_err(p.name))?;
        let mut params = match p.role {
            Role::Root | Role::Intermediate { .. } => ca_params(p.cn, &org, p.role),
            Role::Leaf { host: choice, .. } => {
                let h = match choice {
                    HostChoice::Scenario => host,
                    HostChoice::Wrong => WRONG_HOST,
                };
                leaf_params(h, &org).map_err(gen_err(p.name))?
            }
            Role::SelfSignedLeaf => leaf_params(host, &org).map_err(gen_err(p.name))?,
        };
        params.not_before = not_before;
        params.not_after = not_after;
        params.serial_number = Some(serial(&spec.seed, p.name));
        // Like public CAs, name the issuer's key in every issued certificate: the JDK uses the
        // authority key identifier to pick the anchor (a re-keyed CA with the same name then
        // fails with "Path does not chain with any of the trust anchors").
        params.use_authority_key_identifier_extension =
            matches!(p.role, Role::Intermediate { .. } | Role::Leaf { .. });
        let cert = match p.role {
            Role::Root | Role::SelfSignedLeaf => params.self_signed(&key),
            Role::Intermediate { issuer } | Role::Leaf { issuer, .. } => {
                let (iparams, ikey) = issuers.get(issuer).ok_or_else(|| {
                    PkiError::Spec(format!("internal: {issuer} planned after {}", p.name))
                })?;
                params.signed_by(&key, &Issuer::from_params(iparams, ikey))
            }
        }
        .map_err(gen_err(p.name))?;
        out.push(Issued {
            name: p.name.to_string(),
            der: cert.der().clone(),
            pem: cert.pem(),
            key_pkcs8: key.serialize_der(),
            not_before,
            not_after,
        });
        if matches!(p.role, Role::Root | Role::Intermediate { .. }) {
            issuers.insert(p.name, (params, key));
        }
    }
    Ok(out)
}

fn window(
    now: OffsetDateTime,
    w: Window,
    before: i64,
    after: i64,
) -> Option<(OffsetDateTime, OffsetDateTime)> {
    // Checked arithmetic: `now` may come from a user (`certs --now 9999-12-31`).
    let days = |d: i64| Duration::days(d);
    let length = days(before + after);
    // X.509 dates are years 0000 to 9999 (rcgen panics outside them, e.g. a clock at year 0
    // minus the root's 30 days before).
    let encodable = |t: &OffsetDateTime| (0..=9999).contains(&t.year());
    let dates = match w {
        Window::Normal => Some((
            now.checked_sub(days(before))?,
            now.checked_add(days(after))?,
        )),
        Window::Expired => {
            let end = now.checked_sub(days(1))?;
            Some((end.checked_sub(length)?, end))
        }
        Window::NotYetValid => {
            let start = now.checked_add(days(1))?;
            Some((start, start.checked_add(length)?))
        }
        Window::FromNow => Some((now, now.checked_add(days(after.max(1)))?)),
    };
    dates.filter(|(start, end)| encodable(start) && encodable(end))
}

/// A positive 16-byte serial derived from the seed and the certificate's name.
fn serial(seed: &str, name: &str) -> SerialNumber {
    let digest = Sha256::digest(format!("{seed}/{name}").as_bytes());
    let mut bytes = digest[..16].to_vec();
    // Clear the sign bit (serials are positive) and set the next one so the length stays 16 bytes.
    bytes[0] = (bytes[0] & 0x7f) | 0x40;
    SerialNumber::from_slice(&bytes)
}

fn ca_params(cn: &str, org: &str, role: Role) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name.push(DnType::CommonName, cn);
    p.distinguished_name.push(DnType::OrganizationName, org);
    p.is_ca = match role {
        Role::Intermediate { .. } => IsCa::Ca(BasicConstraints::Constrained(0)),
        _ => IsCa::Ca(BasicConstraints::Unconstrained),
    };
    p.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    p
}

fn leaf_params(host: &str, org: &str) -> Result<CertificateParams, rcgen::Error> {
    let mut p = CertificateParams::new(vec![host.to_string()])?;
    p.distinguished_name.push(DnType::CommonName, host);
    p.distinguished_name.push(DnType::OrganizationName, org);
    p.is_ca = IsCa::ExplicitNoCa;
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    Ok(p)
}

fn gen_err(name: &str) -> impl Fn(rcgen::Error) -> PkiError + '_ {
    move |source| PkiError::Generate {
        name: name.to_string(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{events, Pki};
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-01-15 09:00 UTC);

    #[test]
    fn every_event_certificate_exists_and_windows_follow_the_clock() {
        let pki = Pki::generate("localhost", &PkiSpec::default(), NOW).unwrap();
        for e in events::EVENTS {
            for c in e.certs {
                assert!(pki.get(c).is_some(), "{c}");
            }
        }
        let leaf = pki.get("leaf").unwrap();
        assert_eq!(leaf.not_before, NOW - Duration::days(1));
        assert_eq!(leaf.not_after, NOW + Duration::days(90));
        assert!(pki.get("leaf_expired").unwrap().not_after < NOW);
        assert!(pki.get("leaf_not_yet_valid").unwrap().not_before > NOW);
        assert!(pki.get("root_expired").unwrap().not_after < NOW);
        assert!(pki.get("intermediate_expired").unwrap().not_after < NOW);
    }

    #[test]
    fn serials_and_names_follow_the_seed() {
        let a = serial("s1", "leaf");
        assert_eq!(a, serial("s1", "leaf"));
        assert_ne!(a, serial("s2", "leaf"));
        assert_ne!(a, serial("s1", "leaf_reissued"));
    }

    #[test]
    fn rsa_is_refused_with_the_reason() {
        let spec = PkiSpec {
            key: KeyType::Rsa2048,
            ..PkiSpec::default()
        };
        let err = Pki::generate("localhost", &spec, NOW)
            .unwrap_err()
            .to_string();
        assert!(err.contains("cannot generate RSA keys"), "{err}");
    }

    #[test]
    fn unknown_names_are_listed() {
        let pki = Pki::generate("localhost", &PkiSpec::default(), NOW).unwrap();
        let err = pki.chain(&["leaf", "lef"]).unwrap_err().to_string();
        assert!(err.contains("\"lef\""), "{err}");
        assert!(err.contains("leaf_reissued"), "{err}");
    }
}
