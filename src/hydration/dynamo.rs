//! DynamoDB hydration store: one item per user, TTL on `expiresAt`.
//!
//! Item: `pk` (S, `tid#oid`), `hydratedAt` (N) (or `warmedAt` for a
//! "warmed" marker), `expiresAt` (N, the table's TTL attribute), `strategy`
//! (S). Nothing else: no token, name or e-mail.
//!
//! A warming lease (contract, step 4, "Across instances") is the same item
//! in another shape: `pk`, `warmingAt` (N, epoch milliseconds of the claim),
//! `expiresAt` (N, seconds later) and, in `graph` mode, `fingerprint` (B, 128
//! bits of a SHA-256 of the token). It is written only by a conditional
//! `PutItem` over an absent or expired item ([`HydrationStore::claim`]), and
//! read by the same `GetItem` as the record.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::put_item::builders::PutItemFluentBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};

use super::store::{HydrationRecord, HydrationStore, Put, RecordKind, StoreError};
use crate::clock::epoch_seconds;
use crate::identity::{TokenFingerprint, UserKey};
use crate::warmup::WarmupKind;

const PK: &str = "pk";
const HYDRATED_AT: &str = "hydratedAt";
const WARMED_AT: &str = "warmedAt";
const EXPIRES_AT: &str = "expiresAt";
const STRATEGY: &str = "strategy";
const WARMING_AT: &str = "warmingAt";
const FINGERPRINT: &str = "fingerprint";

/// The hydration store over one DynamoDB table. Cheap to clone: clones share
/// the client (and its connection pool), which is built once per cold start.
#[derive(Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
}

impl DynamoStore {
    /// The store over `table`. No I/O: the first call connects.
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }
}

/// Timeouts and retries for a best-effort store: a slow DynamoDB must cost a
/// request at most `budget`. Two attempts at most: a second one only fits when
/// the first failed fast (connection refused or reset, throttled, 5xx); an
/// attempt that stalls uses the whole budget, and the store then counts as a
/// miss upstream, which costs one warm-up, not a failed resolution.
pub fn best_effort(budget: Duration) -> (TimeoutConfig, RetryConfig) {
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(budget.min(Duration::from_millis(100)))
        .operation_attempt_timeout(budget)
        .operation_timeout(budget)
        .build();
    let retries = RetryConfig::standard()
        .with_max_attempts(2)
        .with_initial_backoff(Duration::from_millis(10));
    (timeouts, retries)
}

/// A client from the standard AWS chain (`AWS_REGION`,
/// `AWS_ENDPOINT_URL_DYNAMODB`, credentials) whose every call is bounded by
/// `budget` (`Settings::store_timeout`). Build it once per cold start.
pub async fn load_client(budget: Duration) -> Client {
    let (timeouts, retries) = best_effort(budget);
    let config = aws_config::defaults(BehaviorVersion::latest())
        .timeout_config(timeouts)
        .retry_config(retries)
        .load()
        .await;
    Client::new(&config)
}

/// The item for `record`: exactly four attributes, `pk`, `hydratedAt` (a
/// "warmed" marker has `warmedAt` in its place), `expiresAt` and `strategy`
/// (`none` when the warm-up was skipped). A lease: `pk`, `warmingAt`,
/// `expiresAt` and, in `graph` mode, `fingerprint`.
pub fn to_item(record: &HydrationRecord) -> HashMap<String, AttributeValue> {
    if let RecordKind::Warming {
        sent_at_ms,
        fingerprint,
    } = record.kind
    {
        let mut item = HashMap::from([
            (PK.to_owned(), AttributeValue::S(record.user.to_string())),
            (
                WARMING_AT.to_owned(),
                AttributeValue::N(sent_at_ms.to_string()),
            ),
            (
                EXPIRES_AT.to_owned(),
                AttributeValue::N(record.expires_at.to_string()),
            ),
        ]);
        if let Some(TokenFingerprint(bits)) = fingerprint {
            item.insert(
                FINGERPRINT.to_owned(),
                AttributeValue::B(aws_sdk_dynamodb::primitives::Blob::new(bits.to_vec())),
            );
        }
        return item;
    }
    HashMap::from([
        (PK.to_owned(), AttributeValue::S(record.user.to_string())),
        (
            match record.kind {
                RecordKind::Hydrated => HYDRATED_AT,
                RecordKind::Warmed => WARMED_AT,
                RecordKind::Warming { .. } => unreachable!("a lease's item is built above"),
            }
            .to_owned(),
            AttributeValue::N(record.hydrated_at.to_string()),
        ),
        (
            EXPIRES_AT.to_owned(),
            AttributeValue::N(record.expires_at.to_string()),
        ),
        (
            STRATEGY.to_owned(),
            AttributeValue::S(
                record
                    .strategy
                    .map_or("none", WarmupKind::as_str)
                    .to_owned(),
            ),
        ),
    ])
}

/// The record in `item`, or [`StoreError::Malformed`] saying what is wrong
/// with it. Extra attributes are ignored.
pub fn from_item(item: &HashMap<String, AttributeValue>) -> Result<HydrationRecord, StoreError> {
    let text = |name: &str| match item.get(name) {
        Some(AttributeValue::S(s)) => Ok(s.as_str()),
        _ => Err(StoreError::Malformed(format!("{name} is not a string"))),
    };
    let number = |name: &str| match item.get(name) {
        Some(AttributeValue::N(n)) => n
            .parse::<u64>()
            .map_err(|_| StoreError::Malformed(format!("{name} is not a whole number"))),
        _ => Err(StoreError::Malformed(format!("{name} is not a number"))),
    };
    let user = UserKey::parse(text(PK)?)
        .ok_or_else(|| StoreError::Malformed("pk is not tid#oid".to_owned()))?;
    if item.contains_key(WARMING_AT) {
        let sent_at_ms = number(WARMING_AT)?;
        let fingerprint = match item.get(FINGERPRINT) {
            None => None,
            Some(AttributeValue::B(blob)) => {
                Some(TokenFingerprint(blob.as_ref().try_into().map_err(
                    |_| StoreError::Malformed("fingerprint is not 16 bytes".to_owned()),
                )?))
            }
            Some(_) => {
                return Err(StoreError::Malformed(
                    "fingerprint is not binary".to_owned(),
                ));
            }
        };
        return Ok(HydrationRecord {
            user,
            kind: RecordKind::Warming {
                sent_at_ms,
                fingerprint,
            },
            hydrated_at: sent_at_ms / 1000,
            expires_at: number(EXPIRES_AT)?,
            strategy: None,
        });
    }
    let strategy = match text(STRATEGY)? {
        "none" => None,
        other => Some(other.parse().map_err(StoreError::Malformed)?),
    };
    let (kind, at) = match number(HYDRATED_AT) {
        Ok(at) => (RecordKind::Hydrated, at),
        Err(_) if item.contains_key(WARMED_AT) => (RecordKind::Warmed, number(WARMED_AT)?),
        Err(e) => return Err(e),
    };
    Ok(HydrationRecord {
        user,
        kind,
        hydrated_at: at,
        expires_at: number(EXPIRES_AT)?,
        strategy,
    })
}

impl DynamoStore {
    /// Sends a (maybe conditional) `PutItem`: [`Put::Kept`] with the item
    /// that failed its condition (`ALL_OLD`), which is no error.
    async fn conditional(&self, put: PutItemFluentBuilder) -> Result<Put, StoreError> {
        let e = match put.send().await {
            Ok(_) => return Ok(Put::Written),
            Err(e) => e,
        };
        match e.as_service_error() {
            Some(PutItemError::ConditionalCheckFailedException(failed)) => {
                let item = failed.item.as_ref().ok_or_else(|| {
                    StoreError::Malformed("a failed condition without the item".to_owned())
                })?;
                Ok(Put::Kept(from_item(item)?))
            }
            _ => Err(self.failure(e)),
        }
    }

    /// The SDK's own deadlines ([`best_effort`]: connect, attempt, operation)
    /// race the resolver's, so they are store timeouts too, not backend
    /// failures: the two are counted apart (`StoreTimeouts`, `StoreErrors`).
    fn failure<E, R>(&self, e: SdkError<E, R>) -> StoreError
    where
        SdkError<E, R>: std::error::Error + Send + Sync + 'static,
    {
        let timed_out = match &e {
            SdkError::TimeoutError(_) => true,
            SdkError::DispatchFailure(failure) => failure.is_timeout(),
            _ => false,
        };
        if timed_out {
            let budget = self.client.config().timeout_config();
            StoreError::Timeout(
                budget
                    .and_then(|t| t.operation_timeout())
                    .unwrap_or_default(),
            )
        } else {
            StoreError::Backend(Box::new(e))
        }
    }
}

#[async_trait]
impl HydrationStore for DynamoStore {
    async fn get(&self, user: &UserKey) -> Result<Option<HydrationRecord>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(PK, AttributeValue::S(user.to_string()))
            // Placeholders: attribute names never collide with reserved words.
            .projection_expression(
                "#pk, #hydratedAt, #warmedAt, #expiresAt, #strategy, #warmingAt, #fingerprint",
            )
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#warmingAt", WARMING_AT)
            .expression_attribute_names("#fingerprint", FINGERPRINT)
            .expression_attribute_names("#hydratedAt", HYDRATED_AT)
            .expression_attribute_names("#warmedAt", WARMED_AT)
            .expression_attribute_names("#expiresAt", EXPIRES_AT)
            .expression_attribute_names("#strategy", STRATEGY)
            .send()
            .await
            .map_err(|e| self.failure(e))?;
        let Some(item) = output.item else {
            return Ok(None);
        };
        let record = from_item(&item)?;
        if record.user != *user {
            return Err(StoreError::Malformed(
                "the item's pk is not the key asked for".to_owned(),
            ));
        }
        // DynamoDB deletes expired items lazily (up to days later).
        Ok(record.is_live(SystemTime::now()).then_some(record))
    }

    async fn put(&self, record: &HydrationRecord) -> Result<Put, StoreError> {
        let mut put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(to_item(record)));
        if record.kind == RecordKind::Warmed {
            // `HydrationRecord::may_replace`, atomically on the item.
            put = put
                .condition_expression("attribute_not_exists(#hydratedAt) OR #expiresAt <= :now")
                .expression_attribute_names("#hydratedAt", HYDRATED_AT)
                .expression_attribute_names("#expiresAt", EXPIRES_AT)
                .expression_attribute_values(
                    ":now",
                    AttributeValue::N(epoch_seconds(SystemTime::now()).to_string()),
                )
                .return_values_on_condition_check_failure(
                    ReturnValuesOnConditionCheckFailure::AllOld,
                );
        }
        // A live success is there: keeping it is the point.
        self.conditional(put).await
    }

    async fn claim(&self, lease: &HydrationRecord) -> Result<Put, StoreError> {
        // `HydrationRecord::may_claim`, atomically on the item: one claimant
        // of a user's warm-up wins; the others get what is there.
        let claim = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(to_item(lease)))
            .condition_expression("attribute_not_exists(#pk) OR #expiresAt <= :now")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#expiresAt", EXPIRES_AT)
            .expression_attribute_values(
                ":now",
                AttributeValue::N(epoch_seconds(SystemTime::now()).to_string()),
            )
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        self.conditional(claim).await
    }

    async fn forget(&self, user: &UserKey) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key(PK, AttributeValue::S(user.to_string()))
            .send()
            .await
            .map_err(|e| self.failure(e))?;
        Ok(())
    }

    fn name(&self) -> &'static str {
        "dynamodb"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(strategy: Option<WarmupKind>) -> HydrationRecord {
        HydrationRecord {
            user: UserKey::new("tid-1", "oid-2").unwrap(),
            kind: RecordKind::Hydrated,
            hydrated_at: 1_700_000_000,
            expires_at: 1_700_010_800,
            strategy,
        }
    }

    #[test]
    fn items_round_trip_with_exactly_four_attributes() {
        for strategy in [None, Some(WarmupKind::Site), Some(WarmupKind::Group)] {
            let item = to_item(&record(strategy));
            let mut names: Vec<&str> = item.keys().map(String::as_str).collect();
            names.sort_unstable();
            assert_eq!(names, ["expiresAt", "hydratedAt", "pk", "strategy"]);
            assert_eq!(item["pk"], AttributeValue::S("tid-1#oid-2".into()));
            assert_eq!(item["expiresAt"], AttributeValue::N("1700010800".into()));
            assert_eq!(from_item(&item).unwrap(), record(strategy));
        }
    }

    #[test]
    fn a_warmed_marker_keeps_its_kind_in_warmed_at() {
        let marker = HydrationRecord {
            kind: RecordKind::Warmed,
            ..record(Some(WarmupKind::Root))
        };
        let item = to_item(&marker);
        let mut names: Vec<&str> = item.keys().map(String::as_str).collect();
        names.sort_unstable();
        assert_eq!(names, ["expiresAt", "pk", "strategy", "warmedAt"]);
        assert_eq!(from_item(&item).unwrap(), marker);
    }

    #[test]
    fn a_lease_holds_the_key_its_send_time_the_ttl_and_the_fingerprint_only() {
        let user = UserKey::new("tid-1", "oid-2").unwrap();
        let at = std::time::UNIX_EPOCH + Duration::from_millis(1_700_000_000_250);
        for (fingerprint, expected) in [
            (
                Some(TokenFingerprint([7; 16])),
                &["expiresAt", "fingerprint", "pk", "warmingAt"][..],
            ),
            (None, &["expiresAt", "pk", "warmingAt"][..]),
        ] {
            let lease =
                HydrationRecord::warming(user.clone(), at, Duration::from_secs(3), fingerprint);
            let item = to_item(&lease);
            let mut names: Vec<&str> = item.keys().map(String::as_str).collect();
            names.sort_unstable();
            assert_eq!(names, expected);
            assert_eq!(item["warmingAt"], AttributeValue::N("1700000000250".into()));
            assert_eq!(from_item(&item).unwrap(), lease);
        }
        let mut bad = to_item(&HydrationRecord::warming(
            user,
            at,
            Duration::from_secs(3),
            Some(TokenFingerprint([7; 16])),
        ));
        bad.insert(
            "fingerprint".into(),
            AttributeValue::B(aws_sdk_dynamodb::primitives::Blob::new(vec![1, 2])),
        );
        assert!(matches!(from_item(&bad), Err(StoreError::Malformed(_))));
    }

    #[test]
    fn malformed_items_are_errors_not_panics() {
        let good = to_item(&record(None));
        for (name, value) in [
            ("pk", AttributeValue::S("no-hash".into())),
            ("pk", AttributeValue::N("1".into())),
            ("expiresAt", AttributeValue::S("soon".into())),
            ("expiresAt", AttributeValue::N("-5".into())),
            ("strategy", AttributeValue::S("teleport".into())),
        ] {
            let mut item = good.clone();
            item.insert(name.to_owned(), value);
            assert!(
                matches!(from_item(&item), Err(StoreError::Malformed(_))),
                "{name}"
            );
        }
        let mut missing = good;
        missing.remove("hydratedAt");
        assert!(from_item(&missing).is_err());
    }
}
