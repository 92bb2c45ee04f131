//! decide() without TLS: the 20 measured rows plus the JDK routes the table does not cover.

use rcgen::{CertificateParams, DnType, ExtendedKeyUsagePurpose, Issuer, KeyPair, KeyUsagePurpose};
use rustls_pki_types::CertificateDer;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use super::*;
use crate::pki::{Pki, PkiSpec};

const NOW: OffsetDateTime = datetime!(2026-01-15 09:00 UTC);

fn pki() -> &'static Pki {
    static PKI: std::sync::OnceLock<Pki> = std::sync::OnceLock::new();
    PKI.get_or_init(|| Pki::generate("localhost", &PkiSpec::default(), NOW).unwrap())
}

fn run(imported: &str, served: &[&str]) -> Assessment {
    let p = pki();
    let imported = p.get(imported).unwrap().der.clone();
    let chain = p.chain(served).unwrap();
    assess(Some(&imported), &chain, "localhost", NOW, true)
}

fn accepted(imported: &str, served: &[&str]) {
    let a = run(imported, served);
    assert!(a.accepted, "{imported} / {served:?}: {:?}", a.rejection);
}

fn rejected(imported: &str, served: &[&str], kind: RejectionKind, phrase: &str) -> TrustRejection {
    let a = run(imported, served);
    assert_eq!(
        a.kind,
        Some(kind),
        "{imported} / {served:?}: {:?}",
        a.rejection
    );
    let r = a.rejection.unwrap();
    assert!(r.java_message.contains(phrase), "{}", r.java_message);
    r
}

const BUILD: &str = "PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target";

#[test]
fn the_twenty_measured_rows() {
    use RejectionKind::*;
    accepted("root", &["leaf", "intermediate"]); // 01
    accepted("intermediate", &["leaf", "intermediate"]); // 02
    accepted("leaf", &["leaf", "intermediate"]); // 03
    accepted("leaf", &["leaf"]); // 04
    rejected("root", &["leaf"], PathBuilding, BUILD); // 05
    accepted("intermediate", &["leaf"]); // 06
    rejected(
        "leaf",
        &["leaf_reissued", "intermediate"],
        PathBuilding,
        BUILD,
    ); // 07
    accepted("root", &["leaf_reissued", "intermediate"]); // 08
    rejected("root", &["leaf_expired", "intermediate"], Validity, "validity check failed (caused by java.security.cert.CertificateExpiredException: NotAfter: "); // 09
    accepted("leaf_expired", &["leaf_expired", "intermediate"]); // 10
    rejected(
        "root",
        &["leaf_not_yet_valid", "intermediate"],
        Validity,
        "java.security.cert.CertificateNotYetValidException: NotBefore: ",
    ); // 11
    rejected(
        "root",
        &["leaf_wrong_host", "intermediate"],
        Hostname,
        "No subject alternative DNS name matching localhost found.",
    ); // 12
    rejected(
        "leaf_wrong_host",
        &["leaf_wrong_host", "intermediate"],
        Hostname,
        "No subject alternative DNS name matching localhost found.",
    ); // 13
    rejected(
        "root",
        &["leaf_under_expired_intermediate", "intermediate_expired"],
        Validity,
        "CertificateExpiredException",
    ); // 14
    rejected(
        "unrelated_root",
        &["leaf", "intermediate"],
        PathBuilding,
        BUILD,
    ); // 15
    accepted("leaf_self_signed", &["leaf_self_signed"]); // 16
    accepted("leaf_self_signed_expired", &["leaf_self_signed_expired"]); // 17
    accepted(
        "root_expired",
        &["leaf_under_expired_root", "intermediate_under_expired_root"],
    ); // 18
    rejected(
        "intermediate",
        &["leaf_expired", "intermediate"],
        Validity,
        "CertificateExpiredException",
    ); // 19
    accepted("root", &["leaf", "intermediate", "root"]); // 20
}

#[test]
fn the_expiry_date_is_printed_like_java_date_to_string() {
    let r = rejected(
        "root",
        &["leaf_expired", "intermediate"],
        RejectionKind::Validity,
        "NotAfter",
    );
    let not_after = pki().get("leaf_expired").unwrap().not_after;
    assert_eq!(not_after, NOW - Duration::days(1));
    assert_eq!(
        r.java_message,
        "javax.net.ssl.SSLHandshakeException: PKIX path validation failed: java.security.cert.CertPathValidatorException: validity check failed (caused by java.security.cert.CertificateExpiredException: NotAfter: Wed Jan 14 09:00:00 UTC 2026)"
    );
    assert!(
        r.diagnosis
            .contains("the server's leaf (CN=localhost, SHA-256 "),
        "{}",
        r.diagnosis
    );
    assert!(
        r.diagnosis.contains("expired on 2026-01-14"),
        "{}",
        r.diagnosis
    );
}

#[test]
fn the_intermediate_nearest_the_anchor_is_reported_first() {
    let r = rejected(
        "root",
        &["leaf_under_expired_intermediate", "intermediate_expired"],
        RejectionKind::Validity,
        "NotAfter",
    );
    assert!(
        r.diagnosis.starts_with(
            "the intermediate the server sends (CN=Simulated Intermediate CA (expired)"
        ),
        "{}",
        r.diagnosis
    );
}

#[test]
fn a_pinned_leaf_that_was_rotated_is_explained_with_both_fingerprints() {
    let r = rejected(
        "leaf",
        &["leaf_reissued", "intermediate"],
        RejectionKind::PathBuilding,
        BUILD,
    );
    assert!(
        r.diagnosis
            .starts_with("the pinned leaf (CN=localhost, SHA-256 "),
        "{}",
        r.diagnosis
    );
    assert!(r.diagnosis.contains("re-issued"), "{}", r.diagnosis);
    assert!(
        r.diagnosis
            .contains("import the root or intermediate CA instead"),
        "{}",
        r.diagnosis
    );
}

#[test]
fn a_missing_intermediate_is_named() {
    let r = rejected("root", &["leaf"], RejectionKind::PathBuilding, BUILD);
    assert!(r.diagnosis.contains("only its leaf"), "{}", r.diagnosis);
    assert!(
        r.diagnosis.contains("Simulated Intermediate CA"),
        "{}",
        r.diagnosis
    );
}

#[test]
fn a_pinned_intermediate_breaks_when_the_ca_reissues_it_and_a_root_survives() {
    rejected(
        "intermediate",
        &["leaf_under_reissued_intermediate", "intermediate_reissued"],
        RejectionKind::PathBuilding,
        BUILD,
    );
    accepted(
        "root",
        &["leaf_under_reissued_intermediate", "intermediate_reissued"],
    );
    let r = rejected(
        "root",
        &["leaf_under_new_root", "intermediate_under_new_root"],
        RejectionKind::PathBuilding,
        BUILD,
    );
    assert!(
        r.diagnosis.contains("Simulated Root CA G2"),
        "{}",
        r.diagnosis
    );
}

#[test]
fn an_expired_leaf_without_its_intermediate_is_a_building_failure_as_in_java() {
    // Java only validates directly when the chain reaches the anchor; otherwise the builder
    // fails and says "unable to find valid certification path", whatever the dates.
    let r = rejected(
        "root",
        &["leaf_expired"],
        RejectionKind::PathBuilding,
        BUILD,
    );
    assert!(r.diagnosis.contains("out of date"), "{}", r.diagnosis);
}

#[test]
fn an_unordered_chain_is_built() {
    accepted("root", &["leaf", "root", "intermediate"]);
    rejected(
        "root",
        &["leaf_expired", "root", "intermediate"],
        RejectionKind::PathBuilding,
        BUILD,
    );
}

#[test]
fn nothing_imported_refuses_with_rsa_and_java_words() {
    let chain = pki().chain(&["leaf", "intermediate"]).unwrap();
    let r = decide(None, &chain, "localhost", NOW, true).unwrap_err();
    assert!(
        r.diagnosis
            .starts_with("no certificate imported: RSA disables the HTTPS connection"),
        "{}",
        r.diagnosis
    );
    assert!(
        r.java_message
            .contains("the trustAnchors parameter must be non-empty"),
        "{}",
        r.java_message
    );
}

#[test]
fn the_host_name_check_can_be_switched_off_and_ip_hosts_use_ip_entries() {
    let p = pki();
    let root = p.get("root").unwrap().der.clone();
    let chain = p.chain(&["leaf_wrong_host", "intermediate"]).unwrap();
    assert!(decide(Some(&root), &chain, "localhost", NOW, false).is_ok());
    let chain = p.chain(&["leaf", "intermediate"]).unwrap();
    let r = decide(Some(&root), &chain, "127.0.0.1", NOW, true).unwrap_err();
    assert!(
        r.java_message
            .contains("No subject alternative names matching IP address 127.0.0.1 found"),
        "{}",
        r.java_message
    );
}

#[test]
fn the_anchor_dates_never_matter_and_path_dates_are_checked_at_the_given_instant() {
    let p = pki();
    let root = p.get("root").unwrap();
    let chain = p.chain(&["leaf", "intermediate"]).unwrap();
    let leaf = p.get("leaf").unwrap();
    assert!(decide(Some(&root.der), &chain, "localhost", leaf.not_after, true).is_ok());
    let r = decide(
        Some(&root.der),
        &chain,
        "localhost",
        leaf.not_after + Duration::seconds(1),
        true,
    )
    .unwrap_err();
    assert!(
        r.java_message.contains("CertificateExpiredException"),
        "{}",
        r.java_message
    );
    // Far past the root's own NotAfter the root still anchors a chain whose members are in date.
    let late = root.not_after + Duration::days(10);
    let r = decide(Some(&root.der), &chain, "localhost", late, true).unwrap_err();
    assert!(
        r.diagnosis.contains("the intermediate the server sends")
            || r.diagnosis.contains("the server's leaf"),
        "{}",
        r.diagnosis
    );
}

/// Leaf and CA made by hand for the cases rcgen's defaults do not produce.
fn custom_leaf(
    issuer: &Issuer<'_, KeyPair>,
    key: &KeyPair,
    serial: u64,
    ku: Vec<KeyUsagePurpose>,
    eku: Vec<ExtendedKeyUsagePurpose>,
) -> CertificateDer<'static> {
    let mut p = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    p.distinguished_name.push(DnType::CommonName, "localhost");
    p.not_before = NOW - Duration::days(1);
    p.not_after = NOW + Duration::days(30);
    p.serial_number = Some(serial.into());
    p.key_usages = ku;
    p.extended_key_usages = eku;
    p.signed_by(key, issuer).unwrap().der().clone()
}

/// A self-signed CA named `cn`, with the given key and serial or fresh ones.
fn hand_made_ca(
    cn: &str,
    key: Option<(&KeyPair, u64)>,
) -> (CertificateDer<'static>, Issuer<'static, KeyPair>) {
    let (key, serial) = match key {
        Some((k, s)) => (
            KeyPair::from_pkcs8_der_and_sign_algo(
                &k.serialize_der().as_slice().into(),
                &rcgen::PKCS_ECDSA_P256_SHA256,
            )
            .unwrap(),
            s,
        ),
        None => (KeyPair::generate().unwrap(), 1),
    };
    let mut p = CertificateParams::default();
    p.distinguished_name.push(DnType::CommonName, cn);
    p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    p.not_before = NOW - Duration::days(1);
    p.not_after = NOW + Duration::days(30);
    p.serial_number = Some(serial.into());
    let der = p.self_signed(&key).unwrap().der().clone();
    (der, Issuer::new(p, key))
}

#[test]
fn a_leaf_reissued_with_the_same_name_and_key_is_not_the_pinned_leaf() {
    // JDK 17 trusts a leaf as is only when it is the very certificate imported.
    let (_, ca) = hand_made_ca("Hand CA", None);
    let key = KeyPair::generate().unwrap();
    let old = custom_leaf(&ca, &key, 1, vec![], vec![]);
    let renewed = custom_leaf(&ca, &key, 2, vec![], vec![]);
    assert_ne!(old, renewed);
    let r = decide(Some(&old), &[renewed], "localhost", NOW, true).unwrap_err();
    assert!(r.java_message.contains(BUILD), "{}", r.java_message);
}

#[test]
fn a_ca_certificate_re_signed_with_the_same_name_and_key_is_still_trusted() {
    let key = KeyPair::generate().unwrap();
    let (pinned, _) = hand_made_ca("Hand CA", Some((&key, 1)));
    let (resigned, ca) = hand_made_ca("Hand CA", Some((&key, 2)));
    assert_ne!(pinned, resigned);
    let leaf = custom_leaf(&ca, &KeyPair::generate().unwrap(), 3, vec![], vec![]);
    assert!(decide(Some(&pinned), &[leaf, resigned], "localhost", NOW, true).is_ok());
}

#[test]
fn a_re_keyed_ca_with_the_same_name_fails_validation_not_building() {
    // The route to validation only compares names; the anchor's key then decides.
    let (pinned, _) = hand_made_ca("Hand CA", None);
    let (_, rekeyed) = hand_made_ca("Hand CA", None);
    let key = KeyPair::generate().unwrap();
    let mut p = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    p.distinguished_name.push(DnType::CommonName, "localhost");
    p.not_before = NOW - Duration::days(1);
    p.not_after = NOW + Duration::days(30);
    let without_aki = p.signed_by(&key, &rekeyed).unwrap().der().clone();
    p.use_authority_key_identifier_extension = true;
    let with_aki = p.signed_by(&key, &rekeyed).unwrap().der().clone();
    let r = decide(Some(&pinned), &[without_aki], "localhost", NOW, true).unwrap_err();
    assert!(r.java_message.contains("PKIX path validation failed: java.security.cert.CertPathValidatorException: signature check failed"), "{}", r.java_message);
    let r = decide(Some(&pinned), &[with_aki], "localhost", NOW, true).unwrap_err();
    assert!(r.java_message.contains("PKIX path validation failed: java.security.cert.CertPathValidatorException: Path does not chain with any of the trust anchors"), "{}", r.java_message);
    assert!(
        r.diagnosis.contains("re-issued with a new key"),
        "{}",
        r.diagnosis
    );
}

#[test]
fn a_path_must_end_at_a_ca() {
    // A leaf that (wrongly) signs another certificate cannot anchor it.
    let (_, ca) = hand_made_ca("Hand CA", None);
    let leaf_key = KeyPair::generate().unwrap();
    let mut lp = CertificateParams::new(vec!["signer.localhost".to_string()]).unwrap();
    lp.distinguished_name.push(DnType::CommonName, "signer");
    lp.is_ca = rcgen::IsCa::ExplicitNoCa;
    lp.not_before = NOW - Duration::days(1);
    lp.not_after = NOW + Duration::days(30);
    let signer = lp.signed_by(&leaf_key, &ca).unwrap().der().clone();
    let below = custom_leaf(
        &Issuer::new(lp, leaf_key),
        &KeyPair::generate().unwrap(),
        5,
        vec![],
        vec![],
    );
    let r = decide(Some(&signer), &[below], "localhost", NOW, true).unwrap_err();
    assert!(r.java_message.contains("PKIX path validation failed: sun.security.validator.ValidatorException: TrustAnchor with subject \"CN=signer\" is not a CA certificate"), "{}", r.java_message);
}

#[test]
fn a_leaf_cannot_issue_and_eku_must_allow_tls_servers() {
    let (ca_der, ca) = hand_made_ca("Hand CA", None);
    let leaf_key = KeyPair::generate().unwrap();
    let mut lp = CertificateParams::new(vec!["issuer.localhost".to_string()]).unwrap();
    lp.distinguished_name.push(DnType::CommonName, "not a CA");
    lp.not_before = NOW - Duration::days(1);
    lp.not_after = NOW + Duration::days(30);
    let leaf_der = lp.signed_by(&leaf_key, &ca).unwrap().der().clone();
    let leaf_issuer = Issuer::new(lp, leaf_key);
    let below = custom_leaf(
        &leaf_issuer,
        &KeyPair::generate().unwrap(),
        3,
        vec![],
        vec![],
    );
    let r = decide(Some(&ca_der), &[below, leaf_der], "localhost", NOW, true).unwrap_err();
    assert!(r.java_message.contains("PKIX path validation failed: java.security.cert.CertPathValidatorException: basic constraints check failed: this is not a CA certificate"), "{}", r.java_message);

    let client_only = custom_leaf(
        &ca,
        &KeyPair::generate().unwrap(),
        4,
        vec![],
        vec![ExtendedKeyUsagePurpose::ClientAuth],
    );
    let r = decide(Some(&ca_der), &[client_only], "localhost", NOW, true).unwrap_err();
    assert!(
        r.java_message
            .ends_with("Extended key usage does not permit use for TLS server authentication"),
        "{}",
        r.java_message
    );
}

#[test]
fn garbage_is_refused_without_panicking() {
    let junk = CertificateDer::from(vec![0x30, 0x03, 1, 2, 3]);
    let r = decide(
        Some(&junk),
        std::slice::from_ref(&junk),
        "localhost",
        NOW,
        true,
    )
    .unwrap_err();
    assert!(
        r.java_message.contains("CertificateParsingException"),
        "{}",
        r.java_message
    );
    let root = pki().get("root").unwrap().der.clone();
    assert!(decide(Some(&root), &[junk], "localhost", NOW, true).is_err());
    assert!(decide(Some(&root), &[], "localhost", NOW, true).is_err());
}
