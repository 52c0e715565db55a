//! What the resolver is asked and what it answers, as parsed at the edge.

use std::sync::Arc;

use async_trait::async_trait;

use bytes::Bytes;
use serde::Serialize;
use utoipa::ToSchema;

use crate::drive_item::ItemRef;
use crate::graph::{CallLabel, GraphPath};
use crate::prefer::Redeem;
use crate::query_options::{QueryOptions, Scope};
use crate::share_id::{ShareId, SharePointHost, SharingUrl};
use crate::token::{BearerToken, TokenClaims, TokenFingerprint, UserKey};
use crate::warmup::{WarmupOutcome, WarmupPlace};

/// A resolved driveItem (or children page), byte-for-byte as Graph sent it.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub body: Bytes,
    pub content_type: Option<http::HeaderValue>,
}

/// Who calls, as parsed (and in `obo` mode verified) at the edge.
pub struct Caller {
    /// The Graph token to call with: the caller's own (`graph` mode), or one
    /// obtained On-Behalf-Of the caller (`obo`).
    pub token: BearerToken,
    /// Where the `sharepoint` warm-up gets its token; `None`: it is skipped.
    pub sharepoint: Option<Arc<dyn SharePointTokens>>,
    /// The token's claims: peeked (`graph`) or verified (`obo`).
    pub claims: TokenClaims,
    /// Whether the claims were verified (`obo`): then the user alone is
    /// the caller, whichever of its tokens it sends.
    pub verified: bool,
    pub client_request_id: String,
}

impl std::fmt::Debug for Caller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caller")
            .field("user", &self.claims.user)
            .field("verified", &self.verified)
            .field("sharepoint", &self.sharepoint.is_some())
            .finish_non_exhaustive()
    }
}

/// A SharePoint token for a SharePoint Online host, when a `sharepoint`
/// warm-up is about to run: the caller's `X-SharePoint-Authorization`
/// (`graph` mode, checked at the edge against that host) or one exchanged
/// On-Behalf-Of the caller (`obo`). `None`: the warm-up is passed over.
#[async_trait]
pub trait SharePointTokens: Send + Sync {
    async fn for_host(&self, host: &str) -> Option<BearerToken>;
}

/// The `graph` mode's: the one token the caller sent for its one host.
pub struct GivenSharePointToken(pub BearerToken);

#[async_trait]
impl SharePointTokens for GivenSharePointToken {
    async fn for_host(&self, _host: &str) -> Option<BearerToken> {
        Some(self.0.clone())
    }
}

/// A caller as the instance tells callers apart. In `graph` mode, the user
/// and a fingerprint of the token (the claims are not verified: a forged
/// token naming a victim's ids is another caller than the victim); in
/// `obo` mode, the verified user alone.
pub(crate) type CallerKey = (UserKey, Option<TokenFingerprint>);

impl Caller {
    pub(crate) fn key(&self) -> CallerKey {
        (self.claims.user.clone(), self.fingerprint())
    }

    /// The token's part of [`Caller::key`]: its fingerprint in `graph`
    /// mode, `None` in `obo` mode.
    pub(crate) fn fingerprint(&self) -> Option<TokenFingerprint> {
        (!self.verified).then(|| self.token.fingerprint())
    }
}

/// What a resolution reads: a share, or an item inside a shared folder.
#[derive(Debug)]
pub enum Resource {
    /// `/shares/{shareId}/driveItem`.
    Share(ShareId),
    /// `/drives/{driveId}/items/{itemId}`: names no sharing URL.
    Item(ItemRef),
}

/// One resolution request: a Graph GET that may hit the hydration anomaly.
#[derive(Debug)]
pub struct ResolveRequest {
    pub caller: Caller,
    pub resource: Resource,
    /// The item itself, or its children.
    pub scope: Scope,
    /// Checked query options, forwarded as sent.
    pub options: QueryOptions,
    /// `Prefer` for Graph (the `/shares` routes only).
    pub redeem: Option<Redeem>,
}

impl ResolveRequest {
    /// The share's driveItem, with no options.
    pub fn share(caller: Caller, share: ShareId) -> Self {
        Self::of(caller, Resource::Share(share))
    }

    /// `resource`'s item, with no options.
    pub fn of(caller: Caller, resource: Resource) -> Self {
        Self {
            caller,
            resource,
            scope: Scope::Item,
            options: QueryOptions::default(),
            redeem: None,
        }
    }

    /// The Graph call this request makes (and retries).
    pub(crate) fn graph_path(&self) -> GraphPath {
        let path = match (&self.resource, self.scope) {
            (Resource::Share(share), Scope::Item) => GraphPath::shares_drive_item(share),
            (Resource::Share(share), Scope::Children) => GraphPath::shares_children(share),
            (Resource::Item(item), Scope::Item) => GraphPath::drive_item(item),
            (Resource::Item(item), Scope::Children) => GraphPath::drive_item_children(item),
        };
        path.with_options(&self.options)
    }

    /// What the call is, for its diagnostics.
    pub(crate) fn label(&self) -> CallLabel {
        match self.resource {
            Resource::Share(_) => CallLabel::SHARES,
            Resource::Item(_) => CallLabel::DRIVES,
        }
    }

    /// Where a warm-up may go: a share's sharing URL, or (an item) nowhere
    /// in particular, so only the strategies that need none run.
    pub(crate) fn place(&self) -> WarmupPlace<'_> {
        match &self.resource {
            Resource::Share(share) => WarmupPlace::of(share),
            Resource::Item(_) => WarmupPlace::default(),
        }
    }

    /// `Prefer` goes to Graph's `/shares` calls only.
    pub(crate) fn prefer(&self) -> Option<Redeem> {
        match self.resource {
            Resource::Share(_) => self.redeem,
            Resource::Item(_) => None,
        }
    }
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
