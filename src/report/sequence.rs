//! A step's exchanges in the order the story happened, as arrows between the three parties.
//!
//! The journal records an RSA -> bridge exchange when its response arrives, after the bridge's
//! calls to Verify; the story is: RSA's request to the bridge, the bridge's requests to Verify and
//! their responses, then the bridge's response to RSA. As in the text transcript, the Verify calls
//! are placed inside the last RSA -> bridge exchange (earlier ones are retries that failed first).

use crate::journal::{Exchange, Hop};

/// One of the three parties drawn as a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Party {
    Plugin,
    Bridge,
    Verify,
}

impl Party {
    /// Column title.
    pub(crate) fn title(self) -> &'static str {
        match self {
            Party::Plugin => "RSA AM plug-in",
            Party::Bridge => "bridge (Twilio Function)",
            Party::Verify => "Twilio Verify",
        }
    }
}

/// What an arrow shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A request that was sent.
    Request,
    /// The response to it.
    Response,
    /// A request that got no response (transport error); drawn red and crossed.
    Broken,
}

/// One arrow of the diagram.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Arrow<'a> {
    pub from: Party,
    pub to: Party,
    pub kind: Kind,
    pub exchange: &'a Exchange,
}

/// The arrows of one step, in story order.
pub(crate) fn arrows(exchanges: &[Exchange]) -> Vec<Arrow<'_>> {
    let plugin: Vec<&Exchange> = exchanges
        .iter()
        .filter(|e| e.hop == Hop::PluginToBridge)
        .collect();
    let verify: Vec<&Exchange> = exchanges
        .iter()
        .filter(|e| e.hop == Hop::BridgeToVerify)
        .collect();
    let mut out = Vec::new();
    for (i, e) in plugin.iter().enumerate() {
        let last = i + 1 == plugin.len();
        // The bridge's Verify calls happen inside the last RSA exchange.
        let calls_verify = last && !verify.is_empty();
        if e.error.is_some() && !calls_verify {
            out.push(arrow(Party::Plugin, Party::Bridge, Kind::Broken, e));
            continue;
        }
        out.push(arrow(Party::Plugin, Party::Bridge, Kind::Request, e));
        if calls_verify {
            for v in &verify {
                exchange(&mut out, Party::Bridge, Party::Verify, v);
            }
        }
        if e.error.is_some() {
            out.push(arrow(Party::Bridge, Party::Plugin, Kind::Broken, e));
        } else {
            out.push(arrow(Party::Bridge, Party::Plugin, Kind::Response, e));
        }
    }
    if plugin.is_empty() {
        // Not expected (Verify is only called by the bridge), but never hide a recorded exchange.
        for v in &verify {
            exchange(&mut out, Party::Bridge, Party::Verify, v);
        }
    }
    out
}

fn exchange<'a>(out: &mut Vec<Arrow<'a>>, from: Party, to: Party, e: &'a Exchange) {
    if e.error.is_some() {
        out.push(arrow(from, to, Kind::Broken, e));
    } else {
        out.push(arrow(from, to, Kind::Request, e));
        out.push(arrow(to, from, Kind::Response, e));
    }
}

fn arrow(from: Party, to: Party, kind: Kind, exchange: &Exchange) -> Arrow<'_> {
    Arrow {
        from,
        to,
        kind,
        exchange,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Kind::{Broken, Request, Response};
    use Party::{Bridge, Plugin, Verify};

    fn exchange(hop: Hop, error: Option<&str>) -> Exchange {
        Exchange {
            hop,
            method: "POST".to_string(),
            url: "https://example.test/x".to_string(),
            request_headers: Vec::new(),
            request_body: String::new(),
            form: Vec::new(),
            status: error.is_none().then_some(200),
            response_headers: Vec::new(),
            response_body: error.is_none().then(String::new),
            error: error.map(str::to_string),
            at: "2026-03-01T09:00:00Z".to_string(),
        }
    }

    fn shape(arrows: &[Arrow<'_>]) -> Vec<(Party, Party, Kind)> {
        arrows.iter().map(|a| (a.from, a.to, a.kind)).collect()
    }

    #[test]
    fn verify_calls_sit_inside_the_rsa_exchange_recorded_after_them() {
        let journal = [
            exchange(Hop::BridgeToVerify, None),
            exchange(Hop::PluginToBridge, None),
        ];
        assert_eq!(
            shape(&arrows(&journal)),
            [
                (Plugin, Bridge, Request),
                (Bridge, Verify, Request),
                (Verify, Bridge, Response),
                (Bridge, Plugin, Response),
            ]
        );
    }

    #[test]
    fn a_failed_attempt_before_a_retry_is_one_broken_arrow() {
        let journal = [
            exchange(Hop::PluginToBridge, Some("Connection reset")),
            exchange(Hop::BridgeToVerify, None),
            exchange(Hop::PluginToBridge, None),
        ];
        assert_eq!(
            shape(&arrows(&journal)),
            [
                (Plugin, Bridge, Broken),
                (Plugin, Bridge, Request),
                (Bridge, Verify, Request),
                (Verify, Bridge, Response),
                (Bridge, Plugin, Response),
            ]
        );
    }

    #[test]
    fn a_read_timeout_after_the_bridge_called_verify_is_a_broken_response() {
        let journal = [
            exchange(Hop::BridgeToVerify, Some("timed out")),
            exchange(Hop::PluginToBridge, Some("Read timed out")),
        ];
        assert_eq!(
            shape(&arrows(&journal)),
            [
                (Plugin, Bridge, Request),
                (Bridge, Verify, Broken),
                (Bridge, Plugin, Broken),
            ]
        );
    }

    #[test]
    fn no_exchange_draws_no_arrow() {
        assert!(arrows(&[]).is_empty());
    }
}
