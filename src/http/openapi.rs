//! The OpenAPI 3.1 document, generated from the routes themselves (utoipa):
//! served at `GET /openapi.json` and committed as `docs/openapi.json`
//! (a test fails when the two differ).
//!
//! The schema types here exist for the document only; the handlers speak
//! the domain types.

use std::sync::OnceLock;

use axum::response::{IntoResponse, Response};
use http::{HeaderValue, header};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};

/// The document's frame; the paths come from the routes (`http::api_routes`).
#[derive(OpenApi)]
#[openapi(
    info(
        title = "share-resolver",
        description = "Resolves SharePoint and OneDrive sharing links for B2B guests through Microsoft Graph, warming up the guest's identity first. Errors are RFC 9457 problems with a stable `code`. See docs/api.md.",
        license(name = "MIT")
    ),
    components(schemas(Problem, ProblemCode, GraphCall, DriveItem)),
    modifiers(&BearerAuth),
    tags(
        (name = "resolve", description = "Resolve a sharing link to its driveItem"),
        (name = "warmup", description = "Pre-warm a guest right after sign-in"),
        (name = "service", description = "Health and this document")
    )
)]
pub(crate) struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut bearer = Http::new(HttpAuthScheme::Bearer);
        bearer.bearer_format = Some("JWT".to_owned());
        bearer.description = Some(
            "The user's delegated Microsoft Graph access token (audience Microsoft Graph, a Files.Read*/Sites.Read* scope).".to_owned(),
        );
        components.add_security_scheme("bearer", SecurityScheme::Http(bearer));
    }
}

/// Headers every resolve and warm-up request may send.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
pub(crate) struct CallerHeaders {
    /// Forwarded to Graph as its `client-request-id` (a fresh GUID when absent).
    #[param(rename = "client-request-id")]
    client_request_id: Option<String>,
    /// `Bearer <token>`: a delegated token for the sharing URL's SharePoint
    /// host (scope `https://{host}/.default`) of the same user. Enables the
    /// `sharepoint` warm-up; sent only to that host, never logged or stored.
    #[param(rename = "X-SharePoint-Authorization")]
    sharepoint_authorization: Option<String>,
}

/// A problem (RFC 9457), `application/problem+json`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct Problem {
    /// `/problems/{code}`.
    #[schema(rename = "type", example = "/problems/hydration_exhausted")]
    type_: String,
    #[schema(example = "Guest identity not ready")]
    title: String,
    #[schema(example = 503)]
    status: u16,
    code: ProblemCode,
    detail: String,
    /// What the caller should do about it.
    remediation: String,
    /// Every Graph call of the request, in order (for a token Graph refused,
    /// only the refusing answer, without naming the call).
    graph: Vec<GraphCall>,
    /// The decoded claims request of a `claims_challenge`: pass it to MSAL.
    #[schema(value_type = Option<Object>)]
    claims: Option<serde_json::Value>,
}

/// The stable problem codes.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub(crate) enum ProblemCode {
    MissingToken,
    MalformedToken,
    TokenExpired,
    WrongAudience,
    InvalidToken,
    ClaimsChallenge,
    MfaRequired,
    PersonalAccountUnsupported,
    MissingScope,
    AccessDenied,
    InvalidShare,
    ShareNotFound,
    Throttled,
    HydrationExhausted,
    GraphUnavailable,
    DeadlineExceeded,
    BadRequest,
    PayloadTooLarge,
    NotFound,
    MethodNotAllowed,
}

/// One Graph (or SharePoint) call and what it answered.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)]
pub(crate) struct GraphCall {
    /// `warmup` or `shares`; absent for a token Graph refused.
    #[schema(value_type = Option<String>, example = "shares")]
    call: Option<String>,
    /// The warm-up strategy of a warm-up call.
    #[schema(example = "site")]
    strategy: Option<String>,
    /// HTTP status; null when no response came.
    #[schema(example = 401)]
    status: Option<u16>,
    #[schema(example = "accessDenied")]
    code: Option<String>,
    request_id: Option<String>,
    client_request_id: Option<String>,
    /// Graph's `x-ms-ags-diagnostic` (JSON when it parses).
    #[schema(value_type = Option<Object>)]
    ags_diagnostic: Option<serde_json::Value>,
    date: Option<String>,
    /// What went wrong on the wire, when no response came.
    transport_error: Option<String>,
    duration_ms: u64,
}

/// Graph's driveItem, exactly as Graph returned it.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)]
pub(crate) struct DriveItem {
    #[schema(example = "01J7TAN47MQKAQ52K64ZAZNORXENAPQ46L")]
    id: String,
    #[schema(example = "Launch plan.docx")]
    name: String,
    size: Option<i64>,
    web_url: Option<String>,
    /// Everything else Graph sends (facets, `@microsoft.graph.downloadUrl`, …).
    #[serde(flatten)]
    other: std::collections::HashMap<String, serde_json::Value>,
}

/// `POST /v1/resolve`: exactly one of the two.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)]
pub(crate) struct ResolveBody {
    /// An https sharing URL on an allowed host.
    #[schema(example = "https://contoso.sharepoint.com/:w:/s/Marketing/EaBcDeFg?e=4f2Kx9")]
    share_url: Option<String>,
    /// `u!…` (unpadded base64url of the sharing URL) or `s!…`.
    share_id: Option<String>,
}

/// `POST /v1/warmup` (optional): where to warm up, one of the two.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)]
pub(crate) struct WarmupBody {
    share_url: Option<String>,
    /// A SharePoint host on the allow-list.
    #[schema(example = "contoso.sharepoint.com")]
    host: Option<String>,
}

/// What a pre-warm found or did.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct Prewarmed {
    #[schema(example = "warmed")]
    hydration: HydrationState,
    /// The warm-up that answered, or `skipped`.
    #[schema(example = "root")]
    warmup: String,
}

#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub(crate) enum HydrationState {
    Hit,
    Member,
    Warmed,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct Health {
    #[schema(example = "ok")]
    status: String,
}

/// The serialized document, built once per process.
pub(crate) fn document() -> &'static str {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        super::api_routes()
            .split_for_parts()
            .1
            .to_pretty_json()
            .unwrap_or_else(|_| "{}".to_owned())
    })
}

/// `GET /openapi.json`.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "service",
    responses((status = 200, description = "This OpenAPI 3.1 document", content_type = "application/json"))
)]
pub(crate) async fn openapi_json() -> Response {
    let mut response = document().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::error::ApiError;
    use super::super::problem::Problem as Rendered;
    use crate::graph::GraphRejection as G;
    use crate::resolver::{GraphTrouble, ResolveError as R};
    use crate::share_id::ShareIdError;
    use crate::token::{SharePointTokenError, TokenError as T};

    #[test]
    fn every_code_the_api_can_answer_is_in_the_documented_enum() {
        let document: serde_json::Value = serde_json::from_str(super::document()).unwrap();
        let documented: Vec<&str> = document["components"]["schemas"]["ProblemCode"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c.as_str())
            .collect();
        let s = Duration::from_secs(1);
        let errors = [
            ApiError::Token(T::Missing),
            ApiError::Token(T::Malformed("x")),
            ApiError::Token(T::Expired { exp: 1 }),
            ApiError::Token(T::WrongAudience { aud: "x".into() }),
            ApiError::Token(T::PersonalAccount),
            ApiError::Token(T::MissingScope { scopes: vec![] }),
            ApiError::SharePointToken(SharePointTokenError::Malformed),
            ApiError::Share(ShareIdError::Empty),
            ApiError::BadRequest("x".into()),
            ApiError::PayloadTooLarge { limit: 1 },
            ApiError::RouteNotFound("/x".into()),
            ApiError::MethodNotAllowed,
            ApiError::Resolve(R::Rejected(G::TokenExpired)),
            ApiError::Resolve(R::Rejected(G::InvalidToken {
                message: "x".into(),
            })),
            ApiError::Resolve(R::Rejected(G::ClaimsChallenge {
                www_authenticate: None,
                claims: None,
            })),
            ApiError::Resolve(R::Rejected(G::MfaRequired)),
            ApiError::Resolve(R::Rejected(G::MissingScope)),
            ApiError::Resolve(R::Rejected(G::AccessDenied)),
            ApiError::Resolve(R::Rejected(G::InvalidShare)),
            ApiError::Resolve(R::Rejected(G::NotFound)),
            ApiError::Resolve(R::Rejected(G::Unexpected { status: 418 })),
            ApiError::Resolve(R::Throttled { retry_after: s }),
            ApiError::Resolve(R::HydrationExhausted { retry_after: s }),
            ApiError::Resolve(R::GraphUnavailable {
                cause: GraphTrouble::Status(503),
                retry_after: None,
            }),
            ApiError::Resolve(R::DeadlineExceeded(s)),
        ];
        for error in &errors {
            let code = Rendered::code_of(error);
            assert!(documented.contains(&code), "{code} is not documented");
        }
        assert_eq!(documented.len(), 20, "{documented:?}");
    }
}
