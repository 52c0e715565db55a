//! Rounds: one caller's Graph requests, sent, read and retried together. A
//! single route's request is a round of one, sent as its own GET; a batch's
//! requests go as Graph JSON batches (at most 20 each), each round
//! re-sending only what needs another try. Every request keeps its own
//! attempts and asks the same pure `retry::decide`; the deadline, the
//! inline-wait budget, the warm-up, the recording and the throttle window
//! are the caller's. This loop only calls, sleeps and does what it is told.

use std::time::Duration;

use tokio::time::Instant;

use super::{Hydration, Report, ResolveError, Resolved, Resolver, Target};
use crate::graph::{
    BatchAnswer, GraphDiagnostics, GraphRequest, GraphResponse, GraphTrouble, InnerCall,
    MAX_REQUESTS, TransportError, Verdict, classify, classify_round_trip,
};
use crate::identity::Caller;
use crate::retry::{Answer, GiveUp, Next, Progress, decide};
use crate::warmup::{WarmedAt, WarmupPlace};

/// How the rounds reach Graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Via {
    /// One GET per request (the single routes: their call counts stay).
    Direct,
    /// Graph JSON batches (`POST /v1/$batch`).
    Batch,
}

/// A request due this soon after a round's first goes with it: one round
/// trip serves both, for at most this much delay to the first.
const COALESCE: Duration = Duration::from_millis(25);

/// One request's answer, when the rounds are over.
#[derive(Debug)]
pub struct Answered {
    pub result: Result<Resolved, ResolveError>,
    /// Its Graph calls.
    pub attempts: u32,
    /// What Graph answered it, in order.
    pub graph: Vec<GraphDiagnostics>,
}

/// Where one request stands.
enum Standing {
    /// To be sent at `at` (after a warm-up when `warm_up`); `trouble`: the
    /// wait is for Graph trouble, so it counts against the inline budget.
    Due {
        at: Instant,
        warm_up: bool,
        trouble: Option<Duration>,
    },
    Done(Result<Resolved, ResolveError>),
}

/// One request in the rounds.
struct Item<'a> {
    id: Option<&'a str>,
    target: &'a Target,
    request: GraphRequest,
    progress: Progress,
    graph: Vec<GraphDiagnostics>,
    standing: Standing,
}

/// The requests of the next round, and when and how it goes.
#[derive(Debug, PartialEq)]
struct Round {
    items: Vec<usize>,
    at: Instant,
    warm_up: bool,
    /// The longest trouble wait in it (the budget's share of the sleep).
    trouble: Option<Duration>,
}

/// What one request's call got.
enum Reply {
    Response(GraphResponse),
    /// Graph's answer to the round trip itself, for every request in it.
    Shared(Verdict, GraphDiagnostics),
    Transport(TransportError),
}

/// The next round, pure: every request due within [`COALESCE`] of the
/// earliest, sent when the last of them is due and no earlier than the
/// caller's throttle window allows.
fn next_round(
    due: &[(usize, Instant, bool, Option<Duration>)],
    not_before: Instant,
) -> Option<Round> {
    let earliest = due.iter().map(|d| d.1).min()?;
    let mut round = Round {
        items: Vec::new(),
        at: earliest.max(not_before),
        warm_up: false,
        trouble: None,
    };
    for &(index, at, warm_up, trouble) in due {
        if at <= earliest + COALESCE {
            round.items.push(index);
            round.at = round.at.max(at);
            round.warm_up |= warm_up;
            round.trouble = round.trouble.max(trouble);
        }
    }
    Some(round)
}

impl Resolver {
    /// Runs `requests` for `caller` until each has its answer or the
    /// deadline. `warmed`: the warm-up this request already has (or joined).
    /// `Err` answers for all of them: Graph refused the caller's token (at a
    /// warm-up, or in the first round).
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn rounds(
        &self,
        caller: &Caller,
        requests: &[(Option<&str>, &Target)],
        place: WarmupPlace<'_>,
        mut warmed: Option<WarmedAt>,
        via: Via,
        deadline: Instant,
        report: &mut Report,
    ) -> Result<Vec<Answered>, ResolveError> {
        let now = Instant::now();
        let mut items: Vec<Item<'_>> = requests
            .iter()
            .map(|&(id, target)| Item {
                id,
                target,
                request: target.graph_request(),
                progress: Progress {
                    attempts: 0,
                    trouble_retries: 0,
                    since_warm_up: None,
                    polls_since_warm_up: 0,
                    slept: Duration::ZERO,
                },
                graph: Vec::new(),
                standing: Standing::Due {
                    at: now,
                    warm_up: false,
                    trouble: None,
                },
            })
            .collect();
        // The caller's, shared by its requests.
        let mut slept = Duration::ZERO;
        let mut throttled_until = now;
        let mut recorded = false;
        let mut first_round = true;

        while let Some(round) = next_round(&due(&items), throttled_until) {
            if round.warm_up {
                warmed = self.warm_up(caller, place, deadline, report).await?;
                for item in &mut items {
                    item.progress.polls_since_warm_up = 0;
                }
            }
            slept += round.trouble.unwrap_or_default();
            // Not even a zero-length sleep when it is due: the timer's
            // millisecond granularity would delay every first call.
            if round.at > Instant::now() {
                tokio::time::sleep_until(round.at).await;
            }
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                for &i in &round.items {
                    items[i].standing =
                        Standing::Done(Err(ResolveError::DeadlineExceeded(self.deadline)));
                }
                continue;
            }
            report.attempts += u32::try_from(round.items.len()).unwrap_or(u32::MAX);
            for &i in &round.items {
                items[i].progress.attempts += 1;
            }
            let t = Instant::now();
            let replies = self
                .send(caller, &items, &round.items, via, remaining)
                .await;
            report.timings.graph += t.elapsed();

            let succeeded_before = recorded;
            // Read every answer first: whether a hit was stale, or the
            // token refused, depends on all of them.
            let mut answers = Vec::with_capacity(round.items.len());
            for (&i, reply) in round.items.iter().zip(replies) {
                let item = &mut items[i];
                let (mut diagnostics, answer) = match reply {
                    Reply::Response(response) => {
                        let verdict = classify(&response);
                        if verdict == Verdict::Success {
                            if !recorded {
                                recorded = true;
                                self.succeeded(caller, deadline, report).await;
                            }
                            item.standing = Standing::Done(Ok(Resolved {
                                content_type: response
                                    .headers
                                    .get(http::header::CONTENT_TYPE)
                                    .cloned(),
                                body: response.body.clone(),
                            }));
                        }
                        (response.diagnostics, Answer::Graph(verdict))
                    }
                    Reply::Shared(verdict, diagnostics) => (diagnostics, Answer::Graph(verdict)),
                    Reply::Transport(transport) => {
                        if Instant::now() >= deadline {
                            item.standing =
                                Standing::Done(Err(ResolveError::DeadlineExceeded(self.deadline)));
                        }
                        (
                            transport.diagnostics,
                            Answer::Unanswered(GraphTrouble::Transport(transport.message.into())),
                        )
                    }
                };
                diagnostics.id = item.id.map(str::to_owned);
                report.graph.push(diagnostics.clone());
                item.graph.push(diagnostics);
                answers.push((i, answer));
            }

            // Graph refused the token itself: every other call with it
            // would be refused the same way, so the whole batch answers
            // that one problem (and only its answer is kept). In the first
            // round, or in a batch's later one while nothing has succeeded:
            // a round trip that failed (dropped, 503) judged no token, and
            // the next is the first to (a single request's refusal is its
            // answer anyway).
            if first_round || (via == Via::Batch && !succeeded_before) {
                first_round = false;
                let refusal = answers.iter().find_map(|(i, answer)| match answer {
                    Answer::Graph(Verdict::Rejected(r)) if r.refuses_token() => {
                        Some((*i, r.clone()))
                    }
                    _ => None,
                });
                if let Some((i, rejection)) = refusal {
                    report.graph = items[i].graph.last().cloned().into_iter().collect();
                    return Err(ResolveError::Rejected(rejection));
                }
            }
            for (_, answer) in &answers {
                if let Answer::Graph(Verdict::Throttled {
                    retry_after: Some(wait),
                }) = answer
                {
                    self.throttle
                        .open(caller, *wait, self.clock.instant())
                        .await;
                    throttled_until = throttled_until.max(Instant::now() + *wait);
                }
            }
            let hydration_401 = |a: &Answer| matches!(a, Answer::Graph(Verdict::Hydration));
            if report.hydration == Some(Hydration::Hit)
                && !report.stale_hit
                && !recorded
                && answers.iter().all(|(_, a)| hydration_401(a))
            {
                // The store said hydrated but Graph disagrees on every
                // request: stop trusting it, here and on every other instance.
                report.stale_hit = true;
                self.forget(caller, deadline, report).await;
            }

            let roll = fastrand::f64();
            let mut handed_a_wait = None;
            for (i, answer) in answers {
                let item = &mut items[i];
                if !matches!(item.standing, Standing::Due { .. }) {
                    continue;
                }
                let trouble = !hydration_401(&answer);
                let progress = &mut item.progress;
                progress.since_warm_up = warmed.map(WarmedAt::elapsed);
                progress.polls_since_warm_up += 1;
                progress.slept = slept;
                let remaining = deadline.saturating_duration_since(Instant::now());
                item.standing = match decide(&self.policy, progress, answer, remaining, roll) {
                    Next::Fail(reason) => {
                        if let GiveUp::Throttled { retry_after } = &reason {
                            handed_a_wait = Some(*retry_after);
                        }
                        Standing::Done(Err(reason.into()))
                    }
                    Next::Retry { wait, warm_up } => {
                        if trouble {
                            progress.trouble_retries += 1;
                        }
                        Standing::Due {
                            at: Instant::now() + wait,
                            warm_up,
                            trouble: trouble.then_some(wait),
                        }
                    }
                };
            }
            if let Some(wait) = handed_a_wait {
                // The caller was handed a wait (the throttle window runs):
                // no further round, the others answer with what is left.
                let left = self
                    .throttle
                    .left(caller, self.clock.instant())
                    .await
                    .unwrap_or(wait);
                for item in &mut items {
                    if matches!(item.standing, Standing::Due { .. }) {
                        item.standing =
                            Standing::Done(Err(ResolveError::Throttled { retry_after: left }));
                    }
                }
            }
        }

        Ok(items
            .into_iter()
            .map(|item| Answered {
                result: match item.standing {
                    Standing::Done(result) => result,
                    // The loop ends only when nothing is due.
                    Standing::Due { .. } => Err(ResolveError::DeadlineExceeded(self.deadline)),
                },
                attempts: item.progress.attempts,
                graph: item.graph,
            })
            .collect())
    }

    /// Sends one round: each request's own GET, or batches of at most 20.
    async fn send(
        &self,
        caller: &Caller,
        items: &[Item<'_>],
        round: &[usize],
        via: Via,
        remaining: Duration,
    ) -> Vec<Reply> {
        let client_request_id = |item: &Item<'_>| -> String {
            item.target
                .client_request_id()
                .map_or_else(|| caller.client_request_id.clone(), str::to_owned)
        };
        let mut replies = Vec::with_capacity(round.len());
        match via {
            Via::Direct => {
                for &i in round {
                    let item = &items[i];
                    let call = self
                        .graph
                        .send(
                            &item.request,
                            &caller.token,
                            &client_request_id(item),
                            item.target.label(),
                            remaining,
                        )
                        .await;
                    replies.push(match call {
                        Ok(response) => Reply::Response(response),
                        Err(transport) => Reply::Transport(transport),
                    });
                }
            }
            Via::Batch => {
                for chunk in round.chunks(MAX_REQUESTS) {
                    let ids: Vec<String> = chunk
                        .iter()
                        .map(|&i| items[i].id.map_or_else(|| i.to_string(), str::to_owned))
                        .collect();
                    let crids: Vec<String> = chunk
                        .iter()
                        .map(|&i| client_request_id(&items[i]))
                        .collect();
                    let calls: Vec<InnerCall<'_>> = chunk
                        .iter()
                        .enumerate()
                        .map(|(at, &i)| InnerCall {
                            id: &ids[at],
                            request: &items[i].request,
                            client_request_id: &crids[at],
                            label: items[i].target.label(),
                        })
                        .collect();
                    let answer = self
                        .graph
                        .batch(&calls, &caller.token, &caller.client_request_id, remaining)
                        .await;
                    replies.extend(replies_of(&calls, answer));
                }
            }
        }
        replies
    }
}

/// Each call's reply from what Graph answered its batch.
fn replies_of(calls: &[InnerCall<'_>], answer: Result<BatchAnswer, TransportError>) -> Vec<Reply> {
    let relabel = |diagnostics: &GraphDiagnostics, call: &InnerCall<'_>| GraphDiagnostics {
        call: Some(call.label.kind),
        ..diagnostics.clone()
    };
    match answer {
        Ok(BatchAnswer::Each(answers)) => calls
            .iter()
            .zip(answers)
            .map(|(call, answer)| match answer {
                Some(response) => Reply::Response(response),
                None => Reply::Transport(TransportError {
                    message: "Graph's batch answer held no answer for this request".to_owned(),
                    diagnostics: GraphDiagnostics::from_transport(
                        call.label.kind,
                        None,
                        call.client_request_id,
                        "no answer in Graph's batch",
                        0,
                    ),
                }),
            })
            .collect(),
        Ok(BatchAnswer::Whole(response)) => {
            let verdict = classify_round_trip(&response);
            calls
                .iter()
                .map(|call| Reply::Shared(verdict.clone(), relabel(&response.diagnostics, call)))
                .collect()
        }
        Err(transport) => calls
            .iter()
            .map(|call| {
                Reply::Transport(TransportError {
                    message: transport.message.clone(),
                    diagnostics: relabel(&transport.diagnostics, call),
                })
            })
            .collect(),
    }
}

/// The requests still due, as [`next_round`] reads them.
fn due(items: &[Item<'_>]) -> Vec<(usize, Instant, bool, Option<Duration>)> {
    items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| match item.standing {
            Standing::Due {
                at,
                warm_up,
                trouble,
            } => Some((i, at, warm_up, trouble)),
            Standing::Done(_) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: fn(u64) -> Duration = Duration::from_millis;

    #[test]
    fn a_round_takes_what_is_due_together_and_waits_for_the_throttle_window() {
        let t = Instant::now();
        for (due, not_before, expected, why) in [
            (vec![], t, None, "nothing due: no round"),
            (
                vec![(0, t + MS(300), false, None), (1, t + MS(300), false, None)],
                t,
                Some(Round {
                    items: vec![0, 1],
                    at: t + MS(300),
                    warm_up: false,
                    trouble: None,
                }),
                "the same checkpoint: one round",
            ),
            (
                vec![
                    (0, t + MS(300), false, None),
                    (1, t + MS(310), false, Some(MS(310))),
                    (2, t + MS(1000), false, Some(MS(1000))),
                ],
                t,
                Some(Round {
                    items: vec![0, 1],
                    at: t + MS(310),
                    warm_up: false,
                    trouble: Some(MS(310)),
                }),
                "due within 25 ms goes along, never before its time; a later one waits",
            ),
            (
                vec![(3, t, true, None), (4, t + MS(5), false, None)],
                t + MS(900),
                Some(Round {
                    items: vec![3, 4],
                    at: t + MS(900),
                    warm_up: true,
                    trouble: None,
                }),
                "a warm-up for the round, and no call inside the throttle window",
            ),
        ] {
            assert_eq!(next_round(&due, not_before), expected, "{why}");
        }
    }
}
