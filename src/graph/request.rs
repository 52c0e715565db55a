//! One Graph request as a route makes it: the method, the path with its
//! query options, a sharing-link `Prefer`, and the JSON body of an action.
//! A single route sends it on its own ([`super::GraphClient::send`]); a
//! `$batch` carries the same request as one of its parts.

use http::Method;
use serde_json::Value;

use super::path::GraphPath;
use crate::prefer::Redeem;

/// A Graph request, before it is sent.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphRequest {
    /// `GET`, or `POST` for an action (`preview`).
    pub method: Method,
    pub path: GraphPath,
    /// For the `/shares` calls only.
    pub prefer: Option<Redeem>,
    /// A POST's JSON body.
    pub body: Option<Value>,
}

impl GraphRequest {
    /// `GET {path}`.
    pub fn get(path: GraphPath, prefer: Option<Redeem>) -> Self {
        Self {
            method: Method::GET,
            path,
            prefer,
            body: None,
        }
    }

    /// `POST {path}` with a JSON `body`.
    pub fn post(path: GraphPath, prefer: Option<Redeem>, body: Value) -> Self {
        Self {
            method: Method::POST,
            path,
            prefer,
            body: Some(body),
        }
    }
}
