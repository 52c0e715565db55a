//! The HTTP surface: routes, extractors, CORS, body limit, problem
//! responses. The same `Router` serves under the Lambda runtime and as a
//! local server.

mod error;
mod extract;
mod openapi;
mod problem;
pub(crate) mod routes;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use http::{HeaderName, HeaderValue, Method, header};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::configuration::Settings;
use crate::metrics::Metrics;
use crate::resolver::Resolver;
use error::ApiError;
use routes::AppState;

/// Largest request body accepted (`payload_too_large`).
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// The service's router, ready for `lambda_http::run` or `axum::serve`.
pub fn router(settings: &Settings, resolver: Arc<Resolver>, metrics: Metrics) -> Router {
    let state = AppState {
        resolver,
        metrics,
        hosts: Arc::new(settings.allowed_share_hosts.clone()),
    };
    let (router, _) = api_routes().split_for_parts();
    let router = router
        .fallback(routes::fallback)
        .method_not_allowed_fallback(routes::method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state);
    let router = match &settings.allowed_origins {
        Some(origins) => router.layer(cors(origins.clone())),
        None => router,
    };
    // A driveItem can hold pre-authenticated download URLs: nothing is cached.
    router
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

/// A panic is a bug; the caller still gets a problem (the release profile
/// keeps `panic = "unwind"` for this), and the log says where.
fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(panic = %message, "a request panicked");
    axum::response::IntoResponse::into_response(ApiError::Internal)
}

/// Every documented route: the router and the OpenAPI document both come
/// from here, so they cannot drift apart.
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(routes::healthz))
        .routes(routes!(routes::get_drive_item))
        .routes(routes!(routes::post_resolve))
        .routes(routes!(routes::post_warmup))
        .routes(routes!(openapi::openapi_json))
}

/// The OpenAPI 3.1 document of this API, as served at `GET /openapi.json`.
pub fn openapi_document() -> &'static str {
    openapi::document()
}

fn cors(origins: Vec<HeaderValue>) -> CorsLayer {
    let name = HeaderName::from_static;
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            name("client-request-id"),
            name(extract::SHAREPOINT_AUTHORIZATION),
        ])
        .expose_headers([
            name("x-resolver-hydration"),
            name("x-resolver-warmup"),
            name("x-resolver-attempts"),
            name("request-id"),
            name("client-request-id"),
            name("server-timing"),
            header::WWW_AUTHENTICATE,
            header::RETRY_AFTER,
        ])
        .max_age(Duration::from_secs(600))
}

#[cfg(test)]
mod tests {
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    async fn boom() -> &'static str {
        let bugs: Vec<&str> = Vec::new();
        bugs[0]
    }

    #[tokio::test]
    async fn a_panic_becomes_an_internal_error_problem_not_a_dropped_connection() {
        let app = Router::new()
            .route("/boom", get(boom))
            .layer(CatchPanicLayer::custom(panic_response));

        let request = http::Request::get("/boom")
            .body(axum::body::Body::empty())
            .unwrap();
        let response = app.oneshot(request).await.unwrap();

        assert_eq!(response.status(), 500);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
        let body = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .unwrap();
        let problem: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(problem["code"], "internal_error");
    }
}
