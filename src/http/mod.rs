//! The HTTP surface: the route list (`api`), handlers (`routes`),
//! extractors, the one accounting layer, CORS, body limit and problem
//! responses. The same `Router` serves under the Lambda runtime and as a
//! local server.

mod accounting;
mod api;
mod batch;
mod error;
mod extract;
mod next_link;
mod openapi;
mod problem;
mod public_url;
mod routes;
mod state;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use http::{HeaderName, HeaderValue, Method, header};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::configuration::Settings;
use crate::identity::Identity;
use crate::metrics::Metrics;
use crate::resolver::Resolver;
use error::ApiError;
use extract::MAX_BODY_BYTES;
use state::AppState;

#[cfg(any(test, fuzzing))]
pub(crate) use extract::decoded_share_url;

/// A batch body, checked as the route checks it, and each of its requests
/// parsed as the route parses it: the problem code of each refusal.
#[cfg(any(test, fuzzing))]
pub(crate) fn batch_requests(
    body: &[u8],
    hosts: &crate::share_id::HostAllowList,
) -> Result<batch::Parsed<crate::problem_code::ProblemCode>, crate::problem_code::ProblemCode> {
    let code = |e: &ApiError| problem::Problem::code_of(e);
    let requests = batch::parsed(body, hosts).map_err(|e| code(&e))?;
    Ok(requests
        .into_iter()
        .map(|(id, target)| (id, target.map_err(|e| code(&e))))
        .collect())
}

/// One batch request of `method` and `url`, parsed as the route parses it.
#[cfg(any(test, fuzzing))]
pub(crate) fn batch_request(
    method: &str,
    url: &str,
    hosts: &crate::share_id::HostAllowList,
) -> Result<crate::resolver::Target, crate::problem_code::ProblemCode> {
    batch::parsed_one(method, url, hosts).map_err(|e| problem::Problem::code_of(&e))
}

/// The service's router, ready for `lambda_http::run` or `axum::serve`.
pub fn router(
    settings: &Settings,
    resolver: Arc<Resolver>,
    metrics: Metrics,
    identity: Arc<Identity>,
) -> Router {
    let state = AppState {
        resolver,
        hosts: Arc::new(settings.allowed_share_hosts.clone()),
        identity,
    };
    let (router, _) = api::api_routes().split_for_parts();
    let router = router
        .fallback(routes::fallback)
        .method_not_allowed_fallback(routes::method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state);
    layered(router, settings.allowed_origins.clone(), metrics)
}

/// The layers every response passes, innermost first: a panic becomes a
/// problem, every response is accounted for (log line and EMF document),
/// CORS, and `no-store` (a driveItem can hold pre-authenticated download
/// URLs: nothing is cached).
fn layered(router: Router, origins: Option<Vec<HeaderValue>>, metrics: Metrics) -> Router {
    let router = router
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(middleware::from_fn_with_state(metrics, accounting::account));
    let router = match origins {
        Some(origins) => router.layer(cors(origins)),
        None => router,
    };
    router.layer(SetResponseHeaderLayer::overriding(
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

/// The OpenAPI 3.1 document of this API, as served at `GET /openapi.json`.
pub fn openapi_document() -> &'static str {
    api::document()
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
            name(crate::identity::SHAREPOINT_AUTHORIZATION),
            name("prefer"),
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
    use std::io::Write;
    use std::sync::Mutex;

    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    async fn boom() -> &'static str {
        let bugs: Vec<&str> = Vec::new();
        bugs[0]
    }

    /// What the layers wrote: log lines, and request lines (with their EMF).
    #[derive(Clone, Default)]
    struct Written(Arc<Mutex<Vec<u8>>>, Arc<Mutex<Vec<String>>>);

    impl Write for Written {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Written {
        type Writer = Self;
        fn make_writer(&'a self) -> Self {
            self.clone()
        }
    }

    #[tokio::test]
    async fn a_panic_is_an_internal_error_problem_with_its_log_line_and_metrics() {
        let written = Written::default();
        let documents = written.1.clone();
        let metrics = Metrics::with_sink(
            "Test",
            Arc::new(move |line: &str| documents.lock().unwrap().push(line.to_owned())),
        );
        let app = layered(Router::new().route("/boom", get(boom)), None, metrics);
        let _logs = tracing::subscriber::set_default(crate::telemetry::get_subscriber(
            "info",
            written.clone(),
        ));

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
        let documents = written.1.lock().unwrap();
        assert_eq!(documents.len(), 1, "one line: {documents:?}");
        let line: serde_json::Value = serde_json::from_str(&documents[0]).unwrap();
        assert_eq!(line["Outcome"], "internal_error");
        assert_eq!(line["status"], 500);
        assert_eq!(line["ServerError"], 1);
        assert_eq!(line["route"], "/boom");
        // The panic's own log line says what happened; the request's line
        // is not written twice.
        let logs = String::from_utf8(written.0.lock().unwrap().clone()).unwrap();
        assert!(!logs.contains("\"Outcome\""), "{logs}");
    }
}
