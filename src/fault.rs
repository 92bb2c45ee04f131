//! The fault vocabulary shared by every hop: what can go wrong on the wire, and when.
//!
//! A [`Fault`] is one misbehaviour of a server: a chosen HTTP status and body, added latency, or a
//! real socket-level failure (RST, a response cut after its headers, a truncated body, garbage
//! bytes, a silent hang). A [`FaultPlan`] schedules faults per operation and per request index
//! ("the 2nd create answers 503"); a [`FaultSchedule`] is the running counter that applies a plan.
//!
//! Parts: [`Fault`] here; [`FaultPlan`], [`ScheduledFault`], [`Operation`] and [`FaultSchedule`] in
//! `plan.rs`; [`perform`] and [`AbortiveClose`] for raw streams in `raw.rs`; [`FaultIo`] and
//! [`FaultTrigger`] for hyper servers in `stream.rs`.
//!
//! Socket-level faults are real, never simulated with a 5xx:
//! * servers built on hyper wrap each accepted stream in a [`FaultIo`] and, when a request draws a
//!   socket-level fault, arm its [`FaultTrigger`]; the wrapper then corrupts what hyper writes;
//! * servers that write raw bytes call [`perform`] with the stream and the normal response.
//!
//! In a scenario file a plan is a list (field names as below, `kind` names the fault):
//!
//! ```toml
//! [[faults]]
//! on = "create"
//! nth = 2
//! fault = { kind = "status", status = 503, body = "upstream down", content_type = "text/plain" }
//!
//! [[faults]]
//! on = "any"
//! fault = { kind = "latency", ms = 1500 }
//! ```

mod plan;
mod raw;
mod stream;

use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use plan::{FaultPlan, FaultSchedule, Operation, ScheduledFault};
pub use raw::{garbage_bytes, perform, raw_status_response, AbortiveClose};
pub use stream::{FaultIo, FaultTrigger};

/// Upper bound of a [`Fault::Hang`] when it names none: 120 seconds.
pub const DEFAULT_HANG_MAX_MS: u64 = 120_000;

/// One misbehaviour of a server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fault {
    /// Answer with any status and any body (non-JSON allowed) instead of the normal answer.
    Status {
        /// HTTP status code.
        status: u16,
        /// Response body, sent as is.
        #[serde(default)]
        body: String,
        /// `Content-Type` of the body.
        #[serde(default = "default_content_type")]
        content_type: String,
    },
    /// Wait `ms` milliseconds, then give the normal answer.
    Latency {
        /// Delay in milliseconds.
        ms: u64,
    },
    /// Refuse the connection: RST it at once without reading (when known at accept time) or
    /// without answering (when the request already arrived on a kept-alive connection).
    Refuse,
    /// Reset the connection (TCP RST) instead of sending the response.
    Reset,
    /// Send the response's status line and headers, then close (FIN) before the body.
    CloseAfterHeaders,
    /// Send the headers and half of the body (its `Content-Length` still announcing all of it), then close.
    TruncatedBody,
    /// Send random bytes that are not HTTP, then close.
    Garbage,
    /// Send nothing until the client gives up, or until `max_ms` (default 120 s) pass, then close.
    Hang {
        /// Upper bound of the hang in milliseconds (default [`DEFAULT_HANG_MAX_MS`]).
        #[serde(default)]
        max_ms: Option<u64>,
    },
}

fn default_content_type() -> String {
    "application/json".to_string()
}

impl Fault {
    /// True for faults performed on the socket rather than as an HTTP answer.
    pub fn is_socket_level(&self) -> bool {
        !matches!(self, Fault::Status { .. } | Fault::Latency { .. })
    }

    /// The hang bound of a [`Fault::Hang`].
    pub(crate) fn hang_duration(max_ms: Option<u64>) -> Duration {
        Duration::from_millis(max_ms.unwrap_or(DEFAULT_HANG_MAX_MS))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_reads_from_a_list_with_kind_tags() {
        let plan: FaultPlan = serde_json::from_str(
            r#"[{"on":"create","nth":2,"fault":{"kind":"status","status":503,"body":"down"}},
                {"on":"any","fault":{"kind":"reset"}}]"#,
        )
        .unwrap();
        assert_eq!(
            plan.faults[0].fault,
            Fault::Status {
                status: 503,
                body: "down".into(),
                content_type: "application/json".into()
            }
        );
        assert_eq!(plan.faults[1].nth, None);
    }
}
