//! The On-Behalf-Of exchange: this API's verified token for a Graph (or
//! SharePoint) token of the same user, at the tenant's token endpoint.
//!
//! Each exchanged token is cached in memory, per incoming token and scope,
//! until 5 minutes before it expires; concurrent requests with one token
//! make one exchange (moka's `try_get_with` runs one initialiser per key).
//! The cache is keyed by a SHA-256 fingerprint of the incoming token, holds
//! exchanged tokens only as `BearerToken` (never printed), and nothing here
//! is logged or written anywhere else.

use std::sync::Arc;
use std::time::{Duration, Instant};

use moka::Expiry;
use moka::future::Cache;
use serde::Deserialize;

use super::bearer::{BearerToken, TokenFingerprint};
use super::credential::ClientCredential;
use super::error::{Cause, IdentityError, PlatformError};

/// Exchanged tokens are used until this long before they expire.
const EARLY: Duration = Duration::from_secs(300);
/// Exchanged tokens kept at most (incoming token × scope).
const CAPACITY: u64 = 10_000;
/// One exchange at most.
const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(5);

/// The function's own credentials at the token endpoint.
pub(crate) struct Credentials {
    pub client_id: String,
    pub credential: ClientCredential,
}

#[derive(Clone)]
struct Exchanged {
    token: BearerToken,
    /// How long it may be used (its lifetime less [`EARLY`]).
    usable_for: Duration,
}

struct UntilEarly;

impl Expiry<(TokenFingerprint, Arc<str>), Exchanged> for UntilEarly {
    fn expire_after_create(
        &self,
        _key: &(TokenFingerprint, Arc<str>),
        value: &Exchanged,
        _created_at: Instant,
    ) -> Option<Duration> {
        Some(value.usable_for)
    }
}

pub(crate) struct Exchanger {
    http: reqwest::Client,
    login_base_url: String,
    credentials: Credentials,
    cache: Cache<(TokenFingerprint, Arc<str>), Exchanged>,
}

/// The token endpoint's answer, success or error.
#[derive(Deserialize)]
struct Answer {
    access_token: Option<String>,
    expires_in: Option<u64>,
    error: Option<String>,
    #[serde(default)]
    error_codes: Vec<u64>,
    error_description: Option<String>,
    claims: Option<String>,
}

impl Exchanger {
    pub fn new(http: reqwest::Client, login_base_url: &str, credentials: Credentials) -> Self {
        Self {
            http,
            login_base_url: login_base_url.to_owned(),
            credentials,
            cache: Cache::builder()
                .max_capacity(CAPACITY)
                .expire_after(UntilEarly)
                .build(),
        }
    }

    /// A token for `scope` on behalf of the user of `incoming` (verified,
    /// of tenant `tid`).
    pub async fn token(
        &self,
        incoming: &BearerToken,
        tid: &str,
        scope: &str,
    ) -> Result<BearerToken, IdentityError> {
        let key = (incoming.fingerprint(), Arc::<str>::from(scope));
        self.cache
            .try_get_with(key, self.exchange(incoming, tid, scope))
            .await
            .map(|exchanged| exchanged.token)
            .map_err(|e| (*e).clone())
    }

    async fn exchange(
        &self,
        incoming: &BearerToken,
        tid: &str,
        scope: &str,
    ) -> Result<Exchanged, IdentityError> {
        let url = format!("{}/{tid}/oauth2/v2.0/token", self.login_base_url);
        let proof = self.credentials.credential.proof(&url).await?;
        let mut form = vec![
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
            ("client_id", self.credentials.client_id.as_str()),
            ("assertion", incoming.expose()),
            ("scope", scope),
            ("requested_token_use", "on_behalf_of"),
        ];
        form.extend(proof.fields());
        let unreachable = |e: reqwest::Error| {
            IdentityError::unavailable(
                "the identity platform's token endpoint could not be reached",
                Some(Cause::new(e)),
            )
        };
        let response = self
            .http
            .post(url)
            .form(&form)
            .timeout(EXCHANGE_TIMEOUT)
            .send()
            .await
            .map_err(unreachable)?;
        let status = response.status().as_u16();
        let answer: Answer = response.json().await.map_err(unreachable)?;
        let authorization_uri = format!("{}/{tid}/oauth2/v2.0/authorize", self.login_base_url);
        read(status, answer, authorization_uri)
    }
}

/// What the token endpoint's answer means (pure, table-tested).
fn read(
    status: u16,
    answer: Answer,
    authorization_uri: String,
) -> Result<Exchanged, IdentityError> {
    if (200..300).contains(&status)
        && let Some(token) = answer.access_token
    {
        let lifetime = Duration::from_secs(answer.expires_in.unwrap_or(0));
        return Ok(Exchanged {
            token: BearerToken::from_raw(token),
            usable_for: lifetime.saturating_sub(EARLY),
        });
    }
    let error = answer.error.as_deref().unwrap_or_default();
    let consent = error == "consent_required"
        || answer.error_codes.contains(&65001)
        || answer
            .error_description
            .as_deref()
            .is_some_and(|d| d.contains("AADSTS65001"));
    let cause = Cause::new(PlatformError {
        status,
        error: error.to_owned(),
        codes: answer.error_codes,
        description: answer.error_description.unwrap_or_default(),
    });
    match (error, answer.claims) {
        ("interaction_required" | "invalid_grant", Some(claims)) if !claims.is_empty() => {
            Err(claims_challenge(&claims, &authorization_uri))
        }
        _ if consent => Err(IdentityError::ConsentRequired { cause }),
        ("invalid_client" | "unauthorized_client", _) => Err(IdentityError::Unavailable {
            detail: "the identity platform refused this function's own credentials (OBO_CLIENT_ID and its secret): an operator must fix them",
            operator: true,
            cause: Some(cause),
        }),
        ("invalid_grant", None) if status < 500 => Err(IdentityError::Refused { cause }),
        _ => Err(IdentityError::unavailable(
            "the identity platform's token endpoint failed",
            Some(cause),
        )),
    }
}

/// The challenge a caller gets for the platform's claims request: where
/// to sign in again (`authorization_uri`) and the claims, base64.
fn claims_challenge(claims: &str, authorization_uri: &str) -> IdentityError {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(claims.as_bytes());
    IdentityError::ClaimsChallenge {
        www_authenticate: Some(format!(
            "Bearer realm=\"\", authorization_uri=\"{authorization_uri}\", error=\"insufficient_claims\", claims=\"{encoded}\""
        )),
        claims: serde_json::from_str(claims).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(error: Option<&str>, codes: &[u64], claims: Option<&str>) -> Answer {
        Answer {
            access_token: None,
            expires_in: None,
            error: error.map(str::to_owned),
            error_codes: codes.to_vec(),
            error_description: None,
            claims: claims.map(str::to_owned),
        }
    }

    /// The platform's answer, kept as the cause for the log.
    fn kept(status: u16, error: &str, codes: &[u64]) -> Cause {
        Cause::new(PlatformError {
            status,
            error: error.to_owned(),
            codes: codes.to_vec(),
            description: String::new(),
        })
    }

    #[test]
    fn each_token_endpoint_answer_is_the_contracts_problem() {
        let uri = || "https://login.example/t/oauth2/v2.0/authorize".to_owned();
        let claims = r#"{"access_token":{"polids":{"essential":true,"values":["p"]}}}"#;
        let challenge = claims_challenge(claims, &uri());
        let operator = |r: &Result<Exchanged, IdentityError>| {
            matches!(r, Err(IdentityError::Unavailable { operator: true, .. }))
        };
        for (status, body, expected, why) in [
            (
                400,
                answer(Some("interaction_required"), &[50076], Some(claims)),
                Some(challenge.clone()),
                "MFA",
            ),
            (
                400,
                answer(Some("invalid_grant"), &[], Some(claims)),
                Some(challenge),
                "a challenge as invalid_grant",
            ),
            (
                400,
                answer(Some("consent_required"), &[], None),
                Some(IdentityError::ConsentRequired {
                    cause: kept(400, "consent_required", &[]),
                }),
                "consent",
            ),
            (
                400,
                answer(Some("invalid_grant"), &[65001], None),
                Some(IdentityError::ConsentRequired {
                    cause: kept(400, "invalid_grant", &[65001]),
                }),
                "AADSTS65001",
            ),
            (
                400,
                answer(Some("invalid_grant"), &[], None),
                Some(IdentityError::Refused {
                    cause: kept(400, "invalid_grant", &[]),
                }),
                "a refused assertion",
            ),
        ] {
            assert_eq!(read(status, body, uri()).err(), expected, "{why}");
        }
        assert!(operator(&read(
            401,
            answer(Some("invalid_client"), &[7000215], None),
            uri()
        )));
        assert!(operator(&read(
            400,
            answer(Some("unauthorized_client"), &[], None),
            uri()
        )));
        for status in [500, 503] {
            let r = read(
                status,
                answer(Some("temporarily_unavailable"), &[], None),
                uri(),
            );
            assert!(
                matches!(
                    r,
                    Err(IdentityError::Unavailable {
                        operator: false,
                        ..
                    })
                ),
                "{status}"
            );
        }
        let ok = read(
            200,
            Answer {
                access_token: Some("a.b.c".into()),
                expires_in: Some(3600),
                ..answer(None, &[], None)
            },
            uri(),
        )
        .unwrap();
        assert_eq!(
            ok.usable_for,
            Duration::from_secs(3300),
            "until 5 minutes before expiry"
        );
    }
}
