//! Which Verify operation a method and path name.

use super::errors::TwilioError;
use crate::fault::Operation;

/// A Verify v2 endpoint with its path parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// `POST /v2/Services/{VA}/Verifications`.
    Create {
        /// `VA…` from the path.
        service: String,
    },
    /// `POST /v2/Services/{VA}/VerificationCheck`.
    Check {
        /// `VA…` from the path.
        service: String,
    },
    /// `GET /v2/Services/{VA}/Verifications/{VE}`.
    Fetch {
        /// `VA…` from the path.
        service: String,
        /// `VE…` from the path.
        sid: String,
    },
    /// `POST /v2/Services/{VA}/Verifications/{VE}`.
    Update {
        /// `VA…` from the path.
        service: String,
        /// `VE…` from the path.
        sid: String,
    },
}

impl Route {
    /// The fault-plan operation of this route.
    pub fn operation(&self) -> Operation {
        match self {
            Route::Create { .. } => Operation::Create,
            Route::Check { .. } => Operation::Check,
            Route::Fetch { .. } => Operation::Fetch,
            Route::Update { .. } => Operation::Update,
        }
    }

    /// The path as Twilio names it in 20404 messages (without `/v2`).
    pub fn resource(&self) -> String {
        match self {
            Route::Create { service } => format!("/Services/{service}/Verifications"),
            Route::Check { service } => format!("/Services/{service}/VerificationCheck"),
            Route::Fetch { service, sid } | Route::Update { service, sid } => {
                format!("/Services/{service}/Verifications/{sid}")
            }
        }
    }

    /// The service SID in the path.
    pub fn service(&self) -> &str {
        match self {
            Route::Create { service }
            | Route::Check { service }
            | Route::Fetch { service, .. }
            | Route::Update { service, .. } => service,
        }
    }
}

/// Resolves `method` and `path`: a route, 404 (20404) for unknown paths, 405 (20004) for a known
/// path with the wrong method.
pub fn resolve(method: &http::Method, path: &str) -> Result<Route, TwilioError> {
    let parts: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let not_found = || TwilioError::not_found(path.strip_prefix("/v2").unwrap_or(path));
    let (service, rest) = match parts.as_slice() {
        ["", "v2", "Services", service, rest @ ..] if !service.is_empty() => {
            (service.to_string(), rest)
        }
        _ => return Err(not_found()),
    };
    let is_post = method == http::Method::POST;
    let is_get = method == http::Method::GET;
    match rest {
        ["Verifications"] if is_post => Ok(Route::Create { service }),
        ["Verifications"] => Err(TwilioError::method_not_allowed("POST")),
        ["VerificationCheck"] if is_post => Ok(Route::Check { service }),
        ["VerificationCheck"] => Err(TwilioError::method_not_allowed("POST")),
        ["Verifications", sid] if is_get && !sid.is_empty() => Ok(Route::Fetch {
            service,
            sid: sid.to_string(),
        }),
        ["Verifications", sid] if is_post && !sid.is_empty() => Ok(Route::Update {
            service,
            sid: sid.to_string(),
        }),
        ["Verifications", sid] if !sid.is_empty() => {
            Err(TwilioError::method_not_allowed("GET, POST"))
        }
        _ => Err(not_found()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::Method;

    #[test]
    fn the_four_verify_endpoints_resolve() {
        assert_eq!(
            resolve(&Method::POST, "/v2/Services/VA1/Verifications"),
            Ok(Route::Create {
                service: "VA1".into()
            })
        );
        assert_eq!(
            resolve(&Method::POST, "/v2/Services/VA1/VerificationCheck"),
            Ok(Route::Check {
                service: "VA1".into()
            })
        );
        assert_eq!(
            resolve(&Method::GET, "/v2/Services/VA1/Verifications/VE2"),
            Ok(Route::Fetch {
                service: "VA1".into(),
                sid: "VE2".into()
            })
        );
        assert_eq!(
            resolve(&Method::POST, "/v2/Services/VA1/Verifications/VE2"),
            Ok(Route::Update {
                service: "VA1".into(),
                sid: "VE2".into()
            })
        );
    }

    #[test]
    fn unknown_paths_are_404_and_wrong_methods_405() {
        assert_eq!(resolve(&Method::GET, "/nope").unwrap_err().code, 20404);
        assert_eq!(
            resolve(&Method::DELETE, "/v2/Services/VA1/Verifications")
                .unwrap_err()
                .status,
            405
        );
    }
}
