//! Retrying: the timing policy (`policy`: backoff and the settle schedule),
//! the decision after each answer (`decision`, pure), the per-caller
//! throttle windows (`throttle`) and the `Retry-After` bounds (`after`).
//! The resolver's loop and the warm-ups use it; it knows nothing of them.

mod after;
mod decision;
mod policy;
mod throttle;

pub(crate) use after::retry_after_secs;
pub(crate) use decision::{Answer, GiveUp, Next, Progress, decide};
pub(crate) use policy::RetryPolicy;
pub(crate) use throttle::ThrottleWindows;
