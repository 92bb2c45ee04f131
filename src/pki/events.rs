//! Certificate lifecycle events: what happens to a server's chain over its life, and which named
//! certificates of a [`super::Pki`] stand for each step.
//!
//! Every event's certificates are generated together with the base chain, so a scenario can switch
//! what the server presents (or what RSA has imported) by name alone.

/// One lifecycle event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    /// The event's name (`--event NAME`, scenario files).
    pub name: &'static str,
    /// The certificates the event adds to the PKI, in issuing order.
    pub certs: &'static [&'static str],
    /// The chain a server presents after the event (leaf first); empty when the event's certificate
    /// is only ever imported, never served (`unrelated_root`).
    pub served: &'static [&'static str],
    /// One line on what the event means.
    pub about: &'static str,
}

/// The base chain's certificates, in issuing order.
pub const BASE_CERTS: &[&str] = &["root", "intermediate", "leaf"];

/// What the server presents before any event: leaf + intermediate (the root is not sent).
pub const BASE_SERVED: &[&str] = &["leaf", "intermediate"];

/// The host name on the `leaf_wrong_host` certificate.
pub const WRONG_HOST: &str = "other.example";

/// Every lifecycle event, in a stable order.
pub const EVENTS: &[Event] = &[
    Event {
        name: "leaf_reissued",
        certs: &["leaf_reissued"],
        served: &["leaf_reissued", "intermediate"],
        about: "the leaf is re-issued (rotation): new key, new serial, same intermediate",
    },
    Event {
        name: "intermediate_reissued",
        certs: &["intermediate_reissued", "leaf_under_reissued_intermediate"],
        served: &["leaf_under_reissued_intermediate", "intermediate_reissued"],
        about: "the CA re-issues its intermediate (new name and key under the same root) and the leaf moves under it",
    },
    Event {
        name: "root_new",
        certs: &["root_new", "intermediate_under_new_root", "leaf_under_new_root"],
        served: &["leaf_under_new_root", "intermediate_under_new_root"],
        about: "the server moves to a chain under a different root CA",
    },
    Event {
        name: "leaf_expired",
        certs: &["leaf_expired"],
        served: &["leaf_expired", "intermediate"],
        about: "the leaf under the usual intermediate expired a day before the clock",
    },
    Event {
        name: "leaf_not_yet_valid",
        certs: &["leaf_not_yet_valid"],
        served: &["leaf_not_yet_valid", "intermediate"],
        about: "the leaf under the usual intermediate becomes valid a day after the clock",
    },
    Event {
        name: "intermediate_expired",
        certs: &["intermediate_expired", "leaf_under_expired_intermediate"],
        served: &["leaf_under_expired_intermediate", "intermediate_expired"],
        about: "an intermediate under the usual root expired a day before the clock; its leaf is still in date",
    },
    Event {
        name: "leaf_wrong_host",
        certs: &["leaf_wrong_host"],
        served: &["leaf_wrong_host", "intermediate"],
        about: "a leaf for other.example under the usual intermediate",
    },
    Event {
        name: "leaf_self_signed",
        certs: &["leaf_self_signed"],
        served: &["leaf_self_signed"],
        about: "a self-signed leaf for the host (no CA at all)",
    },
    Event {
        name: "leaf_self_signed_expired",
        certs: &["leaf_self_signed_expired"],
        served: &["leaf_self_signed_expired"],
        about: "a self-signed leaf for the host that expired a day before the clock",
    },
    Event {
        name: "root_expired",
        certs: &["root_expired", "intermediate_under_expired_root", "leaf_under_expired_root"],
        served: &["leaf_under_expired_root", "intermediate_under_expired_root"],
        about: "a root that expired a day before the clock, with an in-date intermediate and leaf under it",
    },
    Event {
        name: "unrelated_root",
        certs: &["unrelated_root"],
        served: &[],
        about: "a root CA that issued nothing the server presents (a wrong import)",
    },
];

/// An event by name.
pub fn find(name: &str) -> Option<&'static Event> {
    EVENTS.iter().find(|e| e.name == name)
}

/// Every event name, in catalogue order.
pub fn names() -> Vec<&'static str> {
    EVENTS.iter().map(|e| e.name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn served_chains_only_name_certificates_of_the_base_or_the_event() {
        for e in EVENTS {
            for s in e.served {
                assert!(
                    e.certs.contains(s) || BASE_CERTS.contains(s),
                    "{}: {s}",
                    e.name
                );
            }
        }
    }
}
