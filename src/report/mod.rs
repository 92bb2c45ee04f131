//! Machine-readable and visual reports of a scenario run.
//!
//! Every report is built from the same [`ScenarioOutcome`] values the `run` command prints, and every
//! string that reaches a report goes through the outcome's [`crate::redact::Redactor`] first
//! (header values through `redact_header`, so `Authorization` values are hidden whole). Strings are
//! redacted before they are cut short or escaped, so a cut never exposes part of a secret and an
//! escape never changes a secret's spelling before the redactor sees it.
//!
//! How the pieces fit:
//! - [`junit()`]: JUnit XML for CI test reporters (GitLab, Jenkins, GitHub), built with
//!   `quick-junit`; the failure text and `system-out` are the text transcript of
//!   [`crate::scenario::transcript`].
//! - [`json()`]: the versioned `rsa-verify-sim/report` document described in
//!   `docs/report-schema.md`.
//! - [`html()`]: one self-contained page with a summary and, per scenario, an inline SVG sequence
//!   diagram of the RSA AM plug-in, the bridge and Twilio Verify. `sequence` puts the exchanges in
//!   story order, `svg` draws them, `text` holds the escaping and shortening helpers.
//! - [`write_atomically`]: writes a report through a temporary file and a rename, so a reader never
//!   sees a half-written report.

mod html;
mod json;
mod junit;
mod sequence;
mod svg;
mod text;

use std::io::Write;
use std::path::{Path, PathBuf};

pub use html::html;
pub use json::{json, SCHEMA, VERSION};
pub use junit::junit;

#[cfg(doc)]
use crate::scenario::outcome::ScenarioOutcome;

/// Why a report could not be produced or written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The JUnit XML could not be serialized.
    #[error("cannot build the JUnit XML report: {0}")]
    Junit(#[from] quick_junit::SerializeError),
    /// The JSON report could not be serialized.
    #[error("cannot build the JSON report: {0}")]
    Json(#[from] serde_json::Error),
    /// No temporary file could be created next to the report.
    #[error("cannot write report {}: cannot create a temporary file in {}: {source}", .path.display(), .dir.display())]
    TempFile {
        path: PathBuf,
        dir: PathBuf,
        source: std::io::Error,
    },
    /// Writing or renaming the report failed.
    #[error("cannot write report {}: {source}", .path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Writes `contents` to `path` without ever leaving a half-written file there: the text goes to a
/// temporary file in the same folder, is flushed to disk, then renamed over `path`.
pub fn write_atomically(path: &Path, contents: &str) -> Result<(), ReportError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let write_error = |source| ReportError::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".report-").suffix(".tmp");
    // A report is meant to be read by others (CI artifacts, a web server): create it like any new
    // file (0666 less the umask) rather than with the temporary file's private 0600.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut temp = builder
        .tempfile_in(&dir)
        .map_err(|source| ReportError::TempFile {
            path: path.to_path_buf(),
            dir: dir.clone(),
            source,
        })?;
    temp.write_all(contents.as_bytes()).map_err(write_error)?;
    temp.as_file().sync_all().map_err(write_error)?;
    temp.persist(path).map_err(|e| write_error(e.error))?;
    Ok(())
}
