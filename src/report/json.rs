//! The JSON report: schema `rsa-verify-sim/report`, version 1 (docs/report-schema.md).
//!
//! The document is built from the private structs below, whose field order is the order in the
//! output. Every string in them is already redacted.

use serde::Serialize;

use super::text;
use super::ReportError;
use crate::journal::{Exchange, Hop};
use crate::plugin::response::Outcome;
use crate::plugin::{Delivery, RenderedRequest};
use crate::redact::Redactor;
use crate::scenario::outcome::{ScenarioOutcome, Status, StepOutcome};

/// The `schema` field of every JSON report.
pub const SCHEMA: &str = "rsa-verify-sim/report";
/// The `version` field; raised when a field is removed or changes meaning (adding one does not).
pub const VERSION: u32 = 1;

/// The JSON report of a run (pretty-printed, with a final newline), documented in
/// `docs/report-schema.md`. Every string is redacted; `Authorization` header values are hidden whole.
pub fn json(outcomes: &[ScenarioOutcome]) -> Result<String, ReportError> {
    let mut summary = Summary {
        passed: 0,
        failed: 0,
        errors: 0,
        skipped: 0,
        total: outcomes.len(),
        duration_ms: 0,
    };
    for o in outcomes {
        match o.status {
            Status::Passed => summary.passed += 1,
            Status::Failed => summary.failed += 1,
            Status::Error => summary.errors += 1,
            Status::Skipped => summary.skipped += 1,
        }
        summary.duration_ms = summary.duration_ms.saturating_add(text::millis(o.duration));
    }
    let document = Document {
        schema: SCHEMA,
        version: VERSION,
        summary,
        scenarios: outcomes.iter().map(scenario).collect(),
    };
    let mut out = serde_json::to_string_pretty(&document)?;
    out.push('\n');
    Ok(out)
}

#[derive(Serialize)]
struct Document {
    schema: &'static str,
    version: u32,
    summary: Summary,
    scenarios: Vec<Scenario>,
}

#[derive(Serialize)]
struct Summary {
    passed: usize,
    failed: usize,
    errors: usize,
    skipped: usize,
    total: usize,
    duration_ms: u64,
}

#[derive(Serialize)]
struct Scenario {
    file: String,
    name: String,
    tags: Vec<String>,
    status: Status,
    error: Option<String>,
    duration_ms: u64,
    steps: Vec<Step>,
}

#[derive(Serialize)]
struct Step {
    name: String,
    delivered: bool,
    failure: Option<Failure>,
    unmet: Vec<String>,
    request: Option<Request>,
    exchanges: Vec<JsonExchange>,
    warnings: Vec<String>,
    decision: Option<Decision>,
}

#[derive(Serialize)]
struct Failure {
    class: &'static str,
    message: String,
    diagnosis: String,
}

#[derive(Serialize)]
struct Request {
    method: String,
    url: String,
    headers: Vec<Pair>,
    body: String,
    decoded: Vec<Pair>,
    notes: Vec<String>,
}

#[derive(Serialize)]
struct Decision {
    success: bool,
    outcome: Outcome,
    compared: Option<String>,
    explanation: String,
}

#[derive(Serialize)]
struct JsonExchange {
    hop: Hop,
    method: String,
    url: String,
    form: Vec<Pair>,
    status: Option<u16>,
    response_body: Option<String>,
    error: Option<String>,
    at: String,
    request_headers: Vec<Pair>,
    request_body: String,
    response_headers: Vec<Pair>,
}

#[derive(Serialize)]
struct Pair {
    name: String,
    value: String,
}

fn scenario(o: &ScenarioOutcome) -> Scenario {
    let r = &o.redactor;
    Scenario {
        file: r.redact(&o.file.to_string_lossy()),
        name: r.redact(&o.name),
        tags: o.tags.iter().map(|t| r.redact(t)).collect(),
        status: o.status,
        error: o.error.as_deref().map(|e| r.redact(e)),
        duration_ms: text::millis(o.duration),
        steps: o.steps.iter().map(|s| step(s, r)).collect(),
    }
}

fn step(s: &StepOutcome, r: &Redactor) -> Step {
    let d: &Delivery = &s.delivery;
    Step {
        name: r.redact(&s.name),
        delivered: d.delivered(),
        failure: d.failure.as_ref().map(|f| Failure {
            class: f.class.name(),
            message: r.redact(&f.message),
            diagnosis: r.redact(&f.diagnosis),
        }),
        unmet: s.unmet.iter().map(|u| r.redact(u)).collect(),
        request: d.request.as_ref().map(|q| request(q, r)),
        exchanges: s.exchanges.iter().map(|e| exchange(e, r)).collect(),
        warnings: d.warnings.iter().map(|w| r.redact(w)).collect(),
        decision: d.decision.as_ref().map(|x| Decision {
            success: x.success,
            outcome: x.outcome,
            compared: x.found.as_ref().map(|f| r.redact(&f.compared)),
            explanation: r.redact(&x.explanation),
        }),
    }
}

fn request(q: &RenderedRequest, r: &Redactor) -> Request {
    Request {
        method: r.redact(&q.method),
        url: r.redact(&q.url),
        headers: headers(&q.headers, r),
        body: r.redact(&q.body),
        decoded: fields(&q.decoded, r),
        notes: q.notes.iter().map(|n| r.redact(n)).collect(),
    }
}

fn exchange(e: &Exchange, r: &Redactor) -> JsonExchange {
    JsonExchange {
        hop: e.hop,
        method: r.redact(&e.method),
        url: r.redact(&e.url),
        form: fields(&e.form, r),
        status: e.status,
        response_body: e.response_body.as_deref().map(|b| r.redact(b)),
        error: e.error.as_deref().map(|x| r.redact(x)),
        at: r.redact(&e.at),
        request_headers: headers(&e.request_headers, r),
        request_body: r.redact(&e.request_body),
        response_headers: headers(&e.response_headers, r),
    }
}

fn fields(pairs: &[(String, String)], r: &Redactor) -> Vec<Pair> {
    pairs
        .iter()
        .map(|(name, value)| Pair {
            name: r.redact(name),
            value: r.redact(value),
        })
        .collect()
}

fn headers(pairs: &[(String, String)], r: &Redactor) -> Vec<Pair> {
    pairs
        .iter()
        .map(|(name, value)| Pair {
            name: r.redact(name),
            value: r.redact_header(name, value),
        })
        .collect()
}
