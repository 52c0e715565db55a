//! The Lambda adapter path: the committed API Gateway events (`events/`,
//! with their expected outcomes in `events/expected.tsv`) through
//! lambda_http into the same router, in process.

use std::path::Path;
use std::sync::Arc;

use graph_sim::{GraphSimulator, Scenario};
use lambda_http::request::{RequestContext, from_str};
use share_resolver::hydration::MemoryStore;
use share_resolver::startup::App;
use tower::ServiceExt;

use crate::helpers::test_settings;

/// Runs one event through a fresh service; its status and problem code.
async fn invoke(event: &str) -> (u16, serde_json::Value) {
    invoke_request(from_str(event).expect("a valid API Gateway event")).await
}

/// Runs one request (an event, possibly adjusted) through a fresh service.
async fn invoke_request(request: lambda_http::Request) -> (u16, serde_json::Value) {
    let graph = GraphSimulator::start(Scenario::demo()).await.unwrap();
    let settings = test_settings(&graph);
    let app = App::with_store(
        &settings,
        Arc::new(MemoryStore::new(100, settings.hydration_ttl)),
    )
    .unwrap();
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

fn event(file: &str) -> String {
    let events = Path::new(env!("CARGO_MANIFEST_DIR")).join("events");
    std::fs::read_to_string(events.join(file)).unwrap()
}

#[tokio::test]
async fn a_children_event_links_its_next_page_to_the_function_on_the_events_host_and_stage() {
    // Arrange
    let host = "https://r3s0lv3r1a.execute-api.eu-west-1.amazonaws.com";
    let route = format!(
        "/v1/shares/{}/driveItem/children",
        crate::helpers::u_id(graph_sim::DEMO_FOLDER_URL)
    );
    let children = event("get-children.json");

    // Act: the $default stage, then a named one (an API whose function is
    // told to leave the stage out of the path: AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH).
    let (status, page) = invoke(&children).await;
    let mut staged = from_str(&children).unwrap();
    if let Some(RequestContext::ApiGatewayV2(context)) =
        staged.extensions_mut().get_mut::<RequestContext>()
    {
        context.stage = Some("prod".to_owned());
    }
    let (staged_status, staged_page) = invoke_request(staged).await;

    // Assert
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["value"].as_array().unwrap().len(), 2);
    let next = page["@odata.nextLink"].as_str().unwrap();
    assert!(
        next.starts_with(&format!("{host}{route}?$top=2&$skiptoken=")),
        "{next}"
    );
    assert_eq!(staged_status, 200);
    let next = staged_page["@odata.nextLink"].as_str().unwrap();
    assert!(
        next.starts_with(&format!("{host}/prod{route}?$top=2&$skiptoken=")),
        "{next}"
    );
}

#[tokio::test]
async fn the_drives_event_browses_the_demo_folder_warming_up_at_root() {
    let drives = event("get-drive-children.json");
    assert!(
        drives.contains(&graph_sim::demo_drive_id()),
        "the event names the demo drive"
    );

    let (status, page) = invoke(&drives).await;

    assert_eq!(status, 200, "{page}");
    assert_eq!(page["value"].as_array().unwrap().len(), 5);
}
