//! What Graph tells us about a call: its ids, its data centre and its error.

use http::HeaderMap;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// Which of our calls a diagnostic belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum CallKind {
    Warmup,
    Shares,
    /// `/drives/{driveId}/items/…`: browsing inside a shared folder.
    Drives,
    /// `/shares/{shareId}/permission`: the sharing link's permission.
    Permission,
    /// The `preview` action, on a share or an item.
    Preview,
    /// A `$batch` round trip (its inner answers are of the kinds above).
    Batch,
}

/// One Graph (or SharePoint) call and what it answered.
// Field names follow docs/api.md (`requestId`, `agsDiagnostic`, …); the
// problem's `graph` array and the log line carry it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GraphDiagnostics {
    /// The request's `id` in `POST /v1/$batch`, for an answer to one of
    /// its requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "1")]
    pub id: Option<String>,
    /// `warmup`, `shares`, `drives`, `permission` or `preview`; absent for
    /// a token Graph refused.
    // Omitted where saying so would reveal what the service knew of the
    // user (see [`GraphDiagnostics::anonymous`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "shares")]
    pub call: Option<CallKind>,
    /// The warm-up strategy of a warm-up call.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "site")]
    pub strategy: Option<&'static str>,
    /// HTTP status; null when no response came.
    #[schema(example = 401, required = true)]
    pub status: Option<u16>,
    /// Graph's error code; null when it sent none.
    #[schema(example = "accessDenied", required = true)]
    pub code: Option<String>,
    #[schema(required = true)]
    pub request_id: Option<String>,
    #[schema(required = true)]
    pub client_request_id: Option<String>,
    /// Graph's `x-ms-ags-diagnostic`: parsed when it is JSON (usually an
    /// object), else the header's text; null when absent.
    #[schema(value_type = Value, required = true)]
    pub ags_diagnostic: Option<Value>,
    /// Graph's `Date` header.
    #[schema(required = true)]
    pub date: Option<String>,
    /// What went wrong on the wire, when no response came.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transport_error: Option<String>,
    pub duration_ms: u64,
}

impl GraphDiagnostics {
    /// Reads ids and diagnostics from a response's headers and error body.
    pub(crate) fn from_response(
        call: CallKind,
        strategy: Option<&'static str>,
        status: u16,
        headers: &HeaderMap,
        error: Option<&GraphErrorBody>,
        duration_ms: u64,
    ) -> Self {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        // x-ms-ags-diagnostic is a JSON string; keep the text if it is not JSON.
        let ags_diagnostic = header("x-ms-ags-diagnostic")
            .map(|raw| serde_json::from_str(&raw).unwrap_or(Value::String(raw)));
        Self {
            id: None,
            call: Some(call),
            strategy,
            status: Some(status),
            code: error.map(|e| e.code.clone()),
            request_id: header("request-id").or_else(|| error.and_then(|e| e.request_id.clone())),
            client_request_id: header("client-request-id")
                .or_else(|| error.and_then(|e| e.client_request_id.clone())),
            ags_diagnostic,
            date: error
                .and_then(|e| e.date.clone())
                .or_else(|| header("date")),
            transport_error: None,
            duration_ms,
        }
    }

    /// A call that got no response.
    pub(crate) fn from_transport(
        call: CallKind,
        strategy: Option<&'static str>,
        client_request_id: &str,
        error: &str,
        duration_ms: u64,
    ) -> Self {
        Self {
            id: None,
            call: Some(call),
            strategy,
            status: None,
            code: None,
            request_id: None,
            client_request_id: Some(client_request_id.to_owned()),
            ags_diagnostic: None,
            date: None,
            transport_error: Some(error.to_owned()),
            duration_ms,
        }
    }
}

impl GraphDiagnostics {
    /// This call as the request line's `graph` carries it (for a Microsoft
    /// support case: infra/README.md's runbook reads these names), beside
    /// the line's `client_request_id`: the call's own is left out when it
    /// is that one (the service sends it, Graph echoes it).
    pub(crate) fn for_log(&self, request_client_id: &str) -> LoggedCall<'_> {
        LoggedCall {
            id: self.id.as_deref(),
            call: match self.call {
                Some(
                    CallKind::Shares | CallKind::Drives | CallKind::Permission | CallKind::Preview,
                ) => Some("resolve"),
                Some(CallKind::Batch) => Some("batch"),
                Some(CallKind::Warmup) => Some(self.strategy.unwrap_or("warmup")),
                // Anonymous: the log says no more than the caller was told.
                None => None,
            },
            status: self.status,
            code: self.code.as_deref(),
            request_id: self.request_id.as_deref(),
            client_request_id: self
                .client_request_id
                .as_deref()
                .filter(|id| *id != request_client_id),
            date: self.date.as_deref(),
            ags_diagnostic: self.ags_diagnostic.as_ref(),
            transport_error: self.transport_error.as_deref(),
            duration_ms: Some(self.duration_ms),
        }
    }

    /// The same answer without saying which of our calls it was (nor which
    /// request of a batch).
    pub fn anonymous(self) -> Self {
        Self {
            id: None,
            call: None,
            strategy: None,
            ..self
        }
    }
}

/// One call in the request line: what it was (`resolve`, or the warm-up
/// strategy), what came back, and the ids Microsoft support asks for.
/// What Graph did not send is left out rather than written as `null` (a
/// line's bytes are its cost). Never the token or the URL
/// (`transport_error` is `describe`d without it).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LoggedCall<'a> {
    /// The batch request's `id`, for an answer inside a batch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<&'a str>,
    /// Absent for a token Graph refused (see [`GraphDiagnostics::anonymous`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call: Option<&'static str>,
    /// Absent when no response came (then `transportError` says why).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<&'a str>,
    /// Only when it is not the line's `client_request_id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_request_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ags_diagnostic: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transport_error: Option<&'a str>,
    /// Absent on a batch's answer that shares its round trip's (see
    /// [`share_round_trips`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
}

/// A line's calls with each `$batch` round trip's diagnostics written
/// once: an answer inside a batch (it has an `id`) leaves out each of
/// `requestId`, `date`, `agsDiagnostic` and `durationMs` that is the same
/// as the nearest entry above that wrote it, so a page of 20 hydrated links
/// writes its round trip's ids once, not 20 times (about 250 bytes a
/// link), and an inner `401` keeps only its own `request-id` and date.
/// Calls outside a batch write everything.
pub(crate) fn share_round_trips<'a>(calls: Vec<LoggedCall<'a>>) -> Vec<LoggedCall<'a>> {
    /// Leaves `field` out when it repeats `last`; otherwise remembers it.
    fn share<T: PartialEq + Copy>(inside: bool, field: &mut Option<T>, last: &mut Option<T>) {
        if inside && field.is_some() && *field == *last {
            *field = None;
        } else if field.is_some() {
            *last = *field;
        }
    }
    let (mut request_id, mut date, mut ags, mut duration) = (None, None, None, None);
    calls
        .into_iter()
        .map(|mut call| {
            let inside = call.id.is_some();
            share(inside, &mut call.request_id, &mut request_id);
            share(inside, &mut call.date, &mut date);
            share(inside, &mut call.ags_diagnostic, &mut ags);
            share(inside, &mut call.duration_ms, &mut duration);
            call
        })
        .collect()
}

/// Graph's error body `{"error":{"code","message","innerError":{…}}}`.
/// Real responses spell it `innerError` (the docs say `innererror`) and nest
/// further inner errors whose codes matter (`throttledRequest`, MFA).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GraphErrorBody {
    pub code: String,
    pub message: String,
    /// Codes of nested inner errors, outermost first.
    pub inner_codes: Vec<String>,
    pub request_id: Option<String>,
    pub client_request_id: Option<String>,
    pub date: Option<String>,
}

impl GraphErrorBody {
    /// Parses an error body; `None` when it is not Graph's error shape.
    pub fn parse(body: &[u8]) -> Option<Self> {
        let value: Value = serde_json::from_slice(body).ok()?;
        let error = value.get("error")?;
        let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
        let mut parsed = Self {
            code: text(error, "code").unwrap_or_default(),
            message: text(error, "message").unwrap_or_default(),
            ..Self::default()
        };
        let mut inner = inner_of(error);
        let mut depth = 0;
        while let Some(i) = inner {
            if let Some(code) = text(i, "code") {
                parsed.inner_codes.push(code);
            }
            parsed.request_id = parsed.request_id.or_else(|| text(i, "request-id"));
            parsed.client_request_id = parsed
                .client_request_id
                .or_else(|| text(i, "client-request-id"));
            parsed.date = parsed.date.or_else(|| text(i, "date"));
            inner = inner_of(i);
            depth += 1;
            if depth > 8 {
                break;
            }
        }
        Some(parsed)
    }

    /// Whether the code or any inner code is `code` (case-insensitive).
    pub fn has_code(&self, code: &str) -> bool {
        self.code.eq_ignore_ascii_case(code)
            || self
                .inner_codes
                .iter()
                .any(|c| c.eq_ignore_ascii_case(code))
    }
}

fn inner_of(v: &Value) -> Option<&Value> {
    v.get("innerError").or_else(|| v.get("innererror"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_throttling_body_with_nested_inner_errors() {
        let body = br#"{"error":{"code":"activityLimitReached","message":"The request has been throttled",
            "innerError":{"code":"throttledRequest","innerError":{"code":"quota"},"date":"2021-11-30T12:17:46",
            "request-id":"01c3bdb8-fbb1-4613-96ad-be961ba99e11","client-request-id":"01c3bdb8-fbb1-4613-96ad-be961ba99e11"}}}"#;
        let e = GraphErrorBody::parse(body).unwrap();
        assert_eq!(e.code, "activityLimitReached");
        assert_eq!(e.inner_codes, ["throttledRequest", "quota"]);
        assert_eq!(e.date.as_deref(), Some("2021-11-30T12:17:46"));
        assert_eq!(
            e.request_id.as_deref(),
            Some("01c3bdb8-fbb1-4613-96ad-be961ba99e11")
        );
        assert!(e.has_code("THROTTLEDREQUEST"));
    }

    #[test]
    fn the_log_names_a_call_by_its_strategy_or_resolve_and_keeps_refusals_anonymous() {
        let mut headers = HeaderMap::new();
        headers.insert("request-id", "r-1".parse().unwrap());
        headers.insert("client-request-id", "c-1".parse().unwrap());
        headers.insert("date", "Tue, 01 Dec 2026 09:00:00 GMT".parse().unwrap());
        headers.insert(
            "x-ms-ags-diagnostic",
            r#"{"ServerInfo":{"DataCenter":"West Europe"}}"#.parse().unwrap(),
        );
        let warmup =
            GraphDiagnostics::from_response(CallKind::Warmup, Some("site"), 200, &headers, None, 7);
        let logged = serde_json::to_value(warmup.for_log("c-1")).unwrap();
        assert_eq!(
            logged,
            serde_json::json!({"call": "site", "status": 200, "requestId": "r-1",
                "date": "Tue, 01 Dec 2026 09:00:00 GMT",
                "agsDiagnostic": {"ServerInfo": {"DataCenter": "West Europe"}}, "durationMs": 7}),
            "no code Graph did not send, no client-request-id the line has"
        );
        let echoed_another = serde_json::to_value(warmup.for_log("c-0")).unwrap();
        assert_eq!(echoed_another["clientRequestId"], "c-1");
        let error = GraphErrorBody {
            code: "InvalidAuthenticationToken".into(),
            ..GraphErrorBody::default()
        };
        let refused =
            GraphDiagnostics::from_response(CallKind::Shares, None, 401, &headers, Some(&error), 3);
        assert_eq!(refused.for_log("c-1").call, Some("resolve"));
        let logged = serde_json::to_value(refused.anonymous().for_log("c-1")).unwrap();
        assert!(logged.get("call").is_none(), "{logged}");
        assert_eq!(logged["code"], "InvalidAuthenticationToken");
        let dropped = GraphDiagnostics::from_transport(CallKind::Shares, None, "c-2", "timeout", 9);
        let logged = serde_json::to_value(dropped.for_log("c-1")).unwrap();
        assert_eq!(logged["transportError"], "timeout");
        assert_eq!(logged["clientRequestId"], "c-2");
        assert!(logged.get("status").is_none(), "{logged}");
    }

    #[test]
    fn a_batch_round_trips_diagnostics_are_written_once_and_an_answers_own_ids_stay() {
        let ags = serde_json::json!({"ServerInfo": {"DataCenter": "West Europe"}});
        let call = |id: Option<&'static str>, request_id: &'static str, duration_ms| LoggedCall {
            id,
            call: Some("resolve"),
            status: Some(200),
            code: None,
            request_id: Some(request_id),
            client_request_id: None,
            date: Some("Tue, 01 Dec 2026 09:00:00 GMT"),
            ags_diagnostic: Some(&ags),
            transport_error: None,
            duration_ms: Some(duration_ms),
        };
        let written = |calls| -> Vec<(Option<&str>, Option<&str>, Option<u64>)> {
            share_round_trips(calls)
                .iter()
                .map(|c| (c.id, c.request_id, c.duration_ms))
                .collect()
        };
        let cases = [
            // (calls, what each entry keeps: id, requestId, durationMs)
            (
                vec![
                    call(None, "w", 3),
                    call(Some("1"), "b", 9),
                    call(Some("2"), "b", 9),
                ],
                vec![
                    (None, Some("w"), Some(3)),
                    (Some("1"), Some("b"), Some(9)),
                    (Some("2"), None, None),
                ],
            ),
            // An inner error with its own request-id keeps it (and only
            // it), and the answer after it names the round trip again.
            (
                vec![
                    call(Some("1"), "b", 9),
                    call(Some("2"), "own", 9),
                    call(Some("3"), "b", 9),
                ],
                vec![
                    (Some("1"), Some("b"), Some(9)),
                    (Some("2"), Some("own"), None),
                    (Some("3"), Some("b"), None),
                ],
            ),
            // A second round trip writes what changed; single calls never
            // lose anything.
            (
                vec![
                    call(Some("1"), "b", 9),
                    call(Some("1"), "b2", 5),
                    call(None, "s", 5),
                    call(None, "s", 5),
                ],
                vec![
                    (Some("1"), Some("b"), Some(9)),
                    (Some("1"), Some("b2"), Some(5)),
                    (None, Some("s"), Some(5)),
                    (None, Some("s"), Some(5)),
                ],
            ),
        ];
        for (calls, expected) in cases {
            assert_eq!(written(calls), expected);
        }
    }

    #[test]
    fn non_graph_bodies_are_not_errors() {
        assert_eq!(GraphErrorBody::parse(b"<html>"), None);
        assert_eq!(GraphErrorBody::parse(br#"{"id":"x"}"#), None);
    }
}
