//! The `pin_check` command. (Skeleton: replaced by its implementation.)

use std::process::ExitCode;

/// Arguments of `pin_check`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `pin_check`.
pub fn run(_args: Args) -> ExitCode {
    eprintln!("not implemented yet");
    super::exit::code(super::exit::UNUSABLE_INPUT)
}
