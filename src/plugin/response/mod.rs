//! The Response Format decision with java.util.regex semantics.
//!
//! RSA's plug-in runs `Pattern.compile(format).matcher(body)`, calls `find()` (search anywhere, not a
//! full match), takes `group(1)` when the pattern has a capturing group and `group(0)` otherwise, and
//! compares that text with the Success Response Code (`String.equals` unless the
//! [`Comparison`] quirk says otherwise).
//!
//! The pattern is translated from Java syntax by the private `java_regex` module (so `\s`, `\d`,
//! `\w`, `\b`, `.`, `$` and `(?i)` keep Java's meanings) and run by `fancy-regex`, a backtracking
//! engine like Java's.
//! When nothing matches, [`ResponseFormat::explain_no_match`] says where the body stops matching.

mod explain;
mod java_regex;

use serde::Serialize;

use super::config::Comparison;

/// Backtracking steps allowed before the simulator gives up on one body. Java has no such limit:
/// there, a catastrophic pattern simply runs for a very long time.
pub const BACKTRACK_LIMIT: usize = 1_000_000;

/// A compiled Response Format.
#[derive(Clone, Debug)]
pub struct ResponseFormat {
    source: String,
    regex: fancy_regex::Regex,
    translation: java_regex::Translation,
}

/// A Response Format that cannot be used; `position` is a 0-based character index when known.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RegexError {
    /// Character index (not byte) in the pattern as typed, like Java's `PatternSyntaxException.getIndex()`.
    pub position: Option<usize>,
    /// Java's description, e.g. "Unclosed group near index 4", or why the simulator refuses a construct.
    pub message: String,
}

impl RegexError {
    /// The message, the pattern and a caret under the position, as Java's
    /// `PatternSyntaxException.getMessage()` prints it.
    pub fn render(&self, pattern: &str) -> String {
        let mut out = format!("{}\n{pattern}", self.message);
        if let Some(pos) = self.position {
            // One column per character; wide characters before the caret would shift it, as in Java.
            out.push('\n');
            out.push_str(&" ".repeat(pos.min(pattern.chars().count())));
            out.push('^');
        }
        out
    }
}

/// The part of the body the regex found.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Found {
    /// Byte offset where the whole match starts in the body.
    pub start: usize,
    /// Byte offset where the whole match ends (exclusive).
    pub end: usize,
    /// The same span in characters (Unicode scalar values; Java counts UTF-16 units, which differ
    /// only for characters outside the Basic Multilingual Plane such as emoji).
    pub start_char: usize,
    /// Character offset where the whole match ends (exclusive).
    pub end_char: usize,
    /// The whole matched text (group 0).
    pub text: String,
    /// Which group was compared: 1 when the pattern has a group, else 0.
    pub group: usize,
    /// Whether that group took part in the match. When it did not, Java's `group(1)` is `null` and
    /// the comparison cannot succeed.
    pub participated: bool,
    /// The compared text (the group's text; empty when the group did not participate).
    pub compared: String,
}

/// What happened, in one word; [`Decision::success`] is true only for [`Outcome::Success`].
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The compared text satisfies the Success Response Code.
    Success,
    /// The regex matched but the compared text is not the Success Response Code.
    Mismatch,
    /// The regex matched but group 1 did not participate (Java's `group(1)` is `null`).
    GroupDidNotParticipate,
    /// `find()` found nothing.
    NoMatch,
    /// The simulator's backtracking limit was hit; Java would run for a very long time.
    BacktrackLimit,
}

/// The plug-in's verdict on one response body.
#[derive(Clone, Debug, Serialize)]
pub struct Decision {
    /// True when RSA would consider the SMS sent.
    pub success: bool,
    /// What happened, in one word.
    pub outcome: Outcome,
    /// The match, when `find()` found one.
    pub found: Option<Found>,
    /// One sentence: why it succeeded or failed.
    pub explanation: String,
}

impl Decision {
    /// The delivery failure class this decision means, or `None` on success.
    pub fn failure_class(&self) -> Option<super::FailureClass> {
        match self.outcome {
            Outcome::Success => None,
            Outcome::NoMatch | Outcome::BacktrackLimit => {
                Some(super::FailureClass::ResponseDidNotMatch)
            }
            Outcome::Mismatch | Outcome::GroupDidNotParticipate => {
                Some(super::FailureClass::ResponseMismatch)
            }
        }
    }
}

impl ResponseFormat {
    /// Compiles a Java regular expression.
    ///
    /// Errors use Java's wording and a character position ("Unclosed group near index 4"), or name
    /// the Java construct the simulator does not reproduce.
    pub fn compile(pattern: &str) -> Result<Self, RegexError> {
        let translation = java_regex::translate(pattern)?;
        let regex = fancy_regex::RegexBuilder::new(&translation.regex)
            .backtrack_limit(BACKTRACK_LIMIT)
            .build()
            .map_err(|e| engine_error(&e, &translation))?;
        Ok(Self {
            source: pattern.to_string(),
            regex,
            translation,
        })
    }

    /// The pattern as typed.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The pattern as given to the engine, after translation from Java syntax (for debugging).
    pub fn translated(&self) -> &str {
        &self.translation.regex
    }

    /// Java's `groupCount()`: the number of capturing groups (named groups included).
    pub fn group_count(&self) -> usize {
        self.translation.group_count
    }

    /// The group compared with the Success Response Code: 1 when there is a group, else 0.
    pub fn compared_group(&self) -> usize {
        usize::from(self.group_count() >= 1)
    }

    /// The name of a capturing group, if it was declared `(?<name>...)`.
    pub fn group_name(&self, group: usize) -> Option<&str> {
        self.translation
            .group_names
            .iter()
            .find(|(_, g)| *g == group)
            .map(|(n, _)| n.as_str())
    }

    /// Warnings about the pattern that are not errors: nested unbounded quantifiers such as
    /// `(a+)+`, on which Java's backtracking engine can take exponential time.
    pub fn warnings(&self) -> Vec<String> {
        let chars: Vec<char> = self.source.chars().collect();
        self.translation
            .nested_quantifiers
            .iter()
            .map(|&(start, end)| {
                let text: String = chars[start..end.min(chars.len())].iter().collect();
                format!(
                    "`{text}` at character {start} nests unbounded quantifiers: on a body that does not match, Java's backtracking engine can take exponential time, so RSA may hang on such a body"
                )
            })
            .collect()
    }

    /// Why `find()` fails on `body`, in one sentence starting with "no match".
    pub fn explain_no_match(&self, body: &str) -> String {
        explain::no_match(self, body)
    }
}

/// An engine error on a translated pattern: the translator accepted it as Java, so the engine is
/// the limit, and the message says so.
fn engine_error(e: &fancy_regex::Error, translation: &java_regex::Translation) -> RegexError {
    use fancy_regex::{CompileError, Error};
    if let Error::CompileError(CompileError::LookBehindNotConst) = *e {
        let position = translation.variable_lookbehinds.first().copied();
        return RegexError {
            position,
            message: format!(
                "Java look-behind{} has a variable length: Java accepts a bounded look-behind, but the simulator's engine supports only fixed-length ones (or alternatives of fixed lengths)",
                position.map(|p| format!(" at character {p}")).unwrap_or_default()
            ),
        };
    }
    RegexError {
        position: None,
        message: format!(
            "the simulator's regex engine cannot run this pattern (Java may accept it): {e}"
        ),
    }
}

/// Character index of a byte offset in `text` (offsets inside a character round down).
pub fn char_offset(text: &str, byte: usize) -> usize {
    let mut byte = byte.min(text.len());
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    text[..byte].chars().count()
}

/// Applies the Response Format to a body (find, group 1 else 0) and compares with the Success Response Code.
pub fn decide(
    format: &ResponseFormat,
    success_code: &str,
    body: &str,
    compare: Comparison,
) -> Decision {
    let caps = match format.regex.captures(body) {
        Ok(Some(caps)) => caps,
        Ok(None) => {
            return Decision {
                success: false,
                outcome: Outcome::NoMatch,
                found: None,
                explanation: format.explain_no_match(body),
            }
        }
        Err(e) => {
            let mut explanation = format!(
                    "no decision: the simulator's regex engine gave up ({e}) after {BACKTRACK_LIMIT} backtracking steps; this is catastrophic backtracking (typically nested quantifiers such as `(a+)+` or `(.*)*`), and RSA's java.util.regex has no such limit, so the real plug-in would run for a very long time (or fail with StackOverflowError) and the SMS would not be considered sent"
            );
            for warning in format.warnings() {
                explanation.push_str("; warning: ");
                explanation.push_str(&warning);
            }
            return Decision {
                success: false,
                outcome: Outcome::BacktrackLimit,
                found: None,
                explanation,
            };
        }
    };
    let Some(whole) = caps.get(0) else {
        // fancy-regex always reports group 0 for a match; treat the impossible as no match.
        return Decision {
            success: false,
            outcome: Outcome::NoMatch,
            found: None,
            explanation: "no match".to_string(),
        };
    };
    let group = format.compared_group();
    let compared_match = caps.get(group);
    let participated = compared_match.is_some();
    let compared = compared_match.map_or("", |m| m.as_str()).to_string();
    let found = Found {
        start: whole.start(),
        end: whole.end(),
        start_char: char_offset(body, whole.start()),
        end_char: char_offset(body, whole.end()),
        text: whole.as_str().to_string(),
        group,
        participated,
        compared,
    };
    let (outcome, explanation) = explain::comparison(format, success_code, body, &found, compare);
    Decision {
        success: outcome == Outcome::Success,
        outcome,
        found: Some(found),
        explanation,
    }
}

/// Java's `String.trim()`: removes every character up to U+0020 at both ends.
pub fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

/// Whether the compared text satisfies the Success Response Code under a comparison.
pub fn compare_text(compared: &str, success_code: &str, compare: Comparison) -> bool {
    match compare {
        Comparison::Equals => compared == success_code,
        Comparison::Contains => compared.contains(success_code),
        Comparison::Trim => java_trim(compared) == java_trim(success_code),
    }
}

#[cfg(test)]
mod tests;
