//! The caller's bearer token and a peek at its claims.
//!
//! # Implementation Notes
//! Graph tokens are not meant to be validated by third parties (their header
//! carries a `nonce` and standard signature checks fail), so we never verify
//! the signature: Graph is the authority. We only read the claims to reject at
//! once what Graph would reject anyway, and to key the hydration store.

use std::fmt;
use std::time::{Duration, SystemTime};

use crate::clock::epoch_seconds;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// SharePoint Online's app id: the audience of a v2 SharePoint token.
const SHAREPOINT_APP_ID: &str = "00000003-0000-0ff1-ce00-000000000000";
/// The audiences Graph accepts: v1 resource URI and v2 app id.
const GRAPH_AUDIENCES: [&str; 3] = [
    "https://graph.microsoft.com",
    "https://graph.microsoft.com/",
    "00000003-0000-0000-c000-000000000000",
];
/// The tenant of personal Microsoft accounts (MSA).
pub const PERSONAL_ACCOUNT_TENANT: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";
/// Clock skew tolerated on `exp`.
const EXPIRY_SKEW: Duration = Duration::from_secs(60);
/// Tokens longer than this are not Entra access tokens (they run ~1.5-4 KiB).
const MAX_TOKEN_LEN: usize = 16 * 1024;

/// The raw bearer token. Its `Debug` never prints it; only the Graph client
/// exposes it, to build the `Authorization` header.
#[derive(Clone)]
pub struct BearerToken(SecretString);

impl BearerToken {
    /// Takes the value of an `Authorization` header.
    pub fn from_authorization(header: Option<&str>) -> Result<Self, TokenError> {
        let header = header.ok_or(TokenError::Missing)?.trim();
        let (scheme, rest) = header.split_once(' ').ok_or(TokenError::Missing)?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(TokenError::Missing);
        }
        let token = rest.trim();
        if token.is_empty() {
            return Err(TokenError::Missing);
        }
        Ok(Self(SecretString::from(token.to_owned())))
    }

    /// The token itself, for the `Authorization` header of a Graph call only.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// A token obtained by the function itself (On-Behalf-Of).
    pub(crate) fn from_raw(token: String) -> Self {
        Self(SecretString::from(token))
    }

    /// 128 bits of the token's SHA-256: tells tokens apart in caches and
    /// leases; the token cannot be recovered from it.
    pub fn fingerprint(&self) -> TokenFingerprint {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(self.expose().as_bytes());
        let mut bits = [0u8; 16];
        bits.copy_from_slice(&digest[..16]);
        TokenFingerprint(bits)
    }
}

/// See [`BearerToken::fingerprint`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenFingerprint(pub [u8; 16]);

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BearerToken([REDACTED])")
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

/// What the peek found wrong, one variant per problem code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("no Bearer token in the Authorization header")]
    Missing,
    #[error("the token is not a JWT with JSON claims: {0}")]
    Malformed(&'static str),
    #[error("the token expired at {exp} (epoch seconds)")]
    Expired { exp: u64 },
    #[error("the token's audience is not Microsoft Graph")]
    WrongAudience { aud: String },
    #[error("the token belongs to a personal Microsoft account")]
    PersonalAccount,
    #[error("the token has no scope that can read files")]
    MissingScope { scopes: Vec<String> },
}

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
struct RawClaims {
    aud: Option<Audience>,
    exp: Option<u64>,
    tid: Option<String>,
    oid: Option<String>,
    scp: Option<String>,
    acct: Option<u8>,
    idp: Option<String>,
    iss: Option<String>,
    upn: Option<String>,
    unique_name: Option<String>,
}

/// A tenant member: `acct` = 0; or, without `acct`, no `idp` that differs
/// from `iss` (guests sign in at their home IdP) and no `#EXT#` in `upn` or
/// `unique_name` (a guest's UPN in the resource tenant)
/// (docs/graph-facts.md#7-token-claims).
fn is_member(claims: &RawClaims) -> bool {
    member_rule(
        claims.acct,
        claims.idp.as_deref(),
        claims.iss.as_deref(),
        [claims.upn.as_deref(), claims.unique_name.as_deref()],
    )
}

/// The member rule over the claims it reads; the `obo` mode applies it to
/// a verified token's claims (with `preferred_username` among the names).
pub(crate) fn member_rule<'a>(
    acct: Option<u8>,
    idp: Option<&str>,
    iss: Option<&str>,
    names: impl IntoIterator<Item = Option<&'a str>>,
) -> bool {
    if let Some(acct) = acct {
        return acct == 0;
    }
    let foreign_idp = match (idp, iss) {
        (Some(idp), Some(iss)) => !idp.eq_ignore_ascii_case(iss),
        (Some(_), None) => true,
        (None, _) => false,
    };
    let external = names
        .into_iter()
        .flatten()
        .any(|name| name.contains("#EXT#"));
    !foreign_idp && !external
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
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

/// The claims part of a JWT, decoded (no signature check).
fn claims_of(token: &BearerToken) -> Result<RawClaims, TokenError> {
    let raw = token.expose();
    if raw.len() > MAX_TOKEN_LEN {
        return Err(TokenError::Malformed("longer than any access token"));
    }
    let mut parts = raw.split('.');
    let (Some(_header), Some(payload), Some(_signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Malformed("not three dot-separated parts"));
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| TokenError::Malformed("the claims part is not base64url"))?;
    serde_json::from_slice(&bytes)
        .map_err(|_| TokenError::Malformed("the claims part is not a JSON object"))
}

impl TokenClaims {
    /// Peeks at `token`'s claims and applies the pre-flight checks of docs/api.md,
    /// in the order a caller would want to fix them.
    pub fn peek(token: &BearerToken, now: SystemTime) -> Result<Self, TokenError> {
        let claims = claims_of(token)?;

        let exp = claims.exp.ok_or(TokenError::Malformed("no exp claim"))?;
        if exp.saturating_add(EXPIRY_SKEW.as_secs()) <= epoch_seconds(now) {
            return Err(TokenError::Expired { exp });
        }
        let member = is_member(&claims);
        let audiences = audiences(claims.aud);
        if !audiences
            .iter()
            .any(|a| GRAPH_AUDIENCES.iter().any(|g| a.eq_ignore_ascii_case(g)))
        {
            return Err(TokenError::WrongAudience {
                aud: audiences.join(" "),
            });
        }
        let tid = claims.tid.ok_or(TokenError::Malformed("no tid claim"))?;
        if tid.eq_ignore_ascii_case(PERSONAL_ACCOUNT_TENANT) {
            return Err(TokenError::PersonalAccount);
        }
        let oid = claims.oid.ok_or(TokenError::Malformed("no oid claim"))?;
        let user = UserKey::new(&tid, &oid)
            .ok_or(TokenError::Malformed("tid or oid is not an identifier"))?;
        let scopes = scopes_of(claims.scp.as_deref());
        if !scopes.iter().any(|s| is_read_scope(s)) {
            return Err(TokenError::MissingScope { scopes });
        }
        Ok(Self {
            is_member: member,
            user,
            exp,
            scopes,
        })
    }
}

/// Why an `X-SharePoint-Authorization` header was refused (`bad_request`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SharePointTokenError {
    #[error("X-SharePoint-Authorization must be 'Bearer <token>'")]
    NotBearer,
    #[error("X-SharePoint-Authorization is not a JWT with JSON claims")]
    Malformed,
    #[error("X-SharePoint-Authorization has expired")]
    Expired,
    #[error("X-SharePoint-Authorization is not for the sharing URL's host {host}")]
    WrongAudience { host: String },
    #[error("X-SharePoint-Authorization belongs to another user than Authorization")]
    OtherUser,
}

/// Checks a caller's SharePoint token for the sharing URL's `host` (the
/// `sharepoint` warm-up sends it there and nowhere else): a JWT, unexpired,
/// audience `https://{host}` or SharePoint's app id, and the same user as the
/// Graph token. Without a host (an `s!` id) the audience cannot be checked,
/// and the token will not be used. Like the Graph token, it is only peeked, never verified:
/// SharePoint is its authority.
pub fn check_sharepoint_token(
    header: &str,
    host: Option<&str>,
    user: &UserKey,
    now: SystemTime,
) -> Result<BearerToken, SharePointTokenError> {
    let token = BearerToken::from_authorization(Some(header))
        .map_err(|_| SharePointTokenError::NotBearer)?;
    let claims = claims_of(&token).map_err(|_| SharePointTokenError::Malformed)?;
    let exp = claims.exp.ok_or(SharePointTokenError::Malformed)?;
    if exp.saturating_add(EXPIRY_SKEW.as_secs()) <= epoch_seconds(now) {
        return Err(SharePointTokenError::Expired);
    }
    if let Some(host) = host {
        let host_audience = format!("https://{host}");
        let for_host = audiences(claims.aud).iter().any(|a| {
            let a = a.trim_end_matches('/');
            a.eq_ignore_ascii_case(&host_audience) || a.eq_ignore_ascii_case(SHAREPOINT_APP_ID)
        });
        if !for_host {
            return Err(SharePointTokenError::WrongAudience {
                host: host.to_owned(),
            });
        }
    }
    let same_user =
        claims.tid.as_deref() == Some(user.tid()) && claims.oid.as_deref() == Some(user.oid());
    if !same_user {
        return Err(SharePointTokenError::OtherUser);
    }
    Ok(token)
}

fn audiences(aud: Option<Audience>) -> Vec<String> {
    match aud {
        Some(Audience::One(a)) => vec![a],
        Some(Audience::Many(a)) => a,
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn jwt(claims: serde_json::Value) -> BearerToken {
        let enc = |v: &serde_json::Value| URL_SAFE_NO_PAD.encode(v.to_string());
        let raw = format!(
            "{}.{}.c2ln",
            enc(&json!({"typ": "JWT", "alg": "RS256"})),
            enc(&claims)
        );
        BearerToken::from_authorization(Some(&format!("Bearer {raw}"))).unwrap()
    }

    fn good() -> serde_json::Value {
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
        let claims = TokenClaims::peek(&jwt(good()), SystemTime::now()).unwrap();
        assert_eq!(
            claims.user.to_string(),
            "72f988bf-86f1-41af-91ab-2d7cd011db47#0b3c4d5e-1111-2222-3333-444455556666"
        );
        assert!(!claims.is_member);
    }

    #[test]
    fn only_a_token_that_says_member_skips_guest_hydration() {
        let iss = "https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/";
        let base = || {
            let mut c = good();
            c.as_object_mut().unwrap().remove("upn");
            c
        };
        let set = |pairs: &[(&str, serde_json::Value)]| {
            let mut c = base();
            for (k, v) in pairs {
                c[*k] = v.clone();
            }
            c
        };
        for (claims, member, why) in [
            (set(&[("acct", json!(0))]), true, "acct 0"),
            (set(&[("acct", json!(1))]), false, "acct 1"),
            (
                set(&[("acct", json!(0)), ("upn", json!("x#EXT#@c.com"))]),
                true,
                "acct wins over the upn",
            ),
            (set(&[]), true, "no acct, no idp, no #EXT#"),
            (
                set(&[("iss", json!(iss)), ("idp", json!(iss))]),
                true,
                "idp equal to iss",
            ),
            (
                set(&[
                    ("iss", json!(iss)),
                    (
                        "idp",
                        json!("https://sts.windows.net/9188040d-6c67-4c5b-b112-36a304b66dad/"),
                    ),
                ]),
                false,
                "idp differs from iss",
            ),
            (
                set(&[("idp", json!("live.com"))]),
                false,
                "an idp and no iss",
            ),
            (
                set(&[("upn", json!("guest_gmail.com#EXT#@contoso.onmicrosoft.com"))]),
                false,
                "#EXT# in upn",
            ),
            (
                set(&[(
                    "unique_name",
                    json!("guest_gmail.com#EXT#@contoso.onmicrosoft.com"),
                )]),
                false,
                "#EXT# in unique_name",
            ),
            (
                set(&[("upn", json!("megan@contoso.com"))]),
                true,
                "a plain upn",
            ),
        ] {
            let peeked = TokenClaims::peek(&jwt(claims), SystemTime::now()).unwrap();
            assert_eq!(peeked.is_member, member, "{why}");
        }
    }

    #[test]
    fn a_sharepoint_token_must_be_for_the_sharing_hosts_audience_and_the_same_user() {
        let user = UserKey::new(
            "72f988bf-86f1-41af-91ab-2d7cd011db47",
            "0b3c4d5e-1111-2222-3333-444455556666",
        )
        .unwrap();
        let sp = |aud: serde_json::Value| {
            let mut c = good();
            c["aud"] = aud;
            format!("Bearer {}", jwt(c).expose())
        };
        let host = Some("contoso.sharepoint.com");
        let now = SystemTime::now();
        for (header, host, expected, why) in [
            (
                sp(json!("https://contoso.sharepoint.com")),
                host,
                Ok(()),
                "the host's audience",
            ),
            (
                sp(json!("https://contoso.sharepoint.com/")),
                host,
                Ok(()),
                "with a trailing slash",
            ),
            (
                sp(json!(SHAREPOINT_APP_ID)),
                host,
                Ok(()),
                "SharePoint's app id",
            ),
            (
                sp(json!("https://graph.microsoft.com")),
                host,
                Err(SharePointTokenError::WrongAudience {
                    host: "contoso.sharepoint.com".into(),
                }),
                "a Graph token",
            ),
            (
                sp(json!("https://evil.sharepoint.com")),
                host,
                Err(SharePointTokenError::WrongAudience {
                    host: "contoso.sharepoint.com".into(),
                }),
                "another host",
            ),
            (
                sp(json!("https://graph.microsoft.com")),
                None,
                Ok(()),
                "an s! id names no host to check (and the token goes nowhere)",
            ),
            (
                "Basic abc".to_owned(),
                host,
                Err(SharePointTokenError::NotBearer),
                "not Bearer",
            ),
            (
                "Bearer not-a-jwt".to_owned(),
                host,
                Err(SharePointTokenError::Malformed),
                "not a JWT",
            ),
        ] {
            let got = check_sharepoint_token(&header, host, &user, now).map(|_| ());
            assert_eq!(got, expected, "{why}");
        }
        let other = UserKey::new(
            "72f988bf-86f1-41af-91ab-2d7cd011db47",
            "ffffffff-1111-2222-3333-444455556666",
        )
        .unwrap();
        assert_eq!(
            check_sharepoint_token(
                &sp(json!("https://contoso.sharepoint.com")),
                host,
                &other,
                now
            )
            .map(|_| ()),
            Err(SharePointTokenError::OtherUser)
        );
    }

    #[test]
    fn authorization_headers_that_carry_no_bearer_token_are_missing() {
        for (header, why) in [
            (None, "absent"),
            (Some(""), "empty"),
            (Some("Bearer"), "scheme only"),
            (Some("Bearer    "), "blank token"),
            (Some("Basic dXNlcjpwYXNz"), "other scheme"),
            (Some("eyJhbGciOi"), "no scheme"),
        ] {
            assert_eq!(
                BearerToken::from_authorization(header).unwrap_err(),
                TokenError::Missing,
                "{why}"
            );
        }
        assert!(BearerToken::from_authorization(Some("bearer abc")).is_ok());
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
                    TokenClaims::peek(&token, SystemTime::now()),
                    Err(TokenError::Malformed(_))
                ),
                "{why}"
            );
        }
    }

    #[test]
    fn expiry_allows_sixty_seconds_of_skew() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let at = |exp: u64| TokenClaims::peek(&jwt(with("exp", json!(exp))), now);
        assert!(at(1_000_000 - 59).is_ok());
        assert_eq!(
            at(1_000_000 - 60).unwrap_err(),
            TokenError::Expired {
                exp: 1_000_000 - 60
            }
        );
    }

    #[test]
    fn audiences_other_than_graph_are_rejected() {
        for aud in [
            json!("https://graph.microsoft.com"),
            json!("00000003-0000-0000-c000-000000000000"),
            json!(["api://other", "https://graph.microsoft.com"]),
        ] {
            assert!(
                TokenClaims::peek(&jwt(with("aud", aud.clone())), SystemTime::now()).is_ok(),
                "{aud}"
            );
        }
        for aud in [
            json!("https://contoso.sharepoint.com"),
            json!("api://my-app"),
            json!("https://graph.microsoft.com.evil.example"),
        ] {
            assert!(
                matches!(
                    TokenClaims::peek(&jwt(with("aud", aud.clone())), SystemTime::now()),
                    Err(TokenError::WrongAudience { .. })
                ),
                "{aud}"
            );
        }
    }

    #[test]
    fn personal_accounts_are_rejected() {
        let t = jwt(with("tid", json!(PERSONAL_ACCOUNT_TENANT)));
        assert_eq!(
            TokenClaims::peek(&t, SystemTime::now()).unwrap_err(),
            TokenError::PersonalAccount
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
                TokenClaims::peek(&jwt(with("scp", json!(scp))), SystemTime::now()).is_ok(),
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
                    TokenClaims::peek(&jwt(with("scp", json!(scp))), SystemTime::now()),
                    Err(TokenError::MissingScope { .. })
                ),
                "{scp:?}"
            );
        }
    }

    #[test]
    fn the_token_never_shows_in_debug_output() {
        let token = jwt(good());
        let shown = format!("{token:?}");
        assert!(!shown.contains(token.expose()));
        assert!(shown.contains("REDACTED"));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn any_header_is_peeked_or_refused_without_panicking(header in "(Bearer |bearer |Basic )?[A-Za-z0-9._=-]{0,200}|.{0,400}") {
                if let Ok(token) = BearerToken::from_authorization(Some(&header)) {
                    let _ = TokenClaims::peek(&token, SystemTime::now());
                    prop_assert_eq!(format!("{token:?}"), "BearerToken([REDACTED])");
                }
            }

            #[test]
            fn any_json_claims_are_peeked_without_panicking(claims in proptest::collection::hash_map("[a-z]{1,4}", "[ -~]{0,20}", 0..8)) {
                let token = jwt(serde_json::to_value(claims).unwrap());
                let _ = TokenClaims::peek(&token, SystemTime::now());
            }
        }
    }
}
