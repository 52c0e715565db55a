//! The Lambda adapter path: the committed API Gateway events (`events/`,
//! with their expected outcomes in `events/expected.tsv`) through
//! lambda_http into the same router, in process.

use std::path::Path;
use std::sync::Arc;

use graph_sim::{GraphSimulator, Scenario};
use lambda_http::RequestExt;
use lambda_http::request::{RequestContext, from_str};
use share_resolver::hydration::MemoryStore;
use tower::ServiceExt;

use crate::helpers::{LOGS, build_app, test_settings};

/// Runs one event through a fresh service; its status and problem code.
async fn invoke(event: &str) -> (u16, serde_json::Value) {
    invoke_request(from_str(event).expect("a valid API Gateway event")).await
}

/// Runs one request (an event, possibly adjusted) through a fresh service.
async fn invoke_request(request: lambda_http::Request) -> (u16, serde_json::Value) {
    let graph = GraphSimulator::start(Scenario::demo()).await.unwrap();
    let settings = test_settings(&graph);
    let (app, _lines) = build_app(
        &settings,
        Arc::new(MemoryStore::new(100, settings.hydration_ttl)),
    )
    .await;
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
    let (app, lines) = build_app(
        &settings,
        Arc::new(MemoryStore::new(100, settings.hydration_ttl)),
    )
    .await;
    let request = from_str(&event.to_string())
        .expect("a valid API Gateway event")
        .with_lambda_context(context.clone());

    let response = app.router.oneshot(request).await.unwrap();

    assert_eq!(response.status(), 200);
    let found: Vec<serde_json::Value> = LOGS
        .text()
        .lines()
        .filter(|l| l.contains(&context.request_id))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    let line = &found[0];
    assert_eq!(line, &lines.documents()[0], "the request's line");
    assert_eq!(line["lambda_request_id"], context.request_id);
    assert_eq!(line["apigw_request_id"], apigw_request_id);
    // The trace names the Lambda request id (an X-Ray annotation), and
    // Lambda's report line the trace: no need to write it here too.
    assert!(line.get("trace_id").is_none(), "{line}");
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
    for absent in ["lambda_request_id", "apigw_request_id"] {
        assert!(line.get(absent).is_none(), "{absent}: {line}");
    }
    assert_eq!(line["graph"], serde_json::json!([]));
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

#[tokio::test]
async fn the_batch_event_answers_each_request_in_order_through_the_path_variable_route() {
    let batch = event("post-batch.json");
    assert!(batch.contains(r#""routeKey": "POST /v1/{batch}""#));

    let (status, answer) = invoke(&batch).await;

    assert_eq!(status, 200, "{answer}");
    let responses = answer["responses"].as_array().unwrap();
    let got: Vec<(&str, u64)> = responses
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r["status"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            ("item", 200),
            ("permission", 200),
            ("folder", 200),
            ("private", 403),
            ("preview", 200),
            ("bad", 400)
        ]
    );
    let next = responses[2]["body"]["@odata.nextLink"].as_str().unwrap();
    assert!(
        next.starts_with("https://r3s0lv3r1a.execute-api.eu-west-1.amazonaws.com/v1/shares/"),
        "{next}"
    );
    assert_eq!(responses[5]["body"]["code"], "invalid_share");
}
