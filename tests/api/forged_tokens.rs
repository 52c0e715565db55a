//! The attacks of an attacker who knows only a guest's tenant and object
//! id, in `graph` mode (claims peeked, never verified): each must fail, and
//! the victim must see nothing change: no record, marker or lease of theirs
//! created, refreshed, joined, dropped or observed, and no delay.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use graph_sim::token::TokenBuilder;
use graph_sim::{RequestKind, Scenario};
use serde_json::json;
use share_resolver::configuration::Settings;
use share_resolver::identity::UserKey;

use crate::helpers::{Guest, SHARE_URL, TestApp, assert_problem, header, spawn_app_with, u_id};

/// A forged Graph token and a forged SharePoint token for `host`, both
/// naming `victim`.
fn forged_pair(victim: &Guest, host: &str) -> (String, String) {
    let graph = TokenBuilder::guest(&victim.tid, &victim.oid).build_forged();
    let sharepoint = TokenBuilder::guest(&victim.tid, &victim.oid)
        .for_sharepoint(host)
        .build_forged();
    (graph, sharepoint)
}

fn sharepoint_calls(app: &TestApp) -> usize {
    app.graph
        .requests()
        .iter()
        .filter(|r| r.kind == RequestKind::WarmupSharePointCurrentUser)
        .count()
}

async fn record_of(
    app: &TestApp,
    victim: &Guest,
) -> Option<share_resolver::hydration::HydrationRecord> {
    let user = UserKey::new(&victim.tid, &victim.oid).unwrap();
    // The forged token's own lease (claimed before Graph refused it, ignored
    // by any other token) is no record.
    app.store
        .get(&user)
        .await
        .unwrap()
        .filter(|r| !r.is_lease())
}

#[tokio::test]
async fn a_forged_pre_warm_for_a_consumer_onedrive_host_sends_no_sharepoint_token_and_writes_no_marker()
 {
    let app = spawn_app_with(Scenario::demo(), |_| {}).await;
    let victim = Guest::new();
    for host in ["1drv.ms", "onedrive.live.com"] {
        let (graph, sharepoint) = forged_pair(&victim, host);
        let r = app
            .post_warmup(
                Some(json!({"host": host})),
                Some(&graph),
                &[(
                    "x-sharepoint-authorization",
                    &format!("Bearer {sharepoint}"),
                )],
            )
            .await;

        assert_problem(r, 401, "invalid_token").await;
        assert_eq!(sharepoint_calls(&app), 0, "{host}: no SharePoint REST call");
        assert_eq!(record_of(&app, &victim).await, None, "{host}: no marker");
    }
}

#[tokio::test]
async fn a_forged_sharepoint_token_for_a_sharepoint_host_proves_nothing() {
    let app = spawn_app_with(Scenario::demo(), |_| {}).await;
    let victim = Guest::new();
    let (graph, sharepoint) = forged_pair(&victim, "contoso.sharepoint.com");

    let r = app
        .post_warmup(
            Some(json!({"host": "contoso.sharepoint.com"})),
            Some(&graph),
            &[(
                "x-sharepoint-authorization",
                &format!("Bearer {sharepoint}"),
            )],
        )
        .await;

    assert_problem(r, 401, "invalid_token").await;
    assert_eq!(record_of(&app, &victim).await, None, "no marker");
}

#[tokio::test]
async fn the_victims_first_link_succeeds_while_forged_pre_warms_run() {
    let app = spawn_app_with(Scenario::demo(), |_| {}).await;
    let victim = Guest::new();
    // The attack runs from before the victim's link until after it: rounds
    // are counted, not timed.
    let (victim_done, rounds) = (AtomicBool::new(false), AtomicUsize::new(0));
    let first_round = tokio::sync::Notify::new();
    let attack = async {
        while !victim_done.load(Ordering::SeqCst) {
            for host in ["1drv.ms", "contoso.sharepoint.com"] {
                let (graph, sharepoint) = forged_pair(&victim, host);
                let _ = app
                    .post_warmup(
                        Some(json!({"host": host})),
                        Some(&graph),
                        &[(
                            "x-sharepoint-authorization",
                            &format!("Bearer {sharepoint}"),
                        )],
                    )
                    .await;
            }
            if rounds.fetch_add(1, Ordering::SeqCst) == 0 {
                first_round.notify_one();
            }
        }
    };
    let victim_link = async {
        first_round.notified().await;
        let started = Instant::now();
        let r = app.resolve_demo(&victim).await;
        let took = started.elapsed();
        let during = rounds.load(Ordering::SeqCst);
        victim_done.store(true, Ordering::SeqCst);
        (r.status(), took, during)
    };

    let ((), (status, took, rounds_before)) = tokio::join!(attack, victim_link);

    assert_eq!(status, 200, "the victim is served");
    assert!(rounds_before >= 1, "while the attack ran");
    assert!(
        rounds.load(Ordering::SeqCst) > rounds_before,
        "and went on after"
    );
    // Real time: being held back means waiting on the forged token's
    // warm-up or lease (3 s), which only the wall clock shows.
    assert!(took < Duration::from_secs(2), "and not held back: {took:?}");
}

#[tokio::test]
async fn a_tenant_not_listed_is_refused_before_any_call() {
    let listed = Guest::new();
    let app = spawn_app_with(Scenario::demo(), |s| {
        s.identity.allowed_tenants = Some(vec![listed.tid.clone()]);
    })
    .await;
    let stranger = Guest::new();

    let resolve = app.resolve_demo(&stranger).await;
    let warmup = app.post_warmup(None, Some(&stranger.token), &[]).await;

    assert_problem(resolve, 403, "tenant_not_allowed").await;
    assert_problem(warmup, 403, "tenant_not_allowed").await;
    assert!(app.graph.requests().is_empty(), "no Graph call");
    assert_eq!(
        app.resolve_demo(&listed).await.status(),
        200,
        "a listed tenant is served"
    );
}

#[tokio::test]
async fn an_s_id_is_invalid_once_the_share_hosts_are_narrowed() {
    let app = spawn_app_with(Scenario::demo(), |s| {
        let narrowed = Settings::from_lookup(|name| {
            (name == "ALLOWED_SHARE_HOSTS").then(|| "contoso.sharepoint.com".to_owned())
        });
        s.allowed_share_hosts = narrowed.unwrap().allowed_share_hosts;
    })
    .await;
    let guest = Guest::new();

    let r = app
        .get_drive_item("s!APNWj7GC0EhCbA", Some(&guest.token))
        .await;

    assert_problem(r, 400, "invalid_share").await;
    assert!(app.graph.requests().is_empty());
    let ok = app
        .get_drive_item(&u_id(SHARE_URL), Some(&guest.token))
        .await;
    assert_eq!(ok.status(), 200);
    assert_eq!(header(&ok, "x-resolver-hydration"), "miss");
}
