//! The Lambda adapter path: the committed API Gateway events (`events/`,
//! with their expected outcomes in `events/expected.tsv`) through
//! lambda_http into the same router, in process.

use std::path::Path;
use std::sync::Arc;

use graph_sim::{GraphSimulator, Scenario};
use lambda_http::RequestExt;
use lambda_http::request::from_str;
use share_resolver::hydration::MemoryStore;
use share_resolver::startup::App;
use tower::ServiceExt;

use crate::helpers::{LOGS, test_settings};

/// Runs one event through a fresh service; its status and problem code.
async fn invoke(event: &str) -> (u16, serde_json::Value) {
    let graph = GraphSimulator::start(Scenario::demo()).await.unwrap();
    let settings = test_settings(&graph);
    let app = App::with_store(
        &settings,
        Arc::new(MemoryStore::new(100, settings.hydration_ttl)),
    )
    .await
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
async fn every_committed_event_gets_its_expected_answer_through_the_adapter() {
    let events = Path::new(env!("CARGO_MANIFEST_DIR")).join("events");
    let expected = std::fs::read_to_string(events.join("expected.tsv")).unwrap();
    let rows: Vec<Vec<&str>> = expected
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').collect())
        .collect();
    assert!(rows.len() >= 10, "{rows:?}");
    for row in rows {
        let [file, status, code] = row[..] else {
            panic!("malformed row {row:?}")
        };
        let event = std::fs::read_to_string(events.join(file)).unwrap();

        let (got_status, body) = invoke(&event).await;

        assert_eq!(got_status.to_string(), status, "{file}: {body}");
        if code != "-" {
            assert_eq!(body["code"], code, "{file}");
        }
    }
}

#[tokio::test]
async fn the_log_line_carries_the_lambda_and_api_gateway_request_ids() {
    std::sync::LazyLock::force(&LOGS);
    let events = Path::new(env!("CARGO_MANIFEST_DIR")).join("events");
    let mut event: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(events.join("get-drive-item.json")).unwrap())
            .unwrap();
    let apigw_request_id = format!("apigw-{}", uuid::Uuid::new_v4());
    event["requestContext"]["requestId"] = apigw_request_id.clone().into();
    let token = event["headers"]["authorization"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut context = lambda_http::Context::default();
    context.request_id = uuid::Uuid::new_v4().to_string();
    context.xray_trace_id =
        Some("Root=1-6968b3a6-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1".into());
    let graph = GraphSimulator::start(Scenario::demo()).await.unwrap();
    let settings = test_settings(&graph);
    let app = App::with_store(
        &settings,
        Arc::new(MemoryStore::new(100, settings.hydration_ttl)),
    )
    .await
    .unwrap();
    let request = from_str(&event.to_string())
        .expect("a valid API Gateway event")
        .with_lambda_context(context.clone());

    let response = app.router.oneshot(request).await.unwrap();

    assert_eq!(response.status(), 200);
    let lines: Vec<serde_json::Value> = LOGS
        .text()
        .lines()
        .filter(|l| l.contains(&context.request_id))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    let line = &lines[0];
    assert_eq!(line["message"], "request");
    assert_eq!(line["lambda_request_id"], context.request_id);
    assert_eq!(line["apigw_request_id"], apigw_request_id);
    assert_eq!(line["trace_id"], context.xray_trace_id.unwrap());
    let graph = line["graph"].as_array().expect("graph is a JSON array");
    let last = graph.last().expect("Graph was called");
    assert_eq!(last["call"], "resolve");
    assert_eq!(
        last["requestId"],
        response.headers()["request-id"].to_str().unwrap()
    );
    let text = line.to_string();
    let claims = token.split('.').nth(1).unwrap();
    assert!(!text.contains(claims), "no token: {text}");
    assert!(!text.contains("u!aHR0"), "no share: {text}");
}

#[tokio::test]
async fn without_lambda_the_line_has_no_invocation_ids() {
    let app = crate::helpers::spawn_app().await;
    let client_request_id = uuid::Uuid::new_v4().to_string();
    let r = app
        .client
        .get(format!("{}/v1/shares/x/driveItem", app.address))
        .header("client-request-id", &client_request_id)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let text = LOGS.text();
    let line = text
        .lines()
        .find(|l| l.contains(&client_request_id))
        .expect("a request line");
    let line: serde_json::Value = serde_json::from_str(line).unwrap();
    for absent in ["lambda_request_id", "apigw_request_id", "trace_id"] {
        assert!(line.get(absent).is_none(), "{absent}: {line}");
    }
    assert_eq!(line["graph"], serde_json::json!([]));
}
