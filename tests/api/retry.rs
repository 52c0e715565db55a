//! Retries: hydration lag, Retry-After in both forms, dropped connections,
//! stale hits, single-flight warm-ups.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use graph_sim::{Fault, FaultAction, RequestKind, Scenario};
use share_resolver::hydration::HydrationRecord;
use share_resolver::identity::UserKey;

use crate::helpers::{Guest, header, spawn_app, spawn_app_with};

#[tokio::test]
async fn retry_after_in_seconds_is_honoured() {
    let app = spawn_app().await;
    let guest = Guest::new();
    app.graph.inject(Fault::shares(FaultAction::Status {
        status: 429,
        retry_after: Some("0.4".into()),
    }));

    let started = Instant::now();
    let r = app.resolve_demo(&guest).await;

    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "x-resolver-attempts"), "2");
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "waited {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let app = spawn_app().await;
    let guest = Guest::new();
    // HTTP-dates have whole seconds: 2 s ahead means a wait of 1-2 s.
    let at = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    app.graph.inject(Fault::shares(FaultAction::Status {
        status: 503,
        retry_after: Some(at),
    }));

    let started = Instant::now();
    let r = app.resolve_demo(&guest).await;

    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "x-resolver-attempts"), "2");
    let waited = started.elapsed();
    // Real time: the wait is the service's real sleep, read off an HTTP-date.
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(4),
        "waited {waited:?}"
    );
}

#[tokio::test]
async fn a_dropped_connection_is_retried() {
    let app = spawn_app().await;
    let guest = Guest::new();
    app.graph.inject(Fault::shares(FaultAction::DropConnection));

    let r = app.resolve_demo(&guest).await;

    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "x-resolver-attempts"), "2");
}

#[tokio::test]
async fn hydration_lag_is_bridged_by_one_warm_up_and_settle_polls() {
    let scenario = Scenario {
        hydration_lag: Duration::from_millis(60),
        ..Scenario::demo()
    };
    let app = spawn_app_with(scenario, |s| {
        s.retry.backoff_base = Duration::from_millis(40);
        s.retry.backoff_cap = Duration::from_millis(80);
        s.retry.max_attempts = 10;
    })
    .await;
    let guest = Guest::new();

    let r = app.resolve_demo(&guest).await;

    assert_eq!(r.status(), 200);
    let attempts: usize = header(&r, "x-resolver-attempts").parse().unwrap();
    assert!(
        attempts >= 2,
        "the first /shares call came before the lag passed"
    );
    let kinds: Vec<RequestKind> = app.graph_kinds_for(&guest);
    let warmups = kinds.iter().filter(|k| **k != RequestKind::Shares).count();
    assert_eq!(
        warmups, 1,
        "a settling warm-up is waited for, not repeated: {kinds:?}"
    );
}

#[tokio::test]
async fn a_stale_hit_is_dropped_and_healed_in_the_same_request() {
    let app = spawn_app().await;
    let guest = Guest::new();
    let user = UserKey::new(&guest.tid, &guest.oid).unwrap();
    // The store believes the guest hydrated; Graph has forgotten them.
    app.store
        .put(&HydrationRecord::new(
            user.clone(),
            SystemTime::now(),
            Duration::from_secs(3600),
            None,
        ))
        .await
        .unwrap();

    let r = app.resolve_demo(&guest).await;

    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "x-resolver-hydration"), "hit");
    assert_eq!(header(&r, "x-resolver-warmup"), "site");
    assert_eq!(header(&r, "x-resolver-attempts"), "2");
    let kinds: Vec<RequestKind> = app.graph_kinds_for(&guest);
    assert_eq!(
        kinds,
        [
            RequestKind::Shares,
            RequestKind::WarmupSiteByPath,
            RequestKind::Shares
        ]
    );
    // Re-recorded after the healed success, with the strategy that worked.
    let record = app.store.get(&user).await.unwrap().expect("re-recorded");
    assert_eq!(record.strategy.map(|s| s.as_str()), Some("site"));
}

#[tokio::test]
async fn forty_simultaneous_first_requests_share_one_warm_up() {
    let app = Arc::new(spawn_app().await);
    app.graph.set_latency(Duration::from_millis(30));
    let guest = Arc::new(Guest::new());

    let requests = (0..40).map(|_| {
        let (app, guest) = (app.clone(), guest.clone());
        tokio::spawn(async move { app.resolve_demo(&guest).await.status().as_u16() })
    });
    let statuses: Vec<u16> = futures_join(requests).await;

    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    let warmups = app
        .graph
        .requests()
        .into_iter()
        .filter(|q| {
            q.user.as_deref() == Some(guest.key().as_str()) && q.kind != RequestKind::Shares
        })
        .count();
    assert_eq!(warmups, 1);
}

async fn futures_join<T>(handles: impl Iterator<Item = tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}
