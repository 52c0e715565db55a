//! One request as the handlers see it: what `server` read of it, handed to
//! `routes` and `admin` alike.

use http::Method;
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

use super::record::RequestKind;
use super::responses::Ids;

/// What normal handling needs to know of a request.
pub(crate) struct Call<'a> {
    pub seq: u64,
    pub method: &'a Method,
    /// Raw, percent-encoded.
    pub path: &'a str,
    /// The `Content-Type` header, when readable.
    pub content_type: Option<&'a str>,
    /// The raw query string, without `?`.
    pub query: Option<&'a str>,
    /// The `Host` the request named: where next links point.
    pub host: Option<&'a str>,
    /// The request body; read for admin calls and token requests only
    /// (empty otherwise).
    pub body: &'a [u8],
    pub kind: RequestKind,
    pub token: Option<&'a str>,
    /// The raw `Authorization` header (STS reads its SigV4 scheme).
    pub authorization: Option<&'a str>,
    pub claims: Option<&'a Map<String, Value>>,
    pub ids: &'a Ids,
}

/// A raw path segment, percent-decoded (`None` when not UTF-8).
pub(crate) fn decode_segment(segment: &str) -> Option<String> {
    percent_decode_str(segment)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}
