//! The hop-by-hop story of a step, as text for people: request line, decoded form fields (with
//! invisible characters made visible), status and body, then the verdict and the diagnosis.
//! Secrets are redacted.

use std::fmt::Write;

use super::outcome::{ScenarioOutcome, StepOutcome};
use crate::journal::{Exchange, Hop};
use crate::redact::Redactor;

/// Bodies longer than this are cut in transcripts (the journal keeps them whole).
const BODY_LIMIT: usize = 600;

/// The transcript of every step of a scenario.
pub fn scenario(outcome: &ScenarioOutcome) -> String {
    let mut out = String::new();
    for (i, step) in outcome.steps.iter().enumerate() {
        if outcome.steps.len() > 1 {
            let _ = writeln!(out, "step {}: {}", i + 1, step.name);
        }
        out.push_str(&self::step(step, &outcome.redactor));
    }
    out
}

/// The transcript of one step.
pub fn step(step: &StepOutcome, redactor: &Redactor) -> String {
    let mut out = String::new();
    let plugin: Vec<&Exchange> = step
        .exchanges
        .iter()
        .filter(|e| e.hop == Hop::PluginToBridge)
        .collect();
    let verify: Vec<&Exchange> = step
        .exchanges
        .iter()
        .filter(|e| e.hop == Hop::BridgeToVerify)
        .collect();
    if plugin.is_empty() {
        out.push_str("  (no request was sent)\n");
    }
    for (i, exchange) in plugin.iter().enumerate() {
        request(&mut out, exchange, redactor);
        // The bridge's calls to Verify happen while RSA waits for the bridge's answer.
        if i == plugin.len() - 1 {
            for v in &verify {
                request(&mut out, v, redactor);
                response(&mut out, v, redactor);
            }
        }
        response(&mut out, exchange, redactor);
    }
    let d = &step.delivery;
    match &d.failure {
        None => {
            let compared = d
                .decision
                .as_ref()
                .and_then(|x| x.found.as_ref())
                .map(|f| format!(" (Response Format found {:?})", f.compared))
                .unwrap_or_default();
            let _ = writeln!(out, "  RSA verdict: delivered{compared}");
        }
        Some(f) => {
            let _ = writeln!(out, "  RSA verdict: NOT delivered [{}]", f.class);
            let _ = writeln!(out, "    RSA would log: {}", redactor.redact(&f.message));
            let _ = writeln!(out, "    why: {}", redactor.redact(&f.diagnosis));
        }
    }
    // How the plug-in built the request (a naive GET append, unescaped XML...), which often
    // explains the verdict.
    for n in d.request.iter().flat_map(|r| r.notes.iter()) {
        let _ = writeln!(out, "    note: {}", redactor.redact(n));
    }
    for w in &d.warnings {
        let _ = writeln!(out, "    warning: {}", redactor.redact(w));
    }
    for u in &step.unmet {
        let _ = writeln!(out, "  expectation not met: {}", redactor.redact(u));
    }
    out
}

fn request(out: &mut String, e: &Exchange, redactor: &Redactor) {
    let _ = writeln!(
        out,
        "  {:<22} {} {}",
        e.hop.label(),
        e.method,
        redactor.redact(&e.url)
    );
    let width = e
        .form
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    for (k, v) in &e.form {
        let shown = cut_value(&redactor.redact(v));
        let note = visible_note(v);
        let _ = writeln!(
            out,
            "      {:<width$} = {:?}{note}",
            // A name can hold secret too: naive splitting turns the part of a password after
            // its `&` into a field name.
            cut_value(&redactor.redact(k)),
            shown,
            width = width
        );
    }
    if e.form.is_empty() && !e.request_body.is_empty() {
        let _ = writeln!(
            out,
            "      body: {}",
            cut(&redactor.redact(&e.request_body))
        );
    }
}

fn response(out: &mut String, e: &Exchange, redactor: &Redactor) {
    let arrow = match e.hop {
        Hop::PluginToBridge => "bridge -> RSA plug-in",
        Hop::BridgeToVerify => "Verify -> bridge",
    };
    match (e.status, &e.error) {
        (_, Some(err)) => {
            let _ = writeln!(out, "  {arrow:<22} no response: {}", redactor.redact(err));
        }
        (Some(status), None) => {
            let body = e.response_body.as_deref().unwrap_or("");
            let _ = writeln!(
                out,
                "  {arrow:<22} {status} {}",
                cut(&redactor.redact(body))
            );
        }
        (None, None) => {
            let _ = writeln!(out, "  {arrow:<22} no response");
        }
    }
}

/// Points out what people miss when reading a value: leading or trailing white space, a `+` that
/// arrived as a space, non-ASCII look-alikes.
fn visible_note(value: &str) -> String {
    let mut notes = Vec::new();
    if value.starts_with(' ') {
        notes.push("leading space: a literal + in Parameters is decoded as a space; use ${plus}");
    } else if value.starts_with(char::is_whitespace) {
        notes.push("leading white space");
    }
    if value.ends_with(char::is_whitespace) {
        notes.push("trailing white space");
    }
    if !value.is_ascii() {
        notes.push("contains non-ASCII characters");
    }
    if notes.is_empty() {
        String::new()
    } else {
        format!("   <- {}", notes.join("; "))
    }
}

/// Form values longer than this are cut in transcripts (the journal keeps them whole).
const VALUE_LIMIT: usize = 120;

/// A long value, shortened so one field cannot flood a report.
fn cut_value(value: &str) -> String {
    let count = value.chars().count();
    if count <= VALUE_LIMIT {
        value.to_string()
    } else {
        let kept: String = value.chars().take(VALUE_LIMIT).collect();
        format!("{kept}... ({count} characters in all)")
    }
}

fn cut(text: &str) -> String {
    let single_line = text.replace('\r', "\\r").replace('\n', "\\n");
    if single_line.chars().count() <= BODY_LIMIT {
        single_line
    } else {
        let kept: String = single_line.chars().take(BODY_LIMIT).collect();
        format!(
            "{kept}... ({} characters in all)",
            single_line.chars().count()
        )
    }
}
