//! The DynamoDB hydration store and its L1 cache against a real local
//! DynamoDB-compatible server (moto): `scripts/dev-env.sh && eval
//! "$(scripts/moto.sh start)"` exports `TEST_DYNAMODB_ENDPOINT`.

use crate::helpers::dynamo::{create_table, endpoint, fresh_table, local_client};
use crate::helpers::{closed_port, stalling_server};

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::interceptors::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
};
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::get_item::GetItemError;
use aws_sdk_dynamodb::types::{AttributeValue, TimeToLiveStatus};
use share_resolver::configuration::Settings;
use share_resolver::hydration::{
    BestEffortStore, CachedStore, DynamoStore, HydrationRecord, HydrationStore, Put, RecordKind,
    StoreError, epoch_seconds, from_item, to_item,
};
use share_resolver::identity::{BearerToken, TokenFingerprint, UserKey};
use share_resolver::warmup::WarmupKind;

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type Item = HashMap<String, AttributeValue>;

/// What production uses (`HYDRATION_STORE_TIMEOUT_MS` unset).
fn store_timeout() -> Duration {
    Settings::default().store_timeout
}

/// Counts what reaches the wire: operations, and attempts (retries included).
#[derive(Debug, Clone, Default)]
struct Calls {
    operations: Arc<AtomicUsize>,
    attempts: Arc<AtomicUsize>,
}

impl Calls {
    fn operations(&self) -> usize {
        self.operations.load(Ordering::SeqCst)
    }
    fn attempts(&self) -> usize {
        self.attempts.load(Ordering::SeqCst)
    }
}

impl Intercept for Calls {
    fn name(&self) -> &'static str {
        "CountCalls"
    }

    fn read_before_execution(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.operations.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.attempts.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

/// A store client as production configures it (store timeout, two attempts),
/// at `endpoint`, with a call counter.
async fn store_client(endpoint: &str) -> (Client, Calls) {
    let calls = Calls::default();
    let client = local_client(endpoint, store_timeout()).await;
    let config = client
        .config()
        .to_builder()
        .interceptor(calls.clone())
        .build();
    (Client::from_conf(config), calls)
}

fn new_user() -> UserKey {
    UserKey::new(
        &uuid::Uuid::new_v4().to_string(),
        &uuid::Uuid::new_v4().to_string(),
    )
    .unwrap()
}

fn hydrated(user: &UserKey, strategy: Option<WarmupKind>) -> HydrationRecord {
    HydrationRecord::new(
        user.clone(),
        SystemTime::now(),
        Duration::from_secs(3 * 3600),
        strategy,
    )
}

/// A "warmed" marker for `user`, written now.
fn warmed(user: &UserKey) -> HydrationRecord {
    HydrationRecord::warmed(
        user.clone(),
        SystemTime::now(),
        Duration::from_secs(300),
        WarmupKind::Root,
    )
}

/// A "hydrated" record for `user` that expired an hour ago.
fn expired(user: &UserKey) -> HydrationRecord {
    let two_hours_ago = SystemTime::now() - Duration::from_secs(7200);
    HydrationRecord::new(user.clone(), two_hours_ago, Duration::from_secs(3600), None)
}

async fn raw_put(raw: &Client, table: &str, item: Item) {
    raw.put_item()
        .table_name(table)
        .set_item(Some(item))
        .send()
        .await
        .expect("raw PutItem");
}

async fn raw_get(raw: &Client, table: &str, user: &UserKey) -> Option<Item> {
    raw.get_item()
        .table_name(table)
        .key("pk", AttributeValue::S(user.to_string()))
        .consistent_read(true)
        .send()
        .await
        .expect("raw GetItem")
        .item
}

async fn raw_delete(raw: &Client, table: &str, user: &UserKey) {
    raw.delete_item()
        .table_name(table)
        .key("pk", AttributeValue::S(user.to_string()))
        .send()
        .await
        .expect("raw DeleteItem");
}

#[ignore = "needs a local DynamoDB: scripts/test.sh runs it, or eval \"$(scripts/moto.sh start)\" then cargo test -- --ignored"]
#[tokio::test]
async fn the_table_expires_items_on_expires_at_and_creating_it_again_is_fine() {
    let (raw, table) = fresh_table().await;

    let ttl = raw
        .describe_time_to_live()
        .table_name(&table)
        .send()
        .await
        .unwrap()
        .time_to_live_description
        .expect("a TTL description");
    assert_eq!(ttl.attribute_name.as_deref(), Some("expiresAt"));
    assert_eq!(ttl.time_to_live_status, Some(TimeToLiveStatus::Enabled));

    create_table(&raw, &table)
        .await
        .expect("idempotent: the table and its TTL already exist");
    let keys = raw
        .describe_table()
        .table_name(&table)
        .send()
        .await
        .unwrap()
        .table
        .unwrap()
        .key_schema
        .unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].attribute_name, "pk");
}

#[ignore = "needs a local DynamoDB: scripts/test.sh runs it, or eval \"$(scripts/moto.sh start)\" then cargo test -- --ignored"]
#[tokio::test]
async fn a_put_record_is_read_back() {
    let (_raw, table) = fresh_table().await;
    let (client, _) = store_client(&endpoint()).await;
    let store = DynamoStore::new(client, &table);

    for strategy in [None, Some(WarmupKind::Site), Some(WarmupKind::Group)] {
        let user = new_user();
        let record = hydrated(&user, strategy);
        store.put(&record).await.unwrap();
        assert_eq!(
            store.get(&user).await.unwrap(),
            Some(record),
            "{strategy:?}"
        );
    }
    assert_eq!(store.get(&new_user()).await.unwrap(), None, "unknown user");
}

#[ignore = "needs a local DynamoDB: scripts/test.sh runs it, or eval \"$(scripts/moto.sh start)\" then cargo test -- --ignored"]
#[tokio::test]
async fn the_item_holds_the_key_timestamps_and_strategy_and_nothing_else() {
    let (raw, table) = fresh_table().await;
    let (client, _) = store_client(&endpoint()).await;
    let store = DynamoStore::new(client, &table);
    let user = new_user();
    let record = hydrated(&user, Some(WarmupKind::Site));

    store.put(&record).await.unwrap();

    let items = raw
        .scan()
        .table_name(&table)
        .consistent_read(true)
        .send()
        .await
        .unwrap()
        .items
        .unwrap_or_default();
    assert_eq!(items.len(), 1, "{items:?}");
    let item = &items[0];
    let mut names: Vec<&str> = item.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["expiresAt", "hydratedAt", "pk", "strategy"]);
    assert_eq!(item["pk"], AttributeValue::S(user.to_string()));
    assert_eq!(item["strategy"], AttributeValue::S("site".into()));
    assert_eq!(
        item["hydratedAt"],
        AttributeValue::N(record.hydrated_at.to_string())
    );
    // DynamoDB's TTL only acts on a Number holding epoch seconds.
    let AttributeValue::N(expires) = &item["expiresAt"] else {
        panic!("expiresAt is not a Number: {item:?}");
    };
    let expires: u64 = expires.parse().unwrap();
    assert_eq!(expires, record.hydrated_at + 3 * 3600);
    let now = epoch_seconds(SystemTime::now());
    assert!(expires.abs_diff(now + 3 * 3600) < 60, "{expires} vs {now}");
    // Nothing token-like: no JWT part (`eyJ` is base64url of `{"`), no long blob.
    for (name, value) in item {
        let text = match value {
            AttributeValue::S(s) | AttributeValue::N(s) => s,
            other => panic!("{name} is neither S nor N: {other:?}"),
        };
        assert!(
            !text.contains("eyJ") && text.len() <= 2 * 128 + 1,
            "{name} looks like token material: {text}"
        );
    }
}

#[ignore = "needs a local DynamoDB: scripts/test.sh runs it, or eval \"$(scripts/moto.sh start)\" then cargo test -- --ignored"]
#[tokio::test]
async fn an_item_past_its_expires_at_is_a_miss() {
    let (raw, table) = fresh_table().await;
    let (client, _) = store_client(&endpoint()).await;
    let store = DynamoStore::new(client, &table);
    let user = new_user();
    // DynamoDB deletes expired items lazily (up to days later): until then
    // GetItem still returns them.
    raw_put(&raw, &table, to_item(&expired(&user))).await;
    assert!(raw_get(&raw, &table, &user).await.is_some());

    assert_eq!(store.get(&user).await.unwrap(), None);
    let cached = CachedStore::new(store, 100);
    assert_eq!(cached.get(&user).await.unwrap(), None);
}

#[ignore = "needs a local DynamoDB: scripts/test.sh runs it, or eval \"$(scripts/moto.sh start)\" then cargo test -- --ignored"]
#[tokio::test]
async fn a_warmed_marker_never_replaces_a_live_hydrated_item() {
    let (raw, table) = fresh_table().await;
    let (client, _) = store_client(&endpoint()).await;
    let store = DynamoStore::new(client, &table);
    let (live, old, unknown) = (new_user(), new_user(), new_user());
    // Written by another instance: only the table knows.
    raw_put(&raw, &table, to_item(&hydrated(&live, None))).await;
    raw_put(&raw, &table, to_item(&expired(&old))).await;

    let kept = store
        .put(&warmed(&live))
        .await
        .expect("a kept item is no error");
    let written = [
        store.put(&warmed(&old)).await.unwrap(),
        store.put(&warmed(&unknown)).await.unwrap(),
    ];

    let item = raw_get(&raw, &table, &live).await.unwrap();
    assert!(
        item.contains_key("hydratedAt") && !item.contains_key("warmedAt"),
        "{item:?}"
    );
    assert_eq!(
        kept,
        Put::Kept(from_item(&item).unwrap()),
        "the kept record comes back"
    );
    assert_eq!(written, [Put::Written, Put::Written]);
    for user in [&old, &unknown] {
        let item = raw_get(&raw, &table, user).await.unwrap();
        assert!(
            item.contains_key("warmedAt") && !item.contains_key("hydratedAt"),
            "{item:?}"
        );
    }
}

#[ignore = "needs a local DynamoDB: scripts/test.sh runs it, or eval \"$(scripts/moto.sh start)\" then cargo test -- --ignored"]
#[tokio::test]
async fn the_l1_follows_a_hydrated_item_that_a_marker_did_not_replace() {
    let (raw, table) = fresh_table().await;
    let (client, calls) = store_client(&endpoint()).await;
    let user = new_user();
    let record = hydrated(&user, None);
    // Another instance's success: this instance's L1 has never seen it.
    raw_put(&raw, &table, to_item(&record)).await;
    let cached = CachedStore::new(DynamoStore::new(client, &table), 100);

    assert_eq!(
        cached.put(&warmed(&user)).await.unwrap(),
        Put::Kept(record.clone())
    );
    assert_eq!(cached.get(&user).await.unwrap(), Some(record));
    assert_eq!(calls.operations(), 1, "the get came from the L1");
}

#[ignore = "needs a local DynamoDB: scripts/test.sh runs it, or eval \"$(scripts/moto.sh start)\" then cargo test -- --ignored"]
#[tokio::test]
async fn a_malformed_item_is_reported_as_such() {
    let (raw, table) = fresh_table().await;
    let (client, _) = store_client(&endpoint()).await;
    let store = DynamoStore::new(client, &table);
    let user = new_user();
    let mut item = to_item(&hydrated(&user, None));
    item.insert("expiresAt".into(), AttributeValue::S("tomorrow".into()));
    raw_put(&raw, &table, item).await;

    let outcome = store.get(&user).await;

    assert!(
        matches!(outcome, Err(StoreError::Malformed(_))),
        "{outcome:?}"
    );
}

#[ignore = "needs a local DynamoDB: scripts/test.sh runs it, or eval \"$(scripts/moto.sh start)\" then cargo test -- --ignored"]
#[tokio::test]
async fn forget_deletes_the_item() {
    let (raw, table) = fresh_table().await;
    let (client, _) = store_client(&endpoint()).await;
    let store = CachedStore::new(DynamoStore::new(client, &table), 100);
    let user = new_user();
    store.put(&hydrated(&user, None)).await.unwrap();
    assert!(raw_get(&raw, &table, &user).await.is_some());

    store.forget(&user).await.unwrap();

    assert!(raw_get(&raw, &table, &user).await.is_none());
    assert_eq!(store.get(&user).await.unwrap(), None, "gone from L1 too");
    // Forgetting an unknown user is not an error.
    store.forget(&new_user()).await.unwrap();
}

#[ignore = "needs a local DynamoDB: scripts/test.sh runs it, or eval \"$(scripts/moto.sh start)\" then cargo test -- --ignored"]
#[tokio::test]
async fn a_warm_instance_answers_a_known_user_without_calling_dynamodb() {
    let (raw, table) = fresh_table().await;
    let user = new_user();
    let record = hydrated(&user, Some(WarmupKind::Root));
    raw_put(&raw, &table, to_item(&record)).await; // another instance wrote it
    let (client, calls) = store_client(&endpoint()).await;
    let store = CachedStore::new(DynamoStore::new(client, &table), 100);
    assert_eq!(store.name(), "dynamodb+l1");

    // Cold instance: one GetItem fills L1.
    assert_eq!(store.get(&user).await.unwrap(), Some(record.clone()));
    assert_eq!(calls.operations(), 1);

    // Warm: no call, even with the item gone behind the cache's back.
    raw_delete(&raw, &table, &user).await;
    for _ in 0..3 {
        assert_eq!(store.get(&user).await.unwrap(), Some(record.clone()));
    }
    assert_eq!(calls.operations(), 1, "answered from L1");

    // A put fills L1 as well: the next get makes no call.
    let other = new_user();
    let other_record = hydrated(&other, None);
    store.put(&other_record).await.unwrap();
    assert_eq!(store.get(&other).await.unwrap(), Some(other_record));
    assert_eq!(calls.operations(), 2, "just the PutItem");
}

#[ignore = "needs a local DynamoDB: scripts/test.sh runs it, or eval \"$(scripts/moto.sh start)\" then cargo test -- --ignored"]
#[tokio::test]
async fn a_miss_is_not_cached() {
    let (raw, table) = fresh_table().await;
    let (client, calls) = store_client(&endpoint()).await;
    let store = CachedStore::new(DynamoStore::new(client, &table), 100);
    let user = new_user();

    assert_eq!(store.get(&user).await.unwrap(), None);
    // Another instance hydrates the user meanwhile: this one must see it.
    let record = hydrated(&user, Some(WarmupKind::Site));
    raw_put(&raw, &table, to_item(&record)).await;

    assert_eq!(store.get(&user).await.unwrap(), Some(record));
    assert_eq!(calls.operations(), 2, "both gets reached DynamoDB");
}

fn sdk_error(e: &StoreError) -> &SdkError<GetItemError> {
    let StoreError::Backend(source) = e else {
        panic!("not a backend error: {e:?}");
    };
    source
        .downcast_ref::<SdkError<GetItemError>>()
        .unwrap_or_else(|| panic!("the SDK error is not kept as the source: {source:?}"))
}

#[tokio::test]
async fn a_store_that_is_down_fails_fast_and_counts_as_a_miss() {
    let (client, calls) = store_client(&format!("http://127.0.0.1:{}", closed_port().await)).await;
    let store = DynamoStore::new(client, "hydration");
    let user = new_user();

    let started = Instant::now();
    let outcome = store.get(&user).await;
    let elapsed = started.elapsed();

    let error = outcome.expect_err("nothing listens there");
    assert!(
        matches!(sdk_error(&error), SdkError::DispatchFailure(_)),
        "{error:?}"
    );
    // Real time: "fast" is the claim, against a real closed port: a down
    // store must not cost a timeout.
    assert!(elapsed < Duration::from_secs(1), "took {elapsed:?}");
    assert!(
        (1..=2).contains(&calls.attempts()),
        "at most two attempts, made {}",
        calls.attempts()
    );
    assert!(store.put(&hydrated(&user, None)).await.is_err());
    assert!(store.forget(&user).await.is_err());

    // What the resolver sees: a miss, and writes that quietly do nothing.
    let best_effort = BestEffortStore::new(
        Arc::new(CachedStore::new(store, 100)),
        Duration::from_secs(5),
    );
    let started = Instant::now();
    assert_eq!(
        best_effort
            .get(&user, Duration::from_secs(5))
            .await
            .ok()
            .flatten(),
        None
    );
    let _ = best_effort.forget(&user, Duration::from_secs(5)).await;
    // Real time: not the 5 s budget either.
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn a_stalling_store_is_cut_off_by_the_store_timeout() {
    let (client, calls) =
        store_client(&format!("http://127.0.0.1:{}", stalling_server().await)).await;
    let store = DynamoStore::new(client, "hydration");
    let user = new_user();
    let timeout = store_timeout();
    let margin = Duration::from_millis(500);

    // The client's own timeouts bound the call, with no wrapper around it.
    let started = Instant::now();
    let outcome = store.get(&user).await;
    let elapsed = started.elapsed();

    let error = outcome.expect_err("the server never answers");
    assert!(
        matches!(error, StoreError::Timeout(t) if t == timeout),
        "the SDK's timeout is a store timeout: {error:?}"
    );
    // Real time: the SDK's own timeout, a real timer, is what is measured.
    assert!(
        elapsed >= timeout.mul_f32(0.9) && elapsed < timeout + margin,
        "took {elapsed:?} for a timeout of {timeout:?}"
    );
    assert!(calls.attempts() <= 2, "made {} attempts", calls.attempts());

    // Behind BestEffortStore with a lax timeout, still bounded by the client.
    let best_effort = BestEffortStore::new(Arc::new(store), Duration::from_secs(5));
    let started = Instant::now();
    assert_eq!(
        best_effort
            .get(&user, Duration::from_secs(5))
            .await
            .ok()
            .flatten(),
        None
    );
    let elapsed = started.elapsed();
    // Real time: the client's timeout, not the lax 5 s, cuts the call.
    assert!(
        elapsed > Duration::ZERO && elapsed < timeout + margin,
        "took {elapsed:?}"
    );
}

#[tokio::test]
async fn startup_picks_the_cached_dynamodb_store_when_a_table_is_named() {
    let memory = share_resolver::startup::build_store(&Settings::default()).await;
    assert_eq!(memory.name(), "memory");

    let settings = Settings {
        hydration_table: Some("share-resolver-hydration".into()),
        ..Settings::default()
    };
    // No I/O here: the client connects on its first call.
    let store = share_resolver::startup::build_store(&settings).await;
    assert_eq!(store.name(), "dynamodb+l1");
}

/// A warming lease for `user`, claimed `ago` with the token fingerprint `fp`.
fn lease(user: &UserKey, ago: Duration, fp: u8) -> HydrationRecord {
    HydrationRecord::warming(
        user.clone(),
        SystemTime::now() - ago,
        Duration::from_secs(3),
        Some(TokenFingerprint([fp; 16])),
    )
}

fn holder(record: &HydrationRecord) -> Option<TokenFingerprint> {
    match record.kind {
        RecordKind::Warming { fingerprint, .. } => fingerprint,
        _ => None,
    }
}

#[ignore = "needs a local DynamoDB: scripts/test.sh runs it, or eval \"$(scripts/moto.sh start)\" then cargo test -- --ignored"]
#[tokio::test]
async fn the_lease_is_won_once_among_concurrent_claimants() {
    let (raw, table) = fresh_table().await;
    let user = new_user();
    // Sixteen instances, each its own client, claim one user's warm-up at once.
    let mut claimants = Vec::new();
    for _ in 0..16 {
        let (client, _) = store_client(&endpoint()).await;
        claimants.push(DynamoStore::new(client, &table));
    }
    let claims: Vec<_> = claimants
        .iter()
        .enumerate()
        .map(|(i, store)| {
            let lease = lease(&user, Duration::ZERO, u8::try_from(i).unwrap());
            async move { store.claim(&lease).await }
        })
        .collect();

    let outcomes = futures_join_all(claims).await;

    let won: Vec<usize> = outcomes
        .iter()
        .enumerate()
        .filter(|(_, o)| matches!(o, Ok(Put::Written)))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(won.len(), 1, "exactly one winner: {outcomes:?}");
    let winner = Some(TokenFingerprint([u8::try_from(won[0]).unwrap(); 16]));
    for outcome in &outcomes {
        match outcome {
            Ok(Put::Written) => {}
            Ok(Put::Kept(held)) => assert_eq!(holder(held), winner, "the losers see the winner"),
            Err(e) => panic!("a claim failed: {e:?}"),
        }
    }
    let item = from_item(&raw_get(&raw, &table, &user).await.unwrap()).unwrap();
    assert_eq!(holder(&item), winner);
}

/// The futures, polled together on this task.
async fn futures_join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut pinned: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in pinned.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *output = Some(value),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().map(Option::unwrap).collect()
}

#[ignore = "needs a local DynamoDB: scripts/test.sh runs it, or eval \"$(scripts/moto.sh start)\" then cargo test -- --ignored"]
#[tokio::test]
async fn an_expired_lease_or_record_is_taken_over_and_a_live_one_never() {
    let (raw, table) = fresh_table().await;
    let (client, _) = store_client(&endpoint()).await;
    let store = DynamoStore::new(client, &table);
    let (dead_holder, old, live, marked, leased) =
        (new_user(), new_user(), new_user(), new_user(), new_user());
    // A holder that died 5 s ago; what other instances wrote.
    raw_put(
        &raw,
        &table,
        to_item(&lease(&dead_holder, Duration::from_secs(5), 1)),
    )
    .await;
    raw_put(&raw, &table, to_item(&expired(&old))).await;
    raw_put(&raw, &table, to_item(&hydrated(&live, None))).await;
    raw_put(&raw, &table, to_item(&warmed(&marked))).await;
    raw_put(&raw, &table, to_item(&lease(&leased, Duration::ZERO, 1))).await;

    for user in [&dead_holder, &old] {
        assert_eq!(
            store.claim(&lease(user, Duration::ZERO, 2)).await.unwrap(),
            Put::Written
        );
        let item = from_item(&raw_get(&raw, &table, user).await.unwrap()).unwrap();
        assert_eq!(holder(&item), Some(TokenFingerprint([2; 16])), "taken over");
    }
    for user in [&live, &marked, &leased] {
        let before = raw_get(&raw, &table, user).await.unwrap();
        let claimed = store.claim(&lease(user, Duration::ZERO, 2)).await.unwrap();
        assert_eq!(
            claimed,
            Put::Kept(from_item(&before).unwrap()),
            "what holds it comes back"
        );
        assert_eq!(
            raw_get(&raw, &table, user).await.unwrap(),
            before,
            "untouched"
        );
    }
}

#[ignore = "needs a local DynamoDB: scripts/test.sh runs it, or eval \"$(scripts/moto.sh start)\" then cargo test -- --ignored"]
#[tokio::test]
async fn the_lease_item_holds_only_the_contracts_attributes_and_is_read_with_the_record() {
    let (raw, table) = fresh_table().await;
    let (client, calls) = store_client(&endpoint()).await;
    let store = CachedStore::new(DynamoStore::new(client, &table), 100);
    let user = new_user();
    let token =
        BearerToken::from_authorization(Some("Bearer eyJhbGciOiJSUzI1NiJ9.eyJ0aWQiOiJ4In0.c2ln"))
            .unwrap();
    let lease = HydrationRecord::warming(
        user.clone(),
        SystemTime::now(),
        Duration::from_secs(3),
        Some(token.fingerprint()),
    );

    assert_eq!(store.claim(&lease).await.unwrap(), Put::Written);

    let item = raw_get(&raw, &table, &user).await.unwrap();
    let mut names: Vec<&str> = item.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["expiresAt", "fingerprint", "pk", "warmingAt"]);
    let AttributeValue::B(fingerprint) = &item["fingerprint"] else {
        panic!("fingerprint is not binary: {item:?}");
    };
    assert_eq!(
        fingerprint.as_ref(),
        token.fingerprint().0,
        "128 bits of its SHA-256"
    );
    let (AttributeValue::N(at), AttributeValue::N(expires)) =
        (&item["warmingAt"], &item["expiresAt"])
    else {
        panic!("not numbers: {item:?}");
    };
    let lives = expires.parse::<u64>().unwrap() * 1000 - at.parse::<u64>().unwrap();
    assert!((3000..4000).contains(&lives), "lives seconds: {lives} ms");
    assert!(
        !format!("{item:?}").contains("eyJ"),
        "no token material: {item:?}"
    );

    // One GetItem reads it (no extra read), and the L1 does not keep it.
    assert_eq!(store.get(&user).await.unwrap(), Some(lease.clone()));
    assert_eq!(store.get(&user).await.unwrap(), Some(lease));
    assert_eq!(
        calls.operations(),
        3,
        "the claim, then two gets that reached the table"
    );

    // A success replaces it, leaving no lease attribute behind.
    store.put(&hydrated(&user, None)).await.unwrap();
    let item = raw_get(&raw, &table, &user).await.unwrap();
    let mut names: Vec<&str> = item.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["expiresAt", "hydratedAt", "pk", "strategy"]);
}
