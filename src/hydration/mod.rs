//! The hydration store: who is known to be hydrated in SharePoint, until when.
//!
//! Best-effort by design: a store that is slow or down turns into a miss (the
//! caller just warms up) and a skipped write, never a failed resolution.

mod cached;
mod dynamo;
mod memory;

use std::time::{Duration, SystemTime};

use async_trait::async_trait;

pub use cached::CachedStore;
pub use dynamo::{DynamoStore, from_item, load_client, to_item};
pub use memory::MemoryStore;

use crate::token::UserKey;
use crate::warmup::WarmupKind;

/// What a record says of its user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RecordKind {
    /// A `/shares` success proved the user hydrated.
    #[default]
    Hydrated,
    /// A warm-up that Graph answered for an accepted token (`POST
    /// /v1/warmup`): hydration is under way but not proven. Short-lived.
    Warmed,
}

/// One remembered user: only the key, timestamps and the warm-up that worked.
/// Never the token, a name or an e-mail address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HydrationRecord {
    pub user: UserKey,
    pub kind: RecordKind,
    /// Epoch seconds of the `/shares` success that proved the user hydrated
    /// (for a [`RecordKind::Warmed`] marker: when the warm-up answered).
    pub hydrated_at: u64,
    /// Epoch seconds after which the record counts as a miss (the TTL attribute).
    pub expires_at: u64,
    /// The warm-up that ran before that success, `None` when it was skipped.
    pub strategy: Option<WarmupKind>,
}

impl HydrationRecord {
    /// A record for `user` hydrated `now`, valid for `ttl`.
    pub fn new(
        user: UserKey,
        now: SystemTime,
        ttl: Duration,
        strategy: Option<WarmupKind>,
    ) -> Self {
        let hydrated_at = epoch_seconds(now);
        Self {
            user,
            kind: RecordKind::Hydrated,
            hydrated_at,
            expires_at: hydrated_at.saturating_add(ttl.as_secs()),
            strategy,
        }
    }

    /// A "warmed" marker: `user`'s warm-up with `strategy` answered `now`;
    /// valid for `ttl` (minutes, not hours).
    pub fn warmed(user: UserKey, now: SystemTime, ttl: Duration, strategy: WarmupKind) -> Self {
        Self {
            kind: RecordKind::Warmed,
            ..Self::new(user, now, ttl, Some(strategy))
        }
    }

    /// Whether the record still counts at `now` (expiry is exclusive).
    pub fn is_live(&self, now: SystemTime) -> bool {
        epoch_seconds(now) < self.expires_at
    }

    /// Whether `self` may overwrite `current` at `now`: a "warmed" marker
    /// never replaces a live "hydrated" record, which would cut hours of
    /// known hydration down to minutes (a pre-warm racing a resolution).
    pub fn may_replace(&self, current: &HydrationRecord, now: SystemTime) -> bool {
        !(self.kind == RecordKind::Warmed
            && current.kind == RecordKind::Hydrated
            && current.is_live(now))
    }
}

/// What a `put` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Put {
    Written,
    /// A "warmed" marker met this live "hydrated" record, which stays.
    Kept(HydrationRecord),
}

/// `put` for the moka-backed stores, atomic per key: see
/// [`HydrationRecord::may_replace`].
async fn put_in(
    cache: &moka::future::Cache<UserKey, HydrationRecord>,
    record: &HydrationRecord,
) -> Put {
    use moka::ops::compute::{CompResult, Op};
    let now = SystemTime::now();
    let outcome = cache
        .entry_by_ref(&record.user)
        .and_compute_with(|current| {
            std::future::ready(match current {
                Some(current) if !record.may_replace(current.value(), now) => Op::Nop,
                _ => Op::Put(record.clone()),
            })
        })
        .await;
    match outcome {
        CompResult::Unchanged(kept) => Put::Kept(kept.into_value()),
        _ => Put::Written,
    }
}

pub use crate::clock::epoch_seconds;

/// Most users the L1 cache in front of DynamoDB keeps per instance.
const L1_CAPACITY: u64 = 10_000;

/// The production store: a per-instance L1 over the DynamoDB table (`dynamo`
/// is a [`DynamoStore`], or a test's decorated one). Startup, the tests and
/// the soak all assemble it here.
pub fn production_store<S: HydrationStore + 'static>(
    dynamo: S,
) -> std::sync::Arc<dyn HydrationStore> {
    std::sync::Arc::new(CachedStore::new(dynamo, L1_CAPACITY))
}

/// Why a store call failed. The resolver logs it and carries on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("hydration store timed out after {0:?}")]
    Timeout(Duration),
    #[error("hydration store call failed")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("hydration store returned a malformed item: {0}")]
    Malformed(String),
}

/// Where hydrated users are remembered. Implementations must return only live
/// records from `get` (an expired one is a miss).
#[async_trait]
pub trait HydrationStore: Send + Sync + 'static {
    /// The live record for `user`, if any.
    async fn get(&self, user: &UserKey) -> Result<Option<HydrationRecord>, StoreError>;
    /// Remember `record`: overwrites, except that a "warmed" marker never
    /// replaces a live "hydrated" record ([`HydrationRecord::may_replace`]),
    /// which is then handed back.
    async fn put(&self, record: &HydrationRecord) -> Result<Put, StoreError>;
    /// Drop what is known of `user` (a stale hit).
    async fn forget(&self, user: &UserKey) -> Result<(), StoreError>;
    /// A short name for logs (`memory`, `dynamodb`, ...).
    fn name(&self) -> &'static str;
}

/// Wraps a store so every call is bounded by the store timeout and by the
/// caller's budget (the request's remaining deadline), and never fails the
/// caller: errors and timeouts are logged once here and handed back for
/// counting, and the caller reads them as a miss or a no-op.
#[derive(Clone)]
pub struct BestEffortStore {
    inner: std::sync::Arc<dyn HydrationStore>,
    timeout: Duration,
}

impl BestEffortStore {
    pub fn new(inner: std::sync::Arc<dyn HydrationStore>, timeout: Duration) -> Self {
        Self { inner, timeout }
    }

    pub fn name(&self) -> &'static str {
        self.inner.name()
    }

    /// The live record, or `None` on a miss; `Err` only to be counted.
    pub async fn get(
        &self,
        user: &UserKey,
        budget: Duration,
    ) -> Result<Option<HydrationRecord>, StoreError> {
        self.bounded("get", budget, self.inner.get(user)).await
    }

    pub async fn put(&self, record: &HydrationRecord, budget: Duration) -> Result<Put, StoreError> {
        self.bounded("put", budget, self.inner.put(record)).await
    }

    pub async fn forget(&self, user: &UserKey, budget: Duration) -> Result<(), StoreError> {
        self.bounded("forget", budget, self.inner.forget(user))
            .await
    }

    async fn bounded<T>(
        &self,
        op: &'static str,
        budget: Duration,
        call: impl std::future::Future<Output = Result<T, StoreError>>,
    ) -> Result<T, StoreError> {
        let limit = self.timeout.min(budget);
        let outcome = match tokio::time::timeout(limit, call).await {
            Ok(outcome) => outcome,
            Err(_) => Err(StoreError::Timeout(limit)),
        };
        outcome.inspect_err(|e| {
            tracing::warn!(store = self.inner.name(), op, error = %e, cause = ?std::error::Error::source(e), "hydration store call failed; carrying on without it");
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marker_never_replaces_a_live_hydrated_record() {
        let now = SystemTime::now();
        let user = || UserKey::new("tid", "oid").unwrap();
        let hour = Duration::from_secs(3600);
        let hydrated = HydrationRecord::new(user(), now, hour, None);
        let expired = HydrationRecord::new(user(), now - 2 * hour, hour, None);
        let marker = HydrationRecord::warmed(user(), now, hour, WarmupKind::Root);
        for (new, current, replaces, why) in [
            (&marker, &hydrated, false, "a marker under a live success"),
            (&marker, &expired, true, "a marker over an expired success"),
            (&marker, &marker, true, "a marker over a marker"),
            (&hydrated, &marker, true, "a success over a marker"),
            (&hydrated, &hydrated, true, "a success over a success"),
        ] {
            assert_eq!(new.may_replace(current, now), replaces, "{why}");
        }
    }
}
