//! The L1 cache in front of a store, seen from the store behind it: what
//! reaches it and what does not.

use std::time::{Duration, SystemTime};

use crate::helpers::CountingStore;
use share_resolver::hydration::{CachedStore, HydrationRecord, HydrationStore, MemoryStore, Put};
use share_resolver::identity::UserKey;
use share_resolver::warmup::WarmupKind;

/// The L1 over a counting memory store; the memory store is returned too,
/// to change things behind the cache's back (as another instance would).
fn cached() -> (
    CachedStore<CountingStore<MemoryStore>>,
    MemoryStore,
    CountingStore<()>,
) {
    let backing = MemoryStore::new(100, Duration::from_secs(3600));
    let counting = CountingStore::new(backing.clone());
    let calls = CountingStore::sharing((), counting.counter());
    (CachedStore::new(counting, 100), backing, calls)
}

fn user() -> UserKey {
    UserKey::new("tid", "oid").unwrap()
}

fn record(ttl: Duration) -> HydrationRecord {
    HydrationRecord::new(user(), SystemTime::now(), ttl, None)
}

#[tokio::test]
async fn a_hit_is_answered_from_l1_and_a_miss_is_not_remembered() {
    let (store, backing, calls) = cached();

    assert_eq!(store.get(&user()).await.unwrap(), None);
    let hydrated = record(Duration::from_secs(3600));
    backing.put(&hydrated).await.unwrap(); // another instance wrote it
    assert_eq!(store.get(&user()).await.unwrap(), Some(hydrated.clone()));
    assert_eq!(calls.calls(), 2, "the miss was not cached");

    backing.forget(&user()).await.unwrap(); // behind the cache's back
    assert_eq!(store.get(&user()).await.unwrap(), Some(hydrated));
    assert_eq!(calls.calls(), 2, "answered from L1");
}

#[tokio::test]
async fn put_fills_l1_and_forget_empties_both() {
    let (store, backing, calls) = cached();
    let hydrated = record(Duration::from_secs(3600));

    store.put(&hydrated).await.unwrap();
    assert_eq!(backing.get(&user()).await.unwrap(), Some(hydrated.clone()));
    assert_eq!(store.get(&user()).await.unwrap(), Some(hydrated));
    assert_eq!(calls.calls(), 1, "only the put went through");

    store.forget(&user()).await.unwrap();
    assert_eq!(backing.get(&user()).await.unwrap(), None);
    assert_eq!(store.get(&user()).await.unwrap(), None);
}

#[tokio::test]
async fn a_marker_keeps_a_live_success_in_the_l1_and_behind_it() {
    let marker = HydrationRecord::warmed(
        user(),
        SystemTime::now(),
        Duration::from_secs(300),
        WarmupKind::Root,
    );
    let hydrated = record(Duration::from_secs(3600));

    // The L1 knows the success: the marker stops there.
    let (store, backing, calls) = cached();
    store.put(&hydrated).await.unwrap();
    assert_eq!(
        store.put(&marker).await.unwrap(),
        Put::Kept(hydrated.clone())
    );
    assert_eq!(backing.get(&user()).await.unwrap(), Some(hydrated.clone()));
    assert_eq!(calls.calls(), 1, "the marker made no call");

    // Only the store behind knows it (another instance's): the L1 follows it.
    let (store, backing, calls) = cached();
    backing.put(&hydrated).await.unwrap();
    assert_eq!(
        store.put(&marker).await.unwrap(),
        Put::Kept(hydrated.clone())
    );
    assert_eq!(store.get(&user()).await.unwrap(), Some(hydrated));
    assert_eq!(calls.calls(), 1, "the get came from the L1");
}
