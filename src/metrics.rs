//! Metrics: CloudWatch Embedded Metric Format (EMF). Each request's one
//! log line is also its EMF document (the specification lets a document
//! carry members of its own), so CloudWatch turns the line into metrics with
//! no API call and no second line (infra/README.md#metrics lists them, and
//! the alarms there read them). This module writes the document's part:
//! the `_aws` metadata, the dimensions and the metric values; the request
//! line (`http::accounting`) adds the rest.
//!
//! # What a document declares, and why
//! A request's line is mostly paid for by the bytes of its metric
//! declarations (about 40 each), so a document declares only what its
//! readers need:
//! - `Requests`, `Latency`, and `Hit` for a guest's look-up (0 or 1: the hit
//!   rate is its Average, the look-ups its SampleCount) always;
//! - every other metric only when this request gives it a value other than
//!   0. They are read as sums (the ratio alarms divide by the `Requests`
//!   sum), which a 0 does not change, or as the latency breakdown's
//!   percentiles, which are then over the requests that spent time there.
//!
//! Units: only the metrics an alarm reads keep theirs (`Count`,
//! `Milliseconds`), as they always had: an alarm on a metric published
//! with two units behaves in undefined ways (the PutMetricAlarm reference),
//! which is what old and new versions side by side during a canary would
//! do. The others take CloudWatch's default, `None` (their names say what
//! they count; the dashboard shows no units).
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
/// The unit of the counts an alarm reads.
const COUNT: Option<&str> = Some("Count");

/// Where request lines go: one line each.
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
    /// A batch's inner answers (`POST /v1/$batch` only).
    pub batch: Option<BatchTally>,
}

/// A batch's inner answers: how many, by outcome (`ok` or the problem
/// code), and how many were 5xx. One line covers them all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct BatchTally {
    pub requests: u32,
    pub outcomes: std::collections::BTreeMap<&'static str, u32>,
    pub server_errors: u32,
}

impl BatchTally {
    /// Tallies `(status, problem code)` of each inner answer.
    pub fn of(answers: impl IntoIterator<Item = (u16, Option<ProblemCode>)>) -> Self {
        let mut tally = Self::default();
        for (status, outcome) in answers {
            tally.requests += 1;
            tally.server_errors += u32::from(status >= 500);
            *tally
                .outcomes
                .entry(outcome.map_or("ok", ProblemCode::as_str))
                .or_default() += 1;
        }
        tally
    }

    fn count(&self, code: ProblemCode) -> u32 {
        self.outcomes
            .get(code.as_str())
            .copied()
            .unwrap_or_default()
    }
}

/// A request's EMF part: the members its metrics name (dimensions, then
/// values), and the `_aws` metadata that declares them.
pub(crate) struct Emf {
    pub members: Map<String, Value>,
    pub metadata: Value,
}

impl Metrics {
    /// Lines to stdout, where Lambda ships them to CloudWatch Logs.
    pub fn stdout(namespace: impl Into<String>) -> Self {
        Self::with_sink(
            namespace,
            Arc::new(|line: &str| {
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{line}");
            }),
        )
    }

    /// Lines to `sink` (tests capture them).
    pub fn with_sink(namespace: impl Into<String>, sink: Sink) -> Self {
        Self {
            namespace: namespace.into(),
            sink,
        }
    }

    /// Writes a request's line (its log line and EMF document in one).
    pub(crate) fn write(&self, line: &Map<String, Value>) {
        if let Ok(text) = serde_json::to_string(line) {
            (self.sink)(&text);
        }
    }

    /// The EMF part of `request`'s line, pure.
    pub(crate) fn document(&self, m: &RequestMetrics, now: SystemTime) -> Emf {
        let timestamp = now
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        let mut members = Map::new();
        members.insert("Service".into(), json!(SERVICE));
        members.insert(
            "Outcome".into(),
            json!(m.outcome.map_or("ok", ProblemCode::as_str)),
        );
        let strategy = m.warmup_strategy.filter(|_| m.warmup_calls > 0);
        if let Some(strategy) = strategy {
            members.insert("Strategy".into(), json!(strategy.as_str()));
        }
        // A batch's line counts its inner requests (and the 0/1 metrics
        // below become counts): http::accounting's module docs.
        let batch = m.batch.as_ref();
        members.insert("Requests".into(), json!(batch.map_or(1, |b| b.requests)));

        let mut declared = Vec::new();
        let mut put = |name: &str, unit: Option<&str>, value: Value| {
            declared.push(definition(name, unit));
            members.insert(name.to_owned(), value);
        };
        put("Latency", Some("Milliseconds"), json!(millis(m.latency)));
        for (name, spent) in [
            ("StoreLatency", m.store_latency),
            ("WarmupLatency", m.warmup_latency),
            ("GraphLatency", m.graph_latency),
        ] {
            let ms = millis(spent);
            if ms > 0.0 {
                put(name, None, json!(ms));
            }
        }
        let is = |code| match batch {
            Some(batch) => batch.count(code),
            None => u32::from(m.outcome == Some(code)),
        };
        let server_errors = batch.map_or(u32::from(m.status >= 500), |b| {
            b.server_errors + u32::from(m.status >= 500)
        });
        for (name, unit, count) in [
            ("Attempts", None, m.attempts),
            ("GraphCalls", None, m.graph_calls),
            ("WarmupCalls", None, m.warmup_calls),
            ("StaleHit", None, u32::from(m.stale_hit)),
            ("StoreErrors", None, m.store_errors),
            ("StoreTimeouts", None, m.store_timeouts),
            (
                "HydrationExhausted",
                COUNT,
                is(ProblemCode::HydrationExhausted),
            ),
            ("Throttled", COUNT, is(ProblemCode::Throttled)),
            ("ServerError", COUNT, server_errors),
        ] {
            if count > 0 {
                put(name, unit, json!(count));
            }
        }
        if let Some(hydration @ (Hydration::Hit | Hydration::Miss)) = m.hydration {
            put("Hit", COUNT, json!(u8::from(hydration == Hydration::Hit)));
        }

        let namespace = &self.namespace;
        let mut directives = vec![
            json!({"Namespace": namespace, "Dimensions": [["Service"]], "Metrics": declared}),
            json!({"Namespace": namespace, "Dimensions": [["Service"], ["Service", "Outcome"]],
                   "Metrics": [definition("Requests", COUNT)]}),
        ];
        if strategy.is_some() {
            directives.push(
                json!({"Namespace": namespace, "Dimensions": [["Service", "Strategy"]],
                                   "Metrics": [definition("WarmupCalls", None)]}),
            );
        }
        Emf {
            members,
            metadata: json!({"Timestamp": timestamp, "CloudWatchMetrics": directives}),
        }
    }
}

/// A metric's declaration: its name, and its unit when it has one.
fn definition(name: &str, unit: Option<&str>) -> Value {
    match unit {
        Some(unit) => json!({"Name": name, "Unit": unit}),
        None => json!({"Name": name}),
    }
}

/// Milliseconds to 10 µs: finer than any reader needs, and short.
pub(crate) fn millis(d: Duration) -> f64 {
    (d.as_secs_f64() * 100_000.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics() -> Metrics {
        Metrics::with_sink("ShareResolver", Arc::new(|_: &str| {}))
    }

    /// The document as it is written: the members, then `_aws`.
    fn written(emf: Emf) -> Value {
        let mut doc = emf.members;
        doc.insert("_aws".into(), emf.metadata);
        Value::Object(doc)
    }

    /// The EMF specification's rules for a document, checked one by one;
    /// the names of the metrics it declares with their units.
    fn assert_valid_emf(doc: &Value) -> Vec<(String, Option<String>)> {
        let aws = &doc["_aws"];
        assert!(
            aws["Timestamp"].as_u64().is_some_and(|t| t > 0),
            "Timestamp: {doc}"
        );
        let directives = aws["CloudWatchMetrics"]
            .as_array()
            .expect("CloudWatchMetrics array");
        assert!(!directives.is_empty());
        let mut declared = Vec::new();
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
            assert!(
                !metrics.is_empty() && metrics.len() <= 100,
                "1 to 100 metrics a directive"
            );
            for metric in metrics {
                let name = metric["Name"].as_str().expect("Name");
                assert!(
                    doc[name].is_number(),
                    "metric {name} must be a number member: {doc}"
                );
                let unit = metric.get("Unit").map(|u| u.as_str().expect("a string"));
                assert!(
                    unit.is_none_or(|u| ["Count", "Milliseconds"].contains(&u)),
                    "{unit:?}"
                );
                declared.push((name.to_owned(), unit.map(str::to_owned)));
            }
        }
        declared
    }

    fn hit() -> RequestMetrics {
        RequestMetrics {
            outcome: None,
            status: 200,
            hydration: Some(Hydration::Hit),
            attempts: 1,
            graph_calls: 1,
            latency: Duration::from_micros(21_504),
            graph_latency: Duration::from_micros(20_001),
            ..RequestMetrics::default()
        }
    }

    #[test]
    fn each_kind_of_request_gives_a_valid_document_with_its_values() {
        let miss = RequestMetrics {
            hydration: Some(Hydration::Miss),
            warmup_strategy: Some(WarmupKind::Site),
            warmup_calls: 1,
            graph_calls: 2,
            warmup_latency: Duration::from_millis(9),
            store_latency: Duration::from_micros(3_250),
            ..hit()
        };
        let member = RequestMetrics {
            hydration: Some(Hydration::Member),
            ..hit()
        };
        let exhausted = RequestMetrics {
            outcome: Some(ProblemCode::HydrationExhausted),
            status: 503,
            hydration: Some(Hydration::Miss),
            attempts: 4,
            stale_hit: true,
            ..RequestMetrics::default()
        };
        let no_token = RequestMetrics {
            outcome: Some(ProblemCode::MissingToken),
            status: 401,
            ..RequestMetrics::default()
        };
        let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        for (request, expected, why) in [
            (
                &hit(),
                json!({"Outcome": "ok", "Requests": 1, "Hit": 1, "Latency": 21.5, "GraphLatency": 20.0,
                       "Attempts": 1, "GraphCalls": 1, "ServerError": null, "StoreLatency": null,
                       "WarmupCalls": null, "Strategy": null}),
                "a hit",
            ),
            (
                &miss,
                json!({"Hit": 0, "Strategy": "site", "WarmupCalls": 1, "GraphCalls": 2,
                       "WarmupLatency": 9.0, "StoreLatency": 3.25}),
                "a miss",
            ),
            (
                &member,
                json!({"Hit": null}),
                "a member counts in no hit rate",
            ),
            (
                &exhausted,
                json!({"HydrationExhausted": 1, "ServerError": 1, "Throttled": null, "Attempts": 4,
                       "StaleHit": 1, "Hit": 0, "GraphCalls": null}),
                "a failure",
            ),
            (
                &no_token,
                json!({"Outcome": "missing_token", "Requests": 1, "Latency": 0.0, "Hit": null,
                       "ServerError": null, "Attempts": null}),
                "no token",
            ),
        ] {
            let doc = written(metrics().document(request, now));
            let declared = assert_valid_emf(&doc);
            assert_eq!(doc["_aws"]["Timestamp"], 1_800_000_000_000u64, "{why}");
            assert_eq!(doc["Service"], "share-resolver", "{why}");
            for (key, value) in expected.as_object().unwrap() {
                assert_eq!(&doc[key], value, "{why}: {key} in {doc}");
            }
            // A member that no directive declares is no metric: the
            // members are exactly the dimensions and the declared metrics.
            let dimensions = ["Service", "Outcome", "Strategy", "_aws"];
            for key in doc.as_object().unwrap().keys() {
                assert!(
                    dimensions.contains(&key.as_str()) || declared.iter().any(|(n, _)| n == key),
                    "{why}: undeclared {key} in {doc}"
                );
            }
        }
    }

    #[test]
    fn a_batchs_line_counts_its_inner_requests_and_their_outcomes() {
        let batch = RequestMetrics {
            batch: Some(BatchTally::of([
                (200, None),
                (200, None),
                (429, Some(ProblemCode::Throttled)),
                (502, Some(ProblemCode::GraphUnavailable)),
            ])),
            attempts: 5,
            ..hit()
        };

        let document = written(metrics().document(&batch, SystemTime::now()));

        assert_valid_emf(&document);
        assert_eq!(document["Outcome"], "ok", "the batch's own outcome");
        assert_eq!(document["Requests"], 4);
        assert_eq!(document["Throttled"], 1);
        assert_eq!(document["ServerError"], 1);
        assert_eq!(document["Attempts"], 5);
        assert!(document.get("HydrationExhausted").is_none(), "{document}");
    }

    #[test]
    fn only_the_metrics_an_alarm_reads_carry_a_unit() {
        let everything = RequestMetrics {
            outcome: Some(ProblemCode::HydrationExhausted),
            status: 503,
            hydration: Some(Hydration::Hit),
            warmup_strategy: Some(WarmupKind::Root),
            warmup_calls: 2,
            attempts: 4,
            graph_calls: 6,
            stale_hit: true,
            store_errors: 1,
            store_timeouts: 1,
            latency: Duration::from_secs(3),
            store_latency: Duration::from_millis(1),
            warmup_latency: Duration::from_millis(2),
            graph_latency: Duration::from_millis(3),
            batch: None,
        };
        let throttled = RequestMetrics {
            outcome: Some(ProblemCode::Throttled),
            status: 429,
            ..hit()
        };
        let now = SystemTime::now();
        let mut declared = assert_valid_emf(&written(metrics().document(&everything, now)));
        declared.extend(assert_valid_emf(&written(
            metrics().document(&throttled, now),
        )));
        declared.sort();
        declared.dedup();
        let with_units: Vec<_> = declared
            .iter()
            .filter_map(|(name, unit)| Some((name.as_str(), unit.as_deref()?)))
            .collect();
        assert_eq!(
            with_units,
            [
                ("Hit", "Count"),
                ("HydrationExhausted", "Count"),
                ("Latency", "Milliseconds"),
                ("Requests", "Count"),
                ("ServerError", "Count"),
                ("Throttled", "Count"),
            ]
        );
        assert_eq!(declared.len(), 15, "every metric, once: {declared:?}");
    }
}
