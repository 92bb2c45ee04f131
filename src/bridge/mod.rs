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
pub mod handler;
pub mod serialize;
pub mod server;

pub use config::BridgeConfig;
pub use server::BundledBridge;
