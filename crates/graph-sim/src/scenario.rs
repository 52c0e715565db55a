//! What the simulated tenant holds: users and how they behave, shares and
//! who may open them, known sites, and hydration timing.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::credentials::AcceptedCredentials;
use super::permission::SimPermission;

/// The client id of the service's API app registration in the simulated
/// tenant: the `aud` of API tokens, the `client_id` of the OBO exchange.
pub const SIM_API_CLIENT_ID: &str = "6b3f1e2a-9c4d-4e8f-a1b2-c3d4e5f60718";
/// The API registration's client secret in the simulator (a test value).
pub const SIM_API_CLIENT_SECRET: &str = "sim-api-secret~not-a-real-secret";
/// The delegated scope the API exposes (`api://{id}/access_as_user`).
pub const SIM_API_SCOPE: &str = "access_as_user";
/// The SPA's client id: the `azp` of API tokens.
pub const SIM_SPA_CLIENT_ID: &str = "0c9d8e7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f";
/// A guest's home tenant (its `idp` is `https://sts.windows.net/{this}/`).
pub const SIM_GUEST_HOME_TENANT: &str = "3c4d5e6f-1a2b-4c3d-8e9f-0a1b2c3d4e5f";

/// How a user's calls go, beyond hydration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Behaviour {
    Normal,
    /// `/shares` answers 403 `accessDenied` with the inner code
    /// `unauthorizedMissingMfaTokenClaim` (shape unverified, docs/graph-facts.md#3g-missing-mfa-unverified).
    MfaMissing,
    /// `/shares` answers `status` (401 or 403) with an `insufficient_claims`
    /// challenge in `WWW-Authenticate` and a CAE message in the body.
    ClaimsChallenge {
        status: u16,
    },
    /// Every call: 401 `InvalidAuthenticationToken` "expired" though `exp`
    /// looks fine (revoked, clock skew).
    TokenExpiredAtGraph,
    /// Every call: 401 `InvalidAuthenticationToken` for another reason.
    TokenInvalidAtGraph,
    /// Stays cold whatever warm-up happens.
    NeverHydrates,
    /// `/shares` answers `429 TooManyRequests` with `Retry-After` in whole
    /// seconds: a throttled user (Graph throttles per app and tenant, and
    /// per user within them).
    Throttled {
        retry_after_secs: u64,
    },
}

/// A user of the simulated tenant, keyed by `(tid, oid)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimUser {
    pub tid: String,
    pub oid: String,
    /// Guests are cold until a warm-up; members are always hydrated.
    pub guest: bool,
    pub behaviour: Behaviour,
}

impl SimUser {
    /// A B2B guest, cold until a warm-up.
    pub fn guest(tid: &str, oid: &str) -> Self {
        Self {
            tid: tid.to_owned(),
            oid: oid.to_owned(),
            guest: true,
            behaviour: Behaviour::Normal,
        }
    }

    /// A member of the tenant, always hydrated.
    pub fn member(tid: &str, oid: &str) -> Self {
        Self {
            guest: false,
            ..Self::guest(tid, oid)
        }
    }

    /// The same user, behaving like `behaviour`.
    pub fn with(self, behaviour: Behaviour) -> Self {
        Self { behaviour, ..self }
    }
}

/// Who may open a share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    Everyone,
    /// Only these `oid`s; anyone else gets 403 `accessDenied`.
    Only(Vec<String>),
}

/// A sharing link and the driveItem behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct SimShare {
    /// The raw sharing URL; a `u!` id must decode to exactly this.
    pub url: String,
    /// Answered verbatim on success.
    pub drive_item: Value,
    pub allowed: Access,
    /// What `/shares/{id}/permission` says of the link; an expired one
    /// answers 404 everywhere.
    pub permission: SimPermission,
}

impl SimShare {
    /// A share everyone may open.
    pub fn new(url: &str, drive_item: Value) -> Self {
        Self {
            url: url.to_owned(),
            drive_item,
            allowed: Access::Everyone,
            permission: SimPermission::default(),
        }
    }

    /// The same share, with this permission (an edit link, blocked
    /// downloads, an expiry…).
    pub fn with_permission(self, permission: SimPermission) -> Self {
        Self { permission, ..self }
    }

    /// The same share, restricted to these `oid`s.
    pub fn only_for(self, oids: &[&str]) -> Self {
        Self {
            allowed: Access::Only(oids.iter().map(|s| (*s).to_owned()).collect()),
            ..self
        }
    }

    /// The share's `s!` alias: `"s!"` + base64url (no padding) of the first
    /// 12 bytes of SHA-256 of the URL. Stable across builds and easy to
    /// compute elsewhere (e.g. in Python for event fixtures).
    pub fn s_id(&self) -> String {
        let digest = Sha256::digest(self.url.as_bytes());
        format!("s!{}", URL_SAFE_NO_PAD.encode(&digest[..12]))
    }

    /// `(driveId, id)` of the shared item, when its driveItem says.
    pub(crate) fn item_key(&self) -> Option<(String, String)> {
        let drive = self.drive_item["parentReference"]["driveId"].as_str()?;
        let id = self.drive_item["id"].as_str()?;
        Some((drive.to_owned(), id.to_owned()))
    }

    pub(crate) fn admits(&self, oid: &str) -> bool {
        match &self.allowed {
            Access::Everyone => true,
            Access::Only(oids) => oids.iter().any(|o| o == oid),
        }
    }
}

/// An item inside a drive, for browsing: a folder's child (or a shared
/// folder itself, registered by its share).
#[derive(Debug, Clone, PartialEq)]
pub struct SimItem {
    /// `b!…`, as `parentReference.driveId` says.
    pub drive_id: String,
    /// The folder it is listed in; `None` for an item no listing shows.
    pub parent_id: Option<String>,
    /// Answered (after `$select`) on success; its `id` is the item id.
    pub item: Value,
}

impl SimItem {
    /// `item` as a child of `parent_id` in `drive_id`.
    pub fn child(drive_id: &str, parent_id: &str, item: Value) -> Self {
        Self {
            drive_id: drive_id.to_owned(),
            parent_id: Some(parent_id.to_owned()),
            item,
        }
    }

    pub(crate) fn id(&self) -> Option<&str> {
        self.item.get("id").and_then(Value::as_str)
    }
}

/// The whole simulated tenant, as a simulator starts with it.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub users: Vec<SimUser>,
    pub shares: Vec<SimShare>,
    /// Items inside drives (folders' children), in listing order.
    pub items: Vec<SimItem>,
    /// Known sites for `/sites/{host}:/{path}`: `(host, "sites/Name" | "teams/Name")`.
    pub sites: Vec<(String, String)>,
    /// A warm-up takes effect only this long after it happened.
    pub hydration_lag: Duration,
    /// A hydration lasts this long.
    pub hydration_lifetime: Duration,
    /// Added before every Graph and SharePoint REST answer (simulated round
    /// trip), not the identity platform's.
    pub latency: Duration,
    /// A token whose `(tid, oid)` is not in `users` registers a cold guest;
    /// when false such a token gets 403 `accessDenied` everywhere.
    pub unknown_users_are_guests: bool,
    /// The API app registration the token endpoint knows: its client id
    /// ([`SIM_API_CLIENT_ID`] by default), the audience OBO assertions need.
    pub api_client_id: String,
    /// Its client secret ([`SIM_API_CLIENT_SECRET`] by default).
    pub api_client_secret: String,
    /// The scope it exposes ([`SIM_API_SCOPE`] by default).
    pub api_scope: String,
    /// Which credentials the registration accepts (by default its secret,
    /// its certificate and the simulated AWS role's federated tokens).
    pub api_accepts: AcceptedCredentials,
    /// When set (e.g. `https://attacker.example`), every preview's
    /// `getUrl` points there instead of the item's SharePoint host: a
    /// hostile answer a page must refuse to frame.
    pub preview_origin: Option<String>,
    /// Graph's resource URI in the simulated cloud
    /// ([`GLOBAL_GRAPH_RESOURCE`] by default; `https://graph.microsoft.us`
    /// for GCC High): the On-Behalf-Of scope the token endpoint serves
    /// (`{resource}/.default`), the `aud` of the Graph tokens it issues and
    /// the audience Graph accepts (besides Graph's app id).
    pub graph_resource: String,
}

/// Graph's resource URI in the global cloud.
pub const GLOBAL_GRAPH_RESOURCE: &str = "https://graph.microsoft.com";

impl Default for Scenario {
    /// Empty tenant, no lag, 4 h hydrations, no latency, unknown users are
    /// guests, the API registration of the `SIM_API_*` constants.
    fn default() -> Self {
        Self {
            users: Vec::new(),
            shares: Vec::new(),
            items: Vec::new(),
            sites: Vec::new(),
            hydration_lag: Duration::ZERO,
            hydration_lifetime: Duration::from_secs(4 * 3600),
            latency: Duration::ZERO,
            unknown_users_are_guests: true,
            api_client_id: SIM_API_CLIENT_ID.to_owned(),
            api_client_secret: SIM_API_CLIENT_SECRET.to_owned(),
            api_scope: SIM_API_SCOPE.to_owned(),
            api_accepts: AcceptedCredentials::default(),
            preview_origin: None,
            graph_resource: GLOBAL_GRAPH_RESOURCE.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s_ids_are_stable_short_and_url_safe() {
        let share = SimShare::new(
            "https://contoso.sharepoint.com/:w:/s/Marketing/EaBcDeFgHiJkLmNoPqRsTuVw?e=4f2Kx9",
            Value::Null,
        );
        // Computed with Python: base64.urlsafe_b64encode(sha256(url)[:12]).
        assert_eq!(share.s_id(), "s!WV0MmHrF3DT8eBOo");
        assert_ne!(SimShare::new("https://a", Value::Null).s_id(), share.s_id());
    }

    #[test]
    fn only_for_admits_just_those_oids() {
        let share = SimShare::new("https://a", Value::Null).only_for(&["x"]);
        assert!(share.admits("x"));
        assert!(!share.admits("y"));
        assert!(SimShare::new("https://a", Value::Null).admits("y"));
    }
}
