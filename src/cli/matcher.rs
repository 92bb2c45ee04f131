//! The `matcher` command. (Skeleton: replaced by its implementation.)

use std::process::ExitCode;

/// Arguments of `matcher`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `matcher`.
pub fn run(_args: Args) -> ExitCode {
    eprintln!("not implemented yet");
    super::exit::code(super::exit::UNUSABLE_INPUT)
}
