//! Velocity-style rendering of the Parameters string, the XML Request Body and the message template.
//! (Skeleton: the issue-2/3 implementation replaces the bodies; signatures are the contract.)

use super::encode::{url_encode, Splitting};

/// Values the plug-in substitutes.
#[derive(Clone, Debug, Default)]
pub struct Vars {
    /// `$msg.address`: the normalised mobile number (digits only).
    pub address: String,
    /// `$msg.message`: the rendered message template.
    pub message: String,
    /// `$OTT`: the tokencode.
    pub ott: String,
    /// `$cfg.user`: Account User Name.
    pub user: String,
    /// `$cfg.password`: Account Password.
    pub password: String,
    /// `$Lifetime`: tokencode lifetime in minutes.
    pub lifetime: String,
}

/// A template that cannot be rendered; `position` is a 0-based character index.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message} at character {} of the template", position + 1)]
pub struct TemplateError {
    pub position: usize,
    pub message: String,
}

/// Renders the Parameters template into the encoded form string the plug-in sends.
pub fn render_parameters(
    template: &str,
    vars: &Vars,
    splitting: Splitting,
) -> Result<String, TemplateError> {
    let _ = splitting;
    let mut out = template.to_string();
    for (name, value) in [
        ("$msg.address", &vars.address),
        ("$OTT", &vars.ott),
        ("$cfg.user", &vars.user),
        ("$cfg.password", &vars.password),
    ] {
        out = out.replace(name, &url_encode(value));
    }
    Ok(out)
}

/// Renders a template as text with no form encoding (XML Request Body, message template).
pub fn render_text(template: &str, vars: &Vars, xml_escape: bool) -> Result<String, TemplateError> {
    let _ = xml_escape;
    Ok(template
        .replace("$msg.address", &vars.address)
        .replace("$OTT", &vars.ott))
}

/// Renders the Tokencode Settings message template (`$OTT`, `$Lifetime`) into `$msg.message`.
pub fn render_message(
    template: &str,
    ott: &str,
    lifetime_minutes: u32,
) -> Result<String, TemplateError> {
    Ok(template
        .replace("$OTT", ott)
        .replace("$Lifetime", &lifetime_minutes.to_string()))
}
