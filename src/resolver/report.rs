//! What happened during one request, success or not: the success headers,
//! the problem's `graph` array, the log line and the metrics come from it.

use std::time::Duration;

use crate::graph::GraphDiagnostics;
use crate::identity::UserKey;
use crate::warmup::WarmupKind;

/// `x-resolver-hydration`: what the service knew of the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, utoipa::ToSchema)]
#[schema(as = ResolverHydration, rename_all = "lowercase")]
pub enum Hydration {
    /// The store knew the guest as hydrated.
    Hit,
    /// A guest the store did not know (or could not answer for).
    Miss,
    /// A tenant member: not subject to guest hydration, no store look-up.
    Member,
}

impl Hydration {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hit => "hit",
            Self::Miss => "miss",
            Self::Member => "member",
        }
    }
}

/// Where the time went, for `server-timing`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    pub store: Duration,
    pub warmup: Duration,
    pub graph: Duration,
    pub total: Duration,
}

/// What the hydration store did for this request (best-effort calls).
#[derive(Debug, Clone, Copy, Default)]
pub struct StoreCalls {
    pub errors: u32,
    pub timeouts: u32,
}

/// One request's account.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub user: Option<UserKey>,
    pub hydration: Option<Hydration>,
    /// The warm-up that answered (this request's or a joined one).
    pub warmup: Option<WarmupKind>,
    /// Whether this request joined another request's warm-up.
    pub warmup_shared: bool,
    /// Warm-up calls this request made itself.
    pub warmup_calls: u32,
    /// Calls of the request's Graph GET (`/shares` or `/drives`) made.
    pub attempts: u32,
    /// Whether a hit turned out stale and was dropped.
    pub stale_hit: bool,
    pub store: StoreCalls,
    pub graph: Vec<GraphDiagnostics>,
    pub timings: Timings,
}
