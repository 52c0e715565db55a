//! Resolution: hydration look-up, coordinated warm-up, `/shares` with
//! retries, all inside one deadline. The loop here only calls, sleeps and
//! does what `decision::decide` says; `warmups` coordinates warm-ups across
//! requests.

mod decision;
mod error;
mod report;
mod warmups;

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use tokio::time::Instant;

pub use error::{GraphTrouble, ResolveError};
pub use report::{Hydration, Report};

use crate::configuration::Settings;
use crate::graph::{
    CallLabel, GraphClient, GraphDiagnostics, GraphPath, GraphResponse, Verdict, classify,
};
use crate::hydration::{BestEffortStore, HydrationRecord, HydrationStore, StoreError};
use crate::retry::RetryPolicy;
use crate::share_id::ShareId;
use crate::token::{BearerToken, TokenClaims};
use decision::{Answer, Next, Progress, decide};
use warmups::{WarmedUp, Warmups};

/// A resolved driveItem, byte-for-byte as Graph sent it.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub body: Bytes,
    pub content_type: Option<http::HeaderValue>,
}

/// One resolution request, parsed at the edge.
#[derive(Debug)]
pub struct ResolveRequest {
    pub token: BearerToken,
    /// The caller's SharePoint token (`X-SharePoint-Authorization`), checked
    /// at the edge against the sharing URL's host.
    pub sharepoint_token: Option<BearerToken>,
    /// The token's claims, peeked and checked at the edge.
    pub claims: TokenClaims,
    pub share: ShareId,
    pub client_request_id: String,
}

/// The resolver, built once per cold start and shared by every request.
pub struct Resolver {
    graph: GraphClient,
    store: BestEffortStore,
    warmups: Warmups,
    policy: RetryPolicy,
    deadline: Duration,
    ttl: Duration,
}

impl Resolver {
    pub fn new(
        settings: &Settings,
        graph: GraphClient,
        store: std::sync::Arc<dyn HydrationStore>,
    ) -> Self {
        let policy = settings.retry_policy();
        Self {
            warmups: Warmups::new(
                graph.clone(),
                settings.warmup_strategies.clone(),
                policy.rewarm_after,
            ),
            graph,
            store: BestEffortStore::new(store, settings.store_timeout),
            policy,
            deadline: settings.resolve_deadline,
            ttl: settings.hydration_ttl,
        }
    }

    pub fn store_name(&self) -> &'static str {
        self.store.name()
    }

    /// Resolves one share for one caller. Never panics on input; every
    /// failure is a `ResolveError`, and `Report` says what happened either way.
    pub async fn resolve(
        &self,
        request: &ResolveRequest,
    ) -> (Result<Resolved, ResolveError>, Report) {
        let started = Instant::now();
        let mut report = Report {
            user: Some(request.claims.user.clone()),
            ..Report::default()
        };
        let result = self
            .run(request, started + self.deadline, &mut report)
            .await;
        if let Err(ResolveError::Rejected(rejection)) = &result
            && rejection.refuses_token()
        {
            // Graph refused the token itself: whether that came from a
            // warm-up (a miss) or from `/shares` (a hit) must not show, or a
            // forged token would learn what the store knows of its victim.
            report.graph = report
                .graph
                .pop()
                .map(GraphDiagnostics::anonymous)
                .into_iter()
                .collect();
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
        let hydration = self.look_up(request, deadline, report).await;
        report.hydration = Some(hydration);
        let mut warmed_at = None;
        if hydration == Hydration::Miss {
            warmed_at = self.warm_up(request, deadline, report).await?;
        }

        let shares = GraphPath::shares_drive_item(&request.share);
        let mut progress = Progress {
            attempts: 0,
            trouble_retries: 0,
            since_warm_up: None,
            polls_since_warm_up: 0,
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
                .get(
                    &shares,
                    &request.token,
                    &request.client_request_id,
                    CallLabel::SHARES,
                    remaining,
                )
                .await;
            report.timings.graph += t.elapsed();
            let answer = match call {
                Ok(response) => {
                    report.graph.push(response.diagnostics.clone());
                    match classify(&response) {
                        Verdict::Success => {
                            return Ok(self.succeed(request, response, deadline, report).await);
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
            let hydration_401 = matches!(answer, Answer::Graph(Verdict::Hydration));
            if hydration_401 && hydration == Hydration::Hit && !report.stale_hit {
                // The store said hydrated but Graph disagrees: stop trusting
                // it, here and on every other instance.
                report.stale_hit = true;
                self.forget(request, deadline, report).await;
            }
            progress.attempts = report.attempts;
            progress.since_warm_up = warmed_at.map(|at: Instant| at.elapsed());
            progress.polls_since_warm_up += 1;
            let remaining = deadline.saturating_duration_since(Instant::now());
            match decide(&self.policy, &progress, answer, remaining, fastrand::f64()) {
                Next::Fail(error) => return Err(error),
                Next::Retry { wait, warm_up } => {
                    if !hydration_401 {
                        progress.trouble_retries += 1;
                    }
                    if warm_up {
                        warmed_at = self.warm_up(request, deadline, report).await?;
                        progress.polls_since_warm_up = 0;
                    }
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    /// The store's word on the user; members are not looked up at all.
    async fn look_up(
        &self,
        request: &ResolveRequest,
        deadline: Instant,
        report: &mut Report,
    ) -> Hydration {
        if request.claims.is_member {
            return Hydration::Member;
        }
        let t = Instant::now();
        let budget = deadline.saturating_duration_since(t);
        let found = self.store.get(&request.claims.user, budget).await;
        report.timings.store += t.elapsed();
        match count(found, report) {
            Some(Some(_)) => Hydration::Hit,
            _ => Hydration::Miss,
        }
    }

    /// A coordinated warm-up (or a join of one still settling). `Ok(when it
    /// answered)`, `Ok(None)` when no strategy answered, `Err` when Graph
    /// refused the token itself: `/shares` would only refuse it again.
    async fn warm_up(
        &self,
        request: &ResolveRequest,
        deadline: Instant,
        report: &mut Report,
    ) -> Result<Option<Instant>, ResolveError> {
        let t = Instant::now();
        let WarmedUp {
            last,
            joined,
            mut diagnostics,
            refused,
        } = self.warmups.warm_up(request, deadline).await;
        report.timings.warmup += t.elapsed();
        report.warmup_calls += u32::try_from(diagnostics.len()).unwrap_or(u32::MAX);
        report.graph.append(&mut diagnostics);
        if let Some(rejection) = refused {
            return Err(ResolveError::Rejected(rejection));
        }
        report.warmup = last.map(|l| l.kind).or(report.warmup);
        report.warmup_shared |= joined;
        Ok(last.map(|l| l.answered_at))
    }

    /// Success: hydration has settled; a guest is recorded (a member never is).
    async fn succeed(
        &self,
        request: &ResolveRequest,
        response: GraphResponse,
        deadline: Instant,
        report: &mut Report,
    ) -> Resolved {
        self.warmups
            .settled(&request.claims.user, &request.token)
            .await;
        let unrecorded = report.hydration == Some(Hydration::Miss) || report.stale_hit;
        if unrecorded {
            let record = HydrationRecord::new(
                request.claims.user.clone(),
                SystemTime::now(),
                self.ttl,
                report.warmup,
            );
            let t = Instant::now();
            let budget = deadline.saturating_duration_since(t);
            let put = self.store.put(&record, budget).await;
            report.timings.store += t.elapsed();
            count(put, report);
        }
        Resolved {
            content_type: response.headers.get(http::header::CONTENT_TYPE).cloned(),
            body: response.body,
        }
    }

    async fn forget(&self, request: &ResolveRequest, deadline: Instant, report: &mut Report) {
        let t = Instant::now();
        let budget = deadline.saturating_duration_since(t);
        let forgot = self.store.forget(&request.claims.user, budget).await;
        report.timings.store += t.elapsed();
        count(forgot, report);
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
