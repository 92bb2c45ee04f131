//! rsa-verify-sim: RSA Authentication Manager's SMS HTTP plug-in, a Twilio Function bridge and
//! Twilio Verify v2, simulated end to end on one machine.
#![forbid(unsafe_code)]

pub mod bridge;
pub mod cli;
pub mod clock;
pub mod fault;
pub mod journal;
pub mod pki;
pub mod plugin;
pub mod proxy;
pub mod redact;
pub mod report;
pub mod scenario;
pub mod verify;
pub mod wire;
