//! HTTP plumbing shared by the parties: a one-shot HTTP/1.1 client over TCP or TLS with the
//! failure vocabulary a Java client would log, and a loopback server runner.

pub mod client;
pub mod server;
