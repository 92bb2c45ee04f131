//! Finding and reading scenario files, with errors that name file, line, column and the fix.

use std::fmt;
use std::path::{Path, PathBuf};

use super::format::ScenarioFile;

/// A scenario file that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    pub file: PathBuf,
    /// 1-based line and column, when the problem has a position.
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    /// What to change, when we can tell (e.g. the key that was probably meant).
    pub hint: Option<String>,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let (Some(line), Some(col)) = (self.line, self.column) {
            write!(f, ":{line}:{col}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

/// A loaded scenario with the file it came from.
#[derive(Clone, Debug)]
pub struct LoadedScenario {
    pub file: PathBuf,
    pub scenario: ScenarioFile,
}

/// Every `.toml` file under the given files or folders, sorted, each exactly once.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, LoadError> {
    let mut found = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut found)?;
        } else if path.is_file() {
            found.push(path.clone());
        } else {
            return Err(LoadError {
                file: path.clone(),
                line: None,
                column: None,
                message: "no such file or folder".into(),
                hint: Some("give a scenario file or a folder of them, e.g. scenarios/".into()),
            });
        }
    }
    found.sort();
    found.dedup();
    Ok(found)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let entries = std::fs::read_dir(dir).map_err(|e| io_error(dir, &e))?;
    for entry in entries {
        let entry = entry.map_err(|e| io_error(dir, &e))?;
        let path = entry.path();
        // Linked folders are not followed: a link back up the tree would run every scenario in it
        // again and again. Linked files are read like any other.
        let linked_dir = entry.file_type().is_ok_and(|t| t.is_symlink()) && path.is_dir();
        if linked_dir {
            continue;
        }
        if path.is_dir() {
            walk(&path, found)?;
        } else if path.extension().is_some_and(|ext| ext == "toml") {
            found.push(path);
        }
    }
    Ok(())
}

fn io_error(path: &Path, e: &std::io::Error) -> LoadError {
    LoadError {
        file: path.to_path_buf(),
        line: None,
        column: None,
        message: format!("cannot be read: {e}"),
        hint: None,
    }
}

/// Reads and parses one scenario file.
pub fn load(file: &Path) -> Result<LoadedScenario, LoadError> {
    let bytes = std::fs::read(file).map_err(|e| io_error(file, &e))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_col(
            &String::from_utf8_lossy(e.as_bytes()),
            e.utf8_error().valid_up_to(),
        );
        LoadError {
            file: file.to_path_buf(),
            line: Some(line),
            column: Some(column),
            message: "the file is not valid UTF-8".into(),
            hint: Some("save the scenario file as UTF-8".into()),
        }
    })?;
    let scenario = parse(file, &text)?;
    Ok(LoadedScenario {
        file: file.to_path_buf(),
        scenario,
    })
}

/// Parses scenario text; `file` is used only in errors.
pub fn parse(file: &Path, text: &str) -> Result<ScenarioFile, LoadError> {
    let scenario: ScenarioFile = toml::from_str(text).map_err(|e| {
        let (line, column) = match e.span() {
            Some(span) => {
                let (l, c) = line_col(text, span.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        let mut message = e.message().trim().to_string();
        if let Some(span) = e.span() {
            message = hide_secret_value(text, span.start, message);
        }
        LoadError {
            file: file.to_path_buf(),
            line,
            column,
            hint: suggestion(&message),
            message,
        }
    })?;
    check(file, text, &scenario)?;
    Ok(scenario)
}

/// Keys whose values are secrets (redacted in every output, so a load error must not quote them).
const SECRET_KEYS: &[&str] = &["password", "api_secret", "auth_token", "require_password"];

/// serde quotes a mistyped value (``invalid type: integer `90817263`, expected a string``); when
/// the value belongs to a secret key, the quoted text is replaced. Load errors are printed before
/// any redactor knows the scenario's secrets.
fn hide_secret_value(text: &str, value_start: usize, message: String) -> String {
    let Some(before) = text.get(..value_start) else {
        return message;
    };
    let line = before.rsplit('\n').next().unwrap_or("");
    let key = line
        .trim_end()
        .strip_suffix('=')
        .map(str::trim_end)
        .and_then(|k| k.rsplit([' ', '\t', '{', ',', '.']).next())
        .map(|k| k.trim_matches(['"', '\'']));
    if !key.is_some_and(|k| SECRET_KEYS.contains(&k)) {
        return message;
    }
    message
        .split('`')
        .enumerate()
        .map(|(i, part)| if i % 2 == 1 { "[REDACTED]" } else { part })
        .collect::<Vec<_>>()
        .join("`")
}

/// Rules serde cannot express.
fn check(file: &Path, text: &str, s: &ScenarioFile) -> Result<(), LoadError> {
    let at = |needle: &str| {
        text.find(needle)
            .map(|offset| line_col(text, offset))
            .map_or((None, None), |(l, c)| (Some(l), Some(c)))
    };
    if s.expect.is_some() && !s.steps.is_empty() {
        let (line, column) = at("[expect]");
        return Err(LoadError {
            file: file.to_path_buf(),
            line,
            column,
            message: "a scenario with [[steps]] cannot also have a top-level [expect]".into(),
            hint: Some("move the expectations into each step as [steps.expect]".into()),
        });
    }
    if s.steps.is_empty() && s.expect.as_ref().is_none_or(|e| e.is_empty()) {
        let (line, column) = at("[expect]");
        return Err(LoadError {
            file: file.to_path_buf(),
            line,
            column,
            message: "the scenario states no expectation, so it could never fail".into(),
            hint: Some("add an [expect] table, e.g. delivered = true".into()),
        });
    }
    for (i, step) in s.steps.iter().enumerate() {
        if step.expect.is_empty() {
            // The step's own `[[steps]]` header, when the steps are written as tables.
            let (line, column) =
                text.match_indices("[[steps]]")
                    .nth(i)
                    .map_or((None, None), |(offset, _)| {
                        let (l, c) = line_col(text, offset);
                        (Some(l), Some(c))
                    });
            return Err(LoadError {
                file: file.to_path_buf(),
                line,
                column,
                message: format!(
                    "step {} states no expectation, so it could never fail",
                    i + 1
                ),
                hint: Some(
                    "add [steps.expect] with at least one key, e.g. delivered = true".into(),
                ),
            });
        }
        if let Some(advance) = &step.advance {
            if let Err(message) = super::parse_duration(advance) {
                let (line, column) = at(&format!("\"{advance}\""));
                return Err(LoadError {
                    file: file.to_path_buf(),
                    line,
                    column,
                    message: format!("step {}: advance: {message}", i + 1),
                    hint: None,
                });
            }
        }
    }
    if let Some(start) = &s.clock.start {
        if let Err(message) = crate::clock::parse_instant(start) {
            let (line, column) = at(start);
            return Err(LoadError {
                file: file.to_path_buf(),
                line,
                column,
                message: format!("[clock] start: {message}"),
                hint: None,
            });
        }
    }
    Ok(())
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut prefix_end = offset;
    while !text.is_char_boundary(prefix_end) {
        prefix_end -= 1;
    }
    let before = &text[..prefix_end];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// For serde's "unknown field `x`, expected one of `a`, `b`" (or "unknown variant"), the closest
/// expected key or value.
fn suggestion(message: &str) -> Option<String> {
    let unknown = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("unknown variant `"))?
        .split('`')
        .next()?;
    let expected: Vec<&str> = message
        .split("expected")
        .nth(1)?
        .split('`')
        .skip(1)
        .step_by(2)
        .collect();
    let best = expected
        .iter()
        .map(|candidate| (edit_distance(unknown, candidate), *candidate))
        .min()?;
    let limit = (unknown.chars().count() / 3).max(2);
    if best.0 <= limit {
        Some(format!("did you mean `{}`?", best.1))
    } else {
        let what = if message.starts_with("unknown variant") {
            "values"
        } else {
            "keys"
        };
        Some(format!("valid {what} here: {}", expected.join(", ")))
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
name = "x"
[rsa]
base_url = "https://demo.twil.io/fn"
success_code = "pending"
response_format = 'status":"(\w+)'
[expect]
delivered = true
"#;

    #[test]
    fn a_minimal_file_loads_with_defaults() {
        let s = parse(Path::new("m.toml"), MINIMAL).unwrap();
        assert_eq!(s.user.mobile, "+61 412 345 678");
        assert!(s.verify.custom_code);
    }

    #[test]
    fn an_unknown_key_names_line_column_and_the_key_meant() {
        let text = MINIMAL.replace("success_code", "sucess_code");
        let err = parse(Path::new("m.toml"), &text).unwrap_err();
        assert_eq!((err.line, err.column), (Some(5), Some(1)), "{err}");
        assert!(err.message.contains("unknown field `sucess_code`"), "{err}");
        assert_eq!(err.hint.as_deref(), Some("did you mean `success_code`?"));
        assert!(
            err.to_string().starts_with("m.toml:5:1: unknown field"),
            "{err}"
        );
    }

    #[test]
    fn an_unknown_value_names_the_value_probably_meant() {
        let text = MINIMAL.replace(
            "delivered = true",
            "delivered = false\nfailure = \"timed_out\"",
        );
        let err = parse(Path::new("m.toml"), &text).unwrap_err();
        assert_eq!(
            err.hint.as_deref(),
            Some("did you mean `timeout`?"),
            "{err}"
        );
    }

    #[test]
    fn a_step_without_expectations_names_its_header() {
        let text = MINIMAL.replace(
            "[expect]\ndelivered = true\n",
            "[[steps]]\nexpect = { delivered = true }\n\n[[steps]]\nname = \"b\"\n",
        );
        let err = parse(Path::new("m.toml"), &text).unwrap_err();
        assert_eq!((err.line, err.column), (Some(10), Some(1)), "{err}");
    }

    #[test]
    fn a_mistyped_secret_is_not_quoted_in_the_error() {
        let text = MINIMAL.replace("success_code", "password = 90817263\nsuccess_code");
        let err = parse(Path::new("m.toml"), &text).unwrap_err();
        assert!(!err.to_string().contains("90817263"), "{err}");
        assert!(err.message.contains("integer `[REDACTED]`"), "{err}");
        let inline = MINIMAL.replace(
            "success_code",
            "proxy = { host = \"p\", port = 1, user = \"u\", password = 55512345 }\nsuccess_code",
        );
        let err = parse(Path::new("m.toml"), &inline).unwrap_err();
        assert!(!err.to_string().contains("55512345"), "{err}");
        // Other keys keep the quoted value, which is what makes the error useful.
        let other = MINIMAL.replace("success_code = \"pending\"", "success_code = 42");
        let err = parse(Path::new("m.toml"), &other).unwrap_err();
        assert!(err.message.contains("`42`"), "{err}");
    }

    #[test]
    fn invalid_toml_names_its_position() {
        let err = parse(Path::new("bad.toml"), "name = \"x\"\nfoo").unwrap_err();
        assert_eq!((err.line, err.column), (Some(2), Some(4)), "{err}");
        assert!(err.to_string().starts_with("bad.toml:2:4: "), "{err}");
    }

    #[test]
    fn expect_and_steps_together_are_refused_with_the_fix() {
        let text = format!("{MINIMAL}\n[[steps]]\nexpect = {{ delivered = true }}\n");
        let err = parse(Path::new("m.toml"), &text).unwrap_err();
        assert!(
            err.message
                .contains("cannot also have a top-level [expect]"),
            "{err}"
        );
        assert_eq!(err.line, Some(7));
    }

    #[test]
    fn a_scenario_without_expectations_is_refused() {
        let text = MINIMAL.replace("[expect]\ndelivered = true\n", "");
        let err = parse(Path::new("m.toml"), &text).unwrap_err();
        assert!(err.message.contains("states no expectation"), "{err}");
    }
}
