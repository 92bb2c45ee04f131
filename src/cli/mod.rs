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
