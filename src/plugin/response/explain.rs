//! One-sentence explanations of a Response Format decision: what users read when "the regex never
//! matches the error body".
//!
//! For a failed `find()`, the pattern's top-level pieces are matched as ever longer prefixes; the
//! longest prefix that matches somewhere shows where the body stops fitting the pattern, and the
//! character found there is named (with its code point when it is not printable ASCII). Two Java
//! traps get their own wording because they are the usual causes: `\s` not matching a no-break
//! space, and `.` not crossing a line terminator.

use super::java_regex::{join_alternatives, Piece};
use super::{char_offset, compare_text, java_trim, Found, Outcome, ResponseFormat};
use crate::plugin::config::Comparison;

/// Backtracking budget for each diagnostic prefix match (the explanation must stay quick).
const DIAGNOSTIC_BACKTRACK_LIMIT: usize = 100_000;
/// Prefixes tried per alternative; longer patterns are explained from their first pieces only.
const MAX_PIECES: usize = 200;
/// Characters of body text quoted before and after the stopping point.
const TAIL_CHARS: usize = 24;
const NEXT_CHARS: usize = 16;

/// Java's line terminators (what `.` does not match without DOTALL).
pub(crate) fn is_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Java's `\s`.
fn is_java_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{B}' | '\u{C}' | '\r')
}

/// A character for a message: itself when printable ASCII, else its name and code point.
pub fn describe_char(c: char) -> String {
    let name = match c {
        '\n' => Some("line feed"),
        '\r' => Some("carriage return"),
        '\t' => Some("tab"),
        '\u{B}' => Some("vertical tab"),
        '\u{C}' => Some("form feed"),
        '\0' => Some("NUL"),
        '\u{85}' => Some("next line"),
        '\u{A0}' => Some("no-break space"),
        '\u{2007}' => Some("figure space"),
        '\u{202F}' => Some("narrow no-break space"),
        '\u{2028}' => Some("line separator"),
        '\u{2029}' => Some("paragraph separator"),
        '\u{200B}' => Some("zero width space"),
        '\u{FEFF}' => Some("byte order mark / zero width no-break space"),
        '\u{3000}' => Some("ideographic space"),
        '\u{FFFD}' => Some("replacement character, from bytes that are not UTF-8"),
        '\u{201C}' | '\u{201D}' => Some("curly double quote"),
        '\u{2018}' | '\u{2019}' => Some("curly single quote"),
        _ => None,
    };
    match name {
        Some(name) => format!("U+{:04X} ({name})", c as u32),
        None if c == ' ' => "a space".to_string(),
        None if c.is_ascii_graphic() => format!("`{c}`"),
        None if c.is_control() || c.is_whitespace() => format!("U+{:04X}", c as u32),
        None => format!("`{c}` (U+{:04X})", c as u32),
    }
}

/// Body text for a one-line message: control characters and unusual spaces are escaped.
fn snippet(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c == ' '
                || (!c.is_control() && !c.is_whitespace() && c != '\u{FEFF}' && c != '\u{200B}')
            {
                c.to_string()
            } else {
                c.escape_default().to_string()
            }
        })
        .collect()
}

/// The last `n` characters of `s`, with `…` when cut.
fn tail(s: &str, n: usize) -> String {
    let count = s.chars().count();
    if count <= n {
        snippet(s)
    } else {
        let cut: String = s.chars().skip(count - n).collect();
        format!("…{}", snippet(&cut))
    }
}

/// The first `n` characters of `s`, with `…` when cut.
fn head(s: &str, n: usize) -> String {
    let cut: String = s.chars().take(n).collect();
    if cut.len() < s.len() {
        format!("{}…", snippet(&cut))
    } else {
        snippet(&cut)
    }
}

/// Source text of some pieces.
fn source(chars: &[char], pieces: &[Piece]) -> String {
    match (pieces.first(), pieces.last()) {
        (Some(first), Some(last)) => chars[first.start..last.end].iter().collect(),
        _ => String::new(),
    }
}

/// Finds the span matched by some pieces (leftmost), if any.
fn find_span(pieces: &[Piece], body: &str) -> Option<(usize, usize)> {
    if pieces.is_empty() {
        return Some((0, 0));
    }
    let pattern = join_alternatives(&[pieces.to_vec()]);
    let re = fancy_regex::RegexBuilder::new(&pattern)
        .backtrack_limit(DIAGNOSTIC_BACKTRACK_LIMIT)
        .build()
        .ok()?;
    re.find(body).ok().flatten().map(|m| (m.start(), m.end()))
}

/// How far one alternative gets.
struct Progress {
    /// Pieces matched.
    k: usize,
    /// Span of the matched prefix.
    span: (usize, usize),
}

fn progress(alt: &[Piece], body: &str) -> Progress {
    let n = alt.len().min(MAX_PIECES);
    // Prefix matching is monotone (if k+1 pieces match, k do), so the first hit from the top wins.
    for k in (1..=n).rev() {
        if let Some(span) = find_span(&alt[..k], body) {
            return Progress { k, span };
        }
    }
    Progress { k: 0, span: (0, 0) }
}

/// Why `find()` fails, in one sentence starting with "no match", with pattern warnings appended.
pub(super) fn no_match(format: &ResponseFormat, body: &str) -> String {
    let mut sentence = no_match_reason(format, body);
    for warning in format.warnings() {
        sentence.push_str("; warning: ");
        sentence.push_str(&warning);
    }
    sentence
}

fn no_match_reason(format: &ResponseFormat, body: &str) -> String {
    let chars: Vec<char> = format.source().chars().collect();
    let alternatives = &format.translation.alternatives;
    let mut best: Option<(usize, Progress)> = None;
    for (i, alt) in alternatives.iter().enumerate() {
        let p = progress(alt, body);
        if best.as_ref().is_none_or(|(_, b)| p.k > b.k) {
            best = Some((i, p));
        }
    }
    let Some((index, Progress { mut k, mut span })) = best else {
        return "no match".to_string();
    };
    let alt = &alternatives[index];
    // A run of literal characters is explained as a whole: "needs `status\":`" rather than
    // "needs `tus\":`" after a `sta` that happened to be in `stack`.
    if k < alt.len() && alt[k].node.literal.is_some() {
        let run_start = (0..k)
            .rev()
            .take_while(|&i| alt[i].node.literal.is_some())
            .last()
            .unwrap_or(k);
        if run_start < k {
            k = run_start;
            span = find_span(&alt[..k], body).unwrap_or((0, 0));
        }
    }
    let which = if alternatives.len() > 1 {
        format!(
            " (of its {} alternatives, `{}` gets furthest)",
            alternatives.len(),
            source(&chars, alt)
        )
    } else {
        String::new()
    };
    if k >= alt.len() {
        // Every piece matched on its own, yet the whole did not: a limit or look-around interplay.
        return format!(
            "no match: every part of the Response Format matches somewhere, but not the whole{which}"
        );
    }
    // What the pattern needs next: a run of plain literal characters, or one piece.
    let mut j = k;
    while j < alt.len() && alt[j].node.literal.is_some() {
        j += 1;
    }
    if j == k {
        j = k + 1;
    }
    let needs = source(&chars, &alt[k..j]);
    let rest = source(&chars, &alt[j..]);
    let then = if rest.is_empty() {
        String::new()
    } else {
        format!(", then `{rest}`")
    };
    let literal: Option<String> = alt[k..j].iter().map(|p| p.node.literal).collect();
    let prefix = &alt[..k];
    let (start, end) = span;
    let next_char = body[end..].chars().next();
    let at = format!("byte {end} (char {})", char_offset(body, end));
    let ends = end >= body.len();
    let next = if ends {
        "the end of the body".to_string()
    } else {
        format!("`{}`", head(&body[end..], NEXT_CHARS))
    };
    let general = if end > start {
        format!(
            "the body has `{}` followed by {next}, but the Response Format needs `{needs}` there{then}",
            tail(&body[start..end], TAIL_CHARS)
        )
    } else if k == 0 {
        format!("nothing in the body matches `{needs}`, where the Response Format starts")
    } else {
        let has = if ends {
            "ends".to_string()
        } else {
            format!("has {next}")
        };
        format!("at {at} the body {has}, but the Response Format needs `{needs}` there{then}")
    };

    // Java trap 1: `\s` (or a space) against a Unicode space such as U+00A0.
    if let Some(c) = next_char {
        let uses_space = alt[k.saturating_sub(1)..j].iter().any(|p| p.uses_space);
        if c.is_whitespace() && !is_java_space(c) && uses_space {
            let what = if format.source().contains(r"\s") {
                r"Java's `\s`"
            } else {
                "a space in the Response Format"
            };
            return format!(
                "no match: {what} does not match {} at {at}: {general}{which}",
                describe_char(c)
            );
        }
        // Java trap 2: `.` stops at a line terminator.
        if is_line_terminator(c) && alt[..j].iter().any(|p| p.uses_dot) {
            return format!(
                "no match: Java's `.` does not match line terminators (no DOTALL flag), and the body has {} at {at}: {general}{which}",
                describe_char(c)
            );
        }
    }
    // The rest of the pattern is in the body, but a `.` before it would have to match a newline.
    if let Some(diagnosis) = dot_before_newline(&chars, alt, body) {
        return format!("no match: {diagnosis}{which}");
    }
    if let Some(lit) = literal.filter(|_| prefix.iter().all(|p| p.node.min == 0)) {
        if !body.contains(&lit) {
            let after = if k == 0 || source(&chars, prefix).is_empty() {
                String::new()
            } else {
                format!(
                    ", which the Response Format needs after `{}`",
                    source(&chars, prefix)
                )
            };
            let case = find_ignoring_case(body, &lit)
                .map(|other| {
                    format!(
                        " (it has `{}` in another letter case; Java compares case-sensitively unless the Response Format has `(?i)`)",
                        snippet(other)
                    )
                })
                .unwrap_or_default();
            let closest = closest_partial(body, &lit).unwrap_or_default();
            return format!(
                "no match: the body does not contain `{}`{after}{case}{closest}{which}",
                snippet(&lit)
            );
        }
    }
    format!("no match: {general}{which}")
}

/// When some final part of the pattern matches in the body right after a line terminator and the
/// part before it needs a `.` there.
fn dot_before_newline(chars: &[char], alt: &[Piece], body: &str) -> Option<String> {
    for i in 1..alt.len().min(MAX_PIECES) {
        if !alt[..i].iter().any(|p| p.uses_dot) || alt[i..].iter().all(|p| p.node.min == 0) {
            continue;
        }
        let Some((s, e)) = find_span(&alt[i..], body) else {
            continue;
        };
        let before = body[..s].chars().next_back()?;
        if is_line_terminator(before) {
            let at = s - before.len_utf8();
            return Some(format!(
                "the body has `{}` at byte {s} (char {}), but `{}` before it in the Response Format cannot match the {} at byte {at}: Java's `.` does not match line terminators (no DOTALL flag)",
                head(&body[s..e], TAIL_CHARS),
                char_offset(body, s),
                source(chars, &alt[..i]),
                describe_char(before),
            ));
        }
        return None;
    }
    None
}

/// Where the body has the longest start of a literal it does not contain, and what comes
/// instead: `"status" : ` has `status"` followed by a space, not `:`. Starts shorter than half the
/// literal (or 3 characters) are coincidences (`sta` in `stack`) and are not reported.
fn closest_partial(body: &str, lit: &str) -> Option<String> {
    let chars: Vec<char> = lit.chars().collect();
    let shortest = 3.max(chars.len().div_ceil(2));
    for n in (shortest..chars.len()).rev() {
        let partial: String = chars[..n].iter().collect();
        if let Some(at) = body.find(&partial) {
            let end = at + partial.len();
            let instead = body[end..]
                .chars()
                .next()
                .map_or_else(|| "the end of the body".to_string(), describe_char);
            return Some(format!(
                "; it has `{}` at byte {at} (char {}), followed by {instead} where `{}` is needed",
                snippet(&partial),
                char_offset(body, at),
                snippet(&chars[n].to_string()),
            ));
        }
    }
    None
}

/// The text in `body` equal to `needle` ignoring ASCII case, if any.
fn find_ignoring_case<'a>(body: &'a str, needle: &str) -> Option<&'a str> {
    if needle.is_empty() {
        return None;
    }
    let lower_body = body.to_ascii_lowercase();
    let at = lower_body.find(&needle.to_ascii_lowercase())?;
    body.get(at..at + needle.len())
}

/// The outcome and sentence for a match: compare the group's text with the Success Response Code.
pub(super) fn comparison(
    format: &ResponseFormat,
    success_code: &str,
    body: &str,
    found: &Found,
    compare: Comparison,
) -> (Outcome, String) {
    let group = found.group;
    let label = match format.group_name(group) {
        Some(name) => format!("group {group} (`{name}`)"),
        None => format!("group {group}"),
    };
    if !found.participated {
        return (
            Outcome::GroupDidNotParticipate,
            format!(
                "{label} did not participate in the match {:?} at bytes {}..{} (Java's group({group}) is null), so it cannot match Success Response Code {success_code:?}; RSA's comparison fails or throws",
                found.text, found.start, found.end
            ),
        );
    }
    let compared = &found.compared;
    let ok = compare_text(compared, success_code, compare);
    let verb = match (compare, ok) {
        (Comparison::Equals, true) => "equal",
        (Comparison::Equals, false) => "not equal",
        (Comparison::Contains, true) => "contains it",
        (Comparison::Contains, false) => "does not contain it",
        (Comparison::Trim, true) => "equal after trimming",
        (Comparison::Trim, false) => "not equal after trimming",
    };
    let mut sentence = format!(
        "compared {label} = {compared:?} with Success Response Code {success_code:?}: {verb}"
    );
    if ok {
        return (Outcome::Success, sentence);
    }
    let mut hints: Vec<String> = Vec::new();
    if compared.eq_ignore_ascii_case(success_code)
        || compared.to_lowercase() == success_code.to_lowercase()
    {
        hints.push(
            "they differ only in letter case, and the comparison is case-sensitive".to_string(),
        );
    } else if compare != Comparison::Trim && java_trim(compared) == java_trim(success_code) {
        hints.push(
            "they differ only in leading or trailing white space or control characters".to_string(),
        );
    }
    if group == 0
        && compare == Comparison::Equals
        && compared.contains(success_code)
        && !success_code.is_empty()
    {
        hints.push(
            "the Response Format has no capturing group, so the whole match is compared; put the part to compare in parentheses".to_string(),
        );
    }
    if let Some(c) = body[found.end..].chars().next() {
        let uses_dot = format
            .translation
            .alternatives
            .iter()
            .flatten()
            .any(|p| p.uses_dot);
        if is_line_terminator(c) && uses_dot {
            hints.push(format!(
                "the match stops at the {} at byte {} because Java's `.` does not match line terminators",
                describe_char(c),
                found.end
            ));
        }
    }
    if compared.is_empty() && !success_code.is_empty() && hints.is_empty() {
        hints.push("the compared text is empty".to_string());
    }
    for hint in hints {
        sentence.push_str("; ");
        sentence.push_str(&hint);
    }
    (Outcome::Mismatch, sentence)
}
