//! Simulated time shared by the PKI, the plug-in's trust decisions and the fake Verify.
//!
//! Nothing in a scenario reads the wall clock after start-up: certificate dates are checked and
//! verifications expire against this clock, so "in 400 days" can be tested now by moving it.

use std::sync::{Arc, Mutex};

use rustls_pki_types::UnixTime;
use time::{Duration, OffsetDateTime};

/// A shared, movable clock. Cloning gives another handle on the same time.
#[derive(Clone, Debug)]
pub struct SimClock {
    now: Arc<Mutex<OffsetDateTime>>,
    /// When set, the clock also runs with real time from this moment (standing services).
    running_since: Option<std::time::Instant>,
}

impl SimClock {
    /// A clock that starts at `start` (truncated to whole seconds, as certificates and Twilio dates are).
    pub fn starting_at(start: OffsetDateTime) -> Self {
        let start = start.replace_nanosecond(0).unwrap_or(start);
        Self {
            now: Arc::new(Mutex::new(start)),
            running_since: None,
        }
    }

    /// A clock that starts at the wall-clock time and keeps running with it (`serve`), so dates
    /// move and verifications expire; `advance` still moves it further.
    pub fn running() -> Self {
        Self {
            running_since: Some(std::time::Instant::now()),
            ..Self::from_wall_clock()
        }
    }

    /// A clock that starts at the current wall-clock time.
    pub fn from_wall_clock() -> Self {
        Self::starting_at(OffsetDateTime::now_utc())
    }

    /// The simulated present.
    pub fn now(&self) -> OffsetDateTime {
        let base = *self.lock();
        match self.running_since {
            Some(since) => base.saturating_add(
                time::Duration::try_from(since.elapsed()).unwrap_or(Duration::ZERO),
            ),
            None => base,
        }
    }

    /// Moves the clock forward (or back, with a negative duration).
    pub fn advance(&self, by: Duration) {
        let mut now = self.lock();
        *now = now.saturating_add(by);
    }

    /// Sets the clock to an absolute instant.
    pub fn set(&self, to: OffsetDateTime) {
        let elapsed = self
            .running_since
            .and_then(|since| time::Duration::try_from(since.elapsed()).ok())
            .unwrap_or(Duration::ZERO);
        *self.lock() = to.saturating_sub(elapsed);
    }

    /// The simulated present as rustls/webpki want it.
    pub fn unix_time(&self) -> UnixTime {
        let secs = self.now().unix_timestamp().max(0) as u64;
        UnixTime::since_unix_epoch(std::time::Duration::from_secs(secs))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, OffsetDateTime> {
        // A poisoned lock only means another thread panicked while holding a plain value; the
        // value itself is still a valid instant, so keep going.
        self.now.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Formats an instant the way Twilio does: ISO 8601, UTC, whole seconds, `Z` suffix.
pub fn iso8601(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Parses `2026-01-15T09:00:00Z` (RFC 3339) or a bare date `2026-01-15` (midnight UTC).
pub fn parse_instant(s: &str) -> Result<OffsetDateTime, String> {
    let s = s.trim();
    if let Ok(t) = OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339) {
        return Ok(t);
    }
    let date_format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, &date_format)
        .map(|d| d.midnight().assume_utc())
        .map_err(|_| {
            format!("expected a date like 2026-01-15 or 2026-01-15T09:00:00Z, found {s:?}")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_one_clone_moves_every_handle() {
        let a = SimClock::starting_at(time::macros::datetime!(2026-01-15 09:00 UTC));
        let b = a.clone();
        a.advance(Duration::minutes(11));
        assert_eq!(iso8601(b.now()), "2026-01-15T09:11:00Z");
    }

    #[test]
    fn a_running_clock_moves_with_real_time_and_can_still_be_advanced() {
        let c = SimClock::running();
        let first = c.now();
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(c.now() > first, "a running clock must move on its own");
        let before = c.now();
        c.advance(Duration::minutes(11));
        assert!(c.now() - before >= Duration::minutes(11));
    }

    #[test]
    fn parses_dates_and_instants_and_names_the_expected_shape_on_error() {
        assert_eq!(
            iso8601(parse_instant("2026-03-01").unwrap()),
            "2026-03-01T00:00:00Z"
        );
        assert_eq!(
            iso8601(parse_instant("2026-03-01T10:20:30Z").unwrap()),
            "2026-03-01T10:20:30Z"
        );
        let err = parse_instant("next tuesday").unwrap_err();
        assert!(err.contains("expected a date like 2026-01-15"), "{err}");
    }
}
