//! Running one scenario end to end: PKI, fake Verify, bridge, then one plug-in delivery per step.

use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use super::expect;
use super::format::{ScenarioFile, Step};
use super::load::LoadedScenario;
use super::outcome::{ScenarioOutcome, Status, StepOutcome};
use super::parties;
use crate::bridge::external::BridgeEnv;
use crate::clock::{parse_instant, SimClock};
use crate::journal::Journal;
use crate::pki::Pki;
use crate::plugin::send::{self, SendContext};
use crate::plugin::trust::PinnedVerifier;
use crate::plugin::{request, Delivery, PluginConfig};
use crate::redact::Redactor;
use crate::verify::{FakeVerify, LimitCodes, ServiceConfig, VerifyConfig};
use crate::wire::client::Target;
use crate::wire::server::SharedTls;

/// How scenarios are run.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// A scenario still running after this long is stopped and reported as an error.
    pub scenario_timeout: Duration,
    /// The bridge for scenarios that do not name a kind (`run --bridge`).
    pub bridge_override: Option<parties::BridgeOverride>,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            scenario_timeout: Duration::from_secs(60),
            bridge_override: None,
        }
    }
}

/// Runs one loaded scenario. Never panics on the scenario's content: problems become an `Error` outcome.
pub async fn run_scenario(loaded: &LoadedScenario, options: &RunOptions) -> ScenarioOutcome {
    let started = Instant::now();
    let s = &loaded.scenario;
    let redactor = redactor_for(s);
    let run = run_steps(&loaded.file, s, options);
    match tokio::time::timeout(options.scenario_timeout, run).await {
        Ok(Ok(steps)) => {
            let passed = steps.iter().all(|st| st.unmet.is_empty());
            ScenarioOutcome {
                file: loaded.file.clone(),
                name: s.name.clone(),
                tags: s.tags.clone(),
                status: if passed {
                    Status::Passed
                } else {
                    Status::Failed
                },
                error: None,
                steps,
                duration: started.elapsed(),
                redactor,
            }
        }
        Ok(Err(setup)) => ScenarioOutcome {
            tags: s.tags.clone(),
            redactor: redactor.clone(),
            ..ScenarioOutcome::error(
                loaded.file.clone(),
                s.name.clone(),
                redactor.redact(&setup),
                started.elapsed(),
            )
        },
        Err(_) => ScenarioOutcome {
            tags: s.tags.clone(),
            redactor,
            ..ScenarioOutcome::error(
                loaded.file.clone(),
                s.name.clone(),
                format!(
                    "the scenario did not finish within {} s and was stopped",
                    options.scenario_timeout.as_secs()
                ),
                started.elapsed(),
            )
        },
    }
}

/// Everything secret in a scenario, so no output shows it.
fn redactor_for(s: &ScenarioFile) -> Redactor {
    let mut r = s.rsa.redactor();
    if let Some(secret) = &s.bridge.api_secret {
        r.add("bridge.api_secret", secret);
    }
    if let Some(token) = &s.bridge.auth_token {
        r.add("bridge.auth_token", token);
    }
    r.add("verify.auth_token", &verify_auth_token(s));
    if let Some(p) = &s.proxy.require_password {
        r.add("proxy.require_password", p);
    }
    r
}

/// A SID that is stable for a scenario (the same file gives the same SIDs run after run).
fn derived_sid(prefix: &str, scenario: &ScenarioFile, label: &str) -> String {
    let digest = Sha256::digest(format!("{}\u{0}{label}", scenario.name));
    format!("{prefix}{}", &hex::encode(digest)[..32])
}

fn verify_auth_token(s: &ScenarioFile) -> String {
    s.verify
        .auth_token
        .clone()
        .unwrap_or_else(|| derived_sid("", s, "auth_token"))
}

async fn run_steps(
    file: &Path,
    s: &ScenarioFile,
    options: &RunOptions,
) -> Result<Vec<StepOutcome>, String> {
    let clock = match &s.clock.start {
        Some(start) => SimClock::starting_at(parse_instant(start)?),
        None => SimClock::from_wall_clock(),
    };
    // The Base URL may be deliberately broken (a config_rejected scenario); the parties still
    // start, with a stand-in host, so the plug-in can report the problem itself.
    let target = Target::parse(&s.rsa.base_url).ok();
    let host = target
        .as_ref()
        .map_or("localhost".to_string(), |t| t.host.clone());
    let https = target.as_ref().is_none_or(|t| t.https);
    let pki = Pki::generate(&host, &s.tls, clock.now()).map_err(|e| e.to_string())?;
    let journal = Journal::new();

    let verify_sid = s
        .bridge
        .verify_sid
        .clone()
        .unwrap_or_else(|| s.rsa.user.clone());
    let account_sid = s
        .verify
        .account_sid
        .clone()
        .unwrap_or_else(|| derived_sid("AC", s, "account"));
    let auth_token = verify_auth_token(s);
    let verify_config = VerifyConfig {
        account_sid: account_sid.clone(),
        auth_token: auth_token.clone(),
        api_keys: Vec::new(),
        services: vec![ServiceConfig {
            sid: s
                .verify
                .service_sid
                .clone()
                .unwrap_or_else(|| verify_sid.clone()),
            friendly_name: "RSA Verify Integration".into(),
            custom_code_enabled: s.verify.custom_code,
            code_length: s.verify.code_length.unwrap_or(6),
            disabled_channels: s.verify.disabled_channels.clone(),
            skip_sms_to_landlines: s.verify.skip_sms_to_landlines,
            lookup_enabled: s.verify.lookup_enabled,
            ..ServiceConfig::default()
        }],
        lenient_to: s.verify.lenient_to,
        faults: s.verify.faults.clone(),
        code_ttl: time::Duration::minutes(i64::from(s.verify.code_ttl_minutes.unwrap_or(10))),
        max_send_attempts: s.verify.max_send_attempts.unwrap_or(5),
        max_check_attempts: s.verify.max_check_attempts.unwrap_or(5),
        limit_codes: if s.verify.swap_limit_codes {
            LimitCodes::swapped()
        } else {
            LimitCodes::default()
        },
        ..VerifyConfig::default()
    };
    let verify_config_view = (
        verify_config.account_sid.clone(),
        verify_config.auth_token.clone(),
        verify_config.services[0].sid.clone(),
    );
    let verify = FakeVerify::start(verify_config, clock.clone(), journal.clone())
        .await
        .map_err(|e| format!("the fake Verify could not start: {e}"))?;

    let default_serves = vec!["leaf".to_string(), "intermediate".to_string()];
    let serves = s.bridge.serves.clone().unwrap_or(default_serves);
    let tls: Option<SharedTls> = if https {
        Some(Arc::new(RwLock::new(parties::server_tls(&pki, &serves)?)))
    } else {
        None
    };
    let bridge_env = BridgeEnv {
        path: s.bridge.path.clone().unwrap_or_else(|| {
            target
                .as_ref()
                .map_or("/".into(), |t| path_only(&t.path_and_query))
        }),
        api_secret: s
            .bridge
            .api_secret
            .clone()
            .unwrap_or_else(|| s.rsa.password.clone()),
        verify_sid,
        account_sid,
        auth_token: s.bridge.auth_token.clone().unwrap_or(auth_token),
        verify_base_url: verify.base_url(),
        time_limit: Duration::from_millis(s.bridge.time_limit_ms.unwrap_or(10_000)),
        faults: s.bridge.faults.clone(),
        tls: tls.clone(),
        work_dir: file.parent().map(Path::to_path_buf).unwrap_or_default(),
        protected: s.bridge.visibility == super::format::Visibility::Protected,
    };
    let bridge = parties::start_bridge(file, s, options, &bridge_env).await?;
    let bridge_addr = bridge.connect_to().ok_or(
        "a `url` bridge cannot be used in a scenario run: nothing is started, and the plug-in would have to reach the deployed Base URL over the network; use kind = \"function\" or \"command\" (docs/bridges.md), or check a deployed bridge with `rsa-verify-sim send`",
    )?;

    let proxy = match &s.rsa.proxy {
        Some(configured) => Some(
            parties::start_proxy(s, &pki, &clock, bridge_addr, target.as_ref(), configured).await?,
        ),
        None => None,
    };

    let steps: Vec<Step> = if s.steps.is_empty() {
        vec![Step {
            expect: s.expect.clone().unwrap_or_default(),
            ..Step::default()
        }]
    } else {
        s.steps.clone()
    };
    let mut imported_name = s.rsa.certificate.clone();
    let mut outcomes = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        if let Some(advance) = &step.advance {
            clock.advance(super::parse_duration(advance)?);
        }
        if let (Some(names), Some(tls)) = (&step.bridge_serves, &tls) {
            let config = parties::server_tls(&pki, names)?;
            *tls.write().unwrap_or_else(|e| e.into_inner()) = config;
        }
        if let Some(name) = &step.rsa_certificate {
            imported_name = name.clone();
        }
        let imported = parties::imported_certificate(file, &pki, &imported_name)?;
        // Always a trust store, even an empty one: "nothing imported" must fail the way the
        // JDK does (an empty trust store), not for a reason of the harness's own.
        let verifier = Some(PinnedVerifier::new(
            imported,
            clock.clone(),
            s.rsa.quirks.check_hostname,
        ));
        let ctx = SendContext {
            connect_to: Some(bridge_addr),
            verifier,
            journal: journal.clone(),
            clock: clock.clone(),
            proxy: proxy.as_ref().map(|(_, route)| route.clone()),
        };
        let mobile = step.mobile.as_deref().unwrap_or(&s.user.mobile);
        let tokencode = step.tokencode.as_deref().unwrap_or(&s.user.tokencode);
        let before = journal.entries().len();
        let delivery = match &step.verify_check {
            Some(check) => {
                let to = check.to.clone().unwrap_or_else(|| {
                    format!(
                        "+{}",
                        mobile
                            .chars()
                            .filter(char::is_ascii_digit)
                            .collect::<String>()
                    )
                });
                parties::verify_check(&verify, &verify_config_view, &to, &check.code).await
            }
            None => deliver(&s.rsa, mobile, tokencode, &ctx).await,
        };
        // A Verify call the bridge gave up on (its time limit) is still answered later; wait a
        // little for it so it is journaled with the step that caused it.
        verify.settle(Duration::from_secs(2)).await;
        let exchanges: Vec<_> = journal.entries().into_iter().skip(before).collect();
        let unmet = expect::check(&step.expect, &delivery, &exchanges);
        outcomes.push(StepOutcome {
            name: step
                .name
                .clone()
                .unwrap_or_else(|| format!("login {}", i + 1)),
            delivery,
            exchanges,
            unmet,
        });
    }
    bridge.shutdown().await;
    verify.shutdown().await;
    Ok(outcomes)
}

/// What the plug-in does for one login: build the request (or refuse the configuration), send it,
/// decide.
pub async fn deliver(
    config: &PluginConfig,
    mobile: &str,
    tokencode: &str,
    ctx: &SendContext,
) -> Delivery {
    match request::build(config, mobile, tokencode) {
        Ok(request) => {
            let warnings = request::warnings(config, mobile);
            send::send(config, request, ctx, warnings).await
        }
        Err(failure) => Delivery {
            request: None,
            status: None,
            response_body: None,
            decision: None,
            failure: Some(failure),
            warnings: request::warnings(config, mobile),
        },
    }
}

fn path_only(path_and_query: &str) -> String {
    path_and_query.split('?').next().unwrap_or("/").to_string()
}
