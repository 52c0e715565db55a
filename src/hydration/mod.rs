//! The hydration store: who is known to be hydrated in SharePoint, until when.
//!
//! Best-effort by design: a store that is slow or down turns into a miss (the
//! caller just warms up) and a skipped write, never a failed resolution.

mod cached;
mod dynamo;
mod memory;
mod store;

use std::time::Duration;

pub use cached::CachedStore;
pub use dynamo::{DynamoStore, best_effort, from_item, load_client, to_item};
pub use memory::MemoryStore;
pub use store::{HydrationRecord, HydrationStore, Put, RecordKind, StoreError, epoch_millis};

use crate::identity::UserKey;

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

    /// Claims a warm-up ([`HydrationStore::claim`]); `Err` only to be
    /// counted (the caller then warms up on its own).
    pub async fn claim(
        &self,
        lease: &HydrationRecord,
        budget: Duration,
    ) -> Result<Put, StoreError> {
        self.bounded("claim", budget, self.inner.claim(lease)).await
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
