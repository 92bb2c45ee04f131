//! The four Verify operations: validate the form, consult magic numbers and service flags, drive
//! the state machine, render the body.

use std::sync::{Mutex, MutexGuard};

use super::config::{ServiceConfig, VerifyConfig};
use super::errors::TwilioError;
use super::magic;
use super::phone::normalize_to;
use super::routes::Route;
use super::state::{Check, CheckTarget, Limits, LineType, NewSend, Status, Store};
use super::{body, VerificationRecord};
use crate::clock::{iso8601, SimClock};

/// Channels the fake accepts in `Channel`.
pub const CHANNELS: &[&str] = &["sms", "call", "email", "whatsapp", "sna"];

/// An HTTP answer before it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// `Content-Type`.
    pub content_type: String,
    /// Body text.
    pub body: String,
}

impl Answer {
    /// A JSON answer.
    pub fn json(status: u16, body: String) -> Self {
        Self {
            status,
            headers: Vec::new(),
            content_type: "application/json".to_string(),
            body,
        }
    }
}

impl From<TwilioError> for Answer {
    fn from(e: TwilioError) -> Self {
        let mut a = Answer::json(e.status, e.body());
        a.headers = e.headers.clone();
        if let Some(secs) = e.retry_after {
            a.headers.push(("Retry-After".into(), secs.to_string()));
        }
        a
    }
}

/// State shared by every connection of one fake.
#[derive(Debug)]
pub struct Verify {
    /// Configuration.
    pub config: VerifyConfig,
    /// Simulated time.
    pub clock: SimClock,
    store: Mutex<Store>,
}

/// Decoded form fields, first value wins.
pub struct Form<'a>(pub &'a [(String, String)]);

impl Form<'_> {
    /// First value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl Verify {
    /// Fresh state for `config`.
    pub fn new(config: VerifyConfig, clock: SimClock) -> Self {
        Self {
            config,
            clock,
            store: Mutex::new(Store::default()),
        }
    }

    fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn limits(&self) -> Limits {
        Limits {
            code_ttl: self.config.code_ttl,
            max_send_attempts: self.config.max_send_attempts,
            max_check_attempts: self.config.max_check_attempts,
            send_limit_code: self.config.limit_codes.max_send_attempts,
            check_limit_code: self.config.limit_codes.max_check_attempts,
        }
    }

    /// Every verification as a read-back record (expired ones marked as such).
    pub fn records(&self) -> Vec<VerificationRecord> {
        let mut store = self.store();
        store.expire(self.clock.now(), self.config.code_ttl);
        store
            .all()
            .iter()
            .map(|v| VerificationRecord {
                sid: v.sid.clone(),
                service_sid: v.service_sid.clone(),
                to: v.to.clone(),
                channel: v.channel.clone(),
                code: v.code.clone(),
                status: v.status.as_str().to_string(),
                send_attempts: v.send_attempts.len(),
                check_attempts: v.check_attempts,
                date_created: iso8601(v.created),
                date_updated: iso8601(v.updated),
            })
            .collect()
    }

    /// Runs an authenticated request for `route`.
    pub fn operate(&self, route: &Route, form: &Form<'_>) -> Answer {
        let Some(service) = self
            .config
            .services
            .iter()
            .find(|s| s.sid == route.service())
        else {
            return TwilioError::not_found(&route.resource()).into();
        };
        let result = match route {
            Route::Create { .. } => self.create(service, form),
            Route::Check { .. } => self.check(service, form, route),
            Route::Fetch { sid, .. } => self.fetch(service, sid, route),
            Route::Update { sid, .. } => self.update(service, sid, form, route),
        };
        result.unwrap_or_else(Answer::from)
    }

    fn create(&self, service: &ServiceConfig, form: &Form<'_>) -> Result<Answer, TwilioError> {
        let raw_to = form
            .get("To")
            .ok_or_else(|| TwilioError::invalid_parameter("To"))?;
        let channel = form
            .get("Channel")
            .ok_or_else(|| TwilioError::invalid_parameter("Channel"))?;
        if !CHANNELS.contains(&channel) {
            return Err(TwilioError::invalid_parameter("Channel"));
        }
        if service.channel_disabled(channel) {
            return Err(TwilioError::channel_disabled());
        }
        let to = normalize_to(raw_to, channel, self.config.lenient_to)?;
        if form.get("CustomFriendlyName").is_some() && !service.custom_friendly_name_enabled {
            return Err(TwilioError::feature_not_supported());
        }
        let custom_code = match form.get("CustomCode") {
            Some(_) if !service.custom_code_enabled => {
                return Err(TwilioError::feature_not_supported())
            }
            Some(c) if !(4..=10).contains(&c.chars().count()) => {
                return Err(TwilioError::invalid_parameter("CustomCode"))
            }
            other => other.map(str::to_string),
        };
        let risk_off = form.get("RiskCheck") == Some("disable");
        if let Some(e) = magic::create_error(&to, channel, risk_off, &self.config) {
            return Err(e);
        }
        let landline = magic::is_landline(&to);
        if landline && channel == "sms" && service.skip_sms_to_landlines {
            return Err(TwilioError::landline());
        }
        let lookup = (service.lookup_enabled && channel != "email").then_some(if landline {
            LineType::Landline
        } else {
            LineType::Mobile
        });
        let send = NewSend {
            service_sid: service.sid.clone(),
            to,
            channel: channel.to_string(),
            custom_code,
            code_length: service.effective_code_length(),
            lookup,
            amount: form.get("Amount").map(str::to_string),
            payee: form.get("Payee").map(str::to_string),
        };
        let v = self
            .store()
            .create(send, self.clock.now(), &self.limits())?;
        Ok(Answer::json(
            201,
            body::verification(&v, &self.config.account_sid),
        ))
    }

    fn check(
        &self,
        service: &ServiceConfig,
        form: &Form<'_>,
        route: &Route,
    ) -> Result<Answer, TwilioError> {
        let target = match (form.get("VerificationSid"), form.get("To")) {
            (Some(sid), _) => CheckTarget::Sid(sid.to_string()),
            (None, Some(raw)) => {
                let channel = if raw.contains('@') { "email" } else { "sms" };
                CheckTarget::To(normalize_to(raw, channel, self.config.lenient_to)?)
            }
            (None, None) => return Err(TwilioError::no_target()),
        };
        let code = form
            .get("Code")
            .ok_or_else(|| TwilioError::invalid_parameter("Code"))?;
        if !(4..=10).contains(&code.chars().count()) {
            return Err(TwilioError::invalid_parameter("Code"));
        }
        let check = Check {
            target,
            code: code.to_string(),
            forced_limit: magic::is_check_limit_number,
        };
        let not_found = TwilioError::not_found(&route.resource());
        let mut store = self.store();
        let v = store.check(
            &service.sid,
            &check,
            self.clock.now(),
            &self.limits(),
            not_found,
        )?;
        Ok(Answer::json(
            200,
            body::verification_check(&v, &self.config.account_sid),
        ))
    }

    fn fetch(
        &self,
        service: &ServiceConfig,
        sid: &str,
        route: &Route,
    ) -> Result<Answer, TwilioError> {
        let v = self
            .store()
            .fetch(&service.sid, sid, self.clock.now(), &self.limits())
            .ok_or_else(|| TwilioError::not_found(&route.resource()))?;
        Ok(Answer::json(
            200,
            body::verification(&v, &self.config.account_sid),
        ))
    }

    fn update(
        &self,
        service: &ServiceConfig,
        sid: &str,
        form: &Form<'_>,
        route: &Route,
    ) -> Result<Answer, TwilioError> {
        let status = match form.get("Status") {
            Some("canceled") => Status::Canceled,
            Some("approved") => Status::Approved,
            _ => return Err(TwilioError::invalid_parameter("Status")),
        };
        let v = self
            .store()
            .update(&service.sid, sid, status, self.clock.now(), &self.limits())
            .ok_or_else(|| TwilioError::not_found(&route.resource()))?;
        Ok(Answer::json(
            200,
            body::verification(&v, &self.config.account_sid),
        ))
    }

    /// The newest verification's code for `to` (normalised leniently), optionally in one service.
    pub fn code_for(&self, to: &str, service_sid: Option<&str>) -> Option<VerificationRecord> {
        let to = to.trim();
        let wanted = if to.contains('@') {
            to.to_string()
        } else {
            super::phone::normalize_phone(to, true)?
        };
        self.records()
            .into_iter()
            .rev()
            .find(|r| r.to == wanted && service_sid.is_none_or_eq(&r.service_sid))
    }
}

/// `Option<&str>` matches a value when it is `None` or equal to it.
trait NoneOrEq {
    fn is_none_or_eq(&self, value: &str) -> bool;
}

impl NoneOrEq for Option<&str> {
    fn is_none_or_eq(&self, value: &str) -> bool {
        self.is_none_or(|s| s == value)
    }
}
