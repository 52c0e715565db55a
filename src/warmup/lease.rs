//! One warm-up per guest across the fleet (contract, step 4, "Across
//! instances"): Lambda gives each instance one request at a time, so the
//! ledger's in-process single-flight cannot help a guest whose page opens
//! several links at once. Before a warm-up, the instance claims it in the
//! table: a short-lived warming lease (a conditional write that one instance
//! wins). The others find the lease (with the record they read anyway, or in
//! the answer to their own claim) and wait for the settle checkpoints
//! measured from its send time, as an in-process joiner does.
//!
//! # Implementation Notes
//! * A lease is written before anything proved the token, so in `graph`
//!   mode it carries the token's fingerprint and only a caller with the same
//!   one waits on it: a forged token's lease delays no one. It never counts
//!   as hydrated or warmed.
//! * The holder sends its warm-up one write round trip after the lease's
//!   time; a reader's own store round trip stands in for that one.
//! * Best-effort: a claim the table refuses, or that times out, is a
//!   warm-up on this instance's own, as without a table. A request whose
//!   look-up already failed does not claim at all.

use std::time::{Duration, SystemTime};

use tokio::time::Instant;

use crate::clock::Clock;
use crate::hydration::{
    BestEffortStore, HydrationRecord, Put, RecordKind, StoreError, epoch_millis, epoch_seconds,
};
use crate::identity::TokenFingerprint;

use super::strategy::WarmupKind;
use crate::identity::Caller;

/// What the store said of a guest.
pub(crate) enum Known {
    Hydrated,
    /// A live "warmed" marker, or a live lease of this caller's token: a
    /// warm-up for this guest was sent `age` ago, on some instance; it may
    /// still be settling.
    Warming {
        age: Duration,
        strategy: Option<WarmupKind>,
    },
    Unknown,
}

/// When the warm-up a request waits on was sent: an instant of this
/// process, or an age read from a marker or a lease (a fresh Lambda VM's
/// monotonic clock may not reach back that far, so no `Instant` is derived
/// from it).
#[derive(Debug, Clone, Copy)]
pub(crate) struct WarmedAt {
    base: Instant,
    age_at_base: Duration,
}

impl WarmedAt {
    pub(crate) fn sent(at: Instant) -> Self {
        Self {
            base: at,
            age_at_base: Duration::ZERO,
        }
    }

    pub(crate) fn ago(age: Duration) -> Self {
        Self {
            base: Instant::now(),
            age_at_base: age,
        }
    }

    pub(crate) fn elapsed(self) -> Duration {
        self.age_at_base + self.base.elapsed()
    }
}

/// How long a lease lives (to the next whole second of `expiresAt`): long
/// enough to cover the holder's warm-up and the usual settle until its
/// success replaces the lease with a record; short enough that a holder that
/// died holds no one back for long.
pub(crate) const LEASE_TTL: Duration = Duration::from_secs(3);

/// What a record from the store means for a caller with `fingerprint`
/// (`None` in `obo` mode) at `now`; `rtt` is the round trip that read it.
pub(crate) fn known(
    record: Option<&HydrationRecord>,
    fingerprint: Option<TokenFingerprint>,
    now: SystemTime,
    rtt: Duration,
) -> Known {
    let Some(record) = record.filter(|r| r.is_live(now)) else {
        return Known::Unknown;
    };
    match record.kind {
        RecordKind::Hydrated => Known::Hydrated,
        // Whatever its age: hydration has most likely settled since, so
        // `/shares` goes first. If a 401 says otherwise past the re-warm
        // window, `decide` warms up again; that first call has then used
        // one of the `MAX_ATTEMPTS`.
        RecordKind::Warmed => Known::Warming {
            age: Duration::from_secs(epoch_seconds(now).saturating_sub(record.hydrated_at)),
            strategy: record.strategy,
        },
        RecordKind::Warming {
            sent_at_ms,
            fingerprint: holder,
        } if holder == fingerprint => Known::Warming {
            age: Duration::from_millis(epoch_millis(now).saturating_sub(sent_at_ms))
                .saturating_sub(rtt),
            strategy: None,
        },
        // Another token's lease: ignored.
        RecordKind::Warming { .. } => Known::Unknown,
    }
}

/// After a claim: `None` to warm up here (the claim was won, or what holds
/// the item is not this caller's to wait on), `Some(age)` to wait on the
/// warm-up sent `age` ago that holds it (a lease of the same token, or a
/// marker or a success written since the look-up), while it may still be
/// settling: one older than `rewarm_after` did not work (a re-warm), so this
/// instance warms up.
pub(super) fn after_claim(
    claimed: &Put,
    fingerprint: Option<TokenFingerprint>,
    now: SystemTime,
    rtt: Duration,
    rewarm_after: Duration,
) -> Option<Duration> {
    let Put::Kept(held) = claimed else {
        return None;
    };
    let age = match known(Some(held), fingerprint, now, rtt) {
        Known::Hydrated => Duration::from_secs(epoch_seconds(now).saturating_sub(held.hydrated_at)),
        Known::Warming { age, .. } => age,
        Known::Unknown => return None,
    };
    (age < rewarm_after).then_some(age)
}

/// What a claim came to.
#[derive(Debug, Default)]
pub(crate) struct Claim {
    /// Another instance's warm-up (or what followed it) to wait on.
    pub wait: Option<WarmedAt>,
    /// The table could not say: counted, and this instance warms up.
    pub failed: Option<StoreError>,
}

/// Claims warm-ups in the hydration store.
pub(crate) struct Leases {
    store: BestEffortStore,
    rewarm_after: Duration,
    clock: Clock,
}

impl Leases {
    pub fn new(store: BestEffortStore, rewarm_after: Duration, clock: Clock) -> Self {
        Self {
            store,
            rewarm_after,
            clock,
        }
    }

    /// One conditional write, bounded by the store timeout and `deadline`.
    pub async fn claim(&self, caller: &Caller, deadline: Instant) -> Claim {
        let fingerprint = caller.fingerprint();
        let lease = HydrationRecord::warming(
            caller.claims.user.clone(),
            self.clock.now(),
            LEASE_TTL,
            fingerprint,
        );
        let t = Instant::now();
        let budget = deadline.saturating_duration_since(t);
        match self.store.claim(&lease, budget).await {
            Ok(claimed) => Claim {
                wait: after_claim(
                    &claimed,
                    fingerprint,
                    self.clock.now(),
                    t.elapsed(),
                    self.rewarm_after,
                )
                .map(WarmedAt::ago),
                failed: None,
            },
            Err(e) => Claim {
                wait: None,
                failed: Some(e),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::UserKey;

    const MS: fn(u64) -> Duration = Duration::from_millis;

    fn user() -> UserKey {
        UserKey::new("tid", "oid").unwrap()
    }

    /// A fixed half-second, so that whole-second ages are exact.
    fn now() -> SystemTime {
        std::time::UNIX_EPOCH + Duration::from_millis(1_700_000_000_500)
    }

    fn fp(n: u8) -> Option<TokenFingerprint> {
        Some(TokenFingerprint([n; 16]))
    }

    /// What `known` says, as a comparable value: (kind, age in ms).
    fn said(k: &Known) -> (&'static str, Option<u128>) {
        match k {
            Known::Hydrated => ("hydrated", None),
            Known::Warming { age, .. } => ("warming", Some(age.as_millis())),
            Known::Unknown => ("unknown", None),
        }
    }

    #[test]
    fn a_lease_is_waited_on_only_with_the_same_token_and_never_counts_as_hydrated() {
        let now = now();
        let hour = Duration::from_secs(3600);
        let lease =
            |ago: Duration, holder| HydrationRecord::warming(user(), now - ago, LEASE_TTL, holder);
        let hydrated = HydrationRecord::new(user(), now, hour, None);
        let marker = HydrationRecord::warmed(user(), now - MS(2000), hour, WarmupKind::Site);
        for (record, caller, rtt, expected, why) in [
            (None, fp(1), MS(0), ("unknown", None), "nothing there"),
            (
                Some(&hydrated),
                fp(1),
                MS(0),
                ("hydrated", None),
                "a success",
            ),
            (
                Some(&lease(MS(100), fp(1))),
                fp(1),
                MS(0),
                ("warming", Some(100)),
                "a lease of this token: wait from its send time",
            ),
            (
                Some(&lease(MS(100), fp(1))),
                fp(1),
                MS(30),
                ("warming", Some(70)),
                "the holder sends one write round trip after the lease's time",
            ),
            (
                Some(&lease(MS(10), fp(1))),
                fp(1),
                MS(30),
                ("warming", Some(0)),
                "never a negative age",
            ),
            (
                Some(&lease(MS(100), fp(2))),
                fp(1),
                MS(0),
                ("unknown", None),
                "another token's lease (a forged one, say) is ignored",
            ),
            (
                Some(&lease(MS(100), None)),
                fp(1),
                MS(0),
                ("unknown", None),
                "graph mode trusts no lease without its fingerprint",
            ),
            (
                Some(&lease(MS(100), None)),
                None,
                MS(0),
                ("warming", Some(100)),
                "obo mode: the verified user's lease",
            ),
            (
                Some(&lease(MS(5000), fp(1))),
                fp(1),
                MS(0),
                ("unknown", None),
                "an expired lease: the next request warms up",
            ),
        ] {
            let got = known(record, caller, now, rtt);
            assert_eq!(said(&got), expected, "{why}");
        }
        let got = known(Some(&marker), fp(1), now, MS(0));
        assert!(
            matches!(got, Known::Warming { age, strategy: Some(WarmupKind::Site) } if age.as_secs() == 2),
            "a marker serves any token of the user"
        );
    }

    #[test]
    fn a_lost_claim_waits_on_what_won_and_anything_else_warms_up_here() {
        let now = now();
        let hour = Duration::from_secs(3600);
        let lease = |holder| HydrationRecord::warming(user(), now - MS(40), LEASE_TTL, holder);
        let marker = HydrationRecord::warmed(user(), now - MS(1000), hour, WarmupKind::Root);
        let old_marker = HydrationRecord::warmed(user(), now - MS(10_000), hour, WarmupKind::Root);
        let hydrated = HydrationRecord::new(user(), now, hour, None);
        for (claimed, expected, why) in [
            (Put::Written, None, "won: this instance warms up"),
            (
                Put::Kept(lease(fp(1))),
                Some(30),
                "lost to the same token: wait",
            ),
            (
                Put::Kept(lease(fp(2))),
                None,
                "held by another token's lease: warm up, undelayed",
            ),
            (
                Put::Kept(marker),
                Some(1000),
                "a pre-warm answered meanwhile",
            ),
            (
                Put::Kept(hydrated),
                Some(0),
                "a success meanwhile: /shares at once",
            ),
            (
                Put::Kept(old_marker),
                None,
                "a re-warm: the marker's warm-up did not work, warm up here",
            ),
        ] {
            let got = after_claim(&claimed, fp(1), now, MS(10), Duration::from_secs(5))
                .map(|d| d.as_millis());
            assert_eq!(got, expected, "{why}");
        }
    }
}
