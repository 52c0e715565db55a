//! One log line and one EMF document for every response, whoever answered
//! it: a handler, the fallback (404), axum's method check (405) or the
//! panic catcher (500); only the health check and the OpenAPI document
//! are left out.
//!
//! Handlers leave what they know on the response: the resolver's [`Report`]
//! (as [`Accounted`]) and, through `Problem`'s `IntoResponse`, the
//! [`ProblemCode`]. This layer reads both; nothing else writes either.

use std::time::Duration;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use lambda_http::RequestExt;
use lambda_http::request::RequestContext;
use tokio::time::Instant;
use tracing::Instrument;

use super::extract::ClientRequestId;
use crate::metrics::{BatchTally, Metrics, RequestMetrics};
use crate::problem_code::ProblemCode;
use crate::resolver::Report;
use crate::telemetry::{Json, xray};

/// Routes that are not requests of the API's users: a load balancer's or a
/// tool's polling would only dilute the metrics (and the alarms on them).
const UNMETERED: [&str; 2] = ["/healthz", "/openapi.json"];

/// What a handler did, left on its response for this layer.
#[derive(Clone)]
pub(crate) struct Accounted(pub Report);

/// The route a request matched: its path template, or `unmatched`.
fn route_of(request: &Request) -> String {
    request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned())
}

/// The ids that join the log line with Lambda's and API Gateway's records.
#[derive(Default)]
struct Invocation {
    /// The X-Ray trace id of the invocation.
    trace_id: Option<String>,
    /// Lambda's request id (the `integrationRequestId` of the access log).
    lambda_request_id: Option<String>,
    /// API Gateway's request id (the access log's `requestId`).
    apigw_request_id: Option<String>,
}

/// What lambda_http left on the request, under Lambda; nothing otherwise.
fn invocation_of(request: &Request) -> Invocation {
    let lambda = request.lambda_context_ref();
    let apigw_request_id = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(c)) => c.request_id.clone(),
        Some(RequestContext::ApiGatewayV1(c)) => c.request_id.clone(),
        _ => None,
    };
    Invocation {
        trace_id: lambda.and_then(|c| c.xray_trace_id.clone()),
        lambda_request_id: lambda
            .map(|c| c.request_id.clone())
            .filter(|id| !id.is_empty()),
        apigw_request_id,
    }
}

/// The middleware: gives the request its `client-request-id` (once, so the
/// log line, Graph and the response agree), runs it, and accounts for it.
pub(crate) async fn account(
    State(metrics): State<Metrics>,
    mut request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let client_request_id = ClientRequestId::of(request.headers());
    request.extensions_mut().insert(client_request_id.clone());
    let route = route_of(&request);
    if UNMETERED.contains(&route.as_str()) {
        return next.run(request).await;
    }
    let invocation = invocation_of(&request);
    // The request's X-Ray subsegment (under Lambda, with tracing active).
    let span = xray::request_span(&route, invocation.trace_id.as_deref());
    let mut response = next.run(request).instrument(span).await;
    let report = response
        .extensions_mut()
        .remove::<Accounted>()
        .map(|a| a.0)
        .unwrap_or_default();
    let outcome = response.extensions().get::<ProblemCode>().copied();
    let batch = response.extensions_mut().remove::<BatchTally>();
    let line = Line {
        batch: batch.as_ref(),
        route: &route,
        outcome,
        status: response.status().as_u16(),
        report: &report,
        client_request_id: client_request_id.as_str(),
        invocation: &invocation,
        latency: started.elapsed(),
    };
    line.log();
    metrics.record(&line.metrics());
    response
}

/// One request, as the log line and the metrics see it.
struct Line<'a> {
    route: &'a str,
    outcome: Option<ProblemCode>,
    status: u16,
    report: &'a Report,
    client_request_id: &'a str,
    invocation: &'a Invocation,
    latency: Duration,
    /// A batch's requests by outcome.
    batch: Option<&'a BatchTally>,
}

impl Line<'_> {
    fn metrics(&self) -> RequestMetrics {
        let report = self.report;
        let t = report.timings;
        RequestMetrics {
            route: self.route.to_owned(),
            outcome: self.outcome,
            status: self.status,
            hydration: report.hydration,
            warmup_strategy: report.warmup.filter(|_| report.warmup_calls > 0),
            warmup_calls: report.warmup_calls,
            attempts: report.attempts,
            graph_calls: u32::try_from(report.graph.len()).unwrap_or(u32::MAX),
            stale_hit: report.stale_hit,
            store_errors: report.store.errors,
            store_timeouts: report.store.timeouts,
            latency: self.latency,
            store_latency: t.store,
            warmup_latency: t.warmup,
            graph_latency: t.graph,
            trace_id: self.invocation.trace_id.clone(),
            batch: self.batch.cloned(),
        }
    }

    /// The request's one log line. Never the token nor the share: the user
    /// key, counts, timings, and `graph`, one JSON object per Graph or
    /// SharePoint call with what Microsoft support asks for (a refused
    /// token's one call stays anonymous, as the caller was told).
    fn log(&self) {
        let report = self.report;
        let graph: Vec<_> = report.graph.iter().map(|d| d.for_log()).collect();
        let invocation = self.invocation;
        let user = report.user.as_ref().map(ToString::to_string);
        tracing::info!(
            route = self.route,
            outcome = self.outcome.map_or("ok", ProblemCode::as_str),
            status = self.status,
            user = user.as_deref(),
            hydration = report.hydration.map(|h| h.as_str()),
            warmup = report.warmup.map(|w| w.as_str()),
            warmup_shared = report.warmup_shared,
            warmup_calls = report.warmup_calls,
            stale_hit = report.stale_hit,
            attempts = report.attempts,
            graph_calls = report.graph.len(),
            graph = %Json(&graph),
            batch = self.batch.map(|b| tracing::field::display(Json(b))),
            client_request_id = self.client_request_id,
            lambda_request_id = invocation.lambda_request_id.as_deref(),
            apigw_request_id = invocation.apigw_request_id.as_deref(),
            trace_id = invocation.trace_id.as_deref(),
            store_errors = report.store.errors,
            store_timeouts = report.store.timeouts,
            store_ms = ms(report.timings.store),
            warmup_ms = ms(report.timings.warmup),
            graph_ms = ms(report.timings.graph),
            duration_ms = ms(self.latency),
            "request"
        );
    }
}

pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
