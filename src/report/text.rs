//! Small text helpers shared by the reports: escaping, shortening, names.
//!
//! Callers redact first, then shorten, then escape.

use std::path::Path;
use std::time::Duration;

/// `text` safe inside HTML or SVG text and attribute values (quoted with `"` or `'`).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than tab and line breaks are not allowed in XML (SVG).
            c if c.is_control() && c != '\n' && c != '\t' && c != '\r' => {
                out.push_str(&format!("\\u{{{:04x}}}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out
}

/// `text` on one line, cut to at most `max` characters (an ellipsis marks the cut).
pub(crate) fn short(text: &str, max: usize) -> String {
    let one_line = text.replace("\r\n", " ").replace(['\r', '\n', '\t'], " ");
    let one_line = one_line.trim();
    if one_line.chars().count() <= max {
        one_line.to_string()
    } else {
        let kept: String = one_line.chars().take(max.saturating_sub(1)).collect();
        format!("{kept}…")
    }
}

/// `text` on one line, at most `max` characters, cut in the middle so both ends stay visible (for
/// URL paths, whose last segment says what was called).
pub(crate) fn short_middle(text: &str, max: usize) -> String {
    let one_line = short(text, usize::MAX);
    let count = one_line.chars().count();
    if count <= max {
        return one_line;
    }
    let keep = max.saturating_sub(1);
    let head = keep / 2;
    let tail = keep - head;
    let start: String = one_line.chars().take(head).collect();
    let end: String = one_line.chars().skip(count - tail).collect();
    format!("{start}…{end}")
}

/// Whole milliseconds, saturating (a u128 of milliseconds never fits in JSON numbers anyway).
pub(crate) fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// The JUnit classname of a scenario file: the path with separators as dots and no `.toml`,
/// e.g. `scenarios/guide/delivers.toml` -> `scenarios.guide.delivers`.
pub(crate) fn classname(file: &Path) -> String {
    let path = file.to_string_lossy().replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let path = path.strip_suffix(".toml").unwrap_or(path);
    path.trim_start_matches('/').replace('/', ".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_both_quotes() {
        assert_eq!(
            escape(r#"<script>alert("x" & 'y')</script>"#),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
    }

    #[test]
    fn makes_control_characters_visible() {
        assert_eq!(escape("a\u{1}b"), "a\\u{0001}b");
    }

    #[test]
    fn shortens_to_one_line_with_an_ellipsis() {
        assert_eq!(short("ab\ncd", 10), "ab cd");
        assert_eq!(short("abcdefgh", 5), "abcd…");
        assert_eq!(short("ééééé", 5), "ééééé");
        assert_eq!(
            short_middle("/v2/Services/VA1/Verifications", 12),
            "/v2/S…ations"
        );
        assert_eq!(short_middle("/short", 12), "/short");
    }

    #[test]
    fn classname_uses_dots_and_drops_the_extension() {
        assert_eq!(
            classname(Path::new("scenarios/guide/delivers.toml")),
            "scenarios.guide.delivers"
        );
        assert_eq!(classname(Path::new("./a\\b.toml")), "a.b");
    }
}
