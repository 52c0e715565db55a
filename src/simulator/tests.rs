//! The simulator's own behaviour, as the service's tests rely on it.

use std::time::Duration;

use super::token::TokenBuilder;
use super::*;

async fn get(sim: &GraphSimulator, path: &str, token: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(format!("{}{path}", sim.base_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

fn share_path(url: &str) -> String {
    use base64::Engine;
    format!(
        "/shares/u!{}/driveItem",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(url)
    )
}

#[tokio::test]
async fn a_cold_guest_gets_401_until_a_warm_up() {
    let sim = GraphSimulator::start(Scenario::demo()).await.unwrap();
    let (b, _, _) = token::random_guest();
    let token = b.build();

    let cold = get(&sim, &share_path(DEMO_SHARE_URL), &token).await;
    assert_eq!(cold.status(), 401);
    assert!(cold.headers().contains_key("request-id"));
    assert!(cold.headers().contains_key("x-ms-ags-diagnostic"));
    let body: serde_json::Value = cold.json().await.unwrap();
    assert_eq!(body["error"]["code"], "accessDenied");

    assert_eq!(get(&sim, "/sites/root", &token).await.status(), 200);
    assert_eq!(
        get(&sim, &share_path(DEMO_SHARE_URL), &token)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn hydration_lag_keeps_a_guest_cold_for_a_while() {
    let scenario = Scenario {
        hydration_lag: Duration::from_millis(150),
        ..Scenario::demo()
    };
    let sim = GraphSimulator::start(scenario).await.unwrap();
    let (b, tid, oid) = token::random_guest();
    let token = b.build();
    get(
        &sim,
        "/groups/0a1b2c3d-1111-2222-3333-444455556666/drive",
        &token,
    )
    .await;
    assert!(!sim.is_hydrated(&tid, &oid));
    assert_eq!(
        get(&sim, &share_path(DEMO_SHARE_URL), &token)
            .await
            .status(),
        401
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(sim.is_hydrated(&tid, &oid));
    assert_eq!(
        get(&sim, &share_path(DEMO_SHARE_URL), &token)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn faults_answer_verbatim_then_are_consumed() {
    let sim = GraphSimulator::start(Scenario::demo()).await.unwrap();
    let (b, tid, oid) = token::random_guest();
    sim.hydrate(&tid, &oid);
    let token = b.build();
    sim.inject(Fault::shares(FaultAction::Status {
        status: 429,
        retry_after: Some("2.128".into()),
    }));

    let throttled = get(&sim, &share_path(DEMO_SHARE_URL), &token).await;
    assert_eq!(throttled.status(), 429);
    assert_eq!(throttled.headers()["retry-after"], "2.128");
    assert_eq!(
        get(&sim, &share_path(DEMO_SHARE_URL), &token)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn a_dropped_connection_gets_no_answer_and_is_logged_as_0() {
    let sim = GraphSimulator::start(Scenario::demo()).await.unwrap();
    let token = token::random_guest().0.build();
    sim.inject(Fault::any(FaultAction::DropConnection));

    let result = reqwest::Client::new()
        .get(format!("{}/sites/root", sim.base_url()))
        .bearer_auth(&token)
        .send()
        .await;

    assert!(result.is_err(), "{result:?}");
    assert_eq!(sim.requests()[0].status, 0);
}

#[tokio::test]
async fn paths_are_logged_raw_and_unknown_paths_are_other() {
    let sim = GraphSimulator::start(Scenario::demo()).await.unwrap();
    let token = token::random_guest().0.build();
    let r = get(
        &sim,
        "/sites/contoso.sharepoint.com:/sites/a%2F..%2Fb",
        &token,
    )
    .await;
    assert_eq!(r.status(), 404);
    get(&sim, "/me/drive", &token).await;
    let log = sim.requests();
    assert_eq!(
        log[0].path,
        "/v1.0/sites/contoso.sharepoint.com:/sites/a%2F..%2Fb"
    );
    assert_eq!(log[0].kind, RequestKind::WarmupSiteByPath);
    assert_eq!(log[1].kind, RequestKind::Other);
    assert_eq!(log[1].status, 400);
}

#[tokio::test]
async fn shares_are_found_by_u_id_and_s_id_and_unknown_ones_are_404() {
    let sim = GraphSimulator::start(Scenario::demo()).await.unwrap();
    let (b, tid, oid) = token::random_guest();
    sim.hydrate(&tid, &oid);
    let token = b.build();
    let s_id = SimShare::new(DEMO_SHARE_URL, serde_json::json!({})).s_id();

    let by_s: serde_json::Value = get(&sim, &format!("/shares/{s_id}/driveItem"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by_s["name"], "Launch plan.docx");
    assert_eq!(
        get(
            &sim,
            &share_path("https://contoso.sharepoint.com/nope"),
            &token
        )
        .await
        .status(),
        404
    );
    assert_eq!(
        get(&sim, "/shares/garbage/driveItem", &token)
            .await
            .status(),
        400
    );
    assert_eq!(
        get(&sim, &share_path(DEMO_PRIVATE_SHARE_URL), &token)
            .await
            .status(),
        403
    );
}

#[tokio::test]
async fn token_problems_look_like_graphs() {
    let sim = GraphSimulator::start(Scenario::demo()).await.unwrap();
    let expired = TokenBuilder::guest(DEMO_TENANT, DEMO_GUEST_OID)
        .expires_in(-10)
        .build();
    let r = get(&sim, "/sites/root", &expired).await;
    assert_eq!(r.status(), 401);
    assert!(
        r.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("authorization_uri")
    );
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "InvalidAuthenticationToken");
    assert!(body["error"]["innerError"]["date"].as_str().unwrap().len() == 19);

    let no_scp = TokenBuilder::guest(DEMO_TENANT, DEMO_GUEST_OID)
        .without("scp")
        .build();
    assert_eq!(get(&sim, "/sites/root", &no_scp).await.status(), 403);
}
