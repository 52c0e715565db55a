//! `POST /v1.0/$batch`: Graph's JSON batching (GRAPH-FACTS section 9). Up
//! to 20 requests in one round trip, each dispatched through the normal
//! routes (token checks with the batch's `Authorization`, the caller's
//! behaviour, the hydration anomaly, queued faults), answered together in
//! an order that is *not* the request order (Graph promises none).
//!
//! What the facts leave open, decided here (and kept easy to change):
//! - the batch's token is checked once for the round trip (a bad one is a
//!   whole-batch 401/403, as Graph's gateway answers any request), then
//!   every inner request runs the same checks and the caller's behaviour;
//! - an inner answer's `headers` carry what belongs to that answer
//!   (`Content-Type`, on success Graph's OData type, `Cache-Control`,
//!   `OData-Version`; `Retry-After`, `WWW-Authenticate`, `Location` when
//!   its single call would carry them), not the per-round-trip `request-id`,
//!   `client-request-id`, `x-ms-ags-diagnostic` and `Date`: an inner
//!   error's ids are in its body's `innerError`, its `client-request-id`
//!   the inner request's own header, else the batch's;
//! - faults are taken per inner request in request order; a delay holds
//!   the batch's answer (Graph answers when its slowest request is done)
//!   and a dropped connection drops the whole round trip;
//! - `dependsOn` is refused (the simulator runs none of it).

use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderValue, Method, Response, header};
use http_body_util::BodyExt;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::auth;
use super::call::Call;
use super::faults::FaultAction;
use super::record::{BatchPart, RecordedRequest, RequestKind};
use super::responses::{self, Body, Ids};
use super::routes;
use super::state::{State, lock};

/// Graph's limit of requests in one batch.
pub(crate) const MAX_REQUESTS: usize = 20;

/// The `Content-Type` Graph gives a successful inner answer.
const ODATA_JSON: &str = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/// One request of the batch, as read from its JSON.
#[derive(Debug, Clone, PartialEq)]
struct Inner {
    id: String,
    method: String,
    url: String,
    /// Header names as sent; looked up case-insensitively.
    headers: Map<String, Value>,
    body: Option<Value>,
}

impl Inner {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| v.as_str())
    }

    /// `(path, query)` under `/v1.0`: `url` is relative to the version
    /// root, with or without its leading `/`.
    fn target(&self) -> (String, Option<String>) {
        let relative = self.url.trim_start_matches('/');
        let (path, query) = match relative.split_once('?') {
            Some((path, query)) => (path, Some(query.to_owned())),
            None => (relative, None),
        };
        (format!("/v1.0/{path}"), query)
    }
}

/// Reads a batch body as Graph does; `Err` is the message of its whole-batch
/// `400`.
fn parse(body: &[u8]) -> Result<Vec<Inner>, String> {
    const UNREADABLE: &str = "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.";
    let envelope: Value = serde_json::from_slice(body).map_err(|_| UNREADABLE.to_owned())?;
    let Some(requests) = envelope.get("requests").and_then(Value::as_array) else {
        return Err("Invalid batch payload format: a requests array is required.".to_owned());
    };
    if requests.is_empty() {
        return Err("Invalid batch payload format: the batch holds no request.".to_owned());
    }
    if requests.len() > MAX_REQUESTS {
        return Err(format!(
            "The number of requests in the batch ({}) exceeds the limit of {MAX_REQUESTS}.",
            requests.len()
        ));
    }
    let mut inners: Vec<Inner> = Vec::with_capacity(requests.len());
    for request in requests {
        let text = |name: &str| {
            request
                .get(name)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .ok_or_else(|| {
                    format!("Invalid batch payload format: each request needs a {name}.")
                })
        };
        let (id, method, url) = (text("id")?, text("method")?, text("url")?);
        if request.get("dependsOn").is_some() {
            return Err("dependsOn is not supported by the simulator.".to_owned());
        }
        let headers = match request.get("headers") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(h)) if h.values().all(Value::is_string) => h.clone(),
            Some(_) => return Err(format!("Invalid headers in request {id}.")),
        };
        if inners.iter().any(|i| i.id == id) {
            return Err(format!("Batch request contains duplicate id '{id}'."));
        }
        let body = request.get("body").cloned();
        inners.push(Inner {
            id,
            method,
            url,
            headers,
            body,
        });
    }
    Ok(inners)
}

/// The order the answers go out in: by a hash of each id, reversed when
/// that happens to be the request order, so two or more requests are never
/// answered in request order.
pub(crate) fn answer_order(ids: &[&str]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..ids.len()).collect();
    order.sort_by_key(|&i| Sha256::digest(ids[i].as_bytes()).to_vec());
    if order.iter().enumerate().all(|(at, &i)| at == i) {
        order.reverse();
    }
    order
}

/// An inner request ready to run: logged, with what its [`Call`] borrows.
struct Prepared {
    seq: u64,
    method: Option<Method>,
    path: String,
    query: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
    kind: RequestKind,
    ids: Ids,
}

/// Logs `inner` as a call of its own, carried by round trip `call`.
fn prepare(state: &Mutex<State>, call: &Call<'_>, inner: &Inner) -> Prepared {
    let (path, query) = inner.target();
    // Only Graph's own routes are reachable from a batch, never the
    // identity platform's or the simulator's.
    let kind = match RequestKind::of(&path) {
        kind if kind.is_identity() || kind == RequestKind::Admin || kind == RequestKind::Sts => {
            RequestKind::Other
        }
        kind => kind,
    };
    let method = Method::from_bytes(inner.method.to_ascii_uppercase().as_bytes()).ok();
    let client_request_id = inner.header("client-request-id");
    let ids = Ids::new(Some(
        client_request_id.unwrap_or(call.ids.client_request_id.as_str()),
    ));
    let claims = call.claims;
    let record = RecordedRequest {
        seq: 0,
        method: inner.method.to_ascii_uppercase(),
        path: path.clone(),
        query: query.clone(),
        client_request_id: client_request_id.map(str::to_owned),
        has_authorization: call.token.is_some(),
        user: claims
            .and_then(auth::user_of)
            .map(|(tid, oid)| format!("{tid}#{oid}")),
        audience: claims
            .and_then(|c| c.get("aud"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        scope: None,
        prefer: inner.header("prefer").map(str::to_owned),
        status: 0,
        kind,
        client_auth: None,
        sts: None,
        batch: Some(BatchPart {
            round_trip: call.seq,
            id: inner.id.clone(),
        }),
    };
    let seq = lock(state).log(record);
    Prepared {
        seq,
        method,
        path,
        query,
        content_type: inner.header("content-type").map(str::to_owned),
        body: inner
            .body
            .as_ref()
            .map(|b| serde_json::to_vec(b).unwrap_or_default())
            .unwrap_or_default(),
        kind,
        ids,
    }
}

/// The answer `prepared`'s route gives, as a single call would get it.
fn run(state: &Mutex<State>, call: &Call<'_>, prepared: &Prepared) -> Response<Body> {
    let Some(method) = &prepared.method else {
        return responses::error(400, "BadRequest", "Invalid HTTP method.", &prepared.ids);
    };
    routes::answer(
        state,
        &Call {
            seq: prepared.seq,
            method,
            path: &prepared.path,
            content_type: prepared.content_type.as_deref(),
            query: prepared.query.as_deref(),
            host: call.host,
            body: &prepared.body,
            kind: prepared.kind,
            token: call.token,
            authorization: call.authorization,
            claims: call.claims,
            ids: &prepared.ids,
        },
    )
}

/// One entry of `responses`: the status, the headers that belong to the
/// answer (module docs), the JSON body.
async fn entry(id: &str, response: Response<Body>) -> Value {
    let status = response.status().as_u16();
    let mut headers = Map::new();
    if (200..300).contains(&status) {
        headers.insert("Cache-Control".into(), json!("no-cache"));
        headers.insert("OData-Version".into(), json!("4.0"));
        headers.insert("Content-Type".into(), json!(ODATA_JSON));
    } else {
        headers.insert("Content-Type".into(), json!("application/json"));
    }
    for (name, spelled) in [
        (header::RETRY_AFTER, "Retry-After"),
        (header::WWW_AUTHENTICATE, "WWW-Authenticate"),
        (header::LOCATION, "Location"),
    ] {
        if let Some(value) = response.headers().get(&name).and_then(|v| v.to_str().ok()) {
            headers.insert(spelled.into(), json!(value));
        }
    }
    let Ok(collected) = response.into_body().collect().await;
    let bytes: Bytes = collected.to_bytes();
    let mut entry = json!({"id": id, "status": status, "headers": headers});
    if !bytes.is_empty() {
        entry["body"] = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    }
    entry
}

/// Answers a `$batch` round trip; `None` when a fault drops its connection.
pub(crate) async fn answer(state: &Mutex<State>, call: &Call<'_>) -> Option<Response<Body>> {
    let ids = call.ids;
    if call.method != Method::POST {
        return Some(responses::error(
            405,
            "BadRequest",
            "Specified HTTP method is not allowed for the request target.",
            ids,
        ));
    }
    let (keys, resource) = {
        let s = lock(state);
        (s.published.clone(), s.graph_resource.clone())
    };
    if let Err(rejection) = auth::check(call.token, call.claims, &keys, &resource) {
        return Some(rejection.response(ids));
    }
    let inners = match parse(call.body) {
        Ok(inners) => inners,
        Err(message) => return Some(responses::error(400, "BadRequest", &message, ids)),
    };

    let prepared: Vec<Prepared> = inners.iter().map(|i| prepare(state, call, i)).collect();
    let mut answers: Vec<Option<Response<Body>>> = Vec::with_capacity(prepared.len());
    let (mut later, mut wait, mut dropped) = (Vec::new(), Duration::ZERO, false);
    for (at, inner) in prepared.iter().enumerate() {
        let fault = lock(state).faults.take(inner.kind);
        answers.push(match fault {
            None => Some(run(state, call, inner)),
            Some(FaultAction::Status {
                status,
                retry_after,
            }) => {
                let mut r = responses::for_status(status, inner.kind, &inner.ids);
                if let Some(v) = retry_after.and_then(|v| HeaderValue::from_str(&v).ok()) {
                    r.headers_mut().insert(header::RETRY_AFTER, v);
                }
                Some(r)
            }
            Some(FaultAction::Delay(delay)) => {
                later.push(at);
                wait = wait.max(delay);
                None
            }
            Some(FaultAction::DropConnection) => {
                dropped = true;
                None
            }
        });
    }
    if !later.is_empty() {
        tokio::time::sleep(wait).await;
        for at in later {
            answers[at] = Some(run(state, call, &prepared[at]));
        }
    }
    {
        let mut s = lock(state);
        for (inner, answer) in prepared.iter().zip(&answers) {
            if let Some(answer) = answer {
                s.answered(inner.seq, answer.status().as_u16());
            }
        }
    }
    if dropped {
        return None;
    }

    let id_list: Vec<&str> = inners.iter().map(|i| i.id.as_str()).collect();
    let mut answers: Vec<Option<Response<Body>>> = answers;
    let mut responses = Vec::with_capacity(inners.len());
    for at in answer_order(&id_list) {
        if let Some(response) = answers[at].take() {
            responses.push(entry(id_list[at], response).await);
        }
    }
    Some(responses::json_response(
        200,
        &json!({"responses": responses}),
        ids,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_never_come_in_request_order() {
        for n in 2..=MAX_REQUESTS {
            let ids: Vec<String> = (1..=n).map(|i| i.to_string()).collect();
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            let order = answer_order(&ids);
            let mut sorted = order.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, (0..n).collect::<Vec<_>>(), "a permutation");
            assert_ne!(order, sorted, "{n} requests");
            assert_eq!(order, answer_order(&ids), "deterministic");
        }
        assert_eq!(answer_order(&["only"]), [0]);
        // Already hash-ordered ids are reversed rather than kept.
        let ids = ["a", "b"];
        let first = answer_order(&ids);
        let swapped = [ids[first[0]], ids[first[1]]];
        assert_eq!(answer_order(&swapped), [1, 0]);
    }

    #[test]
    fn batch_bodies_are_read_like_graph_reads_them() {
        let read = parse(
            br#"{"requests":[{"id":"1","method":"GET","url":"/shares/u!a/driveItem?$select=id"},
               {"id":"b","method":"post","url":"drives/b!x/items/01A/preview",
                "headers":{"content-type":"application/json","Prefer":"x"},"body":{"zoom":1}}]}"#,
        )
        .expect("a good batch");
        assert_eq!(read.len(), 2);
        assert_eq!(
            read[0].target(),
            (
                "/v1.0/shares/u!a/driveItem".to_owned(),
                Some("$select=id".to_owned())
            )
        );
        assert_eq!(read[1].target().0, "/v1.0/drives/b!x/items/01A/preview");
        assert_eq!(read[1].header("Content-Type"), Some("application/json"));
        assert_eq!(read[1].header("prefer"), Some("x"));
        assert_eq!(read[1].body, Some(json!({"zoom": 1})));

        let one = r#"{"id":"1","method":"GET","url":"/shares/x/driveItem"}"#;
        let many = |n: usize| {
            let requests: Vec<String> = (0..n)
                .map(|i| format!(r#"{{"id":"{i}","method":"GET","url":"/x"}}"#))
                .collect();
            format!(r#"{{"requests":[{}]}}"#, requests.join(","))
        };
        assert!(parse(many(20).as_bytes()).is_ok());
        for bad in [
            "not json".to_owned(),
            "[]".to_owned(),
            r#"{"requests":{}}"#.to_owned(),
            r#"{"requests":[]}"#.to_owned(),
            many(21),
            format!(r#"{{"requests":[{one},{one}]}}"#),
            r#"{"requests":[{"method":"GET","url":"/x"}]}"#.to_owned(),
            r#"{"requests":[{"id":"","method":"GET","url":"/x"}]}"#.to_owned(),
            r#"{"requests":[{"id":"1","url":"/x"}]}"#.to_owned(),
            r#"{"requests":[{"id":"1","method":"GET"}]}"#.to_owned(),
            r#"{"requests":[{"id":"1","method":"GET","url":"/x","dependsOn":["2"]}]}"#.to_owned(),
            r#"{"requests":[{"id":"1","method":"GET","url":"/x","headers":{"a":1}}]}"#.to_owned(),
        ] {
            assert!(parse(bad.as_bytes()).is_err(), "{bad}");
        }
    }
}
