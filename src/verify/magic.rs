//! Magic destination numbers: `To` values that make the fake answer with a given error.
//!
//! Scheme: `+1 500 555` followed by the **five-digit error code** (`+150055560205` → 60205). The
//! numbers are 12 digits, valid E.164 lengths, in the 500 non-geographic range Twilio already
//! uses for its Messaging magic numbers. Without `+` they work too when `lenient_to` is on.
//!
//! | To | On | Answer |
//! |---|---|---|
//! | `+150055560200` | create | 400 / 60200 `Invalid parameter: To` (well-formed, but not a valid number) |
//! | `+150055560202` | check | 429 / max check attempts (60202 by default) on the first check |
//! | `+150055560203` | create | 429 / max send attempts (60203 by default) on the first send |
//! | `+150055560205` | create | 403 / 60205 landline, whatever the service flags |
//! | `+150055560212` | create | 429 / 60212 too many concurrent requests |
//! | `+150055560223` | create | 400 / 60223 delivery channel disabled |
//! | `+150055560410` | create (sms) | 403 / 60410 Fraud Guard (`RiskCheck=disable` lets it through) |
//! | `+150055560605` | create (sms) | 403 / 60605 Geo Permissions (`RiskCheck=disable` lets it through) |
//! | `+150055520429` | create | 429 / 20429 with `Retry-After` |
//! | `+15005550100` | create | a landline: 403 / 60205 when the service has `skip_sms_to_landlines` and the channel is sms; `lookup.carrier.type` is `landline` |

use super::config::VerifyConfig;
use super::errors::TwilioError;

/// What a magic number does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MagicEffect {
    /// Creating a verification to it fails with this Twilio error code.
    CreateError(u32),
    /// Checking a code for it fails with this Twilio error code.
    CheckError(u32),
    /// It is a landline (60205 with `skip_sms_to_landlines`, `landline` carrier type in lookups).
    Landline,
}

/// One row of the magic-number table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MagicNumber {
    /// The `To` in E.164.
    pub to: &'static str,
    /// What it triggers.
    pub effect: MagicEffect,
    /// One line for READMEs and `--help`.
    pub description: &'static str,
}

/// The landline magic number.
pub const LANDLINE: &str = "+15005550100";

#[rustfmt::skip]
const TABLE: &[MagicNumber] = &[
    MagicNumber { to: "+150055560200", effect: MagicEffect::CreateError(60200), description: "create: 400 / 60200 Invalid parameter: To" },
    MagicNumber { to: "+150055560202", effect: MagicEffect::CheckError(60202), description: "check: 429 / max check attempts (60202 unless remapped) on the first check" },
    MagicNumber { to: "+150055560203", effect: MagicEffect::CreateError(60203), description: "create: 429 / max send attempts (60203 unless remapped) on the first send" },
    MagicNumber { to: "+150055560205", effect: MagicEffect::CreateError(60205), description: "create: 403 / 60205 SMS is not supported by landline phone number" },
    MagicNumber { to: "+150055560212", effect: MagicEffect::CreateError(60212), description: "create: 429 / 60212 Too many concurrent requests for phone number" },
    MagicNumber { to: "+150055560223", effect: MagicEffect::CreateError(60223), description: "create: 400 / 60223 Delivery channel disabled" },
    MagicNumber { to: "+150055560410", effect: MagicEffect::CreateError(60410), description: "create (sms): 403 / 60410 Fraud Guard block; RiskCheck=disable bypasses" },
    MagicNumber { to: "+150055560605", effect: MagicEffect::CreateError(60605), description: "create (sms): 403 / 60605 Geo Permissions block; RiskCheck=disable bypasses" },
    MagicNumber { to: "+150055520429", effect: MagicEffect::CreateError(20429), description: "create: 429 / 20429 Too many requests, with Retry-After" },
    MagicNumber { to: LANDLINE, effect: MagicEffect::Landline, description: "create: a landline; 403 / 60205 with skip_sms_to_landlines on sms, lookup type landline" },
];

/// The magic-number table (see the module documentation).
pub fn magic_numbers() -> &'static [MagicNumber] {
    TABLE
}

/// The table as Markdown (`| To | Effect |` rows), for READMEs and `--help` output.
pub fn magic_numbers_markdown() -> String {
    let mut out = String::from("| To | Effect |\n|---|---|\n");
    for m in TABLE {
        out.push_str(&format!("| `{}` | {} |\n", m.to, m.description));
    }
    out
}

fn effect_of(to: &str) -> Option<MagicEffect> {
    TABLE.iter().find(|m| m.to == to).map(|m| m.effect)
}

/// Whether `to` (normalised E.164) is the landline magic number.
pub fn is_landline(to: &str) -> bool {
    effect_of(to) == Some(MagicEffect::Landline)
}

/// The error a create to `to` draws, if `to` is a magic number for create.
pub fn create_error(
    to: &str,
    channel: &str,
    risk_check_disabled: bool,
    config: &VerifyConfig,
) -> Option<TwilioError> {
    let MagicEffect::CreateError(code) = effect_of(to)? else {
        return None;
    };
    let bypass = risk_check_disabled && channel == "sms";
    match code {
        60200 => Some(TwilioError::invalid_parameter("To")),
        60203 => Some(TwilioError::max_send_attempts(
            config.limit_codes.max_send_attempts,
        )),
        60205 => Some(TwilioError::landline()),
        60212 => Some(TwilioError::concurrent_requests()),
        60223 => Some(TwilioError::channel_disabled()),
        60410 if !bypass && channel == "sms" => Some(TwilioError::fraud_guard()),
        60605 if !bypass && channel == "sms" => Some(TwilioError::geo_permissions()),
        20429 => Some(TwilioError::too_many_requests(config.retry_after_secs)),
        _ => None,
    }
}

/// Whether checks for `to` hit the check-attempt limit at once.
pub fn is_check_limit_number(to: &str) -> bool {
    matches!(effect_of(to), Some(MagicEffect::CheckError(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_markdown_table_has_a_row_per_number() {
        let md = magic_numbers_markdown();
        assert_eq!(md.lines().count(), magic_numbers().len() + 2);
        assert!(md.contains("| `+150055560205` | create: 403 / 60205"));
    }

    #[test]
    fn every_error_number_ends_with_its_code_and_is_valid_e164() {
        for m in magic_numbers() {
            assert!(
                super::super::phone::normalize_phone(m.to, false).is_some(),
                "{}",
                m.to
            );
            if let MagicEffect::CreateError(code) | MagicEffect::CheckError(code) = m.effect {
                assert!(m.to.ends_with(&code.to_string()), "{}", m.to);
            }
        }
    }
}
