//! Verifying a token issued for this API (`obo` mode), before any other
//! work: RS256 only, a key of the tenant's published set by `kid`, the v2
//! issuer of a listed tenant, one of `API_AUDIENCE`, `exp`/`nbf` with 60 s
//! of skew, an `azp` in `ALLOWED_CLIENT_APPS`, a delegated (not app-only)
//! token, and `REQUIRED_SCOPE` in `scp`, in the contract's order
//! (docs/graph-facts.md#7-on-behalf-of-and-validating-this-apis-own-tokens).
//!
//! Any app a user consented to can get a token for this API; `azp` names
//! the one that did, so only the listed frontends are served (a v1 token,
//! whose client is in `appid`, never gets this far: its issuer is v1's).

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation, decode};
use serde::Deserialize;

use super::bearer::JwtPart;
use super::error::{IdentityError, TokenFor};
use super::keys::KeySets;
use super::{BearerToken, TokenClaims, UserKey, member_rule, scopes_of};

/// Skew tolerated on `exp` and `nbf` (the contract's 60 s).
const LEEWAY_SECS: u64 = 60;

/// The claims read from a verified token.
#[derive(Deserialize)]
struct ApiClaims {
    tid: String,
    oid: String,
    exp: u64,
    iss: String,
    scp: Option<String>,
    /// Any JSON: a non-string `azp` is refused as an unlisted client.
    azp: Option<serde_json::Value>,
    idtyp: Option<serde_json::Value>,
    roles: Option<serde_json::Value>,
    acct: Option<u8>,
    idp: Option<String>,
    preferred_username: Option<String>,
    upn: Option<String>,
    unique_name: Option<String>,
}

pub(crate) struct Verifier {
    pub keys: KeySets,
    pub login_base_url: String,
    pub allowed_tenants: Vec<String>,
    pub audiences: Vec<String>,
    pub allowed_client_apps: Vec<String>,
    pub required_scope: String,
}

impl Verifier {
    /// The verified claims of `token`, or why it is refused.
    pub async fn verify(&self, token: &BearerToken) -> Result<TokenClaims, IdentityError> {
        // `alg` is read as text first: `none` (or any name the library does
        // not know) must be `invalid_token`, not a parse error.
        let kid = rs256_kid(token)?;
        // The tenant names the keys and the issuer, so it is read before the
        // signature is checked; an unlisted tenant is refused before any call.
        let tid = unverified_tid(token)?;
        if !self.allowed_tenants.contains(&tid) {
            return Err(IdentityError::TenantNotAllowed);
        }
        let key = self.keys.key(&tid, &kid).await?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.leeway = LEEWAY_SECS;
        validation.validate_nbf = true;
        validation.set_issuer(&[format!("{}/{tid}/v2.0", self.login_base_url)]);
        validation.set_audience(&self.audiences);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        let claims = decode::<ApiClaims>(token.expose(), &key, &validation)
            .map_err(|e| refusal(e.kind()))?
            .claims;
        if !claims.tid.eq_ignore_ascii_case(&tid) {
            return Err(IdentityError::Invalid("issued by another tenant"));
        }
        let azp = claims.azp.as_ref().and_then(serde_json::Value::as_str);
        if !client_allowed(azp, &self.allowed_client_apps) {
            return Err(IdentityError::ClientNotAllowed);
        }
        if is_app_only(
            claims.idtyp.as_ref(),
            claims.roles.as_ref(),
            claims.scp.as_deref(),
        ) {
            return Err(IdentityError::MissingScope(TokenFor::ThisApi));
        }
        let scopes = scopes_of(claims.scp.as_deref());
        if !scopes.contains(&self.required_scope) {
            return Err(IdentityError::MissingScope(TokenFor::ThisApi));
        }
        let user =
            UserKey::new(&tid, &claims.oid).ok_or(malformed("tid or oid is not an identifier"))?;
        let is_member = member_rule(
            claims.acct,
            claims.idp.as_deref(),
            Some(claims.iss.as_str()),
            [
                claims.preferred_username.as_deref(),
                claims.upn.as_deref(),
                claims.unique_name.as_deref(),
            ],
        );
        Ok(TokenClaims {
            user,
            exp: claims.exp,
            scopes,
            is_member,
        })
    }
}

/// Whether `azp` names a listed client app (lower-case GUIDs).
fn client_allowed(azp: Option<&str>, allowed: &[String]) -> bool {
    azp.is_some_and(|azp| allowed.iter().any(|a| a.eq_ignore_ascii_case(azp)))
}

/// An app-only token: `idtyp` = `app`, or `roles` and no `scp`. It acts
/// for no user, so it has no delegated scope to serve.
fn is_app_only(
    idtyp: Option<&serde_json::Value>,
    roles: Option<&serde_json::Value>,
    scp: Option<&str>,
) -> bool {
    let app = idtyp.and_then(serde_json::Value::as_str) == Some("app");
    let no_scp = scp.is_none_or(|s| s.trim().is_empty());
    app || (roles.is_some() && no_scp)
}

/// The header's `kid`, once its `alg` is exactly `RS256`.
fn rs256_kid(token: &BearerToken) -> Result<String, IdentityError> {
    #[derive(Deserialize)]
    struct Header {
        alg: Option<String>,
        kid: Option<String>,
    }
    let header: Header = token.unverified(JwtPart::Header).map_err(malformed)?;
    if header.alg.as_deref() != Some("RS256") {
        return Err(IdentityError::Invalid("not signed with RS256"));
    }
    header
        .kid
        .ok_or(IdentityError::Invalid("no key id (kid) in the header"))
}

/// The `tid` claim, read without any check (lower-case).
fn unverified_tid(token: &BearerToken) -> Result<String, IdentityError> {
    #[derive(Deserialize)]
    struct Tenant {
        tid: Option<String>,
    }
    let tenant: Tenant = token.unverified(JwtPart::Claims).map_err(malformed)?;
    let tid = tenant.tid.ok_or(malformed("no tid claim"))?;
    Ok(tid.to_ascii_lowercase())
}

fn malformed(reason: &'static str) -> IdentityError {
    IdentityError::Malformed {
        reason,
        token_for: TokenFor::ThisApi,
    }
}

/// What a failed `decode` means, as the contract names it.
fn refusal(kind: &ErrorKind) -> IdentityError {
    match kind {
        ErrorKind::ExpiredSignature => IdentityError::Expired { exp: None },
        ErrorKind::InvalidAudience => IdentityError::WrongAudience(TokenFor::ThisApi),
        ErrorKind::InvalidIssuer => IdentityError::Invalid("issued by another issuer"),
        ErrorKind::ImmatureSignature => IdentityError::Invalid("not valid yet (nbf)"),
        ErrorKind::InvalidSignature => IdentityError::Invalid("the signature does not verify"),
        ErrorKind::InvalidAlgorithm => IdentityError::Invalid("not signed with RS256"),
        ErrorKind::MissingRequiredClaim(_) => {
            malformed("a required claim (exp, iss, aud) is missing")
        }
        _ => malformed("not a JWT with JSON claims"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_listed_client_apps_and_delegated_tokens_pass() {
        let listed = vec!["0c9d8e7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f".to_owned()];
        for (azp, ok) in [
            (Some("0c9d8e7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f"), true),
            (Some("0C9D8E7F-6A5B-4C3D-9E2F-1A0B9C8D7E6F"), true),
            (Some("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"), false),
            (Some(""), false),
            (None, false),
        ] {
            assert_eq!(client_allowed(azp, &listed), ok, "{azp:?}");
        }
        assert!(!client_allowed(Some("x"), &[]));
        let app = json!("app");
        let user = json!("user");
        let roles = json!(["Files.Read.All"]);
        for (idtyp, roles, scp, app_only) in [
            (None, None, Some("access_as_user"), false),
            (Some(&user), None, Some("access_as_user"), false),
            (Some(&app), None, Some("access_as_user"), true),
            (Some(&app), None, None, true),
            (None, Some(&roles), None, true),
            (None, Some(&roles), Some(" "), true),
            (None, Some(&roles), Some("access_as_user"), false),
        ] {
            assert_eq!(
                is_app_only(idtyp, roles, scp),
                app_only,
                "{idtyp:?} {roles:?} {scp:?}"
            );
        }
    }

    #[test]
    fn each_decode_failure_is_the_contracts_problem() {
        for (kind, expected) in [
            (
                ErrorKind::ExpiredSignature,
                IdentityError::Expired { exp: None },
            ),
            (
                ErrorKind::InvalidAudience,
                IdentityError::WrongAudience(TokenFor::ThisApi),
            ),
            (
                ErrorKind::InvalidSignature,
                IdentityError::Invalid("the signature does not verify"),
            ),
            (
                ErrorKind::ImmatureSignature,
                IdentityError::Invalid("not valid yet (nbf)"),
            ),
            (
                ErrorKind::InvalidIssuer,
                IdentityError::Invalid("issued by another issuer"),
            ),
            (
                ErrorKind::MissingRequiredClaim("exp".into()),
                malformed("a required claim (exp, iss, aud) is missing"),
            ),
        ] {
            assert_eq!(refusal(&kind), expected, "{kind:?}");
        }
    }
}
