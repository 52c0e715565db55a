//! Throttle windows: after Graph answered a caller `429` with `Retry-After`,
//! this instance makes no Graph call for that caller until the wait has
//! passed (Graph's guidance: calls made while throttled prolong the
//! throttling), and answers `throttled` with the wait that is left.
//!
//! A caller is a user *and token* (the ledger's key): a forged token naming
//! a victim's ids gets its own window, so its 429 silences no one else.

use std::time::Duration;

use moka::future::Cache;
use tokio::time::Instant;

use super::after::MAX_RETRY_AFTER;
use crate::identity::{Caller, CallerKey};

/// Callers whose window is remembered, at most.
const CAPACITY: u64 = 20_000;

pub(crate) struct ThrottleWindows {
    until: Cache<CallerKey, Instant>,
}

impl ThrottleWindows {
    pub fn new() -> Self {
        Self {
            // No window outlives the longest Retry-After passed on.
            until: Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(MAX_RETRY_AFTER)
                .build(),
        }
    }

    /// What is left at `now` of `caller`'s window, if one is open.
    pub async fn left(&self, caller: &Caller, now: Instant) -> Option<Duration> {
        let until = self.until.get(&caller.key()).await?;
        let left = until.saturating_duration_since(now);
        (!left.is_zero()).then_some(left)
    }

    /// Graph throttled `caller` at `now` for `wait` (capped like every
    /// `Retry-After`).
    pub async fn open(&self, caller: &Caller, wait: Duration, now: Instant) {
        let until = now + wait.min(MAX_RETRY_AFTER);
        self.until.insert(caller.key(), until).await;
    }
}
