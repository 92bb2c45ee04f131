//! The `certs` command: writes a simulated chain (and lifecycle event certificates) as PEM files.

use std::path::PathBuf;
use std::process::ExitCode;

use super::exit;
use crate::pki::events::{self, Event};
use crate::pki::{files, KeyType, Pki, PkiSpec};

/// Arguments of `certs`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  rsa-verify-sim certs ./pki --host demo-1234.twil.io\n  rsa-verify-sim certs ./pki --host demo-1234.twil.io --event leaf_reissued --force"
)]
pub struct Args {
    /// Directory to write into (created if missing).
    pub out_dir: PathBuf,
    /// Host name on the leaf (the host of the Base URL).
    #[arg(long)]
    pub host: String,
    /// Days the leaf stays valid from now.
    #[arg(long, default_value_t = 90)]
    pub days: i64,
    /// Also write the certificates of a lifecycle event (repeatable; `all` for every event).
    #[arg(long = "event", value_name = "EVENT")]
    pub events: Vec<String>,
    /// Seed for names and serial numbers.
    #[arg(long)]
    pub seed: Option<String>,
    /// Key type: ecdsa_p256 (default) or ecdsa_p384.
    #[arg(long, default_value = "ecdsa_p256")]
    pub key: String,
    /// The instant the validity windows are relative to (default: now), e.g. 2026-01-15.
    #[arg(long)]
    pub now: Option<String>,
    /// Replace existing files.
    #[arg(long)]
    pub force: bool,
}

/// Runs `certs`.
pub fn run(args: Args) -> ExitCode {
    match execute(&args) {
        Ok(listing) => {
            print!("{listing}");
            exit::code(exit::SUCCESS)
        }
        Err(message) => {
            eprintln!("error: {message}");
            exit::code(exit::UNUSABLE_INPUT)
        }
    }
}

fn execute(args: &Args) -> Result<String, String> {
    let key = match args.key.as_str() {
        "ecdsa_p256" | "p256" | "ecdsa-p256" => KeyType::EcdsaP256,
        "ecdsa_p384" | "p384" | "ecdsa-p384" => KeyType::EcdsaP384,
        "rsa2048" | "rsa-2048" | "rsa" => KeyType::Rsa2048,
        other => {
            return Err(format!(
                "--key {other:?}: expected ecdsa_p256 or ecdsa_p384"
            ))
        }
    };
    let now = match &args.now {
        Some(s) => crate::clock::parse_instant(s).map_err(|e| format!("--now: {e}"))?,
        None => crate::clock::SimClock::from_wall_clock().now(),
    };
    let mut chosen: Vec<&'static Event> = Vec::new();
    for name in &args.events {
        if name == "all" {
            chosen = events::EVENTS.iter().collect();
            break;
        }
        let e = events::find(name).ok_or_else(|| {
            format!(
                "unknown event {name:?}; known events: {}, all",
                events::names().join(", ")
            )
        })?;
        if !chosen.contains(&e) {
            chosen.push(e);
        }
    }
    let mut spec = PkiSpec {
        leaf_host: Some(args.host.clone()),
        key,
        leaf_days_after: args.days,
        ..PkiSpec::default()
    };
    if let Some(seed) = &args.seed {
        spec.seed = seed.clone();
    }
    let pki = Pki::generate(&args.host, &spec, now).map_err(|e| e.to_string())?;
    let planned = files::plan(&pki, &chosen).map_err(|e| e.to_string())?;
    let written = files::write(&args.out_dir, &planned, args.force).map_err(|e| e.to_string())?;
    let mut out = String::new();
    for (path, f) in written.iter().zip(&planned) {
        out.push_str(&format!("wrote {} ({})\n", path.display(), f.about));
    }
    out.push_str(&format!(
        "import {} (or intermediate.pem) into RSA; serve chain.pem with leaf.key.pem\n",
        args.out_dir.join("root.pem").display()
    ));
    Ok(out)
}
