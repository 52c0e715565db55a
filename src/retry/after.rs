//! `Retry-After`: the waits this service names when Graph named none, and
//! the one bound on any wait passed on to a caller.

use std::time::Duration;

/// What `Retry-After` tells a caller after `hydration_exhausted`.
pub(crate) const HYDRATION_RETRY_AFTER: Duration = Duration::from_secs(5);
/// What `Retry-After` tells a caller after `throttled` when Graph named no wait.
pub(crate) const THROTTLED_RETRY_AFTER: Duration = Duration::from_secs(1);
/// The most `Retry-After` passed on to a caller: Graph has been seen asking
/// for 315 s, and beyond a few minutes a number is no advice.
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(300);

/// The `Retry-After` header's whole seconds for `wait`: rounded up so
/// callers never come back early, at least 1, and capped at
/// [`MAX_RETRY_AFTER`] again so no path passes Graph's number on unbounded.
pub(crate) fn retry_after_secs(wait: Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.clamp(1, MAX_RETRY_AFTER.as_secs())
}
