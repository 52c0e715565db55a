//! What the resolver is asked and what it answers, as parsed at the edge.

use std::hash::{BuildHasher, RandomState};
use std::sync::LazyLock;

use bytes::Bytes;
use serde::Serialize;
use utoipa::ToSchema;

use crate::share_id::{ShareId, SharePointHost, SharingUrl};
use crate::token::{BearerToken, TokenClaims, UserKey};
use crate::warmup::WarmupOutcome;

/// A resolved driveItem, byte-for-byte as Graph sent it.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub body: Bytes,
    pub content_type: Option<http::HeaderValue>,
}

/// Who calls, as parsed at the edge.
#[derive(Debug)]
pub struct Caller {
    pub token: BearerToken,
    /// The caller's SharePoint token (`X-SharePoint-Authorization`), checked
    /// at the edge against the SharePoint host it will be sent to.
    pub sharepoint_token: Option<BearerToken>,
    /// The token's claims, peeked and checked at the edge.
    pub claims: TokenClaims,
    pub client_request_id: String,
}

/// A caller as the instance tells callers apart: the user and a keyed hash
/// of the token (std's `RandomState`, keys random per process), which
/// identifies a token within this process and cannot be reversed or
/// compared across processes. A forged token naming a victim's ids is
/// another caller than the victim.
pub(crate) type CallerKey = (UserKey, u64);

static FINGERPRINTS: LazyLock<RandomState> = LazyLock::new(RandomState::new);

impl Caller {
    pub(crate) fn key(&self) -> CallerKey {
        (
            self.claims.user.clone(),
            FINGERPRINTS.hash_one(self.token.expose()),
        )
    }
}

/// One resolution request.
#[derive(Debug)]
pub struct ResolveRequest {
    pub caller: Caller,
    pub share: ShareId,
}

/// One pre-warm request (`POST /v1/warmup`): where to warm up, if said.
#[derive(Debug)]
pub struct WarmupRequest {
    pub caller: Caller,
    pub url: Option<SharingUrl>,
    /// A SharePoint host, when no sharing URL was given.
    pub host: Option<SharePointHost>,
}

/// What a pre-warm found or did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Prewarmed {
    // (No doc comments on the fields: the document shows them as bare refs.)
    pub hydration: PrewarmHydration,
    pub warmup: WarmupOutcome,
}

// What a pre-warm knew: a `hit` or `member` needed nothing, else `warmed`.
// (A `//` comment: the document shows this enum without a description.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[schema(as = HydrationState)]
pub enum PrewarmHydration {
    Hit,
    Member,
    Warmed,
}
