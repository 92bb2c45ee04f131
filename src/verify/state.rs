//! The verification state machine (reference A7), keyed by `(service, To)`.
//!
//! * Create reuses a live `pending` verification (same VE SID and code, one more send attempt);
//!   the send after `max_send_attempts` is rejected; otherwise a new verification starts.
//! * Check: a wrong code answers `pending` and counts; once `max_check_attempts` wrong codes are
//!   counted the next check is rejected and the status becomes `max_attempts_reached`; the right
//!   code approves. Approved, expired, canceled and max-attempts verifications cannot be checked
//!   (20404); approved and expired ones cannot be fetched either (20404).
//! * A pending verification expires `code_ttl` after it was created, on the simulated clock.
//!
//! Every verification is kept (with its final status) for read-back.

use rand::Rng;
use time::OffsetDateTime;

use super::errors::TwilioError;
use super::sid::new_sid;

/// Lifecycle status of a verification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Waiting for the right code.
    Pending,
    /// The right code was checked, or `Status=approved` was posted.
    Approved,
    /// `Status=canceled` was posted.
    Canceled,
    /// Too many wrong codes.
    MaxAttemptsReached,
    /// `code_ttl` passed while pending.
    Expired,
}

impl Status {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Approved => "approved",
            Status::Canceled => "canceled",
            Status::MaxAttemptsReached => "max_attempts_reached",
            Status::Expired => "expired",
        }
    }

    /// Whether a fetch still finds the verification (Twilio soft-deletes approved and expired ones).
    pub fn fetchable(self) -> bool {
        matches!(
            self,
            Status::Pending | Status::Canceled | Status::MaxAttemptsReached
        )
    }
}

/// A carrier as `lookup` shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineType {
    /// A mobile number.
    Mobile,
    /// A landline.
    Landline,
}

/// One send of the code.
#[derive(Clone, Debug)]
pub struct SendAttempt {
    /// When it was sent.
    pub time: OffsetDateTime,
    /// Channel, lower case (`sms`).
    pub channel: String,
    /// `VL…`.
    pub attempt_sid: String,
}

/// One verification as the fake holds it.
#[derive(Clone, Debug)]
pub struct Verification {
    /// `VE…`.
    pub sid: String,
    /// `VA…`.
    pub service_sid: String,
    /// Normalised `To` (E.164 with `+`, or an e-mail address).
    pub to: String,
    /// Channel of the latest send, lower case.
    pub channel: String,
    /// The code to be checked.
    pub code: String,
    /// Lifecycle status.
    pub status: Status,
    /// `date_created`.
    pub created: OffsetDateTime,
    /// `date_updated`.
    pub updated: OffsetDateTime,
    /// Every accepted send, oldest first.
    pub send_attempts: Vec<SendAttempt>,
    /// Wrong codes checked so far.
    pub check_attempts: usize,
    /// Carrier line type, when the service does lookups (phone channels only).
    pub lookup: Option<LineType>,
    /// PSD2 `Amount`.
    pub amount: Option<String>,
    /// PSD2 `Payee`.
    pub payee: Option<String>,
}

/// A validated create request.
#[derive(Clone, Debug)]
pub struct NewSend {
    /// `VA…`.
    pub service_sid: String,
    /// Normalised `To`.
    pub to: String,
    /// Lower-case channel.
    pub channel: String,
    /// `CustomCode`, when the service allows it.
    pub custom_code: Option<String>,
    /// Length of a generated code.
    pub code_length: usize,
    /// Line type for `lookup`, if the service does lookups.
    pub lookup: Option<LineType>,
    /// `Amount`.
    pub amount: Option<String>,
    /// `Payee`.
    pub payee: Option<String>,
}

/// Limits applied by the state machine.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// How long a pending verification lives.
    pub code_ttl: time::Duration,
    /// Sends allowed before rejection.
    pub max_send_attempts: usize,
    /// Wrong checks allowed before rejection.
    pub max_check_attempts: usize,
    /// Code for the send limit.
    pub send_limit_code: u32,
    /// Code for the check limit.
    pub check_limit_code: u32,
}

/// What a check names.
#[derive(Clone, Debug)]
pub enum CheckTarget {
    /// `VerificationSid`.
    Sid(String),
    /// `To` (normalised).
    To(String),
}

/// A validated check request.
#[derive(Clone, Debug)]
pub struct Check {
    /// Which verification.
    pub target: CheckTarget,
    /// The code offered.
    pub code: String,
    /// Whether a verification to this `To` hits the attempt limit at once (magic numbers).
    pub forced_limit: fn(&str) -> bool,
}

/// Every verification, ended ones included.
#[derive(Debug, Default)]
pub struct Store {
    verifications: Vec<Verification>,
}

/// A random numeric code of `len` digits.
pub fn generate_code(len: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
        .collect()
}

impl Store {
    /// Every verification, oldest first.
    pub fn all(&self) -> &[Verification] {
        &self.verifications
    }

    /// Marks pending verifications older than `ttl` as expired.
    pub fn expire(&mut self, now: OffsetDateTime, ttl: time::Duration) {
        for v in &mut self.verifications {
            if v.status == Status::Pending && now >= v.created + ttl {
                v.status = Status::Expired;
                v.updated = v.created + ttl;
            }
        }
    }

    fn live_for_to(&mut self, service_sid: &str, to: &str) -> Option<&mut Verification> {
        self.verifications
            .iter_mut()
            .rev()
            .find(|v| v.status == Status::Pending && v.service_sid == service_sid && v.to == to)
    }

    fn by_sid(&mut self, service_sid: &str, sid: &str) -> Option<&mut Verification> {
        self.verifications
            .iter_mut()
            .find(|v| v.sid == sid && v.service_sid == service_sid)
    }

    /// Starts or resends a verification.
    pub fn create(
        &mut self,
        send: NewSend,
        now: OffsetDateTime,
        limits: &Limits,
    ) -> Result<Verification, TwilioError> {
        self.expire(now, limits.code_ttl);
        let attempt = SendAttempt {
            time: now,
            channel: send.channel.clone(),
            attempt_sid: new_sid("VL"),
        };
        if let Some(v) = self.live_for_to(&send.service_sid, &send.to) {
            if v.send_attempts.len() >= limits.max_send_attempts {
                return Err(TwilioError::max_send_attempts(limits.send_limit_code));
            }
            v.send_attempts.push(attempt);
            v.channel = send.channel;
            v.updated = now;
            if let Some(code) = send.custom_code {
                v.code = code;
            }
            if send.amount.is_some() {
                v.amount = send.amount;
            }
            if send.payee.is_some() {
                v.payee = send.payee;
            }
            return Ok(v.clone());
        }
        let v = Verification {
            sid: new_sid("VE"),
            service_sid: send.service_sid,
            to: send.to,
            channel: send.channel,
            code: send
                .custom_code
                .unwrap_or_else(|| generate_code(send.code_length)),
            status: Status::Pending,
            created: now,
            updated: now,
            send_attempts: vec![attempt],
            check_attempts: 0,
            lookup: send.lookup,
            amount: send.amount,
            payee: send.payee,
        };
        self.verifications.push(v.clone());
        Ok(v)
    }

    /// Checks a code against the target's live verification.
    ///
    /// `not_found` is the 20404 to answer when there is none.
    pub fn check(
        &mut self,
        service_sid: &str,
        check: &Check,
        now: OffsetDateTime,
        limits: &Limits,
        not_found: TwilioError,
    ) -> Result<Verification, TwilioError> {
        self.expire(now, limits.code_ttl);
        let code = check.code.as_str();
        let found = match &check.target {
            CheckTarget::Sid(sid) => self
                .by_sid(service_sid, sid)
                .filter(|v| v.status == Status::Pending),
            CheckTarget::To(to) => self.live_for_to(service_sid, to),
        };
        let Some(v) = found else {
            return Err(not_found);
        };
        v.updated = now;
        if (check.forced_limit)(&v.to) || v.check_attempts >= limits.max_check_attempts {
            v.status = Status::MaxAttemptsReached;
            return Err(TwilioError::max_check_attempts(limits.check_limit_code));
        }
        if code == v.code {
            v.status = Status::Approved;
        } else {
            v.check_attempts += 1;
        }
        Ok(v.clone())
    }

    /// A fetchable verification by SID.
    pub fn fetch(
        &mut self,
        service_sid: &str,
        sid: &str,
        now: OffsetDateTime,
        limits: &Limits,
    ) -> Option<Verification> {
        self.expire(now, limits.code_ttl);
        self.by_sid(service_sid, sid)
            .filter(|v| v.status.fetchable())
            .map(|v| v.clone())
    }

    /// Moves a pending verification to `canceled` or `approved`; `None` when there is none.
    pub fn update(
        &mut self,
        service_sid: &str,
        sid: &str,
        to: Status,
        now: OffsetDateTime,
        limits: &Limits,
    ) -> Option<Verification> {
        self.expire(now, limits.code_ttl);
        let v = self
            .by_sid(service_sid, sid)
            .filter(|v| v.status == Status::Pending)?;
        v.status = to;
        v.updated = now;
        Some(v.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            code_ttl: time::Duration::minutes(10),
            max_send_attempts: 5,
            max_check_attempts: 5,
            send_limit_code: 60203,
            check_limit_code: 60202,
        }
    }

    fn send(to: &str) -> NewSend {
        NewSend {
            service_sid: "VA1".into(),
            to: to.into(),
            channel: "sms".into(),
            custom_code: None,
            code_length: 6,
            lookup: None,
            amount: None,
            payee: None,
        }
    }

    const T0: OffsetDateTime = time::macros::datetime!(2026-01-15 09:00 UTC);

    #[test]
    fn a_resend_reuses_the_sid_and_code_and_counts_the_send() {
        let mut s = Store::default();
        let a = s.create(send("+61412345678"), T0, &limits()).unwrap();
        let b = s.create(send("+61412345678"), T0, &limits()).unwrap();
        assert_eq!((a.sid.clone(), a.code.clone()), (b.sid, b.code));
        assert_eq!(b.send_attempts.len(), 2);
        assert_eq!(a.code.len(), 6);
        assert!(a.code.bytes().all(|c| c.is_ascii_digit()));
    }

    #[test]
    fn expiry_starts_a_new_verification() {
        let mut s = Store::default();
        let a = s.create(send("+61412345678"), T0, &limits()).unwrap();
        let later = T0 + time::Duration::minutes(10);
        let b = s.create(send("+61412345678"), later, &limits()).unwrap();
        assert_ne!(a.sid, b.sid);
        assert_eq!(s.all()[0].status, Status::Expired);
    }
}
