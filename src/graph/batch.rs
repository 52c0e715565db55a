//! Graph's JSON batching (learn.microsoft.com/graph/json-batching):
//! `POST {base}/$batch` with at most 20 requests, answered together, in any
//! order, each with its own status, headers and body. Every inner answer
//! becomes the [`GraphResponse`] its single call would have given, so the
//! same `classify` reads it.
//!
//! # Implementation Notes
//! An inner answer carries few headers of its own (no `request-id`,
//! `Date` or `x-ms-ags-diagnostic`: those are the round trip's), and an
//! inner error names its ids in its body's `innerError`. Its diagnostics
//! take what the inner answer says first, then the round trip's, and the
//! `client-request-id` this service sent for it.

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

use super::client::{CallLabel, GraphResponse};
use super::diagnostics::{GraphDiagnostics, GraphErrorBody};
use super::request::GraphRequest;
use crate::prefer::Redeem;

/// Graph's limit of requests in one batch.
pub const MAX_REQUESTS: usize = 20;

/// One request of a batch: the Graph request a single route would send.
#[derive(Debug, Clone, Copy)]
pub struct InnerCall<'a> {
    /// Unique in the batch (the caller's own id: 1 to 64 of `A-Za-z0-9-_`).
    pub id: &'a str,
    pub request: &'a GraphRequest,
    pub client_request_id: &'a str,
    pub label: CallLabel,
}

/// What Graph answered a batch.
#[derive(Debug)]
pub enum BatchAnswer {
    /// Each request's answer, in the order sent; `None` when the batch held
    /// no answer for it.
    Each(Vec<Option<GraphResponse>>),
    /// Graph answered the round trip itself with this (not a 2xx): it
    /// applies to every request in it.
    Whole(Box<GraphResponse>),
}

#[derive(Serialize)]
struct WireBatch<'a> {
    requests: Vec<WireRequest<'a>>,
}

#[derive(Serialize)]
struct WireRequest<'a> {
    id: &'a str,
    method: &'a str,
    /// Relative to the version root, as Graph wants it (`/shares/…`).
    url: &'a str,
    headers: WireHeaders<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<&'a Value>,
}

#[derive(Serialize)]
struct WireHeaders<'a> {
    #[serde(rename = "client-request-id")]
    client_request_id: &'a str,
    #[serde(rename = "Prefer", skip_serializing_if = "Option::is_none")]
    prefer: Option<&'static str>,
    /// An action's JSON body (Graph reads a batch body by its type).
    #[serde(rename = "Content-Type", skip_serializing_if = "Option::is_none")]
    content_type: Option<&'static str>,
}

#[derive(Deserialize)]
struct WireAnswer<'a> {
    #[serde(borrow)]
    responses: Vec<WireResponse<'a>>,
}

#[derive(Deserialize)]
struct WireResponse<'a> {
    id: String,
    status: u16,
    #[serde(default)]
    headers: serde_json::Map<String, Value>,
    #[serde(borrow, default)]
    body: Option<&'a RawValue>,
}

/// The JSON of a batch of `calls` (at most [`MAX_REQUESTS`]).
pub(super) fn body_of(calls: &[InnerCall<'_>]) -> Vec<u8> {
    let batch = WireBatch {
        requests: calls
            .iter()
            .map(|call| WireRequest {
                id: call.id,
                method: call.request.method.as_str(),
                url: call.request.path.as_str(),
                headers: WireHeaders {
                    client_request_id: call.client_request_id,
                    prefer: call.request.prefer.map(Redeem::as_str),
                    content_type: call.request.body.as_ref().map(|_| "application/json"),
                },
                body: call.request.body.as_ref(),
            })
            .collect(),
    };
    serde_json::to_vec(&batch).unwrap_or_default()
}

/// Reads a 2xx batch answer: each call's inner answer, in the order of
/// `calls`; `None` for a body that is not Graph's batch answer.
pub(super) fn answers_of(
    calls: &[InnerCall<'_>],
    round_trip: &GraphResponse,
) -> Option<Vec<Option<GraphResponse>>> {
    let wire: WireAnswer<'_> = serde_json::from_slice(&round_trip.body).ok()?;
    Some(
        calls
            .iter()
            .map(|call| {
                wire.responses
                    .iter()
                    .find(|r| r.id == call.id)
                    .map(|r| inner_response(call, r, round_trip))
            })
            .collect(),
    )
}

/// One inner answer as the response its single call would have been.
fn inner_response(
    call: &InnerCall<'_>,
    wire: &WireResponse<'_>,
    round_trip: &GraphResponse,
) -> GraphResponse {
    let mut headers = HeaderMap::new();
    for (name, value) in &wire.headers {
        let name = HeaderName::from_bytes(name.as_bytes());
        let value = value.as_str().map(HeaderValue::from_str);
        if let (Ok(name), Some(Ok(value))) = (name, value) {
            headers.append(name, value);
        }
    }
    let body = wire.body.map_or_else(Bytes::new, |raw| {
        Bytes::copy_from_slice(raw.get().as_bytes())
    });
    let error = (wire.status >= 400)
        .then(|| GraphErrorBody::parse(&body))
        .flatten();
    let outer = &round_trip.diagnostics;
    let mut diagnostics = GraphDiagnostics::from_response(
        call.label.kind,
        call.label.strategy,
        wire.status,
        &headers,
        error.as_ref(),
        outer.duration_ms,
    );
    diagnostics.request_id = diagnostics.request_id.or_else(|| outer.request_id.clone());
    diagnostics.client_request_id = diagnostics
        .client_request_id
        .or_else(|| Some(call.client_request_id.to_owned()));
    diagnostics.ags_diagnostic = diagnostics
        .ags_diagnostic
        .or_else(|| outer.ags_diagnostic.clone());
    diagnostics.date = diagnostics.date.or_else(|| outer.date.clone());
    GraphResponse {
        status: wire.status,
        headers,
        body,
        error,
        diagnostics,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{CallKind, GraphPath, Verdict, classify};
    use crate::share_id::{HostAllowList, ShareId};

    fn round_trip(body: &str) -> GraphResponse {
        let mut headers = HeaderMap::new();
        headers.insert("request-id", HeaderValue::from_static("batch-rid"));
        headers.insert(
            "x-ms-ags-diagnostic",
            HeaderValue::from_static(r#"{"ServerInfo":{"DataCenter":"North Europe"}}"#),
        );
        GraphResponse {
            status: 200,
            diagnostics: GraphDiagnostics::from_response(
                CallKind::Batch,
                None,
                200,
                &headers,
                None,
                12,
            ),
            headers,
            body: Bytes::from(body.to_owned()),
            error: None,
        }
    }

    #[test]
    fn a_batch_carries_each_call_as_graph_wants_it() {
        let hosts = HostAllowList::parse("*.sharepoint.com").unwrap();
        let share = ShareId::parse("u!aHR0cHM6Ly9jb250b3NvLnNoYXJlcG9pbnQuY29tL3gv", &hosts)
            .expect("a share id");
        let path = GraphPath::shares_drive_item(&share);
        let get = GraphRequest::get(path.clone(), Some(Redeem::IfNecessary));
        let preview = GraphRequest::post(
            GraphPath::shares_preview(&share),
            None,
            serde_json::json!({"viewer": "onedrive"}),
        );
        let calls = [
            InnerCall {
                id: "a-1",
                request: &get,
                client_request_id: "crid-1",
                label: CallLabel::SHARES,
            },
            InnerCall {
                id: "b",
                request: &preview,
                client_request_id: "crid-2",
                label: CallLabel::PREVIEW,
            },
        ];
        let body: Value = serde_json::from_slice(&body_of(&calls)).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"requests": [
                {"id": "a-1", "method": "GET", "url": path.as_str(),
                 "headers": {"client-request-id": "crid-1", "Prefer": "redeemSharingLinkIfNecessary"}},
                {"id": "b", "method": "POST", "url": GraphPath::shares_preview(&share).as_str(),
                 "headers": {"client-request-id": "crid-2", "Content-Type": "application/json"},
                 "body": {"viewer": "onedrive"}}
            ]})
        );
    }

    #[test]
    fn inner_answers_come_back_in_call_order_classified_like_single_ones() {
        let request = GraphRequest::get(GraphPath::from_segments(&["x"]), None);
        let call = |id| InnerCall {
            id,
            request: &request,
            client_request_id: "mine",
            label: CallLabel::SHARES,
        };
        let calls = [call("1"), call("2"), call("3"), call("4")];
        let answer = round_trip(
            r#"{"responses":[
            {"id":"3","status":429,"headers":{"Retry-After":"7","Content-Type":"application/json"},
             "body":{"error":{"code":"TooManyRequests","message":"slow down"}}},
            {"id":"1","status":200,"headers":{"Content-Type":"application/json"},"body":{"id":"A", "size": 1.50}},
            {"id":"2","status":401,"body":{"error":{"code":"accessDenied","message":"x",
             "innerError":{"request-id":"inner-rid","client-request-id":"mine","date":"2026-01-01T00:00:00"}}}}
        ]}"#,
        );

        let answers = answers_of(&calls, &answer).expect("a batch answer");

        let [Some(first), Some(second), Some(third), None] = answers.as_slice() else {
            panic!("{answers:?}");
        };
        assert_eq!(classify(first), Verdict::Success);
        assert_eq!(
            first.body,
            Bytes::from_static(br#"{"id":"A", "size": 1.50}"#),
            "the bytes Graph wrote"
        );
        assert_eq!(first.diagnostics.request_id.as_deref(), Some("batch-rid"));
        assert_eq!(first.diagnostics.client_request_id.as_deref(), Some("mine"));
        assert_eq!(
            first.diagnostics.ags_diagnostic.as_ref().unwrap()["ServerInfo"]["DataCenter"],
            "North Europe"
        );
        assert_eq!(classify(second), Verdict::Hydration);
        assert_eq!(
            second.diagnostics.request_id.as_deref(),
            Some("inner-rid"),
            "an inner error's own id wins"
        );
        assert_eq!(second.diagnostics.code.as_deref(), Some("accessDenied"));
        assert_eq!(
            classify(third),
            Verdict::Throttled {
                retry_after: Some(std::time::Duration::from_secs(7))
            }
        );
        assert!(answers_of(&calls, &round_trip("<html>")).is_none());
    }
}
