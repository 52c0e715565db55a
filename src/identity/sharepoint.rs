//! SharePoint tokens: the `graph` mode's `X-SharePoint-Authorization`,
//! checked against the sharing URL's host, and where a `sharepoint` warm-up
//! gets its token in either mode.

use std::time::SystemTime;

use async_trait::async_trait;

use crate::clock::epoch_seconds;

use super::bearer::BearerToken;
use super::caller::UserKey;
use super::peek::{EXPIRY_SKEW, audiences, claims_of};

/// SharePoint Online's app id: the audience of a v2 SharePoint token.
const SHAREPOINT_APP_ID: &str = "00000003-0000-0ff1-ce00-000000000000";

/// A SharePoint token for a SharePoint Online host, when a `sharepoint`
/// warm-up is about to run: the caller's `X-SharePoint-Authorization`
/// (`graph` mode, checked at the edge against that host) or one exchanged
/// On-Behalf-Of the caller (`obo`). `None`: the warm-up is passed over.
#[async_trait]
pub trait SharePointTokens: Send + Sync {
    async fn for_host(&self, host: &str) -> Option<BearerToken>;
}

/// The `graph` mode's: the one token the caller sent for its one host.
pub struct GivenSharePointToken(pub BearerToken);

#[async_trait]
impl SharePointTokens for GivenSharePointToken {
    async fn for_host(&self, _host: &str) -> Option<BearerToken> {
        Some(self.0.clone())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::peek::tests::{good, jwt};
    use serde_json::json;

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
}
