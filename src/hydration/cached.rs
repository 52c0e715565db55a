//! An in-process L1 cache in front of any store, so a warm Lambda instance
//! makes no DynamoDB call for a user it has already seen.

use std::time::{Duration, Instant, SystemTime};

use async_trait::async_trait;
use moka::Expiry;
use moka::future::Cache;

use super::{HydrationRecord, HydrationStore, StoreError, epoch_seconds};
use crate::token::UserKey;

/// Each entry lives until its record's own `expiresAt`.
struct UntilExpiry;

impl Expiry<UserKey, HydrationRecord> for UntilExpiry {
    fn expire_after_create(
        &self,
        _key: &UserKey,
        record: &HydrationRecord,
        _created_at: Instant,
    ) -> Option<Duration> {
        let now = epoch_seconds(SystemTime::now());
        Some(Duration::from_secs(record.expires_at.saturating_sub(now)))
    }
}

/// `inner` behind a bounded moka cache of positive answers. Misses are not
/// cached: a user hydrated by another instance must be found.
pub struct CachedStore<S> {
    inner: S,
    l1: Cache<UserKey, HydrationRecord>,
}

impl<S: HydrationStore> CachedStore<S> {
    pub fn new(inner: S, capacity: u64) -> Self {
        Self {
            inner,
            l1: Cache::builder()
                .max_capacity(capacity)
                .expire_after(UntilExpiry)
                .build(),
        }
    }
}

#[async_trait]
impl<S: HydrationStore> HydrationStore for CachedStore<S> {
    async fn get(&self, user: &UserKey) -> Result<Option<HydrationRecord>, StoreError> {
        if let Some(record) = self.l1.get(user).await {
            if record.is_live(SystemTime::now()) {
                return Ok(Some(record));
            }
            self.l1.invalidate(user).await;
        }
        let record = self.inner.get(user).await?;
        if let Some(record) = &record {
            self.l1.insert(user.clone(), record.clone()).await;
        }
        Ok(record)
    }

    async fn put(&self, record: &HydrationRecord) -> Result<(), StoreError> {
        // This instance knows the user is hydrated even if the write fails.
        self.l1.insert(record.user.clone(), record.clone()).await;
        self.inner.put(record).await
    }

    async fn forget(&self, user: &UserKey) -> Result<(), StoreError> {
        self.l1.invalidate(user).await;
        self.inner.forget(user).await
    }

    fn name(&self) -> &'static str {
        self.inner.name()
    }
}
