//! The identity platform's answers, Entra-shaped (GRAPH-FACTS section 7):
//! JSON with `Cache-Control: no-store`, errors as
//! `{error, error_description: "AADSTSnnnn: …", error_codes, timestamp,
//! trace_id, correlation_id, error_uri}` (plus `claims` for a challenge),
//! `invalid_client` on 401 and the rest on 400.

use std::time::SystemTime;

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};
use http_body_util::Full;
use serde_json::{Value, json};

use super::faults::TokenFault;
use super::responses::{Body, Ids, graph_date};

/// Entra's `timestamp`: `2026-12-01 09:00:00Z`.
fn timestamp() -> String {
    format!("{}Z", graph_date(SystemTime::now()).replace('T', " "))
}

/// A JSON answer with the token service's headers: `x-ms-request-id` (the
/// trace id) and the caller's `client-request-id` echoed.
pub(crate) fn json(status: u16, body: &Value, ids: &Ids) -> Response<Body> {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let mut response = Response::new(Full::new(Bytes::from(bytes)));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, no-cache"),
    );
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    h.insert(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static("max-age=31536000; includeSubDomains"),
    );
    if let Ok(date) = HeaderValue::from_str(&httpdate::fmt_http_date(SystemTime::now())) {
        h.insert(header::DATE, date);
    }
    if let Ok(v) = HeaderValue::from_str(&ids.request_id) {
        h.insert("x-ms-request-id", v);
    }
    if let Ok(v) = HeaderValue::from_str(&ids.client_request_id) {
        h.insert("client-request-id", v);
    }
    h.insert(
        "x-ms-ests-server",
        HeaderValue::from_static("2.1.0 - SIM - graph-sim"),
    );
    response
}

/// One error answer of the token service.
pub(crate) struct AadError {
    pub status: u16,
    pub error: &'static str,
    pub code: u32,
    pub message: String,
    pub suberror: Option<&'static str>,
    pub claims: Option<String>,
}

impl AadError {
    /// A 400 `error` with AADSTS `code`.
    pub(crate) fn bad(error: &'static str, code: u32, message: impl Into<String>) -> Self {
        Self {
            status: 400,
            error,
            code,
            message: message.into(),
            suberror: None,
            claims: None,
        }
    }

    /// `invalid_request`, a required parameter missing (AADSTS900144).
    pub(crate) fn missing(parameter: &str) -> Self {
        Self::bad(
            "invalid_request",
            900_144,
            format!("The request body must contain the following parameter: '{parameter}'."),
        )
    }

    /// `invalid_grant`: the assertion did not hold.
    pub(crate) fn grant(code: u32, message: impl Into<String>) -> Self {
        Self::bad("invalid_grant", code, message)
    }

    /// 401 `invalid_client`: the caller's own credentials.
    pub(crate) fn client(code: u32, message: impl Into<String>) -> Self {
        Self {
            status: 401,
            ..Self::bad("invalid_client", code, message)
        }
    }

    /// The answer, `error_description` ending in Entra's trace lines; the
    /// correlation id is the caller's `client-request-id`, or a fresh GUID.
    pub(crate) fn response(&self, ids: &Ids) -> Response<Body> {
        let timestamp = timestamp();
        let correlation_id = if ids.client_request_id == ids.request_id {
            uuid::Uuid::new_v4().to_string()
        } else {
            ids.client_request_id.clone()
        };
        let description = format!(
            "AADSTS{}: {} Trace ID: {} Correlation ID: {correlation_id} Timestamp: {timestamp}",
            self.code, self.message, ids.request_id
        );
        let mut body = json!({
            "error": self.error,
            "error_description": description,
            "error_codes": [self.code],
            "timestamp": timestamp,
            "trace_id": ids.request_id,
            "correlation_id": correlation_id,
            "error_uri": format!("https://login.microsoftonline.com/error?code={}", self.code),
        });
        if let Some(suberror) = self.suberror {
            body["suberror"] = json!(suberror);
        }
        if let Some(claims) = &self.claims {
            body["claims"] = json!(claims);
        }
        json(self.status, &body, ids)
    }
}

/// The answer a queued [`TokenFault`] stands for (`None` for the faults
/// that change how, not what, the endpoint answers).
pub(crate) fn token_fault(fault: &TokenFault, client_id: &str) -> Option<AadError> {
    const MFA: &str = "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '00000003-0000-0000-c000-000000000000'.";
    Some(match fault {
        TokenFault::InteractionRequired { claims } => AadError {
            suberror: Some("basic_action"),
            claims: Some(claims.clone()),
            ..AadError::bad("interaction_required", 50_076, MFA)
        },
        TokenFault::InvalidGrantWithClaims { claims } => AadError {
            suberror: Some("basic_action"),
            claims: Some(claims.clone()),
            ..AadError::grant(
                50_079,
                "Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access '00000003-0000-0000-c000-000000000000'.",
            )
        },
        TokenFault::ConsentRequired => AadError {
            suberror: Some("consent_required"),
            ..AadError::bad(
                "consent_required",
                65_001,
                format!(
                    "The user or administrator has not consented to use the application with ID '{client_id}' named 'share-resolver API'. Send an interactive authorization request for this user and resource."
                ),
            )
        },
        TokenFault::InvalidClient => invalid_secret(client_id),
        TokenFault::Status(status) => for_status(*status),
        TokenFault::Delay(_) | TokenFault::DropConnection => return None,
    })
}

/// AADSTS7000215, a wrong client secret.
pub(crate) fn invalid_secret(client_id: &str) -> AadError {
    AadError::client(
        7_000_215,
        format!(
            "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{client_id}'."
        ),
    )
}

/// An AAD-shaped answer for an injected status.
pub(crate) fn status_response(status: u16, ids: &Ids) -> Response<Body> {
    for_status(status).response(ids)
}

/// An AAD-shaped body for an injected status.
fn for_status(status: u16) -> AadError {
    let mut error = match status {
        503 | 504 => AadError::bad(
            "temporarily_unavailable",
            90_033,
            "A transient error has occurred. Please try again.",
        ),
        429 => AadError::bad(
            "temporarily_unavailable",
            90_055,
            "The request was throttled. Please try again later.",
        ),
        401 => AadError::client(7_000_215, "Invalid client secret provided."),
        400..=499 => AadError::bad(
            "invalid_request",
            90_000,
            "The request is invalid (injected).",
        ),
        _ => AadError::bad(
            "server_error",
            50_000,
            "There was an error issuing a token or an issue with our sign-in service.",
        ),
    };
    error.status = status;
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_look_like_entras() {
        let t = timestamp();
        assert_eq!(t.len(), 20, "{t}");
        assert!(t.ends_with('Z') && t.as_bytes()[10] == b' ', "{t}");
    }

    #[test]
    fn faults_keep_their_statuses() {
        let of = |f: TokenFault| token_fault(&f, "c").map(|e| (e.status, e.error, e.code));
        let claims = || "{}".to_owned();
        assert_eq!(
            of(TokenFault::InteractionRequired { claims: claims() }),
            Some((400, "interaction_required", 50_076))
        );
        assert_eq!(
            of(TokenFault::InvalidGrantWithClaims { claims: claims() }),
            Some((400, "invalid_grant", 50_079))
        );
        assert_eq!(
            of(TokenFault::ConsentRequired),
            Some((400, "consent_required", 65_001))
        );
        assert_eq!(
            of(TokenFault::InvalidClient),
            Some((401, "invalid_client", 7_000_215))
        );
        assert_eq!(
            of(TokenFault::Status(503)),
            Some((503, "temporarily_unavailable", 90_033))
        );
        assert_eq!(
            of(TokenFault::Status(500)),
            Some((500, "server_error", 50_000))
        );
        assert_eq!(of(TokenFault::DropConnection), None);
    }
}
