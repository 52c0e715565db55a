//! What share-resolver's tests, benchmark and demo share, written once: the
//! service and the Graph simulator spawned on loopback ([`spawn_app`]),
//! guests with their tokens ([`Guest`]), share-id encoding ([`u_id`]), a
//! store that counts its calls ([`CountingStore`]), broken backends on
//! purpose (down, stalling, or cut on demand by a [`FaultProxy`]), and a
//! local DynamoDB table ([`dynamo`]).
//!
//! Only tests, benches and the demo depend on this crate; the service never does.

pub mod dynamo;
mod logs;
mod obo;
mod proxy;
mod spawn;
mod store;

pub use graph_sim;
pub use logs::{CapturedLogs, LOGS};
pub use obo::{
    ApiUser, Reached, obo_identity, reached, spawn_obo_app, spawn_obo_app_with, sts_config,
};
pub use proxy::{FaultProxy, ProxyMode};
pub use spawn::{
    Guest, MetricsCapture, SHARE_URL, SITE_WARMUP_PATH, TestApp, add_folder, add_share, build_app,
    spawn_app, spawn_app_with, spawn_service, test_settings,
};
pub use store::{CountingStore, closed_port, stalling_server};

use reqwest::Response;
use serde_json::Value;

/// `u!` encoding of a URL, computed independently of the service's code.
pub fn u_id(url: &str) -> String {
    use base64::Engine;
    format!(
        "u!{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(url)
    )
}

/// Percent-encodes a raw URL for use as one path segment.
pub fn path_segment(raw: &str) -> String {
    percent_encoding::utf8_percent_encode(raw, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// A response's header as text ("" when absent).
pub fn header(response: &Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap_or_default().to_owned())
        .unwrap_or_default()
}

/// Asserts a problem+json response with `status` and `code`; returns the body.
pub async fn assert_problem(response: Response, status: u16, code: &str) -> Value {
    assert_eq!(response.status().as_u16(), status, "status for {code}");
    assert_eq!(
        header(&response, "content-type"),
        "application/problem+json",
        "content type for {code}"
    );
    let body: Value = response.json().await.expect("problem body is JSON");
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status, "{body}");
    assert_eq!(body["type"], format!("/problems/{code}"), "{body}");
    for field in ["title", "detail", "remediation"] {
        assert!(
            body[field].as_str().is_some_and(|s| !s.is_empty()),
            "{field} missing in {body}"
        );
    }
    assert!(body["graph"].is_array(), "{body}");
    body
}
