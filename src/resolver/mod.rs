//! Resolution: hydration look-up, coordinated warm-up, then the request's
//! one Graph request (a GET of `/shares/…` or `/drives/…`, or the `preview`
//! action's POST: whichever may hit the guest hydration anomaly) with
//! retries, all inside one deadline. The loop here only calls, sleeps and
//! does what `retry::decide` says; `warmup::Ledger` coordinates warm-ups
//! across requests.

mod error;
mod report;
mod request;

use std::time::Duration;

use tokio::time::Instant;

pub use error::ResolveError;
pub use report::{Hydration, Report};
pub use request::{
    PrewarmHydration, Prewarmed, ResolveRequest, Resolved, Resource, Target, TargetError,
    WarmupRequest,
};

use crate::clock::Clock;
use crate::configuration::Settings;
use crate::graph::{GraphClient, GraphDiagnostics, GraphResponse, GraphTrouble, Verdict, classify};
use crate::hydration::{BestEffortStore, HydrationRecord, HydrationStore, StoreError};
use crate::identity::Caller;
use crate::retry::{Answer, Next, Progress, RetryPolicy, ThrottleWindows, decide};
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
        let started = Instant::now();
        let mut report = Report {
            user: Some(request.caller.claims.user.clone()),
            ..Report::default()
        };
        let result = self
            .run(request, started + self.deadline, &mut report)
            .await;
        if let Err(ResolveError::Rejected(rejection)) = &result {
            anonymise_refusal(rejection, &mut report);
        }
        report.timings.total = started.elapsed();
        (result, report)
    }

    async fn run(
        &self,
        request: &ResolveRequest,
        deadline: Instant,
        report: &mut Report,
    ) -> Result<Resolved, ResolveError> {
        let caller = &request.caller;
        self.not_throttled(caller).await?;
        let place = request.target.place();
        let hydration = self.look_up(caller, deadline, report).await;
        report.hydration = Some(match hydration {
            _ if caller.claims.is_member => Hydration::Member,
            Known::Hydrated => Hydration::Hit,
            Known::Warming { .. } | Known::Unknown => Hydration::Miss,
        });
        let mut warmed = match hydration {
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
        };

        let (graph_request, label) = (request.target.graph_request(), request.target.label());
        let mut progress = Progress {
            attempts: 0,
            trouble_retries: 0,
            since_warm_up: None,
            polls_since_warm_up: 0,
            slept: Duration::ZERO,
        };
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(ResolveError::DeadlineExceeded(self.deadline));
            }
            report.attempts += 1;
            let t = Instant::now();
            let call = self
                .graph
                .send(
                    &graph_request,
                    &caller.token,
                    &caller.client_request_id,
                    label,
                    remaining,
                )
                .await;
            report.timings.graph += t.elapsed();
            let answer = match call {
                Ok(response) => {
                    report.graph.push(response.diagnostics.clone());
                    match classify(&response) {
                        Verdict::Success => {
                            return Ok(self.succeed(caller, response, deadline, report).await);
                        }
                        verdict => Answer::Graph(verdict),
                    }
                }
                Err(transport) => {
                    report.graph.push(transport.diagnostics);
                    if Instant::now() >= deadline {
                        return Err(ResolveError::DeadlineExceeded(self.deadline));
                    }
                    Answer::Unanswered(GraphTrouble::Transport(transport.message.into()))
                }
            };
            if let Answer::Graph(Verdict::Throttled {
                retry_after: Some(wait),
            }) = answer
            {
                self.throttle.open(caller, wait, self.clock.instant()).await;
            }
            let hydration_401 = matches!(answer, Answer::Graph(Verdict::Hydration));
            if hydration_401 && report.hydration == Some(Hydration::Hit) && !report.stale_hit {
                // The store said hydrated but Graph disagrees: stop trusting
                // it, here and on every other instance.
                report.stale_hit = true;
                self.forget(caller, deadline, report).await;
            }
            progress.attempts = report.attempts;
            progress.since_warm_up = warmed.map(WarmedAt::elapsed);
            progress.polls_since_warm_up += 1;
            let remaining = deadline.saturating_duration_since(Instant::now());
            match decide(&self.policy, &progress, answer, remaining, fastrand::f64()) {
                Next::Fail(reason) => return Err(reason.into()),
                Next::Retry { wait, warm_up } => {
                    if !hydration_401 {
                        progress.trouble_retries += 1;
                        progress.slept += wait;
                    }
                    if warm_up {
                        warmed = self.warm_up(caller, place, deadline, report).await?;
                        progress.polls_since_warm_up = 0;
                    }
                    tokio::time::sleep(wait).await;
                }
            }
        }
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

    /// Success: hydration has settled; a guest is recorded (a member never is).
    async fn succeed(
        &self,
        caller: &Caller,
        response: GraphResponse,
        deadline: Instant,
        report: &mut Report,
    ) -> Resolved {
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
        Resolved {
            content_type: response.headers.get(http::header::CONTENT_TYPE).cloned(),
            body: response.body,
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
