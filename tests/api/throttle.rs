//! A sleeping Lambda is billed and holds a reserved instance: a long
//! `Retry-After` is handed to the caller, and a throttled caller's next
//! requests make no Graph call until the wait has passed (per user and
//! token, so a forged token's 429 silences no one else).

use std::time::{Duration, Instant};

use graph_sim::token::TokenBuilder;
use graph_sim::{Behaviour, Fault, FaultAction, RequestKind, Scenario, SimUser};

use crate::helpers::{Guest, TestApp, assert_problem, header, spawn_app_with};

/// The default `MAX_INLINE_WAIT_MS`.
const INLINE_BUDGET: Duration = Duration::from_secs(3);

/// `/shares` calls the simulator saw for `guest`'s user.
fn shares_calls_of(app: &TestApp, guest: &Guest) -> usize {
    let user = guest.key();
    app.graph
        .requests()
        .iter()
        .filter(|r| r.kind == RequestKind::Shares && r.user.as_deref() == Some(user.as_str()))
        .count()
}

/// The service with the production deadline (20 s): with the tests' short
/// one, a 10 s wait would be handed over for want of time anyway.
async fn spawn() -> TestApp {
    spawn_app_with(Scenario::demo(), |s| {
        s.resolve_deadline = Duration::from_secs(20)
    })
    .await
}

fn retry_after_secs(response: &reqwest::Response) -> u64 {
    header(response, "retry-after").parse().unwrap()
}

#[tokio::test]
async fn a_long_retry_after_is_handed_to_the_caller_at_once_not_slept() {
    let app = spawn().await;
    let guest = Guest::member();
    app.graph.add_user(
        SimUser::member(&guest.tid, &guest.oid).with(Behaviour::Throttled {
            retry_after_secs: 10,
        }),
    );

    let started = Instant::now();
    let r = app.resolve_demo(&guest).await;
    let took = started.elapsed();

    // Real time: the service's sleeps are real, and what is asserted is
    // that it did not sleep the 10 s (nor up to its budget) before answering.
    assert!(took < INLINE_BUDGET, "answered after {took:?}");
    let wait = retry_after_secs(&r);
    assert!((9..=10).contains(&wait), "Retry-After {wait}");
    assert_problem(r, 429, "throttled").await;
    assert_eq!(shares_calls_of(&app, &guest), 1, "one call, not four");
}

#[tokio::test]
async fn the_same_caller_inside_the_wait_gets_what_is_left_and_makes_no_graph_call() {
    let app = spawn().await;
    let guest = Guest::new();
    app.graph.add_user(
        SimUser::guest(&guest.tid, &guest.oid).with(Behaviour::Throttled {
            retry_after_secs: 10,
        }),
    );
    assert_eq!(app.resolve_demo(&guest).await.status(), 429);
    let before = app.graph.requests().len();

    app.clock.advance(Duration::from_millis(1100));
    let r = app.resolve_demo(&guest).await;

    let wait = retry_after_secs(&r);
    assert!((8..=9).contains(&wait), "what is left of 10 s: {wait}");
    assert_problem(r, 429, "throttled").await;
    assert_eq!(app.graph.requests().len(), before, "no Graph call");
    // A pre-warm would call Graph too: not while throttled.
    let r = app.post_warmup(None, Some(&guest.token), &[]).await;
    assert_problem(r, 429, "throttled").await;
    assert_eq!(app.graph.requests().len(), before, "no Graph call at all");
}

#[tokio::test]
async fn a_short_retry_after_is_still_slept_and_resolves() {
    let app = spawn().await;
    let guest = Guest::new();
    app.graph.inject(Fault::shares(FaultAction::Status {
        status: 429,
        retry_after: Some("1".into()),
    }));

    let started = Instant::now();
    let r = app.resolve_demo(&guest).await;

    assert_eq!(r.status(), 200);
    assert!(started.elapsed() >= Duration::from_secs(1));
}

#[tokio::test]
async fn the_sleeps_of_one_request_stay_inside_the_inline_budget_in_all() {
    let app = spawn().await;
    let guest = Guest::member();
    app.graph.add_user(SimUser::member(&guest.tid, &guest.oid));
    // Each wait alone fits the budget; together they do not.
    app.graph.inject(
        Fault::shares(FaultAction::Status {
            status: 503,
            retry_after: Some("2".into()),
        })
        .times(3),
    );

    let started = Instant::now();
    let r = app.resolve_demo(&guest).await;
    let took = started.elapsed();

    // Real time: the budget caps the service's real sleeps, 4 s of waits
    // here; 500 ms covers the calls themselves.
    assert!(
        took < INLINE_BUDGET + Duration::from_millis(500),
        "{took:?}"
    );
    assert_eq!(retry_after_secs(&r), 2);
    assert_problem(r, 502, "graph_unavailable").await;
}

#[tokio::test]
async fn another_users_requests_are_not_slowed_by_a_throttled_neighbour() {
    let app = spawn().await;
    let noisy = Guest::member();
    app.graph.add_user(
        SimUser::member(&noisy.tid, &noisy.oid).with(Behaviour::Throttled {
            retry_after_secs: 30,
        }),
    );
    let quiet = Guest::member();
    app.graph.add_user(SimUser::member(&quiet.tid, &quiet.oid));
    let alone = {
        let started = Instant::now();
        assert_eq!(app.resolve_demo(&quiet).await.status(), 200);
        started.elapsed()
    };

    let noisy_requests = async {
        let mut slowest = Duration::ZERO;
        for _ in 0..5 {
            let started = Instant::now();
            assert_eq!(app.resolve_demo(&noisy).await.status(), 429);
            slowest = slowest.max(started.elapsed());
        }
        slowest
    };
    let quiet_requests = async {
        let mut slowest = Duration::ZERO;
        for _ in 0..5 {
            let started = Instant::now();
            assert_eq!(app.resolve_demo(&quiet).await.status(), 200);
            slowest = slowest.max(started.elapsed());
        }
        slowest
    };
    let (noisy_slowest, quiet_slowest) = tokio::join!(noisy_requests, quiet_requests);

    // Real time: neither user may be held by a sleep of the service (30 s
    // for the noisy one); the quiet user is measured against itself alone.
    assert!(noisy_slowest < INLINE_BUDGET, "{noisy_slowest:?}");
    assert!(
        quiet_slowest < alone + Duration::from_millis(500),
        "the quiet user: {quiet_slowest:?} against {alone:?} alone"
    );
    assert_eq!(shares_calls_of(&app, &noisy), 1, "one Graph call in all");
}

#[tokio::test]
async fn a_forged_tokens_429_does_not_silence_its_victim() {
    let app = spawn().await;
    // A member-shaped token goes to `/shares` at once (no warm-up to refuse
    // it first), so the forged request is the one Graph throttles.
    let victim = Guest::member();
    app.graph
        .add_user(SimUser::member(&victim.tid, &victim.oid));
    let forged = TokenBuilder::guest(&victim.tid, &victim.oid)
        .claim("acct", serde_json::json!(0))
        .without("upn")
        .build_forged();
    app.graph.inject(Fault::shares(FaultAction::Status {
        status: 429,
        retry_after: Some("60".into()),
    }));
    let r = app
        .post_resolve(
            serde_json::json!({"shareUrl": crate::helpers::SHARE_URL}),
            Some(&forged),
        )
        .await;
    assert_problem(r, 429, "throttled").await;

    let started = Instant::now();
    let r = app.resolve_demo(&victim).await;

    assert_eq!(r.status(), 200, "the victim is served");
    // Real time: the victim must not wait out the forged token's 60 s.
    assert!(started.elapsed() < INLINE_BUDGET);
}
