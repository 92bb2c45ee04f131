//! JSON bodies of verifications and verification checks, field for field as Twilio sends them.

use serde::Serialize;

use super::state::{LineType, Verification};
use crate::clock::iso8601;

/// Where `url` points: the real API host, as Twilio writes it.
pub const PUBLIC_BASE: &str = "https://verify.twilio.com/v2";

#[derive(Serialize)]
struct Attempt<'a> {
    time: String,
    channel: String,
    attempt_sid: &'a str,
}

#[derive(Serialize)]
struct Carrier {
    mobile_country_code: Option<&'static str>,
    #[serde(rename = "type")]
    line_type: &'static str,
    error_code: Option<u32>,
    mobile_network_code: Option<&'static str>,
    name: &'static str,
}

#[derive(Serialize)]
struct Lookup {
    #[serde(skip_serializing_if = "Option::is_none")]
    carrier: Option<Carrier>,
}

#[derive(Serialize)]
struct VerificationBody<'a> {
    sid: &'a str,
    service_sid: &'a str,
    account_sid: &'a str,
    to: &'a str,
    channel: &'a str,
    status: &'a str,
    valid: bool,
    date_created: String,
    date_updated: String,
    lookup: Lookup,
    amount: Option<&'a str>,
    payee: Option<&'a str>,
    send_code_attempts: Vec<Attempt<'a>>,
    sna: Option<()>,
    url: String,
}

#[derive(Serialize)]
struct CheckBody<'a> {
    sid: &'a str,
    service_sid: &'a str,
    account_sid: &'a str,
    to: &'a str,
    channel: &'a str,
    status: &'a str,
    valid: bool,
    amount: Option<&'a str>,
    payee: Option<&'a str>,
    sna_attempts_error_codes: Vec<()>,
    date_created: String,
    date_updated: String,
}

/// `send_code_attempts[].channel`: upper-case `SMS` / `EMAIL`, others as given.
pub fn attempt_channel(channel: &str) -> String {
    match channel {
        "sms" | "email" => channel.to_ascii_uppercase(),
        other => other.to_string(),
    }
}

fn lookup(line: Option<LineType>) -> Lookup {
    let carrier = line.map(|l| match l {
        LineType::Mobile => Carrier {
            mobile_country_code: Some("310"),
            line_type: "mobile",
            error_code: None,
            mobile_network_code: Some("456"),
            name: "Sim Mobile",
        },
        LineType::Landline => Carrier {
            mobile_country_code: None,
            line_type: "landline",
            error_code: None,
            mobile_network_code: None,
            name: "Sim Landline Co",
        },
    });
    Lookup { carrier }
}

fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| String::from("{}"))
}

/// The `verify.v2.service.verification` body (create, fetch, update).
pub fn verification(v: &Verification, account_sid: &str) -> String {
    to_json(&VerificationBody {
        sid: &v.sid,
        service_sid: &v.service_sid,
        account_sid,
        to: &v.to,
        channel: &v.channel,
        status: v.status.as_str(),
        valid: v.status == super::state::Status::Approved,
        date_created: iso8601(v.created),
        date_updated: iso8601(v.updated),
        lookup: lookup(v.lookup),
        amount: v.amount.as_deref(),
        payee: v.payee.as_deref(),
        send_code_attempts: v
            .send_attempts
            .iter()
            .map(|a| Attempt {
                time: iso8601(a.time),
                channel: attempt_channel(&a.channel),
                attempt_sid: &a.attempt_sid,
            })
            .collect(),
        sna: None,
        url: format!(
            "{PUBLIC_BASE}/Services/{}/Verifications/{}",
            v.service_sid, v.sid
        ),
    })
}

/// The `verify.v2.service.verification_check` body.
pub fn verification_check(v: &Verification, account_sid: &str) -> String {
    to_json(&CheckBody {
        sid: &v.sid,
        service_sid: &v.service_sid,
        account_sid,
        to: &v.to,
        channel: &v.channel,
        status: v.status.as_str(),
        valid: v.status == super::state::Status::Approved,
        amount: v.amount.as_deref(),
        payee: v.payee.as_deref(),
        sna_attempts_error_codes: Vec::new(),
        date_created: iso8601(v.created),
        date_updated: iso8601(v.updated),
    })
}
