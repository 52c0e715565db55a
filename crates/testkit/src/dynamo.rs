//! A local DynamoDB-compatible server for tests: `scripts/test.sh` starts
//! one (moto) and exports its endpoint as `TEST_DYNAMODB_ENDPOINT`.
//!
//! Tests that need it are `#[ignore = "…"]`d so plain `cargo test` passes
//! with nothing running; `scripts/test.sh` runs them with `--ignored`.

use std::time::Duration;

use aws_sdk_dynamodb::Client;
use share_resolver::hydration::{create_table, local_client};

/// The `#[ignore]` reason of every test that needs the local server.
pub const NEEDS_LOCAL_DYNAMODB: &str = "needs a local DynamoDB: scripts/test.sh runs it (or: eval \"$(scripts/moto.sh start)\" && cargo test -- --ignored)";

/// The local server's endpoint.
///
/// # Panics
/// When `TEST_DYNAMODB_ENDPOINT` is unset: the test was run with
/// `--ignored` but without the server, and must fail, not pass silently.
pub fn endpoint() -> String {
    match std::env::var("TEST_DYNAMODB_ENDPOINT") {
        Ok(endpoint) if !endpoint.trim().is_empty() => endpoint,
        _ => panic!(
            "TEST_DYNAMODB_ENDPOINT is not set: these tests need a local DynamoDB-compatible \
             server. Run scripts/test.sh, or: scripts/dev-env.sh && eval \"$(scripts/moto.sh start)\" \
             and then cargo test -- --ignored"
        ),
    }
}

/// A fresh table on the local server, and a raw client with generous
/// timeouts to look at it behind the store's back.
pub async fn fresh_table() -> (Client, String) {
    let raw = local_client(&endpoint(), Duration::from_secs(5)).await;
    let table = format!("hydration-{}", uuid::Uuid::new_v4());
    create_table(&raw, &table).await.expect("table created");
    (raw, table)
}
