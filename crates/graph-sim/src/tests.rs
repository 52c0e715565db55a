//! The simulator's behaviour over real HTTP, as the service's tests rely on it.

use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};

use super::test_support::{Sim, admin_post, body, get, guest, share_path, sim, start, status};
use super::token::{TokenBuilder, random_guest};
use super::*;

#[tokio::test]
async fn a_cold_guest_gets_401_access_denied_until_a_warm_up() {
    let sim = sim().await;
    let (token, tid, oid) = guest(&sim, false);

    let cold = get(&sim, &share_path(DEMO_SHARE_URL), &token).await;
    assert_eq!(cold.status(), 401);
    assert!(cold.headers().get("www-authenticate").is_none());
    let error = body(cold).await;
    assert_eq!(error["error"]["code"], "accessDenied");
    assert_eq!(
        error["error"]["message"],
        "There has been an error authenticating the request."
    );

    assert!(!sim.is_hydrated(&tid, &oid));
    let root = body(get(&sim, "/sites/root", &token).await).await;
    assert!(
        root["id"]
            .as_str()
            .is_some_and(|id| id.starts_with("contoso.sharepoint.com,"))
    );
    assert!(sim.is_hydrated(&tid, &oid));
    let item = body(get(&sim, &share_path(DEMO_SHARE_URL), &token).await).await;
    assert_eq!(item, Scenario::demo().shares[0].drive_item);

    let log = sim.requests();
    let kinds: Vec<RequestKind> = log.iter().map(|r| r.kind).collect();
    use RequestKind::*;
    assert_eq!(kinds, [Shares, WarmupRoot, Shares]);
    let statuses: Vec<u16> = log.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [401, 200, 200]);
    assert_eq!(
        log[0].user.as_deref(),
        Some(format!("{tid}#{oid}").as_str())
    );
    assert!(log[0].has_authorization);
}

#[tokio::test]
async fn members_are_always_hydrated_and_never_hydrates_stays_cold() {
    let sim = sim().await;
    assert!(sim.is_hydrated(DEMO_TENANT, DEMO_MEMBER_OID));
    assert!(!sim.is_hydrated(DEMO_TENANT, DEMO_GUEST_OID));
    let member = TokenBuilder::guest(DEMO_TENANT, DEMO_MEMBER_OID).build();
    // The member may open the private link.
    assert_eq!(
        status(&sim, &share_path(DEMO_PRIVATE_SHARE_URL), &member).await,
        200
    );

    let (token, tid, oid) = guest(&sim, false);
    sim.add_user(SimUser::guest(&tid, &oid).with(Behaviour::NeverHydrates));
    assert_eq!(status(&sim, "/sites/root", &token).await, 200);
    sim.hydrate(&tid, &oid);
    assert!(!sim.is_hydrated(&tid, &oid));
    assert_eq!(status(&sim, &share_path(DEMO_SHARE_URL), &token).await, 401);
}

#[tokio::test]
async fn every_warm_up_hydrates_whatever_it_answers() {
    let sim = sim().await;
    for (path, expected) in [
        ("/sites/contoso.sharepoint.com:/sites/Marketing", 200),
        ("/sites/contoso.sharepoint.com:/teams/Engineering", 200),
        ("/sites/contoso.sharepoint.com:/sites/Nope", 404),
        ("/sites/fabrikam.sharepoint.com:/sites/Marketing", 404),
        ("/groups/0a1b2c3d-1111-2222-3333-444455556666/drive", 403),
    ] {
        let (token, tid, oid) = guest(&sim, false);
        let r = get(&sim, path, &token).await;
        assert_eq!(r.status(), expected, "{path}");
        if expected == 200 {
            let site = body(r).await;
            assert!(
                site["webUrl"]
                    .as_str()
                    .is_some_and(|u| path.ends_with(&u[30..]))
            );
        }
        assert!(sim.is_hydrated(&tid, &oid), "{path}");
    }
}

#[tokio::test]
async fn hydration_lag_keeps_a_guest_cold_for_a_while_and_rewarming_never_cools() {
    let scenario = Scenario {
        hydration_lag: Duration::from_millis(150),
        ..Scenario::demo()
    };
    let sim = start(scenario).await;
    let (token, tid, oid) = guest(&sim, false);
    get(
        &sim,
        "/groups/0a1b2c3d-1111-2222-3333-444455556666/drive",
        &token,
    )
    .await;
    assert!(!sim.is_hydrated(&tid, &oid));
    assert_eq!(status(&sim, &share_path(DEMO_SHARE_URL), &token).await, 401);

    sim.advance(Duration::from_millis(200));
    assert!(sim.is_hydrated(&tid, &oid));
    assert_eq!(status(&sim, "/sites/root", &token).await, 200);
    // Warm already: the new warm-up's lag must not make it cold again.
    assert_eq!(status(&sim, &share_path(DEMO_SHARE_URL), &token).await, 200);

    // hydrate() skips the lag.
    let (other, tid, oid) = guest(&sim, true);
    assert!(sim.is_hydrated(&tid, &oid));
    assert_eq!(status(&sim, &share_path(DEMO_SHARE_URL), &other).await, 200);
    sim.dehydrate(&tid, &oid);
    assert_eq!(status(&sim, &share_path(DEMO_SHARE_URL), &other).await, 401);
}

#[tokio::test]
async fn hydration_ends_after_its_lifetime() {
    let scenario = Scenario {
        hydration_lifetime: Duration::from_millis(200),
        ..Scenario::demo()
    };
    let sim = start(scenario).await;
    let (token, tid, oid) = guest(&sim, false);
    assert_eq!(status(&sim, "/sites/root", &token).await, 200);
    assert_eq!(status(&sim, &share_path(DEMO_SHARE_URL), &token).await, 200);
    sim.advance(Duration::from_millis(250));
    assert!(!sim.is_hydrated(&tid, &oid));
    assert_eq!(status(&sim, &share_path(DEMO_SHARE_URL), &token).await, 401);
}

#[tokio::test]
async fn a_status_fault_answers_verbatim_then_is_consumed() {
    let sim = sim().await;
    let (token, _, _) = guest(&sim, true);
    sim.inject(Fault::shares(FaultAction::Status {
        status: 429,
        retry_after: Some("2.128".into()),
    }));

    let throttled = get(&sim, &share_path(DEMO_SHARE_URL), &token).await;
    assert_eq!(throttled.status(), 429);
    assert_eq!(throttled.headers()["retry-after"], "2.128");
    assert!(throttled.headers().contains_key("request-id"));
    let error = body(throttled).await;
    assert_eq!(error["error"]["code"], "activityLimitReached");
    assert_eq!(error["error"]["innerError"]["code"], "throttledRequest");
    assert_eq!(status(&sim, &share_path(DEMO_SHARE_URL), &token).await, 200);
}

#[tokio::test]
async fn faults_only_hit_their_target_and_repeat_times_times() {
    let sim = sim().await;
    let (token, _, _) = guest(&sim, true);
    let date = "Wed, 21 Oct 2026 07:28:00 GMT";
    sim.inject(
        Fault::warmup(FaultAction::Status {
            status: 503,
            retry_after: Some(date.into()),
        })
        .times(2),
    );
    sim.inject(Fault::any(FaultAction::Status {
        status: 504,
        retry_after: None,
    }));

    // The shares call skips the warm-up fault and takes the `any` one.
    let r = get(&sim, &share_path(DEMO_SHARE_URL), &token).await;
    assert_eq!(r.status(), 504);
    assert!(r.headers().get("retry-after").is_none());
    assert_eq!(body(r).await["error"]["code"], "UnknownError");
    for _ in 0..2 {
        let r = get(&sim, "/sites/root", &token).await;
        assert_eq!(r.status(), 503);
        assert_eq!(r.headers()["retry-after"], date);
        assert_eq!(body(r).await["error"]["code"], "serviceNotAvailable");
    }
    assert_eq!(status(&sim, "/sites/root", &token).await, 200);
    assert_eq!(status(&sim, &share_path(DEMO_SHARE_URL), &token).await, 200);
}

#[tokio::test]
async fn a_dropped_connection_gets_no_answer_and_is_logged_as_0() {
    let sim = sim().await;
    let (token, _, _) = guest(&sim, false);
    sim.inject(Fault::any(FaultAction::DropConnection));

    let result = reqwest::Client::new()
        .get(format!("{}/sites/root", sim.base_url()))
        .bearer_auth(&token)
        .send()
        .await;

    let error = result.expect_err("the connection closes unanswered");
    assert!(!error.is_timeout(), "{error:?}");
    let log = sim.requests();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].status, 0);
    assert_eq!(log[0].kind, RequestKind::WarmupRoot);
    // The next request is served normally.
    assert_eq!(status(&sim, "/sites/root", &token).await, 200);
}

#[tokio::test]
async fn a_delay_fault_delays_and_an_abandoned_request_stays_in_the_log() {
    let sim = sim().await;
    let (token, _, _) = guest(&sim, true);
    sim.inject(Fault::shares(FaultAction::Delay(Duration::from_millis(
        250,
    ))));
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(80))
        .build()
        .expect("client");
    let r = client
        .get(format!("{}{}", sim.base_url(), share_path(DEMO_SHARE_URL)))
        .bearer_auth(&token)
        .send()
        .await;
    assert!(r.expect_err("times out").is_timeout());
    let log = sim.requests();
    assert_eq!((log.len(), log[0].status), (1, 0));

    sim.inject(Fault::shares(FaultAction::Delay(Duration::from_millis(
        120,
    ))));
    let started = Instant::now();
    assert_eq!(status(&sim, &share_path(DEMO_SHARE_URL), &token).await, 200);
    assert!(started.elapsed() >= Duration::from_millis(120));
}

#[tokio::test]
async fn latency_is_added_to_every_graph_answer() {
    let sim = sim().await;
    let (token, _, _) = guest(&sim, false);
    sim.set_latency(Duration::from_millis(100));
    let started = Instant::now();
    assert_eq!(status(&sim, "/sites/root", &token).await, 200);
    assert!(started.elapsed() >= Duration::from_millis(100));
    sim.set_latency(Duration::ZERO);
    let started = Instant::now();
    assert_eq!(status(&sim, "/sites/root", &token).await, 200);
    assert!(started.elapsed() < Duration::from_millis(100));
}

#[tokio::test]
async fn paths_are_logged_raw_and_unknown_paths_are_other() {
    let sim = sim().await;
    let (token, _, _) = guest(&sim, false);
    let r = get(
        &sim,
        "/sites/contoso.sharepoint.com:/sites/a%2F..%2FMarketing?$select=id",
        &token,
    )
    .await;
    assert_eq!(r.status(), 404);
    assert_eq!(
        status(
            &sim,
            "/sites/contoso.sharepoint.com:/sites/Mark%65ting",
            &token
        )
        .await,
        200
    );
    assert_eq!(status(&sim, "/me/drive", &token).await, 400);

    let log = sim.requests();
    assert_eq!(
        log[0].path,
        "/v1.0/sites/contoso.sharepoint.com:/sites/a%2F..%2FMarketing"
    );
    assert_eq!(log[0].query.as_deref(), Some("$select=id"));
    assert_eq!(log[0].kind, RequestKind::WarmupSiteByPath);
    assert_eq!(
        log[1].path,
        "/v1.0/sites/contoso.sharepoint.com:/sites/Mark%65ting"
    );
    assert_eq!((log[2].kind, log[2].status), (RequestKind::Other, 400));
}

#[tokio::test]
async fn shares_are_found_by_u_id_and_s_id_and_checked_for_access() {
    let sim = sim().await;
    let (token, _, oid) = guest(&sim, true);
    let s_id = SimShare::new(DEMO_SHARE_URL, json!({})).s_id();

    let by_s = body(get(&sim, &format!("/shares/{s_id}/driveItem"), &token).await).await;
    assert_eq!(by_s["name"], "Launch plan.docx");
    let unknown = get(
        &sim,
        &share_path("https://contoso.sharepoint.com/:w:/s/X/Enope"),
        &token,
    )
    .await;
    assert_eq!(unknown.status(), 404);
    assert_eq!(body(unknown).await["error"]["code"], "itemNotFound");
    assert_eq!(
        status(&sim, "/shares/s!AAAAAAAAAAAAAAAA/driveItem", &token).await,
        404
    );
    let denied = get(&sim, &share_path(DEMO_PRIVATE_SHARE_URL), &token).await;
    assert_eq!(denied.status(), 403);
    assert_eq!(body(denied).await["error"]["code"], "accessDenied");

    for bad in ["garbage", "u!%2F%2F", "u!aHR0cA==", "s!.."] {
        let r = get(&sim, &format!("/shares/{bad}/driveItem"), &token).await;
        assert_eq!(r.status(), 400, "{bad}");
        assert_eq!(body(r).await["error"]["code"], "invalidRequest");
    }

    // Added shares are found, access lists honoured.
    let url = "https://contoso.sharepoint.com/:t:/s/Marketing/Enew?e=1";
    sim.add_share(SimShare::new(url, json!({"name": "new.txt"})).only_for(&[&oid]));
    let added = SimShare::new(url, json!({})).s_id();
    assert_eq!(status(&sim, &share_path(url), &token).await, 200);
    assert_eq!(
        status(&sim, &format!("/shares/{added}/driveItem"), &token).await,
        200
    );
}

#[tokio::test]
async fn token_problems_look_like_graphs() {
    let sim = sim().await;
    let base = || TokenBuilder::guest(DEMO_TENANT, DEMO_GUEST_OID);
    let cases: Vec<(Option<String>, u16, &str, &str)> = vec![
        (
            None,
            401,
            "InvalidAuthenticationToken",
            "Access token is empty.",
        ),
        (
            Some("Basic dXNlcjpwYXNz".into()),
            401,
            "InvalidAuthenticationToken",
            "Access token is empty.",
        ),
        (
            Some("Bearer not-a-jwt".into()),
            401,
            "InvalidAuthenticationToken",
            "IDX14100",
        ),
        (
            Some("Bearer a.bm90LWpzb24.c".into()),
            401,
            "InvalidAuthenticationToken",
            "IDX14100",
        ),
        (
            Some(format!("Bearer {}", base().expires_in(-10).build())),
            401,
            "InvalidAuthenticationToken",
            "Lifetime validation failed, the token is expired.",
        ),
        (
            Some(format!(
                "Bearer {}",
                base().aud("https://contoso.sharepoint.com").build()
            )),
            401,
            "InvalidAuthenticationToken",
            "Access token validation failure. Invalid audience.",
        ),
        (
            Some(format!("Bearer {}", base().without("scp").build())),
            403,
            "AccessDenied",
            "Either scp or roles claim need to be present in the token.",
        ),
    ];
    for (authorization, expected, code, message) in cases {
        let mut request = sim.client.get(format!("{}/sites/root", sim.base_url()));
        if let Some(a) = &authorization {
            request = request.header("authorization", a);
        }
        let r = request.send().await.expect("an answer");
        assert_eq!(r.status(), expected, "{authorization:?}");
        if expected == 401 {
            let challenge = r.headers()["www-authenticate"].to_str().unwrap_or_default();
            assert_eq!(challenge, responses::BEARER_CHALLENGE);
        }
        let error = body(r).await;
        assert_eq!(error["error"]["code"], code);
        assert!(
            error["error"]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with(message)),
            "{error}"
        );
        assert_eq!(
            error["error"]["innerError"]["date"].as_str().map(str::len),
            Some(19)
        );
    }
    // A rejected call hydrates nobody.
    assert!(!sim.is_hydrated(DEMO_TENANT, DEMO_GUEST_OID));
    // The https resource form of the audience is Graph too, and `roles` will do.
    let resource = base().aud("https://graph.microsoft.com").build();
    assert_eq!(status(&sim, "/sites/root", &resource).await, 200);
    let app = base()
        .without("scp")
        .claim("roles", json!(["Sites.Read.All"]))
        .build();
    assert_eq!(status(&sim, "/sites/root", &app).await, 200);
    let log = sim.requests();
    assert!(!log[0].has_authorization);
    assert_eq!(
        log[4].user.as_deref(),
        Some(format!("{DEMO_TENANT}#{DEMO_GUEST_OID}").as_str())
    );
}

#[tokio::test]
async fn behaviours_answer_like_graph_does() {
    let sim = sim().await;
    let add = |b: Behaviour| {
        let (builder, tid, oid) = random_guest();
        sim.add_user(SimUser::guest(&tid, &oid).with(b));
        sim.hydrate(&tid, &oid);
        builder.build()
    };
    let shares = share_path(DEMO_SHARE_URL);

    let mfa = get(&sim, &shares, &add(Behaviour::MfaMissing)).await;
    assert_eq!(mfa.status(), 403);
    let error = body(mfa).await;
    assert_eq!(error["error"]["code"], "accessDenied");
    assert_eq!(
        error["error"]["innerError"]["code"],
        "unauthorizedMissingMfaTokenClaim"
    );

    for code in [401, 403] {
        let token = add(Behaviour::ClaimsChallenge { status: code });
        assert_eq!(
            status(&sim, "/sites/root", &token).await,
            200,
            "shares only"
        );
        let r = get(&sim, &shares, &token).await;
        assert_eq!(r.status(), code);
        let challenge = r.headers()["www-authenticate"]
            .to_str()
            .unwrap_or_default()
            .to_owned();
        assert!(challenge.starts_with(responses::BEARER_CHALLENGE));
        assert!(challenge.contains(r#"error="insufficient_claims""#));
        let claims = challenge
            .split("claims=\"")
            .nth(1)
            .and_then(|c| c.split('"').next())
            .and_then(|c| STANDARD.decode(c).ok())
            .and_then(|c| serde_json::from_slice::<Value>(&c).ok());
        assert!(
            claims.is_some_and(|c| c["access_token"].is_object()),
            "{challenge}"
        );
        let error = body(r).await;
        assert_eq!(error["error"]["code"], "InvalidAuthenticationToken");
    }

    for (behaviour, message) in [
        (Behaviour::TokenExpiredAtGraph, "expired"),
        (Behaviour::TokenInvalidAtGraph, "CompactToken"),
    ] {
        let token = add(behaviour);
        for path in ["/sites/root", shares.as_str()] {
            let r = get(&sim, path, &token).await;
            assert_eq!(r.status(), 401);
            assert!(r.headers().contains_key("www-authenticate"));
            let error = body(r).await;
            assert_eq!(error["error"]["code"], "InvalidAuthenticationToken");
            assert!(
                error["error"]["message"]
                    .as_str()
                    .is_some_and(|m| m.contains(message))
            );
        }
    }
}

#[tokio::test]
async fn unknown_users_can_be_refused() {
    let scenario = Scenario {
        unknown_users_are_guests: false,
        ..Scenario::demo()
    };
    let sim = start(scenario).await;
    let (token, tid, oid) = guest(&sim, true);
    assert!(!sim.is_hydrated(&tid, &oid));
    assert_eq!(status(&sim, "/sites/root", &token).await, 403);
    let known = TokenBuilder::guest(DEMO_TENANT, DEMO_GUEST_OID).build();
    assert_eq!(status(&sim, "/sites/root", &known).await, 200);
}

#[tokio::test]
async fn every_answer_carries_graphs_headers() {
    let sim = sim().await;
    let (token, _, _) = guest(&sim, false);
    let client = reqwest::Client::new();
    let url = format!("{}{}", sim.base_url(), share_path(DEMO_SHARE_URL));

    let echoed = client
        .get(&url)
        .bearer_auth(&token)
        .header("client-request-id", "7d2e5c1a-0000-4000-8000-00000000c1d0")
        .send()
        .await
        .expect("an answer");
    let h = echoed.headers().clone();
    assert_eq!(
        h["client-request-id"],
        "7d2e5c1a-0000-4000-8000-00000000c1d0"
    );
    assert_ne!(h["request-id"], h["client-request-id"]);
    assert_eq!(h["content-type"], "application/json");
    assert_eq!(h["strict-transport-security"], "max-age=31536000");
    assert!(
        h["x-ms-ags-diagnostic"]
            .to_str()
            .is_ok_and(|d| d.contains("ServerInfo"))
    );
    assert!(httpdate::parse_http_date(h["date"].to_str().unwrap_or_default()).is_ok());
    let inner = &body(echoed).await["error"]["innerError"];
    assert_eq!(
        inner["client-request-id"],
        "7d2e5c1a-0000-4000-8000-00000000c1d0"
    );
    assert_eq!(inner["request-id"].as_str(), h["request-id"].to_str().ok());

    let own = get(&sim, "/sites/root", &token).await;
    assert_eq!(
        own.headers()["request-id"],
        own.headers()["client-request-id"]
    );
    let log = sim.requests();
    assert_eq!(
        log[0].client_request_id.as_deref(),
        Some("7d2e5c1a-0000-4000-8000-00000000c1d0")
    );
    assert_eq!(log[1].client_request_id, None);
}

#[tokio::test]
async fn admin_routes_list_reset_and_report_health() {
    let sim = sim().await;
    let (token, tid, oid) = guest(&sim, false);
    let client = reqwest::Client::new();
    let admin = |path: &str| format!("http://{}/_sim/{path}", sim.addr());
    sim.inject(Fault::shares(FaultAction::DropConnection));

    assert_eq!(status(&sim, "/sites/root", &token).await, 200);
    let health = client.get(admin("health")).send().await.expect("health");
    assert_eq!(health.status(), 200);
    let log: Value = body(client.get(admin("requests")).send().await.expect("log")).await;
    let kinds: Vec<&str> = log
        .as_array()
        .map(|l| l.iter().filter_map(|r| r["kind"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(kinds, ["WarmupRoot", "Admin"], "{log}");
    assert_eq!(log[0]["path"], "/v1.0/sites/root");
    assert_eq!(log[0]["status"], 200);

    let reset = client.post(admin("reset")).send().await.expect("reset");
    assert_eq!(reset.status(), 200);
    assert!(sim.requests().is_empty());
    assert!(!sim.is_hydrated(&tid, &oid));
    // The fault is gone too: this cold call is answered, not dropped.
    assert_eq!(status(&sim, &share_path(DEMO_SHARE_URL), &token).await, 401);
    assert_eq!(
        client
            .get(admin("nope"))
            .send()
            .await
            .expect("404")
            .status(),
        404
    );
}

#[tokio::test]
async fn shutdown_stops_accepting_and_closes_idle_connections() {
    let sim = sim().await;
    let (token, _, _) = guest(&sim, false);
    // One client, so its second call would reuse the kept-alive connection.
    let client = reqwest::Client::new();
    let call = || {
        client
            .get(format!("{}/sites/root", sim.base_url()))
            .bearer_auth(&token)
            .send()
    };
    assert_eq!(call().await.map(|r| r.status().as_u16()).ok(), Some(200));
    sim.shutdown();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let after = call().await;
    assert!(after.is_err(), "{after:?}");
    let fresh = reqwest::Client::new()
        .get(format!("{}/sites/root", sim.base_url()))
        .bearer_auth(&token)
        .send()
        .await;
    assert!(fresh.is_err(), "{fresh:?}");
}

#[tokio::test]
async fn demo_guest_token_is_a_cold_demo_guest_for_a_day() {
    let sim = sim().await;
    let token = demo_guest_token();
    let claims = token::claims_of(&token).expect("a JWT");
    assert_eq!(claims["tid"], DEMO_TENANT);
    assert_eq!(claims["oid"], DEMO_GUEST_OID);
    let exp = claims["exp"].as_i64().unwrap_or_default();
    assert!(exp > token::epoch_now() + 23 * 3600);
    assert_eq!(status(&sim, &share_path(DEMO_DOC_URL), &token).await, 401);
    assert_eq!(
        status(
            &sim,
            "/sites/contoso.sharepoint.com:/sites/Marketing",
            &token
        )
        .await,
        200
    );
    assert_eq!(status(&sim, &share_path(DEMO_DOC_URL), &token).await, 200);
    assert_eq!(
        status(&sim, &share_path(DEMO_PRIVATE_SHARE_URL), &token).await,
        403
    );
}

/// A token minted over HTTP, the way an out-of-process harness gets one.
async fn minted(sim: &Sim, args: Value) -> String {
    let (status, answer) = admin_post(sim, "tokens", args).await;
    assert_eq!(status, 200, "{answer}");
    answer["token"].as_str().expect("a token").to_owned()
}

#[tokio::test]
async fn admin_tokens_mint_guests_members_expired_and_sharepoint_tokens() {
    let sim = sim().await;
    let guest = minted(&sim, json!({"tid": "t1", "oid": "o1", "guest": true})).await;
    let claims = token::claims_of(&guest).expect("a JWT");
    assert_eq!(
        (claims["tid"].as_str(), claims["oid"].as_str()),
        (Some("t1"), Some("o1"))
    );
    assert_eq!(claims["acct"], 1);
    assert!(claims["upn"].as_str().is_some_and(|u| u.contains("#EXT#")));
    assert_eq!(claims["aud"], "00000003-0000-0000-c000-000000000000");

    let member = minted(
        &sim,
        json!({"tid": "t1", "oid": "o2", "guest": false, "expiresIn": 60}),
    )
    .await;
    let claims = token::claims_of(&member).expect("a JWT");
    assert_eq!(claims["acct"], 0);
    assert!(claims["upn"].as_str().is_some_and(|u| !u.contains("#EXT#")));
    let exp = claims["exp"].as_i64().unwrap_or_default();
    assert!((token::epoch_now() + 55..=token::epoch_now() + 60).contains(&exp));

    let sharepoint = minted(
        &sim,
        json!({"tid": "t1", "oid": "o1", "audience": "https://contoso.sharepoint.com"}),
    )
    .await;
    let claims = token::claims_of(&sharepoint).expect("a JWT");
    assert_eq!(claims["aud"], "https://contoso.sharepoint.com");
    // Graph itself refuses a SharePoint token, and an expired one.
    assert_eq!(status(&sim, "/sites/root", &sharepoint).await, 401);
    let expired = minted(&sim, json!({"tid": "t1", "oid": "o1", "expiresIn": -5})).await;
    assert_eq!(status(&sim, "/sites/root", &expired).await, 401);
    let no_scope = minted(&sim, json!({"tid": "t1", "oid": "o1", "scp": "User.Read"})).await;
    assert_eq!(
        token::claims_of(&no_scope).expect("a JWT")["scp"],
        "User.Read"
    );

    let (code, error) = admin_post(&sim, "tokens", json!({"tid": "t1"})).await;
    assert_eq!(code, 400);
    assert_eq!(error["error"]["code"], "invalidRequest");
    assert!(
        error["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("oid")),
        "{error}"
    );
}

#[tokio::test]
async fn admin_users_set_guest_or_member_and_behaviour() {
    let sim = sim().await;
    let (code, answer) = admin_post(
        &sim,
        "users",
        json!({"tid": "t", "oid": "member", "guest": false}),
    )
    .await;
    assert_eq!((code, &answer["guest"]), (200, &json!(false)), "{answer}");
    assert!(sim.is_hydrated("t", "member"));

    let (code, _) = admin_post(
        &sim,
        "users",
        json!({"tid": "t", "oid": "cae", "guest": true, "behaviour": "claimsChallenge401"}),
    )
    .await;
    assert_eq!(code, 200);
    sim.hydrate("t", "cae");
    let token = minted(&sim, json!({"tid": "t", "oid": "cae"})).await;
    let r = get(&sim, &share_path(DEMO_SHARE_URL), &token).await;
    assert_eq!(r.status(), 401);
    assert!(
        r.headers()["www-authenticate"]
            .to_str()
            .is_ok_and(|c| c.contains("insufficient_claims"))
    );

    admin_post(
        &sim,
        "users",
        json!({"tid": "t", "oid": "cold", "behaviour": "neverHydrates"}),
    )
    .await;
    let token = minted(&sim, json!({"tid": "t", "oid": "cold"})).await;
    assert_eq!(status(&sim, "/sites/root", &token).await, 200);
    assert!(!sim.is_hydrated("t", "cold"));

    for bad in [
        json!({"tid": "t", "oid": "x", "behaviour": "grumpy"}),
        json!({"tid": "t", "oid": "x", "guets": true}),
        json!("not an object"),
    ] {
        assert_eq!(admin_post(&sim, "users", bad.clone()).await.0, 400, "{bad}");
    }
}

#[tokio::test]
async fn admin_faults_queue_statuses_with_retry_after_and_drops() {
    let sim = sim().await;
    let (token, _, _) = guest(&sim, true);
    let (code, answer) = admin_post(
        &sim,
        "faults",
        json!({"target": "shares", "status": 429, "retryAfter": "3", "times": 2}),
    )
    .await;
    assert_eq!((code, &answer["queued"]), (200, &json!(2)), "{answer}");
    // Only /shares is hit, twice.
    assert_eq!(status(&sim, "/sites/root", &token).await, 200);
    for _ in 0..2 {
        let r = get(&sim, &share_path(DEMO_SHARE_URL), &token).await;
        assert_eq!(r.status(), 429);
        assert_eq!(r.headers()["retry-after"], "3");
    }
    assert_eq!(status(&sim, &share_path(DEMO_SHARE_URL), &token).await, 200);

    let (code, _) = admin_post(&sim, "faults", json!({"action": "drop"})).await;
    assert_eq!(code, 200);
    let dropped = sim
        .client
        .get(format!("{}/sites/root", sim.base_url()))
        .bearer_auth(&token)
        .send()
        .await;
    assert!(dropped.is_err(), "{dropped:?}");

    // DELETE clears pending faults and nothing else.
    admin_post(&sim, "faults", json!({"status": 503, "times": 9})).await;
    let cleared = sim
        .client
        .delete(format!("http://{}/_sim/faults", sim.addr()))
        .send()
        .await
        .expect("an answer");
    assert_eq!(cleared.status(), 200);
    assert_eq!(status(&sim, &share_path(DEMO_SHARE_URL), &token).await, 200);

    let (code, error) = admin_post(&sim, "faults", json!({"target": "shares"})).await;
    assert_eq!(code, 400);
    assert!(
        error["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("status"))
    );
}

#[tokio::test]
async fn admin_shares_add_links_with_access_lists() {
    let sim = sim().await;
    let (token, _, oid) = guest(&sim, true);
    let (other, _, _) = guest(&sim, true);
    let url = "https://contoso.sharepoint.com/:x:/s/Marketing/EAdminAdded?e=1";
    let (code, answer) = admin_post(
        &sim,
        "shares",
        json!({"url": url, "driveItem": {"id": "01X", "name": "Q3.xlsx"}, "onlyFor": [oid]}),
    )
    .await;
    assert_eq!(code, 200, "{answer}");
    assert_eq!(answer["sId"], SimShare::new(url, Value::Null).s_id());

    let item = body(get(&sim, &share_path(url), &token).await).await;
    assert_eq!(item, json!({"id": "01X", "name": "Q3.xlsx"}));
    let by_s_id = format!(
        "/shares/{}/driveItem",
        answer["sId"].as_str().unwrap_or_default()
    );
    assert_eq!(status(&sim, &by_s_id, &token).await, 200);
    assert_eq!(status(&sim, &share_path(url), &other).await, 403);

    let open = "https://contoso.sharepoint.com/:f:/s/Marketing/EOpenFolder";
    admin_post(
        &sim,
        "shares",
        json!({"url": open, "driveItem": {"folder": {"childCount": 2}}}),
    )
    .await;
    assert_eq!(status(&sim, &share_path(open), &other).await, 200);
    assert_eq!(
        admin_post(&sim, "shares", json!({"url": open})).await.0,
        400
    );
}

#[tokio::test]
async fn admin_bodies_over_the_limit_are_refused() {
    let sim = sim().await;
    let huge = "x".repeat(300 * 1024);
    let r = sim
        .client
        .post(format!("http://{}/_sim/shares", sim.addr()))
        .body(huge)
        .send()
        .await
        .expect("an answer");
    assert_eq!(r.status(), 413);
}

fn folder_children_path() -> String {
    format!(
        "/shares/u!{}/driveItem/children",
        URL_SAFE_NO_PAD.encode(DEMO_FOLDER_URL)
    )
}

#[tokio::test]
async fn a_folder_pages_its_children_with_absolute_next_links() {
    let sim = sim().await;
    let (token, _, _) = guest(&sim, true);

    let mut url = format!("{}{}?$top=2", sim.base_url(), folder_children_path());
    let mut names = Vec::new();
    let mut pages = 0;
    loop {
        let page = body(
            sim.client
                .get(&url)
                .bearer_auth(&token)
                .send()
                .await
                .unwrap(),
        )
        .await;
        pages += 1;
        let value = page["value"].as_array().unwrap();
        assert!(value.len() <= 2, "{page}");
        names.extend(value.iter().map(|c| c["name"].as_str().unwrap().to_owned()));
        match page["@odata.nextLink"].as_str() {
            Some(next) => {
                assert!(next.starts_with(&sim.base_url()), "{next}");
                assert!(next.contains("$top=2&$skiptoken="), "{next}");
                url = next.to_owned();
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(
        names,
        ["Specs", "Designs", "Budget.xlsx", "Notes.txt", "Logo.png"]
    );
}

#[tokio::test]
async fn select_expand_and_drives_answer_like_graph() {
    let sim = sim().await;
    let (cold, _, _) = guest(&sim, false);
    let drive = demo_drive_id();
    let folder = format!("/drives/{drive}/items/{DEMO_FOLDER_ID}");

    // The anomaly shows on /drives too.
    assert_eq!(status(&sim, &folder, &cold).await, 401);
    assert_eq!(
        status(&sim, &format!("{folder}/children"), &cold).await,
        401
    );

    let (token, _, _) = guest(&sim, true);
    let item = body(get(&sim, &format!("{folder}?$select=id,name"), &token).await).await;
    assert_eq!(item, json!({"id": DEMO_FOLDER_ID, "name": "Project files"}));
    let expanded = body(get(&sim, &format!("{folder}?$expand=children"), &token).await).await;
    assert_eq!(expanded["children"].as_array().unwrap().len(), 5);
    let ordered = body(
        get(
            &sim,
            &format!("{folder}/children?$orderby=name%20desc&$select=name"),
            &token,
        )
        .await,
    )
    .await;
    assert_eq!(ordered["value"][0], json!({"name": "Specs"}));
    assert_eq!(ordered["value"][4], json!({"name": "Budget.xlsx"}));
    let shared = body(
        get(
            &sim,
            &format!("{}?$select=name", share_path(DEMO_FOLDER_URL)),
            &token,
        )
        .await,
    )
    .await;
    assert_eq!(shared, json!({"name": "Project files"}));

    let missing = format!("/drives/{drive}/items/01NOSUCHITEM");
    assert_eq!(status(&sim, &missing, &token).await, 404);
    assert_eq!(
        status(&sim, &format!("{folder}/children?$top=0"), &token).await,
        400
    );
    assert_eq!(
        status(&sim, &format!("{folder}?$filter=x"), &token).await,
        400
    );
}

#[tokio::test]
async fn prefer_is_logged_verbatim_and_items_can_be_added() {
    let sim = sim().await;
    let (token, _, _) = guest(&sim, true);
    sim.client
        .get(format!("{}{}", sim.base_url(), share_path(DEMO_SHARE_URL)))
        .bearer_auth(&token)
        .header("prefer", "redeemSharingLink")
        .send()
        .await
        .unwrap();
    let log = sim.requests();
    assert_eq!(log[0].prefer.as_deref(), Some("redeemSharingLink"));

    let (status, _) = admin_post(
        &sim,
        "items",
        json!({"driveId": "b!d", "parentId": "01P", "item": {"id": "01C", "name": "c.txt"}}),
    )
    .await;
    assert_eq!(status, 200);
    let listing = body(get(&sim, "/drives/b!d/items/01P/children", &token).await).await;
    // The parent was only named, never added: Graph would not know it.
    assert_eq!(listing["error"]["code"], "itemNotFound");
    sim.add_item(SimItem {
        drive_id: "b!d".into(),
        parent_id: None,
        item: json!({"id": "01P", "name": "p"}),
    });
    let listing = body(get(&sim, "/drives/b!d/items/01P/children", &token).await).await;
    assert_eq!(listing["value"], json!([{"id": "01C", "name": "c.txt"}]));
}
