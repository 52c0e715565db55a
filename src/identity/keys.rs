//! The identity platform's signing keys, per tenant: fetched at start-up,
//! kept as a snapshot that lookups read without waiting, fetched again on
//! an unknown `kid` at most once a minute (single-flight per tenant), and
//! refreshed in the background once a day.
//!
//! Keys rotate; a token signed with a key published after the last fetch
//! names a `kid` the snapshot does not know, which is one reason to fetch
//! again. Anything else (a forged `kid`) must not make a fetch per request,
//! hence the minute, nor make anyone else wait: a known `kid` is answered
//! from the snapshot while a fetch is under way. A withdrawn key drops out
//! with the daily refresh
//! (docs/graph-facts.md#7-on-behalf-of-and-validating-this-apis-own-tokens).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::JwkSet;
use tokio::time::Instant;

use super::error::{Cause, IdentityError};
use crate::clock::Clock;

/// At most one fetch per tenant in this interval (for unknown `kid`s).
const REFETCH_AFTER: Duration = Duration::from_secs(60);
/// While no key set could be fetched at all: a shorter pause between tries.
const RETRY_MISSING_AFTER: Duration = Duration::from_secs(5);
/// A key set this old is fetched again in the background.
const REFRESH_AFTER: Duration = Duration::from_secs(24 * 60 * 60);
/// One key set fetch at most.
const FETCH_TIMEOUT: Duration = Duration::from_secs(3);

/// One tenant's key set and when it was last fetched (or tried).
#[derive(Default, Clone)]
struct Snapshot {
    set: Option<Arc<JwkSet>>,
    fetched_at: Option<Instant>,
    /// When `set` itself arrived: what the daily refresh ages.
    set_at: Option<Instant>,
}

/// A tenant: the snapshot lookups read, and the lock a fetch holds (the
/// single flight; only callers with an unknown `kid` ever wait on it).
#[derive(Default)]
struct Tenant {
    snapshot: RwLock<Snapshot>,
    fetching: tokio::sync::Mutex<()>,
}

impl Tenant {
    fn read(&self) -> Snapshot {
        self.snapshot
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// What a fetch needs, cloneable into a background task.
#[derive(Clone)]
struct Fetcher {
    http: reqwest::Client,
    login_base_url: String,
    clock: Clock,
}

pub(crate) struct KeySets {
    fetcher: Fetcher,
    tenants: Mutex<HashMap<String, Arc<Tenant>>>,
}

impl KeySets {
    pub fn new(http: reqwest::Client, login_base_url: &str, clock: Clock) -> Self {
        Self {
            fetcher: Fetcher {
                http,
                login_base_url: login_base_url.to_owned(),
                clock,
            },
            tenants: Mutex::new(HashMap::new()),
        }
    }

    fn tenant(&self, tid: &str) -> Arc<Tenant> {
        let mut tenants = self.tenants.lock().unwrap_or_else(PoisonError::into_inner);
        tenants.entry(tid.to_owned()).or_default().clone()
    }

    /// Fetches `tid`'s keys now (start-up); a failure is logged and the
    /// first request fetches again.
    pub async fn prefetch(&self, tid: &str) {
        let tenant = self.tenant(tid);
        let _flight = tenant.fetching.lock().await;
        if let Err(e) = self.fetcher.fetch_into(tid, &tenant).await {
            tracing::warn!(tenant = tid, error = %e, "signing keys not fetched at start-up");
        }
    }

    /// The key `kid` of `tid`: from the snapshot when known (never
    /// waiting), else after this tenant's one fetch a minute.
    pub async fn key(&self, tid: &str, kid: &str) -> Result<DecodingKey, IdentityError> {
        let tenant = self.tenant(tid);
        let now = self.fetcher.clock.instant();
        let snapshot = tenant.read();
        if let Some(key) = find(&snapshot, kid) {
            if refresh_due(snapshot.set_at, now) {
                self.refresh_in_background(tid, tenant);
            }
            return key;
        }
        let _flight = tenant.fetching.lock().await;
        // Another request may have fetched while this one waited.
        let snapshot = tenant.read();
        if let Some(key) = find(&snapshot, kid) {
            return key;
        }
        let now = self.fetcher.clock.instant();
        if !may_fetch(snapshot.set.is_some(), snapshot.fetched_at, now) {
            return Err(match snapshot.set {
                Some(_) => IdentityError::Invalid("signed with an unknown key"),
                None => IdentityError::unavailable(
                    "the identity platform's key set could not be fetched",
                    None,
                ),
            });
        }
        self.fetcher.fetch_into(tid, &tenant).await?;
        find(&tenant.read(), kid)
            .unwrap_or(Err(IdentityError::Invalid("signed with an unknown key")))
    }

    /// Fetches a day-old set again without anyone waiting for it; skipped
    /// when a fetch is already under way.
    fn refresh_in_background(&self, tid: &str, tenant: Arc<Tenant>) {
        let fetcher = self.fetcher.clone();
        let tid = tid.to_owned();
        tokio::spawn(async move {
            let Ok(_flight) = tenant.fetching.try_lock() else {
                return;
            };
            // Another fetch may have renewed the set since this was decided.
            let stale = refresh_due(tenant.read().set_at, fetcher.clock.instant());
            if stale && let Err(e) = fetcher.fetch_into(&tid, &tenant).await {
                tracing::warn!(tenant = %tid, error = %e, "signing keys not refreshed");
            }
        });
    }
}

impl Fetcher {
    /// Fetches `tid`'s set into its snapshot; the caller holds `fetching`.
    async fn fetch_into(&self, tid: &str, tenant: &Tenant) -> Result<(), IdentityError> {
        let started = self.clock.instant();
        let result = self.fetch(tid).await;
        let mut snapshot = tenant
            .snapshot
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        // Counted as a fetch whatever happens, so a failing platform is not
        // asked again on every request either.
        snapshot.fetched_at = Some(started);
        let set = result?;
        snapshot.set = Some(Arc::new(set));
        snapshot.set_at = Some(started);
        Ok(())
    }

    async fn fetch(&self, tid: &str) -> Result<JwkSet, IdentityError> {
        let unavailable =
            |detail, e: reqwest::Error| IdentityError::unavailable(detail, Some(Cause::new(e)));
        let url = format!("{}/{tid}/discovery/v2.0/keys", self.login_base_url);
        let response = self
            .http
            .get(url)
            .timeout(FETCH_TIMEOUT)
            .send()
            .await
            .map_err(|e| unavailable("the identity platform's key set could not be fetched", e))?;
        if !response.status().is_success() {
            return Err(IdentityError::unavailable(
                "the identity platform's key set answered an error",
                response.error_for_status_ref().err().map(Cause::new),
            ));
        }
        response
            .json()
            .await
            .map_err(|e| unavailable("the identity platform's key set is not a JWK set", e))
    }
}

/// Whether a key set that arrived at `set_at` is old enough at `now` to be
/// fetched again in the background (a withdrawn key then drops out).
fn refresh_due(set_at: Option<Instant>, now: Instant) -> bool {
    set_at.is_some_and(|at| now.saturating_duration_since(at) >= REFRESH_AFTER)
}

/// Whether an unknown `kid` may fetch the set at `now`: once a minute while
/// a set is cached, every few seconds while none could be fetched yet.
fn may_fetch(has_set: bool, fetched_at: Option<Instant>, now: Instant) -> bool {
    let pause = if has_set {
        REFETCH_AFTER
    } else {
        RETRY_MISSING_AFTER
    };
    fetched_at.is_none_or(|at| now.saturating_duration_since(at) >= pause)
}

fn find(keys: &Snapshot, kid: &str) -> Option<Result<DecodingKey, IdentityError>> {
    let jwk = keys.set.as_ref()?.find(kid)?;
    Some(DecodingKey::from_jwk(jwk).map_err(|_| IdentityError::Invalid("an unusable signing key")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEC: Duration = Duration::from_secs(1);

    #[test]
    fn a_key_set_is_refreshed_once_it_is_a_day_old_and_not_before() {
        let t0 = Instant::now();
        let cases = [
            (
                None,
                Duration::ZERO,
                false,
                "no set yet: lookups fetch it, no refresh",
            ),
            (Some(t0), Duration::ZERO, false, "just fetched"),
            (
                Some(t0),
                REFRESH_AFTER - SEC,
                false,
                "a second short of a day",
            ),
            (Some(t0), REFRESH_AFTER, true, "a day old"),
            (Some(t0), REFRESH_AFTER * 3, true, "days old"),
        ];
        for (set_at, age, due, why) in cases {
            assert_eq!(refresh_due(set_at, t0 + age), due, "{why}");
        }
        // A clock that reads earlier than the fetch (never in practice)
        // ages nothing.
        assert!(!refresh_due(Some(t0 + SEC), t0));
    }

    #[test]
    fn an_unknown_kid_fetches_once_a_minute_with_a_set_and_every_few_seconds_without() {
        let t0 = Instant::now();
        let cases = [
            (true, None, Duration::ZERO, true, "never fetched"),
            (false, None, Duration::ZERO, true, "never fetched, no set"),
            (
                true,
                Some(t0),
                REFETCH_AFTER - SEC,
                false,
                "within the minute",
            ),
            (true, Some(t0), REFETCH_AFTER, true, "a minute on"),
            (
                false,
                Some(t0),
                RETRY_MISSING_AFTER - SEC,
                false,
                "no set, within the pause",
            ),
            (
                false,
                Some(t0),
                RETRY_MISSING_AFTER,
                true,
                "no set, after the pause",
            ),
            (
                true,
                Some(t0),
                RETRY_MISSING_AFTER,
                false,
                "a set waits the whole minute",
            ),
        ];
        for (has_set, fetched_at, after, may, why) in cases {
            assert_eq!(may_fetch(has_set, fetched_at, t0 + after), may, "{why}");
        }
    }
}
