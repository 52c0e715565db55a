//! The Lambda adapter path: the committed API Gateway events (`events/`,
//! with their expected outcomes in `events/expected.tsv`) through
//! lambda_http into the same router, in process.

use std::path::Path;
use std::sync::Arc;

use graph_sim::{GraphSimulator, Scenario};
use lambda_http::request::from_str;
use share_resolver::hydration::MemoryStore;
use share_resolver::startup::App;
use tower::ServiceExt;

use crate::helpers::test_settings;

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
