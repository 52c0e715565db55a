//! Resolution: token peek, hydration look-up, warm-up, `/shares` with
//! retries, all inside one deadline. The retry loop exists only here.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use moka::future::Cache;

use crate::configuration::Settings;
use crate::error::ResolveError;
use crate::graph::{CallKind, GraphClient, GraphDiagnostics, GraphPath};
use crate::hydration::{BestEffortStore, HydrationRecord, HydrationStore};
use crate::retry::{RetryPolicy, Verdict, classify};
use crate::share_id::ShareId;
use crate::token::{BearerToken, TokenClaims, UserKey};
use crate::warmup::{WarmupKind, WarmupStrategy};

/// Longest a single warm-up call may take: a hanging warm-up must not eat
/// the whole deadline, since its answer does not matter anyway.
const WARMUP_CALL_TIMEOUT: Duration = Duration::from_secs(4);
/// How long a finished warm-up is shared with other requests for the same
/// user (single-flight): covers a burst, not a session.
const WARMUP_SHARE_WINDOW: Duration = Duration::from_secs(2);
/// What `Retry-After` tells a caller after `hydration_exhausted`.
const HYDRATION_RETRY_AFTER: Duration = Duration::from_secs(5);

/// Whether the store knew the user as hydrated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hydration {
    Hit,
    Miss,
}

impl Hydration {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hit => "hit",
            Self::Miss => "miss",
        }
    }
}

/// Where the time went, for `server-timing`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    pub store: Duration,
    pub warmup: Duration,
    pub graph: Duration,
    pub total: Duration,
}

/// What happened during one request, success or not: headers, problem
/// `graph` array and the request's log line are made from it.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub user: Option<UserKey>,
    pub hydration: Option<Hydration>,
    /// The warm-up that answered (this request's or a shared one).
    pub warmup: Option<WarmupKind>,
    /// Whether this request joined another request's warm-up.
    pub warmup_shared: bool,
    /// `/shares` calls made.
    pub attempts: u32,
    /// Whether a hit turned out stale and was dropped.
    pub stale_hit: bool,
    pub graph: Vec<GraphDiagnostics>,
    pub timings: Timings,
}

/// A resolved driveItem, byte-for-byte as Graph sent it.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub body: Bytes,
    pub content_type: Option<http::HeaderValue>,
}

/// One resolution request, parsed.
#[derive(Debug)]
pub struct ResolveRequest {
    pub token: BearerToken,
    /// The token's claims, peeked and checked at the edge.
    pub claims: TokenClaims,
    pub share: ShareId,
    pub client_request_id: String,
}

/// The resolver, built once per cold start and shared by every request.
pub struct Resolver {
    graph: GraphClient,
    store: BestEffortStore,
    warmups: Vec<WarmupStrategy>,
    policy: RetryPolicy,
    deadline: Duration,
    ttl: Duration,
    /// Single-flight: concurrent first requests of a cold user share one warm-up.
    inflight: Cache<UserKey, Option<WarmupKind>>,
}

impl Resolver {
    pub fn new(settings: &Settings, graph: GraphClient, store: Arc<dyn HydrationStore>) -> Self {
        Self {
            graph,
            store: BestEffortStore::new(store, settings.store_timeout),
            warmups: settings.warmup_strategies.clone(),
            policy: RetryPolicy::new(
                settings.max_attempts,
                settings.backoff_base,
                settings.backoff_cap,
            ),
            deadline: settings.resolve_deadline,
            ttl: settings.hydration_ttl,
            inflight: Cache::builder()
                .max_capacity(10_000)
                .time_to_live(WARMUP_SHARE_WINDOW)
                .build(),
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
        let mut report = Report::default();
        let result = self.run(request, started, &mut report).await;
        report.timings.total = started.elapsed();
        (result, report)
    }

    async fn run(
        &self,
        request: &ResolveRequest,
        started: Instant,
        report: &mut Report,
    ) -> Result<Resolved, ResolveError> {
        let deadline = started + self.deadline;
        let user = request.claims.user.clone();
        report.user = Some(user.clone());

        let t = Instant::now();
        let mut hit = self.store.get(&user).await.is_some();
        report.timings.store += t.elapsed();
        report.hydration = Some(if hit { Hydration::Hit } else { Hydration::Miss });

        if !hit {
            self.shared_warm_up(request, &user, deadline, report).await;
        }

        let shares = GraphPath::shares_drive_item(&request.share);
        let mut last = Verdict::Hydration;
        let mut last_cause = String::new();
        let mut retries = 0;
        while report.attempts < self.policy.max_attempts {
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
                    CallKind::Shares,
                    None,
                    remaining,
                )
                .await;
            report.timings.graph += t.elapsed();
            let verdict = match call {
                Ok(response) => {
                    report.graph.push(response.diagnostics.clone());
                    match classify(&response) {
                        Verdict::Success => {
                            if !hit {
                                self.remember(user, report).await;
                            }
                            return Ok(Resolved {
                                content_type: response
                                    .headers
                                    .get(http::header::CONTENT_TYPE)
                                    .cloned(),
                                body: response.body,
                            });
                        }
                        other => other,
                    }
                }
                Err(transport) => {
                    report.graph.push(transport.diagnostics);
                    if Instant::now() >= deadline {
                        return Err(ResolveError::DeadlineExceeded(self.deadline));
                    }
                    last_cause = transport.message;
                    Verdict::Unavailable { retry_after: None }
                }
            };
            let retry_after = match &verdict {
                Verdict::Fatal(fatal) => return Err(ResolveError::Graph(fatal.clone())),
                // Returned above; kept so the match stays exhaustive.
                Verdict::Success => None,
                Verdict::Hydration => {
                    if hit {
                        // The store said hydrated but Graph disagrees: stop
                        // trusting it, here and on every other instance.
                        hit = false;
                        report.stale_hit = true;
                        let t = Instant::now();
                        self.store.forget(&user).await;
                        report.timings.store += t.elapsed();
                    }
                    if report.attempts < self.policy.max_attempts {
                        self.warm_up(request, deadline, report).await;
                    }
                    None
                }
                Verdict::Throttled { retry_after } | Verdict::Unavailable { retry_after } => {
                    if let Some(status) = report.graph.last().and_then(|d| d.status) {
                        last_cause = format!("HTTP {status}");
                    }
                    *retry_after
                }
            };
            last = verdict;
            if report.attempts >= self.policy.max_attempts {
                break;
            }
            let wait = retry_after
                .or_else(|| self.policy.backoff(retries))
                .unwrap_or_default();
            retries += 1;
            let remaining = deadline.saturating_duration_since(Instant::now());
            if wait >= remaining {
                // Sleeping would outlive the deadline: answer now, with the
                // wait the caller should honour.
                return Err(exhausted(&last, &last_cause, wait));
            }
            tokio::time::sleep(wait).await;
        }
        let wait = match &last {
            Verdict::Throttled { retry_after } | Verdict::Unavailable { retry_after } => {
                retry_after.unwrap_or(Duration::from_secs(1))
            }
            _ => HYDRATION_RETRY_AFTER,
        };
        Err(exhausted(&last, &last_cause, wait))
    }

    /// Records `user` as hydrated, with the warm-up that preceded success.
    async fn remember(&self, user: UserKey, report: &mut Report) {
        let record = HydrationRecord::new(user, SystemTime::now(), self.ttl, report.warmup);
        let t = Instant::now();
        self.store.put(&record).await;
        report.timings.store += t.elapsed();
    }

    /// The first warm-up of a cold user, shared by concurrent requests.
    async fn shared_warm_up(
        &self,
        request: &ResolveRequest,
        user: &UserKey,
        deadline: Instant,
        report: &mut Report,
    ) {
        let t = Instant::now();
        let mut own = Report::default();
        let entry = self
            .inflight
            .entry_by_ref(user)
            .or_insert_with(self.run_strategies(request, deadline, &mut own))
            .await;
        report.warmup = entry.value().to_owned();
        report.warmup_shared = !entry.is_fresh();
        report.graph.append(&mut own.graph);
        report.timings.warmup += t.elapsed();
    }

    /// A warm-up of this request's own (after a hydration 401).
    async fn warm_up(&self, request: &ResolveRequest, deadline: Instant, report: &mut Report) {
        let t = Instant::now();
        let mut own = Report::default();
        let kind = self.run_strategies(request, deadline, &mut own).await;
        report.warmup = kind.or(report.warmup);
        report.graph.append(&mut own.graph);
        report.timings.warmup += t.elapsed();
    }

    /// Tries the strategies in order; the first that answers (any status)
    /// wins. A strategy that does not apply or gets no answer is skipped.
    async fn run_strategies(
        &self,
        request: &ResolveRequest,
        deadline: Instant,
        report: &mut Report,
    ) -> Option<WarmupKind> {
        for strategy in &self.warmups {
            let Some(path) = strategy.path(&request.share) else {
                continue;
            };
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return None;
            }
            let kind = strategy.kind();
            let call = self
                .graph
                .get(
                    &path,
                    &request.token,
                    &request.client_request_id,
                    CallKind::Warmup,
                    Some(kind),
                    remaining.min(WARMUP_CALL_TIMEOUT),
                )
                .await;
            match call {
                Ok(response) => {
                    report.graph.push(response.diagnostics);
                    return Some(kind);
                }
                Err(transport) => report.graph.push(transport.diagnostics),
            }
        }
        None
    }
}

/// The error for a loop that ran out of attempts or time on `last`.
fn exhausted(last: &Verdict, cause: &str, wait: Duration) -> ResolveError {
    match last {
        Verdict::Throttled { .. } => ResolveError::Throttled { retry_after: wait },
        Verdict::Unavailable { retry_after } => ResolveError::GraphUnavailable {
            cause: cause.to_owned(),
            retry_after: retry_after.map(|_| wait),
        },
        _ => ResolveError::HydrationExhausted {
            retry_after: wait.max(HYDRATION_RETRY_AFTER),
        },
    }
}
