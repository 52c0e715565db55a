//! Every row of the error table of docs/api.md, provoked on purpose.

use std::time::Duration;

use graph_sim::token::TokenBuilder;
use graph_sim::{Behaviour, Fault, FaultAction, Scenario, SimUser};
use serde_json::json;
use share_resolver::identity::PERSONAL_ACCOUNT_TENANT;

use crate::helpers::{Guest, SHARE_URL, assert_problem, header, spawn_app, spawn_app_with, u_id};

#[tokio::test]
async fn bad_tokens_are_refused_before_any_graph_call() {
    let app = spawn_app().await;
    let expired = Guest::with(|b| b.expires_in(-120));
    let wrong_aud = Guest::with(|b| b.aud("https://contoso.sharepoint.com"));
    let no_scope = Guest::with(|b| b.scp("User.Read openid"));
    let personal = TokenBuilder::guest(
        PERSONAL_ACCOUNT_TENANT,
        "00000000-0000-0000-0000-00000000abcd",
    )
    .build();
    for (token, status, code, why) in [
        (None, 401, "missing_token", "no Authorization header"),
        (
            Some("not-a-jwt".to_owned()),
            401,
            "malformed_token",
            "one part",
        ),
        (
            Some("a.bm90IGpzb24.c".to_owned()),
            401,
            "malformed_token",
            "claims not JSON",
        ),
        (
            Some(expired.token.clone()),
            401,
            "token_expired",
            "exp two minutes ago",
        ),
        (
            Some(wrong_aud.token.clone()),
            401,
            "wrong_audience",
            "SharePoint audience",
        ),
        (
            Some(personal),
            403,
            "personal_account_unsupported",
            "MSA tenant",
        ),
        (
            Some(no_scope.token.clone()),
            403,
            "missing_scope",
            "no Files/Sites scope",
        ),
    ] {
        let response = app.get_drive_item(&u_id(SHARE_URL), token.as_deref()).await;
        let body = assert_problem(response, status, code).await;
        assert_eq!(body["graph"], json!([]), "{why}: no Graph call");
    }
    assert!(app.graph.requests().is_empty(), "Graph was never called");
}

#[tokio::test]
async fn a_non_bearer_authorization_is_a_missing_token() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(format!(
            "{}/v1/shares/{}/driveItem",
            app.address,
            u_id(SHARE_URL)
        ))
        .header("authorization", "Basic dXNlcjpwYXNz")
        .send()
        .await
        .unwrap();
    assert_eq!(header(&response, "www-authenticate"), "Bearer");
    assert_problem(response, 401, "missing_token").await;
}

#[tokio::test]
async fn bad_shares_and_bodies_are_refused_before_any_graph_call() {
    let app = spawn_app().await;
    let guest = Guest::new();
    for (body, status, code, why) in [
        (
            json!({"shareUrl": "https://evil.example/x"}).to_string(),
            400,
            "invalid_share",
            "host not allowed",
        ),
        (
            json!({"shareUrl": "https://contoso.sharepoint.com.evil.example/x"}).to_string(),
            400,
            "invalid_share",
            "suffix trick",
        ),
        (
            json!({"shareUrl": "http://contoso.sharepoint.com/x"}).to_string(),
            400,
            "invalid_share",
            "not https",
        ),
        (
            json!({"shareUrl": "javascript:alert(1)"}).to_string(),
            400,
            "invalid_share",
            "not a URL",
        ),
        (
            json!({"shareId": "u!not base64"}).to_string(),
            400,
            "invalid_share",
            "bad alphabet",
        ),
        (
            json!({"shareId": "x!abc"}).to_string(),
            400,
            "invalid_share",
            "unknown prefix",
        ),
        (
            json!({"shareUrl": SHARE_URL, "shareId": u_id(SHARE_URL)}).to_string(),
            400,
            "bad_request",
            "both",
        ),
        (json!({}).to_string(), 400, "bad_request", "neither"),
        (
            json!({"shareUrl": 42}).to_string(),
            400,
            "bad_request",
            "wrong type",
        ),
        (
            "{\"shareUrl\": ".to_owned(),
            400,
            "bad_request",
            "truncated JSON",
        ),
        ("".to_owned(), 400, "bad_request", "empty body"),
        (
            format!("{{\"shareUrl\": \"{}\"}}", "a".repeat(17 * 1024)),
            413,
            "payload_too_large",
            "over 16 KiB",
        ),
    ] {
        let response = app.post_resolve_raw(body, Some(&guest.token)).await;
        let problem = assert_problem(response, status, code).await;
        assert_eq!(problem["graph"], json!([]), "{why}");
    }
    for (share_id, why) in [
        ("u!", "empty u!"),
        ("nonsense", "no prefix"),
        ("s!..", "dots"),
    ] {
        let response = app.get_drive_item(share_id, Some(&guest.token)).await;
        assert_problem(response, 400, "invalid_share").await;
        let _ = why;
    }
    assert!(app.graph.requests().is_empty(), "Graph was never called");
}

#[tokio::test]
async fn a_body_just_under_the_limit_is_read() {
    let app = spawn_app().await;
    let guest = Guest::new();
    let pad = " ".repeat(16 * 1024 - 200);
    let body = format!("{{\"shareUrl\": \"{SHARE_URL}\"{pad}}}");
    assert!(body.len() < 16 * 1024);
    assert_eq!(
        app.post_resolve_raw(body, Some(&guest.token))
            .await
            .status(),
        200
    );
}

/// Provokes a Graph-side failure through the simulator's user behaviours.
async fn resolve_as(behaviour: Behaviour) -> (crate::helpers::TestApp, reqwest::Response) {
    let app = spawn_app().await;
    let guest = Guest::new();
    app.graph
        .add_user(SimUser::guest(&guest.tid, &guest.oid).with(behaviour));
    let response = app.resolve_demo(&guest).await;
    (app, response)
}

#[tokio::test]
async fn graph_side_token_failures_are_told_apart() {
    let (_, r) = resolve_as(Behaviour::TokenExpiredAtGraph).await;
    let body = assert_problem(r, 401, "token_expired").await;
    assert_eq!(
        body["graph"].as_array().unwrap().last().unwrap()["code"],
        "InvalidAuthenticationToken"
    );

    let (_, r) = resolve_as(Behaviour::TokenInvalidAtGraph).await;
    assert_problem(r, 401, "invalid_token").await;

    let (_, r) = resolve_as(Behaviour::MfaMissing).await;
    assert_problem(r, 403, "mfa_required").await;
}

#[tokio::test]
async fn a_claims_challenge_is_forwarded_whether_graph_sent_401_or_403() {
    for status in [401, 403] {
        let (_, r) = resolve_as(Behaviour::ClaimsChallenge { status }).await;
        let challenge = header(&r, "www-authenticate");
        assert!(
            challenge.contains("insufficient_claims"),
            "{status}: {challenge}"
        );
        assert!(challenge.contains("claims=\""), "{status}: {challenge}");
        let body = assert_problem(r, 401, "claims_challenge").await;
        assert!(
            body["claims"].is_object(),
            "{status}: decoded claims in {body}"
        );
    }
}

#[tokio::test]
async fn graph_404_403_and_400_are_final() {
    let app = spawn_app().await;
    let guest = Guest::new();

    let gone = "https://contoso.sharepoint.com/:w:/s/Marketing/ENoSuchLink000?e=1";
    let r = app
        .post_resolve(json!({"shareUrl": gone}), Some(&guest.token))
        .await;
    assert_problem(r, 404, "share_not_found").await;
    assert_eq!(app.shares_calls_for(&guest), 1, "404 is not retried");

    let private = "https://contoso.sharepoint.com/:b:/s/Marketing/EPrivateOnlyForMember000?e=q1";
    let r = app
        .post_resolve(json!({"shareUrl": private}), Some(&guest.token))
        .await;
    let body = assert_problem(r, 403, "access_denied").await;
    assert_eq!(
        body["graph"].as_array().unwrap().last().unwrap()["status"],
        403
    );
    assert_eq!(app.shares_calls_for(&guest), 2, "403 is not retried");

    app.graph.inject(Fault::shares(FaultAction::Status {
        status: 400,
        retry_after: None,
    }));
    let r = app.resolve_demo(&guest).await;
    assert_problem(r, 400, "invalid_share").await;
}

#[tokio::test]
async fn a_guest_who_never_hydrates_gets_hydration_exhausted_with_retry_after() {
    let (app, r) = resolve_as(Behaviour::NeverHydrates).await;
    // x-resolver-* headers are sent on success only; the graph array
    // below counts the /shares attempts instead.
    assert_eq!(header(&r, "x-resolver-attempts"), "");
    assert!(header(&r, "retry-after").parse::<u64>().unwrap() >= 1);
    let body = assert_problem(r, 503, "hydration_exhausted").await;
    let graph = body["graph"].as_array().unwrap();
    let shares: Vec<_> = graph.iter().filter(|d| d["call"] == "shares").collect();
    assert_eq!(shares.len(), 4);
    for d in &shares {
        assert_eq!(d["status"], 401);
        assert_eq!(d["code"], "accessDenied");
        assert!(d["requestId"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(d["clientRequestId"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(d["agsDiagnostic"]["ServerInfo"].is_object(), "{d}");
        assert!(d["date"].as_str().is_some(), "{d}");
    }
    assert!(graph.iter().any(|d| d["call"] == "warmup"));
    let _ = app;
}

#[tokio::test]
async fn graph_5xx_until_attempts_run_out_is_graph_unavailable() {
    let app = spawn_app().await;
    let guest = Guest::new();
    app.graph.inject(
        Fault::shares(FaultAction::Status {
            status: 500,
            retry_after: None,
        })
        .times(10),
    );

    let r = app.resolve_demo(&guest).await;

    assert_problem(r, 502, "graph_unavailable").await;
    assert_eq!(app.shares_calls_for(&guest), 4);
}

#[tokio::test]
async fn dropped_connections_until_attempts_run_out_are_graph_unavailable() {
    let app = spawn_app().await;
    let guest = Guest::new();
    app.graph
        .inject(Fault::shares(FaultAction::DropConnection).times(10));

    let r = app.resolve_demo(&guest).await;

    let body = assert_problem(r, 502, "graph_unavailable").await;
    let last = body["graph"].as_array().unwrap().last().unwrap().clone();
    assert!(last["status"].is_null(), "{last}");
    assert!(last["transportError"].as_str().is_some(), "{last}");
}

#[tokio::test]
async fn throttling_that_outlasts_the_deadline_is_throttled_with_retry_after() {
    let app = spawn_app().await;
    let guest = Guest::new();
    app.graph.inject(Fault::shares(FaultAction::Status {
        status: 429,
        retry_after: Some("41".into()),
    }));

    let started = std::time::Instant::now();
    let r = app.resolve_demo(&guest).await;

    // Real time: the service's sleeps are real; sleeping toward the 41 s
    // would run into the 5 s deadline, answering late.
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "no sleep past the deadline"
    );
    assert_eq!(header(&r, "retry-after"), "41");
    assert_problem(r, 429, "throttled").await;
}

#[tokio::test]
async fn a_slow_graph_runs_into_the_deadline() {
    let app = spawn_app_with(Scenario::demo(), |s| {
        s.resolve_deadline = Duration::from_millis(300)
    })
    .await;
    let guest = Guest::new();
    app.graph
        .inject(Fault::shares(FaultAction::Delay(Duration::from_secs(3))));

    let started = std::time::Instant::now();
    let r = app.resolve_demo(&guest).await;

    // Real time: the deadline (300 ms) is a real timer cutting a Graph call
    // that really takes 3 s; only the wall clock shows it was cut.
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "took {:?}",
        started.elapsed()
    );
    assert_problem(r, 504, "deadline_exceeded").await;
}

#[tokio::test]
async fn unknown_routes_and_methods_are_problems_too() {
    let app = spawn_app().await;
    let r = app
        .client
        .get(format!("{}/v2/nothing", app.address))
        .send()
        .await
        .unwrap();
    assert_problem(r, 404, "not_found").await;
    let r = app
        .client
        .delete(format!("{}/v1/resolve", app.address))
        .send()
        .await
        .unwrap();
    assert_problem(r, 405, "method_not_allowed").await;
}
