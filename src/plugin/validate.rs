//! Security Console validation of the SMS configuration, and the warnings `lint` adds.
//! (Skeleton: the issue-3 implementation replaces the body; the signature is the contract.)

use serde::Serialize;

use super::config::PluginConfig;

/// One finding about a configuration.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Finding {
    /// The console field it is about, e.g. `Account Password`.
    pub field: String,
    /// What is wrong, in the console's words where known.
    pub message: String,
    /// What to change.
    pub fix: Option<String>,
}

/// Errors stop the configuration from being saved; warnings do not.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Validation {
    pub errors: Vec<Finding>,
    pub warnings: Vec<Finding>,
}

/// Checks a configuration (and, when given, the user's stored mobile number) like the console does.
pub fn validate(config: &PluginConfig, mobile: Option<&str>) -> Validation {
    let _ = (config, mobile);
    Validation::default()
}
