//! The runner: the configured strategies one after another, from a given
//! position, reading each answer until one proves the token was accepted.

use std::time::Duration;

use tokio::time::Instant;

use crate::cloud::Cloud;
use crate::graph::{
    CallLabel, GraphClient, GraphDiagnostics, GraphRejection, GraphResponse, TransportError,
    Verdict, classify,
};
use crate::identity::Caller;

use super::plan::LastWarmUp;
use super::strategy::{WarmupKind, WarmupPlace, WarmupStrategy, WarmupTarget};

/// Longest a single warm-up call may take: a hanging warm-up must not eat
/// the whole deadline, since its answer does not matter anyway.
const WARMUP_CALL_TIMEOUT: Duration = Duration::from_secs(4);

/// How a warm-up call went.
pub(super) enum Attempt {
    Answered(LastWarmUp),
    Refused(GraphRejection),
    NoAnswer,
}

/// The strategies, tried in order.
pub(super) struct Runner {
    graph: GraphClient,
    strategies: Vec<WarmupStrategy>,
    /// Whose SharePoint Online hosts the `sharepoint` strategy goes to.
    cloud: Cloud,
}

impl Runner {
    pub fn new(graph: GraphClient, strategies: Vec<WarmupStrategy>, cloud: Cloud) -> Self {
        Self {
            graph,
            strategies,
            cloud,
        }
    }

    /// Tries the strategies in order from `from` (wrapping); the first that
    /// answers wins. One that does not apply, gets no answer, or (SharePoint)
    /// refuses the SharePoint token, is passed over.
    pub async fn run(
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
            let Some(target) = strategy.target(place, caller.sharepoint.is_some(), self.cloud)
            else {
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
}
