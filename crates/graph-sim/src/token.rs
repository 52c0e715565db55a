//! Test tokens shaped like Entra's, signed RS256 with the simulator's test
//! key (kid `sim-2026-1`, a key with no value: keys/README.md), so the
//! simulator's Graph, SharePoint REST and token endpoint accept them and
//! nothing else: [`TokenBuilder`] for Graph and SharePoint (v1, as the
//! browser gets them in `graph` mode), [`ApiTokenBuilder`] for the service's
//! own API (v2, `obo` mode), each with forged variants.

use serde_json::{Map, Value, json};

use super::jwt;
pub use super::jwt::{ROGUE_KEY_ID, SIM_API_CLIENT_CERT_PEM, SIM_API_CLIENT_KEY_PEM, SIM_KEY_ID};
pub(crate) use super::jwt::{claims_of, epoch_now};
use super::scenario::{SIM_API_CLIENT_ID, SIM_API_SCOPE, SIM_GUEST_HOME_TENANT, SIM_SPA_CLIENT_ID};

/// Builds a compact JWT with the claims of a delegated Graph token.
#[derive(Debug, Clone)]
pub struct TokenBuilder {
    claims: Map<String, Value>,
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

    /// The compact JWT, signed RS256 with the simulator's key (kid
    /// `sim-2026-1`): as if Entra had issued it.
    pub fn build(&self) -> String {
        jwt::sign_sim(&self.claims)
    }

    /// The same claims under a signature Graph refuses: what an attacker who
    /// copies a victim's `tid` and `oid` into a token of their own gets.
    pub fn build_forged(&self) -> String {
        jwt::forged(&self.claims)
    }
}

/// A guest with fresh ids, so each test is isolated: `(builder, tid, oid)`.
pub fn random_guest() -> (TokenBuilder, String, String) {
    let tid = uuid::Uuid::new_v4().to_string();
    let oid = uuid::Uuid::new_v4().to_string();
    (TokenBuilder::guest(&tid, &oid), tid, oid)
}

/// Builds a v2 access token for the service's own API (`obo` mode), as
/// Entra issues it to the SPA: `aud` the API's client id
/// ([`SIM_API_CLIENT_ID`]), `iss` `{login_base_url}/{tid}/v2.0`, `scp`
/// `access_as_user`, 1 h. Start from [`ApiTokenBuilder::guest`] or
/// [`ApiTokenBuilder::member`]; every `build…` method signs a copy.
#[derive(Debug, Clone)]
pub struct ApiTokenBuilder {
    claims: Map<String, Value>,
}

impl ApiTokenBuilder {
    /// A B2B guest (`acct` 1, `idp` its home tenant's issuer, a `#EXT#`
    /// `preferred_username`), signed in against the resource tenant `tid`.
    /// `login_base_url` is [`crate::GraphSimulator::login_base_url`] (no
    /// trailing slash).
    pub fn guest(login_base_url: &str, tid: &str, oid: &str) -> Self {
        let now = epoch_now();
        let claims = json!({
            "aud": SIM_API_CLIENT_ID,
            "iss": format!("{}/{tid}/v2.0", login_base_url.trim_end_matches('/')),
            "iat": now, "nbf": now, "exp": now + 3600,
            "acct": 1,
            "aio": "AWQAm/8ZAAAAsimulated",
            "azp": SIM_SPA_CLIENT_ID,
            "azpacr": "0",
            "idp": format!("https://sts.windows.net/{SIM_GUEST_HOME_TENANT}/"),
            "name": "Guest User",
            "oid": oid,
            "preferred_username": "guest_fabrikam.com#EXT#@contoso.onmicrosoft.com",
            "rh": "0.AAAAsimulated.",
            "scp": SIM_API_SCOPE,
            "sub": format!("sub-{oid}"),
            "tid": tid,
            "uti": uuid::Uuid::new_v4().simple().to_string(),
            "ver": "2.0",
        });
        Self {
            claims: match claims {
                Value::Object(map) => map,
                _ => Map::new(),
            },
        }
    }

    /// A member of `tid`: `acct` 0, no `idp`, a home-tenant username.
    pub fn member(login_base_url: &str, tid: &str, oid: &str) -> Self {
        Self::guest(login_base_url, tid, oid)
            .claim("acct", json!(0))
            .without("idp")
            .claim("name", json!("Member User"))
            .claim(
                "preferred_username",
                json!("member@contoso.onmicrosoft.com"),
            )
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

    /// Sets `aud` (e.g. Graph's, or `api://{id}`, to test audience checks).
    pub fn aud(self, aud: &str) -> Self {
        self.claim("aud", json!(aud))
    }

    /// Sets `iss` (e.g. another tenant's, or the v1 `https://sts.windows.net/{tid}/`).
    pub fn iss(self, iss: &str) -> Self {
        self.claim("iss", json!(iss))
    }

    /// Sets `scp`, the space-separated delegated scopes.
    pub fn scp(self, scp: &str) -> Self {
        self.claim("scp", json!(scp))
    }

    /// Sets `exp` relative to now (negative: already expired).
    pub fn expires_in(self, secs: i64) -> Self {
        self.claim("exp", json!(epoch_now() + secs))
    }

    /// Sets `nbf` relative to now (positive: not valid yet).
    pub fn not_before_in(self, secs: i64) -> Self {
        self.claim("nbf", json!(epoch_now() + secs))
    }

    /// The claims as they stand.
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }

    /// Signed RS256 with the simulator's published key (kid `sim-2026-1`):
    /// valid, if the claims are.
    pub fn build(&self) -> String {
        jwt::sign_sim(&self.claims)
    }

    /// Signed RS256 by the rogue key (never published) under `kid`
    /// ([`ROGUE_KEY_ID`] is its own).
    pub fn build_with_unknown_key(&self, kid: &str) -> String {
        let header = json!({"typ": "JWT", "alg": "RS256", "kid": kid});
        jwt::sign_rs256(&header, &self.claims, &jwt::ROGUE)
    }

    /// Valid header and claims, signature bytes that do not verify.
    pub fn build_forged(&self) -> String {
        jwt::forged(&self.claims)
    }

    /// `alg: none` and an empty signature.
    pub fn build_alg_none(&self) -> String {
        jwt::unsigned(&self.claims)
    }

    /// `alg: HS256` keyed with the published public key's PEM bytes: the
    /// classic RS256/HS256 key-confusion attack.
    pub fn build_hs256_with_public_key(&self) -> String {
        jwt::sign_hs256_with_public_key(&self.claims)
    }

    /// Any `header`, verbatim, signed RS256 with the simulator's key (an
    /// `alg` or `kid` in it does not change how it is signed).
    pub fn build_with_header(&self, header: Value) -> String {
        jwt::sign_rs256(&header, &self.claims, &jwt::SIGNING)
    }
}

/// The `x5t#S256` of the API registration's certificate credential
/// ([`SIM_API_CLIENT_CERT_PEM`]): base64url, no padding, of the SHA-256 of
/// its DER.
pub fn sim_api_client_cert_thumbprint() -> String {
    jwt::CLIENT_CERTIFICATE.thumbprint_s256.clone()
}

/// A certificate credential for the OBO exchange at tenant `tid`'s token
/// endpoint, as MSAL builds one: header `alg` PS256, `typ` JWT, `x5t#S256`;
/// claims `aud` the token endpoint, `iss` = `sub` = [`SIM_API_CLIENT_ID`],
/// `jti`, `iat`/`nbf` now, `exp` in 10 minutes; signed with
/// [`SIM_API_CLIENT_KEY_PEM`]. Send it as `client_assertion` with
/// `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`.
/// `shape` may change the claims (to test refusals).
pub fn client_assertion(
    login_base_url: &str,
    tid: &str,
    shape: impl FnOnce(&mut Map<String, Value>),
) -> String {
    let now = epoch_now();
    let header = json!({
        "alg": "PS256",
        "typ": "JWT",
        "x5t#S256": sim_api_client_cert_thumbprint(),
    });
    let claims = json!({
        "aud": format!("{}/{tid}/oauth2/v2.0/token", login_base_url.trim_end_matches('/')),
        "iss": SIM_API_CLIENT_ID,
        "sub": SIM_API_CLIENT_ID,
        "jti": uuid::Uuid::new_v4().to_string(),
        "iat": now, "nbf": now, "exp": now + 600,
    });
    let mut claims = match claims {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    shape(&mut claims);
    jwt::sign_client_assertion(&header, &claims)
}

/// A web identity token of the simulated AWS account's issuer
/// ([`crate::SIM_AWS_ISSUER`]), as STS `GetWebIdentityToken` issues it: `sub`
/// the role [`crate::SIM_AWS_ROLE_ARN`], `aud` `audience`, 5 minutes. `shape`
/// may change the claims (to test refusals).
pub fn aws_web_identity_token(
    audience: &str,
    shape: impl FnOnce(&mut Map<String, Value>),
) -> String {
    super::sts::web_identity_token(&[audience.to_owned()], epoch_now(), 300, shape)
}

/// The same claims as [`aws_web_identity_token`], signed by the rogue key
/// under the AWS issuer's `kid`: what an attacker without the issuer's key
/// can make.
pub fn aws_web_identity_token_forged(audience: &str) -> String {
    let genuine = aws_web_identity_token(audience, |_| {});
    let claims = claims_of(&genuine).unwrap_or_default();
    let header = json!({"typ": "JWT", "alg": "RS256", "kid": crate::SIM_AWS_KEY_ID});
    jwt::sign_rs256(&header, &claims, &jwt::ROGUE)
}
