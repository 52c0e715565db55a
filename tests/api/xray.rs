//! X-Ray subsegments: a Lambda invocation's Graph and DynamoDB calls reach
//! a (local) X-Ray daemon as subsegments of the invocation's segment, with
//! names, statuses and ids only.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use graph_sim::{GraphSimulator, Scenario};
use lambda_http::RequestExt;
use lambda_http::request::from_str;
use serde_json::Value;
use share_resolver::hydration::{DynamoStore, HydrationStore, MemoryStore};
use share_resolver::telemetry::get_subscriber_with_xray;
use tokio::net::UdpSocket;
use tower::ServiceExt;

use crate::helpers::dynamo::local_client;
use crate::helpers::{CapturedLogs, build_app, closed_port, test_settings};

const PARENT: &str = "53995c3f42cd8ad8";

/// An X-Ray trace id of now (the exporter, like X-Ray, refuses old ones).
fn root() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    format!("1-{now:08x}-0123456789abcdef01234567")
}

/// The daemon: a UDP socket on loopback.
async fn daemon() -> UdpSocket {
    UdpSocket::bind("127.0.0.1:0").await.unwrap()
}

/// Every document the daemon got, until `enough` says so (and nothing more
/// comes for 100 ms) or 2 s pass. The runtime keeps running meanwhile.
async fn documents(daemon: &UdpSocket, enough: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let started = Instant::now();
    let mut docs = Vec::new();
    let mut buf = vec![0u8; 65_536];
    while started.elapsed() < Duration::from_secs(2) {
        let quiet = if enough(&docs) { 100 } else { 2_000 };
        match tokio::time::timeout(Duration::from_millis(quiet), daemon.recv(&mut buf)).await {
            Ok(received) => {
                let n = received.unwrap();
                let text = std::str::from_utf8(&buf[..n]).unwrap();
                let (header, body) = text
                    .split_once('\n')
                    .expect("header line, then the document");
                assert_eq!(header, r#"{"format": "json", "version": 1}"#);
                docs.push(serde_json::from_str(body).unwrap());
            }
            Err(_) if enough(&docs) => break,
            Err(_) => {}
        }
    }
    docs
}

/// Runs the committed `get-drive-item` event as Lambda would, with the
/// trace header `Root={root};Parent=PARENT;Sampled={sampled}`, through a
/// service on `store`; the status, the simulator's count of calls and the
/// Lambda request id.
async fn invoke(store: Arc<dyn HydrationStore>, root: &str, sampled: u8) -> (u16, usize, String) {
    let graph = GraphSimulator::start(Scenario::demo()).await.unwrap();
    let settings = test_settings(&graph);
    let (app, _metrics) = build_app(&settings, store).await;
    let events = Path::new(env!("CARGO_MANIFEST_DIR")).join("events");
    let event = std::fs::read_to_string(events.join("get-drive-item.json")).unwrap();
    let mut context = lambda_http::Context::default();
    context.request_id = uuid::Uuid::new_v4().to_string();
    context.xray_trace_id = Some(format!("Root={root};Parent={PARENT};Sampled={sampled}"));
    let request_id = context.request_id.clone();
    let request = from_str(&event).unwrap().with_lambda_context(context);
    let response = app.router.oneshot(request).await.unwrap();
    let calls = graph.requests().len();
    (response.status().as_u16(), calls, request_id)
}

fn named<'a>(docs: &'a [Value], name: &str) -> Vec<&'a Value> {
    docs.iter().filter(|d| d["name"] == name).collect()
}

#[tokio::test]
async fn graph_and_dynamodb_calls_are_subsegments_of_the_invocation() {
    let daemon = daemon().await;
    let subscriber = get_subscriber_with_xray(
        "info",
        CapturedLogs::default(),
        Some(daemon.local_addr().unwrap()),
    );
    // This test's thread only (a current-thread runtime: the service runs here).
    let _traced = tracing::subscriber::set_default(subscriber);
    let port = closed_port().await;
    let dynamodb = local_client(
        &format!("http://127.0.0.1:{port}"),
        Duration::from_millis(300),
    )
    .await;
    let store: Arc<dyn HydrationStore> = Arc::new(DynamoStore::new(dynamodb, "hydration"));

    let root = root();

    let (status, graph_calls, lambda_request_id) = invoke(store, &root, 1).await;

    assert_eq!(status, 200);
    let docs = documents(&daemon, |d| {
        named(d, "share-resolver").len() == 1 && named(d, "Microsoft Graph").len() == graph_calls
    })
    .await;
    let text = serde_json::to_string(&docs).unwrap();
    for doc in &docs {
        assert_eq!(doc["type"], "subsegment", "{doc}");
        assert_eq!(doc["trace_id"], root, "{doc}");
        assert!(
            doc["end_time"].as_f64() >= doc["start_time"].as_f64(),
            "{doc}"
        );
    }
    let request = named(&docs, "share-resolver");
    assert_eq!(request.len(), 1, "{text}");
    let request = request[0];
    assert_eq!(request["parent_id"], PARENT, "the invocation's segment");
    let route = request["annotations"]["route"].as_str().unwrap_or_default();
    assert!(
        route.starts_with("/v1/shares"),
        "the route template: {request}"
    );
    assert_eq!(
        request["annotations"]["lambda_request_id"], lambda_request_id,
        "what the request's log line names: {request}"
    );
    let graph = named(&docs, "Microsoft Graph");
    assert_eq!(
        graph.len(),
        graph_calls,
        "one subsegment per Graph call: {text}"
    );
    for call in &graph {
        assert_eq!(call["parent_id"], request["id"], "{call}");
        assert_eq!(call["namespace"], "remote", "{call}");
        assert!(call["http"]["response"]["status"].is_u64(), "{call}");
    }
    assert_eq!(graph.last().unwrap()["http"]["response"]["status"], 200);
    let dynamodb: Vec<_> = docs.iter().filter(|d| d["namespace"] == "aws").collect();
    assert!(!dynamodb.is_empty(), "the store's calls: {text}");
    for call in &dynamodb {
        assert_eq!(call["name"], "DynamoDB", "{call}");
        assert_eq!(call["parent_id"], request["id"], "{call}");
        assert!(call["aws"]["operation"].is_string(), "{call}");
    }
    assert_eq!(
        docs.len(),
        1 + graph.len() + dynamodb.len(),
        "nothing else: {text}"
    );
    // Names, statuses and ids only: no token, no share, no path.
    for secret in [
        "eyJ",
        "u!aHR0",
        "Marketing",
        "/v1.0",
        "/shares/u",
        "sharepoint.com",
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}

#[tokio::test]
async fn an_invocation_lambda_did_not_sample_sends_nothing() {
    let daemon = daemon().await;
    let subscriber = get_subscriber_with_xray(
        "info",
        CapturedLogs::default(),
        Some(daemon.local_addr().unwrap()),
    );
    let _traced = tracing::subscriber::set_default(subscriber);

    let store = Arc::new(MemoryStore::new(10, Duration::from_secs(60)));

    let (status, calls, _) = invoke(store, &root(), 0).await;

    assert_eq!(status, 200);
    assert!(calls > 0);
    assert_eq!(documents(&daemon, |_| false).await, Vec::<Value>::new());
}
