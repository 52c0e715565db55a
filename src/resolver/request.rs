//! What the resolver is asked and what it answers, as parsed at the edge.

use bytes::Bytes;
use serde::Serialize;
use utoipa::ToSchema;

use crate::drive_item::ItemRef;
use crate::graph::{CallLabel, GraphPath};
use crate::identity::Caller;
use crate::prefer::Redeem;
use crate::query_options::{QueryOptions, Scope};
use crate::share_id::{ShareId, SharePointHost, SharingUrl};
use crate::warmup::{WarmupOutcome, WarmupPlace};

/// A resolved driveItem (or children page), byte-for-byte as Graph sent it.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub body: Bytes,
    pub content_type: Option<http::HeaderValue>,
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
