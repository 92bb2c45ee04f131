//! The `serve` command: the fake Verify, the bundled bridge, or both, until Ctrl-C.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::serve::{self, ServeOptions, What};

use super::exit;

/// Arguments of `serve`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  rsa-verify-sim serve                      # fake Verify + bundled bridge on ephemeral loopback ports\n  rsa-verify-sim serve --what verify --verify-port 8090\n  rsa-verify-sim serve --bridge-port 8443 --host localhost"
)]
pub struct Args {
    /// What to run.
    #[arg(long, value_enum, default_value_t = What::Both)]
    pub what: What,
    /// Address to listen on. Anything but loopback exposes the fakes to the network and prints a warning.
    #[arg(long, default_value = "127.0.0.1")]
    pub listen: IpAddr,
    /// Allow --listen to name a non-loopback address.
    #[arg(long)]
    pub allow_non_loopback: bool,
    /// Port of the fake Verify (0: ephemeral).
    #[arg(long, default_value_t = 0)]
    pub verify_port: u16,
    /// Port of the bundled bridge (0: ephemeral).
    #[arg(long, default_value_t = 0)]
    pub bridge_port: u16,
    /// Host name on the bridge's certificate; use one that resolves to the listen address.
    #[arg(long, default_value = "localhost")]
    pub host: String,
    /// Path the bridge answers on.
    #[arg(long, default_value = "/rsa-bridge")]
    pub path: String,
    /// The bridge's api_secret (generated when absent; a given one is never printed).
    #[arg(long, env = "RSA_VERIFY_SIM_API_SECRET", hide_env_values = true)]
    pub api_secret: Option<String>,
    /// The Verify service SID (generated when absent).
    #[arg(long)]
    pub verify_sid: Option<String>,
    /// Make the fake's service refuse CustomCode (60204).
    #[arg(long)]
    pub no_custom_code: bool,
    /// `--what bridge`: the Verify the bridge calls.
    #[arg(long)]
    pub verify_url: Option<String>,
    /// `--what bridge`: the account SID the bridge authenticates with.
    #[arg(long)]
    pub account_sid: Option<String>,
    /// `--what bridge`: the auth token the bridge authenticates with (never printed).
    #[arg(long, env = "RSA_VERIFY_SIM_AUTH_TOKEN", hide_env_values = true)]
    pub auth_token: Option<String>,
    /// Folder to write the CA certificate to (default: a temporary folder removed on exit).
    #[arg(long)]
    pub out_dir: Option<PathBuf>,
}

/// Runs `serve` until Ctrl-C.
pub fn run(args: Args) -> ExitCode {
    if !args.listen.is_loopback() {
        if !args.allow_non_loopback {
            eprintln!(
                "error: --listen {} is not a loopback address; add --allow-non-loopback to expose the fakes to the network",
                args.listen
            );
            return exit::code(exit::UNUSABLE_INPUT);
        }
        eprintln!(
            "warning: listening on {}: anyone who can reach this address can use the fakes",
            args.listen
        );
    }
    let options = ServeOptions {
        what: args.what,
        listen: args.listen,
        verify_port: args.verify_port,
        bridge_port: args.bridge_port,
        host: args.host,
        path: if args.path.starts_with('/') {
            args.path
        } else {
            format!("/{}", args.path)
        },
        api_secret: args.api_secret,
        verify_sid: args.verify_sid,
        custom_code: !args.no_custom_code,
        verify_url: args.verify_url,
        account_sid: args.account_sid,
        auth_token: args.auth_token,
        out_dir: args.out_dir,
    };
    let runtime = match super::runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    runtime.block_on(async {
        let served = match serve::start(&options).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: {e}");
                return exit::code(exit::UNUSABLE_INPUT);
            }
        };
        print!("{}", served.describe());
        println!("\nPress Ctrl-C to stop.");
        use std::io::Write;
        let _ = std::io::stdout().flush();
        let _ = tokio::signal::ctrl_c().await;
        eprintln!("stopping");
        drop(served);
        exit::code(exit::SUCCESS)
    })
}
