//! The `match` command: the plug-in's verdict on one response body.
//!
//! ```text
//! rsa-verify-sim match --format REGEX --success CODE [--compare equals|contains|trim] [--json] [BODY_FILE | -]
//! ```
//!
//! The body is read from `BODY_FILE`, or from standard input when it is `-` or absent. Bodies may be
//! any bytes: they are decoded as UTF-8, invalid sequences becoming U+FFFD (the output says so, and
//! offsets then refer to the decoded text).
//!
//! Exit codes ([`super::exit`]): 0 when RSA would accept the body, 1 when it would not, 2 when the
//! regex cannot be used (the error is printed with a caret under its position) or the body file
//! cannot be read.
//!
//! With `--json`, standard output is one JSON object:
//!
//! | field | type | meaning |
//! |---|---|---|
//! | `verdict` | `"SUCCESS"` / `"FAILURE"` | what RSA would decide |
//! | `success` | bool | same, as a boolean |
//! | `outcome` | string | `success`, `mismatch`, `group_did_not_participate`, `no_match`, `backtrack_limit` |
//! | `match` | object or null | `{start, end, start_char, end_char, text}`: the whole match, byte and character offsets |
//! | `group` | number | the group compared: 1 when the pattern has a capturing group, else 0 |
//! | `compared` | string or null | the compared text; null when nothing matched or the group did not participate |
//! | `explanation` | string | one sentence: why |
//! | `format` | string | the Response Format as given |
//! | `success_code` | string | the Success Response Code as given |
//! | `compare` | string | `equals`, `contains` or `trim` |
//! | `lossy_utf8` | bool | the body was not valid UTF-8 and was decoded lossily |
//!
//! When the regex is unusable and `--json` is given, standard output is
//! `{"verdict": "UNUSABLE", "error": MESSAGE, "position": N|null, "format": REGEX}`.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;

use super::exit;
use crate::plugin::config::Comparison;
use crate::plugin::response::{self, Decision, ResponseFormat};

/// Arguments of `match`.
#[derive(clap::Args, Debug)]
#[command(after_help = r#"Examples:
  echo '{"status":"pending"}' | rsa-verify-sim match --format '.*status":\s?"([a-zA-Z]*)' --success pending -
  rsa-verify-sim match --format 'RESULT:(\w+)' --success OK body-from-rsa-log.txt --json"#)]
pub struct Args {
    /// The Response Format: a Java regular expression searched (find) in the body.
    #[arg(long, allow_hyphen_values = true)]
    pub format: String,
    /// The Success Response Code compared with group 1 (or the whole match without a group).
    #[arg(long, allow_hyphen_values = true)]
    pub success: String,
    /// How the compared text is tested against the Success Response Code.
    #[arg(long, value_enum, default_value_t = CompareArg::Equals)]
    pub compare: CompareArg,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// File holding the response body; `-` or absent reads standard input.
    pub body: Option<PathBuf>,
}

/// `--compare` values (the [`Comparison`] quirk).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareArg {
    /// `String.equals` (what RSA is believed to do).
    Equals,
    /// The compared text contains the Success Response Code.
    Contains,
    /// Equal after Java's `trim()` on both.
    Trim,
}

impl CompareArg {
    fn comparison(self) -> Comparison {
        match self {
            CompareArg::Equals => Comparison::Equals,
            CompareArg::Contains => Comparison::Contains,
            CompareArg::Trim => Comparison::Trim,
        }
    }

    fn name(self) -> &'static str {
        match self {
            CompareArg::Equals => "equals",
            CompareArg::Contains => "contains",
            CompareArg::Trim => "trim",
        }
    }
}

/// The `match` field of the JSON report.
#[derive(Serialize, Debug)]
pub struct MatchSpan {
    /// Byte offset of the match start in the (decoded) body.
    pub start: usize,
    /// Byte offset of the match end (exclusive).
    pub end: usize,
    /// Character offset of the match start.
    pub start_char: usize,
    /// Character offset of the match end (exclusive).
    pub end_char: usize,
    /// The whole matched text (group 0).
    pub text: String,
}

/// The JSON report (see the module documentation).
#[derive(Serialize, Debug)]
pub struct Report {
    /// `SUCCESS` or `FAILURE`.
    pub verdict: &'static str,
    /// The verdict as a boolean.
    pub success: bool,
    /// What happened, in one word.
    pub outcome: response::Outcome,
    /// The whole match, or null.
    #[serde(rename = "match")]
    pub matched: Option<MatchSpan>,
    /// The group compared: 1 when the pattern has a capturing group, else 0.
    pub group: usize,
    /// The compared text; null when nothing matched or the group did not participate.
    pub compared: Option<String>,
    /// One sentence: why.
    pub explanation: String,
    /// The Response Format as given.
    pub format: String,
    /// The Success Response Code as given.
    pub success_code: String,
    /// `equals`, `contains` or `trim`.
    pub compare: &'static str,
    /// The body was not valid UTF-8 and was decoded lossily.
    pub lossy_utf8: bool,
}

/// Builds the report for a compiled format and a raw body.
pub fn report(
    format: &ResponseFormat,
    success_code: &str,
    body: &[u8],
    compare: CompareArg,
) -> Report {
    let text = String::from_utf8_lossy(body);
    let lossy = matches!(text, std::borrow::Cow::Owned(_));
    let decision: Decision = response::decide(format, success_code, &text, compare.comparison());
    let compared = decision
        .found
        .as_ref()
        .filter(|f| f.participated)
        .map(|f| f.compared.clone());
    Report {
        verdict: if decision.success {
            "SUCCESS"
        } else {
            "FAILURE"
        },
        success: decision.success,
        outcome: decision.outcome,
        matched: decision.found.as_ref().map(|f| MatchSpan {
            start: f.start,
            end: f.end,
            start_char: f.start_char,
            end_char: f.end_char,
            text: f.text.clone(),
        }),
        group: format.compared_group(),
        compared,
        explanation: decision.explanation,
        format: format.source().to_string(),
        success_code: success_code.to_string(),
        compare: compare.name(),
        lossy_utf8: lossy,
    }
}

/// The report as text, one labelled line each.
pub fn render_text(r: &Report) -> String {
    let mut out = String::new();
    out.push_str(&format!("verdict:      {}\n", r.verdict));
    out.push_str(&format!("format:       {}\n", r.format));
    out.push_str(&format!(
        "success code: {:?} (compare: {})\n",
        r.success_code, r.compare
    ));
    match &r.matched {
        Some(m) => out.push_str(&format!(
            "match:        bytes {}..{}, chars {}..{}: {:?}\n",
            m.start, m.end, m.start_char, m.end_char, m.text
        )),
        None => out.push_str("match:        none\n"),
    }
    out.push_str(&format!(
        "group:        {}{}\n",
        r.group,
        if r.group == 0 {
            " (the pattern has no capturing group: the whole match is compared)"
        } else {
            ""
        }
    ));
    match &r.compared {
        Some(c) => out.push_str(&format!("compared:     {c:?}\n")),
        None => out.push_str("compared:     -\n"),
    }
    out.push_str(&format!("explanation:  {}\n", r.explanation));
    if r.lossy_utf8 {
        out.push_str("note:         the body is not valid UTF-8; invalid bytes were replaced with U+FFFD before matching, and offsets refer to the decoded text\n");
    }
    out
}

/// Reads the body from a file, or standard input for `-` or no argument.
fn read_body(path: Option<&PathBuf>) -> Result<Vec<u8>, String> {
    match path {
        Some(p) if p.as_os_str() != "-" => {
            std::fs::read(p).map_err(|e| format!("cannot read body file {}: {e}", p.display()))
        }
        _ => {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| format!("cannot read the body from standard input: {e}"))?;
            Ok(buf)
        }
    }
}

/// Runs `match`.
pub fn run(args: Args) -> ExitCode {
    let format = match ResponseFormat::compile(&args.format) {
        Ok(f) => f,
        Err(e) => {
            eprintln!(
                "error: unusable Response Format\n{}",
                e.render(&args.format)
            );
            if args.json {
                let json = serde_json::json!({
                    "verdict": "UNUSABLE",
                    "error": e.message,
                    "position": e.position,
                    "format": args.format,
                });
                println!("{json}");
            }
            return exit::code(exit::UNUSABLE_INPUT);
        }
    };
    let body = match read_body(args.body.as_ref()) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::code(exit::UNUSABLE_INPUT);
        }
    };
    let r = report(&format, &args.success, &body, args.compare);
    if args.json {
        match serde_json::to_string_pretty(&r) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("error: cannot write JSON: {e}");
                return exit::code(exit::UNUSABLE_INPUT);
            }
        }
    } else {
        print!("{}", render_text(&r));
    }
    exit::code(if r.success {
        exit::SUCCESS
    } else {
        exit::FAILED
    })
}
