//! TEMPORARY stand-in; replaced by the render branch's implementation.

use super::config::PluginConfig;
use super::encode::form_decode;
use super::template::{render_message, render_parameters, Vars};
use super::{Failure, FailureClass, RenderedRequest};

/// Builds the request the plug-in would send.
pub fn build(
    config: &PluginConfig,
    mobile: &str,
    tokencode: &str,
) -> Result<RenderedRequest, Failure> {
    let reject = |m: String| Failure {
        class: FailureClass::ConfigRejected,
        message: m.clone(),
        diagnosis: m,
    };
    let address = super::address::normalise(mobile, config.default_country_code.as_deref(), false)
        .map_err(|e| reject(e.to_string()))?;
    let message = render_message(&config.message_template, tokencode, config.lifetime_minutes)
        .map_err(|e| reject(e.to_string()))?;
    let vars = Vars {
        address,
        message,
        ott: tokencode.into(),
        user: config.user.clone(),
        password: config.password.clone(),
        lifetime: config.lifetime_minutes.to_string(),
    };
    let params = render_parameters(&config.parameters, &vars, config.quirks.splitting)
        .map_err(|e| reject(e.to_string()))?;
    let (url, body, headers) = match config.method {
        super::HttpMethod::GET => (
            format!("{}?{}", config.base_url, params),
            String::new(),
            vec![],
        ),
        _ => (
            config.base_url.clone(),
            params.clone(),
            vec![(
                "Content-Type".to_string(),
                "application/x-www-form-urlencoded; charset=UTF-8".to_string(),
            )],
        ),
    };
    let mut decoded = url
        .split_once('?')
        .map(|(_, q)| form_decode(q))
        .unwrap_or_default();
    if !body.is_empty() {
        decoded.extend(form_decode(&body));
    }
    Ok(RenderedRequest {
        method: config.method.verb().into(),
        url,
        headers,
        body,
        decoded,
        notes: vec![],
    })
}
