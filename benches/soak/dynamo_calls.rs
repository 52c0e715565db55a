//! DynamoDB calls under the L1, by what the fault proxy was doing meanwhile.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use async_trait::async_trait;
use share_resolver::hydration::{DynamoStore, HydrationRecord, HydrationStore, Put, StoreError};
use share_resolver::identity::UserKey;
use share_resolver_testkit::{FaultProxy, ProxyMode};

/// DynamoDB calls by the proxy's mode: `pass`, `refused`, `stalled` when it
/// was the same from the call's start to its end, else `mode changed`.
/// Per row: calls, ok, error, cut (dropped unfinished), total microseconds;
/// and the errors by kind.
#[derive(Default)]
pub struct ByMode {
    pub rows: [[AtomicU64; 5]; 4],
    pub errors: Mutex<BTreeMap<String, u64>>,
}

const MODE_ROWS: [&str; 4] = ["pass", "refused", "stalled", "mode changed"];

impl ByMode {
    pub fn row(&self, row: usize) -> String {
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
pub struct DynamoCalls {
    pub inner: DynamoStore,
    pub proxy: Arc<FaultProxy>,
    pub stats: Arc<ByMode>,
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

    async fn claim(&self, lease: &HydrationRecord) -> Result<Put, StoreError> {
        let timed = Timed::new(self);
        let result = self.inner.claim(lease).await;
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
