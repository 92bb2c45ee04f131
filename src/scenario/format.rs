//! The scenario file format (TOML). README.md documents it for users; this is the source of truth.
//!
//! A scenario configures the three parties (`[rsa]`, `[bridge]`, `[verify]`, `[tls]`, `[clock]`),
//! names the user who asks for a code (`[user]`) and states what must happen (`[expect]`), or
//! tells a story in ordered `[[steps]]`, each with its own `expect`.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::fault::FaultPlan;
use crate::pki::PkiSpec;
use crate::plugin::{FailureClass, PluginConfig};

/// One scenario file, as written.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// One line saying what the scenario shows.
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// The SMS Configuration page.
    pub rsa: PluginConfig,
    #[serde(default)]
    pub user: UserSection,
    #[serde(default)]
    pub bridge: BridgeSection,
    #[serde(default)]
    pub verify: VerifySection,
    #[serde(default)]
    pub tls: PkiSpec,
    #[serde(default)]
    pub clock: ClockSection,
    /// The harness's forward proxy, started when `[rsa] proxy` is set.
    #[serde(default)]
    pub proxy: ProxySection,
    /// What must happen (single-step scenarios).
    #[serde(default)]
    pub expect: Option<Expect>,
    /// An ordered story; each step is one login that asks for a tokencode.
    #[serde(default)]
    pub steps: Vec<Step>,
}

/// The employee who asked for a code.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserSection {
    /// The mobile number as stored in RSA's identity source.
    #[serde(default = "default_mobile")]
    pub mobile: String,
    /// The On-Demand Tokencode AM generated (`$OTT`).
    #[serde(default = "default_tokencode")]
    pub tokencode: String,
}

impl Default for UserSection {
    fn default() -> Self {
        Self {
            mobile: default_mobile(),
            tokencode: default_tokencode(),
        }
    }
}

fn default_mobile() -> String {
    "+61 412 345 678".into()
}
fn default_tokencode() -> String {
    "48213765".into()
}

/// Which bridge runs between RSA and Verify, and how it is deployed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BridgeSection {
    /// `bundled` (the Rust bridge, default), `function` (a Twilio Function file run under
    /// twilio-run), `command` (any program) or `url` (an already-running bridge at the Base URL).
    /// Unset means bundled, or what `run --bridge` selects.
    #[serde(default)]
    pub kind: Option<BridgeKind>,
    /// `function`: the Function's JavaScript file, relative to the scenario file.
    #[serde(default)]
    pub file: Option<String>,
    /// `command`: the program and its arguments; `{port}` is replaced by the port to listen on.
    #[serde(default)]
    pub command: Option<Vec<String>>,
    /// `function` and `command`: extra environment variables.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// `command`: a path polled until the program answers (default: the bridge's path).
    #[serde(default)]
    pub ready_path: Option<String>,
    /// `public` (default) or `protected`: Twilio's gateway then refuses requests without a valid
    /// `X-Twilio-Signature`, which RSA's plug-in cannot send (the harness checks it in front of
    /// every bridge kind; twilio-run does not).
    #[serde(default)]
    pub visibility: Visibility,
    /// The bridge's shared secret (default: the `[rsa]` Account Password, i.e. configured to match).
    #[serde(default)]
    pub api_secret: Option<String>,
    /// The Verify service SID the bridge expects and calls (default: the `[rsa]` Account User Name).
    #[serde(default)]
    pub verify_sid: Option<String>,
    /// Path the bridge answers on (default: the Base URL's path).
    #[serde(default)]
    pub path: Option<String>,
    /// Certificates the bridge presents, leaf first (default `["leaf", "intermediate"]`).
    #[serde(default)]
    pub serves: Option<Vec<String>>,
    /// The Functions execution limit in milliseconds (default 10000); over it the bridge answers 504.
    #[serde(default)]
    pub time_limit_ms: Option<u64>,
    /// AUTH_TOKEN the bridge's Twilio client uses (default: the fake Verify's token).
    #[serde(default)]
    pub auth_token: Option<String>,
    /// Faults on the RSA -> bridge hop (`[[bridge.faults]]`; every request counts as a `create`).
    #[serde(default)]
    pub faults: FaultPlan,
}

pub use crate::bridge::BridgeKind;

/// See [`BridgeSection::visibility`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    #[default]
    Public,
    Protected,
}

/// The fake Verify service.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifySection {
    /// Whether the service the bridge calls has custom codes enabled (default true).
    #[serde(default = "yes")]
    pub custom_code: bool,
    /// Accept a To of 8 to 15 digits without `+` (unconfirmed leniency; default true).
    #[serde(default = "yes")]
    pub lenient_to: bool,
    /// SID of the service the fake knows (default: the bridge's verify_sid).
    #[serde(default)]
    pub service_sid: Option<String>,
    #[serde(default)]
    pub account_sid: Option<String>,
    /// The account's auth token. A secret.
    #[serde(default)]
    pub auth_token: Option<String>,
    /// Length of codes the service generates (4 to 10, default 6).
    #[serde(default)]
    pub code_length: Option<u8>,
    /// Faults on the bridge -> Verify hop (`[[verify.faults]]`).
    #[serde(default)]
    pub faults: FaultPlan,
    /// Channels switched off on the service (`sms`, `call`, ...): 60223.
    #[serde(default)]
    pub disabled_channels: Vec<String>,
    /// Refuse SMS to landlines with 60205.
    #[serde(default)]
    pub skip_sms_to_landlines: bool,
    /// Fill `lookup` with carrier data.
    #[serde(default)]
    pub lookup_enabled: bool,
    /// Minutes a pending verification lives (default 10).
    #[serde(default)]
    pub code_ttl_minutes: Option<u32>,
    /// Sends to one number without completing before 60203 (default 5).
    #[serde(default)]
    pub max_send_attempts: Option<usize>,
    /// Wrong checks before 60202 (default 5).
    #[serde(default)]
    pub max_check_attempts: Option<usize>,
    /// Swap 60202 and 60203, as some client code bases have them.
    #[serde(default)]
    pub swap_limit_codes: bool,
}

impl Default for VerifySection {
    fn default() -> Self {
        Self {
            custom_code: true,
            lenient_to: true,
            service_sid: None,
            account_sid: None,
            auth_token: None,
            code_length: None,
            faults: FaultPlan::default(),
            disabled_channels: Vec::new(),
            skip_sms_to_landlines: false,
            lookup_enabled: false,
            code_ttl_minutes: None,
            max_send_attempts: None,
            max_check_attempts: None,
            swap_limit_codes: false,
        }
    }
}

fn yes() -> bool {
    true
}

/// The simulated clock.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockSection {
    /// Start instant, e.g. `2026-01-15T09:00:00Z` (default: the wall clock when the run starts).
    #[serde(default)]
    pub start: Option<String>,
}

/// The harness's loopback forward proxy (what RSA's SMS HTTP Proxy Configuration points at).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProxySection {
    /// `tunnel` (default): CONNECT tunnels pass bytes untouched. `inspect`: the proxy terminates TLS
    /// with certificates signed by its own CA, like a corporate SSL-inspecting proxy.
    #[serde(default)]
    pub mode: ProxyMode,
    /// User name the proxy demands (407 without it).
    #[serde(default)]
    pub require_user: Option<String>,
    /// Password the proxy demands. A secret.
    #[serde(default)]
    pub require_password: Option<String>,
}

/// See [`ProxySection::mode`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProxyMode {
    #[default]
    Tunnel,
    Inspect,
}

/// One login in a multi-step story.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    #[serde(default)]
    pub name: Option<String>,
    /// Move the clock forward before this step: `90s`, `11m`, `2h`, `400d`.
    #[serde(default)]
    pub advance: Option<String>,
    /// Mobile number for this step (default: `[user]`).
    #[serde(default)]
    pub mobile: Option<String>,
    /// Tokencode for this step (default: `[user]`).
    #[serde(default)]
    pub tokencode: Option<String>,
    /// Change what the bridge presents from this step on (a rotation).
    #[serde(default)]
    pub bridge_serves: Option<Vec<String>>,
    /// Change which certificate RSA has imported from this step on (a re-import).
    #[serde(default)]
    pub rsa_certificate: Option<String>,
    /// Instead of a login, a Verify client checks a code (`POST .../VerificationCheck`), as an
    /// application using Verify directly would; use the `verify_*` expectations.
    #[serde(default)]
    pub verify_check: Option<VerifyCheck>,
    #[serde(default)]
    pub expect: Expect,
}

/// A Verification Check made directly against the fake Verify.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyCheck {
    /// The code the user typed.
    pub code: String,
    /// The number (default: the step's or `[user]` mobile as `+digits`).
    #[serde(default)]
    pub to: Option<String>,
}

/// What must be true after a delivery attempt. Every field is optional; only those given are checked.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// Whether RSA considers the tokencode sent.
    #[serde(default)]
    pub delivered: Option<bool>,
    /// The failure class when not delivered.
    #[serde(default)]
    pub failure: Option<FailureClass>,
    /// Text the failure message (RSA's/Java's words) must contain.
    #[serde(default)]
    pub message_contains: Option<String>,
    /// Text the plain-English diagnosis must contain.
    #[serde(default)]
    pub diagnosis_contains: Option<String>,
    /// HTTP status the bridge answered RSA with.
    #[serde(default)]
    pub bridge_status: Option<u16>,
    /// Fields the bridge received from RSA, exactly as decoded (e.g. `To = " 61412345678"`).
    #[serde(default)]
    pub bridge_received: Option<BTreeMap<String, String>>,
    /// Fields of the last request Verify received from the bridge, exactly as decoded.
    #[serde(default)]
    pub verify_received: Option<BTreeMap<String, String>>,
    /// How many requests Verify received during this step.
    #[serde(default)]
    pub verify_requests: Option<usize>,
    /// The Twilio error code in Verify's last answer (e.g. 60204).
    #[serde(default)]
    pub verify_error_code: Option<u32>,
    /// The HTTP status of Verify's last answer.
    #[serde(default)]
    pub verify_http_status: Option<u16>,
    /// The `status` field of Verify's last answer (`pending`, `approved`, ...).
    #[serde(default)]
    pub verify_status: Option<String>,
}
