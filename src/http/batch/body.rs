//! The body of `POST /v1/$batch` (Graph's JSON batching format), read and
//! checked as a whole: anything wrong here refuses the whole batch with one
//! `bad_request`, before any call.

use std::collections::HashSet;

use axum::extract::{FromRequest, Request};
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::super::error::ApiError;
use super::super::extract::{parse, read_body};
use crate::preview::PreviewBody;

/// Largest batch body accepted (`payload_too_large`); the route's
/// `DefaultBodyLimit` says the same.
pub(crate) const MAX_BATCH_BODY_BYTES: usize = 64 * 1024;
/// Requests in one batch, at most (Graph's own limit).
pub(crate) const MAX_REQUESTS: usize = 20;
/// Longest request `id`.
const MAX_ID: usize = 64;

/// `POST /v1/$batch`: up to 20 requests of this API's Graph routes.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct BatchRequestBody {
    /// 1 to 20 requests, answered in this order.
    #[schema(min_items = 1, max_items = 20)]
    pub requests: Vec<BatchRequestItem>,
}

/// One request of a batch (Graph's `dependsOn` is not supported: a batch
/// that sends one is refused as a whole).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BatchRequestItem {
    /// Unique in the batch: 1 to 64 letters, digits, `-` or `_`.
    #[schema(pattern = "^[A-Za-z0-9_-]{1,64}$", example = "1")]
    pub id: String,
    /// `GET`, or `POST` for a `preview`.
    #[schema(example = "GET", min_length = 1)]
    pub method: String,
    /// The route's path and query, relative to `/v1` (`/shares/…` or
    /// `shares/…`), as `/v1/shares/…`, or a full URL (its path and query).
    #[schema(
        min_length = 1,
        example = "/shares/u!aHR0cHM6Ly9jb250b3NvLnNoYXJlcG9pbnQuY29tLzp3Oi9zL01hcmtldGluZy9FYUJj/driveItem?$select=id,name"
    )]
    pub url: String,
    /// Only `Prefer`, `Content-Type` and `client-request-id` (names
    /// case-insensitive); another is that request's `bad_request`.
    #[serde(default)]
    #[schema(value_type = Option<std::collections::HashMap<String, String>>)]
    pub headers: Option<Map<String, Value>>,
    /// A `preview`'s options (as the preview routes' body); absent or
    /// `null`: none.
    #[serde(default)]
    #[schema(value_type = Option<PreviewBody>)]
    pub body: Option<Value>,
    /// Not supported, so not in the document: a batch with one that names a
    /// request is refused (`bad_request`).
    #[serde(default)]
    #[schema(ignore)]
    pub depends_on: Option<Value>,
}

/// The batch body, parsed and checked as a whole.
pub(crate) struct BatchJson(pub Vec<BatchRequestItem>);

impl<S: Send + Sync> FromRequest<S> for BatchJson {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = read_body(request, state, MAX_BATCH_BODY_BYTES).await?;
        checked(parse(&bytes)?).map(Self)
    }
}

/// The whole-batch checks of the contract: 1 to 20 requests, each with a
/// well-formed id unique in the batch, a method and a URL, no `dependsOn`.
pub(crate) fn checked(body: BatchRequestBody) -> Result<Vec<BatchRequestItem>, ApiError> {
    let bad = |message: String| Err(ApiError::BadRequest(message));
    let requests = body.requests;
    if requests.is_empty() || requests.len() > MAX_REQUESTS {
        return bad(format!(
            "a batch holds 1 to {MAX_REQUESTS} requests, not {}",
            requests.len()
        ));
    }
    let mut seen = HashSet::new();
    for request in &requests {
        let id = &request.id;
        let well_formed = !id.is_empty()
            && id.len() <= MAX_ID
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !well_formed {
            return bad(format!(
                "a request id must be 1 to {MAX_ID} letters, digits, - or _ (request {})",
                printable(id)
            ));
        }
        if !seen.insert(id.as_str()) {
            return bad(format!("the request id {id} is used twice"));
        }
        if request.method.is_empty() || request.url.is_empty() {
            return bad(format!("request {id} needs a method and a url"));
        }
        let depends = match &request.depends_on {
            None | Some(Value::Null) => false,
            Some(Value::Array(on)) => !on.is_empty(),
            Some(_) => true,
        };
        if depends {
            return bad(format!(
                "request {id} has dependsOn: not supported (the requests are independent)"
            ));
        }
    }
    Ok(requests)
}

/// At most 64 characters of `s`, for an error message.
fn printable(s: &str) -> String {
    let short: String = s.chars().take(MAX_ID).collect();
    format!("{short:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(body: &str) -> Result<usize, ApiError> {
        let body: BatchRequestBody = parse(body.as_bytes())?;
        checked(body).map(|r| r.len())
    }

    #[test]
    fn a_batch_is_refused_as_a_whole_for_what_the_contract_names() {
        let ok = r#"{"id":"a-1_Z","method":"GET","url":"/x"}"#;
        let many = |n: usize| {
            let requests: Vec<String> = (0..n)
                .map(|i| format!(r#"{{"id":"{i}","method":"GET","url":"/x"}}"#))
                .collect();
            format!(r#"{{"requests":[{}]}}"#, requests.join(","))
        };
        assert_eq!(read(&format!(r#"{{"requests":[{ok}]}}"#)).ok(), Some(1));
        assert_eq!(read(&many(20)).ok(), Some(20));
        assert_eq!(
            read(r#"{"requests":[{"id":"1","method":"GET","url":"/x","dependsOn":[]}],"x":1}"#)
                .ok(),
            Some(1),
            "an empty dependsOn and unknown members are nothing"
        );
        for (bad, why) in [
            ("nope".to_owned(), "not JSON"),
            ("[]".to_owned(), "not an object"),
            ("{}".to_owned(), "no requests"),
            (many(0), "none"),
            (many(21), "21"),
            (format!(r#"{{"requests":[{ok},{ok}]}}"#), "a duplicate id"),
            (
                r#"{"requests":[{"method":"GET","url":"/x"}]}"#.to_owned(),
                "no id",
            ),
            (
                r#"{"requests":[{"id":"é","method":"GET","url":"/x"}]}"#.to_owned(),
                "a letter outside ASCII",
            ),
            (
                format!(
                    r#"{{"requests":[{{"id":"{}","method":"GET","url":"/x"}}]}}"#,
                    "a".repeat(65)
                ),
                "65 characters",
            ),
            (
                r#"{"requests":[{"id":"1","method":"","url":"/x"}]}"#.to_owned(),
                "an empty method",
            ),
            (
                r#"{"requests":[{"id":"1","method":"GET"}]}"#.to_owned(),
                "no url",
            ),
            (
                r#"{"requests":[{"id":"1","method":"GET","url":"/x","dependsOn":["2"]}]}"#
                    .to_owned(),
                "dependsOn",
            ),
            (
                r#"{"requests":[{"id":"1","method":"GET","url":"/x","headers":[]}]}"#.to_owned(),
                "headers not an object",
            ),
        ] {
            assert!(
                matches!(read(&bad), Err(ApiError::BadRequest(_))),
                "{why}: {bad}"
            );
        }
    }
}
