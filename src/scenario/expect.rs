//! Checking a step's expectations. Each unmet expectation becomes one sentence that says what was
//! expected and what was found.

use std::collections::BTreeMap;

use super::format::Expect;
use crate::journal::{Exchange, Hop};
use crate::plugin::Delivery;

impl Expect {
    /// True when no expectation is stated (a step that can never fail).
    pub fn is_empty(&self) -> bool {
        self.delivered.is_none()
            && self.failure.is_none()
            && self.message_contains.is_none()
            && self.diagnosis_contains.is_none()
            && self.bridge_status.is_none()
            && self.bridge_received.is_none()
            && self.verify_received.is_none()
            && self.verify_requests.is_none()
            && self.verify_error_code.is_none()
            && self.verify_http_status.is_none()
            && self.verify_status.is_none()
    }
}

/// Every expectation of `expect` that does not hold.
pub fn check(expect: &Expect, delivery: &Delivery, exchanges: &[Exchange]) -> Vec<String> {
    let mut unmet = Vec::new();
    let failure = delivery.failure.as_ref();
    if let Some(want) = expect.delivered {
        if want != delivery.delivered() {
            unmet.push(match failure {
                Some(f) => format!(
                    "expected delivered = {want}, but the delivery failed ({}): {}",
                    f.class, f.message
                ),
                None => {
                    format!("expected delivered = {want}, but RSA considered the tokencode sent")
                }
            });
        }
    }
    if let Some(want) = expect.failure {
        match failure {
            Some(f) if f.class == want => {}
            Some(f) => unmet.push(format!(
                "expected failure = {want}, found {}: {}",
                f.class, f.message
            )),
            None => unmet.push(format!(
                "expected failure = {want}, but the delivery succeeded"
            )),
        }
    }
    if let Some(text) = &expect.message_contains {
        let found = failure.map_or("", |f| f.message.as_str());
        if !found.contains(text.as_str()) {
            unmet.push(format!(
                "expected the failure message to contain {text:?}, found {found:?}"
            ));
        }
    }
    if let Some(text) = &expect.diagnosis_contains {
        let found = failure.map_or("", |f| f.diagnosis.as_str());
        if !found.contains(text.as_str()) {
            unmet.push(format!(
                "expected the diagnosis to contain {text:?}, found {found:?}"
            ));
        }
    }
    let bridge: Vec<&Exchange> = exchanges
        .iter()
        .filter(|e| e.hop == Hop::PluginToBridge)
        .collect();
    let verify: Vec<&Exchange> = exchanges
        .iter()
        .filter(|e| e.hop == Hop::BridgeToVerify)
        .collect();
    if let Some(want) = expect.bridge_status {
        let found = bridge.last().and_then(|e| e.status);
        if found != Some(want) {
            unmet.push(format!(
                "expected the bridge to answer HTTP {want}, found {}",
                found.map_or("no answer".to_string(), |s| format!("HTTP {s}"))
            ));
        }
    }
    if let Some(want) = &expect.bridge_received {
        fields(&mut unmet, "the bridge", want, bridge.first().copied());
    }
    if let Some(want) = &expect.verify_received {
        fields(&mut unmet, "Verify", want, verify.last().copied());
    }
    if let Some(want) = expect.verify_requests {
        if verify.len() != want {
            unmet.push(format!(
                "expected Verify to receive {want} request(s), found {}",
                verify.len()
            ));
        }
    }
    if let Some(want) = expect.verify_error_code {
        let found = verify
            .last()
            .and_then(|e| e.response_body.as_deref())
            .and_then(|b| serde_json::from_str::<serde_json::Value>(b).ok())
            .and_then(|v| v.get("code").and_then(serde_json::Value::as_u64));
        if found != Some(u64::from(want)) {
            unmet.push(format!(
                "expected Verify to answer with error code {want}, found {}",
                found.map_or("no error code".to_string(), |c| c.to_string())
            ));
        }
    }
    if let Some(want) = expect.verify_http_status {
        let found = verify.last().and_then(|e| e.status);
        if found != Some(want) {
            unmet.push(format!(
                "expected Verify to answer HTTP {want}, found {}",
                found.map_or("no answer".to_string(), |s| format!("HTTP {s}"))
            ));
        }
    }
    if let Some(want) = &expect.verify_status {
        let found = verify
            .last()
            .and_then(|e| e.response_body.as_deref())
            .and_then(|b| serde_json::from_str::<serde_json::Value>(b).ok())
            .and_then(|v| v.get("status").and_then(|s| s.as_str().map(str::to_string)));
        if found.as_deref() != Some(want.as_str()) {
            unmet.push(format!(
                "expected Verify's answer to have status {want:?}, found {}",
                found.map_or("no status".to_string(), |s| format!("{s:?}"))
            ));
        }
    }
    unmet
}

fn fields(
    unmet: &mut Vec<String>,
    who: &str,
    want: &BTreeMap<String, String>,
    exchange: Option<&Exchange>,
) {
    let Some(exchange) = exchange else {
        unmet.push(format!(
            "expected {who} to receive {want:?}, but it received no request"
        ));
        return;
    };
    for (name, value) in want {
        match exchange.field(name) {
            Some(found) if found == value => {}
            Some(found) => unmet.push(format!("expected {who} to receive {name} = {value:?}, found {name} = {found:?}")),
            None => unmet.push(format!(
                "expected {who} to receive {name} = {value:?}, but there was no field {name} (fields: {})",
                exchange.form.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>().join(", ")
            )),
        }
    }
}
