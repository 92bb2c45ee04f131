//! The `run` command. (Skeleton: replaced by its implementation.)

use std::process::ExitCode;

/// Arguments of `run`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `run`.
pub fn run(_args: Args) -> ExitCode {
    eprintln!("not implemented yet");
    super::exit::code(super::exit::UNUSABLE_INPUT)
}
