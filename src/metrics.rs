//! Metrics: one CloudWatch Embedded Metric Format (EMF) document per
//! request, written as its own JSON line; CloudWatch turns it into metrics
//! with no API call (infra/README.md#metrics lists them, and the alarms there read them).
//!
//! # Implementation Notes
//! Written by hand (about a hundred lines) rather than with
//! `metrics_cloudwatch_embedded` (a global recorder that aggregates between
//! flushes, tied to its own Lambda runtime wrapper: no per-request
//! document, and the local server's concurrent requests would mix) or
//! AWS Labs' `metrique` (a writer stack with a background sink, more than
//! this needs and more bytes in the artefact). The document's structure is
//! checked by a test against the EMF specification
//! (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
//! Dimensions are low-cardinality only: never a user, tenant, token or URL.

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

use crate::problem_code::ProblemCode;
use crate::resolver::Hydration;
use crate::warmup::WarmupKind;

/// The constant `Service` dimension every metric carries.
const SERVICE: &str = "share-resolver";

/// Where EMF documents go: one line each.
pub type Sink = Arc<dyn Fn(&str) + Send + Sync>;

/// The service's metrics: a namespace and a sink, built once per cold start.
#[derive(Clone)]
pub struct Metrics {
    namespace: String,
    sink: Sink,
}

/// What one request did, as numbers and low-cardinality names.
#[derive(Debug, Clone, Default)]
pub(crate) struct RequestMetrics {
    /// The route's path template (`unmatched` for none).
    pub route: String,
    /// The problem code; `None` is `ok`.
    pub outcome: Option<ProblemCode>,
    pub status: u16,
    /// `None` when the request ended before the look-up.
    pub hydration: Option<Hydration>,
    /// The warm-up strategy of the warm-up calls this request made itself.
    pub warmup_strategy: Option<WarmupKind>,
    pub warmup_calls: u32,
    pub attempts: u32,
    pub graph_calls: u32,
    pub stale_hit: bool,
    pub store_errors: u32,
    pub store_timeouts: u32,
    pub latency: Duration,
    pub store_latency: Duration,
    pub warmup_latency: Duration,
    pub graph_latency: Duration,
    /// The X-Ray trace id, under Lambda: a property, not a dimension.
    pub trace_id: Option<String>,
    /// A batch's requests and their outcomes (`POST /v1/$batch` only).
    pub batch: Option<BatchTally>,
}

/// A batch's requests by outcome (`ok` or the problem code): one log line
/// and one EMF document cover them all.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub(crate) struct BatchTally {
    pub requests: u32,
    pub outcomes: std::collections::BTreeMap<&'static str, u32>,
}

impl BatchTally {
    pub fn of(outcomes: impl IntoIterator<Item = Option<ProblemCode>>) -> Self {
        let mut tally = Self::default();
        for outcome in outcomes {
            tally.requests += 1;
            *tally
                .outcomes
                .entry(outcome.map_or("ok", ProblemCode::as_str))
                .or_default() += 1;
        }
        tally
    }
}

impl Metrics {
    /// Documents to stdout, where Lambda ships them to CloudWatch Logs.
    pub fn stdout(namespace: impl Into<String>) -> Self {
        Self::with_sink(
            namespace,
            Arc::new(|line: &str| {
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{line}");
            }),
        )
    }

    /// Documents to `sink` (tests capture them).
    pub fn with_sink(namespace: impl Into<String>, sink: Sink) -> Self {
        Self {
            namespace: namespace.into(),
            sink,
        }
    }

    pub(crate) fn record(&self, request: &RequestMetrics) {
        let document = self.document(request, SystemTime::now());
        (self.sink)(&document.to_string());
    }

    /// The EMF document of `request`, pure.
    pub(crate) fn document(&self, m: &RequestMetrics, now: SystemTime) -> Value {
        let timestamp = now
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        let count = |name: &str| json!({"Name": name, "Unit": "Count"});
        let ms = |name: &str| json!({"Name": name, "Unit": "Milliseconds"});
        let mut metrics = vec![
            count("Requests"),
            ms("Latency"),
            ms("StoreLatency"),
            ms("WarmupLatency"),
            ms("GraphLatency"),
            count("Attempts"),
            count("GraphCalls"),
            count("WarmupCalls"),
            count("StaleHit"),
            count("StoreErrors"),
            count("StoreTimeouts"),
            count("HydrationExhausted"),
            count("Throttled"),
            count("ServerError"),
        ];
        let guest_lookup = matches!(m.hydration, Some(Hydration::Hit | Hydration::Miss));
        if guest_lookup {
            metrics.push(count("Hit"));
        }
        if m.batch.is_some() {
            metrics.push(count("BatchRequests"));
        }
        let mut directives = vec![
            json!({"Namespace": self.namespace, "Dimensions": [["Service"]], "Metrics": metrics}),
            json!({"Namespace": self.namespace, "Dimensions": [["Service", "Outcome"]], "Metrics": [count("Requests")]}),
        ];
        if m.warmup_strategy.is_some() {
            directives.push(json!({"Namespace": self.namespace, "Dimensions": [["Service", "Strategy"]], "Metrics": [count("WarmupCalls")]}));
        }

        let mut doc = Map::new();
        doc.insert(
            "_aws".into(),
            json!({"Timestamp": timestamp, "CloudWatchMetrics": directives}),
        );
        let mut put = |k: &str, v: Value| {
            doc.insert(k.to_owned(), v);
        };
        put("Service", json!(SERVICE));
        put(
            "Outcome",
            json!(m.outcome.map_or("ok", ProblemCode::as_str)),
        );
        if let Some(strategy) = m.warmup_strategy {
            put("Strategy", json!(strategy.as_str()));
        }
        put("Route", json!(m.route));
        put("StatusCode", json!(m.status));
        if let Some(hydration) = m.hydration {
            put("Hydration", json!(hydration.as_str()));
        }
        if let Some(trace) = &m.trace_id {
            put("traceId", json!(trace));
        }
        put("Requests", json!(1));
        put("Latency", json!(millis(m.latency)));
        put("StoreLatency", json!(millis(m.store_latency)));
        put("WarmupLatency", json!(millis(m.warmup_latency)));
        put("GraphLatency", json!(millis(m.graph_latency)));
        put("Attempts", json!(m.attempts));
        put("GraphCalls", json!(m.graph_calls));
        put("WarmupCalls", json!(m.warmup_calls));
        put("StaleHit", json!(u8::from(m.stale_hit)));
        put("StoreErrors", json!(m.store_errors));
        put("StoreTimeouts", json!(m.store_timeouts));
        put(
            "HydrationExhausted",
            json!(u8::from(m.outcome == Some(ProblemCode::HydrationExhausted))),
        );
        put(
            "Throttled",
            json!(u8::from(m.outcome == Some(ProblemCode::Throttled))),
        );
        put("ServerError", json!(u8::from(m.status >= 500)));
        if guest_lookup {
            put("Hit", json!(u8::from(m.hydration == Some(Hydration::Hit))));
        }
        if let Some(batch) = &m.batch {
            put("BatchRequests", json!(batch.requests));
            put("BatchOutcomes", json!(batch.outcomes));
        }
        Value::Object(doc)
    }
}

fn millis(d: Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics() -> Metrics {
        Metrics::with_sink("ShareResolver", Arc::new(|_: &str| {}))
    }

    /// The EMF specification's rules for a document, checked one by one.
    fn assert_valid_emf(doc: &Value) {
        let aws = &doc["_aws"];
        assert!(
            aws["Timestamp"].as_u64().is_some_and(|t| t > 0),
            "Timestamp: {doc}"
        );
        let directives = aws["CloudWatchMetrics"]
            .as_array()
            .expect("CloudWatchMetrics array");
        assert!(!directives.is_empty());
        for directive in directives {
            let namespace = directive["Namespace"].as_str().expect("Namespace");
            assert!(!namespace.is_empty() && namespace.len() <= 1024);
            let dimension_sets = directive["Dimensions"].as_array().expect("Dimensions");
            for set in dimension_sets {
                let set = set.as_array().expect("a dimension set is an array");
                assert!(set.len() <= 30, "at most 30 dimensions a set");
                for dimension in set {
                    let name = dimension.as_str().expect("dimension names are strings");
                    assert!(
                        doc[name].is_string(),
                        "dimension {name} must be a string member: {doc}"
                    );
                }
            }
            let metrics = directive["Metrics"].as_array().expect("Metrics");
            assert!(metrics.len() <= 100, "at most 100 metrics a directive");
            for metric in metrics {
                let name = metric["Name"].as_str().expect("Name");
                assert!(
                    doc[name].is_number(),
                    "metric {name} must be a number member: {doc}"
                );
                let unit = metric["Unit"].as_str().unwrap_or("None");
                assert!(["Count", "Milliseconds", "None"].contains(&unit), "{unit}");
            }
        }
    }

    #[test]
    fn each_kind_of_request_gives_a_valid_document_with_its_values() {
        let ok_hit = RequestMetrics {
            route: "resolve".into(),
            outcome: None,
            status: 200,
            hydration: Some(Hydration::Hit),
            attempts: 1,
            graph_calls: 1,
            latency: Duration::from_micros(21_500),
            ..RequestMetrics::default()
        };
        let miss = RequestMetrics {
            hydration: Some(Hydration::Miss),
            warmup_strategy: Some(WarmupKind::Site),
            warmup_calls: 1,
            graph_calls: 2,
            ..ok_hit.clone()
        };
        let member = RequestMetrics {
            hydration: Some(Hydration::Member),
            ..ok_hit.clone()
        };
        let exhausted = RequestMetrics {
            outcome: Some(ProblemCode::HydrationExhausted),
            status: 503,
            hydration: Some(Hydration::Miss),
            attempts: 4,
            trace_id: Some("Root=1-5e1b4151-5ac6c58f1f0e2f3b8a9c1d2e".into()),
            ..RequestMetrics::default()
        };
        let no_token = RequestMetrics {
            route: "resolve".into(),
            outcome: Some(ProblemCode::MissingToken),
            status: 401,
            ..RequestMetrics::default()
        };
        let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        for (request, expected, why) in [
            (
                &ok_hit,
                json!({"Outcome": "ok", "Hit": 1, "Latency": 21.5, "ServerError": 0}),
                "a hit",
            ),
            (
                &miss,
                json!({"Hit": 0, "Strategy": "site", "WarmupCalls": 1, "GraphCalls": 2}),
                "a miss",
            ),
            (
                &member,
                json!({"Hydration": "member", "Hit": null}),
                "a member counts in no hit rate",
            ),
            (
                &exhausted,
                json!({"HydrationExhausted": 1, "ServerError": 1, "Attempts": 4, "traceId": "Root=1-5e1b4151-5ac6c58f1f0e2f3b8a9c1d2e"}),
                "a failure",
            ),
            (
                &no_token,
                json!({"Outcome": "missing_token", "Hydration": null, "Hit": null, "ServerError": 0}),
                "no token",
            ),
        ] {
            let doc = metrics().document(request, now);
            assert_valid_emf(&doc);
            assert_eq!(doc["_aws"]["Timestamp"], 1_800_000_000_000u64, "{why}");
            for (key, value) in expected.as_object().unwrap() {
                assert_eq!(&doc[key], value, "{why}: {key} in {doc}");
            }
            for forbidden in ["user", "tid", "oid", "token", "shareUrl"] {
                assert!(doc.get(forbidden).is_none(), "{why}: {forbidden}");
            }
        }
    }
}
