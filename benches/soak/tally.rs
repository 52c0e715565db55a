//! Counting sinks for the service's EMF documents and log lines, the
//! simulator's request log and panics: counts, not copies (keeping every
//! line of 10,000 requests would look like the leak the RSS samples look for).

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;
use share_resolver::metrics::Metrics;

/// What a token's text looks like: a base64url JSON object, and the
/// simulator's two signatures.
pub const TOKEN_MARKERS: [&str; 3] = ["eyJ", "c2ltdWxhdG9yLXNpZ25hdHVyZQ", "Zm9yZ2Vk"];

/// Log lines kept of requests with a 5xx outcome.
const KEPT_LINES: usize = 500;
/// How the 5xx outcomes other than the honest two show in the service's
/// request line: a single request's `Outcome`, or a count in a batch's
/// `outcomes`.
const OTHER_5XX_OUTCOMES: [&str; 4] = [
    "\"Outcome\":\"hydration_exhausted\"",
    "\"Outcome\":\"internal_error\"",
    "\"hydration_exhausted\":",
    "\"internal_error\":",
];

/// The log tally [`LogTally::install`] made: the service's request lines
/// (written through its metrics' sink, as they are its EMF documents too)
/// are log lines as well, and are tallied there.
static LOG_TALLY: OnceLock<Arc<LogTally>> = OnceLock::new();

/// Panics anywhere in the process (the service's tasks included).
pub static PANICS: AtomicU64 = AtomicU64::new(0);

/// Counts every panic into [`PANICS`], then reports it as before.
pub fn count_panics() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, SeqCst);
        default_hook(info);
    }));
}

#[derive(Default)]
pub struct EmfTally {
    pub documents: u64,
    /// Documents of batches, and the requests all documents count (a
    /// batch's line counts its inner requests).
    pub batch_documents: u64,
    pub requests: u64,
    pub graph_calls: u64,
    pub store_errors: u64,
    pub store_timeouts: u64,
    pub unparsable: u64,
    pub outcomes: BTreeMap<String, u64>,
}

#[derive(Default)]
pub struct LogTally {
    pub lines: AtomicU64,
    pub store_failures: Mutex<BTreeMap<String, u64>>,
    pub panics: AtomicU64,
    pub token_text: AtomicU64,
    /// The service's request lines of the other 5xx outcomes, the first few
    /// hundred: what a report shows of an unexpected 5xx.
    pub server_errors: Mutex<Vec<String>>,
}

#[derive(Clone)]
struct LogSink(Arc<LogTally>);

impl std::io::Write for LogSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            self.0.lines.fetch_add(1, SeqCst);
            if TOKEN_MARKERS.iter().any(|m| line.contains(m)) {
                self.0.token_text.fetch_add(1, SeqCst);
            }
            if line.contains("a request panicked") {
                self.0.panics.fetch_add(1, SeqCst);
            }
            if OTHER_5XX_OUTCOMES.iter().any(|o| line.contains(o)) {
                let mut kept = self
                    .0
                    .server_errors
                    .lock()
                    .unwrap_or_else(|e| e.into_inner());
                if kept.len() < KEPT_LINES {
                    kept.push(line.to_owned());
                }
            }
            if line.contains("hydration store call failed") {
                let parsed: Option<Value> = serde_json::from_str(line).ok();
                let op = parsed
                    .as_ref()
                    .and_then(|v| v["op"].as_str())
                    .unwrap_or("?");
                let kind = if line.contains("timed out") {
                    "timeout"
                } else {
                    "error"
                };
                *self
                    .0
                    .store_failures
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .entry(format!("{op} {kind}"))
                    .or_default() += 1;
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogSink {
    type Writer = LogSink;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

impl EmfTally {
    /// The service's metrics, every EMF document tallied into `tally`.
    pub fn metrics(tally: &Arc<Mutex<Self>>, namespace: String) -> Metrics {
        let emf = tally.clone();
        Metrics::with_sink(
            namespace,
            Arc::new(move |line: &str| {
                let mut t = emf.lock().unwrap_or_else(|e| e.into_inner());
                t.documents += 1;
                let Ok(doc) = serde_json::from_str::<Value>(line) else {
                    t.unparsable += 1;
                    return;
                };
                t.graph_calls += doc["GraphCalls"].as_u64().unwrap_or(0);
                t.store_errors += doc["StoreErrors"].as_u64().unwrap_or(0);
                t.store_timeouts += doc["StoreTimeouts"].as_u64().unwrap_or(0);
                t.requests += doc["Requests"].as_u64().unwrap_or(0);
                // A batch's own outcome, then its inner requests' (what the
                // report's outcome table counts).
                if let Some(inner) = doc["outcomes"].as_object() {
                    t.batch_documents += 1;
                    for (outcome, count) in inner {
                        *t.outcomes.entry(outcome.clone()).or_default() +=
                            count.as_u64().unwrap_or(0);
                    }
                } else {
                    let outcome = doc["Outcome"].as_str().unwrap_or("?").to_owned();
                    *t.outcomes.entry(outcome).or_default() += 1;
                }
                if let Some(logs) = LOG_TALLY.get() {
                    let _ = LogSink(logs.clone()).write_all(format!("{line}\n").as_bytes());
                }
            }),
        )
    }
}

impl LogTally {
    /// The process's log subscriber, every line tallied into the result.
    pub fn install() -> Arc<Self> {
        let logs = Arc::new(Self::default());
        share_resolver::telemetry::init_subscriber(share_resolver::telemetry::get_subscriber(
            "info",
            LogSink(logs.clone()),
        ));
        let _ = LOG_TALLY.set(logs.clone());
        logs
    }
}

#[derive(Default)]
pub struct GraphTally {
    /// Round trips: a `$batch` is one, its inner requests are `inner`.
    pub calls: u64,
    pub shares: u64,
    pub batches: u64,
    pub inner: u64,
    pub warmups: u64,
    pub other: u64,
    pub dropped: u64,
    /// Warm-ups answered 429 or 503 (only injected faults answer those here).
    pub faulted_warmups: u64,
}
