//! rsa-verify-sim: RSA Authentication Manager's SMS HTTP plug-in, a Twilio Function bridge and
//! Twilio Verify v2, simulated end to end on one machine, over real sockets and real TLS.
//!
//! The `rsa-verify-sim` binary is a thin layer over this library; tests can use the same engine.
//!
//! # Run a scenario built in code
//!
//! ```
//! use rsa_verify_sim::scenario::{self, RunOptions, Status};
//!
//! let text = r#"
//! name = "the guide's configuration with ${plus}"
//! [rsa]
//! base_url = "https://demo-1234.twil.io/k3v9q"
//! parameters = "To=${plus}$msg.address&Customcode=$OTT&Channel=sms&verify_sid=$cfg.user&api_secret=$cfg.password"
//! user = "VA0123456789abcdef0123456789abcdef"
//! password = "s3cret"
//! success_code = "pending"
//! response_format = '.*status":\s?"([a-zA-Z]*)'
//! [expect]
//! delivered = true
//! verify_received = { To = "+61412345678", CustomCode = "48213765" }
//! "#;
//! let parsed = scenario::load::parse(std::path::Path::new("inline.toml"), text).unwrap();
//! let loaded = scenario::LoadedScenario { file: "inline.toml".into(), scenario: parsed };
//! let runtime = tokio::runtime::Runtime::new().unwrap();
//! let outcome = runtime.block_on(scenario::run_scenario(&loaded, &RunOptions::default()));
//! assert_eq!(outcome.status, Status::Passed, "{}", scenario::transcript::scenario(&outcome));
//! // Every hop is in the journal: what Verify received, decoded.
//! let verify = &outcome.steps[0].exchanges.iter().find(|e| e.url.contains("/v2/")).unwrap();
//! assert_eq!(verify.field("CustomCode"), Some("48213765"));
//! ```
//!
//! # Test your own bridge against the fake Verify
//!
//! Start the fake, point your bridge at [`verify::FakeVerify::base_url`] with the fake's
//! credentials, then make the plug-in deliver to it and look at what Verify received. Here the
//! bundled bridge stands in for yours:
//!
//! ```
//! use std::time::Duration;
//! use rsa_verify_sim::{bridge, clock::SimClock, fault::FaultPlan, journal::{Hop, Journal}};
//! use rsa_verify_sim::plugin::{config::PluginConfig, send::SendContext};
//! use rsa_verify_sim::scenario::run::deliver;
//! use rsa_verify_sim::verify::{FakeVerify, ServiceConfig, VerifyConfig};
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let clock = SimClock::from_wall_clock();
//! let journal = Journal::new();
//! let service = "VA0123456789abcdef0123456789abcdef";
//! let config = VerifyConfig {
//!     services: vec![ServiceConfig { sid: service.into(), custom_code_enabled: true, ..Default::default() }],
//!     ..Default::default()
//! };
//! let verify = FakeVerify::start(config.clone(), clock.clone(), journal.clone()).await.unwrap();
//!
//! // Your bridge goes here; it calls verify.base_url() with config.account_sid / config.auth_token.
//! let mine = bridge::BundledBridge::start(
//!     bridge::BridgeConfig {
//!         path: "/fn".into(),
//!         api_secret: "s3cret".into(),
//!         verify_sid: service.into(),
//!         verify_base_url: verify.base_url(),
//!         account_sid: config.account_sid.clone(),
//!         auth_token: config.auth_token.clone(),
//!         time_limit: Duration::from_secs(10),
//!         protected: false,
//!     },
//!     None, // plain HTTP here; pass a TLS identity to test certificate pinning too
//!     FaultPlan::default(),
//! )
//! .await
//! .unwrap();
//!
//! let rsa = PluginConfig::integration_guide(&format!("http://{}/fn", mine.addr()), service, "s3cret");
//! let ctx = SendContext { connect_to: None, verifier: None, journal: journal.clone(), clock, proxy: None };
//! let delivery = deliver(&rsa, "+61 412 345 678", "48213765", &ctx).await;
//! assert!(delivery.delivered(), "{:?}", delivery.failure);
//! let to_verify = journal.on(Hop::BridgeToVerify);
//! assert_eq!(to_verify[0].field("CustomCode"), Some("48213765"));
//! # });
//! ```
//!
//! # Map of the crate
//! - [`plugin`]: the RSA AM HTTP plug-in simulator (template, encoding, trust store, send, decision).
//! - [`bridge`]: the bundled bridge and the external kinds (a Twilio Function, a command, a URL).
//! - [`verify`]: the fake Twilio Verify v2; [`fault`]: faults on every hop.
//! - [`pki`]: certificate chains and lifecycle events made with rcgen.
//! - [`scenario`]: the file format, loader, runner, expectations and transcripts.
//! - [`journal`], [`clock`], [`redact`]: the shared record of exchanges, simulated time, and secret redaction.
//! - [`proxy`], [`wire`], [`serve`]: a forward proxy, HTTP plumbing, and the fakes as standing services.
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
pub mod serve;
pub mod verify;
pub mod wire;
