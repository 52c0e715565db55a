//! Route handlers: extract at the edge, call the resolver, render. The
//! accounting layer writes the log line and the metrics; `Problem` renders
//! every failure.

use std::future::Future;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use tokio::time::Instant;

use super::accounting::{Accounted, ms};
use super::error::ApiError;
use super::extract::{
    Authorized, Body, ClientRequestId, ItemPath, Optional, Preference, PreviewOptions, ResolveBody,
    SharePath, WarmupBody,
};
use super::next_link;
use super::openapi::schemas;
use super::problem::Problem;
use super::public_url::PageUrl;
use super::state::AppState;
use crate::prefer::Redeem;
use crate::preview::PreviewBody;
use crate::query_options::{QueryOptions, Scope};
use crate::resolver::{Prewarmed, Report, ResolveError, Resolved, Resource, Target, WarmupRequest};
use crate::share_id::{HostAllowList, ShareId, SharePointHost, SharingUrl};
use crate::warmup::WarmupOutcome;

#[utoipa::path(
    get,
    path = "/healthz",
    tag = "service",
    responses((status = 200, description = "The service is up", body = schemas::Health))
)]
pub(crate) async fn healthz() -> Response {
    Json(schemas::Health { status: "ok" }).into_response()
}

/// `GET /v1/shares/{shareId}/driveItem`: Graph-compatible.
#[utoipa::path(
    get,
    path = "/v1/shares/{shareId}/driveItem",
    tag = "resolve",
    params(
        schemas::SharePathParam,
        schemas::ItemOptions,
        schemas::CallerHeaders,
        schemas::PreferHeader
    ),
    responses(schemas::Resolution, schemas::InputProblems),
    security(("bearer" = []))
)]
pub(crate) async fn get_drive_item(
    State(state): State<AppState>,
    request_id: ClientRequestId,
    caller: Result<Authorized, ApiError>,
    share: Result<SharePath, ApiError>,
    RawQuery(query): RawQuery,
    Preference(redeem): Preference,
) -> Response {
    let target = share.and_then(|SharePath(share)| {
        read(
            Resource::Share(share),
            Scope::Item,
            query.as_deref(),
            redeem,
        )
    });
    resolve(&state, request_id, caller, target, None).await
}

/// `GET /v1/shares/{shareId}/driveItem/children`: a shared folder's children.
#[utoipa::path(
    get,
    path = "/v1/shares/{shareId}/driveItem/children",
    tag = "browse",
    params(
        schemas::SharePathParam,
        schemas::ChildrenOptions,
        schemas::CallerHeaders,
        schemas::PreferHeader
    ),
    responses(schemas::Children, schemas::InputProblems),
    security(("bearer" = []))
)]
pub(crate) async fn get_share_children(
    State(state): State<AppState>,
    request_id: ClientRequestId,
    caller: Result<Authorized, ApiError>,
    share: Result<SharePath, ApiError>,
    RawQuery(query): RawQuery,
    Preference(redeem): Preference,
    PageUrl(page): PageUrl,
) -> Response {
    let target = share.and_then(|SharePath(share)| {
        read(
            Resource::Share(share),
            Scope::Children,
            query.as_deref(),
            redeem,
        )
    });
    resolve(&state, request_id, caller, target, page).await
}

/// `GET /v1/drives/{driveId}/items/{itemId}`: an item inside a shared folder.
#[utoipa::path(
    get,
    path = "/v1/drives/{driveId}/items/{itemId}",
    tag = "browse",
    params(
        schemas::ItemPathParams,
        schemas::ItemOptions,
        schemas::CallerHeaders
    ),
    responses(schemas::Resolution, schemas::InputProblems),
    security(("bearer" = []))
)]
pub(crate) async fn get_item(
    State(state): State<AppState>,
    request_id: ClientRequestId,
    caller: Result<Authorized, ApiError>,
    item: Result<ItemPath, ApiError>,
    RawQuery(query): RawQuery,
) -> Response {
    let target = item
        .and_then(|ItemPath(item)| read(Resource::Item(item), Scope::Item, query.as_deref(), None));
    resolve(&state, request_id, caller, target, None).await
}

/// `GET /v1/drives/{driveId}/items/{itemId}/children`.
#[utoipa::path(
    get,
    path = "/v1/drives/{driveId}/items/{itemId}/children",
    tag = "browse",
    params(
        schemas::ItemPathParams,
        schemas::ChildrenOptions,
        schemas::CallerHeaders
    ),
    responses(schemas::Children, schemas::InputProblems),
    security(("bearer" = []))
)]
pub(crate) async fn get_item_children(
    State(state): State<AppState>,
    request_id: ClientRequestId,
    caller: Result<Authorized, ApiError>,
    item: Result<ItemPath, ApiError>,
    RawQuery(query): RawQuery,
    PageUrl(page): PageUrl,
) -> Response {
    let target = item.and_then(|ItemPath(item)| {
        read(
            Resource::Item(item),
            Scope::Children,
            query.as_deref(),
            None,
        )
    });
    resolve(&state, request_id, caller, target, page).await
}

/// `GET /v1/shares/{shareId}/permission`: the sharing link's permission.
#[utoipa::path(
    get,
    path = "/v1/shares/{shareId}/permission",
    tag = "view",
    params(
        schemas::SharePathParam,
        schemas::ItemOptions,
        schemas::CallerHeaders,
        schemas::PreferHeader
    ),
    responses(schemas::LinkPermission, schemas::InputProblems),
    security(("bearer" = []))
)]
pub(crate) async fn get_permission(
    State(state): State<AppState>,
    request_id: ClientRequestId,
    caller: Result<Authorized, ApiError>,
    share: Result<SharePath, ApiError>,
    RawQuery(query): RawQuery,
    Preference(redeem): Preference,
) -> Response {
    let target = share.and_then(|SharePath(share)| {
        read(
            Resource::Share(share),
            Scope::Permission,
            query.as_deref(),
            redeem,
        )
    });
    resolve(&state, request_id, caller, target, None).await
}

/// `POST /v1/shares/{shareId}/driveItem/preview`: an embeddable viewer URL.
#[utoipa::path(
    post,
    path = "/v1/shares/{shareId}/driveItem/preview",
    tag = "view",
    params(
        schemas::SharePathParam,
        schemas::CallerHeaders,
        schemas::PreferHeader
    ),
    request_body(content = Option<PreviewBody>, description = "Optional (no body is `{}`; whitespace alone is not JSON): the viewer's options, forwarded to Graph"),
    responses(schemas::Preview, schemas::PreviewProblems),
    security(("bearer" = []))
)]
pub(crate) async fn post_share_preview(
    State(state): State<AppState>,
    request_id: ClientRequestId,
    caller: Result<Authorized, ApiError>,
    share: Result<SharePath, ApiError>,
    RawQuery(query): RawQuery,
    Preference(redeem): Preference,
    body: Result<PreviewOptions, ApiError>,
) -> Response {
    let target = share.and_then(|SharePath(share)| {
        let PreviewOptions(body) = body?;
        read(
            Resource::Share(share),
            Scope::Preview(body),
            query.as_deref(),
            redeem,
        )
    });
    resolve(&state, request_id, caller, target, None).await
}

/// `POST /v1/drives/{driveId}/items/{itemId}/preview`: the same for an item
/// inside a shared folder.
#[utoipa::path(
    post,
    path = "/v1/drives/{driveId}/items/{itemId}/preview",
    tag = "view",
    params(schemas::ItemPathParams, schemas::CallerHeaders),
    request_body(content = Option<PreviewBody>, description = "Optional (no body is `{}`; whitespace alone is not JSON): the viewer's options, forwarded to Graph"),
    responses(schemas::Preview, schemas::PreviewProblems),
    security(("bearer" = []))
)]
pub(crate) async fn post_item_preview(
    State(state): State<AppState>,
    request_id: ClientRequestId,
    caller: Result<Authorized, ApiError>,
    item: Result<ItemPath, ApiError>,
    RawQuery(query): RawQuery,
    body: Result<PreviewOptions, ApiError>,
) -> Response {
    let target = item.and_then(|ItemPath(item)| {
        let PreviewOptions(body) = body?;
        read(
            Resource::Item(item),
            Scope::Preview(body),
            query.as_deref(),
            None,
        )
    });
    resolve(&state, request_id, caller, target, None).await
}

/// `POST /v1/resolve`.
#[utoipa::path(
    post,
    path = "/v1/resolve",
    tag = "resolve",
    params(schemas::CallerHeaders),
    request_body = ResolveBody,
    responses(
        schemas::Resolution,
        schemas::InputProblems,
        (status = 413, description = "`payload_too_large`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn post_resolve(
    State(state): State<AppState>,
    request_id: ClientRequestId,
    caller: Result<Authorized, ApiError>,
    body: Result<Body<ResolveBody>, ApiError>,
) -> Response {
    let target = body.and_then(|Body(body)| {
        let options = QueryOptions::from_body(body.select.as_deref(), body.expand.as_deref())?;
        let share = share_of(body, &state.hosts)?;
        Ok(Target::new(
            Resource::Share(share),
            Scope::Item,
            options,
            None,
        )?)
    });
    resolve(&state, request_id, caller, target, None).await
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

/// Unknown routes, and `/v1/shares/…` paths the share routes do not match:
/// a raw sharing URL that a gateway decoded (across segments, its own `?`
/// starting the query), or a malformed id.
#[allow(clippy::too_many_arguments)] // one extractor each
pub(crate) async fn fallback(
    State(state): State<AppState>,
    request_id: ClientRequestId,
    method: Method,
    uri: Uri,
    caller: Result<Authorized, ApiError>,
    Preference(redeem): Preference,
    page: PageUrl,
    body: Result<PreviewOptions, ApiError>,
) -> Response {
    let below = |suffix| SharePath::of_unmatched_below(&uri, &state.hosts, suffix);
    if method == Method::POST
        && let Some(preview) = below("/driveItem/preview")
    {
        let target = preview.and_then(|(SharePath(id), query)| {
            let PreviewOptions(body) = body?;
            read(
                Resource::Share(id),
                Scope::Preview(body),
                query.as_deref(),
                redeem,
            )
        });
        return resolve(&state, request_id, caller, target, None).await;
    }
    if method != Method::GET {
        return ApiError::RouteNotFound(uri.path().to_owned()).into_response();
    }
    if let Some(share) = SharePath::of_unmatched(&uri, &state.hosts) {
        // The query of a decoded URL is the sharing URL's: no options.
        let target =
            share.and_then(|SharePath(id)| read(Resource::Share(id), Scope::Item, None, redeem));
        return resolve(&state, request_id, caller, target, None).await;
    }
    if let Some(listing) = below("/driveItem/children") {
        // Next pages go to the u! form of the same share: one segment,
        // whatever the gateway decodes.
        let next = listing.as_ref().ok().and_then(|(SharePath(id), _)| {
            let route = format!("/v1/shares/{}/driveItem/children", id.as_str());
            page.with_path(&route, uri.path())
        });
        let target = listing.and_then(|(SharePath(id), query)| {
            read(
                Resource::Share(id),
                Scope::Children,
                query.as_deref(),
                redeem,
            )
        });
        return resolve(&state, request_id, caller, target, next).await;
    }
    if let Some(permission) = below("/permission") {
        let target = permission.and_then(|(SharePath(id), query)| {
            read(
                Resource::Share(id),
                Scope::Permission,
                query.as_deref(),
                redeem,
            )
        });
        return resolve(&state, request_id, caller, target, None).await;
    }
    ApiError::RouteNotFound(uri.path().to_owned()).into_response()
}

pub(crate) async fn method_not_allowed() -> Response {
    ApiError::MethodNotAllowed.into_response()
}

/// What a route reads, from its parsed path, body and headers and its raw
/// query: the query options checked for `scope`, and the pair one Graph has
/// (no preview of a personal OneDrive link).
pub(crate) fn read(
    resource: Resource,
    scope: Scope,
    query: Option<&str>,
    redeem: Option<Redeem>,
) -> Result<Target, ApiError> {
    let options = QueryOptions::parse(query, &scope)?;
    Ok(Target::new(resource, scope, options, redeem)?)
}

/// The one path of every resolver route (a share's driveItem, children,
/// permission or preview; an item inside a shared folder, its children or
/// its preview). A caller problem wins over an input problem: a caller
/// without a token learns nothing about its input. `page_url`: a children
/// listing's own URL, for its next link.
async fn resolve(
    state: &AppState,
    request_id: ClientRequestId,
    caller: Result<Authorized, ApiError>,
    target: Result<Target, ApiError>,
    page_url: Option<String>,
) -> Response {
    let request = match (caller, target) {
        (Ok(caller), Ok(target)) => caller.resolve(target).await,
        (Err(e), _) | (Ok(_), Err(e)) => Err(e),
    };
    let options = request
        .as_ref()
        .map(|r| r.target.options().clone())
        .unwrap_or_default();
    answer(
        request,
        &request_id,
        |request| async move { state.resolver.resolve(&request).await },
        |resolved: Resolved, report| render_page(resolved, report, page_url.as_deref(), &options),
    )
    .await
}

/// `POST /v1/warmup`: pre-warm a guest right after sign-in.
#[utoipa::path(
    post,
    path = "/v1/warmup",
    tag = "warmup",
    params(schemas::CallerHeaders),
    request_body(content = Option<WarmupBody>, description = "Optional (no body is `{}`; whitespace alone is not JSON): where to warm up"),
    responses(
        (status = 200, description = "Known (`hit`, `member`: no Graph call) or warmed once the warm-up answered", body = Prewarmed, content_type = "application/json"),
        schemas::InputProblems,
        (status = 403, description = "`tenant_not_allowed`, `client_not_allowed`, `consent_required`, `personal_account_unsupported`, `missing_scope`", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`payload_too_large`", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "`graph_unavailable` (also when no warm-up strategy answered), `identity_unavailable`", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds (at most 300), when Graph sent one"))),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn post_warmup(
    State(state): State<AppState>,
    request_id: ClientRequestId,
    caller: Result<Authorized, ApiError>,
    body: Result<Optional<WarmupBody>, ApiError>,
) -> Response {
    let request = async {
        let caller = caller?;
        let Optional(body) = body?;
        let (url, host) = place_of(body, &state.hosts)?;
        let host_name = url
            .as_ref()
            .map(SharingUrl::host)
            .or(host.as_ref().map(SharePointHost::as_str));
        Ok(WarmupRequest {
            caller: caller.caller(host_name).await?,
            url,
            host,
        })
    }
    .await;
    answer(
        request,
        &request_id,
        |request| async move { state.resolver.prewarm(&request).await },
        |prewarmed: Prewarmed, _| Json(prewarmed).into_response(),
    )
    .await
}

/// Where a pre-warm should warm up: a sharing URL, a SharePoint host, or
/// (neither) wherever needs none.
fn place_of(
    body: WarmupBody,
    hosts: &HostAllowList,
) -> Result<(Option<SharingUrl>, Option<SharePointHost>), ApiError> {
    match (body.share_url, body.host) {
        (Some(url), None) => Ok((Some(SharingUrl::parse(&url, hosts)?), None)),
        (None, Some(host)) => Ok((None, Some(SharePointHost::parse(&host, hosts)?))),
        (None, None) => Ok((None, None)),
        (Some(_), Some(_)) => Err(ApiError::BadRequest(
            "send shareUrl or host, not both".to_owned(),
        )),
    }
}

/// Every resolver route's skeleton: call the resolver on a request parsed
/// at the edge (or answer its problem), render, and leave the report for
/// the accounting layer.
async fn answer<R, T, F>(
    request: Result<R, ApiError>,
    request_id: &ClientRequestId,
    call: impl FnOnce(R) -> F,
    render: impl FnOnce(T, &Report) -> Response,
) -> Response
where
    F: Future<Output = (Result<T, ResolveError>, Report)>,
{
    let started = Instant::now();
    let (result, mut report) = match request {
        Ok(request) => {
            let (result, report) = call(request).await;
            (result.map_err(ApiError::from), report)
        }
        Err(e) => (Err(e), Report::default()),
    };
    report.timings.total = started.elapsed();
    let mut response = respond(result, &report, request_id.as_str(), render);
    response.extensions_mut().insert(Accounted(report));
    response
}

/// One answer as its route renders it: the value, or its problem with the
/// Graph calls behind it, and the request ids of the last Graph answer. A
/// request inside a batch is rendered by the same function.
pub(super) fn respond<T>(
    result: Result<T, ApiError>,
    report: &Report,
    client_request_id: &str,
    render: impl FnOnce(T, &Report) -> Response,
) -> Response {
    let mut response = match result {
        Ok(value) => render(value, report),
        Err(error) => Problem::from_error(&error, report.graph.clone()).into_response(),
    };
    set_request_ids(&mut response, report, client_request_id);
    response
}

/// Graph's answer, a children page's next link pointed at `page_url` (the
/// listing's own URL on this API), when given.
pub(super) fn render_page(
    mut resolved: Resolved,
    report: &Report,
    page_url: Option<&str>,
    options: &QueryOptions,
) -> Response {
    if let Some(url) = page_url {
        resolved.body = next_link::rewrite(resolved.body, url, options);
    }
    render_resolved(resolved, report)
}

/// Graph's answer (a driveItem, a page, a permission, a preview), with
/// what the service knew of the user in headers. That
/// shows on success only: a caller whose token Graph refused must learn
/// nothing about that user.
fn render_resolved(resolved: Resolved, report: &Report) -> Response {
    let mut response = (StatusCode::OK, resolved.body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        resolved
            .content_type
            .unwrap_or_else(|| HeaderValue::from_static("application/json")),
    );
    let mut set = |name: &'static str, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(HeaderName::from_static(name), v);
        }
    };
    if let Some(hydration) = report.hydration {
        set("x-resolver-hydration", hydration.as_str().to_owned());
        set(
            "x-resolver-warmup",
            WarmupOutcome(report.warmup).as_str().to_owned(),
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
    response
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
