//! The retry decision, pure: what one `/shares` answer means for the request,
//! given where it stands and how much time is left. The loop in
//! `resolver` only calls, sleeps and does what this says.

use std::time::Duration;

use super::RetryPolicy;
use super::after::{HYDRATION_RETRY_AFTER, MAX_RETRY_AFTER, THROTTLED_RETRY_AFTER};
use crate::graph::{GraphRejection, GraphTrouble, Verdict};

/// Why retrying stops: the resolver's error says it to the caller.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum GiveUp {
    /// Graph refused, for a reason retrying cannot change.
    Rejected(GraphRejection),
    Throttled {
        retry_after: Duration,
    },
    HydrationExhausted {
        retry_after: Duration,
    },
    GraphUnavailable {
        cause: GraphTrouble,
        retry_after: Option<Duration>,
    },
}

/// One `/shares` answer, as the decision sees it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Answer {
    /// Graph answered; what it means.
    Graph(Verdict),
    /// No answer came (connect, reset, timeout).
    Unanswered(GraphTrouble),
}

/// Where a request stands after a `/shares` answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Progress {
    /// `/shares` calls made so far, the one answered included.
    pub attempts: u32,
    /// Retries after Graph trouble so far (the backoff's exponent).
    pub trouble_retries: u32,
    /// Since this request's warm-up (its own or a joined one) answered;
    /// `None` when it had none (a hit, a member, or no strategy answered).
    pub since_warm_up: Option<Duration>,
    /// `/shares` calls made since that warm-up, the one answered included.
    pub polls_since_warm_up: u32,
    /// What this request has slept for `Retry-After` and backoff so far
    /// (settle waits are not counted: they are the hydration itself).
    pub slept: Duration,
}

/// What the loop does next.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Next {
    /// Stop with this error.
    Fail(GiveUp),
    /// Sleep `wait`, warm up first when `warm_up`, then call `/shares` again.
    Retry { wait: Duration, warm_up: bool },
}

/// Decides after a non-success answer. `remaining` is the deadline's time
/// left now; `roll` is uniform in `[0, 1)` (the jitter).
pub(crate) fn decide(
    policy: &RetryPolicy,
    progress: &Progress,
    answer: Answer,
    remaining: Duration,
    roll: f64,
) -> Next {
    let out_of_attempts = progress.attempts >= policy.max_attempts;
    match answer {
        Answer::Graph(Verdict::Success) => unreachable_success(),
        Answer::Graph(Verdict::Rejected(rejection)) => Next::Fail(GiveUp::Rejected(rejection)),
        Answer::Graph(Verdict::Hydration) => {
            let exhausted = |wait: Duration| {
                Next::Fail(GiveUp::HydrationExhausted {
                    retry_after: wait.max(HYDRATION_RETRY_AFTER).min(MAX_RETRY_AFTER),
                })
            };
            if out_of_attempts {
                return exhausted(Duration::ZERO);
            }
            match progress.since_warm_up {
                // A hit or a member that Graph does not know (stale), or a
                // warm-up that failed or is too old to be settling: warm up.
                None => Next::Retry {
                    wait: Duration::ZERO,
                    warm_up: true,
                },
                Some(age) if age >= policy.rewarm_after => Next::Retry {
                    wait: Duration::ZERO,
                    warm_up: true,
                },
                // Still settling: wait for the next checkpoint, no new warm-up.
                Some(age) => {
                    let wait = policy
                        .settle_at(progress.polls_since_warm_up, roll)
                        .saturating_sub(age);
                    if wait >= remaining {
                        return exhausted(wait);
                    }
                    Next::Retry {
                        wait,
                        warm_up: false,
                    }
                }
            }
        }
        Answer::Graph(Verdict::Throttled { retry_after }) => {
            let fail = |wait: Duration| {
                Next::Fail(GiveUp::Throttled {
                    retry_after: wait.min(MAX_RETRY_AFTER),
                })
            };
            if out_of_attempts {
                return fail(retry_after.unwrap_or(THROTTLED_RETRY_AFTER));
            }
            let wait =
                retry_after.unwrap_or_else(|| policy.backoff(progress.trouble_retries, roll));
            if wait >= remaining || over_inline_budget(policy, progress, wait) {
                return fail(wait);
            }
            Next::Retry {
                wait,
                warm_up: false,
            }
        }
        Answer::Graph(Verdict::Unavailable {
            retry_after,
            status,
        }) => trouble(
            policy,
            progress,
            GraphTrouble::Status(status),
            retry_after,
            remaining,
            roll,
        ),
        Answer::Unanswered(cause) => trouble(policy, progress, cause, None, remaining, roll),
    }
}

/// 5xx or no answer: back off (or honour `Retry-After`) while time and
/// attempts last, then `graph_unavailable`.
fn trouble(
    policy: &RetryPolicy,
    progress: &Progress,
    cause: GraphTrouble,
    retry_after: Option<Duration>,
    remaining: Duration,
    roll: f64,
) -> Next {
    let fail = |wait: Option<Duration>| {
        Next::Fail(GiveUp::GraphUnavailable {
            cause: cause.clone(),
            retry_after: wait.map(|w| w.min(MAX_RETRY_AFTER)),
        })
    };
    if progress.attempts >= policy.max_attempts {
        return fail(retry_after);
    }
    let wait = retry_after.unwrap_or_else(|| policy.backoff(progress.trouble_retries, roll));
    if wait >= remaining || over_inline_budget(policy, progress, wait) {
        return fail(retry_after.map(|_| wait));
    }
    Next::Retry {
        wait,
        warm_up: false,
    }
}

/// Whether sleeping `wait` more would take the request past what it may
/// sleep in all: a sleeping Lambda is billed and holds an instance, so the
/// caller, who waits for free, gets the wait instead.
fn over_inline_budget(policy: &RetryPolicy, progress: &Progress, wait: Duration) -> bool {
    progress.slept.saturating_add(wait) > policy.max_inline_wait
}

/// The loop returns on success before asking; should it ask anyway, the
/// safest answer is a retry that changes nothing.
fn unreachable_success() -> Next {
    Next::Retry {
        wait: Duration::ZERO,
        warm_up: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: fn(u64) -> Duration = Duration::from_millis;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            max_inline_wait: Duration::from_secs(3),
            backoff_base: MS(100),
            backoff_cap: MS(1000),
            settle_base: MS(300),
            rewarm_after: Duration::from_secs(5),
        }
    }

    fn at(attempts: u32, since_warm_up: Option<u64>, polls: u32) -> Progress {
        Progress {
            attempts,
            trouble_retries: attempts.saturating_sub(1),
            since_warm_up: since_warm_up.map(MS),
            polls_since_warm_up: polls,
            slept: Duration::ZERO,
        }
    }

    fn retry(wait_ms: u64, warm_up: bool) -> Next {
        Next::Retry {
            wait: MS(wait_ms),
            warm_up,
        }
    }

    fn hydration_exhausted(secs: u64) -> Next {
        Next::Fail(GiveUp::HydrationExhausted {
            retry_after: Duration::from_secs(secs),
        })
    }

    #[test]
    fn a_hydration_401_waits_for_settling_instead_of_warming_up_again() {
        let hydration = || Answer::Graph(Verdict::Hydration);
        let remaining = Duration::from_secs(10);
        for (progress, roll, expected, why) in [
            (
                at(1, Some(20), 1),
                0.0,
                retry(280, false),
                "first poll after the warm-up: wait for the 300 ms checkpoint",
            ),
            (
                at(1, Some(20), 1),
                1.0,
                retry(355, false),
                "jitter spreads it over the next quarter",
            ),
            (
                at(2, Some(330), 2),
                0.0,
                retry(720, false),
                "second checkpoint, 1050 ms after the warm-up",
            ),
            (
                at(3, Some(1100), 3),
                0.0,
                retry(2575, false),
                "third checkpoint, 3675 ms after the warm-up",
            ),
            (
                at(2, Some(900), 1),
                0.0,
                retry(0, false),
                "a checkpoint already past: poll at once",
            ),
            (
                at(1, None, 0),
                0.5,
                retry(0, true),
                "a stale hit or a member: warm up at once",
            ),
            (
                at(2, Some(5000), 2),
                0.5,
                retry(0, true),
                "a warm-up older than the re-warm window: warm up again",
            ),
            (
                at(4, Some(20), 1),
                0.0,
                hydration_exhausted(5),
                "out of attempts",
            ),
            (
                at(4, None, 0),
                0.0,
                hydration_exhausted(5),
                "out of attempts, no warm-up yet",
            ),
        ] {
            assert_eq!(
                decide(&policy(), &progress, hydration(), remaining, roll),
                expected,
                "{why}"
            );
        }
    }

    #[test]
    fn a_wait_that_outlives_the_deadline_ends_the_request_now() {
        for (answer, progress, remaining, expected, why) in [
            (
                Answer::Graph(Verdict::Hydration),
                at(1, Some(20), 1),
                MS(200),
                hydration_exhausted(5),
                "settling would outlive the deadline",
            ),
            (
                Answer::Graph(Verdict::Throttled {
                    retry_after: Some(Duration::from_secs(41)),
                }),
                at(1, None, 0),
                Duration::from_secs(10),
                Next::Fail(GiveUp::Throttled {
                    retry_after: Duration::from_secs(41),
                }),
                "Retry-After past the deadline is passed on",
            ),
            (
                Answer::Graph(Verdict::Throttled {
                    retry_after: Some(Duration::from_secs(999_999_999)),
                }),
                at(1, None, 0),
                Duration::from_secs(10),
                Next::Fail(GiveUp::Throttled {
                    retry_after: MAX_RETRY_AFTER,
                }),
                "a huge Retry-After is capped at 300 s",
            ),
            (
                Answer::Graph(Verdict::Unavailable {
                    retry_after: Some(Duration::from_secs(30)),
                    status: 503,
                }),
                at(1, None, 0),
                Duration::from_secs(10),
                Next::Fail(GiveUp::GraphUnavailable {
                    cause: GraphTrouble::Status(503),
                    retry_after: Some(Duration::from_secs(30)),
                }),
                "a 503 whose Retry-After outlives the deadline",
            ),
        ] {
            assert_eq!(
                decide(&policy(), &progress, answer, remaining, 0.5),
                expected,
                "{why}"
            );
        }
    }

    #[test]
    fn a_wait_past_the_inline_budget_is_handed_to_the_caller_at_once() {
        let remaining = Duration::from_secs(15);
        let throttled = |secs: u64| {
            Answer::Graph(Verdict::Throttled {
                retry_after: Some(Duration::from_secs(secs)),
            })
        };
        let slept = |ms: u64| Progress {
            slept: MS(ms),
            ..at(1, None, 0)
        };
        let handed = |secs: u64| {
            Next::Fail(GiveUp::Throttled {
                retry_after: Duration::from_secs(secs),
            })
        };
        for (answer, progress, expected, why) in [
            (
                throttled(1),
                slept(0),
                retry(1000, false),
                "a short wait is slept",
            ),
            (
                throttled(3),
                slept(0),
                retry(3000, false),
                "the whole budget may go at once",
            ),
            (
                throttled(10),
                slept(0),
                handed(10),
                "a long wait is the caller's, with its Retry-After",
            ),
            (
                throttled(2),
                slept(1500),
                handed(2),
                "the budget is for all the sleeps of a request",
            ),
            (
                Answer::Graph(Verdict::Unavailable {
                    retry_after: Some(Duration::from_secs(2)),
                    status: 503,
                }),
                slept(2000),
                Next::Fail(GiveUp::GraphUnavailable {
                    cause: GraphTrouble::Status(503),
                    retry_after: Some(Duration::from_secs(2)),
                }),
                "a 503's Retry-After counts as well",
            ),
            (
                Answer::Graph(Verdict::Unavailable {
                    retry_after: None,
                    status: 500,
                }),
                slept(2990),
                Next::Fail(GiveUp::GraphUnavailable {
                    cause: GraphTrouble::Status(500),
                    retry_after: None,
                }),
                "and so does backoff (here 50 ms over the 10 ms left)",
            ),
            (
                Answer::Graph(Verdict::Hydration),
                Progress {
                    slept: MS(3000),
                    ..at(1, Some(20), 1)
                },
                Next::Retry {
                    wait: Duration::from_micros(317_500),
                    warm_up: false,
                },
                "settling is not a sleep of Retry-After or backoff (300 ms + jitter, less 20 ms)",
            ),
        ] {
            assert_eq!(
                decide(&policy(), &progress, answer, remaining, 0.5),
                expected,
                "{why}"
            );
        }
    }

    #[test]
    fn graph_trouble_backs_off_with_full_jitter_or_honours_retry_after() {
        let remaining = Duration::from_secs(10);
        let unanswered = || Answer::Unanswered(GraphTrouble::Transport("connect error".into()));
        for (answer, progress, roll, expected, why) in [
            (
                Answer::Graph(Verdict::Throttled {
                    retry_after: Some(MS(2128)),
                }),
                at(1, None, 0),
                0.9,
                retry(2128, false),
                "Retry-After wins over backoff",
            ),
            (
                Answer::Graph(Verdict::Throttled { retry_after: None }),
                at(1, None, 0),
                0.5,
                retry(50, false),
                "backoff 0: half of 100 ms",
            ),
            (
                Answer::Graph(Verdict::Unavailable {
                    retry_after: None,
                    status: 500,
                }),
                at(3, None, 0),
                1.0,
                retry(400, false),
                "backoff 2: 100 ms·2²",
            ),
            (
                unanswered(),
                at(2, None, 0),
                0.0,
                retry(0, false),
                "full jitter can retry at once",
            ),
            (
                unanswered(),
                at(4, None, 0),
                0.0,
                Next::Fail(GiveUp::GraphUnavailable {
                    cause: GraphTrouble::Transport("connect error".into()),
                    retry_after: None,
                }),
                "no answer until the last attempt",
            ),
            (
                Answer::Graph(Verdict::Throttled { retry_after: None }),
                at(4, None, 0),
                0.0,
                Next::Fail(GiveUp::Throttled {
                    retry_after: THROTTLED_RETRY_AFTER,
                }),
                "throttled until the last attempt, no Retry-After named",
            ),
        ] {
            assert_eq!(
                decide(&policy(), &progress, answer, remaining, roll),
                expected,
                "{why}"
            );
        }
    }

    #[test]
    fn a_rejection_is_final_whatever_is_left() {
        let answer = Answer::Graph(Verdict::Rejected(GraphRejection::AccessDenied));
        assert_eq!(
            decide(
                &policy(),
                &at(1, None, 0),
                answer,
                Duration::from_secs(10),
                0.5
            ),
            Next::Fail(GiveUp::Rejected(GraphRejection::AccessDenied))
        );
    }
}
