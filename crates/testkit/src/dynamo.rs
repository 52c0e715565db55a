//! A local DynamoDB-compatible server for tests: `scripts/test.sh` starts
//! one (moto) and exports its endpoint as `TEST_DYNAMODB_ENDPOINT`. Clients
//! for it ([`local_client`]) and the service's table on it ([`create_table`]).
//!
//! Tests that need it are `#[ignore = "…"]`d so plain `cargo test` passes
//! with nothing running; `scripts/test.sh` runs them with `--ignored`.

use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::client::Waiters;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
    TimeToLiveSpecification, TimeToLiveStatus,
};
use share_resolver::hydration::best_effort;

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

/// A client for a local DynamoDB-compatible server at `endpoint` (a test's,
/// or a proxy in front of it), with test credentials in `us-east-1` and the
/// best-effort bounds production's `hydration::load_client` puts on every
/// call (`hydration::best_effort`: the same function, so the tests count
/// production's attempts).
pub async fn local_client(endpoint: &str, budget: Duration) -> Client {
    let (timeouts, retries) = best_effort(budget);
    let config = aws_config::defaults(BehaviorVersion::latest())
        .test_credentials()
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .timeout_config(timeouts)
        .retry_config(retries)
        .load()
        .await;
    Client::new(&config)
}

/// The table's key and TTL attributes (`infra/template.yaml`).
const PK: &str = "pk";
const EXPIRES_AT: &str = "expiresAt";
/// How long [`create_table`] waits for a new table to become `ACTIVE`.
const TABLE_ACTIVE_WAIT: Duration = Duration::from_secs(120);

/// Creates `table` as `infra/template.yaml` does (on-demand, `pk` hash key,
/// TTL on `expiresAt`). Idempotent: an existing table, or TTL already
/// enabled, is fine. Give it a client with generous timeouts: table creation
/// is not a best-effort call.
pub async fn create_table(
    client: &Client,
    table: &str,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let created = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(PK)
                .attribute_type(ScalarAttributeType::S)
                .build()?,
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name(PK)
                .key_type(KeyType::Hash)
                .build()?,
        )
        .send()
        .await;
    if let Err(e) = created {
        let exists = e
            .as_service_error()
            .is_some_and(|s| s.is_resource_in_use_exception());
        if !exists {
            return Err(e.into());
        }
    }
    // A real DynamoDB rejects UpdateTimeToLive while the table is CREATING.
    client
        .wait_until_table_exists()
        .table_name(table)
        .wait(TABLE_ACTIVE_WAIT)
        .await?;
    // Enabling TTL twice is an error ("TimeToLive is already enabled"), so ask first.
    let current = client
        .describe_time_to_live()
        .table_name(table)
        .send()
        .await?
        .time_to_live_description;
    let enabled = current.is_some_and(|d| {
        d.attribute_name.as_deref() == Some(EXPIRES_AT)
            && matches!(
                d.time_to_live_status,
                Some(TimeToLiveStatus::Enabled | TimeToLiveStatus::Enabling)
            )
    });
    if !enabled {
        client
            .update_time_to_live()
            .table_name(table)
            .time_to_live_specification(
                TimeToLiveSpecification::builder()
                    .attribute_name(EXPIRES_AT)
                    .enabled(true)
                    .build()?,
            )
            .send()
            .await?;
    }
    Ok(())
}
