//! Hydration with the fewest Graph calls: members skip the warm-up, one
//! coordinated warm-up per guest and token, the SharePoint REST warm-up.

use std::sync::Arc;
use std::time::Duration;

use graph_sim::{RequestKind, Scenario, SimUser};
use serde_json::json;
use share_resolver::hydration::{HydrationStore, MemoryStore};

use crate::helpers::{
    CountingStore, Guest, LOGS, SHARE_URL, assert_problem, header, spawn_app_with, spawn_service,
    test_settings,
};

const HOST: &str = "contoso.sharepoint.com";
const SHAREPOINT_PATH: &str = "/_sp/contoso.sharepoint.com/_api/web/currentuser";

fn lagging(lag_ms: u64) -> Scenario {
    Scenario {
        hydration_lag: Duration::from_millis(lag_ms),
        ..Scenario::demo()
    }
}

#[tokio::test]
async fn a_member_resolves_with_one_graph_call_and_no_store_call() {
    let graph = graph_sim::GraphSimulator::start(Scenario::demo())
        .await
        .unwrap();
    let store = CountingStore::new(MemoryStore::new(100, Duration::from_secs(3600)));
    let calls = store.clone();
    let app = spawn_service(graph.clone(), test_settings(&graph), Arc::new(store)).await;
    let member = Guest::member();
    graph.add_user(SimUser::member(&member.tid, &member.oid));

    let r = app.resolve_demo(&member).await;

    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "x-resolver-hydration"), "member");
    assert_eq!(header(&r, "x-resolver-warmup"), "skipped");
    assert_eq!(app.graph_kinds_for(&member), [RequestKind::Shares]);
    assert_eq!(calls.calls(), 0, "no look-up, no write");
}

#[tokio::test]
async fn a_guest_whose_token_says_member_still_resolves_after_one_extra_call() {
    let app = spawn_app_with(Scenario::demo(), |_| {}).await;
    // The token says member; the tenant knows a cold guest.
    let misclassified = Guest::member();
    app.graph
        .add_user(SimUser::guest(&misclassified.tid, &misclassified.oid));

    let r = app.resolve_demo(&misclassified).await;

    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "x-resolver-hydration"), "member");
    assert_eq!(header(&r, "x-resolver-warmup"), "site");
    assert_eq!(
        app.graph_kinds_for(&misclassified),
        [
            RequestKind::Shares,
            RequestKind::WarmupSiteByPath,
            RequestKind::Shares
        ]
    );
    let user =
        share_resolver::identity::UserKey::new(&misclassified.tid, &misclassified.oid).unwrap();
    assert_eq!(
        app.store.get(&user).await.unwrap(),
        None,
        "members are never recorded"
    );
}

#[tokio::test]
async fn forty_concurrent_first_requests_of_a_lagging_guest_make_one_warm_up() {
    let app = Arc::new(
        spawn_app_with(lagging(250), |s| s.settle_base = Duration::from_millis(100)).await,
    );
    app.graph.set_latency(Duration::from_millis(10));
    let guest = Arc::new(Guest::new());

    let requests: Vec<_> = (0..40)
        .map(|_| {
            let (app, guest) = (app.clone(), guest.clone());
            tokio::spawn(async move { app.resolve_demo(&guest).await.status().as_u16() })
        })
        .collect();
    let mut statuses = Vec::new();
    for request in requests {
        statuses.push(request.await.unwrap());
    }

    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    let kinds = app.graph_kinds_for(&guest);
    let warmups = kinds.iter().filter(|k| k.is_warmup()).count();
    assert_eq!(warmups, 1, "one warm-up for the burst: {kinds:?}");
}

#[tokio::test]
async fn a_request_with_another_token_never_shares_a_warm_up() {
    let app = spawn_app_with(lagging(150), |s| s.settle_base = Duration::from_millis(60)).await;
    let guest = Guest::new();
    let other = Guest {
        tid: guest.tid.clone(),
        oid: guest.oid.clone(),
        token: guest.another_token(),
    };

    let (a, b) = tokio::join!(app.resolve_demo(&guest), app.resolve_demo(&other));

    assert_eq!((a.status().as_u16(), b.status().as_u16()), (200, 200));
    let warmups = app
        .graph_kinds_for(&guest)
        .into_iter()
        .filter(|k| k.is_warmup())
        .count();
    assert_eq!(warmups, 2, "each token warms up on its own");
}

#[tokio::test]
async fn the_sharepoint_warm_up_runs_with_the_header_against_the_sharing_hosts_only() {
    let app = spawn_app_with(Scenario::demo(), |_| {}).await;
    let guest = Guest::new();
    let sharepoint_token = guest.sharepoint_token(HOST);
    let header_value = format!("Bearer {sharepoint_token}");

    let r = app
        .post_resolve_with(
            json!({"shareUrl": SHARE_URL}),
            Some(&guest.token),
            &[("x-sharepoint-authorization", &header_value)],
        )
        .await;

    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "x-resolver-warmup"), "sharepoint");
    let requests: Vec<_> = app
        .graph
        .requests()
        .into_iter()
        .filter(|q| q.user.as_deref() == Some(guest.key().as_str()))
        .collect();
    assert_eq!(requests[0].path, SHAREPOINT_PATH);
    assert_eq!(requests.len(), 2, "SharePoint, then /shares");
    for q in &requests {
        let expected = if q.path.starts_with("/_sp/") {
            format!("https://{HOST}")
        } else {
            "00000003-0000-0000-c000-000000000000".to_owned()
        };
        assert_eq!(q.audience.as_deref(), Some(expected.as_str()), "{}", q.path);
    }
    let claims_part = sharepoint_token.split('.').nth(1).unwrap();
    assert!(
        !LOGS.text().contains(claims_part),
        "the SharePoint token was logged"
    );

    // Without the header the strategy is skipped.
    let without = Guest::new();
    let r = app.resolve_demo(&without).await;
    assert_eq!(header(&r, "x-resolver-warmup"), "site");
    assert!(
        app.graph_paths_for(&without)
            .iter()
            .all(|p| !p.starts_with("/_sp/"))
    );
}

#[tokio::test]
async fn a_bad_sharepoint_header_is_a_bad_request_with_no_call() {
    let app = spawn_app_with(Scenario::demo(), |_| {}).await;
    let guest = Guest::new();
    let graph_token = format!("Bearer {}", guest.token);
    let other_host = format!(
        "Bearer {}",
        guest.sharepoint_token("fabrikam.sharepoint.com")
    );
    let someone_else = format!("Bearer {}", Guest::new().sharepoint_token(HOST));
    for (value, why) in [
        ("not a bearer token", "no Bearer scheme"),
        ("Bearer abc", "not a JWT"),
        (graph_token.as_str(), "a Graph token"),
        (other_host.as_str(), "another host's token"),
        (someone_else.as_str(), "another user's token"),
    ] {
        let r = app
            .post_resolve_with(
                json!({"shareUrl": SHARE_URL}),
                Some(&guest.token),
                &[("x-sharepoint-authorization", value)],
            )
            .await;
        let body = assert_problem(r, 400, "bad_request").await;
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .contains("X-SharePoint-Authorization"),
            "{why}: {body}"
        );
    }
    assert!(app.graph.requests().is_empty(), "no call at all");
}

#[tokio::test]
async fn a_stale_hit_from_another_instance_is_healed_without_a_second_warm_up_in_the_window() {
    // Two instances share a store; the guest's hydration expired at Graph.
    let graph = graph_sim::GraphSimulator::start(lagging(30)).await.unwrap();
    let store: Arc<dyn HydrationStore> = Arc::new(MemoryStore::new(100, Duration::from_secs(3600)));
    let mut settings = test_settings(&graph);
    settings.max_attempts = 6; // the stale /shares call costs one
    let app = spawn_service(graph.clone(), settings, store).await;
    let guest = Guest::new();

    assert_eq!(app.resolve_demo(&guest).await.status(), 200);
    graph.dehydrate(&guest.tid, &guest.oid);
    graph.clear_requests();
    let r = app.resolve_demo(&guest).await;

    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "x-resolver-hydration"), "hit");
    let kinds = app.graph_kinds_for(&guest);
    assert_eq!(
        kinds.iter().filter(|k| k.is_warmup()).count(),
        1,
        "{kinds:?}"
    );
}
