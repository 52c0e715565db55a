//! Fault soak (on demand: `scripts/soak.sh`, or `cargo bench --bench soak`
//! with `TEST_DYNAMODB_ENDPOINT` pointing at a local DynamoDB-compatible
//! server such as moto).
//!
//! The real service with production settings (only Graph and SharePoint
//! point at the simulator), its production store (`production_store`: the
//! L1 over `DynamoStore`) on a fresh table reached through the test kit's
//! `FaultProxy`, which this soak switches, against the Graph simulator
//! (20 ms round trip, 150 ms hydration lag, 2 % of the guests never
//! hydrate). Many guests, many requests in flight, faults mixed in over
//! time:
//!
//! * every 100 requests: a 503 with `Retry-After: 1`, a 429 with
//!   `Retry-After: 0.5`, a dropped connection and a 2 s latency spike, each
//!   for the next Graph call of any kind;
//! * a DynamoDB outage (the proxy resets every connection, open ones
//!   included) from 25 % of the requests, and a stall (the proxy accepts,
//!   forwards nothing, open connections freeze) from 60 %, each lasting at
//!   least 10 % of the requests and of the run time (projected from the
//!   pace so far);
//! * 3 % of the requests carry a forged token naming a random real guest.
//!
//! Every request is bounded by a client timeout of the resolve deadline
//! plus 5 s, so a hang is counted, not waited for. At the end the table is
//! read directly (not through the proxy) and checked. Prints a report,
//! writes it to `.tmp/soak/report.txt`, and exits 1 when a target is missed:
//! every request answered by the deadline (+0.5 s), no panic, no 5xx other
//! than `graph_unavailable`, `deadline_exceeded` (and `hydration_exhausted`
//! to a guest that never hydrates: the right answer for them), no record
//! wrongly written, no store write or delete for a forged token's victim,
//! no forged token answered 200. Records lost (a guest that succeeded while
//! the store was healthy but has no record) are reported with their cause,
//! not a target: the store is best-effort by design.
//!
//! Knobs: `SOAK_REQUESTS` (10000), `SOAK_USERS` (500), `SOAK_CONCURRENCY`
//! (50), `SOAK_RTT_MS` (20), `SOAK_LAG_MS` (150), `SOAK_NEVER_PCT` (2),
//! `SOAK_FORGED_PCT` (3), `SOAK_SEED` (1).
//!
//! # Implementation Notes
//! The service is built as `share_resolver_testkit::spawn_service` builds
//! it (`App::with_parts` + `startup::serve`), but with sinks that count
//! instead of keeping every line: the testkit's `MetricsCapture` and `LOGS`
//! keep every EMF document and log line in memory, which over 10,000
//! requests would look exactly like the leak the RSS samples look for. For
//! the same reason the simulator's request log is tallied and emptied every
//! 1,000 requests.
//!
//! A forged request holds its victim's lock exclusively (legitimate
//! requests of that guest hold it shared), so a store write or delete for
//! the victim while it is in flight can only come from the forged request.

use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use graph_sim::token::TokenBuilder;
use graph_sim::{Behaviour, Fault, FaultAction, GraphSimulator, RequestKind, Scenario, SimUser};
use serde_json::Value;
use share_resolver::configuration::Settings;
use share_resolver::hydration::{
    DynamoStore, HydrationRecord, HydrationStore, Put, StoreError, from_item, production_store,
};
use share_resolver::metrics::Metrics;
use share_resolver::startup::{App, serve};
use share_resolver::token::UserKey;
use share_resolver_testkit::{FaultProxy, ProxyMode, SHARE_URL, dynamo, u_id};
use tokio::net::TcpListener;
use tokio::sync::RwLock;

/// Faults are injected every this many requests.
const FAULT_EVERY: usize = 100;
/// The DynamoDB outage (proxy refuses) and stall windows start when this
/// share of the requests (%) has been sent, and each lasts for at least
/// `WINDOW_PCT` % of the requests and of the (projected) run time.
const REFUSE_FROM_PCT: usize = 25;
const STALL_FROM_PCT: usize = 60;
const WINDOW_PCT: usize = 10;
/// "Answered by the deadline" allows this much past it: a `deadline_exceeded`
/// answer comes at the deadline by construction, plus loopback and
/// scheduling time on a shared 2-core machine.
const GRACE: Duration = Duration::from_millis(500);
/// The client gives up this long after the deadline: a hang is counted.
const CLIENT_SLACK: Duration = Duration::from_secs(5);
/// The two honest 5xx problem codes.
const HONEST_5XX: [&str; 2] = ["graph_unavailable", "deadline_exceeded"];
/// What a token's text looks like: a base64url JSON object, and the
/// simulator's two signatures.
const TOKEN_MARKERS: [&str; 3] = ["eyJ", "c2ltdWxhdG9yLXNpZ25hdHVyZQ", "Zm9yZ2Vk"];
/// The attributes a record may have.
const RECORD_ATTRIBUTES: [&str; 5] = ["pk", "hydratedAt", "warmedAt", "expiresAt", "strategy"];

/// Log lines kept of requests with a 5xx outcome.
const KEPT_LINES: usize = 500;
/// How the 5xx outcomes other than the honest two show in the service's
/// request line.
const OTHER_5XX_OUTCOMES: [&str; 2] = [
    "\"outcome\":\"hydration_exhausted\"",
    "\"outcome\":\"internal_error\"",
];

static PANICS: AtomicU64 = AtomicU64::new(0);

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// `field` (e.g. `VmRSS`) of /proc/self/status, in KiB.
fn proc_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn pct(part: u64, whole: u64) -> f64 {
    100.0 * part as f64 / whole.max(1) as f64
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((sorted.len() as f64) * p).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

// ---------------------------------------------------------------------------
// Users, and a store wrapper that audits what the service asks of the store.

struct User {
    key: String,
    token: String,
    forged_token: String,
    never_hydrates: bool,
    /// Legitimate requests hold it shared, a forged one exclusively.
    lock: RwLock<()>,
    forged_in_flight: AtomicBool,
    successes: AtomicU64,
    /// A success whose whole request saw a healthy store.
    healthy_success: AtomicBool,
    puts_ok: AtomicU64,
    puts_failed: AtomicU64,
    forgets: AtomicU64,
    /// Warm-ups of this guest that Graph answered 429 or 503 (a fault).
    faulted_warmups: AtomicU64,
    /// Answers of this guest's own requests that were an own 5xx.
    own_5xx: AtomicU64,
}

#[derive(Default)]
struct OpStats {
    calls: AtomicU64,
    ok: AtomicU64,
    failed: AtomicU64,
    /// Dropped before finishing: the service's store timeout cut it.
    cancelled: AtomicU64,
}

impl OpStats {
    fn line(&self, name: &str) -> String {
        format!(
            "{name:<8} {:>7} {:>7} {:>7} {:>13}",
            self.calls.load(SeqCst),
            self.ok.load(SeqCst),
            self.failed.load(SeqCst),
            self.cancelled.load(SeqCst)
        )
    }
}

struct Audit {
    users: Vec<User>,
    index: HashMap<String, usize>,
    get: OpStats,
    put: OpStats,
    forget: OpStats,
    /// Puts or forgets for a user while a forged request of theirs was in flight.
    forged_window_writes: AtomicU64,
    /// Puts for a `pk` that is no soak user.
    unknown_user_writes: AtomicU64,
}

/// One store call being watched; dropping it unfinished counts a cancellation.
struct Watch<'a> {
    stats: &'a OpStats,
    user_failed: Option<&'a AtomicU64>,
    done: bool,
}

impl<'a> Watch<'a> {
    fn new(stats: &'a OpStats, user_failed: Option<&'a AtomicU64>) -> Self {
        stats.calls.fetch_add(1, SeqCst);
        Self {
            stats,
            user_failed,
            done: false,
        }
    }

    fn finish(mut self, ok: bool) {
        self.done = true;
        if ok {
            self.stats.ok.fetch_add(1, SeqCst);
        } else {
            self.stats.failed.fetch_add(1, SeqCst);
            if let Some(failed) = self.user_failed {
                failed.fetch_add(1, SeqCst);
            }
        }
    }
}

impl Drop for Watch<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.stats.cancelled.fetch_add(1, SeqCst);
            if let Some(failed) = self.user_failed {
                failed.fetch_add(1, SeqCst);
            }
        }
    }
}

/// The production store, audited: a pass-through like the testkit's
/// `CountingStore`, that notes per user what was written and how it went.
struct Audited {
    inner: Arc<dyn HydrationStore>,
    audit: Arc<Audit>,
}

impl Audited {
    fn user(&self, key: &UserKey) -> Option<&User> {
        let user = self
            .audit
            .index
            .get(&key.to_string())
            .map(|&i| &self.audit.users[i]);
        match user {
            None => {
                self.audit.unknown_user_writes.fetch_add(1, SeqCst);
            }
            Some(u) if u.forged_in_flight.load(SeqCst) => {
                self.audit.forged_window_writes.fetch_add(1, SeqCst);
            }
            Some(_) => {}
        }
        user
    }
}

#[async_trait]
impl HydrationStore for Audited {
    async fn get(&self, key: &UserKey) -> Result<Option<HydrationRecord>, StoreError> {
        let watch = Watch::new(&self.audit.get, None);
        let result = self.inner.get(key).await;
        watch.finish(result.is_ok());
        result
    }

    async fn put(&self, record: &HydrationRecord) -> Result<Put, StoreError> {
        let user = self.user(&record.user);
        let watch = Watch::new(&self.audit.put, user.map(|u| &u.puts_failed));
        let result = self.inner.put(record).await;
        watch.finish(result.is_ok());
        if let (Some(user), Ok(_)) = (user, &result) {
            user.puts_ok.fetch_add(1, SeqCst);
        }
        result
    }

    async fn forget(&self, key: &UserKey) -> Result<(), StoreError> {
        let user = self.user(key);
        if let Some(user) = user {
            user.forgets.fetch_add(1, SeqCst);
        }
        let watch = Watch::new(&self.audit.forget, None);
        let result = self.inner.forget(key).await;
        watch.finish(result.is_ok());
        result
    }

    fn name(&self) -> &'static str {
        self.inner.name()
    }
}

/// DynamoDB calls by the proxy's mode: `pass`, `refused`, `stalled` when it
/// was the same from the call's start to its end, else `mode changed`.
/// Per row: calls, ok, error, cut (dropped unfinished), total microseconds;
/// and the errors by kind.
#[derive(Default)]
struct ByMode {
    rows: [[AtomicU64; 5]; 4],
    errors: Mutex<BTreeMap<String, u64>>,
}

const MODE_ROWS: [&str; 4] = ["pass", "refused", "stalled", "mode changed"];

impl ByMode {
    fn row(&self, row: usize) -> String {
        let v: Vec<u64> = self.rows[row].iter().map(|a| a.load(SeqCst)).collect();
        format!(
            "{:<13} {:>7} {:>7} {:>7} {:>7} {:>8.1}",
            MODE_ROWS[row],
            v[0],
            v[1],
            v[2],
            v[3],
            v[4] as f64 / 1000.0 / v[0].max(1) as f64
        )
    }
}

/// `DynamoStore` under the L1, noting each call by the proxy's mode.
struct DynamoCalls {
    inner: DynamoStore,
    proxy: Arc<FaultProxy>,
    stats: Arc<ByMode>,
}

/// One DynamoDB call being timed; dropped unfinished, it counts as cut.
struct Timed<'a> {
    calls: &'a DynamoCalls,
    mode: ProxyMode,
    epoch: u64,
    started: Instant,
    /// 1 ok, 2 error; 3 (cut) while unfinished.
    outcome: usize,
}

impl<'a> Timed<'a> {
    fn new(calls: &'a DynamoCalls) -> Self {
        Self {
            epoch: calls.proxy.epoch(),
            mode: calls.proxy.mode(),
            calls,
            started: Instant::now(),
            outcome: 3,
        }
    }

    fn finish<T>(mut self, result: &Result<T, StoreError>) {
        self.outcome = if result.is_ok() { 1 } else { 2 };
        if let Err(e) = result {
            let key = format!("{}: {}", MODE_ROWS[self.row()], error_chain(e));
            let mut errors = self
                .calls
                .stats
                .errors
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            let key = if errors.len() < 40 || errors.contains_key(&key) {
                key
            } else {
                "(more kinds)".to_owned()
            };
            *errors.entry(key).or_default() += 1;
        }
    }

    fn row(&self) -> usize {
        if self.calls.proxy.epoch() != self.epoch {
            return 3;
        }
        match self.mode {
            ProxyMode::Pass => 0,
            ProxyMode::Refuse => 1,
            ProxyMode::Stall => 2,
        }
    }
}

/// An error and its first causes, short: what kind of failure it was.
fn error_chain(e: &StoreError) -> String {
    let mut parts = Vec::new();
    let mut next: Option<&dyn std::error::Error> = Some(e);
    while let Some(error) = next {
        if parts.len() == 4 {
            break;
        }
        parts.push(error.to_string().chars().take(80).collect::<String>());
        next = error.source();
    }
    parts.join(" <- ")
}

impl Drop for Timed<'_> {
    fn drop(&mut self) {
        let row = &self.calls.stats.rows[self.row()];
        row[0].fetch_add(1, SeqCst);
        row[self.outcome].fetch_add(1, SeqCst);
        let micros = u64::try_from(self.started.elapsed().as_micros()).unwrap_or(u64::MAX);
        row[4].fetch_add(micros, SeqCst);
    }
}

#[async_trait]
impl HydrationStore for DynamoCalls {
    async fn get(&self, key: &UserKey) -> Result<Option<HydrationRecord>, StoreError> {
        let timed = Timed::new(self);
        let result = self.inner.get(key).await;
        timed.finish(&result);
        result
    }

    async fn put(&self, record: &HydrationRecord) -> Result<Put, StoreError> {
        let timed = Timed::new(self);
        let result = self.inner.put(record).await;
        timed.finish(&result);
        result
    }

    async fn forget(&self, key: &UserKey) -> Result<(), StoreError> {
        let timed = Timed::new(self);
        let result = self.inner.forget(key).await;
        timed.finish(&result);
        result
    }

    fn name(&self) -> &'static str {
        self.inner.name()
    }
}

// ---------------------------------------------------------------------------
// Counting sinks for the service's EMF documents and log lines.

#[derive(Default)]
struct EmfTally {
    documents: u64,
    graph_calls: u64,
    store_errors: u64,
    store_timeouts: u64,
    unparsable: u64,
    outcomes: BTreeMap<String, u64>,
}

#[derive(Default)]
struct LogTally {
    lines: AtomicU64,
    store_failures: Mutex<BTreeMap<String, u64>>,
    panics: AtomicU64,
    token_text: AtomicU64,
    /// The service's request lines of the other 5xx outcomes, the first few
    /// hundred: what a report shows of an unexpected 5xx.
    server_errors: Mutex<Vec<String>>,
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

// ---------------------------------------------------------------------------
// The run.

struct Config {
    requests: usize,
    users: usize,
    concurrency: usize,
    rtt: Duration,
    lag: Duration,
    never_pct: usize,
    forged_pct: usize,
    seed: u64,
}

#[derive(Default)]
struct GraphTally {
    calls: u64,
    shares: u64,
    warmups: u64,
    other: u64,
    dropped: u64,
    /// Warm-ups answered 429 or 503 (only injected faults answer those here).
    faulted_warmups: u64,
}

/// Per problem code: normal guests, never-hydrating guests, forged tokens.
type Codes = BTreeMap<String, [u64; 3]>;

#[derive(Default)]
struct Results {
    answered: u64,
    in_time: u64,
    successes: u64,
    own_5xx: u64,
    own_5xx_codes: BTreeMap<String, u64>,
    /// The first few own 5xx: user key, latency (ms), body.
    own_5xx_examples: Vec<(String, f64, String)>,
    forged: u64,
    forged_ok: u64,
    codes: Codes,
    latencies: Vec<f64>,
    success_latencies: Vec<f64>,
    max_latency: f64,
}

struct Soak {
    cfg: Config,
    deadline: Duration,
    audit: Arc<Audit>,
    graph: GraphSimulator,
    proxy: Arc<FaultProxy>,
    client: reqwest::Client,
    url: String,
    next: AtomicUsize,
    done: AtomicUsize,
    started: Instant,
    results: Mutex<Results>,
    graph_tally: Mutex<GraphTally>,
    rss: Mutex<Vec<(usize, u64)>>,
    /// Proxy mode changes: the mode, when, at which request.
    windows: Mutex<Vec<(ProxyMode, Instant, usize)>>,
    faults_injected: AtomicU64,
}

impl Soak {
    /// What happens when request `i` is dispatched: faults, store windows.
    fn schedule(&self, i: usize) {
        if i > 0 && i.is_multiple_of(FAULT_EVERY) {
            for action in [
                FaultAction::Status {
                    status: 503,
                    retry_after: Some("1".to_owned()),
                },
                FaultAction::Status {
                    status: 429,
                    retry_after: Some("0.5".to_owned()),
                },
                FaultAction::DropConnection,
                FaultAction::Delay(Duration::from_secs(2)),
            ] {
                self.graph.inject(Fault::any(action));
                self.faults_injected.fetch_add(1, SeqCst);
            }
        }
        let n = self.cfg.requests;
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let (mode, since, since_i) =
            windows
                .last()
                .copied()
                .unwrap_or((ProxyMode::Pass, self.started, 0));
        let change = match mode {
            ProxyMode::Pass if windows.is_empty() && i >= n * REFUSE_FROM_PCT / 100 => {
                Some(ProxyMode::Refuse)
            }
            ProxyMode::Pass
                if windows.iter().all(|w| w.0 != ProxyMode::Stall)
                    && i >= n * STALL_FROM_PCT / 100 =>
            {
                Some(ProxyMode::Stall)
            }
            // A window ends once it has lasted `WINDOW_PCT` % of the
            // requests and of the run time projected from the pace so far.
            ProxyMode::Refuse | ProxyMode::Stall => {
                let projected = self.started.elapsed().mul_f64(n as f64 / (i + 1) as f64);
                let long_enough = (i - since_i) * 100 >= n * WINDOW_PCT
                    && since.elapsed() >= projected.mul_f64(WINDOW_PCT as f64 / 100.0);
                let stall_due = mode == ProxyMode::Refuse && i >= n * STALL_FROM_PCT / 100;
                (long_enough || stall_due).then_some(ProxyMode::Pass)
            }
            ProxyMode::Pass => None,
        };
        if let Some(mode) = change {
            self.proxy.set(mode);
            windows.push((mode, Instant::now(), i));
        }
    }

    async fn worker(self: Arc<Self>, id: u64) {
        let mut rng = fastrand::Rng::with_seed(self.cfg.seed.wrapping_mul(1000) + id);
        loop {
            let i = self.next.fetch_add(1, SeqCst);
            if i >= self.cfg.requests {
                return;
            }
            self.schedule(i);
            let forged = rng.usize(..100) < self.cfg.forged_pct;
            let user = rng.usize(..self.audit.users.len());
            self.one(user, forged).await;
            let done = self.done.fetch_add(1, SeqCst) + 1;
            if done.is_multiple_of(1000) {
                self.drain_graph_log();
                let rss = proc_kib("VmRSS:");
                self.rss
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((done, rss));
                eprintln!(
                    "soak: {done}/{} requests, {:.1} s, store {:?}, RSS {rss} KiB",
                    self.cfg.requests,
                    self.started.elapsed().as_secs_f64(),
                    self.proxy.mode()
                );
            }
        }
    }

    async fn one(&self, index: usize, forged: bool) {
        let user = &self.audit.users[index];
        // Held for the whole request; see the module notes.
        let (_shared, _exclusive) = if forged {
            let guard = user.lock.write().await;
            user.forged_in_flight.store(true, SeqCst);
            (None, Some(guard))
        } else {
            (Some(user.lock.read().await), None)
        };
        let token = if forged {
            &user.forged_token
        } else {
            &user.token
        };
        let epoch = self.proxy.epoch();
        let mode = self.proxy.mode();
        let started = Instant::now();
        let mut body_text = String::new();
        let (status, code) = match self.client.get(&self.url).bearer_auth(token).send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                match response.bytes().await {
                    Ok(body) if status == 200 && !body.is_empty() => (status, "ok".to_owned()),
                    Ok(body) => {
                        body_text = String::from_utf8_lossy(&body).into_owned();
                        (status, problem_code(status, &body))
                    }
                    Err(e) if e.is_timeout() => (0, "no_answer_client_timeout".to_owned()),
                    Err(_) => (0, "no_answer_body_broken".to_owned()),
                }
            }
            Err(e) if e.is_timeout() => (0, "no_answer_client_timeout".to_owned()),
            Err(_) => (0, "no_answer_connection".to_owned()),
        };
        let latency = started.elapsed();
        if forged {
            user.forged_in_flight.store(false, SeqCst);
        }
        let healthy = mode == ProxyMode::Pass && self.proxy.epoch() == epoch;
        if status == 200 && !forged {
            user.successes.fetch_add(1, SeqCst);
            if healthy {
                user.healthy_success.store(true, SeqCst);
            }
        }

        let mut r = self.results.lock().unwrap_or_else(|e| e.into_inner());
        let column = match (forged, user.never_hydrates) {
            (true, _) => 2,
            (false, true) => 1,
            (false, false) => 0,
        };
        r.codes.entry(code.clone()).or_default()[column] += 1;
        if forged {
            r.forged += 1;
            if status == 200 {
                r.forged_ok += 1;
            }
        }
        if status == 0 {
            return;
        }
        let latency_ms = ms(latency);
        r.answered += 1;
        r.latencies.push(latency_ms);
        r.max_latency = r.max_latency.max(latency_ms);
        if latency <= self.deadline + GRACE {
            r.in_time += 1;
        }
        if status == 200 && !forged {
            r.successes += 1;
            r.success_latencies.push(latency_ms);
        }
        let honest = HONEST_5XX.contains(&code.as_str())
            || (code == "hydration_exhausted" && user.never_hydrates && !forged);
        if status >= 500 && !honest {
            user.own_5xx.fetch_add(1, SeqCst);
            r.own_5xx += 1;
            *r.own_5xx_codes.entry(code).or_default() += 1;
            if r.own_5xx_examples.len() < 3 {
                r.own_5xx_examples
                    .push((user.key.clone(), latency_ms, body_text));
            }
        }
    }

    /// Tallies the simulator's request log, then empties it.
    fn drain_graph_log(&self) {
        let mut tally = self.graph_tally.lock().unwrap_or_else(|e| e.into_inner());
        let requests = self.graph.requests();
        self.graph.clear_requests();
        for request in requests.iter().filter(|r| r.kind != RequestKind::Admin) {
            tally.calls += 1;
            if request.kind == RequestKind::Shares {
                tally.shares += 1;
            } else if request.kind.is_warmup() {
                tally.warmups += 1;
                if matches!(request.status, 429 | 503) {
                    tally.faulted_warmups += 1;
                    let user = request.user.as_ref().and_then(|u| self.audit.index.get(u));
                    if let Some(&i) = user {
                        self.audit.users[i].faulted_warmups.fetch_add(1, SeqCst);
                    }
                }
            } else {
                tally.other += 1;
            }
            if request.status == 0 {
                tally.dropped += 1;
            }
        }
    }
}

fn problem_code(status: u16, body: &[u8]) -> String {
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v["code"].as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("http_{status}_not_a_problem"))
}

/// What is wrong with one table item, if anything.
fn wrong_record(item: &HashMap<String, AttributeValue>, audit: &Audit) -> Option<&'static str> {
    if item
        .keys()
        .any(|k| !RECORD_ATTRIBUTES.contains(&k.as_str()))
    {
        return Some("an attribute other than pk/hydratedAt/warmedAt/expiresAt/strategy");
    }
    for value in item.values() {
        let text = match value {
            AttributeValue::S(s) | AttributeValue::N(s) => s,
            _ => return Some("an attribute of an unexpected type"),
        };
        if text.len() > 100 || TOKEN_MARKERS.iter().any(|m| text.contains(m)) {
            return Some("token text");
        }
    }
    if from_item(item).is_err() {
        return Some("malformed");
    }
    let Some(AttributeValue::S(pk)) = item.get("pk") else {
        return Some("malformed");
    };
    match audit.index.get(pk) {
        None => Some("not a soak user"),
        Some(&i) if audit.users[i].successes.load(SeqCst) == 0 => {
            Some("a user who never succeeded")
        }
        Some(_) => None,
    }
}

async fn scan(raw: &aws_sdk_dynamodb::Client, table: &str) -> Vec<HashMap<String, AttributeValue>> {
    let mut items = Vec::new();
    let mut start = None;
    loop {
        let page = raw
            .scan()
            .table_name(table)
            .set_exclusive_start_key(start)
            .send()
            .await
            .expect("scan the table directly");
        items.extend(page.items().iter().cloned());
        start = page.last_evaluated_key().cloned();
        if start.is_none() {
            return items;
        }
    }
}

/// One report line: what, value, target, verdict.
fn check(
    out: &mut String,
    failed: &mut Vec<String>,
    name: &str,
    value: String,
    target: &str,
    ok: bool,
) {
    let verdict = if target.is_empty() {
        ""
    } else if ok {
        "ok"
    } else {
        "MISSED"
    };
    out.push_str(&format!("{name:<54} {value:<24} {target:<8} {verdict}\n"));
    if !target.is_empty() && !ok {
        failed.push(name.to_owned());
    }
}

#[tokio::main]
async fn main() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, SeqCst);
        default_hook(info);
    }));
    let cfg = Config {
        requests: env_usize("SOAK_REQUESTS", 10_000),
        users: env_usize("SOAK_USERS", 500).max(1),
        concurrency: env_usize("SOAK_CONCURRENCY", 50).max(1),
        rtt: Duration::from_millis(env_usize("SOAK_RTT_MS", 20) as u64),
        lag: Duration::from_millis(env_usize("SOAK_LAG_MS", 150) as u64),
        never_pct: env_usize("SOAK_NEVER_PCT", 2).min(100),
        forged_pct: env_usize("SOAK_FORGED_PCT", 3).min(100),
        seed: env_usize("SOAK_SEED", 1) as u64,
    };

    let logs = Arc::new(LogTally::default());
    share_resolver::telemetry::init_subscriber(share_resolver::telemetry::get_subscriber(
        "info",
        LogSink(logs.clone()),
    ));

    // The table, and a raw client straight to the server (not the proxy).
    let (raw, table) = dynamo::fresh_table().await;
    let proxy = FaultProxy::in_front_of(&dynamo::endpoint()).await;

    // Guests: `never` of them never hydrate.
    let never = (cfg.users * cfg.never_pct).div_ceil(100);
    let users: Vec<User> = (0..cfg.users)
        .map(|i| {
            let tid = uuid::Uuid::new_v4().to_string();
            let oid = uuid::Uuid::new_v4().to_string();
            let builder = TokenBuilder::guest(&tid, &oid);
            User {
                key: format!("{tid}#{oid}"),
                token: builder.build(),
                forged_token: builder.build_forged(),
                never_hydrates: i < never,
                lock: RwLock::new(()),
                forged_in_flight: AtomicBool::new(false),
                successes: AtomicU64::new(0),
                healthy_success: AtomicBool::new(false),
                puts_ok: AtomicU64::new(0),
                puts_failed: AtomicU64::new(0),
                forgets: AtomicU64::new(0),
                faulted_warmups: AtomicU64::new(0),
                own_5xx: AtomicU64::new(0),
            }
        })
        .collect();
    let mut scenario = Scenario {
        latency: cfg.rtt,
        hydration_lag: cfg.lag,
        ..Scenario::demo()
    };
    for user in &users {
        let (tid, oid) = user.key.split_once('#').expect("tid#oid");
        let sim = SimUser::guest(tid, oid);
        scenario.users.push(if user.never_hydrates {
            sim.with(Behaviour::NeverHydrates)
        } else {
            sim
        });
    }
    let audit = Arc::new(Audit {
        index: users
            .iter()
            .enumerate()
            .map(|(i, u)| (u.key.clone(), i))
            .collect(),
        users,
        get: OpStats::default(),
        put: OpStats::default(),
        forget: OpStats::default(),
        forged_window_writes: AtomicU64::new(0),
        unknown_user_writes: AtomicU64::new(0),
    });

    // The service: production settings, only Graph and SharePoint (and
    // the table) changed; the production store over the proxy.
    let graph = GraphSimulator::start(scenario).await.expect("simulator");
    let settings = Settings {
        graph_base_url: graph.base_url(),
        sharepoint_override: Some(format!("http://{}", graph.addr())),
        hydration_table: Some(table.clone()),
        ..Settings::default()
    };
    let store_client = dynamo::local_client(proxy.url(), settings.store_timeout).await;
    let dynamo_calls = Arc::new(ByMode::default());
    let dynamo_store = DynamoCalls {
        inner: DynamoStore::new(store_client, table.clone()),
        proxy: proxy.clone(),
        stats: dynamo_calls.clone(),
    };
    let store = Arc::new(Audited {
        inner: production_store(dynamo_store),
        audit: audit.clone(),
    });
    let emf = Arc::new(Mutex::new(EmfTally::default()));
    let metrics = {
        let emf = emf.clone();
        Metrics::with_sink(
            settings.metrics_namespace.clone(),
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
                let outcome = doc["Outcome"].as_str().unwrap_or("?").to_owned();
                *t.outcomes.entry(outcome).or_default() += 1;
            }),
        )
    };
    let app = App::with_parts(&settings, store, metrics).expect("app builds");
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind service");
    let address = format!("http://{}", listener.local_addr().expect("service address"));
    tokio::spawn(serve(listener, app.router));

    let deadline = settings.resolve_deadline;
    let soak = Arc::new(Soak {
        deadline,
        audit: audit.clone(),
        graph: graph.clone(),
        proxy: proxy.clone(),
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(deadline + CLIENT_SLACK)
            .build()
            .expect("client"),
        url: format!("{address}/v1/shares/{}/driveItem", u_id(SHARE_URL)),
        next: AtomicUsize::new(0),
        done: AtomicUsize::new(0),
        started: Instant::now(),
        results: Mutex::new(Results {
            latencies: Vec::with_capacity(cfg.requests),
            success_latencies: Vec::with_capacity(cfg.requests),
            ..Results::default()
        }),
        graph_tally: Mutex::new(GraphTally::default()),
        rss: Mutex::new(vec![(0, proc_kib("VmRSS:"))]),
        windows: Mutex::new(Vec::new()),
        faults_injected: AtomicU64::new(0),
        cfg,
    });
    eprintln!(
        "soak: {} requests from {} guests ({never} never hydrate), {} in flight, table {table}",
        soak.cfg.requests, soak.cfg.users, soak.cfg.concurrency
    );

    let started = soak.started;
    let workers: Vec<_> = (0..soak.cfg.concurrency)
        .map(|id| tokio::spawn(soak.clone().worker(id as u64)))
        .collect();
    let mut worker_panics = 0;
    for worker in workers {
        worker_panics += u64::from(worker.await.is_err());
    }
    let elapsed = started.elapsed();
    soak.proxy.set(ProxyMode::Pass);
    soak.drain_graph_log();
    let final_rss = proc_kib("VmRSS:");
    let peak_rss = proc_kib("VmHWM:");

    // The table, read directly.
    let items = scan(&raw, &table).await;
    let mut wrong: BTreeMap<&str, u64> = BTreeMap::new();
    let mut present = std::collections::HashSet::new();
    for item in &items {
        if let Some(reason) = wrong_record(item, &audit) {
            *wrong.entry(reason).or_default() += 1;
        }
        if let Some(AttributeValue::S(pk)) = item.get("pk") {
            present.insert(pk.clone());
        }
    }
    let wrongly_written: u64 = wrong.values().sum();
    let succeeded = audit
        .users
        .iter()
        .filter(|u| u.successes.load(SeqCst) > 0)
        .count();
    let mut lost: BTreeMap<&str, u64> = BTreeMap::new();
    for user in &audit.users {
        if !user.healthy_success.load(SeqCst) || present.contains(&user.key) {
            continue;
        }
        let reason = if user.puts_ok.load(SeqCst) > 0 && user.forgets.load(SeqCst) > 0 {
            "written, then deleted (forget)"
        } else if user.puts_ok.load(SeqCst) > 0 {
            "UNEXPLAINED: a put returned Ok"
        } else if user.puts_failed.load(SeqCst) > 0 {
            "best-effort put failed or timed out; later successes were L1 hits"
        } else {
            "no put reached the store"
        };
        *lost.entry(reason).or_default() += 1;
    }
    let records_lost: u64 = lost.values().sum();

    // The report.
    let r = soak.results.lock().unwrap_or_else(|e| e.into_inner());
    let g = soak.graph_tally.lock().unwrap_or_else(|e| e.into_inner());
    let emf = emf.lock().unwrap_or_else(|e| e.into_inner());
    let cfg = &soak.cfg;
    let n = cfg.requests as u64;
    let mut latencies = r.latencies.clone();
    latencies.sort_by(f64::total_cmp);
    let mut success_latencies = r.success_latencies.clone();
    success_latencies.sort_by(f64::total_cmp);
    let panics = PANICS.load(SeqCst) + logs.panics.load(SeqCst) + worker_panics;
    let mut out = String::new();
    let mut failed = Vec::new();

    out.push_str(&format!(
        "share-resolver fault soak: {} requests from {} guests ({never} never hydrate), {} in flight, \
         {} % forged; Graph RTT {} ms, hydration lag {} ms; deadline {} s, client timeout {} s\n",
        cfg.requests,
        cfg.users,
        cfg.concurrency,
        cfg.forged_pct,
        cfg.rtt.as_millis(),
        cfg.lag.as_millis(),
        deadline.as_secs_f64(),
        (deadline + CLIENT_SLACK).as_secs_f64(),
    ));
    out.push_str(&format!(
        "ran {:.1} s ({:.0} requests/s); {} Graph faults injected (every {FAULT_EVERY} requests: 503 Retry-After 1, 429 Retry-After 0.5, dropped connection, 2 s delay)\n",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64().max(1e-9),
        soak.faults_injected.load(SeqCst)
    ));
    {
        let windows = soak.windows.lock().unwrap_or_else(|e| e.into_inner());
        let mut line = String::from("DynamoDB windows (through the proxy):");
        let end_of_run = (ProxyMode::Pass, started + elapsed, cfg.requests);
        for (i, &(mode, start, start_i)) in windows.iter().enumerate() {
            if mode == ProxyMode::Pass {
                continue;
            }
            let (_, end, end_i) = windows.get(i + 1).copied().unwrap_or(end_of_run);
            let lasted = end.duration_since(start).as_secs_f64();
            line.push_str(&format!(
                " {} from {:.1} s for {lasted:.1} s ({:.0} % of the run time, requests {start_i}..{end_i});",
                if mode == ProxyMode::Refuse { "refused" } else { "stalled" },
                start.duration_since(started).as_secs_f64(),
                100.0 * lasted / elapsed.as_secs_f64(),
            ));
        }
        out.push_str(&line);
        out.push_str(&format!(" {} proxy connections\n\n", soak.proxy.accepted()));
    }

    out.push_str(&format!(
        "{:<54} {:<24} {:<8} {}\n",
        "measure", "value", "target", "verdict"
    ));
    check(&mut out, &mut failed, "requests", n.to_string(), "", true);
    check(
        &mut out,
        &mut failed,
        &format!(
            "answered by the deadline ({} s + {} ms)",
            deadline.as_secs(),
            GRACE.as_millis()
        ),
        format!("{} ({:.2} %)", r.in_time, pct(r.in_time, n)),
        "100 %",
        r.in_time == n,
    );
    check(
        &mut out,
        &mut failed,
        "successes (% of all; of legitimate tokens)",
        format!(
            "{} ({:.2} %; {:.2} %)",
            r.successes,
            pct(r.successes, n),
            pct(r.successes, n - r.forged)
        ),
        "",
        true,
    );
    check(
        &mut out,
        &mut failed,
        "panics",
        panics.to_string(),
        "0",
        panics == 0,
    );
    check(
        &mut out,
        &mut failed,
        "own 5xx (not graph_unavailable/deadline_exceeded)",
        format!(
            "{}{}",
            r.own_5xx,
            if r.own_5xx_codes.is_empty() {
                String::new()
            } else {
                format!(" {:?}", r.own_5xx_codes)
            }
        ),
        "0",
        r.own_5xx == 0,
    );
    let never_exhausted = r.codes.get("hydration_exhausted").map_or(0, |c| c[1]);
    if never_exhausted > 0 {
        out.push_str(&format!(
            "    not counted: {never_exhausted} hydration_exhausted to never-hydrating guests (the right answer for them)\n"
        ));
    }
    if r.own_5xx > 0 {
        let after_faulted_warmup: u64 = soak
            .audit
            .users
            .iter()
            .filter(|u| u.faulted_warmups.load(SeqCst) > 0)
            .map(|u| u.own_5xx.load(SeqCst))
            .sum();
        out.push_str(&format!(
            "    {after_faulted_warmup} of them from guests one of whose warm-ups Graph answered 429/503 (an injected fault; {} such warm-ups in all)\n",
            g.faulted_warmups
        ));
    }
    check(
        &mut out,
        &mut failed,
        "records wrongly written",
        format!(
            "{wrongly_written}{}",
            if wrong.is_empty() {
                String::new()
            } else {
                format!(" {wrong:?}")
            }
        ),
        "0",
        wrongly_written == 0,
    );
    let forged_writes = soak.audit.forged_window_writes.load(SeqCst);
    check(
        &mut out,
        &mut failed,
        "store writes/deletes for a forged request's victim",
        forged_writes.to_string(),
        "0",
        forged_writes == 0,
    );
    check(
        &mut out,
        &mut failed,
        "forged tokens answered 200",
        format!("{} of {}", r.forged_ok, r.forged),
        "0",
        r.forged_ok == 0,
    );
    check(
        &mut out,
        &mut failed,
        "records lost (healthy-store success, no record)",
        format!("{records_lost}"),
        "",
        true,
    );
    for (reason, count) in &lost {
        out.push_str(&format!("    {count} {reason}\n"));
    }
    check(
        &mut out,
        &mut failed,
        "latency p50 / p90 / p99 / max, all answers (ms)",
        format!(
            "{:.0} / {:.0} / {:.0} / {:.0}",
            percentile(&latencies, 0.5),
            percentile(&latencies, 0.9),
            percentile(&latencies, 0.99),
            r.max_latency
        ),
        "",
        true,
    );
    check(
        &mut out,
        &mut failed,
        "latency p50 / p99, successes (ms)",
        format!(
            "{:.0} / {:.0}",
            percentile(&success_latencies, 0.5),
            percentile(&success_latencies, 0.99)
        ),
        "",
        true,
    );
    check(
        &mut out,
        &mut failed,
        "Graph calls per success (simulator log)",
        format!("{:.2}", g.calls as f64 / r.successes.max(1) as f64),
        "",
        true,
    );
    out.push_str(&format!(
        "    {} Graph calls: {} /shares, {} warm-ups, {} other, {} with status 0 (dropped by a fault, or in flight when the log was tallied), {} warm-ups answered 429/503 (a fault); service's own count (EMF GraphCalls) {}\n",
        g.calls, g.shares, g.warmups, g.other, g.dropped, g.faulted_warmups, emf.graph_calls
    ));
    check(
        &mut out,
        &mut failed,
        "peak RSS (VmHWM), whole process",
        format!("{peak_rss} KiB"),
        "",
        true,
    );
    {
        let rss = soak.rss.lock().unwrap_or_else(|e| e.into_inner());
        let samples: Vec<String> = rss
            .iter()
            .map(|(done, kib)| format!("{done}:{}", kib / 1024))
            .chain(std::iter::once(format!("final:{}", final_rss / 1024)))
            .collect();
        out.push_str(&format!(
            "    RSS MiB by requests done: {}\n",
            samples.join(" ")
        ));
    }

    out.push_str(&format!(
        "\n{:<34} {:>7} {:>7} {:>7} {:>7} {:>7}\n",
        "outcome", "total", "%", "normal", "never", "forged"
    ));
    for (code, [normal, never_col, forged_col]) in &r.codes {
        let total = normal + never_col + forged_col;
        out.push_str(&format!(
            "{code:<34} {total:>7} {:>6.2}% {normal:>7} {never_col:>7} {forged_col:>7}\n",
            pct(total, n)
        ));
    }

    out.push_str(&format!(
        "\nstore calls as the service made them (in front of the L1, hits included)\n{:<8} {:>7} {:>7} {:>7} {:>13}\n{}\n{}\n{}\n",
        "op", "calls", "ok", "error", format!("cut ({} ms)", settings.store_timeout.as_millis()),
        soak.audit.get.line("get"),
        soak.audit.put.line("put"),
        soak.audit.forget.line("forget"),
    ));
    out.push_str(&format!(
        "\nDynamoDB calls (under the L1) by proxy mode during the call\n{:<13} {:>7} {:>7} {:>7} {:>7} {:>8}\n{}\n{}\n{}\n{}\n",
        "mode", "calls", "ok", "error", "cut", "mean ms",
        dynamo_calls.row(0),
        dynamo_calls.row(1),
        dynamo_calls.row(2),
        dynamo_calls.row(3),
    ));
    for (kind, count) in dynamo_calls
        .errors
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
    {
        out.push_str(&format!("    {count} error(s) {kind}\n"));
    }
    out.push_str(&format!(
        "EMF: {} documents ({} unparsable), StoreErrors {}, StoreTimeouts {}; logs: {} lines, store warnings {:?}, lines with token text {}\n",
        emf.documents,
        emf.unparsable,
        emf.store_errors,
        emf.store_timeouts,
        logs.lines.load(SeqCst),
        logs.store_failures.lock().unwrap_or_else(|e| e.into_inner()),
        logs.token_text.load(SeqCst),
    ));
    out.push_str(&format!(
        "table {table}: {} records; {succeeded} guests succeeded at least once, {} with a success while the store was healthy; {} writes for unknown users\n",
        items.len(),
        soak.audit
            .users
            .iter()
            .filter(|u| u.healthy_success.load(SeqCst))
            .count(),
        soak.audit.unknown_user_writes.load(SeqCst),
    ));
    if !r.own_5xx_examples.is_empty() {
        out.push_str("\nown 5xx, first examples (answer, then the service's request lines of that user with a 5xx outcome):\n");
        let kept = logs.server_errors.lock().unwrap_or_else(|e| e.into_inner());
        for (key, latency, body) in &r.own_5xx_examples {
            out.push_str(&format!("  user {key}, {latency:.0} ms: {body}\n"));
            for line in kept.iter().filter(|l| l.contains(key.as_str())) {
                out.push_str(&format!("    log: {line}\n"));
            }
        }
    }
    if failed.is_empty() {
        out.push_str("\nall targets met\n");
    } else {
        out.push_str(&format!("\nTARGETS MISSED: {}\n", failed.join("; ")));
    }

    println!("\n{out}");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".tmp/soak");
    let written = std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::File::create(dir.join("report.txt")))
        .and_then(|mut f| f.write_all(out.as_bytes()));
    match written {
        Ok(()) => println!("report written to {}", dir.join("report.txt").display()),
        Err(e) => eprintln!("soak: could not write the report: {e}"),
    }
    std::process::exit(i32::from(!failed.is_empty()));
}
