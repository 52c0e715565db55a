//! Retry timing as plain data and pure arithmetic: how long to wait before
//! the next `/shares` call. Randomness comes in as a `roll` in `[0, 1)`, so
//! every delay is exact in tests; the resolver's loop draws it.
//!
//! # Implementation Notes
//! Two schedules, because two different things are being waited for:
//!
//! * **Graph trouble** (429, 5xx, no answer): exponential backoff with full
//!   jitter, a uniform delay in `[0, min(cap, base·2ⁿ)]` (AWS Architecture
//!   Blog, "Exponential Backoff And Jitter"), unless Graph sent `Retry-After`,
//!   which wins (docs/graph-facts.md#5-throttling-and-retry-after).
//! * **Hydration settling**: after a warm-up, SharePoint takes a while to
//!   know the guest (public reports: from instant to seconds, see
//!   docs/graph-facts.md#6-the-guest-hydration-anomaly). Polling before it has
//!   settled only spends calls, and Graph throttles per app and tenant. So
//!   the polls go at checkpoints measured from the moment the warm-up
//!   answered: at once (no lag costs one round trip), then
//!   `settle_base·growthᵏ⁻¹` plus full jitter over the next quarter of that
//!   step. With the defaults (300 ms, ×3.5) the checkpoints are 0, 0.30–0.38,
//!   1.05–1.31 and 3.68–4.59 s: a 300 ms settle costs 2 `/shares` calls and
//!   a 1 s settle 3, all four fit in 5 s, and a burst of one tenant's guests
//!   spreads over each quarter-step instead of polling in lockstep. These were
//!   chosen on the benchmark's lag scenarios (100, 300, 1000 ms), see
//!   `benches/resolution.rs`.

use std::time::Duration;

/// Growth of the settle checkpoints (see the module notes).
const SETTLE_GROWTH: f64 = 3.5;
/// Jitter spread of a settle checkpoint, as a share of it.
const SETTLE_SPREAD: f64 = 0.25;

/// Timing of retries between `/shares` calls; `Copy` data, no I/O.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RetryPolicy {
    /// `/shares` calls per request at most (`MAX_ATTEMPTS`).
    pub max_attempts: u32,
    /// The most a request sleeps for `Retry-After` and backoff, in all
    /// (`MAX_INLINE_WAIT_MS`); a wait past it goes to the caller.
    pub max_inline_wait: Duration,
    /// Backoff for Graph trouble: first bound and cap.
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// First settle checkpoint after a warm-up (see the module notes).
    pub settle_base: Duration,
    /// A warm-up that answered longer ago than this, with hydration 401s
    /// since, is not settling but failed: warm up again, with the next strategy.
    pub rewarm_after: Duration,
}

impl RetryPolicy {
    /// Full jitter over `min(cap, base·2ⁿ)` for retry `n` (0-based).
    pub fn backoff(&self, n: u32, roll: f64) -> Duration {
        let bound = self
            .backoff_base
            .saturating_mul(2u32.saturating_pow(n))
            .min(self.backoff_cap);
        bound.mul_f64(unit(roll))
    }

    /// How long after a warm-up answered poll number `poll` should go
    /// (poll 0 is the first `/shares` call after it: at once).
    pub fn settle_at(&self, poll: u32, roll: f64) -> Duration {
        if poll == 0 {
            return Duration::ZERO;
        }
        let exponent = i32::try_from(poll - 1).unwrap_or(i32::MAX).min(16);
        // Past the re-warm window a checkpoint is pointless: the next 401
        // warms up again instead.
        let floor = self
            .settle_base
            .mul_f64(SETTLE_GROWTH.powi(exponent))
            .min(self.rewarm_after);
        floor + floor.mul_f64(SETTLE_SPREAD * unit(roll))
    }
}

/// `roll` clamped to `[0, 1]`, so a bad roll can never stretch a delay.
fn unit(roll: f64) -> f64 {
    if roll.is_finite() {
        roll.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            max_inline_wait: Duration::from_secs(3),
            backoff_base: Duration::from_millis(100),
            backoff_cap: Duration::from_secs(1),
            settle_base: Duration::from_millis(300),
            rewarm_after: Duration::from_secs(5),
        }
    }

    #[test]
    fn backoff_is_full_jitter_under_an_exponential_cap() {
        let p = policy();
        for (n, roll, expected_ms, why) in [
            (0, 0.0, 0, "full jitter reaches zero"),
            (0, 1.0, 100, "first bound is the base"),
            (2, 0.5, 200, "half of base·2²"),
            (2, 1.0, 400, "base·2²"),
            (6, 1.0, 1000, "capped"),
            (40, 1.0, 1000, "no overflow far out"),
            (1, f64::NAN, 0, "a bad roll never stretches a delay"),
            (1, 7.0, 200, "a roll above 1 counts as 1"),
        ] {
            let got = p.backoff(n, roll).as_millis();
            assert_eq!(got, expected_ms, "{why}");
        }
    }

    #[test]
    fn settle_checkpoints_grow_from_the_warm_up_with_a_quarter_step_of_jitter() {
        let p = policy();
        for (poll, roll, expected_ms, why) in [
            (0, 0.9, 0, "the first poll goes at once"),
            (1, 0.0, 300, "then the settle base"),
            (1, 1.0, 375, "plus at most a quarter"),
            (2, 0.0, 1050, "×3.5"),
            (3, 0.0, 3675, "×3.5 again"),
            (3, 1.0, 4593, "the fourth poll still fits in 5 s"),
        ] {
            assert_eq!(p.settle_at(poll, roll).as_millis(), expected_ms, "{why}");
        }
        assert_eq!(
            p.settle_at(60, 0.0),
            p.rewarm_after,
            "never past the re-warm window"
        );
    }
}
