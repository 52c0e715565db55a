//! The re-warm plan, pure: whether a request joins the warm-up that is
//! settling, or runs one, and from which strategy.

use std::time::Duration;

use tokio::time::Instant;

use super::strategy::WarmupKind;

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

#[cfg(test)]
mod tests {
    use super::*;

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
