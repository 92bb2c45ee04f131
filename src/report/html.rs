//! The HTML report: one self-contained page (inline CSS and SVG, no script, no external resource).

use super::svg;
use super::text::{classname, escape, millis};
use super::ReportError;
use crate::redact::Redactor;
use crate::scenario::outcome::{ScenarioOutcome, Status, StepOutcome};
use crate::scenario::transcript;

const STYLE: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;padding:24px;color:#1f2937;background:#f9fafb}
h1{font-size:22px;margin:0 0 8px}
.summary{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:16px 20px;margin-bottom:20px}
.counts span{font-weight:600}
.counts .passed{color:#2e7d32}.counts .failed{color:#c62828}.counts .errors{color:#b45309}
.bar{display:flex;height:14px;border-radius:7px;overflow:hidden;background:#e5e7eb;margin:10px 0}
.bar div{height:100%}.bar .passed{background:#43a047}.bar .failed{background:#e53935}.bar .errors{background:#f59e0b}
.index a{color:#c62828}
.scenario{background:#fff;border:1px solid #e5e7eb;border-radius:8px;margin:0 0 14px;padding:0 16px}
.scenario.failed,.scenario.error{border:2px solid #c62828}
.scenario>details>summary{cursor:pointer;padding:12px 0;font-size:15px}
.badge{display:inline-block;min-width:44px;text-align:center;border-radius:4px;padding:1px 6px;font-size:12px;font-weight:700;color:#fff;margin-right:6px}
.passed .badge{background:#2e7d32}.failed .badge{background:#c62828}.error .badge{background:#b45309}
.file,.ms,.tags{color:#6b7280;font-size:12px;margin-left:8px}
.callout{border-left:5px solid #c62828;background:#fdecea;padding:8px 14px;margin:8px 0;border-radius:4px}
.info{border-left:5px solid #6b7280;background:#f3f4f6;padding:8px 14px;margin:8px 0;border-radius:4px}
.callout,.info,.file{overflow-wrap:anywhere}
.callout h3,.info h3{font-size:14px;margin:6px 0}
.callout ul{margin:4px 0 8px 18px;padding:0}
.diagram-wrap{overflow-x:auto;margin:8px 0}
pre{background:#111827;color:#e5e7eb;padding:10px;border-radius:6px;overflow-x:auto;font-size:12px;white-space:pre-wrap}
code{font-family:ui-monospace,Menlo,Consolas,monospace}
";

/// The HTML report of a run: one self-contained page (inline CSS and SVG only) with a summary (counts
/// and a pass/fail bar) and, per scenario, a sequence diagram of the RSA AM plug-in, the bridge and
/// Twilio Verify. Failed scenarios are open with a red border and a callout (diagnosis, unmet
/// expectations); passing ones are collapsed. All text is redacted and HTML-escaped.
pub fn html(outcomes: &[ScenarioOutcome]) -> Result<String, ReportError> {
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>rsa-verify-sim report</title>\n<style>",
    );
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n");
    out.push_str(&summary(outcomes));
    out.push_str("<main>\n");
    for (i, o) in outcomes.iter().enumerate() {
        out.push_str(&scenario(i, o));
    }
    out.push_str("</main>\n</body>\n</html>\n");
    Ok(out)
}

fn summary(outcomes: &[ScenarioOutcome]) -> String {
    let count = |s: Status| outcomes.iter().filter(|o| o.status == s).count();
    let (passed, failed, errors) = (
        count(Status::Passed),
        count(Status::Failed),
        count(Status::Error),
    );
    let total = outcomes.len();
    let ms: u64 = outcomes
        .iter()
        .map(|o| millis(o.duration))
        .fold(0, u64::saturating_add);
    let mut out = format!(
        "<header id=\"summary\" class=\"summary\">\n<h1>rsa-verify-sim report</h1>\n\
         <p class=\"counts\"><span class=\"passed\">{passed} passed</span>, \
         <span class=\"failed\">{failed} failed</span>, \
         <span class=\"errors\">{errors} could not run</span> &middot; {total} scenarios &middot; {:.2} s in scenarios</p>\n",
        // Milliseconds to seconds for display only; precision loss is irrelevant here.
        ms as f64 / 1000.0
    );
    out.push_str(&format!(
        "<div class=\"bar\" role=\"img\" aria-label=\"{passed} passed, {failed} failed, {errors} could not run\">"
    ));
    for (n, class) in [(passed, "passed"), (failed, "failed"), (errors, "errors")] {
        if n > 0 && total > 0 {
            let percent = n as f64 * 100.0 / total as f64;
            out.push_str(&format!(
                "<div class=\"{class}\" style=\"width:{percent:.3}%\"></div>"
            ));
        }
    }
    out.push_str("</div>\n");
    let not_passed: Vec<(usize, &ScenarioOutcome)> = outcomes
        .iter()
        .enumerate()
        .filter(|(_, o)| o.status != Status::Passed)
        .collect();
    if !not_passed.is_empty() {
        out.push_str("<p>Did not pass:</p>\n<ol class=\"index\">\n");
        for (i, o) in not_passed {
            out.push_str(&format!(
                "<li><a href=\"#scenario-{}\">{}</a> <span class=\"file\">{}</span></li>\n",
                i + 1,
                escape(&o.redactor.redact(&o.name)),
                escape(&o.redactor.redact(&o.file.to_string_lossy()))
            ));
        }
        out.push_str("</ol>\n");
    }
    out.push_str("</header>\n");
    out
}

fn scenario(index: usize, o: &ScenarioOutcome) -> String {
    let r = &o.redactor;
    let (class, badge, open) = match o.status {
        Status::Passed => ("passed", "PASS", ""),
        Status::Failed => ("failed", "FAIL", " open"),
        Status::Error => ("error", "ERROR", " open"),
        Status::Skipped => ("skipped", "SKIP", ""),
    };
    let mut out = format!(
        "<section class=\"scenario {class}\" id=\"scenario-{}\" data-classname=\"{}\">\n<details{open}>\n\
         <summary><span class=\"badge\">{badge}</span><strong>{}</strong>\
         <span class=\"file\">{}</span><span class=\"ms\">{} ms</span></summary>\n",
        index + 1,
        escape(&r.redact(&classname(&o.file))),
        escape(&r.redact(&o.name)),
        escape(&r.redact(&o.file.to_string_lossy())),
        millis(o.duration)
    );
    if !o.tags.is_empty() {
        let tags: Vec<String> = o.tags.iter().map(|t| escape(&r.redact(t))).collect();
        out.push_str(&format!(
            "<div class=\"tags\">tags: {}</div>\n",
            tags.join(", ")
        ));
    }
    if let Some(e) = &o.error {
        out.push_str(&format!(
            "<div class=\"callout\"><h3>The scenario could not run</h3><p>{}</p></div>\n",
            escape(&r.redact(e))
        ));
    }
    for step in &o.steps {
        out.push_str(&step_notes(step, r, o.steps.len() > 1));
    }
    out.push_str("<div class=\"diagram-wrap\">");
    out.push_str(&svg::diagram(o));
    out.push_str("</div>\n");
    let story = transcript::scenario(o);
    if !story.is_empty() {
        out.push_str(&format!(
            "<details class=\"transcript\"><summary>Transcript</summary><pre><code>{}</code></pre></details>\n",
            escape(&story)
        ));
    }
    out.push_str("</details>\n</section>\n");
    out
}

/// The callout of a step: the diagnosis of a failed delivery and the unmet expectations. Red when an
/// expectation failed; grey when the delivery failed as the scenario expected.
fn step_notes(step: &StepOutcome, r: &Redactor, named: bool) -> String {
    let d = &step.delivery;
    if d.failure.is_none() && step.unmet.is_empty() && d.warnings.is_empty() {
        return String::new();
    }
    let class = if step.unmet.is_empty() {
        "info"
    } else {
        "callout"
    };
    let mut out = format!("<div class=\"{class}\">");
    if named {
        out.push_str(&format!("<h3>{}</h3>", escape(&r.redact(&step.name))));
    }
    if let Some(f) = &d.failure {
        out.push_str(&format!(
            "<p><strong>Not delivered [{}]</strong>: {}</p><p>RSA would log: <code>{}</code></p>",
            escape(f.class.name()),
            escape(&r.redact(&f.diagnosis)),
            escape(&r.redact(&f.message))
        ));
    }
    if !step.unmet.is_empty() {
        out.push_str("<h3>Expectations not met</h3><ul>");
        for u in &step.unmet {
            out.push_str(&format!("<li>{}</li>", escape(&r.redact(u))));
        }
        out.push_str("</ul>");
    }
    for w in &d.warnings {
        out.push_str(&format!("<p>warning: {}</p>", escape(&r.redact(w))));
    }
    out.push_str("</div>\n");
    out
}
