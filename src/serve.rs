//! The fakes as standing services (`rsa-verify-sim serve`): the fake Verify, the bundled bridge
//! behind TLS, or both, on chosen or ephemeral ports, with the values an RSA administrator (or a
//! developer's own bridge) needs to talk to them.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use crate::bridge::{BridgeConfig, BundledBridge};
use crate::clock::SimClock;
use crate::fault::FaultPlan;
use crate::journal::Journal;
use crate::pki::{Pki, PkiSpec};
use crate::plugin::config::{GUIDE_PARAMETERS, GUIDE_RESPONSE_FORMAT};
use crate::verify::{FakeVerify, ServiceConfig, VerifyConfig};

/// Which parties to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum What {
    Verify,
    Bridge,
    Both,
}

/// How to serve.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub what: What,
    /// Address to listen on (127.0.0.1 unless the user asks otherwise).
    pub listen: IpAddr,
    /// 0 for an ephemeral port.
    pub verify_port: u16,
    pub bridge_port: u16,
    /// Host name on the bridge's certificate (the Base URL's host).
    pub host: String,
    /// Path the bridge answers on.
    pub path: String,
    /// The bridge's shared secret; generated when absent.
    pub api_secret: Option<String>,
    /// The Verify service SID; generated when absent.
    pub verify_sid: Option<String>,
    /// Whether the fake's service accepts CustomCode.
    pub custom_code: bool,
    /// `bridge` alone: the Verify the bridge calls, with its credentials.
    pub verify_url: Option<String>,
    pub account_sid: Option<String>,
    pub auth_token: Option<String>,
    /// Folder for the CA certificate; a temporary folder (removed on exit) when absent.
    pub out_dir: Option<PathBuf>,
}

/// What is running, and how to reach it.
pub struct Served {
    pub verify: Option<FakeVerify>,
    pub bridge: Option<BundledBridge>,
    /// The root certificate to import on RSA's SMS Configuration page.
    pub ca_path: Option<PathBuf>,
    pub base_url: Option<String>,
    pub verify_url: String,
    pub account_sid: String,
    pub auth_token: String,
    pub verify_sid: String,
    pub api_secret: String,
    /// Whether the secrets above were generated here (and so may be printed).
    pub generated_secrets: bool,
    _temp: Option<tempfile::TempDir>,
}

fn random_hex(n: usize) -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    (0..n)
        .map(|_| format!("{:x}", rng.gen_range(0..16u8)))
        .collect()
}

/// Starts what `options` asks for.
pub async fn start(options: &ServeOptions) -> Result<Served, String> {
    // A standing service runs in real time: dates move and codes expire as they would at Twilio.
    let clock = SimClock::running();
    let journal = Journal::new();
    let generated_secrets = options.api_secret.is_none() && options.auth_token.is_none();
    let verify_sid = options
        .verify_sid
        .clone()
        .unwrap_or_else(|| format!("VA{}", random_hex(32)));
    let api_secret = options.api_secret.clone().unwrap_or_else(|| random_hex(24));
    let account_sid = options
        .account_sid
        .clone()
        .unwrap_or_else(|| format!("AC{}", random_hex(32)));
    let auth_token = options.auth_token.clone().unwrap_or_else(|| random_hex(32));

    let verify = if options.what != What::Bridge {
        let config = VerifyConfig {
            account_sid: account_sid.clone(),
            auth_token: auth_token.clone(),
            api_keys: Vec::new(),
            services: vec![ServiceConfig {
                sid: verify_sid.clone(),
                friendly_name: "RSA Verify Integration".into(),
                custom_code_enabled: options.custom_code,
                ..ServiceConfig::default()
            }],
            ..VerifyConfig::default()
        };
        let bind = SocketAddr::new(options.listen, options.verify_port);
        Some(
            FakeVerify::start_on(bind, config, clock.clone(), journal.clone())
                .await
                .map_err(|e| format!("the fake Verify cannot listen on {bind}: {e}"))?,
        )
    } else {
        None
    };
    let verify_url = match (&verify, &options.verify_url) {
        (Some(v), _) => v.base_url(),
        (None, Some(url)) => url.clone(),
        (None, None) => {
            return Err(
                "serve bridge needs --verify-url (and --account-sid, --auth-token) to call".into(),
            )
        }
    };

    let (temp, out_dir) = match &options.out_dir {
        Some(dir) => (None, dir.clone()),
        None => {
            let t =
                tempfile::tempdir().map_err(|e| format!("cannot make a temporary folder: {e}"))?;
            let p = t.path().to_path_buf();
            (Some(t), p)
        }
    };
    let (bridge, ca_path, base_url) = if options.what != What::Verify {
        let pki = Pki::generate(&options.host, &PkiSpec::default(), clock.now())
            .map_err(|e| e.to_string())?;
        let root = pki.get("root").ok_or("the PKI has no root")?;
        std::fs::create_dir_all(&out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
        let ca_path = out_dir.join("rsa-verify-sim-root.pem");
        std::fs::write(&ca_path, &root.pem).map_err(|e| format!("{}: {e}", ca_path.display()))?;
        let tls = pki
            .server_config_for(&["leaf", "intermediate"])
            .map_err(|e| e.to_string())?;
        let config = BridgeConfig {
            path: options.path.clone(),
            api_secret: api_secret.clone(),
            verify_sid: verify_sid.clone(),
            verify_base_url: verify_url.clone(),
            account_sid: account_sid.clone(),
            auth_token: auth_token.clone(),
            time_limit: Duration::from_secs(10),
            protected: false,
        };
        let bind = SocketAddr::new(options.listen, options.bridge_port);
        let bridge = BundledBridge::start_on(
            Some(bind),
            config,
            Some(Arc::new(RwLock::new(tls))),
            FaultPlan::default(),
        )
        .await
        .map_err(|e| format!("the bridge cannot listen on {bind}: {e}"))?;
        let base_url = format!(
            "https://{}:{}{}",
            options.host,
            bridge.addr().port(),
            options.path
        );
        (Some(bridge), Some(ca_path), Some(base_url))
    } else {
        (None, None, None)
    };
    Ok(Served {
        verify,
        bridge,
        ca_path,
        base_url,
        verify_url,
        account_sid,
        auth_token,
        verify_sid,
        api_secret,
        generated_secrets,
        _temp: temp,
    })
}

impl Served {
    /// The text `serve` prints: where everything is and what to paste into RSA.
    pub fn describe(&self) -> String {
        let secret = |s: &str| {
            if self.generated_secrets {
                s.to_string()
            } else {
                "(as given)".to_string()
            }
        };
        let mut out = String::new();
        if self.verify.is_some() {
            out.push_str(&format!("fake Verify     {}\n", self.verify_url));
            out.push_str(&format!("  account SID   {}\n", self.account_sid));
            out.push_str(&format!("  auth token    {}\n", secret(&self.auth_token)));
            out.push_str(&format!("  service SID   {}\n", self.verify_sid));
            out.push_str(&format!(
                "  read-back     {}/_sim/verifications\n",
                self.verify_url
            ));
        }
        if let (Some(base_url), Some(ca)) = (&self.base_url, &self.ca_path) {
            out.push_str(&format!("bundled bridge  {base_url}\n"));
            out.push_str(&format!("  CA certificate {}\n", ca.display()));
            out.push_str("\nRSA SMS Configuration (ready to paste):\n");
            out.push_str(&format!("  Base URL               {base_url}\n"));
            out.push_str(&format!("  Import Certificate     {}\n", ca.display()));
            out.push_str("  HTTP Method            POST\n");
            out.push_str(&format!(
                "  Parameters             {}\n",
                GUIDE_PARAMETERS.replace("To=$msg.address", "To=${plus}$msg.address")
            ));
            out.push_str(&format!("  Account User Name      {}\n", self.verify_sid));
            out.push_str(&format!(
                "  Account Password       {}\n",
                secret(&self.api_secret)
            ));
            out.push_str("  Success Response Code  pending\n");
            out.push_str(&format!(
                "  Response Format        {GUIDE_RESPONSE_FORMAT}\n"
            ));
            let password = if self.generated_secrets {
                format!(" --password '{}'", self.api_secret)
            } else {
                // A secret the user gave is never printed; send reads it from the environment.
                String::new()
            };
            let env_hint = if self.generated_secrets {
                ""
            } else {
                "  (set RSA_VERIFY_SIM_PASSWORD to the api_secret you gave)\n"
            };
            out.push_str(&format!(
                "\nTry it:\n{env_hint}  rsa-verify-sim send --url {base_url} --certificate {} --user {}{password} --mobile '+61 412 345 678'\n",
                ca.display(),
                self.verify_sid,
            ));
        }
        out
    }
}
