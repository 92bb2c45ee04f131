//! The `render` command: the exact HTTP request the plug-in would send, and what a server decodes
//! from it.
//!
//! `rsa-verify-sim render CONFIG [--mobile M] [--tokencode T] [--json]`
//!
//! CONFIG is a scenario file (its `[rsa]` table is the plug-in configuration, `[user]` may give
//! `mobile` and `tokencode`, other tables are ignored) or an RSA-configuration file holding the
//! plug-in fields at top level. Flags override `[user]`; without either a sample number and
//! tokencode are used and said so.
//!
//! Text output: the request line, headers, a blank line, the body, then "What the server decodes"
//! with every value quoted and leading/trailing blanks pointed out, then notes and warnings.
//!
//! `--json` prints one object:
//!
//! | key | value |
//! |---|---|
//! | `accepted` | false when the console would reject the configuration (then no request) |
//! | `mobile`, `tokencode` | the inputs used |
//! | `method`, `url`, `request_line`, `body` | the request (null when rejected) |
//! | `headers`, `decoded` | `[name, value]` lists, in order (empty when rejected) |
//! | `notes` | how the request was built, as sentences |
//! | `warnings`, `errors` | `{field, message, fix}` objects |
//! | `failure` | `{class, message, diagnosis}` when rejected, else null |
//!
//! The Account Password (and a proxy password) is redacted everywhere, JSON included.
//! Exit codes: 0 request built, 1 the console would reject the configuration, 2 unusable file.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde::Deserialize;
use serde_json::{json, Value};

use super::exit;
use crate::plugin::request::{self, request_line};
use crate::plugin::validate::{self, Finding};
use crate::plugin::{PluginConfig, RenderedRequest};
use crate::redact::Redactor;

/// Mobile number used when neither `--mobile` nor `[user].mobile` gives one.
pub const SAMPLE_MOBILE: &str = "+61412345678";

/// Arguments of `render`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  rsa-verify-sim render my-rsa.toml --mobile '+61 412 345 678'\n  rsa-verify-sim render scenarios/encoding/literal-plus.toml --json"
)]
pub struct Args {
    /// Scenario file (with an [rsa] table) or RSA-configuration file (plug-in fields at top level).
    pub config: PathBuf,
    /// The user's stored mobile number, as in the user's attribute (e.g. "+61 412 345 678").
    #[arg(long)]
    pub mobile: Option<String>,
    /// The tokencode RSA generated ($OTT).
    #[arg(long)]
    pub tokencode: Option<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// A configuration file, read.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The plug-in configuration (`[rsa]`, or the whole file).
    pub config: PluginConfig,
    /// `[user].mobile` of a scenario file.
    pub mobile: Option<String>,
    /// `[user].tokencode` of a scenario file.
    pub tokencode: Option<String>,
}

#[derive(Deserialize)]
struct ScenarioFile {
    rsa: PluginConfig,
    #[serde(default)]
    user: Option<UserTable>,
}

#[derive(Deserialize)]
struct UserTable {
    #[serde(default)]
    mobile: Option<toml::Value>,
    #[serde(default)]
    tokencode: Option<toml::Value>,
}

/// A TOML string or integer as text (a tokencode is often written as a bare number).
fn scalar_text(v: Option<toml::Value>) -> Option<String> {
    match v? {
        toml::Value::String(s) => Some(s),
        toml::Value::Integer(i) => Some(i.to_string()),
        other => Some(other.to_string()),
    }
}

/// `origin:line:column: message` for a TOML error (1-based line and column, in characters).
fn toml_error(origin: &str, text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim();
    match e.span() {
        Some(span) => {
            let (line, column) = crate::scenario::load::line_col(text, span.start);
            format!("{origin}:{line}:{column}: {message}")
        }
        None => format!("{origin}: {message}"),
    }
}

/// Parses a scenario file or an RSA-configuration file; `origin` names it in errors.
pub fn load_str(text: &str, origin: &str) -> Result<Loaded, String> {
    let table: toml::Table = toml::from_str(text).map_err(|e| toml_error(origin, text, &e))?;
    // Keys only a scenario file has at top level (`user` and `proxy` are plug-in keys too: the
    // Account User Name and the proxy configuration).
    let scenario_only = [
        "name", "expect", "steps", "bridge", "verify", "tls", "clock",
    ];
    if !table.contains_key("rsa") && scenario_only.iter().any(|k| table.contains_key(*k)) {
        return Err(format!(
            "{origin}: this is a scenario file without an [rsa] table; add [rsa] with the SMS Configuration fields (base_url, parameters, success_code, response_format, ...)"
        ));
    }
    if table.contains_key("rsa") {
        let file: ScenarioFile = toml::from_str(text).map_err(|e| toml_error(origin, text, &e))?;
        let (mobile, tokencode) = match file.user {
            Some(u) => (scalar_text(u.mobile), scalar_text(u.tokencode)),
            None => (None, None),
        };
        Ok(Loaded {
            config: file.rsa,
            mobile,
            tokencode,
        })
    } else {
        let config: PluginConfig =
            toml::from_str(text).map_err(|e| toml_error(origin, text, &e))?;
        Ok(Loaded {
            config,
            mobile: None,
            tokencode: None,
        })
    }
}

/// Reads and parses a configuration file (see [`load_str`]).
pub fn load(path: &Path) -> Result<Loaded, String> {
    let origin = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{origin}: cannot read the file: {e}"))?;
    load_str(&text, &origin)
}

/// A redactor for every secret of a plug-in configuration.
pub fn redactor_for(config: &PluginConfig) -> Redactor {
    config.redactor()
}

/// A value quoted so that every character is visible, and a remark about blanks at its ends.
pub fn visible(value: &str) -> (String, Option<&'static str>) {
    let mut quoted = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '\t' => quoted.push_str("\\t"),
            c if c.is_control() || (c.is_whitespace() && c != ' ') || c == '\u{FEFF}' => {
                quoted.push_str(&format!("\\u{{{:04X}}}", c as u32))
            }
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    let leading = value.starts_with(char::is_whitespace);
    let trailing = value.ends_with(char::is_whitespace);
    let remark = if value.is_empty() {
        Some("empty")
    } else if value.trim().is_empty() {
        Some("blanks only")
    } else if leading && trailing {
        Some("leading and trailing space")
    } else if leading {
        Some("leading space")
    } else if trailing {
        Some("trailing space")
    } else if value.contains('\u{FFFD}') {
        Some("contains bytes that are not UTF-8")
    } else {
        None
    };
    (quoted, remark)
}

/// A field name as shown in the decoded table: bare when plain, quoted when it needs to be seen.
fn visible_name(name: &str) -> String {
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && c != '"');
    if plain {
        name.to_string()
    } else {
        visible(name).0
    }
}

/// The "What the server decodes" table, one line per field (already redacted).
pub fn decoded_table(decoded: &[(String, String)], redactor: &Redactor) -> Vec<String> {
    let rows: Vec<(String, String, Option<&str>)> = decoded
        .iter()
        .map(|(n, v)| {
            // Redact before quoting: quoting escapes `"` and `\`, which would hide a secret's spelling.
            let (q, remark) = visible(&redactor.redact(v));
            (visible_name(&redactor.redact(n)), q, remark)
        })
        .collect();
    let width = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
    rows.into_iter()
        .map(|(n, v, remark)| {
            let pad = " ".repeat(width - n.chars().count());
            match remark {
                Some(r) => format!("  {n}{pad} = {v}  <- {r}"),
                None => format!("  {n}{pad} = {v}"),
            }
        })
        .collect()
}

/// Finding lines for text output: `error    Field: message` and an indented `fix:` line.
pub fn finding_lines(kind: &str, findings: &[Finding], redactor: &Redactor) -> Vec<String> {
    let mut out = Vec::new();
    for f in findings {
        out.push(format!(
            "{kind:<8} {}: {}",
            f.field,
            redactor.redact(&f.message)
        ));
        if let Some(fix) = &f.fix {
            out.push(format!("         fix: {}", redactor.redact(fix)));
        }
    }
    out
}

/// The text report for a built request.
pub fn request_text(
    config: &PluginConfig,
    req: &RenderedRequest,
    warnings: &[Finding],
    inputs_note: Option<&str>,
    redactor: &Redactor,
) -> String {
    let mut out = String::new();
    out.push_str(&format!("# {} {}\n", req.method, redactor.redact(&req.url)));
    if let Some(note) = inputs_note {
        out.push_str(&format!("# {note}\n"));
    }
    out.push_str(&redactor.redact(&request_line(req, config.proxy.is_some())));
    out.push('\n');
    for (name, value) in &req.headers {
        out.push_str(&format!(
            "{name}: {}\n",
            redactor.redact_header(name, value)
        ));
    }
    out.push('\n');
    if !req.body.is_empty() {
        out.push_str(&redactor.redact(&req.body));
        out.push('\n');
    }
    out.push_str("\nWhat the server decodes:\n");
    if req.decoded.is_empty() {
        out.push_str("  (no form fields: the body is not a form)\n");
    }
    for line in decoded_table(&req.decoded, redactor) {
        out.push_str(&line);
        out.push('\n');
    }
    if !req.notes.is_empty() {
        out.push_str("\nNotes:\n");
        for n in &req.notes {
            out.push_str(&format!("  - {}\n", redactor.redact(n)));
        }
    }
    if !warnings.is_empty() {
        out.push_str("\nWarnings:\n");
        for line in finding_lines("warning", warnings, redactor) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// Replaces every string value in a JSON value with its redacted form (keys are ours, not data).
pub fn redact_json(value: Value, redactor: &Redactor) -> Value {
    match value {
        Value::String(s) => Value::String(redactor.redact(&s)),
        Value::Array(a) => Value::Array(a.into_iter().map(|v| redact_json(v, redactor)).collect()),
        Value::Object(o) => Value::Object(
            o.into_iter()
                .map(|(k, v)| (k, redact_json(v, redactor)))
                .collect(),
        ),
        other => other,
    }
}

fn pairs_json(list: &[(String, String)]) -> Value {
    Value::Array(list.iter().map(|(n, v)| json!([n, v])).collect())
}

/// The `--json` object (see the module documentation), redacted.
pub fn report_json(
    config: &PluginConfig,
    mobile: &str,
    tokencode: &str,
    outcome: &Result<RenderedRequest, crate::plugin::Failure>,
    validation: &validate::Validation,
    redactor: &Redactor,
) -> Value {
    let v = match outcome {
        Ok(req) => json!({
            "accepted": true,
            "mobile": mobile,
            "tokencode": tokencode,
            "method": req.method,
            "url": req.url,
            "request_line": request_line(req, config.proxy.is_some()),
            "headers": pairs_json(&req.headers),
            "body": req.body,
            "decoded": pairs_json(&req.decoded),
            "notes": req.notes,
            "warnings": validation.warnings,
            "errors": validation.errors,
            "failure": Value::Null,
        }),
        Err(failure) => json!({
            "accepted": false,
            "mobile": mobile,
            "tokencode": tokencode,
            "method": Value::Null,
            "url": Value::Null,
            "request_line": Value::Null,
            "headers": [],
            "body": Value::Null,
            "decoded": [],
            "notes": [],
            "warnings": validation.warnings,
            "errors": validation.errors,
            "failure": failure,
        }),
    };
    redact_json(v, redactor)
}

/// Writes to stdout; a closed pipe (`render ... | head`) is not an error worth a panic.
pub fn emit(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// Runs `render`.
pub fn run(args: Args) -> ExitCode {
    let loaded = match load(&args.config) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{e}");
            return exit::code(exit::UNUSABLE_INPUT);
        }
    };
    let mut sample = Vec::new();
    let mobile = match args.mobile.or(loaded.mobile) {
        Some(m) => m,
        None => {
            sample.push(format!("mobile {SAMPLE_MOBILE}"));
            SAMPLE_MOBILE.to_string()
        }
    };
    let tokencode = match args.tokencode.or(loaded.tokencode) {
        Some(t) => t,
        None => {
            sample.push(format!("tokencode {}", validate::SAMPLE_TOKENCODE));
            validate::SAMPLE_TOKENCODE.to_string()
        }
    };
    let inputs_note = (!sample.is_empty()).then(|| {
        format!(
            "using sample {} (give --mobile / --tokencode or a [user] table)",
            sample.join(" and ")
        )
    });
    let config = &loaded.config;
    let redactor = redactor_for(config);
    let validation = validate::validate_for(config, Some(&mobile), Some(&tokencode));
    let outcome = request::build_redacted(config, &mobile, &tokencode, &redactor);
    let mut out = String::new();
    if args.json {
        let v = report_json(
            config,
            &mobile,
            &tokencode,
            &outcome,
            &validation,
            &redactor,
        );
        out = serde_json::to_string_pretty(&v).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
        out.push('\n');
    } else {
        match &outcome {
            Ok(req) => {
                out = request_text(
                    config,
                    req,
                    &validation.warnings,
                    inputs_note.as_deref(),
                    &redactor,
                )
            }
            Err(failure) => {
                out.push_str(
                    "The Security Console would not save this configuration; RSA sends no request.\n",
                );
                for line in finding_lines("error", &validation.errors, &redactor)
                    .into_iter()
                    .chain(finding_lines("warning", &validation.warnings, &redactor))
                {
                    out.push_str(&line);
                    out.push('\n');
                }
                if validation.errors.is_empty() {
                    out.push_str(&redactor.redact(&failure.diagnosis));
                    out.push('\n');
                }
            }
        }
    }
    emit(&out);
    match outcome {
        Ok(_) => exit::code(exit::SUCCESS),
        Err(_) => exit::code(exit::FAILED),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCENARIO: &str = r#"
[scenario]
name = "plus becomes a space"

[rsa]
base_url = "https://demo-1234.twil.io/k3v9q"
parameters = "To=+$msg.address&Customcode=$OTT&api_secret=$cfg.password"
user = "VA0123"
password = "p&ss=word"
success_code = "pending"
response_format = '.*status":\s?"([a-zA-Z]*)'

[user]
mobile = "+61 412 345 678"
tokencode = 12345678

[bridge]
anything = true
"#;

    #[test]
    fn a_scenario_file_gives_the_rsa_table_and_the_user() {
        let l = load_str(SCENARIO, "s.toml").unwrap();
        assert_eq!(l.config.user, "VA0123");
        assert_eq!(l.mobile.as_deref(), Some("+61 412 345 678"));
        assert_eq!(l.tokencode.as_deref(), Some("12345678"));
    }

    #[test]
    fn an_rsa_configuration_file_has_the_fields_at_top_level() {
        let l = load_str(
            "base_url = \"https://h/x\"\nsuccess_code = \"OK\"\nresponse_format = \"OK\"\n",
            "rsa.toml",
        )
        .unwrap();
        assert_eq!(l.config.base_url, "https://h/x");
        assert!(l.mobile.is_none());
    }

    #[test]
    fn parse_errors_name_file_line_and_column() {
        let e = load_str("base_url = \"https://h\"\nsuccess_code = \n", "bad.toml").unwrap_err();
        assert!(e.starts_with("bad.toml:2:"), "{e}");
        let e = load_str(
            "[rsa]\nbase_url = \"x\"\nsucess_code = \"a\"\n",
            "typo.toml",
        )
        .unwrap_err();
        assert!(e.starts_with("typo.toml:3:1:"), "{e}");
        assert!(e.contains("sucess_code"), "{e}");
    }

    #[test]
    fn leading_spaces_are_pointed_out_and_values_are_quoted() {
        assert_eq!(
            visible(" 614"),
            ("\" 614\"".to_string(), Some("leading space"))
        );
        assert_eq!(
            visible("a\"b\n"),
            ("\"a\\\"b\\n\"".to_string(), Some("trailing space"))
        );
        assert_eq!(visible("x").1, None);
        assert_eq!(visible("").1, Some("empty"));
    }

    #[test]
    fn the_text_report_shows_the_leading_space_and_hides_the_password() {
        let l = load_str(SCENARIO, "s.toml").unwrap();
        let req = request::build(&l.config, "+61 412 345 678", "12345678").unwrap();
        let warnings = validate::validate(&l.config, None).warnings;
        let text = request_text(&l.config, &req, &warnings, None, &redactor_for(&l.config));
        assert!(text.contains("POST /k3v9q HTTP/1.1\n"), "{text}");
        assert!(
            text.contains("  To         = \" 61412345678\"  <- leading space\n"),
            "{text}"
        );
        assert!(
            text.contains("api_secret = \"[REDACTED:rsa.password]\""),
            "{text}"
        );
        assert!(text.contains("fix: use ${plus}"), "{text}");
        assert!(!text.contains("p&ss"), "{text}");
        assert!(!text.contains("p%26ss"), "{text}");
    }

    #[test]
    fn the_json_report_has_the_documented_keys_and_hides_the_password() {
        let l = load_str(SCENARIO, "s.toml").unwrap();
        let validation = validate::validate(&l.config, None);
        let outcome = request::build(&l.config, "+61412345678", "1");
        let v = report_json(
            &l.config,
            "+61412345678",
            "1",
            &outcome,
            &validation,
            &redactor_for(&l.config),
        );
        for key in [
            "accepted", "method", "url", "headers", "body", "decoded", "notes", "warnings",
            "errors", "failure",
        ] {
            assert!(v.get(key).is_some(), "{key}");
        }
        assert_eq!(v["decoded"][0], json!(["To", " 61412345678"]));
        assert!(!v.to_string().contains("p&ss"));
    }
}
