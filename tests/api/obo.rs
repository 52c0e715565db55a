//! `AUTH_MODE=obo`: the API's own token verified before any other work,
//! exchanged On-Behalf-Of the user for Graph and SharePoint tokens. Every
//! forged or malformed token is refused with its code, no Graph call and no
//! token exchange.

use graph_sim::token::TokenBuilder;
use graph_sim::{DEMO_TENANT, TokenFault};
use serde_json::json;

use crate::helpers::{ApiUser, SHARE_URL, TestApp, assert_problem, header, reached, spawn_obo_app};

async fn resolve(app: &TestApp, token: &str) -> reqwest::Response {
    app.post_resolve(json!({"shareUrl": SHARE_URL}), Some(token))
        .await
}

#[tokio::test]
async fn a_forged_or_malformed_api_token_is_refused_with_no_graph_call_and_no_exchange() {
    let app = spawn_obo_app().await;
    let user = ApiUser::guest(&app);
    let b = user.builder();
    let other_tenant = graph_sim::token::ApiTokenBuilder::guest(
        &app.graph.login_base_url(),
        "0e8e8e8e-1111-2222-3333-444455556666",
        &user.oid,
    );
    let cases: Vec<(&str, String, u16, &str)> = vec![
        ("a bad signature", b.build_forged(), 401, "invalid_token"),
        ("alg none", b.build_alg_none(), 401, "invalid_token"),
        (
            "HS256 keyed with the public key",
            b.build_hs256_with_public_key(),
            401,
            "invalid_token",
        ),
        (
            "an unknown key",
            b.build_with_unknown_key("rogue-1"),
            401,
            "invalid_token",
        ),
        (
            "another issuer",
            b.clone().iss("https://login.example.com/evil/v2.0").build(),
            401,
            "invalid_token",
        ),
        (
            "not valid yet",
            b.clone().not_before_in(600).build(),
            401,
            "invalid_token",
        ),
        (
            "expired (past the 60 s of skew)",
            b.clone().expires_in(-120).build(),
            401,
            "token_expired",
        ),
        (
            "another audience",
            b.clone()
                .aud("00000003-0000-0000-c000-000000000000")
                .build(),
            401,
            "wrong_audience",
        ),
        (
            "without the scope",
            b.clone().scp("User.Read").build(),
            403,
            "missing_scope",
        ),
        (
            "a tenant not served",
            other_tenant.build(),
            403,
            "tenant_not_allowed",
        ),
        (
            // A v1 token of Graph's issuer: refused on its issuer first.
            "a Graph token",
            TokenBuilder::guest(DEMO_TENANT, &user.oid).build(),
            401,
            "invalid_token",
        ),
        ("not a JWT", "not-a-jwt".to_owned(), 401, "malformed_token"),
    ];
    for (why, token, status, code) in cases {
        app.graph.clear_requests();
        let r = resolve(&app, &token).await;
        assert_problem(r, status, code).await;
        let reached = reached(&app.graph);
        assert_eq!(
            (reached.graph, reached.exchanges),
            (0, 0),
            "{why}: {reached:?}"
        );
    }
    let r = app.post_resolve(json!({"shareUrl": SHARE_URL}), None).await;
    assert_problem(r, 401, "missing_token").await;
}

#[tokio::test]
async fn a_cold_guest_is_resolved_with_one_graph_exchange_and_the_next_request_is_a_hit_with_none()
{
    let app = spawn_obo_app().await;
    let guest = ApiUser::guest(&app);

    app.graph.clear_requests();
    let first = resolve(&app, &guest.token).await;
    assert_eq!(first.status(), 200);
    assert_eq!(header(&first, "x-resolver-hydration"), "miss");
    assert_eq!(
        header(&first, "x-resolver-warmup"),
        "sharepoint",
        "the SharePoint warm-up, by OBO"
    );
    let cold = reached(&app.graph);
    assert_eq!(cold.graph_exchanges, 1, "{cold:?}");
    assert_eq!(
        cold.exchanges, 2,
        "Graph, then SharePoint for its warm-up: {cold:?}"
    );

    app.graph.clear_requests();
    let second = resolve(&app, &guest.token).await;
    assert_eq!(second.status(), 200);
    assert_eq!(header(&second, "x-resolver-hydration"), "hit");
    let hit = reached(&app.graph);
    assert_eq!((hit.exchanges, hit.graph), (0, 1), "{hit:?}");
}

#[tokio::test]
async fn concurrent_requests_with_one_token_make_one_exchange() {
    let app = spawn_obo_app().await;
    let member = ApiUser::member(&app);
    app.graph.clear_requests();

    let requests: Vec<_> = (0..8)
        .map(|_| {
            let request = app
                .client
                .post(format!("{}/v1/resolve", app.address))
                .bearer_auth(&member.token)
                .body(json!({"shareUrl": SHARE_URL}).to_string());
            tokio::spawn(async move { request.send().await.map(|r| r.status().as_u16()) })
        })
        .collect();
    let mut statuses = Vec::new();
    for request in requests {
        statuses.push(request.await.unwrap().unwrap());
    }

    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    assert_eq!(reached(&app.graph).exchanges, 1);
}

#[tokio::test]
async fn each_token_endpoint_refusal_is_its_problem() {
    let claims = r#"{"access_token":{"polids":{"essential":true,"values":["9ab03e19"]}}}"#;
    let cases = [
        (
            TokenFault::InteractionRequired {
                claims: claims.to_owned(),
            },
            401,
            "claims_challenge",
        ),
        (
            TokenFault::InvalidGrantWithClaims {
                claims: claims.to_owned(),
            },
            401,
            "claims_challenge",
        ),
        (TokenFault::ConsentRequired, 403, "consent_required"),
        (TokenFault::InvalidClient, 502, "identity_unavailable"),
        (TokenFault::Status(503), 502, "identity_unavailable"),
    ];
    let app = spawn_obo_app().await;
    for (fault, status, code) in cases {
        let member = ApiUser::member(&app);
        app.graph.inject_token_error(fault.clone());
        let r = resolve(&app, &member.token).await;
        let challenge = header(&r, "www-authenticate");
        let body = assert_problem(r, status, code).await;
        if code == "claims_challenge" {
            let login = app.graph.login_base_url();
            assert!(
                challenge.starts_with(&format!(
                    "Bearer realm=\"\", authorization_uri=\"{login}/{DEMO_TENANT}/oauth2/v2.0/authorize\", error=\"insufficient_claims\", claims=\""
                )),
                "{challenge}"
            );
            let encoded = challenge
                .rsplit_once("claims=\"")
                .and_then(|(_, rest)| rest.strip_suffix('"'))
                .unwrap();
            use base64::Engine;
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .unwrap();
            assert_eq!(String::from_utf8(decoded).unwrap(), claims, "{fault:?}");
            assert_eq!(
                body["claims"],
                serde_json::from_str::<serde_json::Value>(claims).unwrap()
            );
        }
        if matches!(fault, TokenFault::InvalidClient) {
            let detail = body["detail"].as_str().unwrap();
            assert!(detail.contains("operator"), "{detail}");
        }
    }
}

#[tokio::test]
async fn twenty_tokens_with_unknown_keys_make_at_most_one_more_key_fetch() {
    let app = spawn_obo_app().await;
    let user = ApiUser::guest(&app);
    app.graph.clear_requests();

    for i in 0..20 {
        let token = user
            .builder()
            .build_with_unknown_key(&format!("rotated-{i}"));
        assert_problem(resolve(&app, &token).await, 401, "invalid_token").await;
    }

    assert!(
        reached(&app.graph).key_fetches <= 1,
        "{:?}",
        reached(&app.graph)
    );
}

#[tokio::test]
async fn the_sharepoint_header_is_refused_in_obo_mode() {
    let app = spawn_obo_app().await;
    let guest = ApiUser::guest(&app);
    app.graph.clear_requests();

    let r = app
        .post_resolve_with(
            json!({"shareUrl": SHARE_URL}),
            Some(&guest.token),
            &[("x-sharepoint-authorization", "Bearer a.b.c")],
        )
        .await;

    let body = assert_problem(r, 400, "bad_request").await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("X-SharePoint-Authorization")
    );
    assert_eq!(reached(&app.graph).exchanges, 0);
}

#[tokio::test]
async fn the_store_is_keyed_by_the_verified_user_whatever_token_it_sends() {
    let app = spawn_obo_app().await;
    let guest = ApiUser::guest(&app);
    assert_eq!(resolve(&app, &guest.token).await.status(), 200);

    // A second token of the same user (another sign-in): a hit, one exchange.
    let second = guest
        .builder()
        .claim("uti", json!("another-sign-in"))
        .build();
    app.graph.clear_requests();
    let r = resolve(&app, &second).await;

    assert_eq!(header(&r, "x-resolver-hydration"), "hit");
    assert_eq!(reached(&app.graph).graph_exchanges, 1);
}

#[tokio::test]
async fn a_junk_kid_makes_no_valid_request_wait_for_the_slow_key_fetch_it_triggers() {
    use graph_sim::{Fault, FaultAction, RequestKind};
    let app = spawn_obo_app().await;
    let guest = ApiUser::guest(&app);
    // Past the minute since the start-up fetch, so an unknown kid fetches.
    app.clock.advance(std::time::Duration::from_secs(61));
    app.graph.inject(Fault::keys(FaultAction::Delay(
        std::time::Duration::from_millis(2500),
    )));
    app.graph.clear_requests();
    let (order, mut answers) = tokio::sync::mpsc::unbounded_channel();

    let junk = guest.builder().build_with_unknown_key("rotated-junk");
    let attacker = async {
        let status = resolve(&app, &junk).await.status().as_u16();
        order.send(("junk", status)).unwrap();
    };
    let users = async {
        // Wait (on the simulator's log, not on time) until the fetch is under way.
        while !app
            .graph
            .requests()
            .iter()
            .any(|r| r.kind == RequestKind::Keys)
        {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        for _ in 0..5 {
            let status = resolve(&app, &guest.token).await.status().as_u16();
            order.send(("valid", status)).unwrap();
        }
        app.graph
            .requests()
            .iter()
            .any(|r| r.kind == RequestKind::Keys && r.status == 0)
    };
    let ((), fetch_pending) = tokio::join!(attacker, users);
    drop(order);
    let mut seen = Vec::new();
    while let Some(answer) = answers.recv().await {
        seen.push(answer);
    }

    assert!(fetch_pending, "the five were answered while the fetch ran");
    assert_eq!(
        seen,
        vec![
            ("valid", 200),
            ("valid", 200),
            ("valid", 200),
            ("valid", 200),
            ("valid", 200),
            ("junk", 401),
        ]
    );
    assert_eq!(reached(&app.graph).key_fetches, 1);
}

#[tokio::test]
async fn a_key_the_identity_platform_withdrew_is_trusted_until_the_key_set_is_a_day_old_and_refused_once_refreshed()
 {
    use graph_sim::RequestKind;
    use std::time::Duration;
    let app = spawn_obo_app().await;
    let guest = ApiUser::guest(&app);
    // A key rotated in after start-up: its first token fetches the set (past
    // the minute since the start-up fetch) and is served.
    app.graph.publish_rogue_key("sim-2027-1");
    let rotated = guest.builder().build_with_unknown_key("sim-2027-1");
    app.clock.advance(Duration::from_secs(61));
    assert_eq!(resolve(&app, &rotated).await.status(), 200);

    // The platform withdraws it. A day less an hour later, the cached set
    // still trusts it: no fetch, answered (its exchange is cached).
    app.graph.withdraw_rogue_key("sim-2027-1");
    app.clock.advance(Duration::from_secs(23 * 60 * 60));
    app.graph.clear_requests();
    assert_eq!(resolve(&app, &rotated).await.status(), 200);
    assert_eq!(
        reached(&app.graph).key_fetches,
        0,
        "no refresh before a day"
    );

    // A day old: the next request (a valid token) is answered from the
    // cached set and starts the refresh in the background.
    app.clock.advance(Duration::from_secs(60 * 60));
    assert_eq!(resolve(&app, &guest.token).await.status(), 200);
    // Waits on the simulator's log; the timeout only turns a missing
    // refresh into a failure instead of a hang.
    tokio::time::timeout(
        Duration::from_secs(30),
        app.graph.until_logged(RequestKind::Keys),
    )
    .await
    .expect("the day-old set is fetched again");
    // An unknown kid waits for the fetch under way (the single flight), so
    // once it is answered the refreshed set is in place; it fetches nothing
    // itself (the set is a moment old).
    let junk = guest.builder().build_with_unknown_key("rotated-junk");
    assert_problem(resolve(&app, &junk).await, 401, "invalid_token").await;
    app.graph.clear_requests();

    assert_problem(resolve(&app, &rotated).await, 401, "invalid_token").await;
    assert_eq!(
        reached(&app.graph),
        crate::helpers::Reached::default(),
        "refused before any call"
    );
    assert_eq!(resolve(&app, &guest.token).await.status(), 200);
}
