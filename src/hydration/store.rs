//! What the hydration store holds and the trait every store implements.

use std::time::{Duration, SystemTime};

use async_trait::async_trait;

use crate::clock::epoch_seconds;
use crate::identity::{TokenFingerprint, UserKey};
use crate::warmup::WarmupKind;

/// What a record says of its user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RecordKind {
    /// A `/shares` success proved the user hydrated.
    #[default]
    Hydrated,
    /// A warm-up that Graph answered for an accepted token (`POST
    /// /v1/warmup`): hydration is under way but not proven. Short-lived.
    Warmed,
    /// A warming lease (contract, step 4, "Across instances"): an instance
    /// claimed this user's warm-up and is about to send it. Lives seconds;
    /// never counts as hydrated or warmed (nothing has proved the token), and
    /// only a caller with the same token fingerprint (`graph` mode; `None`
    /// in `obo` mode, where the user is verified) may wait on it.
    Warming {
        /// Epoch milliseconds of the claim, just before the warm-up is sent:
        /// the settle checkpoints are measured from here.
        sent_at_ms: u64,
        /// 128 bits of a SHA-256 of the claimant's token (`graph` mode only).
        fingerprint: Option<TokenFingerprint>,
    },
}

/// One remembered user: only the key, timestamps and the warm-up that worked.
/// Never the token, a name or an e-mail address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HydrationRecord {
    pub user: UserKey,
    pub kind: RecordKind,
    /// Epoch seconds of the `/shares` success that proved the user hydrated
    /// (for a [`RecordKind::Warmed`] marker: when the warm-up answered).
    pub hydrated_at: u64,
    /// Epoch seconds after which the record counts as a miss (the TTL attribute).
    pub expires_at: u64,
    /// The warm-up that ran before that success, `None` when it was skipped.
    pub strategy: Option<WarmupKind>,
}

impl HydrationRecord {
    /// A record for `user` hydrated `now`, valid for `ttl`.
    pub fn new(
        user: UserKey,
        now: SystemTime,
        ttl: Duration,
        strategy: Option<WarmupKind>,
    ) -> Self {
        let hydrated_at = epoch_seconds(now);
        Self {
            user,
            kind: RecordKind::Hydrated,
            hydrated_at,
            expires_at: hydrated_at.saturating_add(ttl.as_secs()),
            strategy,
        }
    }

    /// A "warmed" marker: `user`'s warm-up with `strategy` answered `now`;
    /// valid for `ttl` (minutes, not hours).
    pub fn warmed(user: UserKey, now: SystemTime, ttl: Duration, strategy: WarmupKind) -> Self {
        Self {
            kind: RecordKind::Warmed,
            ..Self::new(user, now, ttl, Some(strategy))
        }
    }

    /// A warming lease: `user`'s warm-up was claimed `now` (with the token
    /// whose fingerprint is given, in `graph` mode), for `ttl` (seconds,
    /// rounded up to the next whole second of `expiresAt`).
    pub fn warming(
        user: UserKey,
        now: SystemTime,
        ttl: Duration,
        fingerprint: Option<TokenFingerprint>,
    ) -> Self {
        let sent_at_ms = epoch_millis(now);
        let until_ms =
            sent_at_ms.saturating_add(u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX));
        Self {
            user,
            kind: RecordKind::Warming {
                sent_at_ms,
                fingerprint,
            },
            hydrated_at: sent_at_ms / 1000,
            expires_at: until_ms.div_ceil(1000),
            strategy: None,
        }
    }

    /// Whether this is a warming lease (not a record of hydration).
    pub fn is_lease(&self) -> bool {
        matches!(self.kind, RecordKind::Warming { .. })
    }

    /// Whether the record still counts at `now` (expiry is exclusive).
    pub fn is_live(&self, now: SystemTime) -> bool {
        epoch_seconds(now) < self.expires_at
    }

    /// Whether `self` may overwrite `current` at `now`: a "warmed" marker
    /// never replaces a live "hydrated" record, which would cut hours of
    /// known hydration down to minutes (a pre-warm racing a resolution).
    /// A lease replaces nothing that is live ([`HydrationRecord::may_claim`]).
    pub fn may_replace(&self, current: &HydrationRecord, now: SystemTime) -> bool {
        if self.is_lease() {
            return Self::may_claim(current, now);
        }
        !(self.kind == RecordKind::Warmed
            && current.kind == RecordKind::Hydrated
            && current.is_live(now))
    }

    /// Whether a warming lease may be written over `current` at `now`: only
    /// over what is no longer live (an expired record, marker or lease). A
    /// live record or marker stays, and so does a live lease, of any token.
    pub fn may_claim(current: &HydrationRecord, now: SystemTime) -> bool {
        !current.is_live(now)
    }
}

/// What a `put` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Put {
    Written,
    /// A "warmed" marker met this live "hydrated" record, which stays.
    Kept(HydrationRecord),
}

/// `put` for the moka-backed stores, atomic per key: see
/// [`HydrationRecord::may_replace`].
pub(super) async fn put_in(
    cache: &moka::future::Cache<UserKey, HydrationRecord>,
    record: &HydrationRecord,
) -> Put {
    use moka::ops::compute::{CompResult, Op};
    let now = SystemTime::now();
    let outcome = cache
        .entry_by_ref(&record.user)
        .and_compute_with(|current| {
            std::future::ready(match current {
                Some(current) if !record.may_replace(current.value(), now) => Op::Nop,
                _ => Op::Put(record.clone()),
            })
        })
        .await;
    match outcome {
        CompResult::Unchanged(kept) => Put::Kept(kept.into_value()),
        _ => Put::Written,
    }
}

/// Milliseconds since the Unix epoch (a lease's send time).
pub fn epoch_millis(t: SystemTime) -> u64 {
    t.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Why a store call failed. The resolver logs it and carries on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("hydration store timed out after {0:?}")]
    Timeout(Duration),
    #[error("hydration store call failed")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("hydration store returned a malformed item: {0}")]
    Malformed(String),
}

/// Where hydrated users are remembered. Implementations must return only live
/// records from `get` (an expired one is a miss).
#[async_trait]
pub trait HydrationStore: Send + Sync + 'static {
    /// The live record for `user`, if any.
    async fn get(&self, user: &UserKey) -> Result<Option<HydrationRecord>, StoreError>;
    /// Remember `record`: overwrites, except that a "warmed" marker never
    /// replaces a live "hydrated" record ([`HydrationRecord::may_replace`]),
    /// which is then handed back.
    async fn put(&self, record: &HydrationRecord) -> Result<Put, StoreError>;
    /// Claim `lease`'s user's warm-up (a [`HydrationRecord::warming`]
    /// lease), atomically: [`Put::Written`] when this caller won (nothing
    /// live was there: [`HydrationRecord::may_claim`]), else [`Put::Kept`]
    /// with what is there (a live record, marker or lease, of any token).
    async fn claim(&self, lease: &HydrationRecord) -> Result<Put, StoreError>;
    /// Drop what is known of `user` (a stale hit).
    async fn forget(&self, user: &UserKey) -> Result<(), StoreError>;
    /// A short name for logs (`memory`, `dynamodb`, ...).
    fn name(&self) -> &'static str;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marker_never_replaces_a_live_hydrated_record() {
        let now = SystemTime::now();
        let user = || UserKey::new("tid", "oid").unwrap();
        let hour = Duration::from_secs(3600);
        let hydrated = HydrationRecord::new(user(), now, hour, None);
        let expired = HydrationRecord::new(user(), now - 2 * hour, hour, None);
        let marker = HydrationRecord::warmed(user(), now, hour, WarmupKind::Root);
        for (new, current, replaces, why) in [
            (&marker, &hydrated, false, "a marker under a live success"),
            (&marker, &expired, true, "a marker over an expired success"),
            (&marker, &marker, true, "a marker over a marker"),
            (&hydrated, &marker, true, "a success over a marker"),
            (&hydrated, &hydrated, true, "a success over a success"),
        ] {
            assert_eq!(new.may_replace(current, now), replaces, "{why}");
        }
    }

    #[test]
    fn a_lease_is_claimed_only_over_what_is_no_longer_live() {
        let now = SystemTime::now();
        let user = || UserKey::new("tid", "oid").unwrap();
        let hour = Duration::from_secs(3600);
        let secs = Duration::from_secs(3);
        let lease = |at: SystemTime, fp: u8| {
            HydrationRecord::warming(user(), at, secs, Some(TokenFingerprint([fp; 16])))
        };
        let hydrated = HydrationRecord::new(user(), now, hour, None);
        let expired = HydrationRecord::new(user(), now - 2 * hour, hour, None);
        let marker = HydrationRecord::warmed(user(), now, hour, WarmupKind::Root);
        let old_marker = HydrationRecord::warmed(user(), now - 2 * hour, hour, WarmupKind::Root);
        for (current, claims, why) in [
            (
                &hydrated,
                false,
                "a live success is hydrated: no warm-up to claim",
            ),
            (
                &marker,
                false,
                "a live marker: a warm-up answered, wait on it",
            ),
            (&lease(now, 1), false, "a live lease of the same token"),
            (
                &lease(now, 2),
                false,
                "a live lease of another token stays too",
            ),
            (&expired, true, "an expired success"),
            (&old_marker, true, "an expired marker"),
            (
                &lease(now - Duration::from_secs(5), 1),
                true,
                "an expired lease is taken over",
            ),
        ] {
            assert_eq!(HydrationRecord::may_claim(current, now), claims, "{why}");
            assert_eq!(lease(now, 1).may_replace(current, now), claims, "{why}");
        }
        // A success or a marker replaces a live lease: it never counts as either.
        assert!(hydrated.may_replace(&lease(now, 1), now));
        assert!(marker.may_replace(&lease(now, 1), now));
    }

    #[test]
    fn a_lease_lives_seconds_and_keeps_its_send_time_in_milliseconds() {
        let at = std::time::UNIX_EPOCH + Duration::from_millis(1_700_000_000_250);
        let user = UserKey::new("tid", "oid").unwrap();
        let lease = HydrationRecord::warming(user, at, Duration::from_secs(3), None);
        assert_eq!(
            lease.kind,
            RecordKind::Warming {
                sent_at_ms: 1_700_000_000_250,
                fingerprint: None
            }
        );
        assert_eq!(lease.expires_at, 1_700_000_004, "3.25 s later, rounded up");
        assert!(lease.is_live(at + Duration::from_millis(3700)));
        assert!(!lease.is_live(at + Duration::from_millis(3750)));
        assert_eq!(lease.strategy, None);
    }
}
