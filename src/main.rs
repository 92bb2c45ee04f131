//! The `rsa-verify-sim` command: parses arguments and hands each subcommand to the library.
//! Exit codes are documented in one place: [`rsa_verify_sim::cli::exit`].

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use rsa_verify_sim::cli;

#[derive(Parser)]
#[command(
    name = "rsa-verify-sim",
    version,
    about = "Simulates RSA AM's SMS HTTP plug-in -> a Twilio Function bridge -> Twilio Verify, end to end, offline.",
    long_about = None
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run scenario files end to end and report.
    Run(cli::run::Args),
    /// Print the exact HTTP request the plug-in would send, and what a server decodes from it.
    Render(cli::render::Args),
    /// Check an RSA configuration like the Security Console, plus known pitfalls.
    Lint(cli::lint::Args),
    /// The plug-in's verdict on one response body (Response Format + Success Response Code).
    Match(cli::matcher::Args),
    /// Write a certificate chain (root, intermediate, leaf) as PEM files.
    Certs(cli::certs::Args),
    /// Would RSA accept this served chain with this imported certificate?
    PinCheck(cli::pin_check::Args),
    /// Run the fake Verify and/or the bundled bridge until Ctrl-C.
    Serve(cli::serve::Args),
    /// One delivery attempt exactly as the plug-in makes it, against any URL.
    Send(cli::send::Args),
    /// Measure how long scenarios take (median, p95, whole suite, process start-up).
    Bench(cli::bench::Args),
    /// Print a shell completion script.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
}

fn main() -> ExitCode {
    let args = Cli::parse();
    match args.command {
        Command::Run(a) => cli::run::run(a),
        Command::Render(a) => cli::render::run(a),
        Command::Lint(a) => cli::lint::run(a),
        Command::Match(a) => cli::matcher::run(a),
        Command::Certs(a) => cli::certs::run(a),
        Command::PinCheck(a) => cli::pin_check::run(a),
        Command::Serve(a) => cli::serve::run(a),
        Command::Send(a) => cli::send::run(a),
        Command::Bench(a) => cli::bench::run(a),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "rsa-verify-sim",
                &mut std::io::stdout(),
            );
            ExitCode::SUCCESS
        }
    }
}
