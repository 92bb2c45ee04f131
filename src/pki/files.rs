//! Writing a PKI to a directory (the `certs` command): every file is written to a temporary file
//! in the same directory and renamed into place, so a crash never leaves half a PEM behind, and
//! nothing existing is replaced unless asked. Private keys are created with mode 0600.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::events::{Event, BASE_CERTS, BASE_SERVED};
use super::info::summarize;
use super::{Pki, PkiError};
use crate::clock::iso8601;

/// One file to write.
#[derive(Clone)]
pub struct OutputFile {
    /// File name inside the output directory.
    pub name: String,
    /// Contents (PEM).
    pub contents: String,
    /// A private key: mode 0600, contents never printed.
    pub secret: bool,
    /// One line on what the file is, for the listing.
    pub about: String,
}

impl std::fmt::Debug for OutputFile {
    // Contents are left out on purpose: a key's PEM must never reach a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutputFile")
            .field("name", &self.name)
            .field("secret", &self.secret)
            .field("about", &self.about)
            .finish()
    }
}

/// Why files could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// Files exist and `force` was not given.
    #[error("refusing to overwrite existing files (use --force): {}", .0.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
    Exists(Vec<PathBuf>),
    /// An I/O error on a path.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
}

/// The files for the base chain plus `events`: `NAME.pem` and `NAME.key.pem` per certificate,
/// `chain.pem` (leaf + intermediate) and `EVENT.chain.pem` for each event that is served.
pub fn plan(pki: &Pki, events: &[&Event]) -> Result<Vec<OutputFile>, PkiError> {
    let mut files = Vec::new();
    let add_cert = |name: &str, files: &mut Vec<OutputFile>| -> Result<(), PkiError> {
        let c = pki.require(name)?;
        let desc = summarize(&c.der)
            .map(|s| {
                format!(
                    "{}CN={}, valid {} to {}",
                    if s.is_ca {
                        "CA certificate, "
                    } else {
                        "certificate, "
                    },
                    s.cn,
                    iso8601(s.not_before),
                    iso8601(s.not_after)
                )
            })
            .unwrap_or_else(|_| "certificate".into());
        files.push(OutputFile {
            name: format!("{name}.pem"),
            contents: c.pem.clone(),
            secret: false,
            about: desc,
        });
        files.push(OutputFile {
            name: format!("{name}.key.pem"),
            contents: c.key_pem(),
            secret: true,
            about: format!("private key of {name}.pem, mode 0600"),
        });
        Ok(())
    };
    let chain_file = |file: String, names: &[&str]| -> Result<OutputFile, PkiError> {
        let mut contents = String::new();
        for n in names {
            contents.push_str(&pki.require(n)?.pem);
        }
        Ok(OutputFile {
            name: file,
            contents,
            secret: false,
            about: format!("served chain: {}", names.join(" + ")),
        })
    };
    for name in BASE_CERTS {
        add_cert(name, &mut files)?;
    }
    files.push(chain_file("chain.pem".into(), BASE_SERVED)?);
    for e in events {
        for name in e.certs {
            add_cert(name, &mut files)?;
        }
        if !e.served.is_empty() {
            files.push(chain_file(format!("{}.chain.pem", e.name), e.served)?);
        }
    }
    Ok(files)
}

/// Writes `files` into `dir` (created if missing), atomically per file. Without `force`, nothing
/// is written when any target exists. Returns the paths written.
pub fn write(dir: &Path, files: &[OutputFile], force: bool) -> Result<Vec<PathBuf>, WriteError> {
    std::fs::create_dir_all(dir).map_err(|source| WriteError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    if !force {
        let existing: Vec<PathBuf> = files
            .iter()
            .map(|f| dir.join(&f.name))
            .filter(|p| p.exists())
            .collect();
        if !existing.is_empty() {
            return Err(WriteError::Exists(existing));
        }
    }
    let mut written = Vec::new();
    for f in files {
        let path = dir.join(&f.name);
        let io = |source| WriteError::Io {
            path: path.clone(),
            source,
        };
        // tempfile creates the file with mode 0600, so a key is never readable by others, even
        // for an instant; certificates are then opened up to 0644.
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
        tmp.write_all(f.contents.as_bytes()).map_err(io)?;
        tmp.as_file().sync_all().map_err(io)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = if f.secret { 0o600 } else { 0o644 };
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(mode))
                .map_err(io)?;
        }
        if force {
            tmp.persist(&path).map_err(|e| io(e.error))?;
        } else {
            tmp.persist_noclobber(&path).map_err(|e| {
                if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                    WriteError::Exists(vec![path.clone()])
                } else {
                    io(e.error)
                }
            })?;
        }
        written.push(path);
    }
    Ok(written)
}
