//! Extractors: the caller (token, claims, request id) from the headers, the
//! share id from the path, and the `POST` bodies. Each rejects with the
//! API's one error type; axum runs header and path extractors before the
//! body one, and handlers look at the caller first, so a caller without a
//! token learns that before anything about its input.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use http::request::Parts;
use http::{HeaderMap, StatusCode, Uri, header};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::error::ApiError;
use super::state::AppState;
use crate::drive_item::{ItemRef, ItemRefError};
use crate::identity::{self, Caller};
use crate::prefer::Redeem;
use crate::preview::PreviewBody;
use crate::resolver::{ResolveRequest, Target};
use crate::share_id::{HostAllowList, ShareId, ShareIdError};

/// Largest request body accepted (`payload_too_large`).
pub(crate) const MAX_BODY_BYTES: usize = 16 * 1024;
/// Longest caller-sent `client-request-id` forwarded to Graph.
const MAX_CLIENT_REQUEST_ID: usize = 128;
/// The request's authorization (the caller's token passed the checks
/// that come before any input is read) and its request id.
pub(crate) struct Authorized {
    authorized: identity::Authorized,
    client_request_id: String,
}

impl Authorized {
    /// The caller as the resolver sees it, for a request whose SharePoint
    /// host is `host` (input problems come first: in `obo` mode nothing is
    /// exchanged for them).
    pub async fn caller(self, host: Option<&str>) -> Result<Caller, ApiError> {
        Ok(self.authorized.caller(host, self.client_request_id).await?)
    }

    /// For a request that calls nothing: its `X-SharePoint-Authorization`
    /// is still refused when it is bad (as far as it can be judged).
    pub fn check_sharepoint_token(&self) -> Result<(), ApiError> {
        Ok(self.authorized.check_sharepoint_token()?)
    }

    /// The resolution request for `target`.
    pub async fn resolve(self, target: Target) -> Result<ResolveRequest, ApiError> {
        let caller = self.caller(target.host()).await?;
        Ok(ResolveRequest { caller, target })
    }
}

impl FromRequestParts<AppState> for Authorized {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Ok(ClientRequestId(client_request_id)) =
            ClientRequestId::from_request_parts(parts, state).await;
        Ok(Self {
            authorized: state.identity.authorize(&parts.headers).await?,
            client_request_id,
        })
    }
}

/// The request's `client-request-id`: the caller's when it is sane, else a
/// fresh GUID. Chosen once per request (by the accounting layer), so Graph,
/// the response and the log line all carry the same one.
#[derive(Debug, Clone)]
pub(crate) struct ClientRequestId(String);

impl ClientRequestId {
    pub fn of(headers: &HeaderMap) -> Self {
        let sent = headers
            .get("client-request-id")
            .and_then(|v| v.to_str().ok());
        Self(Self::checked(sent).unwrap_or_else(|| uuid::Uuid::new_v4().to_string()))
    }

    /// A caller's `client-request-id` when it is sane enough to forward.
    pub fn checked(sent: Option<&str>) -> Option<String> {
        sent.map(str::trim)
            .filter(|v| {
                !v.is_empty()
                    && v.len() <= MAX_CLIENT_REQUEST_ID
                    && v.bytes().all(|b| b.is_ascii_graphic())
            })
            .map(str::to_owned)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientRequestId {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        if let Some(id) = parts.extensions.get::<Self>() {
            return Ok(id.clone());
        }
        let id = Self::of(&parts.headers);
        parts.extensions.insert(id.clone());
        Ok(id)
    }
}

/// The share id of a `/v1/shares/{shareId}/…` path, parsed against the
/// allow-list: the route's segment (percent-decoded by axum), or, for the
/// fallback, a raw sharing URL that a gateway decoded across segments.
#[derive(Debug)]
pub(crate) struct SharePath(pub ShareId);

impl FromRequestParts<AppState> for SharePath {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match Path::<String>::from_request_parts(parts, state).await {
            Ok(Path(id)) => Ok(Self(ShareId::parse(&id, &state.hosts)?)),
            // Only a segment that is not UTF-8 once percent-decoded gets here.
            Err(_) => Err(ApiError::Share(ShareIdError::Unrecognised)),
        }
    }
}

impl SharePath {
    /// A `GET` path the share route did not match but that names a share:
    /// `Some` with the parsed id (or why it is not one), `None` for any
    /// other path (a plain `not_found`).
    pub fn of_unmatched(uri: &Uri, hosts: &HostAllowList) -> Option<Result<Self, ApiError>> {
        if let Some(raw) = decoded_share_url(uri) {
            return Some(
                ShareId::parse(&raw, hosts)
                    .map(Self)
                    .map_err(ApiError::from),
            );
        }
        // `/v1/shares/u!ab/cd/driveItem`: a share id with a `/` in it.
        let path = uri.path();
        (path.starts_with("/v1/shares/") && path.ends_with("/driveItem"))
            .then_some(Err(ApiError::Share(ShareIdError::Unrecognised)))
    }

    /// As [`SharePath::of_unmatched`], for a route below the share
    /// (`suffix`: `/driveItem/children`, `/permission`,
    /// `/driveItem/preview`): the parsed id and the route's own query
    /// (after the suffix).
    pub fn of_unmatched_below(
        uri: &Uri,
        hosts: &HostAllowList,
        suffix: &str,
    ) -> Option<Result<(Self, Option<String>), ApiError>> {
        if let Some((raw, options)) = decoded_url_below(uri, suffix) {
            return Some(
                ShareId::parse(&raw, hosts)
                    .map(|id| (Self(id), options))
                    .map_err(ApiError::from),
            );
        }
        let path = uri.path();
        (path.starts_with("/v1/shares/") && path.ends_with(suffix))
            .then_some(Err(ApiError::Share(ShareIdError::Unrecognised)))
    }
}

/// [`decoded_share_url`] for a route below the share: for `suffix`
/// `/driveItem/children`, the path `/v1/shares/https://…` and the query
/// `e=x/driveItem/children?$top=2` are the URL and the route's own query
/// (`$top=2`); `None` for anything else.
pub(crate) fn decoded_url_below(uri: &Uri, suffix: &str) -> Option<(String, Option<String>)> {
    let rest = uri.path().strip_prefix("/v1/shares/")?;
    let full = match uri.query() {
        Some(query) => format!("{rest}?{query}"),
        None => rest.to_owned(),
    };
    let at = full.rfind(suffix)?;
    let options = match &full[at + suffix.len()..] {
        "" => None,
        after => Some(after.strip_prefix('?')?.to_owned()),
    };
    Some((with_https(&full[..at])?, options))
}

/// API Gateway HTTP APIs are reported to percent-decode the path before the
/// function sees it, so `/v1/shares/https%3A%2F%2F…%3Fe%3Dx/driveItem`
/// arrives as `/v1/shares/https://…` + `?e=x/driveItem`. Reassembles the
/// sharing URL (also when a proxy collapsed `//`); `None` for anything else.
pub(crate) fn decoded_share_url(uri: &Uri) -> Option<String> {
    let rest = uri.path().strip_prefix("/v1/shares/")?;
    let full = match uri.query() {
        Some(query) => format!("{rest}?{query}"),
        None => rest.to_owned(),
    };
    with_https(full.strip_suffix("/driveItem")?)
}

/// A decoded `https://` URL, its `//` restored when a proxy collapsed it.
fn with_https(url: &str) -> Option<String> {
    match url.strip_prefix("https:/") {
        Some(tail) if !tail.starts_with('/') => Some(format!("https://{tail}")),
        Some(_) => Some(url.to_owned()),
        None => None,
    }
}

/// A JSON body whose every problem is the API's `bad_request` or
/// `payload_too_large`.
pub(crate) struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Default> FromRequest<S> for Optional<T> {
    type Rejection = ApiError;

    /// No body at all is the default; anything else must be the JSON (a
    /// body of only whitespace is not: RFC 8259 needs a value).
    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = read_body(request, state, MAX_BODY_BYTES).await?;
        if bytes.is_empty() {
            return Ok(Self(T::default()));
        }
        parse(&bytes).map(Self)
    }
}

/// A JSON body that may be left out entirely.
pub(crate) struct Optional<T>(pub T);

/// The body's bytes; `limit` is the route's (its `DefaultBodyLimit`).
pub(crate) async fn read_body<S: Send + Sync>(
    request: Request,
    state: &S,
    limit: usize,
) -> Result<Bytes, ApiError> {
    Bytes::from_request(request, state)
        .await
        .map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge { limit }
            } else {
                ApiError::BadRequest(rejection.body_text())
            }
        })
}

pub(crate) fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes)
        .map_err(|e| ApiError::BadRequest(format!("the body is not the expected JSON: {e}")))
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    /// Any content type is read as JSON: a frontend's `fetch` with a plain
    /// string body sends `text/plain`, and the body's shape says enough.
    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        parse(&read_body(request, state, MAX_BODY_BYTES).await?).map(Self)
    }
}

/// `POST /v1/warmup` body (optional): where to warm up, one of the two.
/// Its OpenAPI schema (`openapi::schemas`) says "at most one" as `oneOf`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WarmupBody {
    pub share_url: Option<String>,
    pub host: Option<String>,
}

/// `POST /v1/resolve` body: exactly one of the two, and optionally the
/// values of `$select` and `$expand`. Its OpenAPI schema
/// (`openapi::schemas`) says "exactly one" as `oneOf`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ResolveBody {
    pub share_url: Option<String>,
    pub share_id: Option<String>,
    pub select: Option<String>,
    pub expand: Option<String>,
}

/// The optional body of a preview route, parsed once (`bad_request` for
/// anything Graph's preview action would not take).
pub(crate) struct PreviewOptions(pub PreviewBody);

impl<S: Send + Sync> FromRequest<S> for PreviewOptions {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = read_body(request, state, MAX_BODY_BYTES).await?;
        PreviewBody::parse(&bytes)
            .map(Self)
            .map_err(|e| ApiError::BadRequest(e.to_string()))
    }
}

/// The item of a `/v1/drives/{driveId}/items/{itemId}…` path.
#[derive(Debug)]
pub(crate) struct ItemPath(pub ItemRef);

impl<S: Send + Sync> FromRequestParts<S> for ItemPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<(String, String)>::from_request_parts(parts, state).await {
            Ok(Path((drive, item))) => Ok(Self(ItemRef::parse(&drive, &item)?)),
            // Only a segment that is not UTF-8 once percent-decoded gets here.
            Err(_) => Err(ApiError::Item(ItemRefError::DriveId)),
        }
    }
}

/// The sharing-link redemption of the request's `Prefer` headers, if any.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Preference(pub Option<Redeem>);

impl<S: Send + Sync> FromRequestParts<S> for Preference {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let values = parts
            .headers
            .get_all(header::HeaderName::from_static("prefer"))
            .iter()
            .filter_map(|v| v.to_str().ok());
        Ok(Self(Redeem::from_prefer(values)))
    }
}
