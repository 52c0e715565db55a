//! An in-process L1 cache in front of any store, so a warm Lambda instance
//! makes no DynamoDB call for a user it has already seen.

use std::time::{Duration, Instant, SystemTime};

use async_trait::async_trait;
use moka::Expiry;
use moka::future::Cache;

use super::store::{HydrationRecord, HydrationStore, Put, StoreError, put_in};
use crate::clock::epoch_seconds;
use crate::identity::UserKey;

/// Each entry lives until its own record's `expiresAt`.
struct UntilExpiry;

impl UntilExpiry {
    fn remaining(record: &HydrationRecord) -> Duration {
        let now = epoch_seconds(SystemTime::now());
        Duration::from_secs(record.expires_at.saturating_sub(now))
    }
}

impl Expiry<UserKey, HydrationRecord> for UntilExpiry {
    fn expire_after_create(
        &self,
        _key: &UserKey,
        record: &HydrationRecord,
        _created_at: Instant,
    ) -> Option<Duration> {
        Some(Self::remaining(record))
    }

    // moka's default keeps the old entry's expiry on an overwrite; a re-put
    // record carries a new `expiresAt`, which must win.
    fn expire_after_update(
        &self,
        _key: &UserKey,
        record: &HydrationRecord,
        _updated_at: Instant,
        _duration_until_expiry: Option<Duration>,
    ) -> Option<Duration> {
        Some(Self::remaining(record))
    }
}

/// `inner` behind a bounded moka cache of live records. Misses are not
/// cached: a user hydrated meanwhile by another instance must be found.
pub struct CachedStore<S> {
    inner: S,
    l1: Cache<UserKey, HydrationRecord>,
}

impl<S: HydrationStore> CachedStore<S> {
    /// Caches at most `capacity` users in front of `inner`, each until its
    /// record expires.
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
            // The entry's expiry is rounded to whole seconds; `is_live` is the rule.
            if record.is_live(SystemTime::now()) {
                return Ok(Some(record));
            }
            self.l1.invalidate(user).await;
        }
        let record = self.inner.get(user).await?;
        // A lease is not cached: it lives seconds, and the record that
        // follows it must be found in the table.
        if let Some(record) = record.as_ref().filter(|r| !r.is_lease()) {
            // Through the rule: a success put meanwhile must not be undone.
            if let Put::Kept(hydrated) = put_in(&self.l1, record).await {
                return Ok(Some(hydrated));
            }
        }
        Ok(record)
    }

    async fn put(&self, record: &HydrationRecord) -> Result<Put, StoreError> {
        // L1 first: this instance knows the user is hydrated even when the
        // write fails, and `BestEffortStore` drops this future at its timeout,
        // so anything after the inner call might never run.
        if let kept @ Put::Kept(_) = put_in(&self.l1, record).await {
            return Ok(kept);
        }
        let put = self.inner.put(record).await?;
        if let Put::Kept(hydrated) = &put {
            // Another instance's success is in the table: the L1 follows it.
            self.l1
                .insert(hydrated.user.clone(), hydrated.clone())
                .await;
        }
        Ok(put)
    }

    /// Straight to the table: the L1 holds no lease (this instance's own
    /// warm-ups are single-flight in its ledger already).
    async fn claim(&self, lease: &HydrationRecord) -> Result<Put, StoreError> {
        let claimed = self.inner.claim(lease).await?;
        if let Put::Kept(held) = &claimed
            && !held.is_lease()
        {
            // Another instance's success or marker: the L1 follows it.
            put_in(&self.l1, held).await;
        }
        Ok(claimed)
    }

    async fn forget(&self, user: &UserKey) -> Result<(), StoreError> {
        // L1 first, for the same reason: a stale hit must go even if the
        // delete times out.
        self.l1.invalidate(user).await;
        self.inner.forget(user).await
    }

    fn name(&self) -> &'static str {
        // The trait wants a `&'static str`; name the known inner stores, and
        // fall back to the inner name (the L1 is an implementation detail).
        match self.inner.name() {
            "dynamodb" => "dynamodb+l1",
            "memory" => "memory+l1",
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    //! The L1's internals; its behaviour over a counting store is in
    //! `tests/api/hydration_cache.rs`.

    use super::*;
    use crate::hydration::MemoryStore;

    fn cached() -> CachedStore<MemoryStore> {
        CachedStore::new(MemoryStore::new(100, Duration::from_secs(3600)), 100)
    }

    fn user() -> UserKey {
        UserKey::new("tid", "oid").unwrap()
    }

    fn record(ttl: Duration) -> HydrationRecord {
        HydrationRecord::new(user(), SystemTime::now(), ttl, None)
    }

    #[tokio::test]
    async fn an_expired_record_in_l1_is_a_miss() {
        let store = cached();
        let mut old = record(Duration::from_secs(3600));
        old.expires_at = epoch_seconds(SystemTime::now()); // expiry is exclusive
        store.l1.insert(user(), old).await;

        assert_eq!(store.get(&user()).await.unwrap(), None);
    }

    #[test]
    fn an_overwrite_takes_the_new_records_expiry() {
        let short = record(Duration::from_secs(60));
        let long = record(Duration::from_secs(7200));
        let after = UntilExpiry
            .expire_after_update(
                &user(),
                &long,
                Instant::now(),
                Some(Duration::from_secs(60)),
            )
            .unwrap();
        assert!(after > Duration::from_secs(7100), "{after:?}");
        let created = UntilExpiry
            .expire_after_create(&user(), &short, Instant::now())
            .unwrap();
        assert!(created <= Duration::from_secs(60), "{created:?}");
    }

    #[test]
    fn the_name_says_there_is_an_l1() {
        assert_eq!(cached().name(), "memory+l1");
    }
}
