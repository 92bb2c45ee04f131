//! Certificate chains made with rcgen: root -> intermediate -> leaf for the Base URL's host.
//! (Skeleton: the issue-4 implementation deepens this; `Pki::generate`, `Pki::get` and `Issued`
//! are the contract the rest of the crate uses.)

use std::collections::BTreeMap;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use serde::Deserialize;
use time::{Duration, OffsetDateTime};

/// One generated certificate with its private key.
#[derive(Clone, Debug)]
pub struct Issued {
    /// Name in the scenario (`root`, `intermediate`, `leaf`, ...).
    pub name: String,
    pub der: CertificateDer<'static>,
    pub pem: String,
    /// PKCS#8 private key. A secret: never printed.
    pub key_pkcs8: Vec<u8>,
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
}

impl Issued {
    /// The private key in the form rustls wants.
    pub fn private_key(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key_pkcs8.clone()))
    }
}

/// The `[tls]` table of a scenario: how the chain is made.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PkiSpec {
    /// Host name on the leaf (default: the Base URL's host).
    #[serde(default)]
    pub leaf_host: Option<String>,
}

/// A failure to build certificates.
#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    #[error("could not generate certificate {name:?}: {source}")]
    Generate { name: String, source: rcgen::Error },
}

/// Every certificate of a scenario, by name.
#[derive(Clone, Debug, Default)]
pub struct Pki {
    certs: BTreeMap<String, Issued>,
}

impl Pki {
    /// Builds root -> intermediate -> leaf for `host`, valid from a day before `now` for a year.
    pub fn generate(host: &str, spec: &PkiSpec, now: OffsetDateTime) -> Result<Pki, PkiError> {
        let host = spec.leaf_host.as_deref().unwrap_or(host);
        let from = now - Duration::days(1);
        let to = now + Duration::days(365);
        let root_key = key("root")?;
        let mut root_params = ca_params("Simulated Root CA", from, to + Duration::days(3650));
        root_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let root_cert = root_params
            .self_signed(&root_key)
            .map_err(gen_err("root"))?;
        let root_issuer = Issuer::new(root_params, &root_key);

        let int_key = key("intermediate")?;
        let int_params = ca_params("Simulated Intermediate CA", from, to + Duration::days(1825));
        let int_cert = int_params
            .signed_by(&int_key, &root_issuer)
            .map_err(gen_err("intermediate"))?;
        let int_issuer = Issuer::new(int_params, &int_key);

        let leaf_key = key("leaf")?;
        let mut leaf_params =
            CertificateParams::new(vec![host.to_string()]).map_err(gen_err("leaf"))?;
        leaf_params
            .distinguished_name
            .push(DnType::CommonName, host);
        leaf_params.not_before = from;
        leaf_params.not_after = to;
        let leaf_cert = leaf_params
            .signed_by(&leaf_key, &int_issuer)
            .map_err(gen_err("leaf"))?;

        let mut certs = BTreeMap::new();
        for (name, cert, k, nb, na) in [
            (
                "root",
                root_cert,
                &root_key,
                from,
                to + Duration::days(3650),
            ),
            (
                "intermediate",
                int_cert,
                &int_key,
                from,
                to + Duration::days(1825),
            ),
            ("leaf", leaf_cert, &leaf_key, from, to),
        ] {
            certs.insert(
                name.to_string(),
                Issued {
                    name: name.to_string(),
                    pem: cert.pem(),
                    der: cert.der().clone(),
                    key_pkcs8: k.serialize_der(),
                    not_before: nb,
                    not_after: na,
                },
            );
        }
        Ok(Pki { certs })
    }

    /// A certificate by name.
    pub fn get(&self, name: &str) -> Option<&Issued> {
        self.certs.get(name)
    }

    /// Every certificate name, sorted.
    pub fn names(&self) -> Vec<String> {
        self.certs.keys().cloned().collect()
    }
}

fn key(name: &str) -> Result<KeyPair, PkiError> {
    KeyPair::generate().map_err(gen_err(name))
}

fn gen_err(name: &str) -> impl Fn(rcgen::Error) -> PkiError + '_ {
    move |source| PkiError::Generate {
        name: name.to_string(),
        source,
    }
}

fn ca_params(cn: &str, from: OffsetDateTime, to: OffsetDateTime) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name.push(DnType::CommonName, cn);
    p.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    p.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    p.not_before = from;
    p.not_after = to;
    p
}
