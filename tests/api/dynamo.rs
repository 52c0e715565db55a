//! The service on the DynamoDB hydration store, against a real local
//! DynamoDB-compatible server (moto, started by `scripts/test.sh`; endpoint
//! in `TEST_DYNAMODB_ENDPOINT`). The store on its own: `dynamo_store.rs`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::AttributeValue;
use graph_sim::{Behaviour, GraphSimulator, Scenario, SimUser};
use share_resolver::configuration::Settings;
use share_resolver::hydration::{
    DynamoStore, HydrationRecord, HydrationStore, production_store, to_item,
};
use share_resolver::identity::UserKey;

use crate::helpers::dynamo::{endpoint, fresh_table, local_client};
use crate::helpers::{CountingStore, FaultProxy, ProxyMode, closed_port, stalling_server};
use crate::helpers::{Guest, TestApp, assert_problem, header, spawn_service, test_settings};

const STORE_TIMEOUT: Duration = Duration::from_millis(150);

/// What production builds (the L1 cache over DynamoDB), with a call counter.
async fn counted_production_store(
    table: &str,
    calls: &Arc<AtomicUsize>,
) -> Arc<dyn HydrationStore> {
    let client = local_client(&endpoint(), STORE_TIMEOUT).await;
    production_store(CountingStore::sharing(
        DynamoStore::new(client, table),
        calls.clone(),
    ))
}

/// Neither the token's header nor its claims part is in `dump`.
fn assert_holds_no_token_of(guest: &Guest, dump: &str) {
    for part in guest.token.split('.').take(2) {
        assert!(!dump.contains(part), "token material in the table: {dump}");
    }
}

/// The service on [`counted_production_store`] over `table`.
async fn production_service(
    graph: &GraphSimulator,
    settings: Settings,
    table: &str,
    calls: &Arc<AtomicUsize>,
) -> TestApp {
    spawn_service(
        graph.clone(),
        settings,
        counted_production_store(table, calls).await,
    )
    .await
}

/// The simulator with a short hydration lag (30 ms): settling shows.
async fn lagging_simulator() -> GraphSimulator {
    GraphSimulator::start(Scenario {
        hydration_lag: Duration::from_millis(30),
        ..Scenario::demo()
    })
    .await
    .unwrap()
}

async fn item_of(
    client: &Client,
    table: &str,
    guest: &Guest,
) -> Option<std::collections::HashMap<String, AttributeValue>> {
    client
        .get_item()
        .table_name(table)
        .key("pk", AttributeValue::S(guest.key()))
        .send()
        .await
        .unwrap()
        .item
}

#[ignore = "needs a local DynamoDB: scripts/test.sh runs it, or eval \"$(scripts/moto.sh start)\" then cargo test -- --ignored"]
#[tokio::test]
async fn a_resolved_guest_is_recorded_with_a_numeric_ttl_and_nothing_else() {
    let (client, table) = fresh_table().await;
    let graph = GraphSimulator::start(Scenario::demo()).await.unwrap();
    let settings = test_settings(&graph);
    let calls = Arc::new(AtomicUsize::new(0));
    let app = production_service(&graph, settings.clone(), &table, &calls).await;
    let guest = Guest::new();

    let response = app.resolve_demo(&guest).await;

    assert_eq!(response.status(), 200);
    let item = item_of(&client, &table, &guest)
        .await
        .expect("the guest was recorded");
    let mut names: Vec<&str> = item.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["expiresAt", "hydratedAt", "pk", "strategy"]);
    let AttributeValue::N(expires) = &item["expiresAt"] else {
        panic!("expiresAt is not a number: {item:?}")
    };
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let expires: u64 = expires.parse().unwrap();
    assert!(
        expires.abs_diff(now + settings.hydration_ttl.as_secs()) < 30,
        "{expires} vs now {now}"
    );
    assert_eq!(item["strategy"], AttributeValue::S("site".into()));
    assert_holds_no_token_of(&guest, &format!("{item:?}"));
}

#[ignore = "needs a local DynamoDB: scripts/test.sh runs it, or eval \"$(scripts/moto.sh start)\" then cargo test -- --ignored"]
#[tokio::test]
async fn a_restarted_service_skips_the_warm_up_for_a_known_guest() {
    let (_client, table) = fresh_table().await;
    let graph = GraphSimulator::start(Scenario::demo()).await.unwrap();
    let settings = test_settings(&graph);
    let guest = Guest::new();
    let calls = Arc::new(AtomicUsize::new(0));
    let first = production_service(&graph, settings.clone(), &table, &calls).await;
    assert_eq!(first.resolve_demo(&guest).await.status(), 200);
    assert_eq!(
        calls.swap(0, Ordering::SeqCst),
        3,
        "a new user: one GetItem, the warm-up's claim (a conditional PutItem), one PutItem"
    );

    // A new instance: empty L1, same table.
    let restarted = production_service(&graph, settings, &table, &calls).await;
    graph.clear_requests();
    let response = restarted.resolve_demo(&guest).await;

    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "x-resolver-hydration"), "hit");
    assert_eq!(header(&response, "x-resolver-warmup"), "skipped");
    assert_eq!(graph.requests().len(), 1, "one Graph call: /shares only");
    assert_eq!(
        calls.swap(0, Ordering::SeqCst),
        1,
        "a cold instance, known user: one GetItem"
    );

    // The same instance again: the L1 cache answers.
    assert_eq!(restarted.resolve_demo(&guest).await.status(), 200);
    assert_eq!(
        calls.load(Ordering::SeqCst),
        0,
        "a warm instance makes no DynamoDB call"
    );
}

#[ignore = "needs a local DynamoDB: scripts/test.sh runs it, or eval \"$(scripts/moto.sh start)\" then cargo test -- --ignored"]
#[tokio::test]
async fn a_pre_warm_then_a_resolution_on_a_new_instance_makes_no_warm_up() {
    let (client, table) = fresh_table().await;
    let graph = lagging_simulator().await;
    let settings = test_settings(&graph);
    let calls = Arc::new(AtomicUsize::new(0));
    let signed_in = production_service(&graph, settings.clone(), &table, &calls).await;
    let guest = Guest::new();

    let warmed = signed_in.post_warmup(None, Some(&guest.token), &[]).await;
    assert_eq!(warmed.status(), 200);
    let marker = item_of(&client, &table, &guest)
        .await
        .expect("a warmed marker");
    let mut names: Vec<&str> = marker.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["expiresAt", "pk", "strategy", "warmedAt"]);
    let (AttributeValue::N(at), AttributeValue::N(expires)) =
        (&marker["warmedAt"], &marker["expiresAt"])
    else {
        panic!("not numbers: {marker:?}")
    };
    let lives = expires.parse::<u64>().unwrap() - at.parse::<u64>().unwrap();
    assert_eq!(lives, settings.warmup_marker_ttl.as_secs(), "short-lived");

    // Another instance, empty L1, same table: the guest's first link.
    let other = production_service(&graph, settings, &table, &calls).await;
    let response = other.resolve_demo(&guest).await;

    assert_eq!(response.status(), 200);
    let kinds = other.graph_kinds_for(&guest);
    assert_eq!(
        kinds.iter().filter(|k| k.is_warmup()).count(),
        1,
        "the pre-warm's only: {kinds:?}"
    );
    let item = item_of(&client, &table, &guest).await.unwrap();
    assert!(
        item.contains_key("hydratedAt") && !item.contains_key("warmedAt"),
        "the success replaced the marker: {item:?}"
    );
    assert_holds_no_token_of(&guest, &format!("{marker:?}{item:?}"));
}

#[ignore = "needs a local DynamoDB: scripts/test.sh runs it, or eval \"$(scripts/moto.sh start)\" then cargo test -- --ignored"]
#[tokio::test]
async fn a_pre_warm_with_a_refused_token_writes_no_record_or_marker_to_the_table() {
    let (client, table) = fresh_table().await;
    let graph = GraphSimulator::start(Scenario::demo()).await.unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let app = production_service(&graph, test_settings(&graph), &table, &calls).await;
    let victim = Guest::new();
    let forged = graph_sim::token::TokenBuilder::guest(&victim.tid, &victim.oid).build_forged();

    let r = app.post_warmup(None, Some(&forged), &[]).await;

    assert_problem(r, 401, "invalid_token").await;
    assert_eq!(graph.requests().len(), 1, "Graph refused the warm-up");
    // The claim came first: the forged token's own lease, nothing else.
    let item = item_of(&client, &table, &victim).await;
    assert!(
        item.as_ref().is_none_or(|item| {
            let mut names: Vec<&str> = item.keys().map(String::as_str).collect();
            names.sort_unstable();
            names == ["expiresAt", "fingerprint", "pk", "warmingAt"]
        }),
        "{item:?}"
    );
}

#[ignore = "needs a local DynamoDB: scripts/test.sh runs it, or eval \"$(scripts/moto.sh start)\" then cargo test -- --ignored"]
#[tokio::test]
async fn a_stale_hit_is_deleted_from_the_table() {
    let (client, table) = fresh_table().await;
    let graph = GraphSimulator::start(Scenario::demo()).await.unwrap();
    let settings = test_settings(&graph);
    let guest = Guest::new();
    graph.add_user(SimUser::guest(&guest.tid, &guest.oid).with(Behaviour::NeverHydrates));
    let user = UserKey::new(&guest.tid, &guest.oid).unwrap();
    let record = HydrationRecord::new(user, SystemTime::now(), Duration::from_secs(3600), None);
    client
        .put_item()
        .table_name(&table)
        .set_item(Some(to_item(&record)))
        .send()
        .await
        .unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let app = production_service(&graph, settings, &table, &calls).await;

    let response = app.resolve_demo(&guest).await;

    // x-resolver-* headers are sent on success only; the 503 and the
    // deleted item show the hit was tried and found stale.
    assert_eq!(header(&response, "x-resolver-hydration"), "");
    assert_eq!(response.status(), 503);
    // The re-warm's claim may leave a lease: never a record.
    assert!(
        item_of(&client, &table, &guest)
            .await
            .is_none_or(|item| !item.contains_key("hydratedAt")),
        "other instances must stop trusting it"
    );
}

/// The service on the production store over a DynamoDB that is down
/// (nothing listens) or stalls (accepts, never answers).
async fn services_on_a_broken_dynamodb() -> Vec<(&'static str, TestApp)> {
    let mut apps = Vec::new();
    for (what, port) in [
        ("down", closed_port().await),
        ("stalling", stalling_server().await),
    ] {
        let graph = GraphSimulator::start(Scenario::demo()).await.unwrap();
        let mut settings = test_settings(&graph);
        settings.store_timeout = STORE_TIMEOUT;
        let client = local_client(&format!("http://127.0.0.1:{port}"), STORE_TIMEOUT).await;
        let store = production_store(DynamoStore::new(client, "hydration"));
        apps.push((what, spawn_service(graph, settings, store).await));
    }
    apps
}

#[tokio::test]
async fn a_pre_warm_works_when_dynamodb_is_down_or_stalls() {
    for (what, app) in services_on_a_broken_dynamodb().await {
        let guest = Guest::new();

        let started = Instant::now();
        let r = app.post_warmup(None, Some(&guest.token), &[]).await;
        let elapsed = started.elapsed();

        assert_eq!(r.status(), 200, "{what}");
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["hydration"], "warmed", "{what}");
        // One bounded get and one bounded put, plus the warm-up. Real time:
        // the bound is the store timeout, a real timer against a real socket.
        assert!(
            elapsed < 2 * STORE_TIMEOUT + Duration::from_millis(600),
            "{what}: took {elapsed:?}"
        );
    }
}

#[tokio::test]
async fn resolution_works_when_dynamodb_is_down_or_stalls() {
    for (what, app) in services_on_a_broken_dynamodb().await {
        let guest = Guest::new();

        let started = Instant::now();
        let response = app.resolve_demo(&guest).await;
        let elapsed = started.elapsed();

        assert_eq!(response.status(), 200, "{what}");
        assert_eq!(header(&response, "x-resolver-hydration"), "miss", "{what}");
        assert_eq!(header(&response, "x-resolver-warmup"), "site", "{what}");
        // One bounded get and one bounded put, plus two Graph calls. Real
        // time: the bound is the store timeout, a real timer on a real socket.
        assert!(
            elapsed < 2 * STORE_TIMEOUT + Duration::from_millis(600),
            "{what}: took {elapsed:?}"
        );
        let timing = header(&response, "server-timing");
        let store_ms: f64 = timing
            .split("store;dur=")
            .nth(1)
            .unwrap()
            .split(',')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            store_ms <= 2.0 * STORE_TIMEOUT.as_millis() as f64 + 50.0,
            "{what}: store took {store_ms} ms"
        );
        // The get and the put, each counted as what it was (a count of 0
        // is not declared).
        let emf = app.metrics.documents().pop().expect("an EMF document");
        let counted = |name: &str| emf.get(name).map_or(0, |n| n.as_u64().unwrap());
        let (errors, timeouts) = if what == "down" { (2, 0) } else { (0, 2) };
        assert_eq!(counted("StoreErrors"), errors, "{what}");
        assert_eq!(counted("StoreTimeouts"), timeouts, "{what}");
    }
}

#[ignore = "needs a local DynamoDB: scripts/test.sh runs it, or eval \"$(scripts/moto.sh start)\" then cargo test -- --ignored"]
#[tokio::test]
async fn resolution_works_when_dynamodb_is_cut_mid_request() {
    let (client, table) = fresh_table().await;
    let proxy = FaultProxy::in_front_of(&endpoint()).await;
    let graph = GraphSimulator::start(Scenario {
        latency: Duration::from_millis(200),
        ..Scenario::demo()
    })
    .await
    .unwrap();
    let mut settings = test_settings(&graph);
    settings.store_timeout = STORE_TIMEOUT;
    let store = production_store(DynamoStore::new(
        local_client(proxy.url(), STORE_TIMEOUT).await,
        &table,
    ));
    let app = spawn_service(graph.clone(), settings, store).await;
    let guest = Guest::new();

    // The store's get comes first: once Graph sees the warm-up, it is done,
    // and the put is two Graph round trips away. Every connection to the
    // store, the pooled one included, is reset from then on.
    let cut = async {
        graph.until_arrived(1).await;
        proxy.set(ProxyMode::Refuse);
    };
    let (response, ()) = tokio::join!(app.resolve_demo(&guest), cut);

    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "x-resolver-hydration"), "miss");
    assert_eq!(header(&response, "x-resolver-warmup"), "site");
    let emf = app.metrics.documents().pop().expect("an EMF document");
    assert_eq!(
        emf["StoreErrors"], 1,
        "the get went through, the put was cut: {emf}"
    );
    assert!(
        emf.get("StoreTimeouts").is_none(),
        "none, so undeclared: {emf}"
    );
    // The warm-up's claim came before the cut: a lease, never a record.
    assert!(
        item_of(&client, &table, &guest)
            .await
            .is_none_or(|item| item.contains_key("warmingAt") && !item.contains_key("hydratedAt")),
        "the put never reached the table"
    );
}

#[ignore = "needs a local DynamoDB: scripts/test.sh runs it, or eval \"$(scripts/moto.sh start)\" then cargo test -- --ignored"]
#[tokio::test]
async fn instances_on_one_table_make_one_warm_up_per_guest() {
    let (client, table) = fresh_table().await;
    let graph = lagging_simulator().await;
    let settings = test_settings(&graph);
    let calls = Arc::new(AtomicUsize::new(0));
    let mut apps = Vec::new();
    for _ in 0..4 {
        apps.push(Arc::new(
            production_service(&graph, settings.clone(), &table, &calls).await,
        ));
    }
    let guest = Arc::new(Guest::new());

    let tasks: Vec<_> = apps
        .iter()
        .map(|app| {
            let (app, guest) = (app.clone(), guest.clone());
            tokio::spawn(async move { app.resolve_demo(&guest).await.status().as_u16() })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }

    assert_eq!(statuses, [200; 4]);
    let kinds = apps[0].graph_kinds_for(&guest);
    assert_eq!(
        kinds.iter().filter(|k| k.is_warmup()).count(),
        1,
        "one warm-up across the four instances: {kinds:?}"
    );
    // Each: a GetItem, a claim (one won it; none when the GetItem already
    // found the lease), a PutItem of the success.
    let calls = calls.load(Ordering::SeqCst);
    assert!((9..=12).contains(&calls), "{calls} DynamoDB calls");
    let item = item_of(&client, &table, &guest).await.unwrap();
    assert!(
        item.contains_key("hydratedAt"),
        "the lease gave way: {item:?}"
    );
}

#[ignore = "needs a local DynamoDB: scripts/test.sh runs it, or eval \"$(scripts/moto.sh start)\" then cargo test -- --ignored"]
#[tokio::test]
async fn a_forged_tokens_lease_in_the_table_does_not_delay_the_victim() {
    let (client, table) = fresh_table().await;
    let graph = lagging_simulator().await;
    let settings = test_settings(&graph);
    let calls = Arc::new(AtomicUsize::new(0));
    let attacked = production_service(&graph, settings.clone(), &table, &calls).await;
    let other = production_service(&graph, settings, &table, &calls).await;
    let victim = Guest::new();
    let forged = graph_sim::token::TokenBuilder::guest(&victim.tid, &victim.oid).build_forged();

    let r = attacked
        .post_resolve(
            serde_json::json!({"shareUrl": crate::helpers::SHARE_URL}),
            Some(&forged),
        )
        .await;
    assert_problem(r, 401, "invalid_token").await;
    let lease = item_of(&client, &table, &victim)
        .await
        .expect("the forged token's lease");
    assert!(lease.contains_key("warmingAt") && lease.contains_key("fingerprint"));

    let started = Instant::now();
    let r = other.resolve_demo(&victim).await;
    let elapsed = started.elapsed();

    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "x-resolver-warmup"), "site", "its own warm-up");
    // Real time: a delay would be a real wait on the forged lease (3 s).
    assert!(
        elapsed < Duration::from_millis(800),
        "undelayed: {elapsed:?}"
    );
    assert_holds_no_token_of(&victim, &format!("{lease:?}"));
    assert_holds_no_token_of(
        &Guest {
            token: forged,
            tid: victim.tid.clone(),
            oid: victim.oid.clone(),
        },
        &format!("{lease:?}"),
    );
}
