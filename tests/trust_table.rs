//! The measured JDK truth table (one imported certificate, OpenJDK 17), row by row, each over a
//! real TLS handshake on loopback: a tokio-rustls server presents the row's chain, the plug-in's
//! client trusts only through `PinnedVerifier` at the simulated time.

use std::sync::{Arc, OnceLock};

use rsa_verify_sim::clock::SimClock;
use rsa_verify_sim::pki::{client_config, Pki, PkiSpec};
use rsa_verify_sim::plugin::trust::{PinnedVerifier, TrustRejection};
use rustls_pki_types::ServerName;
use time::macros::datetime;
use time::OffsetDateTime;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const NOW: OffsetDateTime = datetime!(2026-01-15 09:00 UTC);

const BUILDING: &str = "PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target";
const VALIDATION: &str = "PKIX path validation failed: java.security.cert.CertPathValidatorException: validity check failed";
const EXPIRED: &str = "java.security.cert.CertificateExpiredException: NotAfter: ";
const NOT_YET_VALID: &str = "java.security.cert.CertificateNotYetValidException: NotBefore: ";
const HOSTNAME: &str = "No subject alternative DNS name matching localhost found.";

/// One PKI for the whole table (keys are random; generating once keeps the rows consistent).
fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        Pki::generate("localhost", &PkiSpec::default(), NOW).expect("PKI generation")
    })
}

/// Serves `served` on a loopback port, connects as `https://localhost` trusting only `imported`,
/// and returns the client's result (one byte echoed back) and the verifier's last rejection.
async fn handshake(
    imported: &str,
    served: &[&str],
) -> (Result<(), String>, Option<TrustRejection>) {
    handshake_at(imported, served, NOW).await
}

/// [`handshake`] with the simulated clock at `at`.
async fn handshake_at(
    imported: &str,
    served: &[&str],
    at: OffsetDateTime,
) -> (Result<(), String>, Option<TrustRejection>) {
    let pki = pki();
    let server = pki.server_config_for(served).expect("server config");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let acceptor = tokio_rustls::TlsAcceptor::from(server);
    let server_task = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.expect("accept");
        if let Ok(mut tls) = acceptor.accept(tcp).await {
            let mut b = [0u8; 1];
            if tls.read_exact(&mut b).await.is_ok() {
                let _ = tls.write_all(&b).await;
                let _ = tls.shutdown().await;
            }
        }
    });

    let imported = pki.get(imported).expect("imported name").der.clone();
    let verifier = PinnedVerifier::new(Some(imported), SimClock::starting_at(at), true);
    let connector = tokio_rustls::TlsConnector::from(client_config(Arc::clone(&verifier)));
    let tcp = TcpStream::connect(addr).await.expect("connect");
    let name = ServerName::try_from("localhost").expect("server name");
    let result = match connector.connect(name, tcp).await {
        Ok(mut tls) => {
            let mut b = [0u8; 1];
            let exchanged = async {
                tls.write_all(b"x").await?;
                tls.read_exact(&mut b).await?;
                Ok::<_, std::io::Error>(())
            };
            exchanged.await.map_err(|e| e.to_string())
        }
        Err(e) => Err(e.to_string()),
    };
    let _ = server_task.await;
    (result, verifier.last_rejection())
}

async fn assert_accepted(imported: &str, served: &[&str]) {
    let (result, rejection) = handshake(imported, served).await;
    assert_eq!(result, Ok(()), "rejection: {rejection:?}");
    assert_eq!(rejection, None);
}

/// Asserts a refused handshake whose Java message contains every one of `phrases`.
async fn assert_rejected(imported: &str, served: &[&str], phrases: &[&str]) -> TrustRejection {
    let (result, rejection) = handshake(imported, served).await;
    let err = result.expect_err("the handshake should fail");
    let rejection = rejection.expect("the verifier should remember why");
    assert!(
        err.contains(&rejection.java_message),
        "client error {err:?} should carry the Java message"
    );
    for p in phrases {
        assert!(
            rejection.java_message.contains(p),
            "{:?} should contain {p:?}",
            rejection.java_message
        );
    }
    assert!(!rejection.diagnosis.is_empty());
    rejection
}

#[tokio::test]
async fn row_01_pinned_root_accepts_leaf_and_intermediate() {
    assert_accepted("root", &["leaf", "intermediate"]).await;
}

#[tokio::test]
async fn row_02_pinned_intermediate_accepts_leaf_and_intermediate() {
    assert_accepted("intermediate", &["leaf", "intermediate"]).await;
}

#[tokio::test]
async fn row_03_pinned_leaf_accepts_leaf_and_intermediate() {
    assert_accepted("leaf", &["leaf", "intermediate"]).await;
}

#[tokio::test]
async fn row_04_pinned_leaf_accepts_the_leaf_alone() {
    assert_accepted("leaf", &["leaf"]).await;
}

#[tokio::test]
async fn row_05_pinned_root_rejects_a_leaf_without_its_intermediate() {
    let r = assert_rejected("root", &["leaf"], &[BUILDING]).await;
    assert!(r.diagnosis.contains("only its leaf"), "{}", r.diagnosis);
}

#[tokio::test]
async fn row_06_pinned_intermediate_accepts_the_leaf_alone() {
    assert_accepted("intermediate", &["leaf"]).await;
}

#[tokio::test]
async fn row_07_pinned_leaf_rejects_a_reissued_leaf() {
    let r = assert_rejected("leaf", &["leaf_reissued", "intermediate"], &[BUILDING]).await;
    assert!(
        r.diagnosis
            .starts_with("the pinned leaf (CN=localhost, SHA-256 "),
        "{}",
        r.diagnosis
    );
}

#[tokio::test]
async fn row_08_pinned_root_accepts_a_reissued_leaf() {
    assert_accepted("root", &["leaf_reissued", "intermediate"]).await;
}

#[tokio::test]
async fn row_09_pinned_root_rejects_an_expired_leaf() {
    let r = assert_rejected(
        "root",
        &["leaf_expired", "intermediate"],
        &[VALIDATION, EXPIRED],
    )
    .await;
    let date = rsa_verify_sim::pki::info::java_date(pki().get("leaf_expired").unwrap().not_after);
    assert!(
        r.java_message.ends_with(&format!("NotAfter: {date})")),
        "{}",
        r.java_message
    );
}

#[tokio::test]
async fn row_10_pinned_expired_leaf_is_accepted_without_a_date_check() {
    assert_accepted("leaf_expired", &["leaf_expired", "intermediate"]).await;
}

#[tokio::test]
async fn row_11_pinned_root_rejects_a_not_yet_valid_leaf() {
    assert_rejected(
        "root",
        &["leaf_not_yet_valid", "intermediate"],
        &[VALIDATION, NOT_YET_VALID],
    )
    .await;
}

#[tokio::test]
async fn row_12_pinned_root_rejects_a_leaf_for_another_host() {
    assert_rejected("root", &["leaf_wrong_host", "intermediate"], &[HOSTNAME]).await;
}

#[tokio::test]
async fn row_13_pinned_leaf_for_another_host_is_still_host_checked() {
    let r = assert_rejected(
        "leaf_wrong_host",
        &["leaf_wrong_host", "intermediate"],
        &[HOSTNAME],
    )
    .await;
    assert!(
        r.diagnosis.contains("even for a pinned leaf"),
        "{}",
        r.diagnosis
    );
}

#[tokio::test]
async fn row_14_pinned_root_rejects_an_expired_intermediate() {
    let r = assert_rejected(
        "root",
        &["leaf_under_expired_intermediate", "intermediate_expired"],
        &[VALIDATION, EXPIRED],
    )
    .await;
    assert!(
        r.diagnosis.starts_with("the intermediate the server sends"),
        "{}",
        r.diagnosis
    );
}

#[tokio::test]
async fn row_15_an_unrelated_root_rejects_the_chain() {
    assert_rejected("unrelated_root", &["leaf", "intermediate"], &[BUILDING]).await;
}

#[tokio::test]
async fn row_16_pinned_self_signed_leaf_is_accepted() {
    assert_accepted("leaf_self_signed", &["leaf_self_signed"]).await;
}

#[tokio::test]
async fn row_17_pinned_expired_self_signed_leaf_is_accepted() {
    assert_accepted("leaf_self_signed_expired", &["leaf_self_signed_expired"]).await;
}

#[tokio::test]
async fn row_18_an_expired_root_still_anchors_a_valid_chain() {
    assert_accepted(
        "root_expired",
        &["leaf_under_expired_root", "intermediate_under_expired_root"],
    )
    .await;
}

#[tokio::test]
async fn row_19_pinned_intermediate_rejects_an_expired_leaf() {
    assert_rejected(
        "intermediate",
        &["leaf_expired", "intermediate"],
        &[VALIDATION, EXPIRED],
    )
    .await;
}

#[tokio::test]
async fn row_20_pinned_root_accepts_a_chain_that_includes_the_root() {
    assert_accepted("root", &["leaf", "intermediate", "root"]).await;
}

#[tokio::test]
async fn the_simulated_clock_not_the_wall_clock_decides_expiry() {
    let leaf = pki().get("leaf").unwrap();
    let (ok, _) = handshake_at("root", &["leaf", "intermediate"], leaf.not_after).await;
    assert_eq!(ok, Ok(()));
    let later = leaf.not_after + time::Duration::seconds(1);
    let (result, rejection) = handshake_at("root", &["leaf", "intermediate"], later).await;
    assert!(result.is_err());
    let r = rejection.expect("rejection");
    assert!(r.java_message.contains(EXPIRED), "{}", r.java_message);
    // A pinned leaf does not care.
    let (ok, _) = handshake_at("leaf", &["leaf", "intermediate"], later).await;
    assert_eq!(ok, Ok(()));
}
