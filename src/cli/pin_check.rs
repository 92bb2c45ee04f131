//! The `pin-check` command: would RSA accept this served chain with this imported certificate?
//! The logic lives in [`crate::pki::pincheck`]; this file parses arguments and maps the answer to
//! an exit code: 0 accept, 1 reject, 2 unusable input.

use std::path::PathBuf;
use std::process::ExitCode;

use super::exit;
use crate::pki::pincheck::{self, PinCheckInput, Verdict};

/// Arguments of `pin-check`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  rsa-verify-sim pin-check --imported root.pem --served chain.pem --host demo-1234.twil.io\n  rsa-verify-sim pin-check --imported leaf.pem --served leaf_reissued.chain.pem --host demo-1234.twil.io --at 2027-03-01"
)]
pub struct Args {
    /// The certificate imported into RSA (PEM or DER, exactly one certificate).
    #[arg(long, value_name = "FILE.pem")]
    pub imported: PathBuf,
    /// The chain the server presents, leaf first (PEM).
    #[arg(long, value_name = "CHAIN.pem")]
    pub served: PathBuf,
    /// The host of the Base URL.
    #[arg(long, value_name = "NAME")]
    pub host: String,
    /// When to check, e.g. 2026-01-15 or 2026-01-15T09:00:00Z (default: now).
    #[arg(long, value_name = "DATE")]
    pub at: Option<String>,
    /// Skip the host name check (RSA's JDK checks it by default).
    #[arg(long)]
    pub no_check_hostname: bool,
    /// Print the answer as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs `pin-check`.
pub fn run(args: Args) -> ExitCode {
    let (code, stdout, stderr) = execute(&args);
    if !stdout.is_empty() {
        print!("{stdout}");
    }
    if !stderr.is_empty() {
        eprint!("{stderr}");
    }
    exit::code(code)
}

/// The exit code, standard output and standard error of `pin-check`.
pub fn execute(args: &Args) -> (u8, String, String) {
    let at = match &args.at {
        Some(s) => match crate::clock::parse_instant(s) {
            Ok(t) => t,
            Err(e) => {
                return (
                    exit::UNUSABLE_INPUT,
                    String::new(),
                    format!("error: --at: {e}\n"),
                )
            }
        },
        None => crate::clock::SimClock::from_wall_clock().now(),
    };
    let input = PinCheckInput {
        imported: args.imported.clone(),
        served: args.served.clone(),
        host: args.host.clone(),
        at,
        check_hostname: !args.no_check_hostname,
    };
    let report = match pincheck::run(&input) {
        Ok(r) => r,
        Err(e) => return (exit::UNUSABLE_INPUT, String::new(), format!("error: {e}\n")),
    };
    let code = match report.verdict {
        Verdict::Accept => exit::SUCCESS,
        Verdict::Reject => exit::FAILED,
    };
    let out = if args.json {
        match serde_json::to_string_pretty(&report) {
            Ok(s) => s + "\n",
            Err(e) => return (exit::UNUSABLE_INPUT, String::new(), format!("error: {e}\n")),
        }
    } else {
        report.render_text()
    };
    (code, out, String::new())
}
