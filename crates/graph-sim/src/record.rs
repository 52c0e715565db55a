//! The request log: every request the simulator saw, what kind it was (from
//! its raw path), and what it answered. Never the token.

use serde::Serialize;
use serde_json::{Map, Value};

/// What a request was, judged from its raw path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum RequestKind {
    /// `GET /v1.0/shares/{shareId}/driveItem`.
    Shares,
    /// `GET /v1.0/shares/{shareId}/driveItem/children`.
    SharesChildren,
    /// `GET /v1.0/drives/{driveId}/items/{itemId}`.
    DriveItem,
    /// `GET /v1.0/drives/{driveId}/items/{itemId}/children`.
    DriveItemChildren,
    /// `GET /v1.0/shares/{shareId}/permission`: the link's permission.
    SharesPermission,
    /// `POST /v1.0/shares/{shareId}/driveItem/preview`.
    SharesPreview,
    /// `POST /v1.0/drives/{driveId}/items/{itemId}/preview`.
    DriveItemPreview,
    /// `POST /v1.0/$batch`: one round trip carrying up to 20 requests, each
    /// logged as a request of its own kind too (see [`RecordedRequest::batch`]).
    Batch,
    /// `GET /v1.0/sites/{host}:/{sites|teams}/{name}`.
    WarmupSiteByPath,
    /// `GET /v1.0/sites/root`.
    WarmupRoot,
    /// `GET /v1.0/groups/{id}/drive`.
    WarmupGroupDrive,
    /// SharePoint REST `GET /_sp/{host}/_api/web/currentuser`.
    WarmupSharePointCurrentUser,
    /// The identity platform's key set, `GET /{tid}/discovery/v2.0/keys`.
    Keys,
    /// `GET /{tid}/v2.0/.well-known/openid-configuration`.
    OpenIdConfiguration,
    /// The token endpoint, `POST /{tid}/oauth2/v2.0/token` (On-Behalf-Of).
    Token,
    /// AWS STS (the AWS query protocol, `POST /_aws/sts`): what
    /// `AWS_ENDPOINT_URL_STS` points at.
    Sts,
    /// The simulator's own `/_sim/…` routes.
    Admin,
    /// A thumbnail image, `GET /_media/thumbnails/{driveId}/{itemId}/{size}`:
    /// SharePoint's pre-authenticated URL, no token.
    Thumbnail,
    /// A file's bytes, `GET /_media/download/{driveId}/{itemId}` (an item's
    /// `@microsoft.graph.downloadUrl`), no token.
    Download,
    /// Anything else (the service should never send these).
    Other,
}

impl RequestKind {
    /// Classifies a raw, percent-encoded path. Segments are split on literal
    /// `/` only, so an encoded `%2F` can never make a path look like another
    /// route: that is what path-injection tests rely on.
    pub(crate) fn of(path: &str) -> Self {
        if path == "/_sim" || path.starts_with("/_sim/") {
            return Self::Admin;
        }
        if sharepoint_host(path).is_some() {
            return Self::WarmupSharePointCurrentUser;
        }
        if path.starts_with("/_media/thumbnails/") {
            return Self::Thumbnail;
        }
        if path.starts_with("/_media/download/") {
            return Self::Download;
        }
        if let Some(kind) = Self::identity(path) {
            return kind;
        }
        if path == "/_aws/sts" || path == "/_aws/sts/" {
            return Self::Sts;
        }
        let Some(rest) = path.strip_prefix("/v1.0/") else {
            return Self::Other;
        };
        let segments: Vec<&str> = rest.split('/').collect();
        match segments.as_slice() {
            // Graph decodes a segment, so `%24batch` is `$batch` too.
            ["$batch" | "%24batch"] => Self::Batch,
            ["shares", id, "driveItem"] if !id.is_empty() => Self::Shares,
            ["shares", id, "driveItem", "children"] if !id.is_empty() => Self::SharesChildren,
            ["shares", id, "permission"] if !id.is_empty() => Self::SharesPermission,
            ["shares", id, "driveItem", "preview"] if !id.is_empty() => Self::SharesPreview,
            ["drives", drive, "items", item, "preview"]
                if !drive.is_empty() && !item.is_empty() =>
            {
                Self::DriveItemPreview
            }
            ["drives", drive, "items", item] if !drive.is_empty() && !item.is_empty() => {
                Self::DriveItem
            }
            ["drives", drive, "items", item, "children"]
                if !drive.is_empty() && !item.is_empty() =>
            {
                Self::DriveItemChildren
            }
            ["sites", "root"] => Self::WarmupRoot,
            ["groups", id, "drive"] if !id.is_empty() => Self::WarmupGroupDrive,
            ["sites", host, "sites" | "teams", name]
                if host.len() > 1 && host.ends_with(':') && !name.is_empty() =>
            {
                Self::WarmupSiteByPath
            }
            _ => Self::Other,
        }
    }

    /// The identity platform's routes, `/{tenant}/…` (any tenant segment
    /// here; the handler wants a GUID).
    fn identity(path: &str) -> Option<Self> {
        let segments: Vec<&str> = path.strip_prefix('/')?.split('/').collect();
        match segments.as_slice() {
            [tid, "discovery", "v2.0", "keys"] if !tid.is_empty() => Some(Self::Keys),
            [tid, "v2.0", ".well-known", "openid-configuration"] if !tid.is_empty() => {
                Some(Self::OpenIdConfiguration)
            }
            [tid, "oauth2", "v2.0", "token"] if !tid.is_empty() => Some(Self::Token),
            _ => None,
        }
    }

    /// The identity platform's routes (keys, metadata, token endpoint).
    pub fn is_identity(self) -> bool {
        matches!(self, Self::Keys | Self::OpenIdConfiguration | Self::Token)
    }

    /// A call subject to the guest hydration anomaly, which the service
    /// makes (and retries) for its routes: `/shares/…` and `/drives/…`,
    /// their children, the link's permission and the preview action.
    pub fn is_resolution(self) -> bool {
        matches!(
            self,
            Self::Shares
                | Self::SharesChildren
                | Self::DriveItem
                | Self::DriveItemChildren
                | Self::SharesPermission
                | Self::SharesPreview
                | Self::DriveItemPreview
        )
    }

    /// The method Graph answers on this route: `POST` for the actions
    /// (`preview`, `$batch`), `GET` for everything else.
    pub(crate) fn method(self) -> http::Method {
        match self {
            Self::SharesPreview | Self::DriveItemPreview | Self::Batch | Self::Token => {
                http::Method::POST
            }
            _ => http::Method::GET,
        }
    }

    /// A Graph or SharePoint REST call: not the simulator's own routes,
    /// the identity platform's, nor a thumbnail or download.
    pub fn is_graph(self) -> bool {
        !matches!(self, Self::Admin | Self::Thumbnail | Self::Download) && !self.is_identity()
    }

    /// A thumbnail or download: what a page loads with no token.
    pub fn is_media(self) -> bool {
        matches!(self, Self::Thumbnail | Self::Download)
    }

    /// Whether the simulator reads its body: admin calls, token requests
    /// and Graph's `POST`s.
    pub(crate) fn has_body(self) -> bool {
        matches!(
            self,
            Self::Admin
                | Self::Token
                | Self::Batch
                | Self::SharesPreview
                | Self::DriveItemPreview
                | Self::Sts
        )
    }

    /// One of the warm-up calls (each hydrates the calling guest).
    pub fn is_warmup(self) -> bool {
        matches!(
            self,
            Self::WarmupSiteByPath
                | Self::WarmupRoot
                | Self::WarmupGroupDrive
                | Self::WarmupSharePointCurrentUser
        )
    }
}

/// The host of a `/_sp/{host}/_api/web/currentuser` path.
pub(crate) fn sharepoint_host(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/_sp/")?;
    let (host, tail) = rest.split_once('/')?;
    (tail == "_api/web/currentuser" && !host.is_empty()).then_some(host)
}

/// Where a request inside a `$batch` came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchPart {
    /// The [`RecordedRequest::seq`] of the `$batch` round trip that carried it.
    pub round_trip: u64,
    /// Its `id` in the batch.
    pub id: String,
}

/// One request as the simulator saw it: an HTTP request, or one request
/// inside a `$batch` (logged right after its batch's entry, with
/// [`RecordedRequest::batch`] set). Inner requests are logged as the calls
/// they are (kind, path, user, status), so counts by kind or path include
/// them; a `$batch` entry is the round trip that carried them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordedRequest {
    /// Arrival number, unique for the simulator's lifetime (a log clear
    /// does not reuse numbers).
    pub seq: u64,
    /// `GET`, `POST`, …
    pub method: String,
    /// The raw path as received (percent-encoded, no query), with `/v1.0`.
    pub path: String,
    /// The raw query string, without `?`.
    pub query: Option<String>,
    /// The request's `client-request-id` header, if it sent one.
    pub client_request_id: Option<String>,
    /// Whether an `Authorization` header came; the token itself is never kept.
    pub has_authorization: bool,
    /// `tid#oid` from the token's claims, when readable.
    pub user: Option<String>,
    /// The token's `aud` claim, when readable: which kind of token came
    /// (Graph's or a SharePoint host's). For a token request, the `user`
    /// and `audience` are the assertion's.
    pub audience: Option<String>,
    /// A token request's `scope` parameter (never its assertion, secret or
    /// any token); `None` for every other request.
    pub scope: Option<String>,
    /// The request's `Prefer` header, verbatim, when it sent one.
    pub prefer: Option<String>,
    /// What the simulator answered; 0 when it dropped the connection.
    pub status: u16,
    /// What the path was.
    pub kind: RequestKind,
    /// A token request: how the client authenticated itself.
    pub client_auth: Option<ClientAuth>,
    /// An STS request: what it asked for.
    pub sts: Option<StsCall>,
    /// `Some` for a request that came inside a `$batch`: no round trip of
    /// its own, the batch's `Authorization`, its own `Prefer` and
    /// `client-request-id` headers.
    pub batch: Option<BatchPart>,
}

impl RecordedRequest {
    /// Whether it came inside a `$batch` rather than as a round trip.
    pub fn is_inner(&self) -> bool {
        self.batch.is_some()
    }
}

/// How a token request authenticated the client: never the secret's value,
/// never an assertion's signature (so nothing here can be replayed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ClientAuth {
    /// Whether a `client_secret` came.
    pub secret: bool,
    /// The `client_assertion_type`, verbatim.
    pub assertion_type: Option<String>,
    /// The `client_assertion`'s decoded header and claims, when it is a JWT.
    pub assertion: Option<AssertionParts>,
}

/// A JWT's header and claims, decoded, without its signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssertionParts {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
}

/// What an STS request asked for (its form's parameters).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StsCall {
    pub action: Option<String>,
    pub version: Option<String>,
    /// `Audience.member.1`, `.2`, … in order.
    pub audiences: Vec<String>,
    pub signing_algorithm: Option<String>,
    /// Verbatim (it may not be a number).
    pub duration_seconds: Option<String>,
    /// Whether it carried a SigV4 `Authorization` header.
    pub signed: bool,
}

#[cfg(test)]
mod tests {
    use super::RequestKind::{self, *};

    #[test]
    fn kinds_come_from_the_raw_path_only() {
        let cases: &[(&str, RequestKind)] = &[
            ("/v1.0/shares/u!aHR0cHM/driveItem", Shares),
            ("/v1.0/shares//driveItem", Other),
            ("/v1.0/shares/u!a/driveItem/content", Other),
            ("/v1.0/shares/u!a/driveItem/children", SharesChildren),
            ("/v1.0/shares//driveItem/children", Other),
            ("/v1.0/drives/b!x/items/01A", DriveItem),
            ("/v1.0/drives/b!x/items/01A/children", DriveItemChildren),
            ("/v1.0/drives/b!x/items//children", Other),
            ("/v1.0/drives/b!x/items/01A/content", Other),
            ("/v1.0/shares/u!a/permission", SharesPermission),
            ("/v1.0/shares//permission", Other),
            ("/v1.0/shares/u!a/driveItem/permission", Other),
            ("/v1.0/shares/u!a/driveItem/preview", SharesPreview),
            ("/v1.0/drives/b!x/items/01A/preview", DriveItemPreview),
            ("/v1.0/drives/b!x/items//preview", Other),
            ("/v1.0/sites/root", WarmupRoot),
            ("/v1.0/sites/root/drive", Other),
            ("/v1.0/groups/0a1b/drive", WarmupGroupDrive),
            ("/v1.0/groups/..%2Fme/drive", WarmupGroupDrive),
            (
                "/v1.0/sites/contoso.sharepoint.com:/sites/Marketing",
                WarmupSiteByPath,
            ),
            (
                "/v1.0/sites/contoso.sharepoint.com:/teams/Eng",
                WarmupSiteByPath,
            ),
            (
                "/v1.0/sites/contoso.sharepoint.com:/sites/a%2F..%2Fb",
                WarmupSiteByPath,
            ),
            ("/v1.0/sites/contoso.sharepoint.com:/sites/a/../b", Other),
            ("/v1.0/sites/contoso.sharepoint.com/sites/Marketing", Other),
            ("/v1.0/sites/contoso.sharepoint.com:/personal/x", Other),
            ("/v1.0/me/drive", Other),
            (
                "/_sp/contoso.sharepoint.com/_api/web/currentuser",
                WarmupSharePointCurrentUser,
            ),
            ("/_sp/contoso.sharepoint.com/_api/web/lists", Other),
            ("/_sp//_api/web/currentuser", Other),
            ("/beta/sites/root", Other),
            ("/v1.0/$batch", Batch),
            ("/v1.0/%24batch", Batch),
            ("/v1.0/$batch/x", Other),
            ("/beta/$batch", Other),
            ("/_sim/requests", Admin),
            ("/_media/thumbnails/b!x/01A/small", Thumbnail),
            ("/_media/download/b!x/01A", Download),
            ("/_media/other", Other),
            ("/_simulator", Other),
            ("/5f1c2f7a/discovery/v2.0/keys", Keys),
            ("//discovery/v2.0/keys", Other),
            ("/5f1c2f7a/discovery/keys", Other),
            (
                "/5f1c2f7a/v2.0/.well-known/openid-configuration",
                OpenIdConfiguration,
            ),
            ("/5f1c2f7a/oauth2/v2.0/token", Token),
            ("/5f1c2f7a/oauth2/token", Other),
            ("/a/b/oauth2/v2.0/token", Other),
            ("/_aws/sts", Sts),
            ("/_aws/sts/", Sts),
            ("/_aws/sts/x", Other),
        ];
        for (path, kind) in cases {
            assert_eq!(RequestKind::of(path), *kind, "{path}");
        }
    }
}
