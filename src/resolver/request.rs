//! What the resolver is asked and what it answers, as parsed at the edge.

use bytes::Bytes;
use serde::Serialize;
use utoipa::ToSchema;

use crate::drive_item::ItemRef;
use crate::graph::{CallLabel, GraphPath, GraphRequest};
use crate::identity::Caller;
use crate::prefer::Redeem;
use crate::preview::{self, PreviewBody, PreviewUnsupported};
use crate::query_options::QueryOptions;
use crate::scope::Scope;
use crate::share_id::{ShareId, SharePointHost, SharingUrl};
use crate::warmup::{WarmupOutcome, WarmupPlace};

/// Graph's answer (a driveItem, a children page, a permission, a
/// preview), byte-for-byte as Graph sent it.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub body: Bytes,
    pub content_type: Option<http::HeaderValue>,
}

/// What a resolution reads: a share, or an item inside a shared folder.
#[derive(Debug, Clone)]
pub enum Resource {
    /// `/shares/{shareId}/…`.
    Share(ShareId),
    /// `/drives/{driveId}/items/{itemId}…`: names no sharing URL.
    Item(ItemRef),
}

/// What one request reads, as parsed at the edge: the resource, what of it,
/// the checked query options and `Prefer`. One Graph request follows from
/// it; a `$batch` is one caller and many of these.
/// Made by [`Target::new`] only, so every target is one Graph has.
#[derive(Debug, Clone)]
pub struct Target {
    resource: Resource,
    scope: Scope,
    /// Checked query options, forwarded as sent.
    options: QueryOptions,
    /// `Prefer` for Graph (the `/shares` routes only).
    redeem: Option<Redeem>,
    /// A batch request's own `client-request-id`; the caller's otherwise.
    client_request_id: Option<String>,
}

/// Why a target cannot be read at all (no Graph call).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error(transparent)]
    PreviewUnsupported(#[from] PreviewUnsupported),
    /// Only a sharing link has a link permission.
    #[error("an item inside a shared folder has no sharing link permission: ask for the share's")]
    PermissionOfItem,
}

impl Target {
    /// `scope` of `resource`, if Graph has it: a link's permission is a
    /// share's, and personal OneDrive has no preview action.
    pub fn new(
        resource: Resource,
        scope: Scope,
        options: QueryOptions,
        redeem: Option<Redeem>,
    ) -> Result<Self, TargetError> {
        match (&resource, &scope) {
            (Resource::Share(share), Scope::Preview(_)) => preview::check_share(share)?,
            (Resource::Item(_), Scope::Permission) => return Err(TargetError::PermissionOfItem),
            _ => {}
        }
        Ok(Self {
            resource,
            scope,
            options,
            redeem,
            client_request_id: None,
        })
    }

    /// A share's driveItem, with no options.
    pub fn share(share: ShareId) -> Self {
        Self {
            resource: Resource::Share(share),
            scope: Scope::Item,
            options: QueryOptions::default(),
            redeem: None,
            client_request_id: None,
        }
    }

    /// The same target with a batch request's own `client-request-id`.
    pub fn with_client_request_id(self, client_request_id: Option<String>) -> Self {
        Self {
            client_request_id,
            ..self
        }
    }

    /// A batch request's own `client-request-id`, if it sent one.
    pub fn client_request_id(&self) -> Option<&str> {
        self.client_request_id.as_deref()
    }

    /// What it reads.
    pub fn resource(&self) -> &Resource {
        &self.resource
    }

    /// What of it.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The checked query options (a listing's next link keeps them).
    pub fn options(&self) -> &QueryOptions {
        &self.options
    }

    /// The sharing URL's host, when the target names one (for the caller's
    /// SharePoint token).
    pub fn host(&self) -> Option<&str> {
        match &self.resource {
            Resource::Share(share) => share.sharing_url().map(SharingUrl::host),
            Resource::Item(_) => None,
        }
    }

    /// The Graph request this target makes (and retries).
    pub(crate) fn graph_request(&self) -> GraphRequest {
        let path = match (&self.resource, &self.scope) {
            (Resource::Share(share), Scope::Item) => GraphPath::shares_drive_item(share),
            (Resource::Share(share), Scope::Children) => GraphPath::shares_children(share),
            (Resource::Share(share), Scope::Permission) => GraphPath::shares_permission(share),
            (Resource::Share(share), Scope::Preview(_)) => GraphPath::shares_preview(share),
            (Resource::Item(item), Scope::Item) => GraphPath::drive_item(item),
            (Resource::Item(item), Scope::Children) => GraphPath::drive_item_children(item),
            (Resource::Item(item), Scope::Preview(_)) => GraphPath::drive_item_preview(item),
            (Resource::Item(_), Scope::Permission) => {
                unreachable!("Target::new, the only constructor, refuses an item's permission")
            }
        }
        .with_options(&self.options);
        match &self.scope {
            Scope::Preview(body) => GraphRequest::post(path, self.prefer(), preview_json(body)),
            _ => GraphRequest::get(path, self.prefer()),
        }
    }

    /// What the call is, for its diagnostics.
    pub(crate) fn label(&self) -> CallLabel {
        match (&self.resource, &self.scope) {
            (_, Scope::Preview(_)) => CallLabel::PREVIEW,
            (_, Scope::Permission) => CallLabel::PERMISSION,
            (Resource::Share(_), _) => CallLabel::SHARES,
            (Resource::Item(_), _) => CallLabel::DRIVES,
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

/// The preview's options as Graph's JSON (an empty object when none).
fn preview_json(body: &PreviewBody) -> serde_json::Value {
    serde_json::to_value(body).unwrap_or_else(|_| serde_json::json!({}))
}

/// One resolution request: a caller and what it reads.
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
            .find(|(_, t)| t.host().is_some())
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
pub enum PrewarmHydration {
    Hit,
    Member,
    Warmed,
}
