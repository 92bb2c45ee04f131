//! Loading certificates and keys from files, with errors that say which file, which block and
//! what was expected. A small PEM reader of our own (rather than rustls-pemfile) because the
//! errors must name blocks it silently skips, such as a `PRIVATE KEY` where a certificate belongs.
//! A file without any PEM block that starts like DER (`0x30`) is read as one DER certificate, as
//! keytool and RSA's import page accept `.cer` files in both forms.

use std::path::{Path, PathBuf};

use base64::Engine;
use rustls_pki_types::{
    CertificateDer, PrivateKeyDer, PrivatePkcs1KeyDer, PrivatePkcs8KeyDer, PrivateSec1KeyDer,
};
use x509_parser::prelude::{FromDer, X509Certificate};

/// Why a certificate or key file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum PemError {
    /// The file could not be read.
    #[error("{file}: cannot read: {source}")]
    Read {
        /// The file.
        file: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Something is wrong with the content.
    #[error("{file}: {problem}")]
    Content {
        /// The file (or a label such as `<inline>`).
        file: PathBuf,
        /// What was wrong, e.g. `expected a PEM CERTIFICATE block, found a PRIVATE KEY block`.
        problem: String,
    },
}

/// One `-----BEGIN X-----` ... `-----END X-----` block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// The label (`CERTIFICATE`, `PRIVATE KEY`, ...).
    pub label: String,
    /// The decoded content.
    pub der: Vec<u8>,
    /// 1-based line of the BEGIN line.
    pub line: usize,
}

/// Encodes `der` as a PEM block with 64-character lines.
pub fn encode_block(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// Splits PEM text into blocks. Text outside blocks (openssl's `subject=` lines, comments) is
/// ignored, as openssl and keytool do.
pub fn parse_blocks(text: &str) -> Result<Vec<Block>, String> {
    let mut blocks = Vec::new();
    let mut current: Option<(String, usize, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let lineno = i + 1;
        if let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        {
            if let Some((open, at, _)) = &current {
                return Err(format!(
                    "line {lineno}: BEGIN {label} inside the {open} block opened on line {at} (missing END line)"
                ));
            }
            current = Some((label.to_string(), lineno, String::new()));
        } else if let Some(label) = line
            .strip_prefix("-----END ")
            .and_then(|l| l.strip_suffix("-----"))
        {
            let Some((open, at, body)) = current.take() else {
                return Err(format!("line {lineno}: END {label} without a BEGIN line"));
            };
            if open != label {
                return Err(format!(
                    "line {lineno}: END {label} closes the {open} block opened on line {at}"
                ));
            }
            let der = base64::engine::general_purpose::STANDARD
                .decode(body.as_bytes())
                .map_err(|e| format!("the {open} block on line {at} is not valid base64: {e}"))?;
            blocks.push(Block {
                label: open,
                der,
                line: at,
            });
        } else if let Some((open, at, body)) = current.as_mut() {
            if line.contains(':') {
                return Err(format!(
                    "line {lineno}: the {open} block opened on line {at} has headers ({line:?}); encrypted or legacy PEM is not supported"
                ));
            }
            body.push_str(line);
        }
    }
    if let Some((open, at, _)) = current {
        return Err(format!(
            "the {open} block opened on line {at} has no END line (file cut short?)"
        ));
    }
    Ok(blocks)
}

/// Every certificate in `bytes` (PEM with one or more `CERTIFICATE` blocks, or one DER
/// certificate), in file order, each checked to be a parseable X.509 certificate.
/// `file` only names the source in errors.
pub fn parse_certificates(
    file: &Path,
    bytes: &[u8],
) -> Result<Vec<CertificateDer<'static>>, PemError> {
    let err = |problem: String| PemError::Content {
        file: file.to_path_buf(),
        problem,
    };
    let ders: Vec<Vec<u8>> = if looks_like_der(bytes) {
        vec![bytes.to_vec()]
    } else {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| err("not PEM text and not a DER certificate".into()))?;
        let blocks = parse_blocks(text).map_err(err)?;
        if blocks.is_empty() {
            return Err(err(
                "no PEM block found (expected -----BEGIN CERTIFICATE-----)".into(),
            ));
        }
        let mut ders = Vec::new();
        for b in blocks {
            if b.label != "CERTIFICATE" {
                return Err(err(format!(
                    "expected a PEM CERTIFICATE block, found {} {} block on line {}",
                    article(&b.label),
                    b.label,
                    b.line
                )));
            }
            ders.push(b.der);
        }
        ders
    };
    ders.into_iter()
        .enumerate()
        .map(|(i, der)| match X509Certificate::from_der(&der) {
            Ok(([], _)) => Ok(CertificateDer::from(der)),
            Ok((rest, _)) => Err(err(format!(
                "certificate {} is not valid DER: {} bytes of trailing data",
                i + 1,
                rest.len()
            ))),
            Err(e) => Err(err(format!("certificate {} is not valid DER: {e}", i + 1))),
        })
        .collect()
}

/// Reads every certificate of a file (see [`parse_certificates`]).
pub fn load_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, PemError> {
    let bytes = std::fs::read(path).map_err(|source| PemError::Read {
        file: path.to_path_buf(),
        source,
    })?;
    parse_certificates(path, &bytes)
}

/// Reads a file that must hold exactly one certificate: what an administrator imports into RSA.
pub fn load_certificate(path: &Path) -> Result<CertificateDer<'static>, PemError> {
    let mut certs = load_certificates(path)?;
    if certs.len() != 1 {
        let names: Vec<String> = certs
            .iter()
            .map(|c| {
                super::info::summarize(c)
                    .map(|s| format!("CN={}", s.cn))
                    .unwrap_or_else(|_| "?".into())
            })
            .collect();
        return Err(PemError::Content {
            file: path.to_path_buf(),
            problem: format!(
                "expected one certificate (RSA imports a single certificate), found {}: {}; keep only the one to import",
                certs.len(),
                names.join(", ")
            ),
        });
    }
    Ok(certs.remove(0))
}

/// Reads a private key (`PRIVATE KEY`, `EC PRIVATE KEY` or `RSA PRIVATE KEY` block).
pub fn load_private_key(path: &Path) -> Result<PrivateKeyDer<'static>, PemError> {
    let bytes = std::fs::read(path).map_err(|source| PemError::Read {
        file: path.to_path_buf(),
        source,
    })?;
    let err = |problem: String| PemError::Content {
        file: path.to_path_buf(),
        problem,
    };
    let text = std::str::from_utf8(&bytes).map_err(|_| err("not PEM text".into()))?;
    let blocks = parse_blocks(text).map_err(err)?;
    let Some(b) = blocks.into_iter().next() else {
        return Err(err(
            "no PEM block found (expected -----BEGIN PRIVATE KEY-----)".into(),
        ));
    };
    match b.label.as_str() {
        "PRIVATE KEY" => Ok(PrivatePkcs8KeyDer::from(b.der).into()),
        "EC PRIVATE KEY" => Ok(PrivateSec1KeyDer::from(b.der).into()),
        "RSA PRIVATE KEY" => Ok(PrivatePkcs1KeyDer::from(b.der).into()),
        other => Err(err(format!(
            "expected a PEM PRIVATE KEY block, found {} {other} block on line {}",
            article(other),
            b.line
        ))),
    }
}

fn looks_like_der(bytes: &[u8]) -> bool {
    // A DER certificate is a SEQUENCE (0x30); PEM text never starts with that byte ('0' is 0x30
    // too, but then "-----BEGIN" would appear in the text).
    bytes.first() == Some(&0x30) && !bytes.windows(10).any(|w| w == b"-----BEGIN")
}

fn article(label: &str) -> &'static str {
    match label.chars().next() {
        Some('A' | 'E' | 'I' | 'O' | 'U') => "an",
        _ => "a",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("x.pem")
    }

    #[test]
    fn names_the_block_found_instead_of_a_certificate() {
        let text = encode_block("PRIVATE KEY", b"abc");
        let e = parse_certificates(p(), text.as_bytes())
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "x.pem: expected a PEM CERTIFICATE block, found a PRIVATE KEY block on line 1"
        );
    }

    #[test]
    fn empty_and_garbage_files_say_no_pem_block() {
        let e = parse_certificates(p(), b"hello\n").unwrap_err().to_string();
        assert!(e.contains("no PEM block found"), "{e}");
        let e = parse_certificates(p(), b"").unwrap_err().to_string();
        assert!(e.contains("no PEM block found"), "{e}");
    }

    #[test]
    fn a_certificate_block_with_bad_content_is_numbered() {
        let good = crate::pki::Pki::generate(
            "localhost",
            &crate::pki::PkiSpec::default(),
            time::macros::datetime!(2026-01-15 09:00 UTC),
        )
        .unwrap();
        let mut text = good.get("leaf").unwrap().pem.clone();
        text.push_str(&encode_block("CERTIFICATE", b"\x30\x03abc"));
        let e = parse_certificates(p(), text.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.contains("certificate 2 is not valid DER"), "{e}");
        // DER input works too.
        let der = good.get("leaf").unwrap().der.to_vec();
        assert_eq!(parse_certificates(p(), &der).unwrap().len(), 1);
    }

    #[test]
    fn truncated_and_bad_base64_blocks_are_explained() {
        let e = parse_blocks("-----BEGIN CERTIFICATE-----\nAAAA\n").unwrap_err();
        assert!(e.contains("no END line"), "{e}");
        let e = parse_blocks("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n")
            .unwrap_err();
        assert!(e.contains("not valid base64"), "{e}");
    }
}
