//! Route handlers: extract at the edge, call the resolver, render.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use tokio::time::Instant;

use super::error::ApiError;
use super::extract::{Authorized, Body, Optional, ResolveBody, WarmupBody, client_request_id};
use super::openapi;
use super::problem::Problem;
use crate::metrics::{Metrics, RequestMetrics};
use crate::resolver::{Report, Resolved, Resolver, WarmupRequest};
use crate::share_id::{HostAllowList, ShareId, ShareIdError, SharingUrl};

/// What every handler shares: built once per cold start.
#[derive(Clone)]
pub(crate) struct AppState {
    pub resolver: Arc<Resolver>,
    pub metrics: Metrics,
    pub hosts: Arc<HostAllowList>,
}

#[utoipa::path(
    get,
    path = "/healthz",
    tag = "service",
    responses((status = 200, description = "The service is up", body = openapi::Health))
)]
pub(crate) async fn healthz() -> Response {
    Json(serde_json::json!({"status": "ok"})).into_response()
}

/// `GET /v1/shares/{shareId}/driveItem`: Graph-compatible.
#[utoipa::path(
    get,
    path = "/v1/shares/{shareId}/driveItem",
    tag = "resolve",
    params(
        ("shareId" = openapi::ShareId, Path, description = "`u!…` (unpadded base64url of the sharing URL), `s!…`, or the percent-encoded raw sharing URL"),
        openapi::CallerHeaders
    ),
    responses(openapi::Resolution, openapi::InputProblems),
    security(("bearer" = []))
)]
pub(crate) async fn get_drive_item(
    State(state): State<AppState>,
    trace: TraceId,
    headers: HeaderMap,
    caller: Result<Authorized, ApiError>,
    share_id: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Response {
    let share = match share_id {
        Ok(Path(id)) => ShareId::parse(&id, &state.hosts).map_err(ApiError::from),
        // Only a segment that is not UTF-8 once percent-decoded gets here.
        Err(_) => Err(ApiError::Share(ShareIdError::Unrecognised)),
    };
    resolve(&state, "get_drive_item", &trace, &headers, caller, share).await
}

/// `POST /v1/resolve`.
#[utoipa::path(
    post,
    path = "/v1/resolve",
    tag = "resolve",
    params(openapi::CallerHeaders),
    request_body = openapi::ResolveBody,
    responses(
        openapi::Resolution,
        openapi::InputProblems,
        (status = 413, description = "`payload_too_large`", body = openapi::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn post_resolve(
    State(state): State<AppState>,
    trace: TraceId,
    headers: HeaderMap,
    caller: Result<Authorized, ApiError>,
    body: Result<Body<ResolveBody>, ApiError>,
) -> Response {
    let share = body.and_then(|Body(body)| share_of(body, &state.hosts));
    resolve(&state, "resolve", &trace, &headers, caller, share).await
}

fn share_of(body: ResolveBody, hosts: &HostAllowList) -> Result<ShareId, ApiError> {
    match (body.share_url, body.share_id) {
        (Some(url), None) => Ok(ShareId::from_url(SharingUrl::parse(&url, hosts)?)),
        (None, Some(id)) => Ok(ShareId::parse(&id, hosts)?),
        (Some(_), Some(_)) => Err(ApiError::BadRequest(
            "send shareUrl or shareId, not both".to_owned(),
        )),
        (None, None) => Err(ApiError::BadRequest(
            "send one of shareUrl or shareId".to_owned(),
        )),
    }
}

/// Unknown routes, and `GET /v1/shares/…/driveItem` paths the route does not
/// match: a raw sharing URL that a gateway decoded, or a malformed id.
pub(crate) async fn fallback(
    State(state): State<AppState>,
    trace: TraceId,
    method: Method,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    if method == Method::GET {
        let share = match decoded_share_url(&uri) {
            Some(raw) => Some(ShareId::parse(&raw, &state.hosts).map_err(ApiError::from)),
            // `/v1/shares/u!ab/cd/driveItem`: a share id with a `/` in it.
            None if uri.path().starts_with("/v1/shares/") && uri.path().ends_with("/driveItem") => {
                Some(Err(ApiError::Share(ShareIdError::Unrecognised)))
            }
            None => None,
        };
        if let Some(share) = share {
            let caller = Authorized::from_headers(&headers);
            return resolve(&state, "get_drive_item", &trace, &headers, caller, share).await;
        }
    }
    let error = ApiError::RouteNotFound(uri.path().to_owned());
    Problem::from_error(&error, Vec::new()).into_response()
}

/// API Gateway HTTP APIs are reported to percent-decode the path before the
/// function sees it, so `/v1/shares/https%3A%2F%2F…%3Fe%3Dx/driveItem`
/// arrives as `/v1/shares/https://…` + `?e=x/driveItem`. Reassembles the
/// sharing URL (also when a proxy collapsed `//`); `None` for anything else.
pub(crate) fn decoded_share_url(uri: &Uri) -> Option<String> {
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

pub(crate) async fn method_not_allowed() -> Response {
    Problem::from_error(&ApiError::MethodNotAllowed, Vec::new()).into_response()
}

/// The shared path of the resolve routes: caller, then share, then resolver.
/// A caller problem wins over a share problem: a caller without a token
/// learns nothing about its input.
async fn resolve(
    state: &AppState,
    route: &'static str,
    trace: &TraceId,
    headers: &HeaderMap,
    caller: Result<Authorized, ApiError>,
    share: Result<ShareId, ApiError>,
) -> Response {
    let started = Instant::now();
    let client_request_id = request_id_of(&caller, headers);
    let request = caller.and_then(|caller| caller.resolve(share?));
    let (result, mut report) = match request {
        Ok(request) => {
            let (result, report) = state.resolver.resolve(&request).await;
            (result.map_err(ApiError::from), report)
        }
        Err(e) => (Err(e), Report::default()),
    };
    report.timings.total = started.elapsed();
    let response = render(result, report.clone(), &client_request_id);
    account(
        state,
        route,
        trace,
        error_of(&response),
        &report,
        &client_request_id,
        response.status(),
    );
    response
}

/// `POST /v1/warmup`: pre-warm a guest right after sign-in.
#[utoipa::path(
    post,
    path = "/v1/warmup",
    tag = "warmup",
    params(openapi::CallerHeaders),
    request_body(content = Option<openapi::WarmupBody>, description = "Optional (no body is `{}`; whitespace alone is not JSON): where to warm up"),
    responses(
        (status = 200, description = "Known (`hit`, `member`: no Graph call) or warmed once the warm-up answered", body = openapi::Prewarmed, content_type = "application/json"),
        openapi::InputProblems,
        (status = 403, description = "`personal_account_unsupported`, `missing_scope`", body = openapi::Problem, content_type = "application/problem+json"),
        (status = 413, description = "`payload_too_large`", body = openapi::Problem, content_type = "application/problem+json"),
        (status = 502, description = "`graph_unavailable` (also when no warm-up strategy answered)", body = openapi::Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds (at most 300), when Graph sent one"))),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn post_warmup(
    State(state): State<AppState>,
    trace: TraceId,
    headers: HeaderMap,
    caller: Result<Authorized, ApiError>,
    body: Result<Optional<WarmupBody>, ApiError>,
) -> Response {
    let started = Instant::now();
    let client_request_id = request_id_of(&caller, &headers);
    let request = caller.and_then(|caller| {
        let Optional(body) = body?;
        let (url, host) = place_of(body, &state.hosts)?;
        let host_name = url.as_ref().map(|u| u.host().to_owned()).or(host.clone());
        Ok(WarmupRequest {
            caller: caller.caller(host_name.as_deref())?,
            url,
            host,
        })
    });
    let (result, mut report) = match request {
        Ok(request) => {
            let (result, report) = state.resolver.prewarm(&request).await;
            (result.map_err(ApiError::from), report)
        }
        Err(e) => (Err(e), Report::default()),
    };
    report.timings.total = started.elapsed();
    let code = result.as_ref().err().map(Problem::code_of);
    let mut response = match result {
        Ok(prewarmed) => Json(serde_json::json!({
            "hydration": prewarmed.hydration,
            "warmup": prewarmed.warmup.map_or("skipped", |w| w.as_str()),
        }))
        .into_response(),
        Err(error) => Problem::from_error(&error, report.graph.clone()).into_response(),
    };
    set_request_ids(&mut response, &report, &client_request_id);
    account(
        &state,
        "warmup",
        &trace,
        code,
        &report,
        &client_request_id,
        response.status(),
    );
    response
}

/// Where a pre-warm should warm up: a sharing URL, a SharePoint host, or
/// (neither) wherever needs none.
fn place_of(
    body: WarmupBody,
    hosts: &HostAllowList,
) -> Result<(Option<SharingUrl>, Option<String>), ApiError> {
    match (body.share_url, body.host) {
        (Some(url), None) => Ok((Some(SharingUrl::parse(&url, hosts)?), None)),
        (None, Some(host)) => {
            let host = host.trim();
            if host.is_empty()
                || !host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
            {
                return Err(ShareIdError::HostNotPlain.into());
            }
            // A host is judged as the host of a sharing URL would be.
            let url = SharingUrl::parse(&format!("https://{host}/"), hosts)?;
            Ok((None, Some(url.host().to_owned())))
        }
        (None, None) => Ok((None, None)),
        (Some(_), Some(_)) => Err(ApiError::BadRequest(
            "send shareUrl or host, not both".to_owned(),
        )),
    }
}

/// The caller's `client-request-id`, or a fresh one.
fn request_id_of(caller: &Result<Authorized, ApiError>, headers: &HeaderMap) -> String {
    match caller {
        Ok(caller) => caller.client_request_id.clone(),
        Err(_) => client_request_id(headers),
    }
}

fn render(result: Result<Resolved, ApiError>, report: Report, client_request_id: &str) -> Response {
    let succeeded = result.is_ok();
    let code = result.as_ref().err().map(Problem::code_of);
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
    // What the service knew of the user shows on success only: a caller
    // whose token Graph refused must learn nothing about that user.
    if succeeded && let Some(hydration) = report.hydration {
        set("x-resolver-hydration", hydration.as_str().to_owned());
        set(
            "x-resolver-warmup",
            report.warmup.map_or("skipped", |w| w.as_str()).to_owned(),
        );
        set("x-resolver-attempts", report.attempts.to_string());
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
    }
    set_request_ids(&mut response, &report, client_request_id);
    if let Some(code) = code {
        response.extensions_mut().insert(ProblemCode(code));
    }
    response
}

/// The problem code a response carries, for the log line and metrics.
#[derive(Clone, Copy)]
struct ProblemCode(&'static str);

fn error_of(response: &Response) -> Option<&'static str> {
    response.extensions().get::<ProblemCode>().map(|c| c.0)
}

/// The X-Ray trace id of the invocation, under Lambda.
pub(crate) struct TraceId(Option<String>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for TraceId {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        let context = parts.extensions.get::<lambda_http::Context>();
        Ok(Self(context.and_then(|c| c.xray_trace_id.clone())))
    }
}

/// The request's one log line and its EMF document.
fn account(
    state: &AppState,
    route: &'static str,
    trace: &TraceId,
    error: Option<&'static str>,
    report: &Report,
    client_request_id: &str,
    status: StatusCode,
) {
    let outcome = error.unwrap_or("ok");
    log_request(route, outcome, trace, report, client_request_id);
    let t = report.timings;
    state.metrics.record(&RequestMetrics {
        route,
        outcome,
        status: status.as_u16(),
        hydration: report.hydration.map(|h| h.as_str()),
        warmup_strategy: (report.warmup_calls > 0)
            .then(|| report.warmup.map(|w| w.as_str()))
            .flatten(),
        warmup_calls: report.warmup_calls,
        attempts: report.attempts,
        graph_calls: u32::try_from(report.graph.len()).unwrap_or(u32::MAX),
        stale_hit: report.stale_hit,
        store_errors: report.store.errors,
        store_timeouts: report.store.timeouts,
        latency: t.total,
        store_latency: t.store,
        warmup_latency: t.warmup,
        graph_latency: t.graph,
        trace_id: trace.0.clone(),
    });
}

/// `request-id` and `client-request-id` of the last Graph answer.
fn set_request_ids(response: &mut Response, report: &Report, client_request_id: &str) {
    let last = report.graph.iter().rev().find(|d| d.status.is_some());
    let headers = response.headers_mut();
    if let Some(v) = last
        .and_then(|d| d.request_id.as_deref())
        .and_then(|id| HeaderValue::from_str(id).ok())
    {
        headers.insert("request-id", v);
    }
    let echoed = last
        .and_then(|d| d.client_request_id.as_deref())
        .unwrap_or(client_request_id);
    if let Ok(v) = HeaderValue::from_str(echoed) {
        headers.insert("client-request-id", v);
    }
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The request's one log line. Never the token: only the user key, counts,
/// Graph ids and timings.
fn log_request(
    route: &'static str,
    outcome: &'static str,
    trace: &TraceId,
    report: &Report,
    client_request_id: &str,
) {
    let request_ids: Vec<&str> = report
        .graph
        .iter()
        .filter_map(|d| d.request_id.as_deref())
        .collect();
    let user = report.user.as_ref().map(ToString::to_string);
    tracing::info!(
        route,
        outcome,
        user = user.as_deref(),
        hydration = report.hydration.map(|h| h.as_str()),
        warmup = report.warmup.map(|w| w.as_str()),
        warmup_shared = report.warmup_shared,
        warmup_calls = report.warmup_calls,
        stale_hit = report.stale_hit,
        attempts = report.attempts,
        graph_calls = report.graph.len(),
        graph_request_ids = ?request_ids,
        client_request_id,
        trace_id = trace.0.as_deref(),
        store_errors = report.store.errors,
        store_timeouts = report.store.timeouts,
        store_ms = ms(report.timings.store),
        warmup_ms = ms(report.timings.warmup),
        graph_ms = ms(report.timings.graph),
        duration_ms = ms(report.timings.total),
        "request"
    );
}
