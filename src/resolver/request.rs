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
#[derive(Debug, Clone)]
pub enum Resource {
    /// `/shares/{shareId}/driveItem`.
    Share(ShareId),
    /// `/drives/{driveId}/items/{itemId}`: names no sharing URL.
    Item(ItemRef),
}

/// What one request reads in Graph, without who asks: a single route's
/// request is one caller and one target, a batch one caller and many.
#[derive(Debug, Clone)]
pub struct Target {
    pub resource: Resource,
    /// The item itself, or its children.
    pub scope: Scope,
    /// Checked query options, forwarded as sent.
    pub options: QueryOptions,
    /// `Prefer` for Graph (the `/shares` routes only).
    pub redeem: Option<Redeem>,
    /// A batch request's own `client-request-id`; the caller's otherwise.
    pub client_request_id: Option<String>,
}

impl Target {
    /// `resource`'s item, with no options.
    pub fn of(resource: Resource) -> Self {
        Self {
            resource,
            scope: Scope::Item,
            options: QueryOptions::default(),
            redeem: None,
            client_request_id: None,
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

    /// The sharing URL's host, for a share given by URL (or `u!` id).
    pub fn sharing_host(&self) -> Option<&str> {
        match &self.resource {
            Resource::Share(share) => share.sharing_url().map(SharingUrl::host),
            Resource::Item(_) => None,
        }
    }
}

/// One resolution request: a Graph GET that may hit the hydration anomaly.
#[derive(Debug)]
pub struct ResolveRequest {
    pub caller: Caller,
    pub target: Target,
}

/// A batch (`POST /v1/$batch`): one caller, the requests that parsed, each
/// with the caller's `id` for it (the invalid ones never get here).
#[derive(Debug)]
pub struct BatchRequest {
    pub caller: Caller,
    pub requests: Vec<(String, Target)>,
}

impl BatchRequest {
    /// Where the batch's one warm-up goes: the sharing URL of its first
    /// `/shares` request that has one, else wherever needs none.
    pub(crate) fn place(&self) -> WarmupPlace<'_> {
        self.requests
            .iter()
            .find(|(_, t)| t.sharing_host().is_some())
            .map_or_else(WarmupPlace::default, |(_, t)| t.place())
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
