//! The `send` command: one delivery attempt exactly as the plug-in makes it, against any URL.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::clock::SimClock;
use crate::journal::Journal;
use crate::pki::pem;
use crate::plugin::config::{HttpMethod, PluginConfig, GUIDE_PARAMETERS, GUIDE_RESPONSE_FORMAT};
use crate::plugin::send::SendContext;
use crate::plugin::trust::PinnedVerifier;
use crate::scenario::outcome::StepOutcome;
use crate::scenario::run::deliver;
use crate::scenario::transcript;
use crate::wire::client::ProxyRoute;

use super::exit;

/// Arguments of `send`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  rsa-verify-sim send my-rsa-config.toml --certificate twilio-root.pem\n  rsa-verify-sim send --url https://localhost:8443/rsa-bridge --certificate /tmp/x/rsa-verify-sim-root.pem \\\n      --user VA... --password \"$SECRET\" --mobile '+61 412 345 678'"
)]
pub struct Args {
    /// A scenario file or an RSA-configuration file; flags override its values.
    pub config: Option<PathBuf>,
    /// Base URL.
    #[arg(long)]
    pub url: Option<String>,
    /// HTTP Method.
    #[arg(long, value_parser = ["GET", "POST", "XML"])]
    pub method: Option<String>,
    /// Parameters (default: the integration guide's).
    #[arg(long)]
    pub parameters: Option<String>,
    /// Account User Name.
    #[arg(long)]
    pub user: Option<String>,
    /// Account Password (or set RSA_VERIFY_SIM_PASSWORD to keep it out of shell history).
    #[arg(long, env = "RSA_VERIFY_SIM_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// Success Response Code (default: pending).
    #[arg(long)]
    pub success_code: Option<String>,
    /// Response Format (default: the integration guide's).
    #[arg(long)]
    pub response_format: Option<String>,
    /// The imported certificate: a PEM (or DER) file, or `none`.
    #[arg(long)]
    pub certificate: Option<String>,
    /// The user's stored mobile number.
    #[arg(long, default_value = "+61 412 345 678")]
    pub mobile: String,
    /// The tokencode ($OTT).
    #[arg(long, default_value = "48213765")]
    pub tokencode: String,
    /// Connect to this address instead of resolving the Base URL's host (TLS still checks the host).
    #[arg(long)]
    pub connect_to: Option<SocketAddr>,
}

/// Runs `send`.
pub fn run(args: Args) -> ExitCode {
    let config = match config_from(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::code(exit::UNUSABLE_INPUT);
        }
    };
    let imported = match certificate(&args, &config) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::code(exit::UNUSABLE_INPUT);
        }
    };
    let runtime = match super::runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let clock = SimClock::from_wall_clock();
    let journal = Journal::new();
    let ctx = SendContext {
        connect_to: args.connect_to,
        verifier: Some(PinnedVerifier::new(
            imported,
            clock.clone(),
            config.quirks.check_hostname,
        )),
        journal: journal.clone(),
        clock,
        proxy: config.proxy.as_ref().map(|p| ProxyRoute {
            host: p.host.clone(),
            port: p.port,
            connect_to: None,
            credentials: p
                .user
                .clone()
                .map(|u| (u, p.password.clone().unwrap_or_default())),
        }),
    };
    let delivery = runtime.block_on(deliver(&config, &args.mobile, &args.tokencode, &ctx));
    let redactor = super::render::redactor_for(&config);
    let step = StepOutcome {
        name: "send".into(),
        delivery,
        exchanges: journal.entries(),
        unmet: Vec::new(),
    };
    print!("{}", transcript::step(&step, &redactor));
    if step.delivery.delivered() {
        exit::code(exit::SUCCESS)
    } else {
        exit::code(exit::FAILED)
    }
}

fn config_from(args: &Args) -> Result<PluginConfig, String> {
    let mut config = match &args.config {
        Some(path) => super::render::load(path)?.config,
        None => {
            let url = args
                .url
                .as_deref()
                .ok_or("give a configuration file or --url (the Base URL to send to)")?;
            let mut c = PluginConfig::integration_guide(url, "", "");
            c.parameters = GUIDE_PARAMETERS.to_string();
            c.response_format = GUIDE_RESPONSE_FORMAT.to_string();
            c
        }
    };
    if let Some(url) = &args.url {
        config.base_url = url.clone();
    }
    if let Some(m) = &args.method {
        config.method = match m.as_str() {
            "GET" => HttpMethod::GET,
            "XML" => HttpMethod::XML,
            _ => HttpMethod::POST,
        };
    }
    if let Some(p) = &args.parameters {
        config.parameters = p.clone();
    }
    if let Some(u) = &args.user {
        config.user = u.clone();
    }
    if let Some(p) = &args.password {
        config.password = p.clone();
    }
    if let Some(c) = &args.success_code {
        config.success_code = c.clone();
    }
    if let Some(f) = &args.response_format {
        config.response_format = f.clone();
    }
    if let Some(c) = &args.certificate {
        config.certificate = c.clone();
    }
    Ok(config)
}

fn certificate(
    args: &Args,
    config: &PluginConfig,
) -> Result<Option<rustls::pki_types::CertificateDer<'static>>, String> {
    let choice = args
        .certificate
        .as_deref()
        .unwrap_or(config.certificate.as_str());
    if choice == "none" {
        return Ok(None);
    }
    if choice == "root" && args.certificate.is_none() && config.base_url.starts_with("https") {
        return Err("name the imported certificate with --certificate FILE.pem (or `none`)".into());
    }
    if choice == "root" && !config.base_url.starts_with("https") {
        return Ok(None);
    }
    pem::load_certificate(std::path::Path::new(choice))
        .map(Some)
        .map_err(|e| e.to_string())
}
