//! The warm-up ledger: coordinated warm-ups, single-flight per user *and token*, and a memory of
//! the last warm-up that answered, so a guest is not warmed up again while
//! its hydration is still settling.
//!
//! # Implementation Notes
//! The key is the caller's (`identity::CallerKey`: `tid#oid` and a token
//! fingerprint): a request never joins, or is held back by, a warm-up made
//! with another token (a forged token naming a victim's ids gets its own
//! entry).
//! * Across instances, a warm-up is first claimed in the table (`lease`):
//!   the request that runs it, under the entry's lock, makes the one
//!   conditional write; a lost claim is remembered in the entry, so the
//!   instance's other requests join it without another write.

use std::sync::Arc;
use std::time::Duration;

use moka::future::Cache;
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::clock::Clock;
use crate::cloud::Cloud;
use crate::graph::{GraphClient, GraphDiagnostics, GraphRejection};
use crate::hydration::{BestEffortStore, StoreError};
use crate::identity::{Caller, CallerKey};

use super::lease::{Leases, WarmedAt};
use super::plan::{LastWarmUp, Plan, plan};
use super::runner::{Attempt, Runner};
use super::strategy::{WarmupPlace, WarmupStrategy};

/// Users (and tokens) whose last warm-up is remembered, at most.
const LEDGER_CAPACITY: u64 = 20_000;
/// How long an untouched entry is kept: well past the re-warm window.
const LEDGER_IDLE: Duration = Duration::from_secs(120);

/// One user and token's warm-up history.
#[derive(Debug, Default)]
struct Entry {
    last: Option<LastWarmUp>,
    /// A `/shares` success came after `last`: hydration had settled, so a
    /// later hydration `401` means it expired.
    settled: bool,
    /// Another instance's warm-up this entry's claim lost to.
    fleet: Option<WarmedAt>,
}

/// The result of asking for a warm-up.
#[derive(Debug, Default)]
pub(crate) struct WarmedUp {
    /// The warm-up that answered (this request's or a joined one).
    pub last: Option<LastWarmUp>,
    /// Whether it was another request's.
    pub joined: bool,
    /// This request's own warm-up calls (none when it joined).
    pub diagnostics: Vec<GraphDiagnostics>,
    /// Graph refused the caller's token itself at the warm-up.
    pub refused: Option<GraphRejection>,
    /// Another instance's warm-up, waited on instead (`joined` is set).
    pub fleet: Option<WarmedAt>,
    /// The claim in the table failed (to be counted); the warm-up ran here.
    pub claim_failed: Option<StoreError>,
}

/// The strategies, and the ledger of who was warmed up when.
pub(crate) struct Ledger {
    runner: Runner,
    rewarm_after: Duration,
    ledger: Cache<CallerKey, Arc<Mutex<Entry>>>,
    leases: Leases,
}

impl Ledger {
    pub fn new(
        graph: GraphClient,
        strategies: Vec<WarmupStrategy>,
        cloud: Cloud,
        rewarm_after: Duration,
        store: BestEffortStore,
        clock: Clock,
    ) -> Self {
        Self {
            leases: Leases::new(store, rewarm_after, clock),
            runner: Runner::new(graph, strategies, cloud),
            rewarm_after,
            ledger: Cache::builder()
                .max_capacity(LEDGER_CAPACITY)
                .time_to_idle(LEDGER_IDLE)
                .build(),
        }
    }

    /// Warms `request`'s user up, or joins the warm-up that is settling.
    /// Concurrent callers with the same user and token queue on one entry,
    /// so only the first runs the strategies; the others join its result.
    /// With `claim`, the one that runs first claims the warm-up in the table
    /// and, if another instance holds it, waits on that one instead; without
    /// it, another instance's warm-up is never joined (a pre-warm must prove
    /// its own token).
    pub async fn warm_up(
        &self,
        caller: &Caller,
        place: WarmupPlace<'_>,
        deadline: Instant,
        claim: bool,
    ) -> WarmedUp {
        let key = caller.key();
        let entry = self
            .ledger
            .get_with(key, async { Arc::new(Mutex::new(Entry::default())) })
            .await;
        let Ok(mut entry) = tokio::time::timeout_at(deadline, entry.lock_owned()).await else {
            return WarmedUp::default();
        };
        let fleet = entry.fleet.filter(|_| claim).map(WarmedAt::elapsed);
        match plan(
            entry.last,
            fleet,
            entry.settled,
            Instant::now(),
            self.rewarm_after,
        ) {
            Plan::Join(last) => WarmedUp {
                last: Some(last),
                joined: true,
                ..WarmedUp::default()
            },
            Plan::JoinFleet => WarmedUp {
                fleet: entry.fleet,
                joined: true,
                ..WarmedUp::default()
            },
            Plan::Run { from } => {
                let mut claim_failed = None;
                if claim {
                    let claimed = self.leases.claim(caller, deadline).await;
                    if let Some(at) = claimed.wait {
                        entry.fleet = Some(at);
                        entry.settled = false;
                        return WarmedUp {
                            fleet: Some(at),
                            joined: true,
                            ..WarmedUp::default()
                        };
                    }
                    claim_failed = claimed.failed;
                }
                let mut diagnostics = Vec::new();
                let attempt = self
                    .runner
                    .run(caller, place, from, deadline, &mut diagnostics)
                    .await;
                let mut warmed = WarmedUp {
                    diagnostics,
                    claim_failed,
                    ..WarmedUp::default()
                };
                match attempt {
                    Attempt::Answered(last) => {
                        entry.last = Some(last);
                        entry.fleet = None;
                        entry.settled = false;
                        warmed.last = Some(last);
                    }
                    Attempt::Refused(rejection) => warmed.refused = Some(rejection),
                    Attempt::NoAnswer => {}
                }
                warmed
            }
        }
    }

    /// When this user and token's last warm-up on this instance was sent,
    /// if it has not been seen to settle: more precise than a store
    /// marker's whole seconds.
    pub async fn last_sent(&self, caller: &Caller) -> Option<Instant> {
        let entry = self.ledger.get(&caller.key()).await?;
        let entry = entry.lock().await;
        entry.last.filter(|_| !entry.settled).map(|l| l.sent_at)
    }

    /// A `/shares` success: hydration has settled for this user and token.
    pub async fn settled(&self, caller: &Caller) {
        if let Some(entry) = self.ledger.get(&caller.key()).await {
            entry.lock().await.settled = true;
        }
    }
}
