//! What the fake knows before the first request: credentials, services and their flags, limits.

use crate::fault::FaultPlan;

/// Credentials, services, limits and faults of one fake Verify.
///
/// `Debug` hides the auth token and API key secrets.
#[derive(Clone)]
pub struct VerifyConfig {
    /// Account SID (`AC` + 32 hex) used as the Basic-auth user name.
    pub account_sid: String,
    /// Auth token. A secret: never logged.
    pub auth_token: String,
    /// API keys `(SK… sid, secret)` that may also authenticate. The secrets are never logged.
    pub api_keys: Vec<(String, String)>,
    /// The Verify services (`VA…`) that exist.
    pub services: Vec<ServiceConfig>,
    /// Accept a `To` of 8 to 15 digits without `+` as E.164 (unconfirmed leniency; default true).
    pub lenient_to: bool,
    /// How long a pending verification lives (default 10 minutes of [`crate::clock::SimClock`] time).
    pub code_ttl: time::Duration,
    /// Sends allowed to one `To` without completing; the next one is rejected (default 5).
    pub max_send_attempts: usize,
    /// Wrong checks answered `pending`; the next check is rejected (default 5).
    pub max_check_attempts: usize,
    /// Which error codes the two limits produce (Twilio's docs by default).
    pub limit_codes: LimitCodes,
    /// Value of the `Retry-After` header on 20429 answers, in seconds (default 1).
    pub retry_after_secs: u32,
    /// Faults to inject into answers (none by default).
    pub faults: FaultPlan,
}

impl std::fmt::Debug for VerifyConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keys: Vec<(&str, &str)> = self
            .api_keys
            .iter()
            .map(|(sid, _)| (sid.as_str(), "[REDACTED]"))
            .collect();
        f.debug_struct("VerifyConfig")
            .field("account_sid", &self.account_sid)
            .field("auth_token", &"[REDACTED]")
            .field("api_keys", &keys)
            .field("services", &self.services)
            .field("lenient_to", &self.lenient_to)
            .field("code_ttl", &self.code_ttl)
            .field("max_send_attempts", &self.max_send_attempts)
            .field("max_check_attempts", &self.max_check_attempts)
            .field("limit_codes", &self.limit_codes)
            .field("retry_after_secs", &self.retry_after_secs)
            .field("faults", &self.faults)
            .finish()
    }
}

/// Error codes for the two attempt limits.
///
/// Twilio's docs say 60202 = max check attempts and 60203 = max send attempts; several code bases
/// (and one article) have them the other way round, so the mapping can be swapped to reproduce them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LimitCodes {
    /// Code for a check after `max_check_attempts` wrong codes (default 60202).
    pub max_check_attempts: u32,
    /// Code for a send after `max_send_attempts` sends (default 60203).
    pub max_send_attempts: u32,
}

impl Default for LimitCodes {
    fn default() -> Self {
        Self {
            max_check_attempts: 60202,
            max_send_attempts: 60203,
        }
    }
}

impl LimitCodes {
    /// The codes as some code bases have them: 60203 for checks, 60202 for sends.
    pub fn swapped() -> Self {
        Self {
            max_check_attempts: 60203,
            max_send_attempts: 60202,
        }
    }
}

/// One Verify service and its flags.
#[derive(Clone, Debug)]
pub struct ServiceConfig {
    /// `VA` + 32 hex.
    pub sid: String,
    /// Shown in the message text on a real phone; kept for read-back.
    pub friendly_name: String,
    /// Whether `CustomCode` is accepted (otherwise 60204).
    pub custom_code_enabled: bool,
    /// Whether `CustomFriendlyName` is accepted (otherwise 60204).
    pub custom_friendly_name_enabled: bool,
    /// Length of generated codes (4 to 10, default 6; out-of-range values are clamped).
    pub code_length: u8,
    /// Channels switched off for this service (`sms`, `call`, `email`, `whatsapp`, `sna`): 60223.
    pub disabled_channels: Vec<String>,
    /// Refuse SMS to landline numbers with 60205.
    pub skip_sms_to_landlines: bool,
    /// Fill `lookup` with a carrier object instead of `{}`.
    pub lookup_enabled: bool,
}

/// The account SID of [`VerifyConfig::default`].
pub const DEFAULT_ACCOUNT_SID: &str = "AC5e2a1f0c9b8d7e6f5a4b3c2d1e0f9a8b";
/// The auth token of [`VerifyConfig::default`] (32 hex, like a real one).
pub const DEFAULT_AUTH_TOKEN: &str = "7d1f0e9c8b7a6f5e4d3c2b1a0f9e8d7c";
/// The API key SID of [`VerifyConfig::default`].
pub const DEFAULT_API_KEY_SID: &str = "SK3b9e0d4c7a1f2e8d6c5b4a3f2e1d0c9b";
/// The API key secret of [`VerifyConfig::default`].
pub const DEFAULT_API_KEY_SECRET: &str = "q4Zp8LmN2vXc6RtY0uWs3eKd7hGf1jBa";
/// The service SID of [`ServiceConfig::default`].
pub const DEFAULT_SERVICE_SID: &str = "VA0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f";

impl Default for VerifyConfig {
    fn default() -> Self {
        Self {
            account_sid: DEFAULT_ACCOUNT_SID.to_string(),
            auth_token: DEFAULT_AUTH_TOKEN.to_string(),
            api_keys: vec![(
                DEFAULT_API_KEY_SID.to_string(),
                DEFAULT_API_KEY_SECRET.to_string(),
            )],
            services: vec![ServiceConfig::default()],
            lenient_to: true,
            code_ttl: time::Duration::minutes(10),
            max_send_attempts: 5,
            max_check_attempts: 5,
            limit_codes: LimitCodes::default(),
            retry_after_secs: 1,
            faults: FaultPlan::default(),
        }
    }
}

impl Default for ServiceConfig {
    fn default() -> Self {
        Self {
            sid: DEFAULT_SERVICE_SID.to_string(),
            friendly_name: "RSA SecurID".to_string(),
            custom_code_enabled: false,
            custom_friendly_name_enabled: false,
            code_length: 6,
            disabled_channels: Vec::new(),
            skip_sms_to_landlines: false,
            lookup_enabled: false,
        }
    }
}

impl ServiceConfig {
    /// Code length clamped to Twilio's 4..=10.
    pub fn effective_code_length(&self) -> usize {
        usize::from(self.code_length.clamp(4, 10))
    }

    /// Whether `channel` is switched off for this service.
    pub fn channel_disabled(&self, channel: &str) -> bool {
        self.disabled_channels
            .iter()
            .any(|c| c.eq_ignore_ascii_case(channel))
    }
}
