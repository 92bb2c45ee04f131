//! End to end through the bundled bridge (over TLS, with the one-certificate trust store) and the
//! fake Verify: whatever tokencode RSA generates, Verify receives exactly that code as CustomCode.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use proptest::prelude::*;
use rsa_verify_sim::bridge::{BridgeConfig, BundledBridge};
use rsa_verify_sim::clock::SimClock;
use rsa_verify_sim::fault::FaultPlan;
use rsa_verify_sim::journal::{Hop, Journal};
use rsa_verify_sim::pki::{Pki, PkiSpec};
use rsa_verify_sim::plugin::config::PluginConfig;
use rsa_verify_sim::plugin::send::SendContext;
use rsa_verify_sim::plugin::trust::PinnedVerifier;
use rsa_verify_sim::scenario::run::deliver;
use rsa_verify_sim::verify::{FakeVerify, ServiceConfig, VerifyConfig};

const SERVICE: &str = "VA0123456789abcdef0123456789abcdef";
const HOST: &str = "demo-1234.twil.io";

/// The three parties, started once and shared by every case.
struct Chain {
    runtime: tokio::runtime::Runtime,
    ctx: SendContext,
    config: PluginConfig,
    _verify: FakeVerify,
    _bridge: BundledBridge,
}

fn chain() -> Chain {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let clock = SimClock::from_wall_clock();
    let journal = Journal::new();
    let (verify, bridge, root) = runtime.block_on(async {
        let config = VerifyConfig {
            services: vec![ServiceConfig {
                sid: SERVICE.into(),
                custom_code_enabled: true,
                ..ServiceConfig::default()
            }],
            // Each case uses its own number; the send limit is not what this property is about.
            max_send_attempts: 1000,
            ..VerifyConfig::default()
        };
        let verify = FakeVerify::start(config.clone(), clock.clone(), journal.clone())
            .await
            .expect("fake Verify starts");
        let pki = Pki::generate(HOST, &PkiSpec::default(), clock.now()).expect("pki");
        let tls = pki
            .server_config_for(&["leaf", "intermediate"])
            .expect("tls");
        let bridge = BundledBridge::start(
            BridgeConfig {
                path: "/fn".into(),
                api_secret: "s3cret".into(),
                verify_sid: SERVICE.into(),
                verify_base_url: verify.base_url(),
                account_sid: config.account_sid.clone(),
                auth_token: config.auth_token.clone(),
                time_limit: Duration::from_secs(10),
                protected: false,
            },
            Some(Arc::new(RwLock::new(tls))),
            FaultPlan::default(),
        )
        .await
        .expect("bridge starts");
        let root = pki.get("root").expect("root").der.clone();
        (verify, bridge, root)
    });
    let mut config =
        PluginConfig::integration_guide(&format!("https://{HOST}/fn"), SERVICE, "s3cret");
    config.parameters = config
        .parameters
        .replace("To=$msg.address", "To=${plus}$msg.address");
    let ctx = SendContext {
        connect_to: Some(bridge.addr()),
        verifier: Some(PinnedVerifier::new(Some(root), clock.clone(), true)),
        journal,
        clock,
        proxy: None,
    };
    Chain {
        runtime,
        ctx,
        config,
        _verify: verify,
        _bridge: bridge,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn verify_receives_exactly_the_tokencode_rsa_generated(code in "[0-9]{4,10}", number in 10_000_000u32..99_999_999) {
        thread_local! { static CHAIN: Chain = chain(); }
        CHAIN.with(|c| {
            let mobile = format!("+61 4{number}");
            let delivery = c.runtime.block_on(deliver(&c.config, &mobile, &code, &c.ctx));
            prop_assert!(delivery.delivered(), "{:?}", delivery.failure);
            let sent = c.ctx.journal.on(Hop::BridgeToVerify);
            let last = sent.last().expect("Verify received a request");
            prop_assert_eq!(last.field("CustomCode"), Some(code.as_str()));
            let to = format!("+614{number}");
            prop_assert_eq!(last.field("To"), Some(to.as_str()));
            Ok(())
        })?;
    }
}
