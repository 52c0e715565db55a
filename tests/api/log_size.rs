//! What a request costs in CloudWatch Logs: the bytes of its one line (log
//! line and EMF document in one), measured as Lambda would write it, on the
//! real router through the Lambda adapter (docs/performance.md's cost table
//! uses these figures).

use std::path::Path;
use std::time::Duration;

use graph_sim::{GraphSimulator, Scenario};
use lambda_http::RequestExt;
use lambda_http::request::from_str;
use serde_json::{Value, json};
use tower::ServiceExt;

use share_resolver::hydration::MemoryStore;

use crate::helpers::{LOGS, build_app, test_settings};

/// The most a hit's line may weigh (issue 27, "Cost per link").
const HIT_BUDGET: usize = 1_200;

/// The committed event `name`.
fn event(name: &str) -> Value {
    let events = Path::new(env!("CARGO_MANIFEST_DIR")).join("events");
    serde_json::from_str(&std::fs::read_to_string(events.join(name)).unwrap()).unwrap()
}

/// The committed `post-batch` event carrying a page of `links` requests
/// for the demo link (`GET /shares/{u!…}/driveItem` each).
fn page_event(links: usize) -> Value {
    let share = crate::helpers::u_id(graph_sim::DEMO_SHARE_URL);
    let requests: Vec<Value> = (1..=links)
        .map(|i| json!({"id": i.to_string(), "method": "GET", "url": format!("/shares/{share}/driveItem")}))
        .collect();
    let body = json!({ "requests": requests }).to_string();
    let mut event = event("post-batch.json");
    event["headers"]["content-length"] = json!(body.len().to_string());
    event["body"] = json!(body);
    event
}

/// Runs the committed `get-drive-item` event twice for the same guest (a
/// cold guest, then a hit) as Lambda would, on a simulator playing
/// `scenario`; each request's line, and its size in bytes with its newline.
async fn cold_then_hit(scenario: Scenario) -> [(Value, usize); 2] {
    twice(event("get-drive-item.json"), scenario).await
}

/// Runs `event` twice for the same guest as Lambda would; each request's
/// line and its size.
async fn twice(event: Value, scenario: Scenario) -> [(Value, usize); 2] {
    std::sync::LazyLock::force(&LOGS);
    let event = event.to_string();
    let graph = GraphSimulator::start(scenario).await.unwrap();
    let mut settings = test_settings(&graph);
    settings.retry.settle_base = Duration::from_millis(20);
    let store = std::sync::Arc::new(MemoryStore::new(100, settings.hydration_ttl));
    let (app, lines) = build_app(&settings, store).await;
    let mut measured = Vec::new();
    for _ in 0..2 {
        let mut context = lambda_http::Context::default();
        context.request_id = uuid::Uuid::new_v4().to_string();
        context.xray_trace_id = Some(
            "Root=1-6968b3a6-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1".into(),
        );
        let before = lines.documents().len();
        let request = from_str(&event)
            .unwrap()
            .with_lambda_context(context.clone());

        let response = app.router.clone().oneshot(request).await.unwrap();

        assert_eq!(response.status(), 200);
        let written = lines.documents();
        assert_eq!(written.len(), before + 1, "one line a request");
        let line = written.last().unwrap().clone();
        assert_eq!(line["lambda_request_id"], context.request_id);
        // Nothing else the request wrote names it.
        let named = LOGS
            .text()
            .lines()
            .filter(|l| l.contains(&context.request_id))
            .count();
        assert_eq!(named, 1, "one line names the request");
        let bytes = line.to_string().len() + 1;
        println!("{bytes} bytes: {line}");
        measured.push((line, bytes));
    }
    measured.try_into().unwrap()
}

/// What the line must still say, whatever it weighs.
fn assert_says_what_support_and_operators_read(line: &Value) {
    for key in [
        "route",
        "status",
        "Outcome",
        "user",
        "hydration",
        "client_request_id",
        "lambda_request_id",
        "apigw_request_id",
        "Attempts",
        "Latency",
        "GraphLatency",
        "_aws",
    ] {
        assert!(line.get(key).is_some(), "{key}: {line}");
    }
    for call in line["graph"].as_array().unwrap() {
        for key in ["call", "status", "requestId", "date", "agsDiagnostic"] {
            assert!(call.get(key).is_some(), "{key}: {call}");
        }
    }
}

#[tokio::test]
async fn a_hits_line_weighs_at_most_1200_bytes_and_still_says_everything() {
    let [(cold, cold_bytes), (hit, hit_bytes)] = cold_then_hit(Scenario::demo()).await;

    assert_eq!(hit["hydration"], "hit");
    assert_eq!(hit["graph"].as_array().unwrap().len(), 1);
    assert_says_what_support_and_operators_read(&hit);
    assert!(
        hit_bytes <= HIT_BUDGET,
        "a hit's line is {hit_bytes} bytes: {hit}"
    );
    // A cold guest: the warm-up and the resolution, one entry each.
    assert_eq!(cold["hydration"], "miss");
    assert_eq!(cold["graph"].as_array().unwrap().len(), 2);
    assert_says_what_support_and_operators_read(&cold);
    assert!(
        cold_bytes <= 1_700,
        "a cold guest's line is {cold_bytes} bytes: {cold}"
    );
}

#[tokio::test]
async fn a_lagging_cold_guests_line_adds_one_entry_per_extra_call() {
    let scenario = Scenario {
        hydration_lag: Duration::from_millis(80),
        ..Scenario::demo()
    };

    let [(cold, cold_bytes), _] = cold_then_hit(scenario).await;

    let calls = cold["graph"].as_array().unwrap();
    assert!(calls.len() >= 3, "warm-up, a 401, the answer: {cold}");
    assert_says_what_support_and_operators_read(&cold);
    let per_extra_call = 320 * (calls.len() - 2);
    assert!(
        cold_bytes <= 1_700 + per_extra_call,
        "a lagging cold guest's line is {cold_bytes} bytes: {cold}"
    );
}

/// A page of 20 links in one `POST /v1/$batch` writes one line for all of
/// them: its bytes per link are what the cost per link in
/// docs/performance.md uses.
#[tokio::test]
async fn a_page_of_20_links_writes_one_line_of_at_most_150_bytes_a_link() {
    let [(cold, cold_bytes), (hit, hit_bytes)] = twice(page_event(20), Scenario::demo()).await;

    for (line, bytes) in [(&cold, cold_bytes), (&hit, hit_bytes)] {
        assert_eq!(line["route"], "/v1/$batch", "{line}");
        assert_eq!(line["Requests"], 20, "{line}");
        assert_eq!(line["outcomes"]["ok"], 20, "{line}");
        let per_link = bytes / 20;
        println!(
            "page of 20, {}: {bytes} bytes, {per_link} a link",
            line["hydration"]
        );
        assert!(per_link <= 150, "{per_link} bytes a link: {line}");
    }
    assert_eq!(hit["hydration"], "hit", "{hit}");
}

/// A cold guest's page whose hydration lags: each inner `401` is an entry
/// with its own ids (what Microsoft support asks for), and nothing else
/// grows.
#[tokio::test]
async fn a_lagging_cold_guests_page_adds_one_short_entry_per_inner_401() {
    let scenario = Scenario {
        hydration_lag: Duration::from_millis(80),
        ..Scenario::demo()
    };

    let [(cold, cold_bytes), _] = twice(page_event(20), scenario).await;

    let calls = cold["graph"].as_array().unwrap();
    let refused = calls.iter().filter(|c| c["status"] == 401).count();
    assert!(refused >= 1, "the lag shows as inner 401s: {cold}");
    assert_eq!(cold["outcomes"]["ok"], 20, "{cold}");
    println!(
        "page of 20, lagging cold guest: {cold_bytes} bytes, {} entries, {refused} inner 401s",
        calls.len()
    );
    assert!(
        cold_bytes <= 2_500 + 150 * (calls.len() - 21),
        "a lagging cold guest's page is {cold_bytes} bytes: {cold}"
    );
}
