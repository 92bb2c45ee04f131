//! What an administrator types on the Security Console's SMS Configuration page (and the Tokencode
//! Settings tab), as one serde struct: the `[rsa]` table of a scenario file or a stand-alone
//! RSA-configuration file.
//!
//! Behaviour no public source confirms is a named setting in [`Quirks`] with a documented default.

use serde::{Deserialize, Serialize};

use super::encode::Splitting;

/// The HTTP Method drop-down.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum HttpMethod {
    #[serde(alias = "get")]
    GET,
    #[default]
    #[serde(alias = "post")]
    POST,
    /// POST of the rendered XML Request Body.
    #[serde(alias = "xml")]
    XML,
}

impl HttpMethod {
    /// Method on the wire.
    pub fn verb(self) -> &'static str {
        match self {
            HttpMethod::GET => "GET",
            HttpMethod::POST | HttpMethod::XML => "POST",
        }
    }
}

/// The SMS Provider Configuration section plus the message template.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluginConfig {
    /// Base URL, e.g. `https://demo-1234.twil.io/k3v9q-long-random-path`.
    pub base_url: String,
    #[serde(default)]
    pub method: HttpMethod,
    /// Parameters (GET and POST): a form string with `$msg.address`, `$OTT`, `$cfg.*`... references.
    #[serde(default)]
    pub parameters: String,
    /// XML Request Body (XML method).
    #[serde(default)]
    pub xml_body: Option<String>,
    /// Account User Name (`$cfg.user`).
    #[serde(default)]
    pub user: String,
    /// Account Password (`$cfg.password`). A secret: redacted in every output.
    #[serde(default)]
    pub password: String,
    /// Success Response Code.
    pub success_code: String,
    /// Response Format: a Java regular expression searched in the response body.
    pub response_format: String,
    /// Which certificate was imported: a certificate name from the scenario's PKI (`root`,
    /// `intermediate`, `leaf`, ...), `none`, or a path to a PEM file.
    #[serde(default = "default_certificate")]
    pub certificate: String,
    /// Default country code (digits, e.g. `61`), prepended to numbers stored without `+`.
    #[serde(default)]
    pub default_country_code: Option<String>,
    /// Tokencode Settings: the On-Demand Tokencode message template (`$OTT`, `$Lifetime`).
    #[serde(default = "default_message_template")]
    pub message_template: String,
    /// Tokencode Settings: lifetime in minutes (1 to 70), rendered by `$Lifetime`.
    #[serde(default = "default_lifetime")]
    pub lifetime_minutes: u32,
    /// SMS HTTP Proxy Configuration (optional).
    #[serde(default)]
    pub proxy: Option<ProxyConfig>,
    /// Connect timeout in milliseconds; 0 waits forever, as in Java (RSA's value is unconfirmed;
    /// this default is ours).
    #[serde(default = "default_connect_timeout_ms")]
    pub connect_timeout_ms: u64,
    /// Read timeout in milliseconds; 0 waits forever, as in Java (RSA's value is unconfirmed;
    /// this default is ours).
    #[serde(default = "default_read_timeout_ms")]
    pub read_timeout_ms: u64,
    #[serde(default)]
    pub quirks: Quirks,
}

/// SMS HTTP Proxy Configuration.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProxyConfig {
    pub host: String,
    pub port: u16,
    #[serde(default)]
    pub user: Option<String>,
    /// A secret: redacted in every output.
    #[serde(default)]
    pub password: Option<String>,
}

/// Behaviour of the real plug-in that no public source confirms. Each default is documented in
/// README.md; a scenario changes one to reproduce what a particular appliance does.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Quirks {
    /// `strict` (default): literal template text is split into pairs first, substituted values are
    /// encoded as data. `naive`: substitute first, split after (a `&` in a secret breaks pairs).
    pub splitting: Splitting,
    /// What a response status of 400 or more means: `fail` (default, like HttpURLConnection's
    /// IOException) or `body_decides` (the regex still runs on the error body).
    pub error_status: ErrorStatusPolicy,
    /// Redirect handling: `same_scheme` (default, like HttpURLConnection), `never`.
    pub redirects: RedirectPolicy,
    /// How the compared text is tested against the Success Response Code.
    pub compare: Comparison,
    /// Whether the Base URL's host name is checked against the certificate (default true).
    pub check_hostname: bool,
    /// GET with a Base URL that already has `?`: `naive` (default, `base?params`) or `merge` (`&`).
    pub get_query: GetQuery,
    /// XML method: whether substituted values are XML-escaped (default false).
    pub xml_escape: bool,
    /// Content-Type of the XML method's POST (default `text/xml`).
    pub xml_content_type: String,
    /// Whether a trunk `0` is dropped before the default country code is prepended (default false).
    pub drop_trunk_zero: bool,
}

impl Default for Quirks {
    fn default() -> Self {
        Self {
            splitting: Splitting::Strict,
            error_status: ErrorStatusPolicy::Fail,
            redirects: RedirectPolicy::SameScheme,
            compare: Comparison::Equals,
            check_hostname: true,
            get_query: GetQuery::Naive,
            xml_escape: false,
            xml_content_type: "text/xml".to_string(),
            drop_trunk_zero: false,
        }
    }
}

/// See [`Quirks::error_status`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorStatusPolicy {
    #[default]
    Fail,
    BodyDecides,
}

/// See [`Quirks::redirects`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RedirectPolicy {
    #[default]
    SameScheme,
    Never,
}

/// See [`Quirks::compare`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// `String.equals` (default).
    #[default]
    Equals,
    /// The compared text contains the Success Response Code.
    Contains,
    /// Equal after trimming white space on both.
    Trim,
}

/// See [`Quirks::get_query`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GetQuery {
    #[default]
    Naive,
    Merge,
}

fn default_certificate() -> String {
    "root".to_string()
}
fn default_message_template() -> String {
    "Your tokencode is: $OTT".to_string()
}
fn default_lifetime() -> u32 {
    60
}
fn default_connect_timeout_ms() -> u64 {
    10_000
}
fn default_read_timeout_ms() -> u64 {
    30_000
}

impl PluginConfig {
    /// A redactor for every secret typed on the SMS Configuration page (Account Password, proxy
    /// password), in every spelling. With naive splitting a password holding `&` `=` `+` reaches
    /// the server cut into pieces; every piece long enough to be recognised is hidden too (shorter
    /// ones cannot be hidden without blanking unrelated text). Every output of the plug-in's
    /// configuration goes through this one function.
    pub fn redactor(&self) -> crate::redact::Redactor {
        let mut r = crate::redact::Redactor::new();
        r.add("rsa.password", &self.password);
        if self.quirks.splitting == Splitting::Naive {
            for piece in self.password.split(['&', '=']) {
                // As typed, and as a server decodes it (`+` a space, `%41` an `A`); `add` also
                // covers each one's form-encoded spelling on the wire.
                let decoded: String = form_urlencoded::parse(format!("x={piece}").as_bytes())
                    .next()
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_default();
                for p in [piece, decoded.as_str()] {
                    if p.chars().count() >= 4 {
                        r.add("rsa.password (piece)", p);
                    } else {
                        r.add_exact("rsa.password (piece)", p);
                    }
                }
            }
        }
        if let Some(p) = self.proxy.as_ref().and_then(|p| p.password.as_deref()) {
            r.add("rsa.proxy.password", p);
        }
        r
    }

    /// The integration guide's configuration for a bridge at `base_url`: the Parameters,
    /// Response Format and Success Response Code published in Twilio's blog post.
    pub fn integration_guide(base_url: &str, verify_sid: &str, api_secret: &str) -> Self {
        Self {
            base_url: base_url.to_string(),
            method: HttpMethod::POST,
            parameters: GUIDE_PARAMETERS.to_string(),
            xml_body: None,
            user: verify_sid.to_string(),
            password: api_secret.to_string(),
            success_code: "pending".to_string(),
            response_format: GUIDE_RESPONSE_FORMAT.to_string(),
            certificate: default_certificate(),
            default_country_code: None,
            message_template: default_message_template(),
            lifetime_minutes: default_lifetime(),
            proxy: None,
            connect_timeout_ms: default_connect_timeout_ms(),
            read_timeout_ms: default_read_timeout_ms(),
            quirks: Quirks::default(),
        }
    }
}

/// Parameters string from the integration guide.
pub const GUIDE_PARAMETERS: &str =
    "To=$msg.address&Customcode=$OTT&Channel=sms&verify_sid=$cfg.user&api_secret=$cfg.password";
/// Response Format from the integration guide.
pub const GUIDE_RESPONSE_FORMAT: &str = r#".*status":\s?"([a-zA-Z]*)"#;
