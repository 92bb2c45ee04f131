//! Velocity-style rendering of the Parameters string, the XML Request Body and the message template.
//!
//! RSA AM renders these templates with Apache Velocity (inferred: the syntax is Velocity's reference
//! syntax, and RSA's e-mail templates are documented as Velocity). Only references are emulated:
//!
//! - `$name`, `$name.sub` and `${name.sub}`; a name starts with an ASCII letter, then letters,
//!   digits, `-` or `_`. Without braces the reference is as long as possible, so `$msg.messagex` is
//!   the (unknown) reference `msg.messagex`; write `${msg.message}x` instead.
//! - An unknown reference is emitted literally (`$foo` stays `$foo`, `${foo}` stays `${foo}`).
//! - `$!name` / `$!{name}` render empty when the reference is unknown.
//! - `\$name` renders `$name` literally when `name` is known; when it is unknown the backslash stays
//!   too (Velocity's rule). Pairs of backslashes before a reference collapse to one each.
//! - A `$` not followed by a name (`$2.50`, `$ `, a trailing `$`) is plain text.
//! - `${` followed by a name but not by `}` is an error: Velocity's parser rejects it.
//!
//! Directives (`#if`, `#set`, `##`) are not emulated; a `#` is plain text here.
//!
//! Encoding of the Parameters string (see [`render_parameters`]): literal template text is already a
//! form string and goes onto the wire as typed (`&` separates pairs, `=` separates a name from its
//! value, a literal `+` means a space); substituted values are data and are encoded with
//! [`url_encode`], so `${plus}` arrives as `%2B`.

use super::encode::{form_decode, url_encode, Splitting};

/// Values the plug-in substitutes.
#[derive(Clone, Debug, Default)]
pub struct Vars {
    /// `$msg.address`: the normalised mobile number (digits only).
    pub address: String,
    /// `$msg.message`: the rendered message template.
    pub message: String,
    /// `$OTT`: the tokencode.
    pub ott: String,
    /// `$cfg.user`: Account User Name.
    pub user: String,
    /// `$cfg.password`: Account Password.
    pub password: String,
    /// `$Lifetime`: tokencode lifetime in minutes.
    pub lifetime: String,
}

/// A template that cannot be rendered; `position` is a 0-based character index.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message} at character {} of the template", position + 1)]
pub struct TemplateError {
    /// 0-based character index of the offending `$`.
    pub position: usize,
    /// What was expected and what was found.
    pub message: String,
}

/// One piece of a parsed template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// Text outside any reference, exactly as typed.
    Text(String),
    /// A reference such as `$msg.address` or `$!{cfg.user}`.
    Ref(Reference),
}

/// A reference as it appears in a template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The dotted name, e.g. `msg.address`.
    pub name: String,
    /// `$!name`: renders empty when unknown.
    pub quiet: bool,
    /// How many backslashes directly precede the `$`.
    pub backslashes: usize,
    /// The reference as typed, without the backslashes (e.g. `${msg.address}`).
    pub source: String,
    /// 0-based character index of the `$`.
    pub position: usize,
}

/// One piece of a rendered template: text from the template, or a substituted value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// Template text (including unknown references, which Velocity emits as typed).
    Literal(String),
    /// A value substituted for a known reference.
    Value(String),
}

/// Which template is being rendered; each has its own set of known references.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// Parameters (GET/POST) or XML Request Body: `$msg.*`, `$cfg.*`, `$OTT`, `$Lifetime`,
    /// `$plus`, `$ampersand`, `$equal`.
    Request,
    /// The Tokencode Settings message template: `$OTT` and `$Lifetime` only.
    Message,
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic()
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// Reads a dotted name starting at `chars[i]` (which must be a name start). Returns the name and
/// the index after it. A `.` is part of the name only when a name start follows it.
fn read_name(chars: &[char], mut i: usize) -> (String, usize) {
    let mut name = String::new();
    loop {
        while i < chars.len() && is_name_char(chars[i]) {
            name.push(chars[i]);
            i += 1;
        }
        if i + 1 < chars.len() && chars[i] == '.' && is_name_start(chars[i + 1]) {
            name.push('.');
            i += 1;
        } else {
            return (name, i);
        }
    }
}

fn describe_char(c: Option<&char>) -> String {
    match c {
        None => "the end of the template".to_string(),
        Some(c) if c.is_whitespace() || c.is_control() => format!("{c:?}"),
        Some(c) => format!("`{c}`"),
    }
}

/// Splits a template into text and references, following Velocity's reference syntax.
pub fn parse(template: &str) -> Result<Vec<Segment>, TemplateError> {
    let chars: Vec<char> = template.chars().collect();
    let mut segments = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    while i < chars.len() {
        // Backslashes count only when a reference follows them; otherwise they are text.
        let mut j = i;
        while j < chars.len() && chars[j] == '\\' {
            j += 1;
        }
        let backslashes = j - i;
        if j >= chars.len() || chars[j] != '$' {
            if backslashes > 0 {
                text.extend(&chars[i..j]);
                i = j;
            } else {
                text.push(chars[i]);
                i += 1;
            }
            continue;
        }
        let dollar = j;
        let mut k = dollar + 1;
        let quiet = k < chars.len() && chars[k] == '!';
        if quiet {
            k += 1;
        }
        let braced = k < chars.len() && chars[k] == '{';
        if braced {
            k += 1;
        }
        if k >= chars.len() || !is_name_start(chars[k]) {
            if braced && k >= chars.len() {
                return Err(TemplateError {
                    position: dollar,
                    message:
                        "unterminated `${`: expected a name and `}`, found the end of the template"
                            .to_string(),
                });
            }
            // `$2.50`, `$ `, `${}`: not a reference, the `$` is text.
            text.extend(&chars[i..=dollar]);
            i = dollar + 1;
            continue;
        }
        let (name, mut end) = read_name(&chars, k);
        if braced {
            if end < chars.len() && chars[end] == '}' {
                end += 1;
            } else {
                let opened: String = chars[dollar..end].iter().collect();
                return Err(TemplateError {
                    position: dollar,
                    message: format!(
                        "unterminated `${{`: expected `}}` after `{opened}`, found {}",
                        describe_char(chars.get(end))
                    ),
                });
            }
        }
        if !text.is_empty() {
            segments.push(Segment::Text(std::mem::take(&mut text)));
        }
        segments.push(Segment::Ref(Reference {
            name,
            quiet,
            backslashes,
            source: chars[dollar..end].iter().collect(),
            position: dollar,
        }));
        i = end;
    }
    if !text.is_empty() {
        segments.push(Segment::Text(text));
    }
    Ok(segments)
}

/// The value of a known reference in a context, as data (before any encoding).
pub fn lookup(name: &str, vars: &Vars, context: Context) -> Option<String> {
    let value = match (context, name) {
        (_, "OTT") => &vars.ott,
        (_, "Lifetime") => &vars.lifetime,
        (Context::Request, "msg.address") => &vars.address,
        (Context::Request, "msg.message") => &vars.message,
        (Context::Request, "cfg.user") => &vars.user,
        (Context::Request, "cfg.password") => &vars.password,
        (Context::Request, "plus") => "+",
        (Context::Request, "ampersand") => "&",
        (Context::Request, "equal") => "=",
        _ => return None,
    };
    Some(value.to_string())
}

/// Renders a template into literal pieces and substituted values, resolving references with `resolve`.
fn expand_with(
    template: &str,
    resolve: impl Fn(&str) -> Option<String>,
) -> Result<Vec<Piece>, TemplateError> {
    let mut pieces: Vec<Piece> = Vec::new();
    let push_literal = |pieces: &mut Vec<Piece>, s: &str| {
        if s.is_empty() {
            return;
        }
        if let Some(Piece::Literal(last)) = pieces.last_mut() {
            last.push_str(s);
        } else {
            pieces.push(Piece::Literal(s.to_string()));
        }
    };
    for segment in parse(template)? {
        match segment {
            Segment::Text(t) => push_literal(&mut pieces, &t),
            Segment::Ref(r) => match resolve(&r.name) {
                Some(value) => {
                    // Velocity: each `\\` pair renders one `\`; an odd one left escapes the `$`.
                    push_literal(&mut pieces, &"\\".repeat(r.backslashes / 2));
                    if r.backslashes % 2 == 1 {
                        push_literal(&mut pieces, &r.source);
                    } else {
                        pieces.push(Piece::Value(value));
                    }
                }
                None => {
                    push_literal(&mut pieces, &"\\".repeat(r.backslashes));
                    if !r.quiet || r.backslashes % 2 == 1 {
                        push_literal(&mut pieces, &r.source);
                    }
                }
            },
        }
    }
    Ok(pieces)
}

/// Renders a template into literal pieces and substituted values (no encoding yet).
pub fn expand(template: &str, vars: &Vars, context: Context) -> Result<Vec<Piece>, TemplateError> {
    expand_with(template, |name| lookup(name, vars, context))
}

/// The known references a template uses (escaped ones excluded), in order of appearance.
pub fn used_references(template: &str, context: Context) -> Result<Vec<String>, TemplateError> {
    let probe = Vars::default();
    Ok(parse(template)?
        .into_iter()
        .filter_map(|s| match s {
            Segment::Ref(r)
                if r.backslashes % 2 == 0 && lookup(&r.name, &probe, context).is_some() =>
            {
                Some(r.name)
            }
            _ => None,
        })
        .collect())
}

/// Under naive splitting the reserved-character variables must still mean data, so they are put
/// into the text already percent-encoded (as a substitute-then-split implementation would define
/// them); everything else is substituted raw.
fn naive_substitute(template: &str, vars: &Vars) -> Result<String, TemplateError> {
    let pieces = expand_with(template, |name| match name {
        "plus" => Some("%2B".to_string()),
        "ampersand" => Some("%26".to_string()),
        "equal" => Some("%3D".to_string()),
        _ => lookup(name, vars, Context::Request),
    })?;
    Ok(pieces
        .into_iter()
        .map(|p| match p {
            Piece::Literal(s) | Piece::Value(s) => s,
        })
        .collect())
}

/// Renders the Parameters template into the encoded form string the plug-in sends.
///
/// - [`Splitting::Strict`]: template text goes out as typed, each substituted value is
///   [`url_encode`]d. A server decodes exactly the values substituted.
/// - [`Splitting::Naive`]: values are substituted raw, the result is read as a form string (so `&`,
///   `=`, `+` and `%XX` inside values change the pairs), and every name and value is re-encoded for
///   the wire. A server decodes [`predict_naive_corruption`].
pub fn render_parameters(
    template: &str,
    vars: &Vars,
    splitting: Splitting,
) -> Result<String, TemplateError> {
    match splitting {
        Splitting::Strict => Ok(expand(template, vars, Context::Request)?
            .into_iter()
            .map(|p| match p {
                Piece::Literal(s) => s,
                Piece::Value(v) => url_encode(&v),
            })
            .collect()),
        Splitting::Naive => {
            let substituted = naive_substitute(template, vars)?;
            // Re-encode piece by piece, keeping the pair structure (including pairs without `=` and
            // empty pairs) so that decoding the wire gives the same fields as decoding `substituted`.
            let pairs: Vec<String> = substituted
                .split('&')
                .map(|pair| {
                    if pair.is_empty() {
                        return String::new();
                    }
                    match pair.split_once('=') {
                        Some((name, value)) => format!(
                            "{}={}",
                            url_encode(&decode_component(name)),
                            url_encode(&decode_component(value))
                        ),
                        None => url_encode(&decode_component(pair)),
                    }
                })
                .collect();
            Ok(pairs.join("&"))
        }
    }
}

/// Decodes one name or value of a form string (`+` is a space, `%XX` a byte, malformed escapes kept).
fn decode_component(s: &str) -> String {
    // form_urlencoded decodes `s` as the name of a single pair. A value may hold `=` (only the
    // first one splits), so spell it `%3D`: the `%` added can never complete an earlier escape.
    let s = s.replace('=', "%3D");
    form_urlencoded::parse(s.as_bytes())
        .next()
        .map(|(k, _)| k.into_owned())
        .unwrap_or_default()
}

/// The fields a server decodes when the Parameters template is rendered with naive splitting:
/// values substituted raw, then the whole text read as a form string.
pub fn predict_naive_corruption(
    template: &str,
    vars: &Vars,
) -> Result<Vec<(String, String)>, TemplateError> {
    Ok(form_decode(&naive_substitute(template, vars)?))
}

/// The fields the administrator intended: what a server decodes under strict splitting.
pub fn intended_fields(
    template: &str,
    vars: &Vars,
) -> Result<Vec<(String, String)>, TemplateError> {
    Ok(form_decode(&render_parameters(
        template,
        vars,
        Splitting::Strict,
    )?))
}

/// Escapes the five XML special characters.
pub fn xml_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// Renders a template as text with no form encoding (XML Request Body, message template).
/// With `xml_escape`, substituted values (not template text) are XML-escaped.
pub fn render_text(template: &str, vars: &Vars, xml_escape: bool) -> Result<String, TemplateError> {
    Ok(expand(template, vars, Context::Request)?
        .into_iter()
        .map(|p| match p {
            Piece::Literal(s) => s,
            Piece::Value(v) if xml_escape => self::xml_escape(&v),
            Piece::Value(v) => v,
        })
        .collect())
}

/// Renders the Tokencode Settings message template (`$OTT`, `$Lifetime`) into `$msg.message`.
pub fn render_message(
    template: &str,
    ott: &str,
    lifetime_minutes: u32,
) -> Result<String, TemplateError> {
    let vars = Vars {
        ott: ott.to_string(),
        lifetime: lifetime_minutes.to_string(),
        ..Vars::default()
    };
    Ok(expand(template, &vars, Context::Message)?
        .into_iter()
        .map(|p| match p {
            Piece::Literal(s) | Piece::Value(s) => s,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::config::GUIDE_PARAMETERS;

    fn vars() -> Vars {
        Vars {
            address: "61412345678".to_string(),
            message: "Your tokencode is: 12345678".to_string(),
            ott: "12345678".to_string(),
            user: "VA0123".to_string(),
            password: "s3cret".to_string(),
            lifetime: "60".to_string(),
        }
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    fn text(template: &str) -> String {
        render_text(template, &vars(), false).unwrap()
    }

    #[test]
    fn the_guide_parameters_render_every_variable_encoded() {
        let out = render_parameters(GUIDE_PARAMETERS, &vars(), Splitting::Strict).unwrap();
        assert_eq!(
            out,
            "To=61412345678&Customcode=12345678&Channel=sms&verify_sid=VA0123&api_secret=s3cret"
        );
    }

    #[test]
    fn a_literal_plus_before_the_address_decodes_as_a_leading_space() {
        let fields = intended_fields("To=+$msg.address", &vars()).unwrap();
        assert_eq!(fields, pairs(&[("To", " 61412345678")]));
    }

    #[test]
    fn plus_variable_keeps_the_plus_in_both_spellings() {
        for t in ["To=${plus}$msg.address", "To=$plus$msg.address"] {
            let out = render_parameters(t, &vars(), Splitting::Strict).unwrap();
            assert_eq!(out, "To=%2B61412345678");
            assert_eq!(form_decode(&out), pairs(&[("To", "+61412345678")]));
        }
    }

    #[test]
    fn ampersand_and_equal_variables_are_data() {
        let out =
            render_parameters("x=a${ampersand}b${equal}c", &vars(), Splitting::Strict).unwrap();
        assert_eq!(out, "x=a%26b%3Dc");
        assert_eq!(
            render_text("a${ampersand}b$equal", &vars(), false).unwrap(),
            "a&b="
        );
    }

    #[test]
    fn substituted_values_are_encoded_like_java_url_encoder() {
        let v = Vars {
            password: "+61 4&b=c ü~*".to_string(),
            ..vars()
        };
        let out = render_parameters("p=$cfg.password", &v, Splitting::Strict).unwrap();
        assert_eq!(out, "p=%2B61+4%26b%3Dc+%C3%BC%7E*");
    }

    #[test]
    fn a_password_with_reserved_characters_survives_strict_splitting() {
        let v = Vars {
            password: "a&b=c".to_string(),
            ..vars()
        };
        let fields = intended_fields("p=$cfg.password&x=1", &v).unwrap();
        assert_eq!(fields, pairs(&[("p", "a&b=c"), ("x", "1")]));
    }

    #[test]
    fn a_password_with_reserved_characters_corrupts_pairs_under_naive_splitting() {
        let v = Vars {
            password: "a&b=c".to_string(),
            ..vars()
        };
        let predicted = predict_naive_corruption("p=$cfg.password&x=1", &v).unwrap();
        assert_eq!(predicted, pairs(&[("p", "a"), ("b", "c"), ("x", "1")]));
        let wire = render_parameters("p=$cfg.password&x=1", &v, Splitting::Naive).unwrap();
        assert_eq!(wire, "p=a&b=c&x=1");
        assert_eq!(form_decode(&wire), predicted);
    }

    #[test]
    fn naive_splitting_keeps_a_second_equals_sign_in_the_value() {
        let v = Vars {
            password: "b=c%3=%41+".to_string(),
            ..vars()
        };
        let wire = render_parameters("p=$cfg.password", &v, Splitting::Naive).unwrap();
        assert_eq!(wire, "p=b%3Dc%253%3DA+");
        assert_eq!(form_decode(&wire), pairs(&[("p", "b=c%3=A ")]));
        assert_eq!(
            predict_naive_corruption("p=$cfg.password", &v).unwrap(),
            form_decode(&wire)
        );
    }

    #[test]
    fn naive_splitting_still_honours_the_plus_variable_and_encodes_spaces() {
        let v = Vars {
            message: "Meet me at home".to_string(),
            ..vars()
        };
        let wire = render_parameters(
            "to=${plus}$msg.address&text=$msg.message",
            &v,
            Splitting::Naive,
        )
        .unwrap();
        assert_eq!(wire, "to=%2B61412345678&text=Meet+me+at+home");
    }

    #[test]
    fn unknown_references_are_emitted_literally() {
        assert_eq!(
            text("a=$foo&b=${foo}&c=$foo.bar"),
            "a=$foo&b=${foo}&c=$foo.bar"
        );
    }

    #[test]
    fn a_quiet_reference_renders_empty_when_unknown_and_the_value_when_known() {
        assert_eq!(
            text("[$!foo][$!{foo}][$!OTT][$!{msg.address}]"),
            "[][][12345678][61412345678]"
        );
    }

    #[test]
    fn a_longer_name_is_a_different_reference() {
        assert_eq!(text("$msg.messagex"), "$msg.messagex");
        assert_eq!(text("${msg.message}x"), "Your tokencode is: 12345678x");
    }

    #[test]
    fn a_trailing_dot_or_other_punctuation_ends_the_reference() {
        assert_eq!(text("$OTT. ($msg.address)"), "12345678. (61412345678)");
        assert_eq!(text("$OTT-x"), "$OTT-x");
    }

    #[test]
    fn a_dollar_amount_is_not_a_reference() {
        assert_eq!(text("costs $2.50 $ and $"), "costs $2.50 $ and $");
        assert_eq!(text("${}"), "${}");
    }

    #[test]
    fn a_backslash_escapes_a_known_reference() {
        assert_eq!(text(r"\$OTT"), "$OTT");
        assert_eq!(text(r"\${OTT}"), "${OTT}");
        assert_eq!(text(r"\\$OTT"), r"\12345678");
        assert_eq!(text(r"\$foo"), r"\$foo");
        assert_eq!(text(r"a\b"), r"a\b");
    }

    #[test]
    fn an_unterminated_brace_is_an_error_naming_its_position() {
        let err = render_text("To=${msg.address&x=1", &vars(), false).unwrap_err();
        assert_eq!(err.position, 3);
        assert_eq!(
            err.to_string(),
            "unterminated `${`: expected `}` after `${msg.address`, found `&` at character 4 of the template"
        );
        let err = render_text("ab${", &vars(), false).unwrap_err();
        assert_eq!(err.position, 2);
    }

    #[test]
    fn xml_escaping_applies_to_values_only() {
        let v = Vars {
            message: "<a & 'b'>".to_string(),
            ..vars()
        };
        assert_eq!(
            render_text("<m>$msg.message</m>", &v, true).unwrap(),
            "<m>&lt;a &amp; &apos;b&apos;&gt;</m>"
        );
        assert_eq!(
            render_text("<m>$msg.message</m>", &v, false).unwrap(),
            "<m><a & 'b'></m>"
        );
    }

    #[test]
    fn the_message_template_knows_ott_and_lifetime_only() {
        assert_eq!(
            render_message("Code $OTT valid ${Lifetime} min to $msg.address", "123", 5).unwrap(),
            "Code 123 valid 5 min to $msg.address"
        );
    }

    #[test]
    fn used_references_skip_escaped_and_unknown_ones() {
        assert_eq!(
            used_references(r"$OTT \$msg.address $foo $Lifetime", Context::Request).unwrap(),
            vec!["OTT".to_string(), "Lifetime".to_string()]
        );
    }
}
