//! RFC 9457 problem details: the one place an `ApiError` becomes HTTP.

use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::error::ApiError;

use crate::graph::{GraphDiagnostics, GraphRejection};
use crate::identity::{IdentityError, TokenFor};
use crate::problem_code::ProblemCode;
use crate::resolver::{ResolveError, TargetError};
use crate::retry::retry_after_secs;

/// A problem (RFC 9457), `application/problem+json`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// `/problems/{code}`.
    #[serde(rename = "type")]
    #[schema(example = "/problems/hydration_exhausted")]
    pub type_: String,
    #[schema(value_type = String, example = "Guest identity not ready")]
    pub title: &'static str,
    #[schema(example = 503)]
    pub status: u16,
    pub code: ProblemCode,
    pub detail: String,
    /// What the caller should do about it.
    #[schema(value_type = String)]
    pub remediation: &'static str,
    /// Every Graph call of the request, in order (for a token Graph refused,
    /// only the refusing answer, without naming the call).
    pub graph: Vec<GraphDiagnostics>,
    /// The decoded claims request of a `claims_challenge`: pass it to MSAL.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
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
        use IdentityError as I;
        use ProblemCode as Code;
        let mut headers = Vec::new();
        let mut claims = None;
        let bearer_error = |description: &str| {
            HeaderValue::from_str(&format!(
                "Bearer error=\"invalid_token\", error_description=\"{description}\""
            ))
            .unwrap_or_else(|_| HeaderValue::from_static("Bearer error=\"invalid_token\""))
        };
        let (status, code, title, remediation) = match error {
            E::Identity(I::Missing) => {
                headers.push((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
                (
                    401,
                    Code::MissingToken,
                    "Missing bearer token",
                    "Send the user's delegated Microsoft Graph access token as 'Authorization: Bearer <token>', acquired with MSAL (for example acquireTokenSilent with the Files.Read.All scope).",
                )
            }
            E::Identity(I::Malformed { token_for, .. }) => {
                headers.push((header::WWW_AUTHENTICATE, bearer_error("malformed token")));
                (
                    401,
                    Code::MalformedToken,
                    "Malformed access token",
                    match token_for {
                        TokenFor::Graph => {
                            "Send the Microsoft Graph access token itself (a JWT of three base64url parts), not an ID token, refresh token or authorization code."
                        }
                        TokenFor::ThisApi => {
                            "Send the access token for this API itself (a JWT of three base64url parts), acquired with MSAL for the scope api://{API client id}/access_as_user."
                        }
                    },
                )
            }
            E::Identity(I::Expired { .. })
            | E::Resolve(ResolveError::Rejected(Fatal::TokenExpired)) => {
                headers.push((header::WWW_AUTHENTICATE, bearer_error("the token expired")));
                (
                    401,
                    Code::TokenExpired,
                    "Access token expired",
                    "Acquire a fresh access token with MSAL (acquireTokenSilent refreshes it) and retry.",
                )
            }
            E::Identity(I::WrongAudience(token_for)) => {
                let (description, title, remediation) = match token_for {
                    TokenFor::Graph => (
                        "the audience is not Microsoft Graph",
                        "Token not issued for Microsoft Graph",
                        "Request the token for Microsoft Graph of this deployment's cloud (scopes such as 'https://graph.microsoft.com/Files.Read.All' in the global cloud, 'https://graph.microsoft.us/Files.Read.All' in GCC High), not for your own API or for SharePoint.",
                    ),
                    TokenFor::ThisApi => (
                        "the token was not issued for this API",
                        "Token not issued for this API",
                        "Request the token for this API (scope api://{API client id}/access_as_user), not for Microsoft Graph or SharePoint: the API exchanges it for those itself.",
                    ),
                };
                headers.push((header::WWW_AUTHENTICATE, bearer_error(description)));
                (401, Code::WrongAudience, title, remediation)
            }
            E::Identity(I::Invalid(_) | I::Refused { .. })
            | E::Resolve(ResolveError::Rejected(Fatal::InvalidToken { .. })) => {
                let (description, title, remediation) = if matches!(error, E::Identity(_)) {
                    (
                        "the token is not valid",
                        "Invalid access token",
                        "Acquire a new token for this API with MSAL; if it is still refused, sign the user in again interactively.",
                    )
                } else {
                    (
                        "Microsoft Graph rejected the token",
                        "Microsoft Graph rejected the token",
                        "Acquire a new token for Microsoft Graph with MSAL; if Graph still rejects it, sign the user in again interactively.",
                    )
                };
                headers.push((header::WWW_AUTHENTICATE, bearer_error(description)));
                (401, Code::InvalidToken, title, remediation)
            }
            E::Identity(I::ClaimsChallenge {
                www_authenticate,
                claims: c,
            })
            | E::Resolve(ResolveError::Rejected(Fatal::ClaimsChallenge {
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
                    Code::ClaimsChallenge,
                    "Additional claims required",
                    if matches!(error, E::Identity(_)) {
                        "Pass the 'claims' value to MSAL in an interactive request for this API's token (acquireTokenPopup or acquireTokenRedirect with claims), then retry with the new token; do not retry with the cached one."
                    } else {
                        "Pass the 'claims' value to MSAL in an interactive token request (acquireTokenPopup or acquireTokenRedirect with claims) so the user satisfies Conditional Access, then retry with the new token."
                    },
                )
            }
            E::Identity(I::TenantNotAllowed) => (
                403,
                Code::TenantNotAllowed,
                "Tenant not served",
                "This deployment serves only the tenants in its ALLOWED_TENANTS list: sign the user in against one of them (the resource tenant that shared the item), or ask the operator to add the tenant.",
            ),
            E::Identity(I::ClientNotAllowed) => (
                403,
                Code::ClientNotAllowed,
                "Client app not served",
                "This deployment serves only the frontends in its ALLOWED_CLIENT_APPS list: acquire the token with one of those client apps (its MSAL clientId), or ask the operator to add the app's client id.",
            ),
            E::Identity(I::ConsentRequired { .. }) => (
                403,
                Code::ConsentRequired,
                "Consent required",
                "An administrator of the tenant must grant consent to this API's delegated permissions (Microsoft Graph Files.Read.All and Sites.Read.All, SharePoint AllSites.Read).",
            ),
            E::Identity(I::Unavailable { .. }) => (
                502,
                Code::IdentityUnavailable,
                "Identity platform unavailable",
                "Retry later; if the detail says the function's own credentials were refused, the operator must fix OBO_CLIENT_ID and its credential (secret, certificate or federation).",
            ),
            E::Resolve(ResolveError::Rejected(Fatal::MfaRequired)) => (
                403,
                Code::MfaRequired,
                "Multi-factor authentication required",
                "Sign the user in again with multi-factor authentication (an interactive MSAL request); the tenant's policy requires MFA for this resource.",
            ),
            E::Identity(I::PersonalAccount) => (
                403,
                Code::PersonalAccountUnsupported,
                "Personal Microsoft accounts are not supported",
                "Sign in with the work or school account that was invited to the tenant, not a personal Microsoft account.",
            ),
            E::Identity(I::MissingScope(_))
            | E::Resolve(ResolveError::Rejected(Fatal::MissingScope)) => {
                let (title, remediation) = if matches!(
                    error,
                    E::Identity(I::MissingScope(TokenFor::ThisApi))
                ) {
                    (
                        "Token lacks this API's scope",
                        "Request the token with this API's delegated scope (api://{API client id}/access_as_user by default: REQUIRED_SCOPE).",
                    )
                } else {
                    (
                        "Token lacks a file-read scope",
                        "Add a delegated permission such as Files.Read.All or Sites.Read.All to the app registration, grant consent, and request that scope when acquiring the token.",
                    )
                };
                (403, Code::MissingScope, title, remediation)
            }
            E::Resolve(ResolveError::Rejected(Fatal::AccessDenied)) => (
                403,
                Code::AccessDenied,
                "No access to the shared item",
                "Ask the item's owner to share it with this guest account; the link may be limited to specific people.",
            ),
            E::Share(_) | E::Item(_) | E::Resolve(ResolveError::Rejected(Fatal::InvalidShare)) => {
                let (title, remediation) = match error {
                    E::Item(_) => (
                        "Invalid drive or item id",
                        "Browse with the ids Graph returned for the shared folder: parentReference.driveId (b!…) and an item's id (or root).",
                    ),
                    _ => (
                        "Invalid sharing link",
                        "Send the full https sharing URL as copied from SharePoint or OneDrive, or its u!-encoded share id.",
                    ),
                };
                (400, Code::InvalidShare, title, remediation)
            }
            E::Resolve(ResolveError::Rejected(Fatal::NotFound)) => (
                404,
                Code::ShareNotFound,
                "Sharing link not found",
                "The link was removed, expired or never existed: ask the owner for a new sharing link.",
            ),
            E::Resolve(ResolveError::Throttled { retry_after }) => {
                headers.push(retry_after_header(*retry_after));
                (
                    429,
                    Code::Throttled,
                    "Throttled by Microsoft Graph",
                    "Wait for the Retry-After interval before retrying, and lower the request rate.",
                )
            }
            E::Resolve(ResolveError::HydrationExhausted { retry_after }) => {
                headers.push(retry_after_header(*retry_after));
                (
                    503,
                    Code::HydrationExhausted,
                    "Guest identity not ready",
                    "Retry after the Retry-After interval; if it keeps failing, have the guest open the link once in a browser to finish redeeming the invitation.",
                )
            }
            E::Resolve(
                ResolveError::GraphUnavailable { .. }
                | ResolveError::Rejected(Fatal::Unexpected { .. }),
            ) => {
                let (title, remediation) = match error {
                    E::Resolve(ResolveError::GraphUnavailable { retry_after, .. }) => {
                        headers.extend(retry_after.map(retry_after_header));
                        (
                            "Microsoft Graph unavailable",
                            "Retry later: Microsoft Graph answered with server errors or could not be reached.",
                        )
                    }
                    _ => (
                        "Unexpected answer from Microsoft Graph",
                        "Retry later; if it persists, report the Graph request ids below to Microsoft support.",
                    ),
                };
                (502, Code::GraphUnavailable, title, remediation)
            }
            E::Resolve(ResolveError::DeadlineExceeded(_)) => (
                504,
                Code::DeadlineExceeded,
                "Deadline exceeded",
                "Retry: Microsoft Graph did not answer within the request deadline.",
            ),
            E::Target(TargetError::PreviewUnsupported(_)) => (
                400,
                Code::PreviewUnsupported,
                "Preview not available for personal OneDrive",
                "Open the file through its webUrl (or its @microsoft.graph.downloadUrl) instead: Microsoft Graph's preview action exists only on SharePoint and OneDrive for Business.",
            ),
            E::Target(TargetError::PermissionOfItem) => (
                400,
                Code::BadRequest,
                "No link permission here",
                "Read the sharing link's permission through the share: GET /v1/shares/{shareId}/permission.",
            ),
            E::BadRequest(_) | E::QueryOption(_) | E::Identity(I::SharePointToken(_)) => {
                let (title, remediation) = match error {
                    E::QueryOption(_) => (
                        "Unsupported query option",
                        "Send only $select and $expand (none on the preview routes), and on the /children routes $top (1 to 999), $orderby and $skiptoken, each with at most 1,024 letters, digits, spaces and $@._-,/()=;:' characters.",
                    ),
                    E::Identity(_) => (
                        "Bad X-SharePoint-Authorization header",
                        "Send 'X-SharePoint-Authorization: Bearer <token>' with a delegated token for the sharing URL's SharePoint host (scope https://{host}/.default) of the same user as Authorization, or leave the header out.",
                    ),
                    _ => (
                        "Bad request",
                        "Send a JSON body: for /v1/resolve exactly one of 'shareUrl' (an https sharing URL) or 'shareId' (u!… or s!…); for /v1/warmup nothing, or one of 'shareUrl' or 'host'; for a preview nothing, or only 'viewer' ('onedrive', 'office' or null), 'chromeless' and 'allowEdit' (booleans), 'page' (a string or a number) and 'zoom' (a number); for /v1/$batch 'requests', 1 to 20 of {id, method, url} with unique ids and no dependsOn.",
                    ),
                };
                (400, Code::BadRequest, title, remediation)
            }
            E::PayloadTooLarge { .. } => (
                413,
                Code::PayloadTooLarge,
                "Payload too large",
                "Keep the request body under 16 KiB (64 KiB for /v1/$batch): it only needs 'shareUrl' or 'shareId', a preview's few options, or a batch's requests.",
            ),
            E::RouteNotFound(_) => (
                404,
                Code::NotFound,
                "No such route",
                "Use GET /v1/shares/{shareId}/driveItem[/children], GET /v1/shares/{shareId}/permission, POST /v1/shares/{shareId}/driveItem/preview, GET /v1/drives/{driveId}/items/{itemId}[/children], POST /v1/drives/{driveId}/items/{itemId}/preview, POST /v1/resolve, POST /v1/$batch, POST /v1/warmup, GET /healthz or GET /openapi.json (inside a batch, the /shares and /drives routes only).",
            ),
            E::Internal => (
                500,
                Code::InternalError,
                "Internal error",
                "Retry once; if it persists, report the time and the client-request-id: this is a bug in share-resolver.",
            ),
            E::MethodNotAllowed => (
                405,
                Code::MethodNotAllowed,
                "Method not allowed",
                "Use GET /v1/shares/{shareId}/driveItem[/children], GET /v1/shares/{shareId}/permission, POST /v1/shares/{shareId}/driveItem/preview, GET /v1/drives/{driveId}/items/{itemId}[/children], POST /v1/drives/{driveId}/items/{itemId}/preview, POST /v1/resolve, POST /v1/$batch, POST /v1/warmup, GET /healthz or GET /openapi.json (inside a batch, the /shares and /drives routes only).",
            ),
        };
        Self {
            type_: format!("/problems/{}", code.as_str()),
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

#[cfg(any(test, fuzzing))]
impl Problem {
    /// The problem code of `error`.
    pub fn code_of(error: &ApiError) -> ProblemCode {
        Self::from_error(error, Vec::new()).code
    }
}

fn retry_after_header(wait: std::time::Duration) -> (header::HeaderName, HeaderValue) {
    (
        header::RETRY_AFTER,
        HeaderValue::from(retry_after_secs(wait)),
    )
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
        // For the accounting layer: the log line and metrics name the code.
        response.extensions_mut().insert(self.code);
        response
    }
}

/// An error with no Graph call behind it (an extractor's rejection).
impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        Problem::from_error(&self, Vec::new()).into_response()
    }
}
