//! The sequence diagram of one scenario as inline SVG: three columns (RSA AM plug-in, bridge,
//! Twilio Verify), one arrow per request and response in story order, transport errors as red
//! crossed arrows, and the RSA verdict of each step. Every text is redacted, shortened, escaped.

use super::sequence::{self, Arrow, Kind, Party};
use super::text::{escape, short, short_middle};
use crate::journal::Exchange;
use crate::redact::Redactor;
use crate::scenario::outcome::{ScenarioOutcome, StepOutcome};

const WIDTH: u32 = 960;
const LINE: u32 = 14;
/// Characters that fit between two neighbouring columns at the label font size.
const LABEL_CHARS: usize = 46;
/// Form fields shown on a request arrow; the rest are in the arrow's tooltip.
const SHOWN_FIELDS: usize = 4;
const RED: &str = "#c62828";
const GREEN: &str = "#2e7d32";
const INK: &str = "#1f2937";

/// The diagram of every step of a scenario, as one `<svg class="diagram">` element.
pub(crate) fn diagram(outcome: &ScenarioOutcome) -> String {
    let r = &outcome.redactor;
    let mut body = String::new();
    let mut y = 64;
    if outcome.steps.is_empty() {
        y = note(
            &mut body,
            y,
            RED,
            &["no step ran: the scenario could not run"],
        );
    }
    for (i, step) in outcome.steps.iter().enumerate() {
        if outcome.steps.len() > 1 {
            y = step_band(
                &mut body,
                y,
                &format!("step {}: {}", i + 1, r.redact(&step.name)),
            );
        }
        y = draw_step(&mut body, y, step, r);
    }
    let height = y + 16;
    let mut out = format!(
        "<svg class=\"diagram\" role=\"img\" aria-label=\"sequence diagram\" width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\" font-family=\"ui-monospace, Menlo, Consolas, monospace\" font-size=\"11\">"
    );
    for party in [Party::Plugin, Party::Bridge, Party::Verify] {
        let x = column_x(party);
        out.push_str(&format!(
            "<line x1=\"{x}\" y1=\"44\" x2=\"{x}\" y2=\"{}\" stroke=\"#9ca3af\" stroke-dasharray=\"4 4\"/>\
             <rect x=\"{}\" y=\"10\" width=\"230\" height=\"34\" rx=\"6\" fill=\"#eef2ff\" stroke=\"#6366f1\"/>\
             <text x=\"{x}\" y=\"32\" text-anchor=\"middle\" font-family=\"system-ui, sans-serif\" font-size=\"13\" font-weight=\"600\">{}</text>",
            height - 8,
            x - 115,
            escape(party.title())
        ));
    }
    out.push_str(&body);
    out.push_str("</svg>");
    out
}

/// The x coordinate of a party's life line.
fn column_x(party: Party) -> u32 {
    match party {
        Party::Plugin => 150,
        Party::Bridge => 480,
        Party::Verify => 810,
    }
}

fn draw_step(out: &mut String, mut y: u32, step: &StepOutcome, r: &Redactor) -> u32 {
    let arrows = sequence::arrows(&step.exchanges);
    if arrows.is_empty() {
        y = note(out, y, INK, &["(no request was sent)"]);
    }
    for a in &arrows {
        y = draw_arrow(out, y, a, r);
    }
    let d = &step.delivery;
    match &d.failure {
        None => {
            let found = d
                .decision
                .as_ref()
                .and_then(|x| x.found.as_ref())
                .map(|f| format!(" (Response Format found {:?})", r.redact(&f.compared)))
                .unwrap_or_default();
            note(out, y, GREEN, &[&format!("RSA verdict: delivered{found}")])
        }
        Some(f) => note(
            out,
            y,
            RED,
            &[
                &format!("RSA verdict: NOT delivered [{}]", f.class),
                &format!("RSA would log: {}", r.redact(&f.message)),
            ],
        ),
    }
}

/// Label lines of an arrow: what is drawn above it, and the full text for its tooltip.
fn labels(a: &Arrow<'_>, r: &Redactor) -> (Vec<String>, String) {
    let e: &Exchange = a.exchange;
    // Redacted before it is cut; cut in the middle so the last path segment stays visible.
    let request_line = short_middle(
        &r.redact(&format!("{} {}", e.method, e.path())),
        LABEL_CHARS,
    );
    let mut lines = Vec::new();
    match a.kind {
        Kind::Request => {
            lines.push(request_line);
            for (k, v) in e.form.iter().take(SHOWN_FIELDS) {
                lines.push(format!("{}={:?}", r.redact(k), r.redact(v)));
            }
            if e.form.len() > SHOWN_FIELDS {
                let more = e.form.len() - SHOWN_FIELDS;
                let plural = if more == 1 { "" } else { "s" };
                lines.push(format!("… {more} more field{plural}"));
            }
            if e.form.is_empty() && !e.request_body.is_empty() {
                lines.push(format!("body: {}", r.redact(&e.request_body)));
            }
        }
        Kind::Response => {
            let status = e.status.map_or("no status".to_string(), |s| s.to_string());
            let body = e.response_body.as_deref().map(|b| r.redact(b));
            lines.push(format!("{status} {}", body.unwrap_or_default()));
        }
        Kind::Broken => {
            // A broken arrow towards RSA is a response that never came; others are requests.
            if a.to != Party::Plugin {
                lines.push(request_line);
            }
            let error = e.error.as_deref().map(|x| r.redact(x)).unwrap_or_default();
            lines.push(format!("✗ no response: {error}"));
        }
    }
    let lines: Vec<String> = lines.iter().map(|l| r.redact(l)).collect();
    let mut title = lines.clone();
    if a.kind == Kind::Request {
        // The tooltip has the full URL and every field.
        if let Some(first) = title.first_mut() {
            *first = r.redact(&format!("{} {}", e.method, e.url));
        }
        title.retain(|l| !l.starts_with("… "));
        for (k, v) in e.form.iter().skip(SHOWN_FIELDS) {
            title.push(r.redact(&format!("{k}={:?}", r.redact(v))));
        }
    }
    (lines, short(&title.join(" | "), 4000))
}

fn draw_arrow(out: &mut String, mut y: u32, a: &Arrow<'_>, r: &Redactor) -> u32 {
    let (lines, title) = labels(a, r);
    let (x1, x2) = (column_x(a.from), column_x(a.to));
    let mid = (x1 + x2) / 2;
    let colour = if a.kind == Kind::Broken { RED } else { INK };
    let class = match a.kind {
        Kind::Request => "request",
        Kind::Response => "response",
        Kind::Broken => "broken",
    };
    out.push_str(&format!(
        "<g class=\"arrow {class}\"><title>{}</title>",
        escape(&title)
    ));
    for line in &lines {
        y += LINE;
        out.push_str(&format!(
            "<text x=\"{mid}\" y=\"{y}\" text-anchor=\"middle\" fill=\"{colour}\">{}</text>",
            escape(&short(line, LABEL_CHARS))
        ));
    }
    y += 8;
    let right = x2 > x1;
    let dir: i64 = if right { 1 } else { -1 };
    let start = i64::from(x1) + dir * 4;
    let end = if a.kind == Kind::Broken {
        // A broken arrow stops three quarters of the way, at a cross.
        i64::from(x1) + (i64::from(x2) - i64::from(x1)) * 3 / 4
    } else {
        i64::from(x2) - dir * 4
    };
    let dash = if a.kind == Kind::Response {
        " stroke-dasharray=\"6 4\""
    } else {
        ""
    };
    out.push_str(&format!(
        "<line x1=\"{start}\" y1=\"{y}\" x2=\"{end}\" y2=\"{y}\" stroke=\"{colour}\" stroke-width=\"1.6\"{dash}/>"
    ));
    if a.kind == Kind::Broken {
        out.push_str(&format!(
            "<path d=\"M{} {} L{} {} M{} {} L{} {}\" stroke=\"{RED}\" stroke-width=\"2.4\"/>",
            end - 7,
            y - 7,
            end + 7,
            y + 7,
            end - 7,
            y + 7,
            end + 7,
            y - 7
        ));
    } else {
        let back = end - dir * 9;
        out.push_str(&format!(
            "<polygon points=\"{end},{y} {back},{} {back},{}\" fill=\"{colour}\"/>",
            y - 4,
            y + 4
        ));
    }
    out.push_str("</g>");
    y + 10
}

/// A note box under the RSA column reaching towards the bridge, one text line per entry.
fn note(out: &mut String, y: u32, colour: &str, lines: &[&str]) -> u32 {
    let top = y + 6;
    let height = 10 + LINE * u32::try_from(lines.len()).unwrap_or(1);
    out.push_str(&format!(
        "<g class=\"note\"><rect x=\"30\" y=\"{top}\" width=\"560\" height=\"{height}\" rx=\"4\" fill=\"#ffffff\" stroke=\"{colour}\" stroke-width=\"1.5\"/>"
    ));
    let mut line_y = top + 3;
    for line in lines {
        line_y += LINE;
        out.push_str(&format!(
            "<text x=\"40\" y=\"{line_y}\" fill=\"{colour}\">{}</text>",
            escape(&short(line, 80))
        ));
    }
    out.push_str("</g>");
    top + height + 8
}

/// A separator with the step's name across the whole width.
fn step_band(out: &mut String, y: u32, label: &str) -> u32 {
    let line_y = y + 12;
    out.push_str(&format!(
        "<g class=\"step\"><line x1=\"10\" y1=\"{line_y}\" x2=\"{}\" y2=\"{line_y}\" stroke=\"#6366f1\" stroke-dasharray=\"2 3\"/>\
         <text x=\"14\" y=\"{}\" fill=\"#4338ca\" font-weight=\"600\">{}</text></g>",
        WIDTH - 10,
        line_y - 3,
        escape(&short(label, 120))
    ));
    line_y + 4
}
