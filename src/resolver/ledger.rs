//! The warm-up ledger: coordinated warm-ups, single-flight per user *and token*, and a memory of
//! the last warm-up that answered, so a guest is not warmed up again while
//! its hydration is still settling.
//!
//! # Implementation Notes
//! The key is the caller's (`request::CallerKey`: `tid#oid` and a token
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

use crate::graph::{
    CallLabel, GraphClient, GraphDiagnostics, GraphRejection, GraphResponse, TransportError,
    Verdict, classify,
};
use crate::hydration::{BestEffortStore, StoreError};
use crate::warmup::{WarmupKind, WarmupPlace, WarmupStrategy, WarmupTarget};

use super::lease::{Leases, WarmedAt};
use super::request::{Caller, CallerKey};

/// Longest a single warm-up call may take: a hanging warm-up must not eat
/// the whole deadline, since its answer does not matter anyway.
const WARMUP_CALL_TIMEOUT: Duration = Duration::from_secs(4);
/// Users (and tokens) whose last warm-up is remembered, at most.
const LEDGER_CAPACITY: u64 = 20_000;
/// How long an untouched entry is kept: well past the re-warm window.
const LEDGER_IDLE: Duration = Duration::from_secs(120);

/// The warm-up that answered last for one user and token.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct LastWarmUp {
    /// Position of its strategy in `WARMUP_STRATEGIES`.
    pub index: usize,
    pub kind: WarmupKind,
    /// When the call that answered was sent: SharePoint starts hydrating on
    /// receipt, somewhere in the round trip, so settling is timed from here.
    pub sent_at: Instant,
}

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

/// What a request asking for a warm-up does.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Plan {
    /// A warm-up answered recently and has not been seen to settle: it is
    /// still settling; wait for it rather than warm up again.
    Join(LastWarmUp),
    /// Another instance's warm-up (the entry's `fleet`) is settling: wait for it.
    JoinFleet,
    /// Run the strategies from this position (wrapping around).
    Run { from: usize },
}

/// Join or run, and from which strategy: the re-warm rules, pure. `fleet`
/// is how long ago the other instance's warm-up that a claim lost to was sent.
pub(crate) fn plan(
    last: Option<LastWarmUp>,
    fleet: Option<Duration>,
    settled: bool,
    now: Instant,
    rewarm_after: Duration,
) -> Plan {
    if fleet.is_some_and(|age| age < rewarm_after) && !settled {
        return Plan::JoinFleet;
    }
    match last {
        None => Plan::Run { from: 0 },
        // Expired after a success: start over with the preferred strategy.
        Some(_) if settled => Plan::Run { from: 0 },
        Some(last) if now.saturating_duration_since(last.sent_at) < rewarm_after => {
            Plan::Join(last)
        }
        // Answered long ago and never settled: it did not work, try the next.
        Some(last) => Plan::Run {
            from: last.index + 1,
        },
    }
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

/// How a warm-up call went.
enum Attempt {
    Answered(LastWarmUp),
    Refused(GraphRejection),
    NoAnswer,
}

/// The strategies, and the ledger of who was warmed up when.
pub(crate) struct Ledger {
    graph: GraphClient,
    strategies: Vec<WarmupStrategy>,
    rewarm_after: Duration,
    ledger: Cache<CallerKey, Arc<Mutex<Entry>>>,
    leases: Leases,
}

impl Ledger {
    pub fn new(
        graph: GraphClient,
        strategies: Vec<WarmupStrategy>,
        rewarm_after: Duration,
        store: BestEffortStore,
    ) -> Self {
        Self {
            leases: Leases::new(store, rewarm_after),
            graph,
            strategies,
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

    /// Tries the strategies in order from `from` (wrapping); the first that
    /// answers wins. One that does not apply, gets no answer, or (SharePoint)
    /// refuses the SharePoint token, is passed over.
    async fn run(
        &self,
        caller: &Caller,
        place: WarmupPlace<'_>,
        from: usize,
        deadline: Instant,
        diagnostics: &mut Vec<GraphDiagnostics>,
    ) -> Attempt {
        let count = self.strategies.len();
        for index in (from..from + count).map(|i| i % count.max(1)) {
            let strategy = &self.strategies[index];
            let Some(target) = strategy.target(place, caller.sharepoint.is_some()) else {
                continue;
            };
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Attempt::NoAnswer;
            }
            let timeout = remaining.min(WARMUP_CALL_TIMEOUT);
            let kind = strategy.kind();
            let sent_at = Instant::now();
            let Some(call) = self.call(caller, &target, kind, timeout).await else {
                continue;
            };
            match call {
                Ok(response) => {
                    diagnostics.push(response.diagnostics.clone());
                    match read(&target, &response) {
                        Reading::Answered => {
                            return Attempt::Answered(LastWarmUp {
                                index,
                                kind,
                                sent_at,
                            });
                        }
                        Reading::Refused(rejection) => return Attempt::Refused(rejection),
                        Reading::PassOver => {}
                    }
                }
                Err(transport) => diagnostics.push(transport.diagnostics),
            }
        }
        Attempt::NoAnswer
    }

    /// `None` when no SharePoint token could be had (the strategy is passed
    /// over).
    async fn call(
        &self,
        caller: &Caller,
        target: &WarmupTarget,
        kind: WarmupKind,
        timeout: Duration,
    ) -> Option<Result<GraphResponse, TransportError>> {
        let client_request_id = &caller.client_request_id;
        Some(match target {
            WarmupTarget::Graph(path) => {
                let label = CallLabel::warmup(kind.as_str());
                self.graph
                    .get(path, &caller.token, client_request_id, label, timeout)
                    .await
            }
            WarmupTarget::SharePoint { host } => {
                let token = caller.sharepoint.as_ref()?.for_host(host).await?;
                self.graph
                    .sharepoint_current_user(host, &token, client_request_id, timeout)
                    .await
            }
        })
    }
}

/// What a warm-up's answer means.
#[derive(Debug, PartialEq)]
enum Reading {
    /// The service that hydrates accepted the token: whatever it answered
    /// (even 403/404), it hydrates. Only this may be recorded, joined or
    /// trusted.
    Answered,
    /// Graph refused the caller's Graph token itself (expired, invalid, a
    /// claims challenge): every call with it would be refused.
    Refused(GraphRejection),
    /// Nothing proves the token was accepted: a throttled or failed call
    /// (429, 5xx: a front door answered, not SharePoint), a redirect, or
    /// SharePoint REST answering anything but 2xx, 403 or 404 (its 401
    /// refuses the token). The next strategy runs.
    PassOver,
}

fn read(target: &WarmupTarget, response: &GraphResponse) -> Reading {
    let sharepoint = matches!(target, WarmupTarget::SharePoint { .. });
    reading(sharepoint, response.status, || classify(response))
}

/// [`read`] as a pure decision (contract, step 3): what proves that the
/// service which hydrates accepted the token. (`WarmupTarget::SharePoint`
/// only ever names a SharePoint Online host.)
fn reading(sharepoint: bool, status: u16, verdict: impl FnOnce() -> Verdict) -> Reading {
    if status == 429 || status >= 500 || (300..400).contains(&status) {
        return Reading::PassOver;
    }
    if sharepoint {
        return match status {
            200..=299 | 403 | 404 => Reading::Answered,
            _ => Reading::PassOver,
        };
    }
    match verdict() {
        Verdict::Rejected(rejection) if rejection.refuses_token() => Reading::Refused(rejection),
        _ => Reading::Answered,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_warm_up_counts_only_when_the_hydrating_service_accepted_the_token() {
        let invalid = || GraphRejection::InvalidToken {
            message: "x".into(),
        };
        for (sharepoint, status, verdict, expected, why) in [
            (
                true,
                200,
                Verdict::Success,
                Reading::Answered,
                "SharePoint REST 200",
            ),
            (
                true,
                403,
                Verdict::Success,
                Reading::Answered,
                "SharePoint knows the user, no access",
            ),
            (
                true,
                404,
                Verdict::Success,
                Reading::Answered,
                "SharePoint 404",
            ),
            (
                true,
                401,
                Verdict::Success,
                Reading::PassOver,
                "SharePoint refused the token",
            ),
            (
                true,
                302,
                Verdict::Success,
                Reading::PassOver,
                "a redirect proves nothing",
            ),
            (
                true,
                400,
                Verdict::Success,
                Reading::PassOver,
                "nor does a 400",
            ),
            (true, 429, Verdict::Success, Reading::PassOver, "throttled"),
            (
                true,
                503,
                Verdict::Success,
                Reading::PassOver,
                "unavailable",
            ),
            (false, 200, Verdict::Success, Reading::Answered, "Graph 200"),
            (
                false,
                403,
                Verdict::Rejected(GraphRejection::AccessDenied),
                Reading::Answered,
                "Graph 403: it knows the user",
            ),
            (
                false,
                401,
                Verdict::Hydration,
                Reading::Answered,
                "Graph's hydration 401 is an accepted token",
            ),
            (
                false,
                401,
                Verdict::Rejected(invalid()),
                Reading::Refused(invalid()),
                "InvalidAuthenticationToken",
            ),
            (
                false,
                301,
                Verdict::Success,
                Reading::PassOver,
                "a Graph redirect proves nothing either",
            ),
            (
                false,
                429,
                Verdict::Success,
                Reading::PassOver,
                "Graph throttled",
            ),
            (
                false,
                504,
                Verdict::Success,
                Reading::PassOver,
                "Graph failed",
            ),
        ] {
            assert_eq!(reading(sharepoint, status, || verdict), expected, "{why}");
        }
    }

    const MS: fn(u64) -> Duration = Duration::from_millis;

    #[test]
    fn a_warm_up_is_joined_while_settling_and_escalates_when_it_did_not_work() {
        let now = Instant::now();
        let window = Duration::from_secs(5);
        let last = |ago: Duration, index: usize| LastWarmUp {
            index,
            kind: WarmupKind::Site,
            sent_at: now.checked_sub(ago).unwrap_or(now),
        };
        for (previous, settled, expected, why) in [
            (
                None,
                false,
                Plan::Run { from: 0 },
                "never warmed up: the first strategy",
            ),
            (
                Some(last(MS(300), 1)),
                false,
                Plan::Join(last(MS(300), 1)),
                "answered 300 ms ago: still settling, join it",
            ),
            (
                Some(last(MS(4999), 0)),
                false,
                Plan::Join(last(MS(4999), 0)),
                "inside the window",
            ),
            (
                Some(last(MS(5000), 0)),
                false,
                Plan::Run { from: 1 },
                "past the window, never settled: the next strategy",
            ),
            (
                Some(last(MS(6000), 2)),
                false,
                Plan::Run { from: 3 },
                "escalation goes on (wrapping is run()'s job)",
            ),
            (
                Some(last(MS(300), 1)),
                true,
                Plan::Run { from: 0 },
                "settled then 401 again: expired, start over",
            ),
        ] {
            assert_eq!(
                plan(previous, None, settled, now, window),
                expected,
                "{why}"
            );
        }
    }

    #[test]
    fn another_instances_warm_up_is_joined_while_settling_like_this_ones() {
        let now = Instant::now();
        let window = Duration::from_secs(5);
        let last = LastWarmUp {
            index: 1,
            kind: WarmupKind::Site,
            sent_at: now.checked_sub(MS(6000)).unwrap_or(now),
        };
        for (previous, fleet, settled, expected, why) in [
            (
                None,
                Some(MS(300)),
                false,
                Plan::JoinFleet,
                "a lost claim, 300 ms ago: join it",
            ),
            (
                Some(last),
                Some(MS(4999)),
                false,
                Plan::JoinFleet,
                "the later one wins over an old local warm-up",
            ),
            (
                None,
                Some(MS(5000)),
                false,
                Plan::Run { from: 0 },
                "past the window, never settled: warm up here",
            ),
            (
                Some(last),
                Some(MS(5000)),
                false,
                Plan::Run { from: 2 },
                "and escalate past a local warm-up that did not work",
            ),
            (
                None,
                Some(MS(300)),
                true,
                Plan::Run { from: 0 },
                "settled then 401 again: expired, start over",
            ),
        ] {
            assert_eq!(
                plan(previous, fleet, settled, now, window),
                expected,
                "{why}"
            );
        }
    }
}
