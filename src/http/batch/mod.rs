//! `POST /v1/$batch` (and `/v1/batch`): JSON batching in Graph's format.
//! The body is checked as a whole (`body`), each request parsed like its
//! single route (`inner`), the valid ones resolved together for the one
//! caller, and every answer rendered by the single routes' own rendering,
//! then spelled as Graph spells a batch's answers, in request order.

mod body;
mod inner;

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{StatusCode, Uri};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use tokio::time::Instant;
use utoipa::ToSchema;

pub(crate) use body::{BatchRequestBody, MAX_BATCH_BODY_BYTES};
#[cfg(test)]
pub(crate) use inner::routes;

use super::accounting::Accounted;
use super::error::ApiError;
use super::extract::{Authorized, ClientRequestId};
use super::openapi::schemas;
use super::problem::Problem;
use super::public_url::PageUrl;
use super::routes::{render_page, respond};
use super::state::AppState;
use crate::metrics::BatchTally;
use crate::problem_code::ProblemCode;
use crate::resolver::{Answered, BatchRequest, Report, Resolved, Resource, Target};
use crate::scope::Scope;
use body::BatchJson;

/// `POST /v1/$batch`'s answer: one per request, in request order.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct BatchResponseBody {
    pub responses: Vec<BatchResponseItem>,
}

/// One request's answer: what its single route would have answered.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct BatchResponseItem {
    /// The request's `id`.
    pub id: String,
    /// Its single route's status.
    #[schema(example = 200)]
    pub status: u16,
    /// `Content-Type` (`application/json` for successes and problems alike);
    /// on success `x-resolver-hydration`, `x-resolver-warmup`,
    /// `x-resolver-attempts`, `request-id` and `client-request-id`;
    /// `Retry-After` where the single route sends one.
    #[schema(value_type = std::collections::HashMap<String, String>)]
    pub headers: Map<String, Value>,
    /// Its single route's body: a driveItem, a children page (its next link
    /// pointing at this API) or a problem (`type`, `code`, …).
    #[schema(value_type = Object)]
    pub body: Box<RawValue>,
}

/// `POST /v1/$batch`: many requests of the `/shares` and `/drives` routes in
/// one, answered in request order.
#[utoipa::path(
    post,
    path = "/v1/$batch",
    tag = "batch",
    params(schemas::CallerHeaders),
    request_body = BatchRequestBody,
    responses(
        (status = 200, description = "One answer per request, in request order; each is what its single route would have answered", body = BatchResponseBody, content_type = "application/json"),
        schemas::InputProblems,
        (status = 403, description = "`tenant_not_allowed`, `consent_required`, `personal_account_unsupported`, `missing_scope`, `mfa_required`", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`payload_too_large` (over 64 KiB)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`throttled`: the caller is inside a throttle window", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds left (at most 300)"))),
        (status = 502, description = "`identity_unavailable`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn post_batch(
    State(state): State<AppState>,
    request_id: ClientRequestId,
    caller: Result<Authorized, ApiError>,
    uri: Uri,
    page: PageUrl,
    body: Result<BatchJson, ApiError>,
) -> Response {
    batch(&state, &request_id, caller, &uri, &page, body).await
}

/// `POST /v1/batch`: the same as `POST /v1/$batch`, for clients and
/// gateways that would rather not put a `$` in a path.
#[utoipa::path(
    post,
    path = "/v1/batch",
    tag = "batch",
    params(schemas::CallerHeaders),
    request_body = BatchRequestBody,
    responses(
        (status = 200, description = "As `POST /v1/$batch`", body = BatchResponseBody, content_type = "application/json"),
        schemas::InputProblems,
        (status = 413, description = "`payload_too_large` (over 64 KiB)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`throttled`: the caller is inside a throttle window", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds left (at most 300)"))),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn post_batch_plain(
    State(state): State<AppState>,
    request_id: ClientRequestId,
    caller: Result<Authorized, ApiError>,
    uri: Uri,
    page: PageUrl,
    body: Result<BatchJson, ApiError>,
) -> Response {
    batch(&state, &request_id, caller, &uri, &page, body).await
}

/// A batch's requests by id, each what it reads or why not.
#[cfg(any(test, fuzzing))]
pub(crate) type Parsed<E> = Vec<(String, Result<Target, E>)>;

/// The body's requests as the route reads them (for the fuzz targets).
#[cfg(any(test, fuzzing))]
pub(crate) fn parsed(
    body: &[u8],
    hosts: &crate::share_id::HostAllowList,
) -> Result<Parsed<ApiError>, ApiError> {
    let body: BatchRequestBody = super::extract::parse(body)?;
    Ok(body::checked(body)?
        .into_iter()
        .map(|item| {
            let target = inner::target_of(&item, hosts);
            (item.id, target)
        })
        .collect())
}

/// One request, `method` and `url` alone, as the route reads it.
#[cfg(any(test, fuzzing))]
pub(crate) fn parsed_one(
    method: &str,
    url: &str,
    hosts: &crate::share_id::HostAllowList,
) -> Result<Target, ApiError> {
    inner::target_of(
        &body::BatchRequestItem {
            id: "1".to_owned(),
            method: method.to_owned(),
            url: url.to_owned(),
            headers: None,
            body: None,
            depends_on: None,
        },
        hosts,
    )
}

/// What each request of the batch became: its place among the resolved
/// ones, or its problem (no Graph call).
enum Slot {
    Resolving(usize),
    Refused(String, Option<String>, ApiError),
}

async fn batch(
    state: &AppState,
    request_id: &ClientRequestId,
    caller: Result<Authorized, ApiError>,
    uri: &Uri,
    page: &PageUrl,
    body: Result<BatchJson, ApiError>,
) -> Response {
    let started = Instant::now();
    // A caller problem first (a caller without a token learns nothing of
    // its input), then the body's.
    let parsed = caller.and_then(|caller| body.map(|BatchJson(items)| (caller, items)));
    let (caller, items) = match parsed {
        Ok(parsed) => parsed,
        Err(error) => return whole(error, Report::default(), request_id, started),
    };
    let mut slots = Vec::with_capacity(items.len());
    let mut requests = Vec::new();
    for item in items {
        match inner::target_of(&item, &state.hosts) {
            Ok(target) => {
                slots.push(Slot::Resolving(requests.len()));
                requests.push((item.id, target));
            }
            Err(error) => {
                let crid = item
                    .headers
                    .iter()
                    .flatten()
                    .find(|(name, _)| name.eq_ignore_ascii_case("client-request-id"))
                    .and_then(|(_, v)| ClientRequestId::checked(v.as_str()));
                slots.push(Slot::Refused(item.id, crid, error));
            }
        }
    }

    let (answered, report) = if requests.is_empty() {
        // Nothing to call: the caller's headers are still judged.
        if let Err(error) = caller.check_sharepoint_token() {
            return whole(error, Report::default(), request_id, started);
        }
        (Vec::new(), Report::default())
    } else {
        // One caller for the batch: in `obo` mode one exchange; a
        // SharePoint token checked against the first share's host.
        let host = requests.iter().find_map(|(_, t)| t.host());
        let caller = match caller.caller(host).await {
            Ok(caller) => caller,
            Err(error) => return whole(error, Report::default(), request_id, started),
        };
        let batch = BatchRequest { caller, requests };
        let (result, report) = state.resolver.resolve_batch(&batch).await;
        match result {
            Ok(answered) => (
                batch.requests.into_iter().zip(answered).collect::<Vec<_>>(),
                report,
            ),
            Err(error) => return whole(error.into(), report, request_id, started),
        }
    };

    let mut resolved: Vec<Option<((String, Target), Answered)>> =
        answered.into_iter().map(Some).collect();
    let mut entries = Vec::with_capacity(slots.len());
    for slot in slots {
        let entry = match slot {
            Slot::Refused(id, crid, error) => {
                let crid = crid.unwrap_or_else(|| request_id.as_str().to_owned());
                let response =
                    respond::<Resolved>(Err(error), &Report::default(), &crid, |_, _| {
                        StatusCode::OK.into_response()
                    });
                entry_of(id, response).await
            }
            Slot::Resolving(at) => {
                let Some(((id, target), answered)) = resolved.get_mut(at).and_then(Option::take)
                else {
                    continue;
                };
                let crid = target
                    .client_request_id()
                    .unwrap_or(request_id.as_str())
                    .to_owned();
                let view = Report {
                    attempts: answered.attempts,
                    graph: answered.graph,
                    ..report.clone()
                };
                let listing = listing_url(&target, page, uri.path());
                let response = respond(
                    answered.result.map_err(ApiError::from),
                    &view,
                    &crid,
                    |resolved, view| {
                        render_page(resolved, view, listing.as_deref(), target.options())
                    },
                );
                entry_of(id, response).await
            }
        };
        entries.push(entry);
    }

    let tally = BatchTally::of(entries.iter().map(|e| (e.entry.status, e.outcome)));
    let mut report = report;
    report.timings.total = started.elapsed();
    let answer = BatchResponseBody {
        responses: entries.into_iter().map(|e| e.entry).collect(),
    };
    let mut response = respond(
        Ok(answer),
        &Report {
            graph: Vec::new(),
            ..report.clone()
        },
        request_id.as_str(),
        |answer, _| Json(answer).into_response(),
    );
    response.extensions_mut().insert(tally);
    response.extensions_mut().insert(Accounted(report));
    response
}

/// The whole batch's one problem.
fn whole(
    error: ApiError,
    mut report: Report,
    request_id: &ClientRequestId,
    started: Instant,
) -> Response {
    report.timings.total = started.elapsed();
    let mut response = respond::<()>(Err(error), &report, request_id.as_str(), |(), _| {
        StatusCode::OK.into_response()
    });
    response.extensions_mut().insert(Accounted(report));
    response
}

/// A listing's own route on this API, where its next link points: the
/// share's `u!`/`s!` form or the item's ids, on the batch's host and stage.
fn listing_url(target: &Target, page: &PageUrl, batch_path: &str) -> Option<String> {
    if *target.scope() != Scope::Children {
        return None;
    }
    let route = match target.resource() {
        Resource::Share(share) => format!("/v1/shares/{}/driveItem/children", share.as_str()),
        Resource::Item(item) => format!(
            "/v1/drives/{}/items/{}/children",
            item.drive.as_str(),
            item.item.as_str()
        ),
    };
    page.with_path(&route, batch_path)
}

/// An entry and its outcome, for the batch's log line.
struct Rendered {
    entry: BatchResponseItem,
    outcome: Option<ProblemCode>,
}

/// A single route's response, spelled as an answer inside a batch.
async fn entry_of(id: String, response: Response) -> Rendered {
    let status = response.status().as_u16();
    let outcome = response.extensions().get::<ProblemCode>().copied();
    let success = response.status().is_success();
    let mut headers = Map::new();
    headers.insert("Content-Type".into(), Value::from("application/json"));
    for (name, spelled, on_success) in [
        ("x-resolver-hydration", "x-resolver-hydration", true),
        ("x-resolver-warmup", "x-resolver-warmup", true),
        ("x-resolver-attempts", "x-resolver-attempts", true),
        ("request-id", "request-id", true),
        ("client-request-id", "client-request-id", true),
        ("retry-after", "Retry-After", false),
    ] {
        let value = response.headers().get(name).and_then(|v| v.to_str().ok());
        if let Some(value) = value.filter(|_| success || !on_success) {
            headers.insert(spelled.into(), Value::from(value));
        }
    }
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap_or_default();
    let body = serde_json::from_slice::<Box<RawValue>>(&bytes).unwrap_or_else(|_| {
        // Not JSON (Graph always answers JSON here): its text, as a string.
        let text = Value::from(String::from_utf8_lossy(&bytes).into_owned());
        RawValue::from_string(text.to_string()).unwrap_or_default()
    });
    Rendered {
        entry: BatchResponseItem {
            id,
            status,
            headers,
            body,
        },
        outcome,
    }
}
