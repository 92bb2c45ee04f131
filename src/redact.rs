//! Redaction of secrets in everything that leaves the process.
//!
//! A secret can leak in many spellings: as typed, form-encoded in a request body, percent-encoded in
//! a URL, or inside an HTTP Basic `Authorization` header. The redactor knows every secret of a
//! scenario and replaces each spelling with a marker that still says which secret it was.

use base64::Engine;

use crate::plugin::encode::url_encode;

/// Replaces secrets with `[REDACTED:<label>]`.
#[derive(Clone, Debug, Default)]
pub struct Redactor {
    /// (spelling, replacement), longest spelling first so that a secret inside another is not half-replaced.
    spellings: Vec<(String, String)>,
    /// (value, replacement) for values too short to replace inside other text: hidden only when a
    /// whole string (a field name or value) is exactly that value.
    exact: Vec<(String, String)>,
}

impl Redactor {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a short piece of a secret that is hidden only where it is a whole field name or
    /// value (replacing it inside other text would garble unrelated words).
    pub fn add_exact(&mut self, label: &str, value: &str) {
        if !value.is_empty() {
            self.exact
                .push((value.to_string(), format!("[REDACTED:{label}]")));
        }
    }

    /// Registers a secret under a label such as `api_secret`. Empty secrets are ignored (there is
    /// nothing to hide, and replacing "" would corrupt every string).
    pub fn add(&mut self, label: &str, secret: &str) {
        if secret.is_empty() {
            return;
        }
        let marker = format!("[REDACTED:{label}]");
        let mut forms = vec![
            secret.to_string(),
            url_encode(secret),
            url_encode(secret).replace('+', "%20"),
        ];
        // Every base64 spelling of the secret inside `user:secret` shifts with the user's length;
        // cover the three alignments by encoding with 0, 1 and 2 bytes of prefix and keeping the
        // stable middle part.
        for pad in 0..3usize {
            let mut raw = vec![b':'; pad];
            raw.extend_from_slice(secret.as_bytes());
            let enc = base64::engine::general_purpose::STANDARD.encode(&raw);
            // Drop characters influenced by the prefix or by the end padding.
            let start = (pad * 4).div_ceil(3) + 1;
            let end = enc.trim_end_matches('=').len().saturating_sub(2);
            if end > start && end - start >= 8 {
                forms.push(enc[start..end].to_string());
            }
        }
        for form in forms {
            if !form.is_empty() && !self.spellings.iter().any(|(s, _)| *s == form) {
                self.spellings.push((form, marker.clone()));
            }
        }
        self.spellings.sort_by_key(|s| std::cmp::Reverse(s.0.len()));
    }

    /// `text` with every known spelling of every secret replaced.
    ///
    /// One left-to-right pass, longest spelling first at each position: a marker already written
    /// (in this pass or an earlier one) is never searched again, so a short secret such as `p`
    /// cannot rewrite `[REDACTED:...]` and redacting twice changes nothing.
    pub fn redact(&self, text: &str) -> String {
        if let Some((_, marker)) = self.exact.iter().find(|(v, _)| v == text) {
            return marker.clone();
        }
        if !self
            .spellings
            .iter()
            .any(|(s, _)| text.contains(s.as_str()))
        {
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            // A marker from an earlier pass is kept whole, so redacting twice changes nothing.
            if let Some((_, marker)) = self
                .spellings
                .iter()
                .find(|(_, m)| rest.starts_with(m.as_str()))
            {
                out.push_str(marker);
                rest = &rest[marker.len()..];
                continue;
            }
            match self
                .spellings
                .iter()
                .find(|(s, _)| rest.starts_with(s.as_str()))
            {
                Some((spelling, marker)) => {
                    out.push_str(marker);
                    rest = &rest[spelling.len()..];
                }
                None => {
                    out.push(c);
                    rest = &rest[c.len_utf8()..];
                }
            }
        }
        out
    }

    /// Redacts a header value; `Authorization` values are hidden whole (they are credentials by definition).
    pub fn redact_header(&self, name: &str, value: &str) -> String {
        if name.eq_ignore_ascii_case("authorization")
            || name.eq_ignore_ascii_case("proxy-authorization")
        {
            let scheme = value.split_whitespace().next().unwrap_or("");
            return format!("{scheme} [REDACTED]").trim_start().to_string();
        }
        self.redact(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_plain_form_encoded_and_basic_auth_spellings() {
        let mut r = Redactor::new();
        r.add("api_secret", "s3cr&t+value/x");
        let body = format!("api_secret={}", url_encode("s3cr&t+value/x"));
        assert_eq!(r.redact(&body), "api_secret=[REDACTED:api_secret]");
        assert_eq!(r.redact("x s3cr&t+value/x y"), "x [REDACTED:api_secret] y");
        let basic = base64::engine::general_purpose::STANDARD.encode("ACabc:s3cr&t+value/x");
        assert!(
            !r.redact(&basic).contains(&basic[8..20]),
            "{}",
            r.redact(&basic)
        );
        assert_eq!(
            r.redact_header("Authorization", &format!("Basic {basic}")),
            "Basic [REDACTED]"
        );
    }

    #[test]
    fn a_one_character_secret_does_not_rewrite_the_markers_of_others() {
        let mut r = Redactor::new();
        r.add("rsa.proxy.password", "p");
        r.add("api_secret", "s3cret-pass");
        assert_eq!(
            r.redact("[proxy] require_password s3cret-pass"),
            "[[REDACTED:rsa.proxy.password]roxy] require_[REDACTED:rsa.proxy.password]assword [REDACTED:api_secret]"
        );
        let once = r.redact("p s3cret-pass");
        assert_eq!(r.redact(&once), once, "redacting twice changes nothing");
    }

    #[test]
    fn a_short_piece_is_hidden_only_as_a_whole_value() {
        let mut r = Redactor::new();
        r.add_exact("piece", "Qw");
        assert_eq!(r.redact("Qw"), "[REDACTED:piece]");
        assert_eq!(r.redact("Qwerty"), "Qwerty");
    }

    #[test]
    fn ignores_empty_secrets() {
        let mut r = Redactor::new();
        r.add("password", "");
        assert_eq!(r.redact("unchanged"), "unchanged");
    }
}
