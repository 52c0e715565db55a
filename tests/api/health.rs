//! `/healthz` and CORS.

use graph_sim::Scenario;

use crate::helpers::{header, spawn_app, spawn_app_with};

#[tokio::test]
async fn healthz_answers_ok_without_a_token() {
    let app = spawn_app().await;
    let response = app.healthz().await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body, serde_json::json!({"status": "ok"}));
    assert!(app.graph.requests().is_empty());
}

#[tokio::test]
async fn cors_allows_configured_origins_only() {
    let app = spawn_app_with(Scenario::demo(), |s| {
        s.allowed_origins = Some(vec![http::HeaderValue::from_static(
            "https://app.example.com",
        )]);
    })
    .await;
    let preflight = |origin: &'static str| {
        app.client
            .request(
                reqwest::Method::OPTIONS,
                format!("{}/v1/resolve", app.address),
            )
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization,content-type,client-request-id",
            )
            .send()
    };
    let allowed = preflight("https://app.example.com").await.unwrap();
    assert_eq!(
        header(&allowed, "access-control-allow-origin"),
        "https://app.example.com"
    );
    let allowed_headers = header(&allowed, "access-control-allow-headers").to_ascii_lowercase();
    assert!(
        allowed_headers.contains("authorization") && allowed_headers.contains("client-request-id")
    );

    let denied = preflight("https://evil.example").await.unwrap();
    assert_eq!(header(&denied, "access-control-allow-origin"), "");

    let simple = app.healthz_from("https://app.example.com").await;
    let exposed = header(&simple, "access-control-expose-headers").to_ascii_lowercase();
    for h in [
        "x-resolver-hydration",
        "x-resolver-warmup",
        "x-resolver-attempts",
        "server-timing",
        "request-id",
    ] {
        assert!(exposed.contains(h), "{h} not exposed: {exposed}");
    }
}

#[tokio::test]
async fn without_allowed_origins_there_are_no_cors_headers() {
    let app = spawn_app().await;
    let r = app.healthz_from("https://app.example.com").await;
    assert_eq!(header(&r, "access-control-allow-origin"), "");
}
