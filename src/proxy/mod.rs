//! A small loopback forward proxy, so scenarios can exercise RSA's "SMS HTTP Proxy Configuration"
//! and so a user's own bridge can be pointed at the fake Verify through `HTTP_PROXY`.
//!
//! - [`head`]: reads and parses one request head (`CONNECT host:443 HTTP/1.1`, or an absolute-form
//!   `GET http://host/path HTTP/1.1`).
//! - [`server`]: answers 407 without the right Basic credentials, maps each requested host to a
//!   loopback upstream (there is no DNS), and either tunnels bytes untouched or terminates TLS with
//!   a certificate it signs itself — the way an SSL-inspecting proxy does, and the way the harness
//!   stands in for `verify.twilio.com`.

pub mod head;
pub mod server;

pub use server::{ForwardProxy, InterceptCa, ProxyOptions, Route};
