//! The Lambda adapter path: captured API Gateway events through lambda_http
//! into the same router.

use std::sync::Arc;

use graph_sim::{GraphSimulator, Scenario};
use lambda_http::request::from_str;
use share_resolver::hydration::MemoryStore;
use share_resolver::startup::App;
use tower::ServiceExt;

use crate::helpers::{Guest, SHARE_URL, path_segment, test_settings, u_id};

fn apigw_v2_event(method: &str, raw_path: &str, token: Option<&str>, body: Option<&str>) -> String {
    let mut headers = serde_json::json!({
        "content-type": "application/json",
        "host": "abc123.execute-api.eu-west-1.amazonaws.com",
        "user-agent": "test"
    });
    if let Some(token) = token {
        headers["authorization"] = format!("Bearer {token}").into();
    }
    serde_json::json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": raw_path,
        "rawQueryString": "",
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012", "apiId": "abc123",
            "domainName": "abc123.execute-api.eu-west-1.amazonaws.com", "domainPrefix": "abc123",
            "http": {"method": method, "path": raw_path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.7", "userAgent": "test"},
            "requestId": "JKJaXmPLvHcESHA=", "routeKey": "$default", "stage": "$default",
            "time": "22/Nov/2026:12:00:00 +0000", "timeEpoch": 1795348800000u64
        },
        "body": body,
        "isBase64Encoded": false
    })
    .to_string()
}

async fn invoke(event: &str) -> (u16, serde_json::Value) {
    let graph = GraphSimulator::start(Scenario::demo()).await.unwrap();
    let settings = test_settings(&graph);
    let app = App::with_store(
        &settings,
        Arc::new(MemoryStore::new(100, settings.hydration_ttl)),
    )
    .unwrap();
    let request = from_str(event).expect("a valid API Gateway event");
    let response = app.router.oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or_default())
}

#[tokio::test]
async fn an_api_gateway_get_event_resolves_through_the_adapter() {
    let guest = Guest::new();
    // u!-id; percent-encoded raw URL (function URL); decoded raw URL (HTTP API).
    for share in [
        u_id(SHARE_URL),
        path_segment(SHARE_URL),
        SHARE_URL.to_owned(),
    ] {
        let event = apigw_v2_event(
            "GET",
            &format!("/v1/shares/{share}/driveItem"),
            Some(&guest.token),
            None,
        );
        let (status, body) = invoke(&event).await;
        assert_eq!(status, 200, "{share}: {body}");
        assert_eq!(body["name"], "Launch plan.docx");
    }
}

#[tokio::test]
async fn an_api_gateway_post_event_without_a_token_is_a_problem() {
    let body = serde_json::json!({"shareUrl": SHARE_URL}).to_string();
    let (status, problem) = invoke(&apigw_v2_event("POST", "/v1/resolve", None, Some(&body))).await;
    assert_eq!(status, 401);
    assert_eq!(problem["code"], "missing_token");
}
