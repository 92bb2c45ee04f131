//! Subcommands of the `rsa-verify-sim` binary. Each file holds one command's clap `Args` and its
//! `run`, which calls the library and maps the outcome to an exit code from [`exit`].

pub mod bench;
pub mod certs;
pub mod exit;
pub mod lint;
pub mod matcher;
pub mod pin_check;
pub mod render;
pub mod run;
pub mod send;
pub mod serve;

/// The async runtime every command runs on; a failure to start it is reported as unusable input
/// (the machine, not the user's files, is at fault, but nothing ran).
pub fn runtime() -> Result<tokio::runtime::Runtime, std::process::ExitCode> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("error: cannot start the async runtime: {e}");
            exit::code(exit::UNUSABLE_INPUT)
        })
}
