//! Scenario files and the runner that executes them end to end.
//!
//! - [`format`]: the file format (serde structs; the source of truth for README's description).
//! - [`load`]: finding files and parsing them with errors that name file, line and column.
//! - [`run`]: builds the PKI, starts the fake Verify and the bridge on fresh loopback ports, makes
//!   the plug-in deliver once per step, and collects the journal.
//! - [`expect`]: checks a step's expectations against the delivery and the journal.
//! - [`transcript`]: the hop-by-hop story of a step, secrets redacted.
//! - [`outcome`]: what a run produced, for the CLI and for reports.

pub mod expect;
pub mod format;
pub mod load;
pub mod outcome;
pub mod parties;
pub mod run;
pub mod suite;
pub mod transcript;

pub use format::ScenarioFile;
pub use load::{discover, load, LoadError, LoadedScenario};
pub use outcome::{ScenarioOutcome, Status, StepOutcome};
pub use run::{run_scenario, RunOptions};

/// Parses `90s`, `11m`, `2h`, `400d` (a whole number and a unit).
pub fn parse_duration(s: &str) -> Result<time::Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let n: i64 = number
        .parse()
        .map_err(|_| format!("expected a duration like 90s, 11m, 2h or 400d, found {s:?}"))?;
    let unit_seconds: i64 = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => {
            return Err(format!(
                "expected a duration like 90s, 11m, 2h or 400d (units s, m, h, d), found {s:?}"
            ))
        }
    };
    // Checked: `Duration::days(n)` panics when n days of seconds overflow.
    n.checked_mul(unit_seconds)
        .map(time::Duration::seconds)
        .ok_or_else(|| format!("{s:?} is too long a duration to represent"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_a_number_and_a_unit() {
        assert_eq!(parse_duration("11m").unwrap(), time::Duration::minutes(11));
        assert_eq!(parse_duration("400d").unwrap(), time::Duration::days(400));
        assert!(parse_duration("11 minutes")
            .unwrap_err()
            .contains("units s, m, h, d"));
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("999999999999999d")
            .unwrap_err()
            .contains("too long"));
    }
}
