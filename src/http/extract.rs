//! Extractors: the caller (token, claims, request id) from the headers, and
//! the `POST` bodies. Each rejects with the API's one error type; axum runs
//! header extractors before the body one, so a caller without a token learns
//! that before anything about its input.

use std::time::SystemTime;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use http::request::Parts;
use http::{HeaderMap, StatusCode, header};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::MAX_BODY_BYTES;
use super::error::ApiError;
use crate::resolver::ResolveRequest;
use crate::share_id::ShareId;
use crate::token::{BearerToken, TokenClaims, check_sharepoint_token};

/// Longest caller-sent `client-request-id` forwarded to Graph.
const MAX_CLIENT_REQUEST_ID: usize = 128;
/// The optional SharePoint token header.
pub(crate) const SHAREPOINT_AUTHORIZATION: &str = "x-sharepoint-authorization";

/// Who is calling: their Graph token, peeked and checked.
#[derive(Debug)]
pub(crate) struct Caller {
    pub token: BearerToken,
    pub claims: TokenClaims,
    /// The raw `X-SharePoint-Authorization`, checked once the share (and so
    /// its host) is known.
    sharepoint_authorization: Option<String>,
}

impl Caller {
    /// The resolution request for `share`, with the SharePoint token checked
    /// against the sharing URL's host.
    pub fn resolve(
        self,
        share: ShareId,
        client_request_id: String,
    ) -> Result<ResolveRequest, ApiError> {
        let sharepoint_token = self
            .sharepoint_authorization
            .as_deref()
            .map(|header| {
                let host = share.sharing_url().map(|url| url.host());
                check_sharepoint_token(header, host, &self.claims.user, SystemTime::now())
            })
            .transpose()?;
        Ok(ResolveRequest {
            token: self.token,
            sharepoint_token,
            claims: self.claims,
            share,
            client_request_id,
        })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Self::from_headers(&parts.headers)
    }
}

impl Caller {
    /// The caller named by `headers`' `Authorization`.
    pub fn from_headers(headers: &HeaderMap) -> Result<Self, ApiError> {
        let text = |name| headers.get(name).map(|v| v.to_str().ok());
        let authorization = text(header::AUTHORIZATION.as_str()).flatten();
        let token = BearerToken::from_authorization(authorization)?;
        let claims = TokenClaims::peek(&token, SystemTime::now())?;
        let sharepoint_authorization = match text(SHAREPOINT_AUTHORIZATION) {
            None => None,
            Some(Some(value)) => Some(value.to_owned()),
            Some(None) => return Err(crate::token::SharePointTokenError::NotBearer.into()),
        };
        Ok(Self {
            token,
            claims,
            sharepoint_authorization,
        })
    }
}

/// The caller's `client-request-id` when it is sane, else a fresh GUID.
pub(crate) fn client_request_id(headers: &HeaderMap) -> String {
    headers
        .get("client-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| {
            !v.is_empty()
                && v.len() <= MAX_CLIENT_REQUEST_ID
                && v.bytes().all(|b| b.is_ascii_graphic())
        })
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned)
}

/// A JSON body whose every problem is the API's `bad_request` or
/// `payload_too_large`.
pub(crate) struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    /// Any content type is read as JSON: a frontend's `fetch` with a plain
    /// string body sends `text/plain`, and the body's shape says enough.
    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::PayloadTooLarge {
                        limit: MAX_BODY_BYTES,
                    }
                } else {
                    ApiError::BadRequest(rejection.body_text())
                }
            })?;
        serde_json::from_slice(&bytes)
            .map(Self)
            .map_err(|e| ApiError::BadRequest(format!("the body is not the expected JSON: {e}")))
    }
}

/// `POST /v1/resolve` body: exactly one of the two.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ResolveBody {
    pub share_url: Option<String>,
    pub share_id: Option<String>,
}
