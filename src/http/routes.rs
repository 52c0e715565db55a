//! Route handlers: parse at the edge, call the resolver, render.

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use serde::Deserialize;
use tower_http::cors::{AllowOrigin, CorsLayer};

use super::problem::Problem;
use crate::configuration::Settings;
use crate::error::ResolveError;
use crate::resolver::{Report, ResolveRequest, Resolved, Resolver};
use crate::share_id::{HostAllowList, ShareId, ShareIdError, SharingUrl};
use crate::token::{BearerToken, TokenClaims};

/// Largest request body accepted (CONTRACT `payload_too_large`).
pub const MAX_BODY_BYTES: usize = 16 * 1024;
/// Longest caller-sent `client-request-id` forwarded to Graph.
const MAX_CLIENT_REQUEST_ID: usize = 128;

#[derive(Clone)]
struct AppState {
    resolver: Arc<Resolver>,
    hosts: Arc<HostAllowList>,
}

/// The service's router, ready for `lambda_http::run` or `axum::serve`.
pub fn router(settings: &Settings, resolver: Arc<Resolver>) -> Router {
    let state = AppState {
        resolver,
        hosts: Arc::new(settings.allowed_share_hosts.clone()),
    };
    let router = Router::new()
        .route("/healthz", get(healthz))
        .route("/v1/shares/{share_id}/driveItem", get(get_drive_item))
        .route("/v1/resolve", post(post_resolve))
        .fallback(fallback)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state);
    match &settings.allowed_origins {
        Some(origins) => router.layer(cors(origins.clone())),
        None => router,
    }
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
        .max_age(std::time::Duration::from_secs(600))
}

async fn healthz() -> Response {
    Json(serde_json::json!({"status": "ok"})).into_response()
}

/// Unknown routes, and the GET route whose raw sharing URL arrived decoded.
async fn fallback(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    if method == Method::GET
        && let Some(raw) = decoded_share_url(&uri)
    {
        let share = |hosts: &HostAllowList| ShareId::parse(&raw, hosts).map_err(ResolveError::from);
        return handle(&state, "get_drive_item", &headers, share).await;
    }
    Problem::from_error(
        &ResolveError::RouteNotFound(uri.path().to_owned()),
        Vec::new(),
    )
    .into_response()
}

/// API Gateway HTTP APIs are reported to percent-decode the path before the
/// function sees it, so `/v1/shares/https%3A%2F%2F…%3Fe%3Dx/driveItem`
/// arrives as `/v1/shares/https://…` + `?e=x/driveItem`. Reassembles the
/// sharing URL (also when a proxy collapsed `//`); `None` for anything else.
fn decoded_share_url(uri: &Uri) -> Option<String> {
    let rest = uri.path().strip_prefix("/v1/shares/")?;
    let full = match uri.query() {
        Some(query) => format!("{rest}?{query}"),
        None => rest.to_owned(),
    };
    let url = full.strip_suffix("/driveItem")?;
    match url.strip_prefix("https:/") {
        Some(tail) if !tail.starts_with('/') => Some(format!("https://{tail}")),
        Some(_) => Some(url.to_owned()),
        None => None,
    }
}

async fn method_not_allowed() -> Response {
    Problem::from_error(&ResolveError::MethodNotAllowed, Vec::new()).into_response()
}

/// `GET /v1/shares/{shareId}/driveItem`: Graph-compatible.
async fn get_drive_item(
    State(state): State<AppState>,
    headers: HeaderMap,
    share_id: Result<Path<String>, PathRejection>,
) -> Response {
    let share = |hosts: &HostAllowList| match share_id {
        Ok(Path(id)) => ShareId::parse(&id, hosts).map_err(ResolveError::from),
        // Only a segment that is not UTF-8 once percent-decoded gets here.
        Err(_) => Err(ResolveError::Share(ShareIdError::Unrecognised)),
    };
    handle(&state, "get_drive_item", &headers, share).await
}

/// `POST /v1/resolve` body: exactly one of the two.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResolveBody {
    share_url: Option<String>,
    share_id: Option<String>,
}

async fn post_resolve(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let share = |hosts: &HostAllowList| {
        let body = body.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ResolveError::PayloadTooLarge {
                    limit: MAX_BODY_BYTES,
                }
            } else {
                ResolveError::BadRequest(rejection.body_text())
            }
        })?;
        let parsed: ResolveBody = serde_json::from_slice(&body).map_err(|e| {
            ResolveError::BadRequest(format!("the body is not the expected JSON: {e}"))
        })?;
        match (parsed.share_url, parsed.share_id) {
            (Some(url), None) => Ok(ShareId::from_url(SharingUrl::parse(&url, hosts)?)),
            (None, Some(id)) => Ok(ShareId::parse(&id, hosts)?),
            (Some(_), Some(_)) => Err(ResolveError::BadRequest(
                "send shareUrl or shareId, not both".to_owned(),
            )),
            (None, None) => Err(ResolveError::BadRequest(
                "send one of shareUrl or shareId".to_owned(),
            )),
        }
    };
    handle(&state, "resolve", &headers, share).await
}

/// The shared path of both resolve routes: token first (a caller without a
/// token learns that before anything about its input), then the share.
async fn handle(
    state: &AppState,
    route: &'static str,
    headers: &HeaderMap,
    share: impl FnOnce(&HostAllowList) -> Result<ShareId, ResolveError>,
) -> Response {
    let started = Instant::now();
    let client_request_id = client_request_id(headers);
    let parsed = (|| {
        let authorization = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        let token = BearerToken::from_authorization(authorization)?;
        let claims = TokenClaims::peek(&token, SystemTime::now())?;
        let share = share(&state.hosts)?;
        Ok::<_, ResolveError>(ResolveRequest {
            token,
            claims,
            share,
            client_request_id: client_request_id.clone(),
        })
    })();
    let (result, mut report) = match parsed {
        Ok(request) => state.resolver.resolve(&request).await,
        Err(e) => (Err(e), Report::default()),
    };
    report.timings.total = started.elapsed();
    log_request(route, &result, &report, &client_request_id);
    render(result, report, &client_request_id)
}

/// The caller's `client-request-id` when it is sane, else a fresh GUID.
fn client_request_id(headers: &HeaderMap) -> String {
    headers
        .get("client-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| {
            !v.is_empty()
                && v.len() <= MAX_CLIENT_REQUEST_ID
                && v.bytes().all(|b| b.is_ascii_graphic())
        })
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned)
}

fn render(
    result: Result<Resolved, ResolveError>,
    report: Report,
    client_request_id: &str,
) -> Response {
    let mut response = match result {
        Ok(resolved) => {
            let mut response = (StatusCode::OK, resolved.body).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                resolved
                    .content_type
                    .unwrap_or_else(|| HeaderValue::from_static("application/json")),
            );
            response
        }
        Err(error) => Problem::from_error(&error, report.graph.clone()).into_response(),
    };
    let headers = response.headers_mut();
    let mut set = |name: &'static str, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(HeaderName::from_static(name), v);
        }
    };
    if let Some(hydration) = report.hydration {
        set("x-resolver-hydration", hydration.as_str().to_owned());
        set(
            "x-resolver-warmup",
            report.warmup.map_or("skipped", |w| w.as_str()).to_owned(),
        );
        set("x-resolver-attempts", report.attempts.to_string());
    }
    let last = report.graph.iter().rev().find(|d| d.status.is_some());
    if let Some(request_id) = last.and_then(|d| d.request_id.clone()) {
        set("request-id", request_id);
    }
    set(
        "client-request-id",
        last.and_then(|d| d.client_request_id.clone())
            .unwrap_or_else(|| client_request_id.to_owned()),
    );
    let t = report.timings;
    set(
        "server-timing",
        format!(
            "store;dur={:.1}, warmup;dur={:.1}, graph;dur={:.1}, total;dur={:.1}",
            ms(t.store),
            ms(t.warmup),
            ms(t.graph),
            ms(t.total)
        ),
    );
    response
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The request's one log line. Never the token: only the user key, counts,
/// Graph ids and timings.
fn log_request(
    route: &'static str,
    result: &Result<Resolved, ResolveError>,
    report: &Report,
    client_request_id: &str,
) {
    let request_ids: Vec<&str> = report
        .graph
        .iter()
        .filter_map(|d| d.request_id.as_deref())
        .collect();
    let user = report.user.as_ref().map(ToString::to_string);
    let outcome = match result {
        Ok(_) => "ok".to_owned(),
        Err(e) => Problem::from_error(e, Vec::new()).code.to_owned(),
    };
    tracing::info!(
        route,
        outcome,
        user = user.as_deref(),
        hydration = report.hydration.map(|h| h.as_str()),
        warmup = report.warmup.map(|w| w.as_str()),
        warmup_shared = report.warmup_shared,
        stale_hit = report.stale_hit,
        attempts = report.attempts,
        graph_calls = report.graph.len(),
        graph_request_ids = ?request_ids,
        client_request_id,
        store_ms = ms(report.timings.store),
        warmup_ms = ms(report.timings.warmup),
        graph_ms = ms(report.timings.graph),
        duration_ms = ms(report.timings.total),
        "request"
    );
}
