//! The OpenAPI 3.1 document, generated from the routes themselves (utoipa):
//! served at `GET /openapi.json` and committed as `docs/openapi.json`
//! (a test fails when the two differ).
//!
//! The schema types here exist for the document only; the handlers speak
//! the domain types.

use std::fmt;
use std::sync::OnceLock;

use axum::response::{IntoResponse, Response};
use http::{HeaderValue, header};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Ref, RefOr, Required};
use utoipa::{IntoParams, Modify, OpenApi, PartialSchema, ToSchema};

/// The document's frame; the paths come from the routes (`http::api_routes`).
#[derive(OpenApi)]
#[openapi(
    info(
        title = "share-resolver",
        description = "Resolves SharePoint and OneDrive sharing links for B2B guests through Microsoft Graph, warming up the guest's identity first. Errors are RFC 9457 problems with a stable `code`. See docs/api.md.",
        license(name = "MIT")
    ),
    components(schemas(
        Problem,
        ProblemCode,
        GraphCall,
        DriveItem,
        ShareId,
        ResolverHydration,
        Warmup
    )),
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
    /// Forwarded to Graph as its `client-request-id`; a fresh GUID replaces
    /// one that is absent, blank, over 128 characters or not printable ASCII.
    #[param(rename = "client-request-id", value_type = String, required = false)]
    client_request_id: Option<String>,
    /// `Bearer <token>`: a delegated token for the sharing URL's SharePoint
    /// host (scope `https://{host}/.default`) of the same user. Enables the
    /// `sharepoint` warm-up; sent only to that host, never logged or stored.
    /// A malformed one, or one for another host or user, is `bad_request`.
    #[param(
        rename = "X-SharePoint-Authorization",
        value_type = String,
        required = false,
        pattern = r"^[Bb]earer [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$"
    )]
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
    /// A bug: the service panicked (caught, so still a problem).
    InternalError,
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
    #[schema(example = 401, required = true)]
    status: Option<u16>,
    /// Graph's error code; null when it sent none.
    #[schema(example = "accessDenied", required = true)]
    code: Option<String>,
    #[schema(required = true)]
    request_id: Option<String>,
    #[schema(required = true)]
    client_request_id: Option<String>,
    /// Graph's `x-ms-ags-diagnostic`: parsed when it is JSON (usually an
    /// object), else the header's text; null when absent.
    #[schema(value_type = Value, required = true)]
    ags_diagnostic: Option<serde_json::Value>,
    /// Graph's `Date` header.
    #[schema(required = true)]
    date: Option<String>,
    /// What went wrong on the wire, when no response came.
    transport_error: Option<String>,
    duration_ms: u64,
}

/// The problems every API route answers: bad input and token problems.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // the document's shape only
pub(crate) enum InputProblems {
    #[response(
        status = 400,
        description = "`invalid_share`, `bad_request`",
        content_type = "application/problem+json"
    )]
    BadRequest(Problem),
    #[response(
        status = 401,
        description = "`missing_token`, `malformed_token`, `token_expired`, `wrong_audience`, `invalid_token`, `claims_challenge`",
        content_type = "application/problem+json",
        headers(("WWW-Authenticate" = String, description = "A `Bearer` challenge; for `claims_challenge`, Graph's own"))
    )]
    Unauthorized(Problem),
}

/// What both resolve routes answer besides [`InputProblems`]. `Cache-Control`,
/// `client-request-id` and `request-id`, on every response, are documented
/// by `finish`.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // the document's shape only
pub(crate) enum Resolution {
    #[response(
        status = 200,
        description = "The driveItem, exactly as Graph returned it",
        headers(
            ("x-resolver-hydration" = ResolverHydration, description = "What the service knew of the user (success only)"),
            ("x-resolver-warmup" = Warmup, description = "`skipped`, or the strategy that ran (success only)"),
            ("x-resolver-attempts" = u32, description = "`/shares` calls made (success only)"),
            ("server-timing" = String, description = "`store;dur=…, warmup;dur=…, graph;dur=…, total;dur=…` (ms; success only)")
        )
    )]
    Resolved(DriveItem),
    #[response(
        status = 403,
        description = "`mfa_required`, `personal_account_unsupported`, `missing_scope`, `access_denied`",
        content_type = "application/problem+json"
    )]
    Forbidden(Problem),
    #[response(
        status = 404,
        description = "`share_not_found`",
        content_type = "application/problem+json"
    )]
    NotFound(Problem),
    #[response(
        status = 429,
        description = "`throttled`",
        content_type = "application/problem+json",
        headers(("Retry-After" = u64, description = "Seconds, 1 to 300"))
    )]
    Throttled(Problem),
    #[response(
        status = 502,
        description = "`graph_unavailable`",
        content_type = "application/problem+json",
        headers(("Retry-After" = u64, description = "Seconds (at most 300), when Graph sent one"))
    )]
    GraphUnavailable(Problem),
    #[response(
        status = 503,
        description = "`hydration_exhausted`",
        content_type = "application/problem+json",
        headers(("Retry-After" = u64, description = "Seconds, 1 to 300"))
    )]
    HydrationExhausted(Problem),
    #[response(
        status = 504,
        description = "`deadline_exceeded`",
        content_type = "application/problem+json"
    )]
    DeadlineExceeded(Problem),
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

/// What `shareUrl` (and a raw URL as `shareId`) accepts: an https URL,
/// plain text (no whitespace, control characters or backslashes).
const SHARE_URL_PATTERN: &str = r"^https://[^\s\\]+$";
/// What `host` accepts.
const HOST_PATTERN: &str = r"^[A-Za-z0-9.-]+$";
/// The longest sharing URL accepted (`share_id::MAX_URL_LEN`, in bytes).
const MAX_URL_LENGTH: usize = 4096;
/// The longest `s!` id accepted (`share_id::MAX_S_ID_LEN`).
const MAX_S_ID_LENGTH: usize = 1024;
/// The example sharing link (`scripts/api-fuzz.sh` makes the simulator
/// know it, so the examples reach a driveItem).
const EXAMPLE_SHARE_URL: &str = "https://contoso.sharepoint.com/:w:/s/Marketing/EaBcDeFg?e=4f2Kx9";

/// A share id: the `GET` route's path segment (once percent-decoded) or
/// `POST /v1/resolve`'s `shareId`.
pub(crate) struct ShareId;

impl PartialSchema for ShareId {
    fn schema() -> RefOr<Schema> {
        let id = |prefix: &str, description: &str| {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(format!("^{prefix}[A-Za-z0-9_-]+$")))
                .description(Some(description))
        };
        OneOfBuilder::new()
            .description(Some(
                "A share id, one of three forms; surrounding whitespace is ignored.",
            ))
            .item(
                id("u!", "`u!` and the unpadded base64url of a sharing URL (whose length limit is the URL's).")
                    .examples([
                        "u!aHR0cHM6Ly9jb250b3NvLnNoYXJlcG9pbnQuY29tLzp3Oi9zL01hcmtldGluZy9FYUJjRGVGZz9lPTRmMkt4OQ",
                    ]),
            )
            .item(
                id("s!", "An `s!` sharing token, passed to Graph as is.")
                    .max_length(Some(MAX_S_ID_LENGTH)),
            )
            .item(share_url().description(Some(
                "The raw https sharing URL (percent-encoded in the path).",
            )))
            .into()
    }
}

impl ToSchema for ShareId {}

/// `POST /v1/resolve`: exactly one of `shareUrl` or `shareId`.
pub(crate) struct ResolveBody;

impl PartialSchema for ResolveBody {
    fn schema() -> RefOr<Schema> {
        one_member_of(
            "`POST /v1/resolve`: exactly one of `shareUrl` or `shareId` (a `null` counts as left out; other members are ignored).",
            &[
                ("shareUrl", share_url().into()),
                ("shareId", Ref::from_schema_name(ShareId::name()).into()),
            ],
            false,
        )
    }
}

impl ToSchema for ResolveBody {}

/// `POST /v1/warmup` (optional): where to warm up, at most one of the two.
pub(crate) struct WarmupBody;

impl PartialSchema for WarmupBody {
    fn schema() -> RefOr<Schema> {
        one_member_of(
            "`POST /v1/warmup` (optional): where to warm up, at most one of `shareUrl` or `host` (a `null` counts as left out; other members are ignored).",
            &[
                ("shareUrl", share_url().into()),
                (
                    "host",
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .description(Some("A SharePoint host on the allow-list."))
                        .pattern(Some(HOST_PATTERN))
                        .examples(["contoso.sharepoint.com"])
                        .into(),
                ),
            ],
            true,
        )
    }
}

impl ToSchema for WarmupBody {}

fn share_url() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(SHARE_URL_PATTERN))
        .max_length(Some(MAX_URL_LENGTH))
        .description(Some(
            "An https sharing URL on an allowed host (`ALLOWED_SHARE_HOSTS`).",
        ))
        .examples([EXAMPLE_SHARE_URL])
}

/// An object with exactly one of `members` set to a string (or, when
/// `or_none`, none of them); the others absent or `null`. One branch per
/// case, so that the branches exclude each other.
fn one_member_of(
    description: &str,
    members: &[(&str, RefOr<Schema>)],
    or_none: bool,
) -> RefOr<Schema> {
    let null = || ObjectBuilder::new().schema_type(Type::Null);
    let branch = |set: Option<usize>| {
        let mut object = ObjectBuilder::new().schema_type(Type::Object);
        for (i, (name, schema)) in members.iter().enumerate() {
            object = if Some(i) == set {
                object.property(*name, schema.clone()).required(*name)
            } else {
                object.property(*name, null())
            };
        }
        object
    };
    let mut one_of = OneOfBuilder::new().description(Some(description));
    for i in 0..members.len() {
        one_of = one_of.item(branch(Some(i)));
    }
    if or_none {
        one_of = one_of.item(branch(None));
    }
    one_of.into()
}

/// What a pre-warm found or did.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct Prewarmed {
    #[schema(example = "warmed")]
    hydration: HydrationState,
    #[schema(example = "root")]
    warmup: Warmup,
}

#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub(crate) enum HydrationState {
    Hit,
    Member,
    Warmed,
}

/// `x-resolver-hydration`: what the service knew of the user.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub(crate) enum ResolverHydration {
    Hit,
    Miss,
    Member,
}

/// The warm-up strategy that answered, or `skipped` (none was needed).
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub(crate) enum Warmup {
    Skipped,
    SharePoint,
    Site,
    Root,
    Group,
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
        let mut openapi = super::api_routes().split_for_parts().1;
        finish(&mut openapi);
        serde_json::to_string(&openapi)
            .and_then(|json| serde_json::from_str::<Json>(&json))
            .and_then(|mut json| {
                require_headers(&mut json);
                serde_json::to_string_pretty(&json)
            })
            .unwrap_or_else(|_| "{}".to_owned())
    })
}

/// What the route annotations leave to one place: the headers that a layer
/// or the shared code puts on every response, and optional bodies.
fn finish(openapi: &mut utoipa::openapi::OpenApi) {
    let string = || ObjectBuilder::new().schema_type(Type::String);
    let header = |schema: ObjectBuilder, description: &str| {
        HeaderBuilder::new()
            .schema(schema)
            .description(Some(description))
            .build()
    };
    for item in openapi.paths.paths.values_mut() {
        for operation in [&mut item.get, &mut item.post].into_iter().flatten() {
            // The resolve and warm-up routes (the ones that take a token).
            let caller = operation.security.is_some();
            for response in operation.responses.responses.values_mut() {
                let RefOr::T(response) = response else {
                    continue;
                };
                let headers = &mut response.headers;
                headers.insert(
                    "Cache-Control".to_owned(),
                    header(
                        string().enum_values(Some(["no-store"])),
                        "`no-store`, on every response: a driveItem can hold pre-authenticated download URLs.",
                    ),
                );
                if caller {
                    headers.insert(
                        "client-request-id".to_owned(),
                        header(
                            string(),
                            "Of the last Graph answer, else the caller's (or the generated) `client-request-id`.",
                        ),
                    );
                    headers.insert(
                        "request-id".to_owned(),
                        header(string(), "Of the last Graph answer, when Graph answered."),
                    );
                }
            }
            // utoipa renders an `Option<T>` body as "T or JSON `null`"; the
            // `Optional` extractor means "T, or no body at all".
            if let Some(body) = operation.request_body.as_mut() {
                for content in body.content.values_mut() {
                    if let Some(RefOr::T(Schema::OneOf(one_of))) = &content.schema
                        && let [RefOr::T(Schema::Object(null)), inner] = one_of.items.as_slice()
                        && null.schema_type == Type::Null.into()
                    {
                        content.schema = Some(inner.clone());
                        body.required = Some(Required::False);
                    }
                }
            }
        }
    }
}

/// Whether a documented response header is on every such response: all
/// are, but Graph's `request-id` (only when Graph answered) and the
/// `Retry-After` of `graph_unavailable` (only when Graph sent one).
fn always_sent(status: &str, header: &str) -> bool {
    !(header == "request-id" || (header == "Retry-After" && status == "502"))
}

/// Marks the headers that are always sent `required` (utoipa's `Header`
/// has no such field).
fn require_headers(document: &mut Json) {
    let Some(paths) = document.get_mut("paths") else {
        return;
    };
    for (_, item) in paths.members_mut() {
        for (_, operation) in item.members_mut() {
            let Some(responses) = operation.get_mut("responses") else {
                continue;
            };
            for (status, response) in responses.members_mut() {
                let Some(headers) = response.get_mut("headers") else {
                    continue;
                };
                for (name, header) in headers.members_mut() {
                    if always_sent(status, name)
                        && let Json::Object(members) = header
                    {
                        members.push(("required".to_owned(), Json::Scalar(true.into())));
                    }
                }
            }
        }
    }
}

/// JSON that keeps the order of object members (serde_json's `Value`
/// sorts them in this build), so the document reads as utoipa wrote it.
enum Json {
    Scalar(serde_json::Value),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    fn get_mut(&mut self, key: &str) -> Option<&mut Json> {
        self.members_mut().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    fn members_mut(&mut self) -> impl Iterator<Item = (&str, &mut Json)> {
        let members: &mut [(String, Json)] = match self {
            Self::Object(members) => members,
            _ => &mut [],
        };
        members.iter_mut().map(|(k, v)| (k.as_str(), v))
    }
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Scalar(value) => value.serialize(serializer),
            Self::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Self::Object(members) => {
                let mut map = serializer.serialize_map(Some(members.len()))?;
                for (key, value) in members {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct JsonVisitor;

        impl<'de> Visitor<'de> for JsonVisitor {
            type Value = Json;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("JSON")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
                Ok(Json::Scalar(v.into()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
                Ok(Json::Scalar(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
                Ok(Json::Scalar(v.into()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
                Ok(Json::Scalar(v.into()))
            }
            fn visit_str<E>(self, v: &str) -> Result<Json, E> {
                Ok(Json::Scalar(v.into()))
            }
            fn visit_unit<E>(self) -> Result<Json, E> {
                Ok(Json::Scalar(serde_json::Value::Null))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Json::Array(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry()? {
                    members.push(member);
                }
                Ok(Json::Object(members))
            }
        }

        deserializer.deserialize_any(JsonVisitor)
    }
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
    fn every_response_requires_cache_control_and_the_warmup_body_is_optional() {
        let document: serde_json::Value = serde_json::from_str(super::document()).unwrap();
        let mut responses = 0;
        for (path, item) in document["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                for (status, response) in operation["responses"].as_object().unwrap() {
                    let header = &response["headers"]["Cache-Control"];
                    assert_eq!(header["required"], true, "{method} {path} {status}");
                    assert_eq!(header["schema"]["enum"], serde_json::json!(["no-store"]));
                    responses += 1;
                }
            }
        }
        assert!(responses > 20, "{responses}");
        let warmup = &document["paths"]["/v1/warmup"]["post"]["requestBody"];
        assert_eq!(warmup["required"], false);
        assert_eq!(
            warmup["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/WarmupBody"
        );
        // Members keep utoipa's order (serde_json's `Value` would sort them).
        assert!(
            super::document()
                .trim_start()
                .starts_with("{\n  \"openapi\": \"3.1.0\"")
        );
    }

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
            ApiError::Internal,
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
        assert_eq!(documented.len(), 21, "{documented:?}");
    }
}
