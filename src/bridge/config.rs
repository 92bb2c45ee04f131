//! What the bridge is deployed with: its URL path, its shared secrets and the Twilio credentials
//! its Verify client uses.

use std::time::Duration;

/// Configuration of the bundled bridge (the Function's environment variables).
#[derive(Clone, Debug)]
pub struct BridgeConfig {
    /// Path the Function answers on, e.g. `/k3v9q-long-random-path`.
    pub path: String,
    /// The shared secret RSA must send as `api_secret`. A secret.
    pub api_secret: String,
    /// The Verify service SID RSA must send as `verify_sid`, and the service the bridge calls.
    pub verify_sid: String,
    /// Base URL of Verify, e.g. `http://127.0.0.1:PORT` for the fake.
    pub verify_base_url: String,
    /// ACCOUNT_SID of the Function's Twilio client.
    pub account_sid: String,
    /// AUTH_TOKEN of the Function's Twilio client. A secret.
    pub auth_token: String,
    /// Twilio Functions stop a request after 10 seconds (504); tests may shorten it.
    pub time_limit: Duration,
    /// A *protected* Function: Twilio's gateway refuses requests without a valid
    /// `X-Twilio-Signature` (400), which RSA's plug-in cannot send.
    pub protected: bool,
}
