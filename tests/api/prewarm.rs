//! `POST /v1/warmup`: a guest pre-warmed at sign-in opens its first link
//! without a warm-up of its own, on any instance.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use graph_sim::{GraphSimulator, RequestKind, Scenario, SimUser};
use serde_json::{Value, json};
use share_resolver::hydration::{HydrationRecord, HydrationStore, MemoryStore, RecordKind};
use share_resolver::identity::UserKey;
use share_resolver::warmup::WarmupKind;

use crate::helpers::{
    Guest, SHARE_URL, assert_problem, header, spawn_app_with, spawn_service, test_settings,
};

fn lagging(lag_ms: u64) -> Scenario {
    Scenario {
        hydration_lag: Duration::from_millis(lag_ms),
        ..Scenario::demo()
    }
}

async fn json_of(r: reqwest::Response) -> Value {
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "cache-control"), "no-store");
    r.json().await.unwrap()
}

#[tokio::test]
async fn a_pre_warm_then_a_resolution_on_another_instance_makes_no_second_warm_up() {
    let graph = GraphSimulator::start(lagging(30)).await.unwrap();
    let store: Arc<dyn HydrationStore> = Arc::new(MemoryStore::new(100, Duration::from_secs(3600)));
    let first = spawn_service(graph.clone(), test_settings(&graph), store.clone()).await;
    let second = spawn_service(graph.clone(), test_settings(&graph), store.clone()).await;
    let guest = Guest::new();

    let warmed = json_of(first.post_warmup(None, Some(&guest.token), &[]).await).await;
    let r = second.resolve_demo(&guest).await;

    assert_eq!(warmed, json!({"hydration": "warmed", "warmup": "root"}));
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "x-resolver-hydration"), "miss");
    assert_eq!(
        header(&r, "x-resolver-warmup"),
        "root",
        "the pre-warm's strategy"
    );
    let kinds = second.graph_kinds_for(&guest);
    assert_eq!(
        kinds.iter().filter(|k| k.is_warmup()).count(),
        1,
        "only the pre-warm warmed up: {kinds:?}"
    );
    let user = UserKey::new(&guest.tid, &guest.oid).unwrap();
    let record = store.get(&user).await.unwrap().expect("recorded");
    assert_eq!(
        record.kind,
        RecordKind::Hydrated,
        "the success replaced the marker"
    );
}

#[tokio::test]
async fn a_guest_pre_warmed_long_before_opens_a_link_with_one_call() {
    let graph = GraphSimulator::start(lagging(30)).await.unwrap();
    let store: Arc<dyn HydrationStore> = Arc::new(MemoryStore::new(100, Duration::from_secs(3600)));
    let mut settings = test_settings(&graph);
    settings.retry.rewarm_after = Duration::from_millis(300);
    let first = spawn_service(graph.clone(), settings.clone(), store.clone()).await;
    let second = spawn_service(graph.clone(), settings, store).await;
    let guest = Guest::new();

    assert_eq!(
        first
            .post_warmup(None, Some(&guest.token), &[])
            .await
            .status(),
        200
    );
    // Markers count whole seconds: this one is past the re-warm window
    // (on both instances' clocks), and Graph has long settled.
    let long = Duration::from_millis(1200);
    first.clock.advance(long);
    second.clock.advance(long);
    graph.advance(long);
    graph.clear_requests();
    let r = second.resolve_demo(&guest).await;

    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "x-resolver-attempts"), "1");
    assert_eq!(header(&r, "x-resolver-warmup"), "root");
    assert_eq!(second.graph_kinds_for(&guest), [RequestKind::Shares]);
}

#[tokio::test]
async fn an_old_marker_whose_guest_is_not_hydrated_is_warmed_up_again() {
    let app = spawn_app_with(Scenario::demo(), |s| {
        s.retry.rewarm_after = Duration::from_millis(300);
    })
    .await;
    let guest = Guest::new();
    let user = UserKey::new(&guest.tid, &guest.oid).unwrap();
    let ten_seconds_ago = SystemTime::now() - Duration::from_secs(10);
    let marker = HydrationRecord::warmed(
        user,
        ten_seconds_ago,
        Duration::from_secs(300),
        WarmupKind::Root,
    );
    app.store.put(&marker).await.unwrap();

    let r = app.resolve_demo(&guest).await;

    assert_eq!(r.status(), 200);
    let kinds = app.graph_kinds_for(&guest);
    assert_eq!(kinds.first(), Some(&RequestKind::Shares), "{kinds:?}");
    assert_eq!(
        kinds.iter().filter(|k| k.is_warmup()).count(),
        1,
        "{kinds:?}"
    );
    assert_eq!(kinds.last(), Some(&RequestKind::Shares), "{kinds:?}");
}

#[tokio::test]
async fn a_pre_warm_says_where_to_warm_up() {
    let app = spawn_app_with(Scenario::demo(), |_| {}).await;
    let by_url = Guest::new();
    let by_host = Guest::new();
    let sp = format!(
        "Bearer {}",
        by_host.sharepoint_token("contoso.sharepoint.com")
    );

    let a = json_of(
        app.post_warmup(
            Some(json!({"shareUrl": SHARE_URL})),
            Some(&by_url.token),
            &[],
        )
        .await,
    )
    .await;
    let b = json_of(
        app.post_warmup(
            Some(json!({"host": "contoso.sharepoint.com"})),
            Some(&by_host.token),
            &[("x-sharepoint-authorization", &sp)],
        )
        .await,
    )
    .await;

    assert_eq!(a["warmup"], "site");
    assert_eq!(b["warmup"], "sharepoint");
    assert_eq!(
        app.graph_kinds_for(&by_host),
        [RequestKind::WarmupSharePointCurrentUser]
    );
}

#[tokio::test]
async fn an_empty_json_body_is_no_body() {
    let app = spawn_app_with(Scenario::demo(), |_| {}).await;
    let guest = Guest::new();

    let r = app.post_raw("/v1/warmup", "", Some(&guest.token)).await;

    assert_eq!(
        json_of(r).await,
        json!({"hydration": "warmed", "warmup": "root"})
    );
}

#[tokio::test]
async fn a_pre_warm_for_a_hit_or_a_member_makes_no_graph_call() {
    let app = spawn_app_with(Scenario::demo(), |_| {}).await;
    let guest = Guest::new();
    let member = Guest::member();
    app.graph
        .add_user(SimUser::member(&member.tid, &member.oid));
    assert_eq!(app.resolve_demo(&guest).await.status(), 200);
    app.graph.clear_requests();

    let hit = json_of(app.post_warmup(None, Some(&guest.token), &[]).await).await;
    let m = json_of(app.post_warmup(None, Some(&member.token), &[]).await).await;

    assert_eq!(hit, json!({"hydration": "hit", "warmup": "skipped"}));
    assert_eq!(m, json!({"hydration": "member", "warmup": "skipped"}));
    assert!(
        app.graph.requests().is_empty(),
        "{:?}",
        app.graph.requests()
    );
}

#[tokio::test]
async fn a_pre_warm_with_a_token_graph_refuses_writes_no_marker() {
    let app = spawn_app_with(Scenario::demo(), |_| {}).await;
    let victim = Guest::new();
    let forged = graph_sim::token::TokenBuilder::guest(&victim.tid, &victim.oid).build_forged();

    let r = app.post_warmup(None, Some(&forged), &[]).await;

    let body = assert_problem(r, 401, "invalid_token").await;
    assert_eq!(body["graph"].as_array().unwrap().len(), 1);
    let user = UserKey::new(&victim.tid, &victim.oid).unwrap();
    // The warm-up was claimed before Graph refused the token: that token's
    // lease (seconds, ignored by any other token) is all there is.
    assert_eq!(
        app.store
            .get(&user)
            .await
            .unwrap()
            .filter(|r| !r.is_lease()),
        None,
        "no marker for the victim"
    );
}

#[tokio::test]
async fn a_concurrent_pre_warm_and_resolution_share_one_warm_up() {
    let app = spawn_app_with(lagging(40), |_| {}).await;
    app.graph.set_latency(Duration::from_millis(20));
    let guest = Guest::new();

    let (warmed, resolved) = tokio::join!(
        app.post_warmup(None, Some(&guest.token), &[]),
        app.resolve_demo(&guest)
    );

    assert_eq!(warmed.status(), 200);
    assert_eq!(resolved.status(), 200);
    let kinds = app.graph_kinds_for(&guest);
    assert_eq!(
        kinds.iter().filter(|k| k.is_warmup()).count(),
        1,
        "{kinds:?}"
    );
}

#[tokio::test]
async fn bad_pre_warm_requests_get_their_problem() {
    let app = spawn_app_with(Scenario::demo(), |_| {}).await;
    let guest = Guest::new();
    let token = Some(guest.token.as_str());
    for (body, token, status, code, why) in [
        (None, None, 401, "missing_token", "no token"),
        (
            Some(json!({"host": "evil.example"})),
            token,
            400,
            "invalid_share",
            "a host off the allow-list",
        ),
        (
            Some(json!({"host": "contoso.sharepoint.com/x?y"})),
            token,
            400,
            "invalid_share",
            "not a host",
        ),
        (
            Some(json!({"shareUrl": "http://contoso.sharepoint.com/x"})),
            token,
            400,
            "invalid_share",
            "not https",
        ),
        (
            Some(json!({"shareUrl": SHARE_URL, "host": "contoso.sharepoint.com"})),
            token,
            400,
            "bad_request",
            "both",
        ),
        (
            Some(json!([1, 2])),
            token,
            400,
            "bad_request",
            "not an object",
        ),
    ] {
        let r = app.post_warmup(body, token, &[]).await;
        let problem = assert_problem(r, status, code).await;
        assert!(problem["detail"].is_string(), "{why}");
    }
    for blank in [" ", "\n\t "] {
        let r = app.post_raw("/v1/warmup", blank, token).await;
        assert_problem(r, 400, "bad_request").await;
    }
    let huge = json!({"host": "a".repeat(20_000)});
    assert_problem(
        app.post_warmup(Some(huge), token, &[]).await,
        413,
        "payload_too_large",
    )
    .await;
    assert!(
        app.graph.requests().is_empty(),
        "no Graph call for bad input"
    );
}
