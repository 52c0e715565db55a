//! Several instances, one table: the warming lease (contract, step 4,
//! "Across instances"). Each instance is its own `App` (own ledger), and
//! "the table" is one in-memory store they share, which implements the
//! same claim as DynamoDB (the DynamoDB versions: `tests/api/dynamo.rs`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use graph_sim::{GraphSimulator, Scenario};
use share_resolver::hydration::{
    DynamoStore, HydrationRecord, HydrationStore, MemoryStore, Put, StoreError, production_store,
};
use share_resolver::identity::UserKey;

use crate::helpers::dynamo::local_client;
use crate::helpers::{
    Guest, TestApp, assert_problem, closed_port, header, spawn_service, stalling_server,
    test_settings,
};

const STORE_TIMEOUT: Duration = Duration::from_millis(150);

/// `k` instances on one simulator (with `lag`) and one shared store.
async fn instances(k: usize, lag: Duration, store: Arc<dyn HydrationStore>) -> Vec<Arc<TestApp>> {
    let graph = GraphSimulator::start(Scenario {
        hydration_lag: lag,
        ..Scenario::demo()
    })
    .await
    .unwrap();
    let mut settings = test_settings(&graph);
    settings.store_timeout = STORE_TIMEOUT;
    let mut apps = Vec::new();
    for _ in 0..k {
        apps.push(Arc::new(
            spawn_service(graph.clone(), settings.clone(), store.clone()).await,
        ));
    }
    apps
}

fn shared_table() -> Arc<dyn HydrationStore> {
    Arc::new(MemoryStore::new(1000, Duration::from_secs(3600)))
}

/// One request of `guest` per instance, all at once; the statuses.
async fn one_each(apps: &[Arc<TestApp>], token: &str) -> Vec<u16> {
    let tasks: Vec<_> = apps
        .iter()
        .map(|app| {
            let (app, token) = (app.clone(), token.to_owned());
            tokio::spawn(async move {
                app.post_resolve(
                    serde_json::json!({"shareUrl": crate::helpers::SHARE_URL}),
                    Some(&token),
                )
                .await
                .status()
                .as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    statuses
}

#[tokio::test]
async fn a_forged_tokens_lease_does_not_delay_the_victim() {
    let table = shared_table();
    let apps = instances(2, Duration::from_millis(30), table.clone()).await;
    let victim = Guest::new();
    let forged = graph_sim::token::TokenBuilder::guest(&victim.tid, &victim.oid).build_forged();

    // The attacker, on one instance, claims the victim's warm-up with a
    // token Graph refuses: its lease stays for seconds.
    let r = apps[0]
        .post_resolve(
            serde_json::json!({"shareUrl": crate::helpers::SHARE_URL}),
            Some(&forged),
        )
        .await;
    assert_problem(r, 401, "invalid_token").await;
    let user = UserKey::new(&victim.tid, &victim.oid).unwrap();
    let lease = table
        .get(&user)
        .await
        .unwrap()
        .expect("the attacker's lease");
    assert!(lease.is_lease(), "{lease:?}");

    // The victim, on another instance, right after.
    let started = Instant::now();
    let r = apps[1].resolve_demo(&victim).await;
    let elapsed = started.elapsed();

    assert_eq!(r.status(), 200, "the victim is served");
    assert_eq!(header(&r, "x-resolver-hydration"), "miss");
    assert_eq!(
        header(&r, "x-resolver-warmup"),
        "site",
        "the victim warmed up on its own"
    );
    // Real time: a delay would be a real wait on the forged lease (3 s).
    assert!(
        elapsed < Duration::from_millis(800),
        "not held back by the forged lease: {elapsed:?}"
    );
    let item = table.get(&user).await.unwrap().expect("recorded");
    assert!(
        !item.is_lease(),
        "the victim's success replaced it: {item:?}"
    );
}

#[tokio::test]
async fn instances_sharing_a_table_make_one_warm_up_per_guest() {
    let apps = instances(4, Duration::from_millis(30), shared_table()).await;
    let guest = Guest::new();

    let statuses = one_each(&apps, &guest.token).await;

    assert_eq!(statuses, [200; 4]);
    assert_eq!(
        apps[0].warm_ups_for(&guest),
        1,
        "one warm-up across the four"
    );
}

#[tokio::test]
async fn another_token_of_the_same_user_warms_up_on_its_own() {
    // A lease is written before anything proved the token: another token of
    // the same user (a second tab, a refreshed token) does not wait on it.
    let table = shared_table();
    let apps = instances(2, Duration::from_millis(30), table.clone()).await;
    let guest = Guest::new();
    let other = guest.another_token();

    let (a, b) = tokio::join!(
        apps[0].resolve_demo(&guest),
        apps[1].post_resolve(
            serde_json::json!({"shareUrl": crate::helpers::SHARE_URL}),
            Some(&other),
        )
    );

    assert_eq!((a.status().as_u16(), b.status().as_u16()), (200, 200));
    assert_eq!(apps[0].warm_ups_for(&guest), 2, "one per token");
}

/// A store whose claims never answer (the table stalls on the write only).
struct ClaimsStall(MemoryStore);

#[async_trait]
impl HydrationStore for ClaimsStall {
    async fn get(&self, user: &UserKey) -> Result<Option<HydrationRecord>, StoreError> {
        self.0.get(user).await
    }
    async fn put(&self, record: &HydrationRecord) -> Result<Put, StoreError> {
        self.0.put(record).await
    }
    async fn claim(&self, _lease: &HydrationRecord) -> Result<Put, StoreError> {
        std::future::pending().await
    }
    async fn forget(&self, user: &UserKey) -> Result<(), StoreError> {
        self.0.forget(user).await
    }
    fn name(&self) -> &'static str {
        "claims-stall"
    }
}

#[tokio::test]
async fn a_claim_that_stalls_costs_the_store_timeout_then_each_instance_warms_up() {
    let table: Arc<dyn HydrationStore> = Arc::new(ClaimsStall(MemoryStore::new(
        1000,
        Duration::from_secs(3600),
    )));
    let apps = instances(2, Duration::ZERO, table).await;
    let guest = Guest::new();

    let started = Instant::now();
    let statuses = one_each(&apps, &guest.token).await;
    let elapsed = started.elapsed();

    assert_eq!(statuses, [200, 200]);
    assert_eq!(apps[0].warm_ups_for(&guest), 2, "each on its own");
    // Real time: one store timeout, a real timer, and not two.
    assert!(
        elapsed < STORE_TIMEOUT + Duration::from_millis(600),
        "{elapsed:?}"
    );
    for app in &apps {
        let emf = app.metrics.documents().pop().expect("an EMF document");
        assert_eq!(emf["StoreTimeouts"], 1, "the claim, counted: {emf}");
    }
}

#[tokio::test]
async fn instances_on_a_dynamodb_that_is_down_or_stalls_each_warm_up_and_succeed() {
    for (what, port) in [
        ("down", closed_port().await),
        ("stalling", stalling_server().await),
    ] {
        let client = local_client(&format!("http://127.0.0.1:{port}"), STORE_TIMEOUT).await;
        let store = production_store(DynamoStore::new(client, "hydration"));
        let apps = instances(3, Duration::ZERO, store).await;
        let guest = Guest::new();

        let started = Instant::now();
        let statuses = one_each(&apps, &guest.token).await;
        let elapsed = started.elapsed();

        assert_eq!(statuses, [200; 3], "{what}");
        assert_eq!(apps[0].warm_ups_for(&guest), 3, "{what}: each on its own");
        // A failed look-up means no claim: one bounded get and one bounded
        // put, as without the lease. Real time: the store timeout is a real
        // timer against a real socket.
        assert!(
            elapsed < 2 * STORE_TIMEOUT + Duration::from_millis(600),
            "{what}: took {elapsed:?}"
        );
        for app in &apps {
            let emf = app.metrics.documents().pop().expect("an EMF document");
            let counted = |name: &str| emf.get(name).map_or(0, |n| n.as_u64().unwrap());
            let failed = counted("StoreErrors") + counted("StoreTimeouts");
            assert_eq!(failed, 2, "{what}: the get and the put, no claim: {emf}");
        }
    }
}

#[tokio::test]
async fn a_lease_whose_holder_died_expires_and_the_next_request_warms_up() {
    let table = shared_table();
    let apps = instances(1, Duration::from_millis(30), table.clone()).await;
    let guest = Guest::new();
    let user = UserKey::new(&guest.tid, &guest.oid).unwrap();
    let token = share_resolver::identity::BearerToken::from_authorization(Some(&format!(
        "Bearer {}",
        guest.token
    )))
    .unwrap();
    // The holder claimed 4 s ago with this very token, then died.
    let dead = HydrationRecord::warming(
        user.clone(),
        std::time::SystemTime::now() - Duration::from_secs(4),
        Duration::from_secs(3),
        Some(token.fingerprint()),
    );
    assert_eq!(table.claim(&dead).await.unwrap(), Put::Written);

    let r = apps[0].resolve_demo(&guest).await;

    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "x-resolver-warmup"), "site", "warmed up again");
    assert_eq!(apps[0].warm_ups_for(&guest), 1);
    let item = table.get(&user).await.unwrap().expect("recorded");
    assert!(!item.is_lease(), "{item:?}");
}
