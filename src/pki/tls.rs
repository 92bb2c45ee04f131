//! rustls configurations for both ends of the plug-in's HTTPS connection, always with the ring
//! provider named explicitly (the process-wide default provider may not be installed).

use std::sync::Arc;

use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use super::PkiError;
use crate::plugin::trust::PinnedVerifier;

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A server configuration presenting `chain` (leaf first, exactly as given: the simulator must be
/// able to serve incomplete or odd chains) with `key`, the leaf's private key.
pub fn server_config(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<Arc<rustls::ServerConfig>, PkiError> {
    if chain.is_empty() {
        return Err(PkiError::EmptyChain);
    }
    let config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| PkiError::Tls(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| PkiError::Tls(e.to_string()))?;
    Ok(Arc::new(config))
}

/// The plug-in's client configuration: the server is trusted only through `verifier`.
pub fn client_config(verifier: Arc<PinnedVerifier>) -> Arc<rustls::ClientConfig> {
    let config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        // The ring provider supports every safe default version; failing here is a build defect.
        .expect("ring supports the default protocol versions")
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Arc::new(config)
}
