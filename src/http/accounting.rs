//! One line for every response, whoever answered it: a handler, the
//! fallback (404), axum's method check (405) or the panic catcher (500);
//! only the health check and the OpenAPI document are left out.
//!
//! Handlers leave what they know on the response: the resolver's [`Report`]
//! (as [`Accounted`]) and, through `Problem`'s `IntoResponse`, the
//! [`ProblemCode`]. This layer reads both; nothing else writes either.
//!
//! # The line
//! One JSON object that is both the request's log line and its CloudWatch
//! EMF document (the EMF specification lets a document carry other
//! members): what was asked (`route`, `status`), the metrics' dimensions
//! and values (`Outcome`, `Latency`, `Attempts`, … : see [`crate::metrics`]
//! for which appear when), who (`user`, `hydration`, `warmup`), the ids that
//! join it with Lambda's and API Gateway's records, `graph` (one entry per
//! Graph or SharePoint call, with what Microsoft support asks for), and
//! `_aws`, the metric declarations, last. Never the token nor the share.
//!
//! A hit's lines were two (a log line and an EMF document, 2,336 bytes
//! under Lambda); they are one of 1,157 (docs/performance.md). What went:
//! - every value written twice (the log's `attempts`, `graph_calls`,
//!   `store_ms`, … beside the metrics' `Attempts`, `GraphCalls`,
//!   `StoreLatency`, …: the metric names stay, as the alarms read them);
//! - tracing's `level`, `target`, `message` and, outside Lambda, its
//!   `timestamp` (`_aws.Timestamp` is the request's time);
//! - what a member would say as `false`, `0` or `null` (metrics of 0, per
//!   call `code` when Graph sent none, `warmup_shared` when false);
//! - a call's `clientRequestId` when it is the line's `client_request_id`
//!   (the service sends Graph that one, and Graph echoes it);
//! - `trace_id`: Lambda's own report line carries the trace (JSON log
//!   format), and the request's X-Ray subsegment carries the Lambda request
//!   id as an annotation, so each finds the other.
//!
//! The line is written through the metrics' sink, straight to stdout,
//! whatever the log level: the alarms must not go quiet because someone
//! turned the logs down.
//!
//! # A batch's line
//! One line for a whole `POST /v1/$batch` (the contract): `Requests` counts
//! its inner requests and the 0/1 metrics become counts (the alarms divide
//! sums, so a count of 3 in a line of 20 is read right), `graph` holds one
//! entry per inner answer with that request's `id` beside the call's ids,
//! and `outcomes` tallies the inner answers by code (`{"ok":18,
//! "share_not_found":2}`): `Line::render` is where they go.

use std::time::{Duration, SystemTime};

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use lambda_http::RequestExt;
use lambda_http::request::RequestContext;
use serde_json::{Map, Value, json};
use tokio::time::Instant;
use tracing::Instrument;

use super::extract::ClientRequestId;
use crate::graph::share_round_trips;
use crate::metrics::{BatchTally, Emf, Metrics, RequestMetrics};
use crate::problem_code::ProblemCode;
use crate::resolver::Report;
use crate::telemetry::xray;

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

/// The ids that join the line with Lambda's and API Gateway's records.
#[derive(Default)]
struct Invocation {
    /// The X-Ray trace header of the invocation (for the request's span).
    trace_header: Option<String>,
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
        trace_header: lambda.and_then(|c| c.xray_trace_id.clone()),
        lambda_request_id: lambda
            .map(|c| c.request_id.clone())
            .filter(|id| !id.is_empty()),
        apigw_request_id,
    }
}

/// The middleware: gives the request its `client-request-id` (once, so the
/// line, Graph and the response agree), runs it, and accounts for it.
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
    let span = xray::request_span(
        &route,
        invocation.trace_header.as_deref(),
        invocation.lambda_request_id.as_deref(),
    );
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
    metrics.write(&line.render(&metrics, SystemTime::now()));
    response
}

/// One request, as its line sees it.
struct Line<'a> {
    route: &'a str,
    outcome: Option<ProblemCode>,
    status: u16,
    report: &'a Report,
    client_request_id: &'a str,
    invocation: &'a Invocation,
    latency: Duration,
    /// A batch's inner answers.
    batch: Option<&'a BatchTally>,
}

impl Line<'_> {
    fn metrics(&self) -> RequestMetrics {
        let report = self.report;
        let t = report.timings;
        RequestMetrics {
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
            batch: self.batch.cloned(),
        }
    }

    /// The request's one line (module docs), pure: its members in the
    /// order they are written. A refused token's one call stays anonymous
    /// in `graph`, as the caller was told.
    fn render(&self, metrics: &Metrics, now: SystemTime) -> Map<String, Value> {
        let report = self.report;
        let Emf { members, metadata } = metrics.document(&self.metrics(), now);
        let mut line = Map::new();
        let mut put = |key: &str, value: Value| {
            line.insert(key.to_owned(), value);
        };
        put("route", json!(self.route));
        put("status", json!(self.status));
        for (key, value) in members {
            put(&key, value);
        }
        if let Some(user) = &report.user {
            put("user", json!(user.to_string()));
        }
        if let Some(hydration) = report.hydration {
            put("hydration", json!(hydration.as_str()));
        }
        if let Some(warmup) = report.warmup {
            put("warmup", json!(warmup.as_str()));
        }
        if report.warmup_shared {
            put("warmup_shared", json!(true));
        }
        put("client_request_id", json!(self.client_request_id));
        let invocation = self.invocation;
        if let Some(id) = &invocation.lambda_request_id {
            put("lambda_request_id", json!(id));
        }
        if let Some(id) = &invocation.apigw_request_id {
            put("apigw_request_id", json!(id));
        }
        let graph = share_round_trips(
            report
                .graph
                .iter()
                .map(|call| call.for_log(self.client_request_id))
                .collect(),
        );
        put("graph", json!(graph));
        if let Some(batch) = self.batch {
            put("outcomes", json!(batch.outcomes));
        }
        put("_aws", metadata);
        line
    }
}

pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
