//! In-memory hydration store: a bounded moka cache, per-record expiry.

use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use moka::future::Cache;

use super::store::{HydrationRecord, HydrationStore, Put, StoreError, put_in};
use crate::identity::UserKey;

/// Process-local store, used when `HYDRATION_TABLE` is unset and as the L1
/// cache in front of DynamoDB.
#[derive(Clone)]
pub struct MemoryStore {
    cache: Cache<UserKey, HydrationRecord>,
}

impl MemoryStore {
    /// A store holding at most `capacity` users, none for longer than `max_ttl`.
    pub fn new(capacity: u64, max_ttl: Duration) -> Self {
        Self {
            cache: Cache::builder()
                .max_capacity(capacity)
                .time_to_live(max_ttl)
                .build(),
        }
    }
}

#[async_trait]
impl HydrationStore for MemoryStore {
    async fn get(&self, user: &UserKey) -> Result<Option<HydrationRecord>, StoreError> {
        match self.cache.get(user).await {
            Some(record) if record.is_live(SystemTime::now()) => Ok(Some(record)),
            Some(_) => {
                self.cache.invalidate(user).await;
                Ok(None)
            }
            None => Ok(None),
        }
    }

    async fn put(&self, record: &HydrationRecord) -> Result<Put, StoreError> {
        Ok(put_in(&self.cache, record).await)
    }

    /// A lease replaces only what is no longer live
    /// (`HydrationRecord::may_replace` defers to `may_claim`).
    async fn claim(&self, lease: &HydrationRecord) -> Result<Put, StoreError> {
        Ok(put_in(&self.cache, lease).await)
    }

    async fn forget(&self, user: &UserKey) -> Result<(), StoreError> {
        self.cache.invalidate(user).await;
        Ok(())
    }

    fn name(&self) -> &'static str {
        "memory"
    }
}
