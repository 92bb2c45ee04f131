//! Exit codes of every command, in one place.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success: every scenario passed / RSA would accept / the body matches |
//! | 1 | a scenario did not meet its expectations / RSA would reject / the body does not give the success code |
//! | 2 | an input could not be used: a file that does not parse, a bad regex, an unreadable certificate, a scenario that could not run (and none failed) |
//! | 130 | `run` was interrupted by Ctrl-C; servers were stopped and the partial report was still written |

use std::process::ExitCode;

/// Everything passed or was accepted.
pub const SUCCESS: u8 = 0;
/// A scenario failed, or the answer to the question asked is "no".
pub const FAILED: u8 = 1;
/// An input (file, regex, certificate, flag) could not be used.
pub const UNUSABLE_INPUT: u8 = 2;

/// The run was interrupted (Ctrl-C); partial results were still reported.
pub const INTERRUPTED: u8 = 130;

/// Converts one of the codes above.
pub fn code(c: u8) -> ExitCode {
    ExitCode::from(c)
}
