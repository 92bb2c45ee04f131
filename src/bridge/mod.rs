//! The bundled bridge: a Rust stand-in for the integration guide's Twilio Function.
//!
//! What it does, in the order a request meets it (README.md documents the same):
//! 1. [`event`]: builds the Function's `event` from the query string and a form or JSON body
//!    (body keys win over query keys, as Twilio's runtime does).
//! 2. [`handler`]: checks `api_secret` and `verify_sid` in constant time (401 JSON on a mismatch),
//!    then calls Verify's Create Verification with Basic auth, `To`, `Channel`, `CustomCode`.
//! 3. [`serialize`]: answers 200 with the verification as a Function serialises the Node client's
//!    object (compact JSON, camelCase keys), or Verify's status with an error body whose `status`
//!    is a number, so the guide's Response Format does not match it.
//!
//! [`server`] puts it behind TLS on a loopback port, with the Functions 10-second limit (504).

pub mod config;
pub mod event;
pub mod external;
pub mod handler;
pub mod serialize;
pub mod server;
pub mod signature;

pub use config::BridgeConfig;
pub use server::BundledBridge;

/// Which bridge runs between the plug-in and Verify.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BridgeKind {
    /// The Rust bridge in this crate.
    #[default]
    Bundled,
    /// A Twilio Function's JavaScript file, run unchanged under Twilio's local runtime (twilio-run).
    Function,
    /// Any program started by the harness.
    Command,
    /// An already-running bridge at the Base URL; nothing is started.
    Url,
}
