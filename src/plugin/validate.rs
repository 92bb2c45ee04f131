//! Security Console validation of the SMS configuration, and the warnings `lint` adds.
//!
//! Errors are what stops the console from saving the SMS Configuration page (so no SMS is ever
//! sent); warnings are known pitfalls that the console accepts but that break or weaken delivery.
//! Field names are the console's labels. Every finding is redacted: a secret never appears in a
//! message, not even in a sentence about that secret.

use serde::Serialize;

use super::address;
use super::config::{GetQuery, HttpMethod, PluginConfig};
use super::encode::Splitting;
use super::request::parse_base_url;
use super::template::{self, Context, Reference, Segment, Vars};
use crate::redact::Redactor;

/// One finding about a configuration.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Finding {
    /// The console field it is about, e.g. `Account Password`.
    pub field: String,
    /// What is wrong, in the console's words where known.
    pub message: String,
    /// What to change.
    pub fix: Option<String>,
}

impl Finding {
    fn new(field: &str, message: impl Into<String>, fix: Option<&str>) -> Self {
        Self {
            field: field.to_string(),
            message: message.into(),
            fix: fix.map(str::to_string),
        }
    }
}

impl std::fmt::Display for Finding {
    /// `Field: message (fix: ...)`, the one-line form used in notes and delivery warnings.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)?;
        if let Some(fix) = &self.fix {
            write!(f, " (fix: {fix})")?;
        }
        Ok(())
    }
}

/// Errors stop the configuration from being saved; warnings do not.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Validation {
    /// Findings that stop the console from saving.
    pub errors: Vec<Finding>,
    /// Findings the console accepts but that break or weaken delivery.
    pub warnings: Vec<Finding>,
}

impl Validation {
    /// True when the console would save the configuration.
    pub fn accepted(&self) -> bool {
        self.errors.is_empty()
    }
}

/// The console's maximum Account Password length (RSA KB 000036640).
pub const MAX_PASSWORD_CHARS: usize = 100;
/// The tokencode used to size the message when no real one is given (RSA tokencodes are up to 8 digits).
pub const SAMPLE_TOKENCODE: &str = "12345678";
/// The `$msg.address` used to predict naive splitting when no mobile number is given.
pub const SAMPLE_ADDRESS: &str = "61412345678";

/// Field labels as the Security Console shows them.
pub mod field {
    #![allow(missing_docs)] // each constant is its own documentation: the label as shown
    pub const BASE_URL: &str = "Base URL";
    pub const PARAMETERS: &str = "Parameters";
    pub const XML_BODY: &str = "XML Request Body";
    pub const USER: &str = "Account User Name";
    pub const PASSWORD: &str = "Account Password";
    pub const SUCCESS_CODE: &str = "Success Response Code";
    pub const RESPONSE_FORMAT: &str = "Response Format";
    pub const COUNTRY_CODE: &str = "Default Country Code";
    pub const MOBILE: &str = "Mobile Number";
    pub const MESSAGE: &str = "On-Demand Tokencode Message";
    pub const LIFETIME: &str = "Tokencode Lifetime";
}

/// Checks a configuration (and, when given, the user's stored mobile number) like the console does.
pub fn validate(config: &PluginConfig, mobile: Option<&str>) -> Validation {
    validate_for(config, mobile, None)
}

/// As [`validate`], sizing the message with a real tokencode instead of [`SAMPLE_TOKENCODE`].
pub fn validate_for(
    config: &PluginConfig,
    mobile: Option<&str>,
    tokencode: Option<&str>,
) -> Validation {
    let mut v = Validation::default();
    let tokencode = tokencode.unwrap_or(SAMPLE_TOKENCODE);

    check_password(config, &mut v);
    check_base_url(config, &mut v);
    let address = check_numbers(config, mobile, &mut v);
    check_lifetime(config, &mut v);
    let message = check_message(config, tokencode, &mut v);
    if let Err(e) = super::response::ResponseFormat::compile(&config.response_format) {
        v.errors.push(Finding::new(
            field::RESPONSE_FORMAT,
            format!(
                "Response Format {:?} is not a valid regular expression: {e}",
                config.response_format
            ),
            Some("correct the regular expression (Java syntax), e.g. .*status\":\\s?\"([a-zA-Z]*)"),
        ));
    }
    if config.success_code.trim().is_empty() {
        v.warnings.push(Finding::new(
            field::SUCCESS_CODE,
            "Success Response Code is empty, so only an empty capture counts as success",
            Some("enter the code the provider returns on success, e.g. pending"),
        ));
    }
    let vars = Vars {
        address: address.unwrap_or_else(|| SAMPLE_ADDRESS.to_string()),
        message: message.unwrap_or_default(),
        ott: tokencode.to_string(),
        user: config.user.clone(),
        password: config.password.clone(),
        lifetime: config.lifetime_minutes.to_string(),
    };
    match config.method {
        HttpMethod::GET | HttpMethod::POST => check_parameters(config, &vars, &mut v),
        HttpMethod::XML => check_xml(config, &vars, &mut v),
    }

    let mut redactor = Redactor::new();
    redactor.add("password", &config.password);
    if let Some(p) = config.proxy.as_ref().and_then(|p| p.password.as_deref()) {
        redactor.add("proxy_password", p);
    }
    for f in v.errors.iter_mut().chain(v.warnings.iter_mut()) {
        f.message = redactor.redact(&f.message);
        f.fix = f.fix.as_deref().map(|x| redactor.redact(x));
    }
    v
}

fn check_password(config: &PluginConfig, v: &mut Validation) {
    if config.password.chars().count() > MAX_PASSWORD_CHARS {
        v.errors.push(Finding::new(
            field::PASSWORD,
            "\"Account Password\" cannot be greater than 100 characters",
            Some(
                "use a secret of at most 100 characters (RSA KB 000036640 describes raising the \
                 limit in the console's validation-am.xml)",
            ),
        ));
    }
}

fn check_base_url(config: &PluginConfig, v: &mut Validation) {
    match parse_base_url(&config.base_url) {
        Err(e) => v.errors.push(Finding::new(
            field::BASE_URL,
            e,
            Some("enter http:// or https:// followed by the provider's host name and path"),
        )),
        Ok(target) => {
            if target.scheme == "http" {
                v.warnings.push(Finding::new(
                    field::BASE_URL,
                    format!(
                        "Base URL {:?} is plain http://: the tokencode and Account Password cross \
                         the network unencrypted",
                        config.base_url
                    ),
                    Some("use https:// and import the provider's certificate"),
                ));
            }
            if config.method == HttpMethod::GET && config.base_url.contains('?') {
                let (what, fix) = match config.quirks.get_query {
                    GetQuery::Naive => (
                        "the plug-in appends \"?\" and the Parameters anyway, so the URL gets a \
                         second \"?\" and the first added field is glued to the last query value",
                        "move the query of the Base URL into Parameters",
                    ),
                    GetQuery::Merge => (
                        "the Parameters are appended with \"&\" (quirks.get_query = merge); RSA's \
                         real behaviour is unconfirmed",
                        "move the query of the Base URL into Parameters",
                    ),
                };
                v.warnings.push(Finding::new(
                    field::BASE_URL,
                    format!("Base URL already contains \"?\" with method GET: {what}"),
                    Some(fix),
                ));
            }
        }
    }
}

/// Checks the default country code and the mobile number; returns `$msg.address` when usable.
fn check_numbers(
    config: &PluginConfig,
    mobile: Option<&str>,
    v: &mut Validation,
) -> Option<String> {
    let code = config
        .default_country_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let mut code_ok = true;
    if let Some(code) = code {
        if let Err(e) = address::country_code_digits(code) {
            code_ok = false;
            v.errors.push(Finding::new(
                field::COUNTRY_CODE,
                e.message,
                Some("select a country code of digits only, e.g. 61"),
            ));
        }
    }
    let mobile = mobile?;
    // With a broken default code, check only the number's own format: that error is reported above.
    let code_for_number = if code_ok { code } else { Some("1") };
    match address::normalise(mobile, code_for_number, config.quirks.drop_trunk_zero) {
        Ok(a) => {
            let national = mobile.trim_start_matches([' ', '\t', '(']);
            if code_ok && !config.quirks.drop_trunk_zero && national.starts_with('0') {
                v.warnings.push(Finding::new(
                    field::MOBILE,
                    format!(
                        "the mobile number {mobile:?} has no + and starts with a trunk 0, so \
                         $msg.address becomes {a} with the 0 kept (quirks.drop_trunk_zero = false; \
                         RSA's handling is unconfirmed), which providers reject as invalid"
                    ),
                    Some("store numbers in international form, e.g. +61412345678"),
                ));
            }
            Some(a)
        }
        Err(e) => {
            let fix = if e.message.contains("no default country code") {
                "store the number with +country code (e.g. +61412345678), or set a Default Country Code"
            } else {
                "correct the user's mobile number attribute, e.g. +61 412 345 678"
            };
            v.errors
                .push(Finding::new(field::MOBILE, e.message, Some(fix)));
            None
        }
    }
}

fn check_lifetime(config: &PluginConfig, v: &mut Validation) {
    if !(1..=70).contains(&config.lifetime_minutes) {
        v.errors.push(Finding::new(
            field::LIFETIME,
            format!(
                "Tokencode Lifetime must be between 1 and 70 minutes; found {}",
                config.lifetime_minutes
            ),
            Some("enter a lifetime from 1 to 70 (the default is 60)"),
        ));
    }
}

/// Checks the message template; returns the rendered message when it renders.
fn check_message(config: &PluginConfig, tokencode: &str, v: &mut Validation) -> Option<String> {
    let template = &config.message_template;
    let message = match template::render_message(template, tokencode, config.lifetime_minutes) {
        Ok(m) => m,
        Err(e) => {
            v.errors.push(Finding::new(
                field::MESSAGE,
                format!("the message template cannot be rendered: {e}"),
                Some("close every ${ with }, e.g. ${OTT}"),
            ));
            return None;
        }
    };
    let has_ott = template::used_references(template, Context::Message)
        .map(|r| r.iter().any(|n| n == "OTT"))
        .unwrap_or(false);
    if !has_ott {
        let request_template = match config.method {
            HttpMethod::XML => config.xml_body.as_deref().unwrap_or(""),
            _ => config.parameters.as_str(),
        };
        let request_has_ott = template::used_references(request_template, Context::Request)
            .map(|r| r.iter().any(|n| n == "OTT"))
            .unwrap_or(false);
        let consequence = if request_has_ott {
            "; the request still carries $OTT directly, but any provider that texts $msg.message \
             sends a message without the code"
        } else {
            " and the request has no $OTT either: the user receives no tokencode"
        };
        v.warnings.push(Finding::new(
            field::MESSAGE,
            format!("the message template {template:?} does not contain $OTT{consequence}"),
            Some("put $OTT back into the message template (RSA: \"Do not remove $OTT\")"),
        ));
    }
    check_directives(field::MESSAGE, template, v);
    if let Some(w) = sms_length_warning(&message) {
        v.warnings.push(w);
    }
    Some(message)
}

/// GSM 03.38 default alphabet (one septet each).
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// GSM 03.38 extension table (two septets each: escape + character).
const GSM7_EXTENSION: &str = "^{}\\[~]|€\u{0C}";

/// How one SMS would carry `message`: GSM-7 septets, or (with any other character) UCS-2 units.
pub enum SmsEncoding {
    /// Every character is in the GSM 03.38 alphabet; the number of septets.
    Gsm7 {
        /// Septets used (extension-table characters count two).
        septets: usize,
    },
    /// A character outside GSM-7 forces UCS-2; the number of UTF-16 units and the first such character.
    Ucs2 {
        /// UTF-16 code units.
        units: usize,
        /// The first character outside GSM-7.
        first_non_gsm: char,
    },
}

/// Classifies a message the way an SMS centre would encode it.
pub fn sms_encoding(message: &str) -> SmsEncoding {
    let mut septets = 0;
    for c in message.chars() {
        if GSM7_BASIC.contains(c) {
            septets += 1;
        } else if GSM7_EXTENSION.contains(c) {
            septets += 2;
        } else {
            return SmsEncoding::Ucs2 {
                units: message.encode_utf16().count(),
                first_non_gsm: c,
            };
        }
    }
    SmsEncoding::Gsm7 { septets }
}

fn sms_length_warning(message: &str) -> Option<Finding> {
    match sms_encoding(message) {
        SmsEncoding::Gsm7 { septets } if septets > 160 => Some(Finding::new(
            field::MESSAGE,
            format!(
                "the rendered message is {septets} GSM-7 characters ({} bytes); one SMS holds 160 \
                 (140 bytes), so providers split or reject it",
                (septets * 7).div_ceil(8)
            ),
            Some("shorten the message template"),
        )),
        SmsEncoding::Ucs2 {
            units,
            first_non_gsm,
        } if units > 70 => Some(Finding::new(
            field::MESSAGE,
            format!(
                "the rendered message contains {first_non_gsm:?}, which is not in the GSM-7 \
                 alphabet, so it is sent as UCS-2: {units} characters ({} bytes) where one SMS holds \
                 70 (140 bytes)",
                units * 2
            ),
            Some("shorten the message template or use only GSM-7 characters"),
        )),
        _ => None,
    }
}

/// Character index just after a segment, given the index where it starts.
fn segment_len(segment: &Segment) -> usize {
    match segment {
        Segment::Text(t) => t.chars().count(),
        Segment::Ref(Reference {
            backslashes,
            source,
            ..
        }) => backslashes + source.chars().count(),
    }
}

/// 0-based character positions of literal `+` signs in value positions of a form template.
pub fn literal_plus_in_values(template: &str) -> Vec<usize> {
    let Ok(segments) = template::parse(template) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let mut pos = 0;
    let mut in_value = false;
    for segment in &segments {
        if let Segment::Text(t) = segment {
            for (i, c) in t.chars().enumerate() {
                match c {
                    '&' => in_value = false,
                    '=' => in_value = true,
                    '+' if in_value => found.push(pos + i),
                    _ => {}
                }
            }
        }
        pos += segment_len(segment);
    }
    found
}

/// 0-based character positions and characters of a template's literal text (outside references).
fn literal_chars(template: &str) -> Vec<(usize, char)> {
    let Ok(segments) = template::parse(template) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut pos = 0;
    for segment in &segments {
        if let Segment::Text(t) = segment {
            out.extend(t.chars().enumerate().map(|(i, c)| (pos + i, c)));
        }
        pos += segment_len(segment);
    }
    out
}

/// Warns about `#` in literal text: Velocity reads `##` as a comment to the end of the line and
/// `#name` / `#{` / `#*` as directives, which this simulation does not emulate.
fn check_directives(label: &str, template: &str, v: &mut Validation) {
    let chars = literal_chars(template);
    let hit = chars.windows(2).find(|w| {
        w[0].1 == '#'
            && w[1].0 == w[0].0 + 1
            && (w[1].1 == '#' || w[1].1 == '{' || w[1].1 == '*' || w[1].1.is_ascii_alphabetic())
    });
    if let Some(w) = hit {
        v.warnings.push(Finding::new(
            label,
            format!(
                "`#{}` at character {} is Velocity directive syntax: RSA's renderer may drop or \
                 reinterpret it (`##` starts a comment), while this simulation sends it as typed",
                w[1].1,
                w[0].0 + 1
            ),
            Some("avoid # directly before a letter, #, { or * in the template"),
        ));
    }
}

fn check_parameters(config: &PluginConfig, vars: &Vars, v: &mut Validation) {
    let template = &config.parameters;
    let used = match template::used_references(template, Context::Request) {
        Ok(u) => u,
        Err(e) => {
            v.errors.push(Finding::new(
                field::PARAMETERS,
                format!("Parameters cannot be rendered: {e}"),
                Some("close every ${ with }, e.g. ${msg.address}"),
            ));
            return;
        }
    };
    if template.trim().is_empty() {
        v.warnings.push(Finding::new(
            field::PARAMETERS,
            "Parameters is empty: the request carries no destination and no tokencode",
            Some("enter the provider's parameters, e.g. To=${plus}$msg.address&Customcode=$OTT"),
        ));
        return;
    }
    if !used.iter().any(|n| n == "msg.address") {
        v.warnings.push(Finding::new(
            field::PARAMETERS,
            "Parameters has no $msg.address, so the provider is not told which number to text",
            Some("add the destination, e.g. To=$msg.address"),
        ));
    }
    check_directives(field::PARAMETERS, template, v);
    if config.method == HttpMethod::GET {
        if let Some((pos, c)) = literal_chars(template)
            .into_iter()
            .find(|(_, c)| !c.is_ascii_graphic())
        {
            v.warnings.push(Finding::new(
                field::PARAMETERS,
                format!(
                    "literal text of Parameters has {c:?} at character {}, which goes into the GET \
                     URL unencoded (a blank there breaks the request line)",
                    pos + 1
                ),
                Some("write a space in literal text as +, and other characters as %XX (UTF-8)"),
            ));
        }
    }
    for pos in literal_plus_in_values(template) {
        v.warnings.push(Finding::new(
            field::PARAMETERS,
            format!(
                "the `+` at character {} of Parameters is a literal plus in a value, which a form \
                 decoder reads as a space (e.g. To=+$msg.address arrives as To=\" 61412345678\")",
                pos + 1
            ),
            Some("use ${plus}, e.g. To=${plus}$msg.address"),
        ));
    }
    let naive = config.quirks.splitting == Splitting::Naive;
    for (label, name, secret) in [
        (field::USER, "cfg.user", &config.user),
        (field::PASSWORD, "cfg.password", &config.password),
    ] {
        if !used.iter().any(|n| n == name) {
            continue;
        }
        let reserved: Vec<String> = ['&', '=', '+', '%']
            .into_iter()
            .filter(|c| secret.contains(*c))
            .map(|c| format!("`{c}`"))
            .collect();
        if reserved.is_empty() {
            continue;
        }
        let list = reserved.join(", ");
        if naive {
            v.warnings.push(Finding::new(
                label,
                format!(
                    "{label} contains {list}; with naive splitting (substitute, then split) these \
                     act as form syntax, so ${name} does not reach the provider intact"
                ),
                Some("choose a secret without & = + %, or use a plug-in build that encodes values"),
            ));
        } else {
            v.warnings.push(Finding::new(
                label,
                format!(
                    "{label} contains {list}; this simulation encodes ${name} as data (splitting = \
                     strict) so it arrives intact, but how RSA treats reserved characters in a \
                     substituted secret is unconfirmed"
                ),
                Some(
                    "if the provider receives a cut-off secret, set quirks.splitting = \"naive\" to \
                     reproduce it, and choose a secret without & = + %",
                ),
            ));
        }
    }
    if naive {
        if let (Ok(intended), Ok(actual)) = (
            template::intended_fields(template, vars),
            template::predict_naive_corruption(template, vars),
        ) {
            if intended != actual {
                let broken: Vec<&str> = intended
                    .iter()
                    .filter(|f| !actual.contains(f))
                    .map(|(n, _)| n.as_str())
                    .collect();
                v.warnings.push(Finding::new(
                    field::PARAMETERS,
                    format!(
                        "with naive splitting the server decodes {} field(s) where {} were intended; \
                         not received intact: {}",
                        actual.len(),
                        intended.len(),
                        if broken.is_empty() {
                            "(all present, order or count differs)".to_string()
                        } else {
                            broken.join(", ")
                        }
                    ),
                    Some("remove & = + % from substituted values, or use ${ampersand} ${equal} ${plus} in literal text"),
                ));
            }
        }
    }
}

fn check_xml(config: &PluginConfig, vars: &Vars, v: &mut Validation) {
    let body = config.xml_body.as_deref().unwrap_or("");
    if body.trim().is_empty() {
        v.errors.push(Finding::new(
            field::XML_BODY,
            "XML Request Body is required when the HTTP Method is XML; found none",
            Some("enter the provider's XML request with $msg.address and $msg.message"),
        ));
        return;
    }
    let used = match template::used_references(body, Context::Request) {
        Ok(u) => u,
        Err(e) => {
            v.errors.push(Finding::new(
                field::XML_BODY,
                format!("XML Request Body cannot be rendered: {e}"),
                Some("close every ${ with }, e.g. ${msg.address}"),
            ));
            return;
        }
    };
    check_directives(field::XML_BODY, body, v);
    if !used.iter().any(|n| n == "msg.address") {
        v.warnings.push(Finding::new(
            field::XML_BODY,
            "XML Request Body has no $msg.address, so the provider is not told which number to text",
            Some("add the destination, e.g. <to>+$msg.address</to>"),
        ));
    }
    if !config.quirks.xml_escape {
        let mut offending: Vec<String> = Vec::new();
        for name in &used {
            let Some(value) = template::lookup(name, vars, Context::Request) else {
                continue;
            };
            if value.contains(['<', '>', '&']) && !offending.iter().any(|o| o == name) {
                offending.push(name.clone());
            }
        }
        if !offending.is_empty() {
            let list: Vec<String> = offending.iter().map(|n| format!("${n}")).collect();
            v.warnings.push(Finding::new(
                field::XML_BODY,
                format!(
                    "{} contain(s) `<`, `>` or `&`, inserted unescaped into the XML body (RSA's \
                     escaping is unconfirmed; quirks.xml_escape = false), which makes the XML \
                     malformed or changes it",
                    list.join(", ")
                ),
                Some(
                    "remove < > & from those values, or set quirks.xml_escape = true if your \
                     appliance escapes them",
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::config::GUIDE_PARAMETERS;

    fn guide() -> PluginConfig {
        PluginConfig::integration_guide("https://demo-1234.twil.io/k3v9q", "VA0123", "s3cret")
    }

    fn fields(list: &[Finding]) -> Vec<&str> {
        list.iter().map(|f| f.field.as_str()).collect()
    }

    #[test]
    fn the_integration_guide_configuration_is_accepted_without_warnings() {
        let v = validate(&guide(), Some("+61 412 345 678"));
        assert!(v.errors.is_empty(), "{:?}", v.errors);
        assert!(v.warnings.is_empty(), "{:?}", v.warnings);
        assert_eq!(guide().parameters, GUIDE_PARAMETERS);
    }

    #[test]
    fn a_password_over_100_characters_is_rejected_with_the_console_wording() {
        let mut c = guide();
        c.password = "x".repeat(101);
        let v = validate(&c, None);
        assert_eq!(v.errors.len(), 1);
        assert_eq!(
            v.errors[0].message,
            "\"Account Password\" cannot be greater than 100 characters"
        );
        c.password = "x".repeat(100);
        assert!(validate(&c, None).accepted());
    }

    #[test]
    fn a_bad_mobile_number_and_a_missing_country_code_are_errors() {
        let v = validate(&guide(), Some("+1 555 CALL NOW"));
        assert_eq!(fields(&v.errors), vec![field::MOBILE]);
        let v = validate(&guide(), Some("07700 900123"));
        assert!(v.errors[0].message.contains("no default country code set"));
        let mut c = guide();
        c.default_country_code = Some("44".into());
        let v = validate(&c, Some("07700 900123"));
        assert!(v.accepted());
        assert_eq!(fields(&v.warnings), vec![field::MOBILE]);
        assert!(v.warnings[0].message.contains("becomes 4407700900123"));
        c.quirks.drop_trunk_zero = true;
        assert!(validate(&c, Some("07700 900123")).warnings.is_empty());
        c.default_country_code = Some("UK".into());
        let v = validate(&c, Some("07700 900123"));
        assert_eq!(fields(&v.errors), vec![field::COUNTRY_CODE]);
    }

    #[test]
    fn an_invalid_response_format_is_an_error() {
        let mut c = guide();
        c.response_format = "status\":\"(pending".into();
        let v = validate(&c, None);
        assert_eq!(fields(&v.errors), vec![field::RESPONSE_FORMAT]);
    }

    #[test]
    fn template_errors_and_a_missing_xml_body_are_errors() {
        let mut c = guide();
        c.parameters = "To=${msg.address".into();
        assert_eq!(fields(&validate(&c, None).errors), vec![field::PARAMETERS]);
        c.method = HttpMethod::XML;
        assert_eq!(fields(&validate(&c, None).errors), vec![field::XML_BODY]);
        c.xml_body = Some("<to>${msg.address</to>".into());
        assert_eq!(fields(&validate(&c, None).errors), vec![field::XML_BODY]);
        let mut c = guide();
        c.message_template = "Code ${OTT".into();
        assert_eq!(fields(&validate(&c, None).errors), vec![field::MESSAGE]);
    }

    #[test]
    fn a_base_url_without_http_scheme_or_host_is_an_error() {
        for url in [
            "demo.twil.io/x",
            "ftp://demo.twil.io",
            "https://",
            "https:///path",
        ] {
            let mut c = guide();
            c.base_url = url.into();
            assert_eq!(
                fields(&validate(&c, None).errors),
                vec![field::BASE_URL],
                "{url}"
            );
        }
    }

    #[test]
    fn a_literal_plus_in_a_value_is_warned_with_the_plus_variable_as_fix() {
        let mut c = guide();
        c.parameters = "To=+$msg.address&Customcode=$OTT".into();
        let v = validate(&c, None);
        assert_eq!(v.warnings.len(), 1, "{:?}", v.warnings);
        assert!(v.warnings[0].message.contains("character 4"));
        assert_eq!(
            v.warnings[0].fix.as_deref(),
            Some("use ${plus}, e.g. To=${plus}$msg.address")
        );
        assert_eq!(literal_plus_in_values("a+b=c+d&e=${plus}f"), vec![5]);
    }

    #[test]
    fn a_missing_ott_missing_address_and_plain_http_are_warnings() {
        let mut c = guide();
        c.base_url = "http://bridge.example/x".into();
        c.parameters = "Customcode=$msg.message".into();
        c.message_template = "Your code follows".into();
        let v = validate(&c, None);
        assert!(v.accepted());
        assert_eq!(
            fields(&v.warnings),
            vec![field::BASE_URL, field::MESSAGE, field::PARAMETERS]
        );
        assert!(v.warnings[1].message.contains("receives no tokencode"));
    }

    #[test]
    fn a_get_base_url_with_a_query_is_warned() {
        let mut c = guide();
        c.method = HttpMethod::GET;
        c.base_url = "https://demo.twil.io/x?key=1".into();
        let v = validate(&c, None);
        assert_eq!(fields(&v.warnings), vec![field::BASE_URL]);
    }

    #[test]
    fn a_secret_with_reserved_characters_is_noted_and_never_shown() {
        let mut c = guide();
        c.password = "p&ss=w+rd".into();
        let v = validate(&c, None);
        assert_eq!(fields(&v.warnings), vec![field::PASSWORD]);
        assert!(v.warnings[0].message.contains("unconfirmed"));
        c.quirks.splitting = Splitting::Naive;
        let v = validate(&c, None);
        assert_eq!(
            fields(&v.warnings),
            vec![field::PASSWORD, field::PARAMETERS]
        );
        assert!(
            v.warnings[1].message.contains("api_secret"),
            "{}",
            v.warnings[1].message
        );
        for w in &v.warnings {
            assert!(!w.to_string().contains("p&ss=w+rd"));
        }
    }

    #[test]
    fn long_and_unicode_messages_are_warned() {
        let mut c = guide();
        c.message_template = format!("$OTT {}", "a".repeat(151));
        assert!(validate(&c, None).warnings.is_empty());
        c.message_template = format!("$OTT {}", "a".repeat(152));
        assert_eq!(fields(&validate(&c, None).warnings), vec![field::MESSAGE]);
        c.message_template = format!("$OTT {}", "ü".repeat(61));
        assert!(validate(&c, None).warnings.is_empty());
        c.message_template = format!("$OTT ✓{}", "a".repeat(61));
        let v = validate(&c, None);
        assert!(v.warnings[0].message.contains("UCS-2"), "{:?}", v.warnings);
    }

    #[test]
    fn velocity_directive_syntax_and_raw_blanks_in_a_get_url_are_warned() {
        let mut c = guide();
        c.message_template = "Code $OTT ##never seen".into();
        let v = validate(&c, None);
        assert_eq!(fields(&v.warnings), vec![field::MESSAGE]);
        assert!(
            v.warnings[0].message.starts_with("`##` at character 11"),
            "{:?}",
            v.warnings
        );
        c.message_template = "Code $OTT #1".into();
        assert!(validate(&c, None).warnings.is_empty());
        let mut c = guide();
        c.method = HttpMethod::GET;
        c.parameters = "To=$msg.address&text=Meet me".into();
        let v = validate(&c, None);
        assert_eq!(fields(&v.warnings), vec![field::PARAMETERS]);
        assert!(
            v.warnings[0].message.contains("' ' at character 26"),
            "{:?}",
            v.warnings
        );
    }

    #[test]
    fn unescaped_xml_values_are_warned() {
        let mut c = guide();
        c.method = HttpMethod::XML;
        c.xml_body = Some("<sms><to>+$msg.address</to><text>$msg.message</text></sms>".into());
        c.message_template = "Code <$OTT> & more".into();
        let v = validate(&c, None);
        assert_eq!(fields(&v.warnings), vec![field::XML_BODY]);
        assert!(v.warnings[0].message.starts_with("$msg.message"));
        c.quirks.xml_escape = true;
        assert!(validate(&c, None).warnings.is_empty());
    }
}
