//! Resolution: hydration look-up, coordinated warm-up, then the request's
//! Graph request (a GET of `/shares/…` or `/drives/…`, or the `preview`
//! action's POST: whichever may hit the guest hydration anomaly), or a
//! batch's many, with retries, all inside one deadline. The rounds (`rounds`) only call, sleep and do what
//! `retry::decide` says; `warmup::Ledger` coordinates warm-ups across
//! requests.

mod error;
mod report;
mod request;
mod rounds;

use std::time::Duration;

use tokio::time::Instant;

pub use error::ResolveError;
pub use report::{Hydration, Report};
pub use request::{
    BatchRequest, PrewarmHydration, Prewarmed, ResolveRequest, Resolved, Resource, Target,
    TargetError, WarmupRequest,
};
pub use rounds::Answered;
use rounds::Via;

use crate::clock::Clock;
use crate::configuration::Settings;
use crate::graph::{GraphClient, GraphDiagnostics, GraphTrouble};
use crate::hydration::{BestEffortStore, HydrationRecord, HydrationStore, StoreError};
use crate::identity::Caller;
use crate::retry::{RetryPolicy, ThrottleWindows};
use crate::warmup::{Known, Ledger, WarmedAt, WarmedUp, WarmupOutcome, WarmupPlace};

/// The resolver, built once per cold start and shared by every request.
pub struct Resolver {
    graph: GraphClient,
    store: BestEffortStore,
    ledger: Ledger,
    throttle: ThrottleWindows,
    policy: RetryPolicy,
    deadline: Duration,
    ttl: Duration,
    marker_ttl: Duration,
    /// What records, markers, leases and throttle windows are stamped with.
    clock: Clock,
}

impl Resolver {
    pub fn new(
        settings: &Settings,
        graph: GraphClient,
        store: std::sync::Arc<dyn HydrationStore>,
        clock: Clock,
    ) -> Self {
        let policy = settings.retry;
        let store = BestEffortStore::new(store, settings.store_timeout);
        Self {
            ledger: Ledger::new(
                graph.clone(),
                settings.warmup_strategies.clone(),
                settings.cloud,
                policy.rewarm_after,
                store.clone(),
                clock.clone(),
            ),
            throttle: ThrottleWindows::new(),
            graph,
            store,
            policy,
            deadline: settings.resolve_deadline,
            ttl: settings.hydration_ttl,
            marker_ttl: settings.warmup_marker_ttl,
            clock,
        }
    }

    pub fn store_name(&self) -> &'static str {
        self.store.name()
    }

    /// Makes one request's Graph call for one caller (a share's driveItem,
    /// a folder's children, an item inside it, a link's permission, a
    /// preview), through the same look-up,
    /// warm-up, retries and recording. Never panics on input; every
    /// failure is a `ResolveError`, and `Report` says what happened either way.
    pub async fn resolve(
        &self,
        request: &ResolveRequest,
    ) -> (Result<Resolved, ResolveError>, Report) {
        let target = &request.target;
        let (answered, report) = self
            .run(
                &request.caller,
                &[(None, target)],
                target.place(),
                Via::Direct,
            )
            .await;
        let result = answered.and_then(|mut answered| match answered.pop() {
            Some(answered) => answered.result,
            None => Err(ResolveError::DeadlineExceeded(self.deadline)),
        });
        (result, report)
    }

    /// Makes a batch's Graph requests for its one caller: one look-up, at
    /// most one warm-up, then rounds of Graph JSON batches that re-send only
    /// what needs another try. `Err` answers the whole batch (throttled
    /// caller, token refused by Graph); otherwise each request's answer, in
    /// request order. The report's `graph` holds one entry per inner answer.
    pub async fn resolve_batch(
        &self,
        request: &BatchRequest,
    ) -> (Result<Vec<Answered>, ResolveError>, Report) {
        let requests: Vec<(Option<&str>, &Target)> = request
            .requests
            .iter()
            .map(|(id, target)| (Some(id.as_str()), target))
            .collect();
        self.run(&request.caller, &requests, request.place(), Via::Batch)
            .await
    }

    /// The one path of single requests and batches.
    async fn run(
        &self,
        caller: &Caller,
        requests: &[(Option<&str>, &Target)],
        place: WarmupPlace<'_>,
        via: Via,
    ) -> (Result<Vec<Answered>, ResolveError>, Report) {
        let started = Instant::now();
        let deadline = started + self.deadline;
        let mut report = Report {
            user: Some(caller.claims.user.clone()),
            ..Report::default()
        };
        let result = async {
            let warmed = self.prepare(caller, place, deadline, &mut report).await?;
            self.rounds(caller, requests, place, warmed, via, deadline, &mut report)
                .await
        }
        .await;
        if let Err(ResolveError::Rejected(rejection)) = &result {
            anonymise_refusal(rejection, &mut report);
        }
        report.timings.total = started.elapsed();
        (result, report)
    }

    /// Before any request goes to Graph: the throttle window, the look-up
    /// and (a guest the store does not know) the warm-up, or the pre-warm
    /// to wait for. `Ok(when the warm-up was sent)`, if there was one.
    async fn prepare(
        &self,
        caller: &Caller,
        place: WarmupPlace<'_>,
        deadline: Instant,
        report: &mut Report,
    ) -> Result<Option<WarmedAt>, ResolveError> {
        self.not_throttled(caller).await?;
        let hydration = self.look_up(caller, deadline, report).await;
        report.hydration = Some(match hydration {
            _ if caller.claims.is_member => Hydration::Member,
            Known::Hydrated => Hydration::Hit,
            Known::Warming { .. } | Known::Unknown => Hydration::Miss,
        });
        Ok(match hydration {
            Known::Unknown if !caller.claims.is_member => {
                self.warm_up(caller, place, deadline, report).await?
            }
            // A pre-warm (on any instance) warmed this guest up: call
            // Graph at once, or wait for that warm-up to settle if it
            // has not yet, instead of running one.
            Known::Warming { age, strategy } => {
                report.warmup = strategy;
                report.warmup_shared = true;
                let here = self.ledger.last_sent(caller).await;
                Some(here.map_or(WarmedAt::ago(age), WarmedAt::sent))
            }
            _ => None,
        })
    }

    /// Warms a guest up ahead of any link (`POST /v1/warmup`): nothing for a
    /// member or a known guest; otherwise one coordinated warm-up, and a
    /// short-lived "warmed" marker so that the guest's first resolution, on
    /// any instance, does not warm up again.
    pub async fn prewarm(
        &self,
        request: &WarmupRequest,
    ) -> (Result<Prewarmed, ResolveError>, Report) {
        let started = Instant::now();
        let deadline = started + self.deadline;
        let caller = &request.caller;
        let mut report = Report {
            user: Some(caller.claims.user.clone()),
            ..Report::default()
        };
        let result = match self.look_up(caller, deadline, &mut report).await {
            _ if caller.claims.is_member => {
                report.hydration = Some(Hydration::Member);
                Ok(Prewarmed {
                    hydration: PrewarmHydration::Member,
                    warmup: WarmupOutcome(None),
                })
            }
            Known::Hydrated => {
                report.hydration = Some(Hydration::Hit);
                Ok(Prewarmed {
                    hydration: PrewarmHydration::Hit,
                    warmup: WarmupOutcome(None),
                })
            }
            Known::Warming { .. } | Known::Unknown => {
                report.hydration = Some(Hydration::Miss);
                if let Err(throttled) = self.not_throttled(caller).await {
                    report.hydration = None;
                    report.timings.total = started.elapsed();
                    return (Err(throttled), report);
                }
                let place = WarmupPlace {
                    url: request.url.as_ref(),
                    host: request.host.as_ref(),
                };
                // Its own warm-up, never another instance's: the answer
                // must prove this token (a lease proves nothing).
                match self
                    .warm_up_with(caller, place, deadline, &mut report, false)
                    .await
                {
                    Ok(Some(_)) => {
                        self.mark_warmed(caller, &mut report, deadline).await;
                        Ok(Prewarmed {
                            hydration: PrewarmHydration::Warmed,
                            warmup: WarmupOutcome(report.warmup),
                        })
                    }
                    Ok(None) => Err(ResolveError::GraphUnavailable {
                        cause: GraphTrouble::Transport("no warm-up strategy answered".into()),
                        retry_after: None,
                    }),
                    Err(e) => Err(e),
                }
            }
        };
        if let Err(ResolveError::Rejected(rejection)) = &result {
            anonymise_refusal(rejection, &mut report);
        }
        report.timings.total = started.elapsed();
        (result, report)
    }

    /// `throttled`, with the wait that is left, while Graph's `Retry-After`
    /// for this caller runs: no Graph call until then.
    async fn not_throttled(&self, caller: &Caller) -> Result<(), ResolveError> {
        match self.throttle.left(caller, self.clock.instant()).await {
            Some(retry_after) => Err(ResolveError::Throttled { retry_after }),
            None => Ok(()),
        }
    }

    /// The store's word on a guest; members are not looked up at all.
    async fn look_up(&self, caller: &Caller, deadline: Instant, report: &mut Report) -> Known {
        if caller.claims.is_member {
            return Known::Unknown;
        }
        let t = Instant::now();
        let budget = deadline.saturating_duration_since(t);
        let found = self.store.get(&caller.claims.user, budget).await;
        let rtt = t.elapsed();
        report.timings.store += rtt;
        let found = count(found, report).flatten();
        crate::warmup::known(found.as_ref(), caller.fingerprint(), self.clock.now(), rtt)
    }

    /// A coordinated warm-up (or a join of one still settling, here or on
    /// another instance). `Ok(when it was sent)`, `Ok(None)` when no
    /// strategy answered, `Err` when Graph refused the token itself:
    /// `/shares` would only refuse it again.
    async fn warm_up(
        &self,
        caller: &Caller,
        place: WarmupPlace<'_>,
        deadline: Instant,
        report: &mut Report,
    ) -> Result<Option<WarmedAt>, ResolveError> {
        self.warm_up_with(caller, place, deadline, report, true)
            .await
    }

    /// [`Resolver::warm_up`]; with `fleet`, coordinated across instances
    /// through the table (`lease`) too.
    async fn warm_up_with(
        &self,
        caller: &Caller,
        place: WarmupPlace<'_>,
        deadline: Instant,
        report: &mut Report,
        fleet: bool,
    ) -> Result<Option<WarmedAt>, ResolveError> {
        let t = Instant::now();
        // Unless the table already failed this request (then each instance
        // warms up on its own); members are never written to it.
        let claim =
            fleet && !caller.claims.is_member && report.store.errors + report.store.timeouts == 0;
        let WarmedUp {
            last,
            joined,
            mut diagnostics,
            refused,
            fleet,
            claim_failed,
        } = self.ledger.warm_up(caller, place, deadline, claim).await;
        report.timings.warmup += t.elapsed();
        if let Some(failed) = claim_failed {
            count::<()>(Err(failed), report);
        }
        report.warmup_calls += u32::try_from(diagnostics.len()).unwrap_or(u32::MAX);
        report.graph.append(&mut diagnostics);
        if let Some(rejection) = refused {
            return Err(ResolveError::Rejected(rejection));
        }
        report.warmup = last.map(|l| l.kind).or(report.warmup);
        report.warmup_shared |= joined;
        Ok(last.map(|l| WarmedAt::sent(l.sent_at)).or(fleet))
    }

    /// The first success: hydration has settled; a guest is recorded (a
    /// member never is).
    async fn succeeded(&self, caller: &Caller, deadline: Instant, report: &mut Report) {
        self.ledger.settled(caller).await;
        let unrecorded = report.hydration == Some(Hydration::Miss) || report.stale_hit;
        if unrecorded {
            let record = HydrationRecord::new(
                caller.claims.user.clone(),
                self.clock.now(),
                self.ttl,
                report.warmup,
            );
            self.put(&record, deadline, report).await;
        }
    }

    /// Leaves the "warmed" marker after a pre-warm Graph answered.
    async fn mark_warmed(&self, caller: &Caller, report: &mut Report, deadline: Instant) {
        if let Some(strategy) = report.warmup {
            let marker = HydrationRecord::warmed(
                caller.claims.user.clone(),
                self.clock.now(),
                self.marker_ttl,
                strategy,
            );
            self.put(&marker, deadline, report).await;
        }
    }

    async fn put(&self, record: &HydrationRecord, deadline: Instant, report: &mut Report) {
        let t = Instant::now();
        let budget = deadline.saturating_duration_since(t);
        let put = self.store.put(record, budget).await;
        report.timings.store += t.elapsed();
        count(put, report);
    }

    async fn forget(&self, caller: &Caller, deadline: Instant, report: &mut Report) {
        let t = Instant::now();
        let budget = deadline.saturating_duration_since(t);
        let forgot = self.store.forget(&caller.claims.user, budget).await;
        report.timings.store += t.elapsed();
        count(forgot, report);
    }
}

/// Graph refused the token itself: whether that came from a warm-up (a
/// miss) or from `/shares` (a hit) must not show, or a forged token would
/// learn what the store knows of its victim. Only the refusing answer stays,
/// without saying which call it was.
fn anonymise_refusal(rejection: &crate::graph::GraphRejection, report: &mut Report) {
    if rejection.refuses_token() {
        report.graph = report
            .graph
            .pop()
            .map(GraphDiagnostics::anonymous)
            .into_iter()
            .collect();
    }
}

/// Counts a failed best-effort store call into the report; `None` then.
fn count<T>(outcome: Result<T, StoreError>, report: &mut Report) -> Option<T> {
    match outcome {
        Ok(value) => Some(value),
        Err(StoreError::Timeout(_)) => {
            report.store.timeouts += 1;
            None
        }
        Err(_) => {
            report.store.errors += 1;
            None
        }
    }
}
