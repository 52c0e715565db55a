//! Test tokens: unsigned JWTs shaped like Entra access tokens for Graph.
//! Nothing here or in the service verifies signatures (Graph does that).

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};

/// Builds a compact JWT with the claims of a delegated Graph token.
#[derive(Debug, Clone)]
pub struct TokenBuilder {
    claims: Map<String, Value>,
}

/// Seconds since the Unix epoch.
pub(crate) fn epoch_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

impl TokenBuilder {
    /// A B2B guest's token: Graph audience, file and site read scopes, 1 h.
    pub fn guest(tid: &str, oid: &str) -> Self {
        let now = epoch_now();
        let claims = json!({
            "aud": "00000003-0000-0000-c000-000000000000",
            "iss": format!("https://sts.windows.net/{tid}/"),
            "iat": now, "nbf": now, "exp": now + 3600,
            "acct": 1,
            "idtyp": "user",
            "name": "Guest User",
            "oid": oid,
            "tid": tid,
            "scp": "Files.Read.All Sites.Read.All User.Read",
            "upn": "x_gmail.com#EXT#@contoso.onmicrosoft.com",
            "ver": "1.0",
        });
        Self {
            claims: match claims {
                Value::Object(map) => map,
                _ => Map::new(),
            },
        }
    }

    /// A member's token: as [`TokenBuilder::guest`], but `acct` 0 and a
    /// home-tenant `upn` (no `#EXT#`), which is how the service tells members.
    pub fn member(tid: &str, oid: &str) -> Self {
        Self::guest(tid, oid)
            .claim("acct", json!(0))
            .claim("name", json!("Member User"))
            .claim("upn", json!("member@contoso.onmicrosoft.com"))
    }

    /// The same user's token for SharePoint REST on `host`
    /// (audience `https://{host}`, as SharePoint wants it).
    pub fn for_sharepoint(self, host: &str) -> Self {
        self.aud(&format!("https://{host}")).scp("AllSites.Read")
    }

    /// Sets `aud` (Graph is `00000003-0000-0000-c000-000000000000` or
    /// `https://graph.microsoft.com`).
    pub fn aud(self, aud: &str) -> Self {
        self.claim("aud", json!(aud))
    }

    /// Sets `scp`, the space-separated delegated scopes.
    pub fn scp(self, scp: &str) -> Self {
        self.claim("scp", json!(scp))
    }

    /// Sets `exp` to an absolute epoch second.
    pub fn exp(self, epoch_secs: i64) -> Self {
        self.claim("exp", json!(epoch_secs))
    }

    /// Sets `exp` relative to now (negative: already expired).
    pub fn expires_in(self, secs: i64) -> Self {
        self.exp(epoch_now() + secs)
    }

    /// Sets (or replaces) any claim.
    pub fn claim(mut self, name: &str, value: Value) -> Self {
        self.claims.insert(name.to_owned(), value);
        self
    }

    /// Removes a claim.
    pub fn without(mut self, name: &str) -> Self {
        self.claims.remove(name);
        self
    }

    /// The compact JWT: header, claims and a dummy signature.
    pub fn build(&self) -> String {
        let header = json!({"typ": "JWT", "alg": "RS256", "kid": "sim"});
        format!(
            "{}.{}.c2ltdWxhdG9yLXNpZ25hdHVyZQ",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(Value::Object(self.claims.clone()).to_string())
        )
    }
}

/// The signature of a forged token: Graph checks signatures, the simulator
/// cannot, so this marker stands for "fails Graph's signature check".
pub(crate) const FORGED_SIGNATURE: &str = "Zm9yZ2Vk";

impl TokenBuilder {
    /// The same claims under a signature Graph refuses: what an attacker who
    /// copies a victim's `tid` and `oid` into a token of their own gets.
    pub fn build_forged(&self) -> String {
        let real = self.build();
        let unsigned = real.rsplit_once('.').map_or(real.as_str(), |(u, _)| u);
        format!("{unsigned}.{FORGED_SIGNATURE}")
    }
}

/// A guest with fresh ids, so each test is isolated: `(builder, tid, oid)`.
pub fn random_guest() -> (TokenBuilder, String, String) {
    let tid = uuid::Uuid::new_v4().to_string();
    let oid = uuid::Uuid::new_v4().to_string();
    (TokenBuilder::guest(&tid, &oid), tid, oid)
}

/// The claims of a compact JWT, if it is one (the simulator's own reading,
/// independent of the service's `token` module).
pub(crate) fn claims_of(token: &str) -> Option<Map<String, Value>> {
    let mut parts = token.split('.');
    let (Some(_), Some(payload), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}
