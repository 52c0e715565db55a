//! Graph's token checks, in Graph's order (docs/graph-facts.md#3a-401-invalidauthenticationtoken, #3c-403s): present,
//! well formed, signed (RS256 by a key the simulator's identity platform
//! publishes: `alg: none`, HS256, an unknown `kid` or a bad signature are
//! refused), not expired, right audience, then scopes.

use http::Response;
use serde_json::{Map, Value};

use super::hydration::UserKey;
use super::jwt::{Published, epoch_now};
use super::responses::{self, Body, Ids};

/// Graph's application id, one of the two audiences it accepts in every
/// cloud (a token for the service's own API, `aud` its client id, is
/// refused like any other); the other is the cloud's resource URI.
pub(crate) const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

/// The token of a `Bearer` `Authorization` header (scheme case-insensitive),
/// `None` when absent, of another scheme, or empty.
pub(crate) fn bearer(authorization: Option<&str>) -> Option<&str> {
    let (scheme, token) = authorization?.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// `(tid, oid)` from the claims, when both are strings.
pub(crate) fn user_of(claims: &Map<String, Value>) -> Option<UserKey> {
    let tid = claims.get("tid")?.as_str()?;
    let oid = claims.get("oid")?.as_str()?;
    Some((tid.to_owned(), oid.to_owned()))
}

/// Why Graph turns a token away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rejection {
    Empty,
    Malformed,
    Expired,
    WrongAudience,
    NoScopeOrRoles,
    NoUser,
    BadSignature,
}

impl Rejection {
    /// Graph's answer for it.
    pub(crate) fn response(self, ids: &Ids) -> Response<Body> {
        match self {
            Self::Empty => responses::invalid_token("Access token is empty.", ids),
            Self::Malformed => responses::invalid_token(
                "IDX14100: JWT is not well formed, there are no dots (.).\nThe token needs to be in JWS or JWE Compact Serialization Format. (JWS): 'EncodedHeader.EndcodedPayload.EncodedSignature'. (JWE): 'EncodedProtectedHeader.EncodedEncryptedKey.EncodedInitializationVector.EncodedCiphertext.EncodedAuthenticationTag'.",
                ids,
            ),
            Self::Expired => {
                responses::invalid_token("Lifetime validation failed, the token is expired.", ids)
            }
            Self::WrongAudience => {
                responses::invalid_token("Access token validation failure. Invalid audience.", ids)
            }
            Self::NoScopeOrRoles => responses::error(
                403,
                "AccessDenied",
                "Either scp or roles claim need to be present in the token.",
                ids,
            ),
            Self::NoUser => responses::invalid_token("Access token validation failure.", ids),
            Self::BadSignature => {
                responses::invalid_token("IDX10511: Signature validation failed.", ids)
            }
        }
    }
}

/// Runs Graph's checks on a request's token (`token` from [`bearer`],
/// `claims` its decoded payload, `keys` what the key set publishes) and
/// answers who is calling.
pub(crate) fn check(
    token: Option<&str>,
    claims: Option<&Map<String, Value>>,
    keys: &Published,
    graph_resource: &str,
) -> Result<UserKey, Rejection> {
    let Some(token) = token else {
        return Err(Rejection::Empty);
    };
    let claims = claims.ok_or(Rejection::Malformed)?;
    if keys.verify(token).is_err() {
        return Err(Rejection::BadSignature);
    }
    let exp = claims
        .get("exp")
        .and_then(|e| e.as_i64().or_else(|| e.as_f64().map(|f| f as i64)));
    if exp.is_none_or(|exp| exp <= epoch_now()) {
        return Err(Rejection::Expired);
    }
    let audience_ok = claims
        .get("aud")
        .and_then(Value::as_str)
        .is_some_and(|a| a == GRAPH_APP_ID || a.trim_end_matches('/') == graph_resource);
    if !audience_ok {
        return Err(Rejection::WrongAudience);
    }
    if !claims.contains_key("scp") && !claims.contains_key("roles") {
        return Err(Rejection::NoScopeOrRoles);
    }
    user_of(claims).ok_or(Rejection::NoUser)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::GLOBAL_GRAPH_RESOURCE as G;

    #[test]
    fn only_non_empty_bearer_tokens_are_tokens() {
        assert_eq!(bearer(Some("Bearer abc")), Some("abc"));
        assert_eq!(bearer(Some("bearer  abc ")), Some("abc"));
        assert_eq!(bearer(Some("BEARER abc")), Some("abc"));
        assert_eq!(bearer(Some("Bearer ")), None);
        assert_eq!(bearer(Some("Bearer")), None);
        assert_eq!(bearer(Some("Basic abc")), None);
        assert_eq!(bearer(None), None);
    }

    #[test]
    fn checks_run_in_graphs_order() {
        use crate::token::{TokenBuilder, claims_of};
        let check_token = |t: &TokenBuilder| {
            let jwt = t.build();
            check(
                Some(&jwt),
                claims_of(&jwt).as_ref(),
                &Published::default(),
                G,
            )
        };
        let keys = Published::default();
        let guest = TokenBuilder::guest("t", "o");
        assert_eq!(check(None, None, &keys, G), Err(Rejection::Empty));
        assert_eq!(check(Some("x"), None, &keys, G), Err(Rejection::Malformed));
        // Expired and wrong audience and no scope: expiry is reported first.
        let all_wrong = guest.clone().expires_in(-1).aud("x").without("scp");
        assert_eq!(check_token(&all_wrong), Err(Rejection::Expired));
        assert_eq!(
            check_token(&guest.clone().without("exp")),
            Err(Rejection::Expired)
        );
        let wrong_aud = guest.clone().aud("x").without("scp");
        assert_eq!(check_token(&wrong_aud), Err(Rejection::WrongAudience));
        assert_eq!(
            check_token(&guest.clone().without("scp")),
            Err(Rejection::NoScopeOrRoles)
        );
        assert_eq!(
            check_token(&guest.clone().without("oid")),
            Err(Rejection::NoUser)
        );
        assert_eq!(check_token(&guest), Ok(("t".to_owned(), "o".to_owned())));
        let forged = guest.build_forged();
        assert_eq!(
            check(Some(&forged), claims_of(&forged).as_ref(), &keys, G),
            Err(Rejection::BadSignature)
        );
        // A forged token that is also expired: the signature is checked first.
        let forged = guest.clone().expires_in(-1).build_forged();
        assert_eq!(
            check(Some(&forged), claims_of(&forged).as_ref(), &keys, G),
            Err(Rejection::BadSignature)
        );
    }

    #[test]
    fn graph_accepts_its_clouds_resource_or_its_app_id() {
        use crate::token::{TokenBuilder, claims_of};
        let keys = Published::default();
        let guest = TokenBuilder::guest("t", "o");
        for (aud, resource, accepted) in [
            ("https://graph.microsoft.com", G, true),
            ("https://graph.microsoft.com/", G, true),
            (GRAPH_APP_ID, G, true),
            ("https://graph.microsoft.us", G, false),
            (
                "https://graph.microsoft.us",
                "https://graph.microsoft.us",
                true,
            ),
            (GRAPH_APP_ID, "https://graph.microsoft.us", true),
            (
                "https://graph.microsoft.com",
                "https://graph.microsoft.us",
                false,
            ),
        ] {
            let jwt = guest.clone().aud(aud).build();
            let checked = check(Some(&jwt), claims_of(&jwt).as_ref(), &keys, resource);
            assert_eq!(
                checked.is_ok(),
                accepted,
                "{aud} in {resource}: {checked:?}"
            );
        }
    }
}
