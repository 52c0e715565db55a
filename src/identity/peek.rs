//! A peek at the claims of the caller's Graph token (`graph` mode).
//!
//! # Implementation Notes
//! Graph tokens are not meant to be validated by third parties (their header
//! carries a `nonce` and standard signature checks fail), so we never verify
//! the signature: Graph is the authority. We only read the claims to reject at
//! once what Graph would reject anyway, and to key the hydration store.

use std::time::{Duration, SystemTime};

use crate::clock::epoch_seconds;
use crate::cloud::Cloud;

use serde::Deserialize;

use super::bearer::{BearerToken, JwtPart};
use super::caller::UserKey;
use super::error::{IdentityError, TokenFor};
use super::member::is_member;

/// The tenant of personal Microsoft accounts (MSA).
pub const PERSONAL_ACCOUNT_TENANT: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";
/// Clock skew tolerated on `exp`.
pub(super) const EXPIRY_SKEW: Duration = Duration::from_secs(60);
/// The claims we look at, after the checks passed.
#[derive(Debug, Clone)]
pub struct TokenClaims {
    pub user: UserKey,
    pub exp: u64,
    pub scopes: Vec<String>,
    /// A member of the tenant, not subject to guest hydration (see
    /// [`is_member`]); anyone not known to be one counts as a guest.
    pub is_member: bool,
}

#[derive(Deserialize)]
pub(super) struct RawClaims {
    pub(super) aud: Option<Audience>,
    pub(super) exp: Option<u64>,
    pub(super) tid: Option<String>,
    pub(super) oid: Option<String>,
    pub(super) scp: Option<String>,
    pub(super) acct: Option<u8>,
    pub(super) idp: Option<String>,
    pub(super) iss: Option<String>,
    pub(super) upn: Option<String>,
    pub(super) unique_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum Audience {
    One(String),
    Many(Vec<String>),
}

/// The space-separated delegated scopes of an `scp` claim (both modes).
pub(crate) fn scopes_of(scp: Option<&str>) -> Vec<String> {
    scp.unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

/// A delegated scope that can read a shared driveItem (`missing_scope`).
fn is_read_scope(scope: &str) -> bool {
    matches!(
        scope,
        "Files.Read" | "Files.Read.All" | "Sites.Read.All" | "Sites.ReadWrite.All"
    ) || scope.starts_with("Files.ReadWrite")
}

/// The claims part of a Graph token, decoded (no signature check).
fn claims_of(token: &BearerToken) -> Result<RawClaims, IdentityError> {
    token.unverified(JwtPart::Claims).map_err(malformed)
}

fn malformed(reason: &'static str) -> IdentityError {
    IdentityError::Malformed {
        reason,
        token_for: TokenFor::Graph,
    }
}

impl TokenClaims {
    /// Peeks at `token`'s claims and applies the pre-flight checks of docs/api.md,
    /// in the order a caller would want to fix them. The audience must be
    /// Graph's in `cloud` (its resource URI or app id).
    pub fn peek(token: &BearerToken, now: SystemTime, cloud: Cloud) -> Result<Self, IdentityError> {
        let claims = claims_of(token)?;

        let exp = claims.exp.ok_or(malformed("no exp claim"))?;
        if exp.saturating_add(EXPIRY_SKEW.as_secs()) <= epoch_seconds(now) {
            return Err(IdentityError::Expired { exp: Some(exp) });
        }
        let member = is_member(&claims);
        let audiences = audiences(claims.aud);
        if !audiences.iter().any(|a| cloud.is_graph_audience(a)) {
            return Err(IdentityError::WrongAudience(TokenFor::Graph));
        }
        let tid = claims.tid.ok_or(malformed("no tid claim"))?;
        if tid.eq_ignore_ascii_case(PERSONAL_ACCOUNT_TENANT) {
            return Err(IdentityError::PersonalAccount);
        }
        let oid = claims.oid.ok_or(malformed("no oid claim"))?;
        let user = UserKey::new(&tid, &oid).ok_or(malformed("tid or oid is not an identifier"))?;
        let scopes = scopes_of(claims.scp.as_deref());
        if !scopes.iter().any(|s| is_read_scope(s)) {
            return Err(IdentityError::MissingScope(TokenFor::Graph));
        }
        Ok(Self {
            is_member: member,
            user,
            exp,
            scopes,
        })
    }
}

pub(super) fn audiences(aud: Option<Audience>) -> Vec<String> {
    match aud {
        Some(Audience::One(a)) => vec![a],
        Some(Audience::Many(a)) => a,
        None => Vec::new(),
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use serde_json::json;

    pub(crate) fn jwt(claims: serde_json::Value) -> BearerToken {
        let enc = |v: &serde_json::Value| URL_SAFE_NO_PAD.encode(v.to_string());
        let raw = format!(
            "{}.{}.c2ln",
            enc(&json!({"typ": "JWT", "alg": "RS256"})),
            enc(&claims)
        );
        BearerToken::from_authorization(Some(&format!("Bearer {raw}"))).unwrap()
    }

    pub(crate) fn good() -> serde_json::Value {
        json!({
            "aud": "00000003-0000-0000-c000-000000000000",
            "exp": 4_102_444_800u64,
            "tid": "72f988bf-86f1-41af-91ab-2d7cd011db47",
            "oid": "0b3c4d5e-1111-2222-3333-444455556666",
            "scp": "Files.Read.All User.Read",
            "upn": "guest_gmail.com#EXT#@contoso.onmicrosoft.com"
        })
    }

    fn with(key: &str, value: serde_json::Value) -> serde_json::Value {
        let mut c = good();
        c[key] = value;
        c
    }

    #[test]
    fn a_good_guest_token_yields_its_user_key() {
        let claims = TokenClaims::peek(&jwt(good()), SystemTime::now(), Cloud::Global).unwrap();
        assert_eq!(
            claims.user.to_string(),
            "72f988bf-86f1-41af-91ab-2d7cd011db47#0b3c4d5e-1111-2222-3333-444455556666"
        );
        assert!(!claims.is_member);
    }

    #[test]
    fn tokens_that_are_not_jwts_with_json_claims_are_malformed() {
        for (raw, why) in [
            ("abc", "one part"),
            ("a.b", "two parts"),
            ("a.b.c.d", "four parts"),
            ("a.!!!.c", "payload not base64url"),
            ("a.bm90IGpzb24.c", "payload not JSON"),
            ("a.WzFd.c", "payload a JSON array"),
        ] {
            let token = BearerToken::from_authorization(Some(&format!("Bearer {raw}"))).unwrap();
            assert!(
                matches!(
                    TokenClaims::peek(&token, SystemTime::now(), Cloud::Global),
                    Err(IdentityError::Malformed {
                        token_for: TokenFor::Graph,
                        ..
                    })
                ),
                "{why}"
            );
        }
    }

    #[test]
    fn expiry_allows_sixty_seconds_of_skew() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let at = |exp: u64| TokenClaims::peek(&jwt(with("exp", json!(exp))), now, Cloud::Global);
        assert!(at(1_000_000 - 59).is_ok());
        assert_eq!(
            at(1_000_000 - 60).unwrap_err(),
            IdentityError::Expired {
                exp: Some(1_000_000 - 60)
            }
        );
    }

    #[test]
    fn only_the_clouds_graph_audiences_are_accepted() {
        let app_id = json!("00000003-0000-0000-c000-000000000000");
        let table = [
            (Cloud::Global, json!("https://graph.microsoft.com"), true),
            (Cloud::Global, json!("https://graph.microsoft.com/"), true),
            (Cloud::Global, app_id.clone(), true),
            (
                Cloud::Global,
                json!(["api://other", "https://graph.microsoft.com"]),
                true,
            ),
            (
                Cloud::Global,
                json!("https://contoso.sharepoint.com"),
                false,
            ),
            (Cloud::Global, json!("api://my-app"), false),
            (
                Cloud::Global,
                json!("https://graph.microsoft.com.evil.example"),
                false,
            ),
            (Cloud::Global, json!("https://graph.microsoft.us"), false),
            (Cloud::UsGov, json!("https://graph.microsoft.us"), true),
            (Cloud::UsGov, json!("https://graph.microsoft.us/"), true),
            (Cloud::UsGov, app_id.clone(), true),
            (Cloud::UsGov, json!("https://graph.microsoft.com"), false),
            (Cloud::UsGov, json!("https://dod-graph.microsoft.us"), false),
            (
                Cloud::UsGovDod,
                json!("https://dod-graph.microsoft.us"),
                true,
            ),
            (Cloud::UsGovDod, app_id.clone(), true),
            (Cloud::UsGovDod, json!("https://graph.microsoft.us"), false),
            (
                Cloud::China,
                json!("https://microsoftgraph.chinacloudapi.cn"),
                true,
            ),
            (Cloud::China, app_id, true),
            (Cloud::China, json!("https://graph.microsoft.com"), false),
        ];
        for (cloud, aud, accepted) in table {
            let peeked =
                TokenClaims::peek(&jwt(with("aud", aud.clone())), SystemTime::now(), cloud);
            if accepted {
                assert!(peeked.is_ok(), "{cloud} {aud}: {peeked:?}");
            } else {
                assert!(
                    matches!(peeked, Err(IdentityError::WrongAudience(TokenFor::Graph))),
                    "{cloud} {aud}"
                );
            }
        }
    }

    #[test]
    fn personal_accounts_are_rejected() {
        let t = jwt(with("tid", json!(PERSONAL_ACCOUNT_TENANT)));
        assert_eq!(
            TokenClaims::peek(&t, SystemTime::now(), Cloud::Global).unwrap_err(),
            IdentityError::PersonalAccount
        );
    }

    #[test]
    fn only_file_or_site_read_scopes_count() {
        for scp in [
            "Files.Read",
            "Files.Read.All",
            "Files.ReadWrite",
            "Files.ReadWrite.All",
            "Sites.Read.All",
            "Sites.ReadWrite.All",
        ] {
            assert!(
                TokenClaims::peek(
                    &jwt(with("scp", json!(scp))),
                    SystemTime::now(),
                    Cloud::Global
                )
                .is_ok(),
                "{scp}"
            );
        }
        for scp in [
            "User.Read",
            "Files.Read.Selected2",
            "",
            "Mail.Read Sites.Manage",
        ] {
            assert!(
                matches!(
                    TokenClaims::peek(
                        &jwt(with("scp", json!(scp))),
                        SystemTime::now(),
                        Cloud::Global
                    ),
                    Err(IdentityError::MissingScope(TokenFor::Graph))
                ),
                "{scp:?}"
            );
        }
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn any_header_is_peeked_or_refused_without_panicking(header in "(Bearer |bearer |Basic )?[A-Za-z0-9._=-]{0,200}|.{0,400}") {
                if let Ok(token) = BearerToken::from_authorization(Some(&header)) {
                    let _ = TokenClaims::peek(&token, SystemTime::now(), Cloud::Global);
                    prop_assert_eq!(format!("{token:?}"), "BearerToken([REDACTED])");
                }
            }

            #[test]
            fn any_json_claims_are_peeked_without_panicking(claims in proptest::collection::hash_map("[a-z]{1,4}", "[ -~]{0,20}", 0..8)) {
                let token = jwt(serde_json::to_value(claims).unwrap());
                let _ = TokenClaims::peek(&token, SystemTime::now(), Cloud::Global);
            }
        }
    }
}
