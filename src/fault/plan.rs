//! When faults strike: a plan per operation and request index, and the counters applying it.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::Fault;

/// Which requests a scheduled fault applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// Start a verification (`POST …/Verifications`), or the bridge's send.
    Create,
    /// Check a code (`POST …/VerificationCheck`).
    Check,
    /// Fetch a verification (`GET …/Verifications/{VE}`).
    Fetch,
    /// Update a verification (`POST …/Verifications/{VE}`).
    Update,
    /// Every request, counted across operations.
    Any,
}

/// One fault and when it strikes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduledFault {
    /// Which operation's requests are counted.
    pub on: Operation,
    /// The 1-based index among those requests ("the 2nd create"); `None` means every one.
    #[serde(default)]
    pub nth: Option<usize>,
    /// What happens.
    pub fault: Fault,
}

/// A schedule of faults. The first matching entry wins. Serialised as a plain list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FaultPlan {
    /// The entries, in priority order.
    pub faults: Vec<ScheduledFault>,
}

impl FaultPlan {
    /// A plan without faults.
    pub fn none() -> Self {
        Self::default()
    }

    /// Adds `fault` on the `nth` (1-based) request of `on` (builder style).
    pub fn on_nth(mut self, on: Operation, nth: usize, fault: Fault) -> Self {
        self.faults.push(ScheduledFault {
            on,
            nth: Some(nth),
            fault,
        });
        self
    }

    /// Adds `fault` on every request of `on` (builder style).
    pub fn always(mut self, on: Operation, fault: Fault) -> Self {
        self.faults.push(ScheduledFault {
            on,
            nth: None,
            fault,
        });
        self
    }

    /// True when the plan holds no entries.
    pub fn is_empty(&self) -> bool {
        self.faults.is_empty()
    }
}

/// A plan being applied: counts requests per operation and answers which fault each one draws.
#[derive(Clone, Debug, Default)]
pub struct FaultSchedule {
    plan: FaultPlan,
    counts: HashMap<Operation, usize>,
}

impl FaultSchedule {
    /// Starts applying `plan` with every counter at zero.
    pub fn new(plan: FaultPlan) -> Self {
        Self {
            plan,
            counts: HashMap::new(),
        }
    }

    /// Counts one request of `op` (and one of [`Operation::Any`]) and returns the fault it draws.
    pub fn next(&mut self, op: Operation) -> Option<Fault> {
        let any = self.bump(Operation::Any);
        let own = if op == Operation::Any {
            any
        } else {
            self.bump(op)
        };
        self.plan
            .faults
            .iter()
            .find(|s| {
                let index = if s.on == Operation::Any {
                    any
                } else if s.on == op {
                    own
                } else {
                    return false;
                };
                s.nth.is_none_or(|n| n == index)
            })
            .map(|s| s.fault.clone())
    }

    /// Whether the next request, whatever its operation, is due a [`Fault::Refuse`] scheduled on
    /// [`Operation::Any`]; if so it is counted now, so an acceptor can refuse the connection
    /// before reading anything.
    pub fn refuse_next_connection(&mut self) -> bool {
        let next = self.counts.get(&Operation::Any).copied().unwrap_or(0) + 1;
        let due = self.plan.faults.iter().any(|s| {
            s.on == Operation::Any && s.fault == Fault::Refuse && s.nth.is_none_or(|n| n == next)
        });
        if due {
            self.bump(Operation::Any);
        }
        due
    }

    /// How many requests of `op` were counted so far.
    pub fn count(&self, op: Operation) -> usize {
        self.counts.get(&op).copied().unwrap_or(0)
    }

    fn bump(&mut self, op: Operation) -> usize {
        let c = self.counts.entry(op).or_insert(0);
        *c += 1;
        *c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_second_create_draws_the_fault_scheduled_for_it_and_no_other_does() {
        let mut s = FaultSchedule::new(FaultPlan::none().on_nth(
            Operation::Create,
            2,
            Fault::Latency { ms: 5 },
        ));
        assert_eq!(s.next(Operation::Check), None);
        assert_eq!(s.next(Operation::Create), None);
        assert_eq!(s.next(Operation::Create), Some(Fault::Latency { ms: 5 }));
        assert_eq!(s.next(Operation::Create), None);
    }

    #[test]
    fn any_counts_every_operation() {
        let mut s = FaultSchedule::new(FaultPlan::none().on_nth(Operation::Any, 3, Fault::Reset));
        assert_eq!(s.next(Operation::Create), None);
        assert_eq!(s.next(Operation::Check), None);
        assert_eq!(s.next(Operation::Fetch), Some(Fault::Reset));
    }

    #[test]
    fn a_refuse_on_any_is_taken_at_accept_and_counted() {
        let mut s = FaultSchedule::new(FaultPlan::none().on_nth(Operation::Any, 1, Fault::Refuse));
        assert!(s.refuse_next_connection());
        assert!(!s.refuse_next_connection());
        assert_eq!(s.next(Operation::Create), None);
        assert_eq!(s.count(Operation::Any), 2);
    }
}
