//! The happy paths: cold guest, hydrated guest, every way to name a share.

use graph_sim::RequestKind;
use serde_json::json;

use crate::helpers::{
    Guest, SHARE_URL, SITE_WARMUP_PATH, add_share, header, path_segment, spawn_app, u_id,
};

#[tokio::test]
async fn a_cold_guest_is_warmed_up_then_resolved_and_remembered() {
    // Arrange
    let app = spawn_app().await;
    let guest = Guest::new();

    // Act
    let first = app.resolve_demo(&guest).await;

    // Assert
    assert_eq!(first.status(), 200);
    assert_eq!(header(&first, "x-resolver-hydration"), "miss");
    assert_eq!(header(&first, "x-resolver-warmup"), "site");
    assert_eq!(header(&first, "x-resolver-attempts"), "1");
    assert_eq!(
        app.graph_paths_for(&guest),
        vec![
            SITE_WARMUP_PATH.to_owned(),
            format!("/v1.0/shares/{}/driveItem", u_id(SHARE_URL))
        ]
    );
    let body: serde_json::Value = first.json().await.unwrap();
    assert_eq!(body["name"], "Launch plan.docx");

    // Act again: the store now knows the guest.
    let second = app.resolve_demo(&guest).await;
    assert_eq!(second.status(), 200);
    assert_eq!(header(&second, "x-resolver-hydration"), "hit");
    assert_eq!(header(&second, "x-resolver-warmup"), "skipped");
    assert_eq!(header(&second, "x-resolver-attempts"), "1");
    assert_eq!(
        app.graph_paths_for(&guest).len(),
        3,
        "a hit costs exactly one Graph call"
    );
}

#[tokio::test]
async fn the_drive_item_is_returned_byte_for_byte() {
    let app = spawn_app().await;
    let url = "https://contoso.sharepoint.com/sites/Marketing/Shared%20Documents/Exact.txt";
    add_share(&app.graph, url, "Exact.txt");
    let guest = Guest::new();

    let response = app
        .post_resolve(json!({"shareUrl": url}), Some(&guest.token))
        .await;

    assert_eq!(response.status(), 200);
    assert!(header(&response, "content-type").starts_with("application/json"));
    let ours = response.bytes().await.unwrap();
    // What Graph itself answers for the same (now hydrated) guest.
    let direct = app
        .client
        .get(format!(
            "{}/shares/{}/driveItem",
            app.graph.base_url(),
            u_id(url)
        ))
        .bearer_auth(&guest.token)
        .send()
        .await
        .unwrap();
    assert_eq!(direct.status(), 200);
    assert_eq!(ours, direct.bytes().await.unwrap());
}

#[tokio::test]
async fn every_way_to_name_a_share_resolves_the_same_item() {
    let app = spawn_app().await;
    let share = graph_sim::SimShare::new(SHARE_URL, json!({}));
    let s_id = share.s_id();
    for (route, how) in [
        ("get", u_id(SHARE_URL)),
        ("get", path_segment(SHARE_URL)),
        ("get", s_id.clone()),
        ("post-url", SHARE_URL.to_owned()),
        ("post-id", u_id(SHARE_URL)),
        ("post-id", s_id.clone()),
    ] {
        let guest = Guest::new();
        let response = match route {
            "get" => app.get_drive_item(&how, Some(&guest.token)).await,
            "post-url" => {
                app.post_resolve(json!({"shareUrl": how}), Some(&guest.token))
                    .await
            }
            _ => {
                app.post_resolve(json!({"shareId": how}), Some(&guest.token))
                    .await
            }
        };
        assert_eq!(response.status(), 200, "{route} {how}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["name"], "Launch plan.docx", "{route} {how}");
    }
}

#[tokio::test]
async fn an_s_id_is_warmed_up_with_the_root_site() {
    let app = spawn_app().await;
    let s_id = graph_sim::SimShare::new(SHARE_URL, json!({})).s_id();
    let guest = Guest::new();

    let response = app.get_drive_item(&s_id, Some(&guest.token)).await;

    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "x-resolver-warmup"), "root");
    assert_eq!(app.graph_paths_for(&guest)[0], "/v1.0/sites/root");
}

#[tokio::test]
async fn the_callers_client_request_id_reaches_every_graph_call() {
    let app = spawn_app().await;
    let guest = Guest::new();

    let response = app
        .get_drive_item_with(
            &u_id(SHARE_URL),
            Some(&guest.token),
            &[("client-request-id", "frontend-7f3a")],
        )
        .await;

    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "client-request-id"), "frontend-7f3a");
    assert!(!header(&response, "request-id").is_empty());
    let ids: Vec<_> = app
        .graph
        .requests()
        .into_iter()
        .filter(|r| r.user.as_deref() == Some(guest.key().as_str()))
        .map(|r| r.client_request_id)
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(
        ids.iter().all(|id| id.as_deref() == Some("frontend-7f3a")),
        "{ids:?}"
    );
}

#[tokio::test]
async fn without_a_client_request_id_one_is_generated_and_shared_by_the_requests_calls() {
    let app = spawn_app().await;
    let guest = Guest::new();

    let response = app.resolve_demo(&guest).await;

    let generated = header(&response, "client-request-id");
    assert!(uuid::Uuid::parse_str(&generated).is_ok(), "{generated}");
    let ids: Vec<_> = app
        .graph
        .requests()
        .into_iter()
        .filter(|r| r.user.as_deref() == Some(guest.key().as_str()))
        .map(|r| r.client_request_id.unwrap_or_default())
        .collect();
    assert_eq!(ids, vec![generated.clone(), generated]);
}

#[tokio::test]
async fn success_carries_server_timing_for_each_phase() {
    let app = spawn_app().await;
    let guest = Guest::new();

    let response = app.resolve_demo(&guest).await;

    let timing = header(&response, "server-timing");
    let names: Vec<&str> = timing
        .split(", ")
        .map(|p| p.split(';').next().unwrap())
        .collect();
    assert_eq!(names, ["store", "warmup", "graph", "total"], "{timing}");
    for part in timing.split(", ") {
        let dur: f64 = part.split("dur=").nth(1).unwrap().parse().unwrap();
        assert!(dur >= 0.0, "{timing}");
    }
}

#[tokio::test]
async fn a_member_resolves_with_one_warm_up_and_one_shares_call() {
    // Members are always hydrated; a miss still warms up once (the store
    // cannot tell members from guests before the first success).
    let app = spawn_app().await;
    let guest = Guest::new();
    app.graph
        .add_user(graph_sim::SimUser::member(&guest.tid, &guest.oid));

    let response = app.resolve_demo(&guest).await;

    assert_eq!(response.status(), 200);
    let kinds: Vec<RequestKind> = app.graph_kinds_for(&guest);
    assert_eq!(kinds.len(), 2);
}

#[tokio::test]
async fn a_raw_url_that_a_gateway_decoded_is_put_back_together() {
    // What a client sends percent-encoded, an HTTP API may hand over decoded:
    // the URL's own `?` then starts the query string.
    let app = spawn_app().await;
    let guest = Guest::new();
    for decoded in [
        format!("{SHARE_URL}/driveItem"),
        format!("{}/driveItem", SHARE_URL.replacen("https://", "https:/", 1)),
    ] {
        let response = app
            .client
            .get(format!("{}/v1/shares/{decoded}", app.address))
            .bearer_auth(&guest.token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{decoded}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["name"], "Launch plan.docx");
    }
    let shares = app
        .graph
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/v1.0/shares/"))
        .map(|r| r.path)
        .collect::<Vec<_>>();
    assert!(
        shares
            .iter()
            .all(|p| *p == format!("/v1.0/shares/{}/driveItem", u_id(SHARE_URL))),
        "{shares:?}"
    );
    // Anything else under /v1/shares is still an unknown route.
    let r = app
        .client
        .get(format!("{}/v1/shares/u!abc/children", app.address))
        .bearer_auth(&guest.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}
