//! The identity platform's signing keys, per tenant: fetched at start-up,
//! cached, and fetched again on an unknown `kid` at most once a minute
//! (single-flight: concurrent requests with new keys make one fetch).
//!
//! Keys rotate; a token signed with a key published after the last fetch
//! names a `kid` the cache does not know, which is the one reason to fetch
//! again. Anything else (a forged `kid`) must not make a fetch per request,
//! hence the minute (docs/graph-facts.md#7-on-behalf-of-and-validating-this-apis-own-tokens).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::JwkSet;
use tokio::time::Instant;

use super::error::{Cause, IdentityError};

/// At most one fetch per tenant in this interval (for unknown `kid`s).
const REFETCH_AFTER: Duration = Duration::from_secs(60);
/// While no key set could be fetched at all: a shorter pause between tries.
const RETRY_MISSING_AFTER: Duration = Duration::from_secs(5);
/// One key set fetch at most.
const FETCH_TIMEOUT: Duration = Duration::from_secs(3);

/// One tenant's key set and when it was last fetched.
#[derive(Default)]
struct TenantKeys {
    set: Option<Arc<JwkSet>>,
    fetched_at: Option<Instant>,
}

pub(crate) struct KeySets {
    http: reqwest::Client,
    login_base_url: String,
    /// One async lock per tenant: holding it is the single flight.
    tenants: Mutex<HashMap<String, Arc<tokio::sync::Mutex<TenantKeys>>>>,
}

impl KeySets {
    pub fn new(http: reqwest::Client, login_base_url: &str) -> Self {
        Self {
            http,
            login_base_url: login_base_url.to_owned(),
            tenants: Mutex::new(HashMap::new()),
        }
    }

    fn tenant(&self, tid: &str) -> Arc<tokio::sync::Mutex<TenantKeys>> {
        let mut tenants = self.tenants.lock().unwrap_or_else(|e| e.into_inner());
        tenants.entry(tid.to_owned()).or_default().clone()
    }

    /// Fetches `tid`'s keys now (start-up); a failure is logged and the
    /// first request fetches again.
    pub async fn prefetch(&self, tid: &str) {
        let tenant = self.tenant(tid);
        let mut keys = tenant.lock().await;
        if let Err(e) = self.fetch_into(tid, &mut keys).await {
            tracing::warn!(tenant = tid, error = %e, "signing keys not fetched at start-up");
        }
    }

    /// The key `kid` of `tid`, fetching the set when it is unknown (at most
    /// once a minute).
    pub async fn key(&self, tid: &str, kid: &str) -> Result<DecodingKey, IdentityError> {
        let tenant = self.tenant(tid);
        let mut keys = tenant.lock().await;
        if let Some(key) = find(&keys, kid) {
            return key;
        }
        let pause = if keys.set.is_some() {
            REFETCH_AFTER
        } else {
            RETRY_MISSING_AFTER
        };
        if keys.fetched_at.is_some_and(|at| at.elapsed() < pause) {
            return Err(match keys.set {
                Some(_) => IdentityError::Invalid("signed with an unknown key"),
                None => IdentityError::unavailable(
                    "the identity platform's key set could not be fetched",
                    None,
                ),
            });
        }
        self.fetch_into(tid, &mut keys).await?;
        find(&keys, kid).unwrap_or(Err(IdentityError::Invalid("signed with an unknown key")))
    }

    async fn fetch_into(&self, tid: &str, keys: &mut TenantKeys) -> Result<(), IdentityError> {
        let unavailable =
            |detail, e: reqwest::Error| IdentityError::unavailable(detail, Some(Cause::new(e)));
        // Counted as a fetch whatever happens, so a failing platform is not
        // asked again on every request either.
        keys.fetched_at = Some(Instant::now());
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
        let set: JwkSet = response
            .json()
            .await
            .map_err(|e| unavailable("the identity platform's key set is not a JWK set", e))?;
        keys.set = Some(Arc::new(set));
        Ok(())
    }
}

fn find(keys: &TenantKeys, kid: &str) -> Option<Result<DecodingKey, IdentityError>> {
    let jwk = keys.set.as_ref()?.find(kid)?;
    Some(DecodingKey::from_jwk(jwk).map_err(|_| IdentityError::Invalid("an unusable signing key")))
}
