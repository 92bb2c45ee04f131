//! The Response Format decision with java.util.regex semantics.
//! (Skeleton: the issue-2/3 implementation replaces the bodies; signatures are the contract.)

use serde::Serialize;

use super::config::Comparison;

/// A compiled Response Format.
#[derive(Clone, Debug)]
pub struct ResponseFormat {
    source: String,
    regex: regex::Regex,
}

/// A Response Format that cannot be used; `position` is a 0-based character index when known.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RegexError {
    pub position: Option<usize>,
    pub message: String,
}

/// The part of the body the regex found.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Found {
    /// Byte span of the whole match in the body.
    pub start: usize,
    pub end: usize,
    /// Which group was compared: 1 when the pattern has a group, else 0.
    pub group: usize,
    /// The compared text (the group's text; empty when the group did not participate).
    pub compared: String,
}

/// The plug-in's verdict on one response body.
#[derive(Clone, Debug, Serialize)]
pub struct Decision {
    pub success: bool,
    pub found: Option<Found>,
    /// One sentence: why it succeeded or failed.
    pub explanation: String,
}

impl ResponseFormat {
    /// Compiles a Java regular expression.
    pub fn compile(pattern: &str) -> Result<Self, RegexError> {
        let regex = regex::Regex::new(pattern).map_err(|e| RegexError {
            position: None,
            message: e.to_string(),
        })?;
        Ok(Self {
            source: pattern.to_string(),
            regex,
        })
    }

    /// The pattern as typed.
    pub fn source(&self) -> &str {
        &self.source
    }
}

/// Applies the Response Format to a body (find, group 1 else 0) and compares with the Success Response Code.
pub fn decide(
    format: &ResponseFormat,
    success_code: &str,
    body: &str,
    compare: Comparison,
) -> Decision {
    let _ = compare;
    match format.regex.captures(body) {
        None => Decision {
            success: false,
            found: None,
            explanation: "no match".to_string(),
        },
        Some(caps) => {
            let group = usize::from(caps.len() > 1);
            let m = caps.get(0).expect("group 0 always participates");
            let compared = caps.get(group).map_or("", |g| g.as_str()).to_string();
            let success = compared == success_code;
            Decision {
                success,
                explanation: format!("compared {compared:?} with {success_code:?}"),
                found: Some(Found {
                    start: m.start(),
                    end: m.end(),
                    group,
                    compared,
                }),
            }
        }
    }
}
