//! The `lint` command. (Skeleton: replaced by its implementation.)

use std::process::ExitCode;

/// Arguments of `lint`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `lint`.
pub fn run(_args: Args) -> ExitCode {
    eprintln!("not implemented yet");
    super::exit::code(super::exit::UNUSABLE_INPUT)
}
