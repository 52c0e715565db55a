//! The OpenAPI 3.1 document, generated from the routes themselves (utoipa):
//! served at `GET /openapi.json` and committed as `docs/openapi.json`
//! (a test fails when the two differ). The route list is `http::api`; this
//! module holds the document's frame, the schemas that are not service
//! types (`schemas`), and what is added once for every route (`render`).

pub(crate) mod schemas;

use serde_json::Value;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{RefOr, Required};
use utoipa::{Modify, OpenApi};

use crate::drive_item::{DriveId, ItemId};
use crate::graph::GraphDiagnostics;
use crate::http::problem::Problem;
use crate::preview::{Page, PreviewBody, Viewer};
use crate::problem_code::ProblemCode;
use crate::resolver::Hydration;
use crate::share_id::ShareId;
use crate::warmup::WarmupOutcome;
use schemas::{DriveItem, DriveItemCollection, ItemPreviewInfo, Permission};

/// The document's frame; the paths come from the route list (`http::api`).
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
        GraphDiagnostics,
        DriveItem,
        DriveItemCollection,
        Permission,
        ItemPreviewInfo,
        PreviewBody,
        Viewer,
        Page,
        ShareId,
        DriveId,
        ItemId,
        Hydration,
        WarmupOutcome
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "resolve", description = "Resolve a sharing link to its driveItem"),
        (name = "browse", description = "List a shared folder's children and browse inside it"),
        (name = "view", description = "See a shared file: its sharing link's permission, and an embeddable preview"),
        (name = "batch", description = "Many requests in one: JSON batching in Microsoft Graph's format"),
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
            "In `graph` mode (the default) the user's delegated Microsoft Graph access token (audience Microsoft Graph, a Files.Read*/Sites.Read* scope); in `obo` mode an access token for this API (scope api://{API client id}/access_as_user), verified and exchanged On-Behalf-Of the user.".to_owned(),
        );
        components.add_security_scheme("bearer", SecurityScheme::Http(bearer));
    }
}

/// The finished document as served: the route annotations, plus what is
/// the same on every route (`finish`), pretty-printed with members in
/// utoipa's order (serde_json's `preserve_order`).
pub(crate) fn render(mut openapi: utoipa::openapi::OpenApi) -> String {
    finish(&mut openapi);
    serde_json::to_value(&openapi)
        .and_then(|mut json| {
            require_headers(&mut json);
            serde_json::to_string_pretty(&json)
        })
        .unwrap_or_else(|_| "{}".to_owned())
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
fn require_headers(document: &mut Value) {
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut().filter_map(Value::as_object_mut) {
        for operation in item.values_mut() {
            let Some(responses) = operation
                .get_mut("responses")
                .and_then(Value::as_object_mut)
            else {
                continue;
            };
            for (status, response) in responses.iter_mut() {
                let Some(headers) = response.get_mut("headers").and_then(Value::as_object_mut)
                else {
                    continue;
                };
                for (name, header) in headers.iter_mut() {
                    if always_sent(status, name)
                        && let Some(header) = header.as_object_mut()
                    {
                        header.insert("required".to_owned(), Value::Bool(true));
                    }
                }
            }
        }
    }
}
