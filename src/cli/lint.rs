//! The `lint` command: checks an RSA configuration like the Security Console, plus known pitfalls.
//!
//! `rsa-verify-sim lint CONFIG [--mobile M] [--json]`
//!
//! CONFIG is read like `render` reads it (scenario file or RSA-configuration file). The mobile
//! number is checked when `--mobile` or `[user].mobile` gives one.
//!
//! Text output: one `error` or `warning` line per finding (`Field: message`) with an indented
//! `fix:` line, then a one-line verdict. `--json` prints
//! `{"accepted": bool, "mobile_checked": string|null, "errors": [...], "warnings": [...]}`, each
//! finding `{field, message, fix}`. Secrets are redacted everywhere.
//!
//! Exit codes: 0 no errors (warnings allowed), 1 the console would reject the configuration,
//! 2 the file cannot be used.

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;

use super::exit;
use super::render::{emit, finding_lines, load, redact_json, redactor_for};
use crate::plugin::validate::{self, Validation};

/// Arguments of `lint`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  rsa-verify-sim lint my-rsa.toml --mobile '07700 900123'\n  rsa-verify-sim lint scenarios/plugin/password-101-characters.toml --json"
)]
pub struct Args {
    /// Scenario file (with an [rsa] table) or RSA-configuration file (plug-in fields at top level).
    pub config: PathBuf,
    /// Also check this stored mobile number (overrides [user].mobile).
    #[arg(long)]
    pub mobile: Option<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The text report of a validation (secrets already redacted by the validator, and again here).
pub fn lint_text(
    validation: &Validation,
    mobile: Option<&str>,
    redactor: &crate::redact::Redactor,
) -> String {
    let mut out = String::new();
    for line in finding_lines("error", &validation.errors, redactor)
        .into_iter()
        .chain(finding_lines("warning", &validation.warnings, redactor))
    {
        out.push_str(&line);
        out.push('\n');
    }
    if mobile.is_none() {
        out.push_str(
            "note     Mobile Number: not checked (give --mobile or a [user] table with mobile)\n",
        );
    }
    let verdict = if validation.accepted() {
        "the Security Console would save this configuration"
    } else {
        "the Security Console would reject this configuration; RSA sends no SMS"
    };
    out.push_str(&format!(
        "{}, {}: {verdict}.\n",
        plural(validation.errors.len(), "error"),
        plural(validation.warnings.len(), "warning")
    ));
    out
}

/// Runs `lint`.
pub fn run(args: Args) -> ExitCode {
    let loaded = match load(&args.config) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{e}");
            return exit::code(exit::UNUSABLE_INPUT);
        }
    };
    let mobile = args.mobile.or(loaded.mobile);
    let validation = validate::validate(&loaded.config, mobile.as_deref());
    let redactor = redactor_for(&loaded.config);
    if args.json {
        let v = json!({
            "accepted": validation.accepted(),
            "mobile_checked": mobile,
            "errors": validation.errors,
            "warnings": validation.warnings,
        });
        let v = redact_json(v, &redactor);
        let mut out =
            serde_json::to_string_pretty(&v).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
        out.push('\n');
        emit(&out);
    } else {
        emit(&lint_text(&validation, mobile.as_deref(), &redactor));
    }
    if validation.accepted() {
        exit::code(exit::SUCCESS)
    } else {
        exit::code(exit::FAILED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::PluginConfig;

    #[test]
    fn the_text_report_lists_errors_then_warnings_with_fixes_and_a_verdict() {
        let mut c = PluginConfig::integration_guide("http://h/x", "VA1", &"z".repeat(101));
        c.parameters = "To=+$msg.address".into();
        let v = validate::validate(&c, Some("+61412345678"));
        let text = lint_text(&v, Some("+61412345678"), &redactor_for(&c));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "error    Account Password: \"Account Password\" cannot be greater than 100 characters"
        );
        assert!(lines[1].starts_with("         fix: "));
        assert!(text.contains("warning  Base URL: "), "{text}");
        assert!(
            text.contains("warning  Parameters: the `+` at character 4"),
            "{text}"
        );
        assert!(
            text.ends_with("1 error, 2 warnings: the Security Console would reject this configuration; RSA sends no SMS.\n"),
            "{text}"
        );
        assert!(!text.contains(&"z".repeat(101)));
    }
}
