//! Load: 200 concurrent plug-in deliveries through the bundled bridge (TLS, pinned root) to the
//! fake Verify, each to its own mobile number, plus a burst to one number that must hit the
//! per-number send limit exactly (5 sends accepted, then 60203).
//!
//! The test asserts correctness only: every request answered, none lost or duplicated in the
//! fake's journal, Verify's state consistent with what was sent. Throughput, latency percentiles
//! and peak RSS are printed, never asserted (timing depends on the machine):
//!
//! ```sh
//! cargo test --test hardening_load -- --nocapture
//! ```

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use rsa_verify_sim::bridge::{BridgeConfig, BundledBridge};
use rsa_verify_sim::clock::SimClock;
use rsa_verify_sim::fault::FaultPlan;
use rsa_verify_sim::journal::{Hop, Journal};
use rsa_verify_sim::pki::{Pki, PkiSpec};
use rsa_verify_sim::plugin::send::SendContext;
use rsa_verify_sim::plugin::trust::PinnedVerifier;
use rsa_verify_sim::plugin::{Delivery, PluginConfig};
use rsa_verify_sim::scenario::run::deliver;
use rsa_verify_sim::verify::{FakeVerify, VerifyConfig};

/// Distinct numbers, each delivered once, all at the same time.
const CLIENTS: usize = 200;
/// Sends to one number, also at the same time: Verify accepts `max_send_attempts` (5) of them.
const SAME_NUMBER_SENDS: usize = 8;
const SAME_NUMBER: &str = "+61 499 999 999";
/// Generous bound on the whole run (debug build, 2 cores).
const WHOLE_RUN: Duration = Duration::from_secs(180);

const SID: &str = "VA0123456789abcdef0123456789abcdef";
const SECRET: &str = "load-secret-7Qm2xw";

fn mobile(i: usize) -> String {
    format!("+61 4{:08}", i)
}

fn e164(mobile: &str) -> String {
    let digits: String = mobile.chars().filter(char::is_ascii_digit).collect();
    format!("+{digits}")
}

fn tokencode(i: usize) -> String {
    format!("{:08}", 10_000_000 + i)
}

fn peak_rss_kib() -> Option<u64> {
    std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

struct Setup {
    verify: FakeVerify,
    _bridge: BundledBridge,
    config: Arc<PluginConfig>,
    ctx: SendContext,
    journal: Journal,
}

async fn setup() -> Setup {
    let clock = SimClock::starting_at(time::macros::datetime!(2026-01-15 09:00 UTC));
    let journal = Journal::new();
    let host = "demo-1234.twil.io";
    let pki = Pki::generate(host, &PkiSpec::default(), clock.now()).expect("pki");
    let mut verify_config = VerifyConfig::default();
    verify_config.services[0].sid = SID.into();
    verify_config.services[0].custom_code_enabled = true;
    let verify = FakeVerify::start(verify_config.clone(), clock.clone(), journal.clone())
        .await
        .expect("fake Verify starts");
    let tls = pki
        .server_config_for(&["leaf", "intermediate"])
        .expect("tls identity");
    let bridge = BundledBridge::start(
        BridgeConfig {
            path: "/k3v9q-long-random-path".into(),
            api_secret: SECRET.into(),
            verify_sid: SID.into(),
            verify_base_url: verify.base_url(),
            account_sid: verify_config.account_sid.clone(),
            auth_token: verify_config.auth_token.clone(),
            time_limit: Duration::from_secs(60),
            protected: false,
        },
        Some(Arc::new(RwLock::new(tls))),
        FaultPlan::none(),
    )
    .await
    .expect("bridge starts");
    let mut config = PluginConfig::integration_guide(
        &format!("https://{host}/k3v9q-long-random-path"),
        SID,
        SECRET,
    );
    config.parameters = config
        .parameters
        .replace("To=$msg.address", "To=${plus}$msg.address");
    // Generous: the run is measured, not raced.
    config.read_timeout_ms = 120_000;
    config.connect_timeout_ms = 60_000;
    let ctx = SendContext {
        connect_to: Some(bridge.addr()),
        verifier: Some(PinnedVerifier::new(
            Some(pki.get("root").expect("root").der.clone()),
            clock.clone(),
            true,
        )),
        journal: journal.clone(),
        clock,
        proxy: None,
    };
    Setup {
        verify,
        _bridge: bridge,
        config: Arc::new(config),
        ctx,
        journal,
    }
}

/// Starts `jobs` deliveries at once; returns each one's delivery and latency, in job order.
async fn run_all(s: &Setup, jobs: Vec<(String, String)>) -> Vec<(Delivery, Duration)> {
    let start = Arc::new(tokio::sync::Barrier::new(jobs.len()));
    let mut handles = Vec::new();
    for (mobile, code) in jobs {
        let config = s.config.clone();
        let ctx = s.ctx.clone();
        let start = start.clone();
        handles.push(tokio::spawn(async move {
            start.wait().await;
            let t = Instant::now();
            let d = deliver(&config, &mobile, &code, &ctx).await;
            (d, t.elapsed())
        }));
    }
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.expect("a delivery task panicked"));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_deliveries_are_all_answered_once_and_the_send_limit_is_exact() {
    tokio::time::timeout(WHOLE_RUN, scenario())
        .await
        .expect("the load run finished within its bound");
}

async fn scenario() {
    let s = setup().await;

    // 1. 200 distinct numbers at once.
    let jobs: Vec<(String, String)> = (0..CLIENTS).map(|i| (mobile(i), tokencode(i))).collect();
    let started = Instant::now();
    let results = run_all(&s, jobs).await;
    let elapsed = started.elapsed();

    let failures: Vec<String> = results
        .iter()
        .enumerate()
        .filter(|(_, (d, _))| !d.delivered())
        .map(|(i, (d, _))| format!("client {i}: {:?}", d.failure))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {CLIENTS} deliveries failed:\n{}",
        failures.len(),
        failures.join("\n")
    );

    let mut latencies: Vec<Duration> = results.iter().map(|(_, l)| *l).collect();
    latencies.sort();
    println!(
        "load: {CLIENTS} concurrent deliveries (plug-in -> TLS bundled bridge -> fake Verify) in {:.2} s: {:.1} deliveries/s; latency p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        elapsed.as_secs_f64(),
        CLIENTS as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 50.0).as_secs_f64() * 1000.0,
        percentile(&latencies, 95.0).as_secs_f64() * 1000.0,
        percentile(&latencies, 100.0).as_secs_f64() * 1000.0,
    );

    // Every To reached Verify exactly once, and every plug-in request was recorded once.
    let mut verify_per_to: BTreeMap<String, usize> = BTreeMap::new();
    for e in s.journal.on(Hop::BridgeToVerify) {
        *verify_per_to
            .entry(e.field("To").unwrap_or("").to_string())
            .or_default() += 1;
    }
    let mut plugin_per_to: BTreeMap<String, usize> = BTreeMap::new();
    for e in s.journal.on(Hop::PluginToBridge) {
        assert_eq!(e.status, Some(200), "{e:?}");
        *plugin_per_to
            .entry(e.field("To").unwrap_or("").to_string())
            .or_default() += 1;
    }
    for i in 0..CLIENTS {
        let to = e164(&mobile(i));
        assert_eq!(
            verify_per_to.get(&to),
            Some(&1),
            "{to} reached Verify {:?} times",
            verify_per_to.get(&to)
        );
        assert_eq!(plugin_per_to.get(&to), Some(&1), "{to} sent by the plug-in");
    }
    assert_eq!(verify_per_to.len(), CLIENTS, "no request to an unknown To");
    assert_eq!(plugin_per_to.len(), CLIENTS);

    // Verify's state: one pending verification per number, holding that client's own code.
    let records = s.verify.verifications();
    assert_eq!(records.len(), CLIENTS, "one verification per number");
    for i in 0..CLIENTS {
        let to = e164(&mobile(i));
        let r = s
            .verify
            .latest_for(&to)
            .unwrap_or_else(|| panic!("no verification for {to}"));
        assert_eq!(r.status, "pending", "{to}");
        assert_eq!(r.send_attempts, 1, "{to}");
        assert_eq!(r.code, tokencode(i), "{to} holds another client's code");
        assert_eq!(r.service_sid, SID);
    }

    // 2. A burst to one number: exactly 5 accepted, the rest refused with 60203.
    let burst: Vec<(String, String)> = (0..SAME_NUMBER_SENDS)
        .map(|i| (SAME_NUMBER.to_string(), tokencode(900 + i)))
        .collect();
    let results = run_all(&s, burst).await;
    let accepted = results.iter().filter(|(d, _)| d.delivered()).count();
    let refused: Vec<&Delivery> = results
        .iter()
        .map(|(d, _)| d)
        .filter(|d| !d.delivered())
        .collect();
    assert_eq!(accepted, 5, "sends accepted for one number");
    assert_eq!(refused.len(), SAME_NUMBER_SENDS - 5);
    for d in &refused {
        let body = d.response_body.as_deref().unwrap_or("");
        let json: serde_json::Value = serde_json::from_str(body).expect("JSON error body");
        assert_eq!(json["code"], 60203, "{body}");
        assert_eq!(d.status, Some(429), "{body}");
    }
    let to = e164(SAME_NUMBER);
    let r = s
        .verify
        .latest_for(&to)
        .expect("a verification for the burst");
    assert_eq!(r.send_attempts, 5);
    assert_eq!(r.status, "pending");
    let reached = s
        .journal
        .on(Hop::BridgeToVerify)
        .iter()
        .filter(|e| e.field("To") == Some(to.as_str()))
        .count();
    assert_eq!(
        reached, SAME_NUMBER_SENDS,
        "every burst send reached Verify once"
    );

    match peak_rss_kib() {
        Some(kib) => println!("load: peak RSS (VmHWM) {:.1} MiB", kib as f64 / 1024.0),
        None => println!("load: peak RSS unavailable (/proc/self/status has no VmHWM)"),
    }
}
