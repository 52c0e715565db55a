//! RFC 9457 problem details: the one place an `ApiError` becomes HTTP.

use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde::Serialize;
use serde_json::Value;

use super::error::ApiError;
use crate::graph::{GraphDiagnostics, GraphRejection};
use crate::resolver::ResolveError;
use crate::token::TokenError;

/// A problem+json body (docs/api.md#problems).
#[derive(Debug, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: &'static str,
    pub status: u16,
    pub code: &'static str,
    pub detail: String,
    pub remediation: &'static str,
    pub graph: Vec<GraphDiagnostics>,
    /// The decoded claims request of a claims challenge.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claims: Option<Value>,
    #[serde(skip)]
    headers: Vec<(header::HeaderName, HeaderValue)>,
}

impl Problem {
    /// Maps an error to its code, status, title and remediation
    /// (docs/api.md). Exhaustive on purpose: a new variant must be given a
    /// code here.
    pub fn from_error(error: &ApiError, graph: Vec<GraphDiagnostics>) -> Self {
        use ApiError as E;
        use GraphRejection as Fatal;
        let mut headers = Vec::new();
        let mut claims = None;
        let bearer_error = |description: &str| {
            HeaderValue::from_str(&format!(
                "Bearer error=\"invalid_token\", error_description=\"{description}\""
            ))
            .unwrap_or_else(|_| HeaderValue::from_static("Bearer error=\"invalid_token\""))
        };
        let (status, code, title, remediation) = match error {
            E::Token(TokenError::Missing) => {
                headers.push((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
                (
                    401,
                    "missing_token",
                    "Missing bearer token",
                    "Send the user's delegated Microsoft Graph access token as 'Authorization: Bearer <token>', acquired with MSAL (for example acquireTokenSilent with the Files.Read.All scope).",
                )
            }
            E::Token(TokenError::Malformed(_)) => {
                headers.push((header::WWW_AUTHENTICATE, bearer_error("malformed token")));
                (
                    401,
                    "malformed_token",
                    "Malformed access token",
                    "Send the Microsoft Graph access token itself (a JWT of three base64url parts), not an ID token, refresh token or authorization code.",
                )
            }
            E::Token(TokenError::Expired { .. })
            | E::Resolve(ResolveError::Rejected(Fatal::TokenExpired)) => {
                headers.push((header::WWW_AUTHENTICATE, bearer_error("the token expired")));
                (
                    401,
                    "token_expired",
                    "Access token expired",
                    "Acquire a fresh access token with MSAL (acquireTokenSilent refreshes it) and retry.",
                )
            }
            E::Token(TokenError::WrongAudience { .. }) => {
                headers.push((
                    header::WWW_AUTHENTICATE,
                    bearer_error("the audience is not Microsoft Graph"),
                ));
                (
                    401,
                    "wrong_audience",
                    "Token not issued for Microsoft Graph",
                    "Request the token for Microsoft Graph (scopes such as 'https://graph.microsoft.com/Files.Read.All'), not for your own API or for SharePoint.",
                )
            }
            E::Resolve(ResolveError::Rejected(Fatal::InvalidToken { .. })) => {
                headers.push((
                    header::WWW_AUTHENTICATE,
                    bearer_error("Microsoft Graph rejected the token"),
                ));
                (
                    401,
                    "invalid_token",
                    "Microsoft Graph rejected the token",
                    "Acquire a new token for Microsoft Graph with MSAL; if Graph still rejects it, sign the user in again interactively.",
                )
            }
            E::Resolve(ResolveError::Rejected(Fatal::ClaimsChallenge {
                www_authenticate,
                claims: c,
            })) => {
                let challenge = www_authenticate
                    .as_deref()
                    .and_then(|h| HeaderValue::from_str(h).ok())
                    .unwrap_or_else(|| {
                        HeaderValue::from_static("Bearer error=\"insufficient_claims\"")
                    });
                headers.push((header::WWW_AUTHENTICATE, challenge));
                claims = c.clone();
                (
                    401,
                    "claims_challenge",
                    "Additional claims required",
                    "Pass the 'claims' value to MSAL in an interactive token request (acquireTokenPopup or acquireTokenRedirect with claims) so the user satisfies Conditional Access, then retry with the new token.",
                )
            }
            E::Resolve(ResolveError::Rejected(Fatal::MfaRequired)) => (
                403,
                "mfa_required",
                "Multi-factor authentication required",
                "Sign the user in again with multi-factor authentication (an interactive MSAL request); the tenant's policy requires MFA for this resource.",
            ),
            E::Token(TokenError::PersonalAccount) => (
                403,
                "personal_account_unsupported",
                "Personal Microsoft accounts are not supported",
                "Sign in with the work or school account that was invited to the tenant, not a personal Microsoft account.",
            ),
            E::Token(TokenError::MissingScope { .. })
            | E::Resolve(ResolveError::Rejected(Fatal::MissingScope)) => (
                403,
                "missing_scope",
                "Token lacks a file-read scope",
                "Add a delegated permission such as Files.Read.All or Sites.Read.All to the app registration, grant consent, and request that scope when acquiring the token.",
            ),
            E::Resolve(ResolveError::Rejected(Fatal::AccessDenied)) => (
                403,
                "access_denied",
                "No access to the shared item",
                "Ask the item's owner to share it with this guest account; the link may be limited to specific people.",
            ),
            E::Share(_) | E::Resolve(ResolveError::Rejected(Fatal::InvalidShare)) => (
                400,
                "invalid_share",
                "Invalid sharing link",
                "Send the full https sharing URL as copied from SharePoint or OneDrive, or its u!-encoded share id.",
            ),
            E::Resolve(ResolveError::Rejected(Fatal::NotFound)) => (
                404,
                "share_not_found",
                "Sharing link not found",
                "The link was removed, expired or never existed: ask the owner for a new sharing link.",
            ),
            E::Resolve(ResolveError::Throttled { retry_after }) => {
                headers.push(retry_after_header(*retry_after));
                (
                    429,
                    "throttled",
                    "Throttled by Microsoft Graph",
                    "Wait for the Retry-After interval before retrying, and lower the request rate.",
                )
            }
            E::Resolve(ResolveError::HydrationExhausted { retry_after }) => {
                headers.push(retry_after_header(*retry_after));
                (
                    503,
                    "hydration_exhausted",
                    "Guest identity not ready",
                    "Retry after the Retry-After interval; if it keeps failing, have the guest open the link once in a browser to finish redeeming the invitation.",
                )
            }
            E::Resolve(ResolveError::GraphUnavailable { retry_after, .. }) => {
                headers.extend(retry_after.map(retry_after_header));
                (
                    502,
                    "graph_unavailable",
                    "Microsoft Graph unavailable",
                    "Retry later: Microsoft Graph answered with server errors or could not be reached.",
                )
            }
            E::Resolve(ResolveError::Rejected(Fatal::Unexpected { .. })) => (
                502,
                "graph_unavailable",
                "Unexpected answer from Microsoft Graph",
                "Retry later; if it persists, report the Graph request ids below to Microsoft support.",
            ),
            E::Resolve(ResolveError::DeadlineExceeded(_)) => (
                504,
                "deadline_exceeded",
                "Deadline exceeded",
                "Retry: Microsoft Graph did not answer within the request deadline.",
            ),
            E::BadRequest(_) => (
                400,
                "bad_request",
                "Bad request",
                "Send a JSON body: for /v1/resolve exactly one of 'shareUrl' (an https sharing URL) or 'shareId' (u!… or s!…); for /v1/warmup nothing, or one of 'shareUrl' or 'host'.",
            ),
            E::SharePointToken(_) => (
                400,
                "bad_request",
                "Bad X-SharePoint-Authorization header",
                "Send 'X-SharePoint-Authorization: Bearer <token>' with a delegated token for the sharing URL's SharePoint host (scope https://{host}/.default) of the same user as Authorization, or leave the header out.",
            ),
            E::PayloadTooLarge { .. } => (
                413,
                "payload_too_large",
                "Payload too large",
                "Keep the request body under 16 KiB: it only needs 'shareUrl' or 'shareId'.",
            ),
            E::RouteNotFound(_) => (
                404,
                "not_found",
                "No such route",
                "Use GET /v1/shares/{shareId}/driveItem, POST /v1/resolve, POST /v1/warmup, GET /healthz or GET /openapi.json.",
            ),
            E::Internal => (
                500,
                "internal_error",
                "Internal error",
                "Retry once; if it persists, report the time and the client-request-id: this is a bug in share-resolver.",
            ),
            E::MethodNotAllowed => (
                405,
                "method_not_allowed",
                "Method not allowed",
                "Use GET /v1/shares/{shareId}/driveItem, POST /v1/resolve, POST /v1/warmup, GET /healthz or GET /openapi.json.",
            ),
        };
        Self {
            type_: format!("/problems/{code}"),
            title,
            status,
            code,
            detail: error.to_string(),
            remediation,
            graph,
            claims,
            headers,
        }
    }
}

impl Problem {
    /// The problem code of `error`, for logs and metrics.
    pub fn code_of(error: &ApiError) -> &'static str {
        Self::from_error(error, Vec::new()).code
    }
}

fn retry_after_header(wait: std::time::Duration) -> (header::HeaderName, HeaderValue) {
    // Retry-After is whole seconds; round up so callers never come back
    // early. The resolver caps it at 300 s; the cap is repeated here so no
    // path can pass Graph's number on unbounded.
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    (header::RETRY_AFTER, HeaderValue::from(secs.clamp(1, 300)))
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_else(|_| b"{}".to_vec());
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        for (name, value) in self.headers {
            headers.insert(name, value);
        }
        response
    }
}

/// An error with no Graph call behind it (an extractor's rejection).
impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        Problem::from_error(&self, Vec::new()).into_response()
    }
}
