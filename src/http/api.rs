//! The route list, in one place: the router and the OpenAPI document both
//! come from here, so they cannot drift apart.

use std::sync::OnceLock;

use axum::response::{IntoResponse, Response};
use http::{HeaderValue, header};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use axum::extract::DefaultBodyLimit;

use super::batch;
use super::openapi::{self, ApiDoc};
use super::routes as handlers;
use super::state::AppState;

/// Every documented route.
pub(crate) fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(handlers::healthz))
        .routes(routes!(handlers::get_drive_item))
        .routes(routes!(handlers::get_share_children))
        .routes(routes!(handlers::get_item))
        .routes(routes!(handlers::get_item_children))
        .routes(routes!(handlers::get_permission))
        .routes(routes!(handlers::post_share_preview))
        .routes(routes!(handlers::post_item_preview))
        .routes(routes!(handlers::post_resolve))
        .routes(routes!(handlers::post_warmup))
        .merge(
            // A page of links is bigger than one link: 64 KiB here.
            OpenApiRouter::new()
                .routes(routes!(batch::post_batch))
                .routes(routes!(batch::post_batch_plain))
                .layer(DefaultBodyLimit::max(batch::MAX_BATCH_BODY_BYTES)),
        )
        .routes(routes!(openapi_json))
}

/// The serialized document, built once per process.
pub(crate) fn document() -> &'static str {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT.get_or_init(|| openapi::render(api_routes().split_for_parts().1))
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
    use crate::drive_item::ItemRefError;
    use crate::graph::GraphRejection as G;
    use crate::graph::GraphTrouble;
    use crate::identity::IdentityError as I;
    use crate::identity::{Cause, SharePointRefusal, TokenFor};
    use crate::preview::PreviewUnsupported;
    use crate::problem_code::ProblemCode;
    use crate::query_options::QueryOptionError;
    use crate::resolver::ResolveError as R;
    use crate::resolver::TargetError;
    use crate::share_id::ShareIdError;

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
    fn a_batch_holds_exactly_the_documented_routes_that_reach_graph() {
        let document: serde_json::Value = serde_json::from_str(super::document()).unwrap();
        let mut documented = std::collections::BTreeSet::new();
        for (path, item) in document["paths"].as_object().unwrap() {
            let Some(below) = path.strip_prefix("/v1") else {
                continue;
            };
            if below.starts_with("/shares/") || below.starts_with("/drives/") {
                for method in item.as_object().unwrap().keys() {
                    documented.insert((method.to_ascii_uppercase(), below.to_owned()));
                }
            }
        }
        let batch = super::batch::routes()
            .map(|(method, path)| (method.to_owned(), path.to_owned()))
            .collect();
        assert_eq!(documented, batch);
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
            ApiError::Identity(I::Missing),
            ApiError::Identity(I::Malformed {
                reason: "x",
                token_for: TokenFor::Graph,
            }),
            ApiError::Identity(I::Expired { exp: Some(1) }),
            ApiError::Identity(I::WrongAudience(TokenFor::Graph)),
            ApiError::Identity(I::PersonalAccount),
            ApiError::Identity(I::MissingScope(TokenFor::Graph)),
            ApiError::Identity(I::SharePointToken(SharePointRefusal::Malformed)),
            ApiError::Share(ShareIdError::Empty),
            ApiError::BadRequest("x".into()),
            ApiError::Item(ItemRefError::DriveId),
            ApiError::QueryOption(QueryOptionError::Top),
            ApiError::Target(TargetError::PreviewUnsupported(PreviewUnsupported)),
            ApiError::Target(TargetError::PermissionOfItem),
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
            ApiError::Identity(I::TenantNotAllowed),
            ApiError::Identity(I::ClientNotAllowed),
            ApiError::Identity(I::Malformed {
                reason: "x",
                token_for: TokenFor::ThisApi,
            }),
            ApiError::Identity(I::Expired { exp: None }),
            ApiError::Identity(I::WrongAudience(TokenFor::ThisApi)),
            ApiError::Identity(I::Invalid("x")),
            ApiError::Identity(I::Refused {
                cause: Cause::new(std::fmt::Error),
            }),
            ApiError::Identity(I::MissingScope(TokenFor::ThisApi)),
            ApiError::Identity(I::ClaimsChallenge {
                www_authenticate: None,
                claims: None,
            }),
            ApiError::Identity(I::ConsentRequired {
                cause: Cause::new(std::fmt::Error),
            }),
            ApiError::Identity(I::Unavailable {
                detail: "x",
                operator: true,
                cause: None,
            }),
            ApiError::Identity(I::SharePointToken(SharePointRefusal::NotInOboMode)),
        ];
        for error in &errors {
            let code = Rendered::code_of(error);
            assert!(
                documented.contains(&code.as_str()),
                "{code} is not documented"
            );
        }
        assert_eq!(documented.len(), 26, "{documented:?}");
        let all: Vec<&str> = <ProblemCode as strum::VariantArray>::VARIANTS
            .iter()
            .map(|c| c.as_str())
            .collect();
        assert_eq!(documented, all, "the document lists the type's codes");
    }
}
