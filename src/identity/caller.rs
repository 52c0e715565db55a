//! Who calls: the user a token belongs to and the caller as the resolver
//! sees it.

use std::fmt;
use std::sync::Arc;

use super::bearer::{BearerToken, TokenFingerprint};
use super::peek::TokenClaims;
use super::sharepoint::SharePointTokens;

/// Who calls, as parsed (and in `obo` mode verified) at the edge.
pub struct Caller {
    /// The Graph token to call with: the caller's own (`graph` mode), or one
    /// obtained On-Behalf-Of the caller (`obo`).
    pub token: BearerToken,
    /// Where the `sharepoint` warm-up gets its token; `None`: it is skipped.
    pub sharepoint: Option<Arc<dyn SharePointTokens>>,
    /// The token's claims: peeked (`graph`) or verified (`obo`).
    pub claims: TokenClaims,
    /// Whether the claims were verified (`obo`): then the user alone is
    /// the caller, whichever of its tokens it sends.
    pub verified: bool,
    pub client_request_id: String,
}

impl std::fmt::Debug for Caller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caller")
            .field("user", &self.claims.user)
            .field("verified", &self.verified)
            .field("sharepoint", &self.sharepoint.is_some())
            .finish_non_exhaustive()
    }
}

/// A caller as the instance tells callers apart. In `graph` mode, the user
/// and a fingerprint of the token (the claims are not verified: a forged
/// token naming a victim's ids is another caller than the victim); in
/// `obo` mode, the verified user alone.
pub(crate) type CallerKey = (UserKey, Option<TokenFingerprint>);

impl Caller {
    pub(crate) fn key(&self) -> CallerKey {
        (self.claims.user.clone(), self.fingerprint())
    }

    /// The token's part of [`Caller::key`]: its fingerprint in `graph`
    /// mode, `None` in `obo` mode.
    pub(crate) fn fingerprint(&self) -> Option<TokenFingerprint> {
        (!self.verified).then(|| self.token.fingerprint())
    }
}

/// Who a token belongs to: the hydration store's key, `tid#oid`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserKey {
    tid: String,
    oid: String,
}

impl UserKey {
    /// Builds a key from a tenant id and an object id; both must be non-empty
    /// and free of `#` so the `tid#oid` form stays unambiguous.
    pub fn new(tid: &str, oid: &str) -> Option<Self> {
        let ok = |s: &str| {
            !s.is_empty()
                && s.len() <= 128
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        };
        (ok(tid) && ok(oid)).then(|| Self {
            tid: tid.to_owned(),
            oid: oid.to_owned(),
        })
    }

    /// Parses the `tid#oid` form.
    pub fn parse(key: &str) -> Option<Self> {
        let (tid, oid) = key.split_once('#')?;
        Self::new(tid, oid)
    }

    pub fn tid(&self) -> &str {
        &self.tid
    }

    pub fn oid(&self) -> &str {
        &self.oid
    }
}

impl fmt::Display for UserKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.tid, self.oid)
    }
}
