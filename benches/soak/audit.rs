//! The soak's guests, and a store decorator that audits what the service
//! asks of the store per guest; at the end, the table read directly and
//! checked against what the guests saw.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};

use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use graph_sim::token::TokenBuilder;
use share_resolver::hydration::{
    HydrationRecord, HydrationStore, Put, RecordKind, StoreError, from_item,
};
use share_resolver::identity::UserKey;
use tokio::sync::RwLock;

use crate::config::Config;
use crate::tally::TOKEN_MARKERS;

/// The exact attribute sets of the items `src/hydration/dynamo.rs` writes
/// (`to_item`), sorted: a record, a "warmed" marker, and a warming lease,
/// which carries the token's `fingerprint` in `graph` mode only.
const RECORD: &[&str] = &["expiresAt", "hydratedAt", "pk", "strategy"];
const MARKER: &[&str] = &["expiresAt", "pk", "strategy", "warmedAt"];
const LEASE: &[&str] = &["expiresAt", "fingerprint", "pk", "warmingAt"];
const LEASE_OBO: &[&str] = &["expiresAt", "pk", "warmingAt"];

/// Whether `value` has the type (and, for the fingerprint, the length)
/// `to_item` gives the attribute `name`; false for any other name.
fn well_typed(name: &str, value: &AttributeValue) -> bool {
    match (name, value) {
        ("pk" | "strategy", AttributeValue::S(_)) => true,
        ("hydratedAt" | "warmedAt" | "warmingAt" | "expiresAt", AttributeValue::N(n)) => {
            n.parse::<u64>().is_ok()
        }
        // 128 bits of a SHA-256 of the token (contract: the warming lease).
        ("fingerprint", AttributeValue::B(bits)) => bits.as_ref().len() == 16,
        _ => false,
    }
}

/// One guest: its tokens, and what happened to it.
pub struct User {
    pub key: String,
    pub token: String,
    pub forged_token: String,
    pub never_hydrates: bool,
    /// Legitimate requests hold it shared, a forged one exclusively.
    pub lock: RwLock<()>,
    pub forged_in_flight: AtomicBool,
    pub successes: AtomicU64,
    /// A success whose whole request saw a healthy store.
    pub healthy_success: AtomicBool,
    pub puts_ok: AtomicU64,
    pub puts_failed: AtomicU64,
    pub forgets: AtomicU64,
    /// Warm-ups of this guest that Graph answered 429 or 503 (a fault).
    pub faulted_warmups: AtomicU64,
    /// Answers of this guest's own requests that were an own 5xx.
    pub own_5xx: AtomicU64,
}

/// One store operation as the service made it.
#[derive(Default)]
pub struct OpStats {
    calls: AtomicU64,
    ok: AtomicU64,
    failed: AtomicU64,
    /// Dropped before finishing: the service's store timeout cut it.
    cancelled: AtomicU64,
}

impl OpStats {
    pub fn line(&self, name: &str) -> String {
        format!(
            "{name:<8} {:>7} {:>7} {:>7} {:>13}",
            self.calls.load(SeqCst),
            self.ok.load(SeqCst),
            self.failed.load(SeqCst),
            self.cancelled.load(SeqCst)
        )
    }
}

/// The guests, and the store calls made for them.
pub struct Audit {
    pub users: Vec<User>,
    pub index: HashMap<String, usize>,
    pub get: OpStats,
    pub put: OpStats,
    pub forget: OpStats,
    /// Puts or forgets for a user while a forged request of theirs was in flight.
    pub forged_window_writes: AtomicU64,
    /// Lease claims for a user while a forged request of theirs was in flight.
    pub forged_window_claims: AtomicU64,
    /// Puts for a `pk` that is no soak user.
    pub unknown_user_writes: AtomicU64,
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
pub struct Audited {
    pub inner: Arc<dyn HydrationStore>,
    pub audit: Arc<Audit>,
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

    async fn claim(&self, lease: &HydrationRecord) -> Result<Put, StoreError> {
        // Not a target: the contract has the lease claimed before anything
        // proved the token (its fingerprint keeps the victim's own requests
        // from waiting on it), so a forged request for a guest without a
        // record claims one. Counted for the report.
        if self
            .audit
            .index
            .get(&lease.user.to_string())
            .is_some_and(|&i| self.audit.users[i].forged_in_flight.load(SeqCst))
        {
            self.audit.forged_window_claims.fetch_add(1, SeqCst);
        }
        let watch = Watch::new(&self.audit.put, None);
        let result = self.inner.claim(lease).await;
        watch.finish(result.is_ok());
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

/// `cfg.users` new guests; the first `cfg.never_hydrating()` never hydrate.
pub fn users(cfg: &Config) -> Vec<User> {
    let never = cfg.never_hydrating();
    (0..cfg.users)
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
        .collect()
}

impl Audit {
    pub fn new(users: Vec<User>) -> Self {
        Self {
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
            forged_window_claims: AtomicU64::new(0),
            unknown_user_writes: AtomicU64::new(0),
        }
    }

    /// The table, read directly (not through the proxy), against what the
    /// guests saw.
    /// `fingerprinted`: the service runs in `graph` mode, whose leases
    /// carry the token's fingerprint.
    pub async fn check_table(
        &self,
        raw: &aws_sdk_dynamodb::Client,
        table: &str,
        fingerprinted: bool,
    ) -> TableCheck {
        let items = scan(raw, table).await;
        let mut wrong: BTreeMap<&str, u64> = BTreeMap::new();
        // Guests with a record or marker: a lease left behind is no record.
        let mut present = HashSet::new();
        let mut leases = 0;
        for item in &items {
            match checked_item(item, self, fingerprinted) {
                Err(reason) => *wrong.entry(reason).or_default() += 1,
                Ok(RecordKind::Warming { .. }) => leases += 1,
                Ok(_) => {
                    if let Some(AttributeValue::S(pk)) = item.get("pk") {
                        present.insert(pk.clone());
                    }
                }
            }
        }
        let mut lost: BTreeMap<&str, u64> = BTreeMap::new();
        for user in &self.users {
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
        TableCheck {
            items: items.len(),
            leases,
            wrong,
            lost,
        }
    }
}

/// What the table held at the end.
pub struct TableCheck {
    pub items: usize,
    /// Well-formed warming leases among them.
    pub leases: usize,
    /// Records that should not be there, by what is wrong with them.
    pub wrong: BTreeMap<&'static str, u64>,
    /// Guests that succeeded while the store was healthy but have no
    /// record, by cause.
    pub lost: BTreeMap<&'static str, u64>,
}

/// The kind of one table item, or what is wrong with it: each attribute of
/// its type, no token text, and exactly the attributes of its kind.
fn checked_item(
    item: &HashMap<String, AttributeValue>,
    audit: &Audit,
    fingerprinted: bool,
) -> Result<RecordKind, &'static str> {
    if item.iter().any(|(name, value)| !well_typed(name, value)) {
        return Err("an attribute of no item shape, or of the wrong type");
    }
    for value in item.values() {
        if let AttributeValue::S(text) | AttributeValue::N(text) = value
            && (text.len() > 100 || TOKEN_MARKERS.iter().any(|m| text.contains(m)))
        {
            return Err("token text");
        }
    }
    let Ok(record) = from_item(item) else {
        return Err("malformed");
    };
    let shape = match record.kind {
        RecordKind::Hydrated => RECORD,
        RecordKind::Warmed => MARKER,
        RecordKind::Warming { .. } if fingerprinted => LEASE,
        RecordKind::Warming { .. } => LEASE_OBO,
    };
    let mut names: Vec<&str> = item.keys().map(String::as_str).collect();
    names.sort_unstable();
    if names != shape {
        return Err("not exactly a record's, marker's or lease's attributes");
    }
    let Some(AttributeValue::S(pk)) = item.get("pk") else {
        return Err("malformed");
    };
    match (audit.index.get(pk), record.kind) {
        (None, _) => Err("not a soak user"),
        // Claimed before anything proved the token: a guest who never
        // hydrates holds one too.
        (Some(_), RecordKind::Warming { .. }) => Ok(record.kind),
        (Some(&i), _) if audit.users[i].successes.load(SeqCst) == 0 => {
            Err("a record of a user who never succeeded")
        }
        (Some(_), kind) => Ok(kind),
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
