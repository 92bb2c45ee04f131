//! The HTTP request the plug-in builds from its configuration, exactly as it goes on the wire.
//!
//! - GET: Base URL + `?` + rendered Parameters (a Base URL that already has `?` gets a second one
//!   unless `quirks.get_query = merge`).
//! - POST: the rendered Parameters as an `application/x-www-form-urlencoded; charset=UTF-8` body.
//! - XML: a POST of the rendered XML Request Body with `quirks.xml_content_type`.
//!
//! Headers are the ones Java's `HttpURLConnection` adds, in its order: the plug-in's Content-Type
//! first (it is set before connecting), then User-Agent, Host, Accept, Connection, Content-Length.

use super::address;
use super::config::{GetQuery, HttpMethod, PluginConfig};
use super::encode::{form_decode, Splitting};
use super::template::{self, Vars};
use super::validate::{self, Validation};
use super::{Failure, FailureClass, RenderedRequest};
use crate::redact::Redactor;

/// The User-Agent of the JVM bundled with current RSA AM 8.x builds.
pub const USER_AGENT: &str = "Java/17.0.15";
/// `HttpURLConnection`'s default Accept header.
pub const ACCEPT: &str = "text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2";
/// Content-Type of GET/POST form bodies.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=UTF-8";

/// A Base URL taken apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// `http` or `https`, lower case.
    pub scheme: String,
    /// Host name or IP literal (IPv6 in brackets), as typed.
    pub host: String,
    /// The port, explicit or the scheme's default.
    pub port: u16,
    /// Whether the port was typed.
    pub explicit_port: bool,
    /// Path and query as typed, without any fragment; `/` when empty.
    pub path_and_query: String,
}

impl Target {
    /// The Host header value: the host, plus `:port` when it is not the scheme's default (as Java does).
    pub fn host_header(&self) -> String {
        let default = if self.scheme == "https" { 443 } else { 80 };
        if self.port == default {
            self.host.clone()
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// Parses a Base URL, or says what is wrong with it (what was expected, what was found, where).
pub fn parse_base_url(url: &str) -> Result<Target, String> {
    if let Some((i, c)) = url.chars().enumerate().find(|(_, c)| c.is_whitespace()) {
        return Err(format!(
            "Base URL {url:?} must not contain blanks; found {c:?} at character {}",
            i + 1
        ));
    }
    let lower = url.to_ascii_lowercase();
    let (scheme, rest) = if lower.starts_with("https://") {
        ("https", &url[8..])
    } else if lower.starts_with("http://") {
        ("http", &url[7..])
    } else {
        let found = match url.find("://") {
            Some(i) => format!("the scheme {:?}", &url[..i]),
            None if url.is_empty() => "nothing".to_string(),
            None => "no scheme".to_string(),
        };
        return Err(format!(
            "Base URL {url:?} must start with http:// or https:// followed by a host; found {found}"
        ));
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    // User info is accepted by java.net.URL but never sent; only the host part matters here.
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port_text) = if let Some(after) = host_port.strip_prefix('[') {
        match after.split_once(']') {
            Some((ip, rest)) => (format!("[{ip}]"), rest.strip_prefix(':')),
            None => {
                return Err(format!(
                    "Base URL {url:?} has an IPv6 host without a closing \"]\""
                ))
            }
        }
    } else {
        match host_port.split_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (host_port.to_string(), None),
        }
    };
    if host.is_empty() || host == "[]" {
        return Err(format!(
            "Base URL {url:?} must start with http:// or https:// followed by a host; found no host"
        ));
    }
    if let Some(bad) = host
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '[' | ']' | ':')))
    {
        return Err(format!(
            "Base URL {url:?} has the character {bad:?} in its host {host:?}"
        ));
    }
    let default_port = if scheme == "https" { 443 } else { 80 };
    let (port, explicit_port) = match port_text {
        None | Some("") => (default_port, false),
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 => (n, true),
            _ => {
                return Err(format!(
                    "Base URL {url:?} has the port {p:?}; expected a number from 1 to 65535"
                ))
            }
        },
    };
    let without_fragment = tail.split('#').next().unwrap_or("");
    let path_and_query = if without_fragment.is_empty() || without_fragment.starts_with('?') {
        format!("/{without_fragment}")
    } else {
        without_fragment.to_string()
    };
    Ok(Target {
        scheme: scheme.to_string(),
        host,
        port,
        explicit_port,
        path_and_query,
    })
}

/// The request line Java writes: the path and query, or the absolute URL when an HTTP (not HTTPS)
/// request goes through a proxy.
pub fn request_line(request: &RenderedRequest, via_proxy: bool) -> String {
    let target = match parse_base_url(&request.url) {
        Ok(t) if via_proxy && t.scheme == "http" => request.url.clone(),
        Ok(t) => t.path_and_query,
        Err(_) => request.url.clone(),
    };
    format!("{} {} HTTP/1.1", request.method, target)
}

/// The Failure for a configuration the console would not save: the console's words, and a plain
/// diagnosis with each fix.
pub fn rejection(validation: &Validation) -> Failure {
    let mut message = "The indicated field (s) on this page require your attention.".to_string();
    // The mobile number is the user's attribute, not a field of the SMS Configuration page: point
    // the administrator at the right screen.
    let only_the_number = !validation.errors.is_empty()
        && validation
            .errors
            .iter()
            .all(|e| e.field == validate::field::MOBILE);
    let mut diagnosis = if only_the_number {
        "AM cannot send to this user's stored mobile number (an attribute of the user in the \
         identity source, not a field of the SMS Configuration page), so RSA never sends a request."
            .to_string()
    } else {
        "The Security Console would not save this SMS configuration, so RSA never sends a request."
            .to_string()
    };
    for e in &validation.errors {
        if e.message.starts_with(&format!("\"{}\"", e.field)) {
            message.push_str(&format!(" {}", e.message));
        } else {
            message.push_str(&format!(" \"{}\": {}", e.field, e.message));
        }
        diagnosis.push_str(&format!(" {}: {}", e.field, e.message));
        match &e.fix {
            Some(fix) => diagnosis.push_str(&format!(" Fix: {fix}.")),
            None => diagnosis.push('.'),
        }
    }
    Failure {
        class: FailureClass::ConfigRejected,
        message,
        diagnosis,
    }
}

/// The console's warnings about a configuration for one user, one line each (`Field: message (fix: ...)`),
/// secrets redacted. These go into [`super::Delivery::warnings`].
pub fn warnings(config: &PluginConfig, mobile: &str) -> Vec<String> {
    validate::validate(config, Some(mobile))
        .warnings
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn config_failure(config: &PluginConfig, field: &str, what: String) -> Failure {
    let mut r = Redactor::new();
    r.add("password", &config.password);
    let what = r.redact(&what);
    Failure {
        class: FailureClass::ConfigRejected,
        message: format!(
            "The indicated field (s) on this page require your attention. \"{field}\": {what}"
        ),
        diagnosis: format!(
            "The Security Console would not save this SMS configuration, so RSA never sends a \
             request. {field}: {what}."
        ),
    }
}

/// Builds the request RSA AM would send for `mobile` (the stored number) and `tokencode`.
///
/// Fails with [`FailureClass::ConfigRejected`] when [`validate::validate_for`] finds errors.
pub fn build(
    config: &PluginConfig,
    mobile: &str,
    tokencode: &str,
) -> Result<RenderedRequest, Failure> {
    let validation = validate::validate_for(config, Some(mobile), Some(tokencode));
    if !validation.accepted() {
        return Err(rejection(&validation));
    }
    // Validation passed, so these only fail if the two disagree; report it the same way, never panic.
    let target = parse_base_url(&config.base_url)
        .map_err(|e| config_failure(config, validate::field::BASE_URL, e))?;
    let address = address::normalise(
        mobile,
        config.default_country_code.as_deref(),
        config.quirks.drop_trunk_zero,
    )
    .map_err(|e| config_failure(config, validate::field::MOBILE, e.message))?;
    let message =
        template::render_message(&config.message_template, tokencode, config.lifetime_minutes)
            .map_err(|e| config_failure(config, validate::field::MESSAGE, e.to_string()))?;
    let vars = Vars {
        address: address.clone(),
        message,
        ott: tokencode.to_string(),
        user: config.user.clone(),
        password: config.password.clone(),
        lifetime: config.lifetime_minutes.to_string(),
    };

    let mut notes = Vec::new();
    if !mobile.trim_start().starts_with('+') {
        notes.push(format!(
            "the stored number {mobile:?} has no +, so $msg.address is the default country code \
             followed by its digits{}: {address}",
            if config.quirks.drop_trunk_zero {
                " (one trunk 0 dropped)"
            } else {
                ""
            }
        ));
    }

    let mut headers: Vec<(String, String)> = Vec::new();
    let (url, body) = match config.method {
        HttpMethod::GET | HttpMethod::POST => {
            let params =
                template::render_parameters(&config.parameters, &vars, config.quirks.splitting)
                    .map_err(|e| {
                        config_failure(config, validate::field::PARAMETERS, e.to_string())
                    })?;
            if config.quirks.splitting == Splitting::Naive {
                let intended =
                    template::intended_fields(&config.parameters, &vars).unwrap_or_default();
                if form_decode(&params) != intended {
                    notes.push(
                        "naive splitting (quirks.splitting = naive): values were substituted before \
                         the Parameters were split, so reserved characters in them changed the \
                         fields the server decodes"
                            .to_string(),
                    );
                }
            }
            if config.method == HttpMethod::GET {
                (get_url(config, &params, &mut notes), String::new())
            } else {
                headers.push(("Content-Type".into(), FORM_CONTENT_TYPE.into()));
                (config.base_url.clone(), params)
            }
        }
        HttpMethod::XML => {
            let template = config.xml_body.as_deref().unwrap_or("");
            let body = template::render_text(template, &vars, config.quirks.xml_escape)
                .map_err(|e| config_failure(config, validate::field::XML_BODY, e.to_string()))?;
            if !config.quirks.xml_escape {
                let escaped = template::render_text(template, &vars, true).unwrap_or_default();
                if escaped != body {
                    notes.push(
                        "substituted values containing < > & ' or \" were inserted into the XML body \
                         unescaped (quirks.xml_escape = false)"
                            .to_string(),
                    );
                }
            }
            headers.push((
                "Content-Type".into(),
                config.quirks.xml_content_type.clone(),
            ));
            (config.base_url.clone(), body)
        }
    };
    headers.push(("User-Agent".into(), USER_AGENT.into()));
    headers.push(("Host".into(), target.host_header()));
    headers.push(("Accept".into(), ACCEPT.into()));
    headers.push(("Connection".into(), "keep-alive".into()));
    if config.method != HttpMethod::GET {
        headers.push(("Content-Length".into(), body.len().to_string()));
    }

    let mut decoded = match url.split_once('?') {
        Some((_, query)) => form_decode(query.split('#').next().unwrap_or("")),
        None => Vec::new(),
    };
    if config.method == HttpMethod::POST {
        decoded.extend(form_decode(&body));
    }
    Ok(RenderedRequest {
        method: config.method.verb().to_string(),
        url,
        headers,
        body,
        decoded,
        notes,
    })
}

/// The Account Password with every character except form syntax (`&`, `=`, `+`, `%XX`) replaced by
/// `*`: under naive splitting the pieces of a split secret are not any spelling a [`Redactor`] knows,
/// so a shown request is built from this mask instead. A valid `%XX` escape becomes `%2A` so it still
/// decodes to one character.
pub fn mask_secret(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    let mut out = String::with_capacity(secret.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '%'
            && i + 2 < chars.len()
            && chars[i + 1].is_ascii_hexdigit()
            && chars[i + 2].is_ascii_hexdigit()
        {
            out.push_str("%2A");
            i += 3;
            continue;
        }
        out.push(if matches!(c, '&' | '=' | '+' | '%') {
            c
        } else {
            '*'
        });
        i += 1;
    }
    out
}

/// The request as it may be shown or stored: [`build`] with every secret redacted.
///
/// Under naive splitting a password holding `&`, `=`, `+` or `%` reaches the wire in pieces that no
/// redactor recognises; the request is then built with [`mask_secret`] of the password (same pair
/// structure, no secret characters), keeping the real request's Content-Length, and a note says so.
pub fn build_redacted(
    config: &PluginConfig,
    mobile: &str,
    tokencode: &str,
    redactor: &Redactor,
) -> Result<RenderedRequest, Failure> {
    let real = build(config, mobile, tokencode).map_err(|f| Failure {
        class: f.class,
        message: redactor.redact(&f.message),
        diagnosis: redactor.redact(&f.diagnosis),
    })?;
    let splits = config.quirks.splitting == Splitting::Naive
        && config.method != HttpMethod::XML
        && config.password.contains(['&', '=', '+', '%']);
    let mut shown = real.clone();
    if splits {
        let masked = PluginConfig {
            password: mask_secret(&config.password),
            ..config.clone()
        };
        if let Ok(mut m) = build(&masked, mobile, tokencode) {
            m.headers = real.headers.clone();
            m.notes.push(
                "the Account Password is shown masked (* for each character other than & = + %): naive splitting cuts it into pieces that could not be redacted otherwise; Content-Length is the real request's"
                    .to_string(),
            );
            shown = m;
        }
    }
    Ok(RenderedRequest {
        method: shown.method,
        url: redactor.redact(&shown.url),
        headers: shown
            .headers
            .iter()
            .map(|(n, v)| (n.clone(), redactor.redact_header(n, v)))
            .collect(),
        body: redactor.redact(&shown.body),
        decoded: shown
            .decoded
            .iter()
            .map(|(n, v)| (redactor.redact(n), redactor.redact(v)))
            .collect(),
        notes: shown.notes.iter().map(|n| redactor.redact(n)).collect(),
    })
}

/// The GET URL: Base URL plus the Parameters, appended as `quirks.get_query` says.
fn get_url(config: &PluginConfig, params: &str, notes: &mut Vec<String>) -> String {
    let base = &config.base_url;
    if !base.contains('?') {
        return format!("{base}?{params}");
    }
    match config.quirks.get_query {
        GetQuery::Naive => {
            notes.push(
                "the Base URL already had \"?\"; the plug-in appended \"?\" and the Parameters \
                 anyway (quirks.get_query = naive), so the server reads the second \"?\" as part \
                 of the last value of the Base URL's query"
                    .to_string(),
            );
            format!("{base}?{params}")
        }
        GetQuery::Merge => {
            notes.push(
                "the Base URL already had \"?\"; the Parameters were appended with \"&\" \
                 (quirks.get_query = merge)"
                    .to_string(),
            );
            if base.ends_with('?') || base.ends_with('&') {
                format!("{base}{params}")
            } else {
                format!("{base}&{params}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guide() -> PluginConfig {
        PluginConfig::integration_guide("https://demo-1234.twil.io/k3v9q", "VA0123", "s3cret")
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    fn header<'a>(r: &'a RenderedRequest, name: &str) -> Option<&'a str> {
        r.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn the_guide_configuration_posts_a_form_body_with_java_headers() {
        let r = build(&guide(), "+61 412 345 678", "12345678").unwrap();
        assert_eq!(r.method, "POST");
        assert_eq!(r.url, "https://demo-1234.twil.io/k3v9q");
        assert_eq!(
            r.body,
            "To=61412345678&Customcode=12345678&Channel=sms&verify_sid=VA0123&api_secret=s3cret"
        );
        let names: Vec<&str> = r.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "Content-Type",
                "User-Agent",
                "Host",
                "Accept",
                "Connection",
                "Content-Length"
            ]
        );
        assert_eq!(header(&r, "Host"), Some("demo-1234.twil.io"));
        assert_eq!(header(&r, "Content-Length"), Some("82"));
        assert_eq!(header(&r, "Content-Type"), Some(FORM_CONTENT_TYPE));
        assert_eq!(r.decoded[0], ("To".to_string(), "61412345678".to_string()));
        assert!(r.notes.is_empty(), "{:?}", r.notes);
        assert_eq!(request_line(&r, false), "POST /k3v9q HTTP/1.1");
    }

    #[test]
    fn get_appends_the_parameters_and_a_second_question_mark_naively() {
        let mut c = guide();
        c.method = HttpMethod::GET;
        c.parameters = "to=$msg.address".into();
        let r = build(&c, "+61412345678", "1").unwrap();
        assert_eq!(r.url, "https://demo-1234.twil.io/k3v9q?to=61412345678");
        assert_eq!(header(&r, "Content-Length"), None);
        c.base_url = "https://demo-1234.twil.io/k3v9q?key=1".into();
        let r = build(&c, "+61412345678", "1").unwrap();
        assert_eq!(
            r.url,
            "https://demo-1234.twil.io/k3v9q?key=1?to=61412345678"
        );
        assert_eq!(r.decoded, pairs(&[("key", "1?to=61412345678")]));
        assert_eq!(r.notes.len(), 1);
        c.quirks.get_query = GetQuery::Merge;
        let r = build(&c, "+61412345678", "1").unwrap();
        assert_eq!(
            r.url,
            "https://demo-1234.twil.io/k3v9q?key=1&to=61412345678"
        );
        assert_eq!(r.decoded, pairs(&[("key", "1"), ("to", "61412345678")]));
    }

    #[test]
    fn a_literal_plus_reaches_the_server_as_a_leading_space() {
        let mut c = guide();
        c.parameters = "To=+$msg.address".into();
        let r = build(&c, "+61412345678", "1").unwrap();
        assert_eq!(r.decoded, pairs(&[("To", " 61412345678")]));
        c.parameters = "To=${plus}$msg.address".into();
        let r = build(&c, "+61412345678", "1").unwrap();
        assert_eq!(r.decoded, pairs(&[("To", "+61412345678")]));
    }

    #[test]
    fn xml_posts_the_rendered_body_with_the_quirk_content_type() {
        let mut c = guide();
        c.method = HttpMethod::XML;
        c.xml_body = Some("<sms><to>+$msg.address</to><text>$msg.message</text></sms>".into());
        c.message_template = "Code $OTT & more".into();
        let r = build(&c, "+61412345678", "42").unwrap();
        assert_eq!(r.method, "POST");
        assert_eq!(
            r.body,
            "<sms><to>+61412345678</to><text>Code 42 & more</text></sms>"
        );
        assert_eq!(header(&r, "Content-Type"), Some("text/xml"));
        assert!(r.decoded.is_empty());
        assert_eq!(r.notes.len(), 1);
    }

    #[test]
    fn a_rejected_configuration_fails_with_the_console_words() {
        let mut c = guide();
        c.password = "y".repeat(101);
        let f = build(&c, "+61412345678", "1").unwrap_err();
        assert_eq!(f.class, FailureClass::ConfigRejected);
        assert_eq!(
            f.message,
            "The indicated field (s) on this page require your attention. \"Account Password\" \
             cannot be greater than 100 characters"
        );
        assert!(!f.diagnosis.contains(&"y".repeat(101)));
        let f = build(&guide(), "0412 345 678", "1").unwrap_err();
        assert!(
            f.message.contains("\"Mobile Number\": The mobile number"),
            "{}",
            f.message
        );
    }

    #[test]
    fn the_default_country_code_is_noted_and_a_non_default_port_is_in_host() {
        let mut c = guide();
        c.default_country_code = Some("61".into());
        c.quirks.drop_trunk_zero = true;
        c.base_url = "https://127.0.0.1:8443".into();
        let r = build(&c, "0412 345 678", "1").unwrap();
        assert_eq!(r.decoded[0].1, "61412345678");
        assert_eq!(header(&r, "Host"), Some("127.0.0.1:8443"));
        assert_eq!(request_line(&r, false), "POST / HTTP/1.1");
        assert_eq!(r.notes.len(), 1);
    }

    #[test]
    fn a_password_split_by_naive_splitting_is_shown_masked() {
        assert_eq!(mask_secret("p&ss=w\"rd%41+%zz"), "*&**=****%2A+%**");
        let mut c = guide();
        c.password = "p&ss=w\"rd".into();
        c.quirks.splitting = Splitting::Naive;
        let mut r = Redactor::new();
        r.add("password", &c.password);
        let real = build(&c, "+61412345678", "1").unwrap();
        let shown = build_redacted(&c, "+61412345678", "1", &r).unwrap();
        assert!(
            shown.body.ends_with("api_secret=*&**=****"),
            "{}",
            shown.body
        );
        assert_eq!(shown.headers, real.headers);
        assert_eq!(shown.decoded.len(), real.decoded.len());
        let all = format!("{shown:?}");
        assert!(!all.contains("w\\\"rd") && !all.contains("w%22rd"), "{all}");
        c.quirks.splitting = Splitting::Strict;
        let shown = build_redacted(&c, "+61412345678", "1", &r).unwrap();
        assert!(
            shown.body.ends_with("api_secret=[REDACTED:password]"),
            "{}",
            shown.body
        );
    }

    #[test]
    fn base_urls_are_taken_apart_or_rejected_with_a_reason() {
        let t = parse_base_url("HTTPS://[::1]:9/p?q#frag").unwrap();
        assert_eq!(
            (
                t.scheme.as_str(),
                t.host.as_str(),
                t.port,
                t.path_and_query.as_str()
            ),
            ("https", "[::1]", 9, "/p?q")
        );
        assert!(parse_base_url("https://h:99999/")
            .unwrap_err()
            .contains("\"99999\""));
        assert!(parse_base_url("https://h x/")
            .unwrap_err()
            .contains("character 10"));
        assert!(parse_base_url("ftp://h/")
            .unwrap_err()
            .contains("the scheme \"ftp\""));
    }
}
