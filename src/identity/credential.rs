//! The function's own credential at the token endpoint (`obo` mode),
//! exactly one of (contract: "The function's own credential"):
//!
//! - a client secret (`OBO_CLIENT_SECRET` / `_ARN`);
//! - a certificate (`OBO_CLIENT_CERTIFICATE_ARN` / `_PATH`): each exchange
//!   sends a `client_assertion` signed PS256 with its key, header
//!   `x5t#S256` (base64url SHA-256 of the certificate's DER), claims `aud`
//!   the tenant's token endpoint, `iss` = `sub` = the client id, a fresh
//!   `jti`, `iat` = `nbf` = now, `exp` 10 minutes later; one assertion per
//!   tenant is reused until a minute before it expires. Signed with
//!   `jsonwebtoken` on aws-lc-rs, the crypto the TLS stack already links;
//! - the function's AWS identity (`OBO_CLIENT_ASSERTION=aws-web-identity`):
//!   STS `GetWebIdentityToken` (audience the cloud's token-exchange
//!   audience, RS256, 300 s) through `aws-sdk-sts`, the token sent as the
//!   `client_assertion` and reused until a minute before it expires. No
//!   secret exists anywhere.
//!
//! Nothing here is logged: errors name variables and ARNs, never a key, an
//! assertion or a token.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::error::{Cause, IdentityError};
use super::secret;
use super::settings::{CertificateSource, OboCredential};
use crate::clock::Clock;

/// `client_assertion_type` of a JWT client assertion (RFC 7523).
pub(crate) const CLIENT_ASSERTION_TYPE: &str =
    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// A certificate assertion's lifetime (Entra: at most 10 minutes).
const ASSERTION_LIFETIME: Duration = Duration::from_secs(600);
/// Assertions and web identity tokens are replaced this long before they expire.
const RENEW_BEFORE: Duration = Duration::from_secs(60);
/// The web identity token's lifetime asked of STS.
pub(crate) const WEB_IDENTITY_SECONDS: i32 = 300;

/// One way of proving the function is the app registration.
pub(crate) enum ClientCredential {
    Secret(SecretString),
    /// A certificate, and the clock its assertions are dated and aged by.
    Certificate(Certificate, Clock),
    WebIdentity(WebIdentity),
}

/// What a token request carries to authenticate the client: the secret,
/// or a client assertion (never printed).
pub(crate) enum ClientProof {
    Secret(SecretString),
    Assertion(SecretString),
}

impl ClientProof {
    /// The form fields: `client_secret`, or `client_assertion_type` and
    /// `client_assertion`.
    pub(crate) fn fields(&self) -> Vec<(&'static str, &str)> {
        match self {
            Self::Secret(secret) => vec![("client_secret", secret.expose_secret())],
            Self::Assertion(assertion) => vec![
                ("client_assertion_type", CLIENT_ASSERTION_TYPE),
                ("client_assertion", assertion.expose_secret()),
            ],
        }
    }
}

impl ClientCredential {
    /// Reads the configured credential (Secrets Manager or a file, once per
    /// cold start); `token_exchange_audience` is the federated audience;
    /// `clock` dates assertions and ages them and the STS token.
    pub(crate) async fn build(
        source: &OboCredential,
        client_id: &str,
        token_exchange_audience: &str,
        aws: Option<&aws_config::SdkConfig>,
        clock: Clock,
    ) -> Result<Self, String> {
        Ok(match source {
            OboCredential::Secret(secret) => Self::Secret(secret::read(Some(secret)).await?),
            OboCredential::Certificate(CertificateSource::Path(path)) => {
                let pem = std::fs::read_to_string(path).map_err(|e| {
                    format!("OBO_CLIENT_CERTIFICATE_PATH ({}): {e}", path.display())
                })?;
                Self::Certificate(
                    Certificate::from_pem(&pem, client_id)
                        .map_err(|e| format!("OBO_CLIENT_CERTIFICATE_PATH: {e}"))?,
                    clock,
                )
            }
            OboCredential::Certificate(CertificateSource::Arn(arn)) => {
                let pem = secret::secret_string(arn).await?;
                Self::Certificate(
                    Certificate::from_pem(pem.expose_secret(), client_id)
                        .map_err(|e| format!("OBO_CLIENT_CERTIFICATE_ARN ({arn}): {e}"))?,
                    clock,
                )
            }
            OboCredential::AwsWebIdentity => {
                let config = match aws {
                    Some(config) => config.clone(),
                    None => aws_config::load_from_env().await,
                };
                Self::WebIdentity(WebIdentity {
                    client: aws_sdk_sts::Client::new(&config),
                    audience: token_exchange_audience.to_owned(),
                    cached: tokio::sync::Mutex::new(None),
                    clock,
                })
            }
        })
    }

    /// The proof for a request to `token_endpoint` (of one tenant).
    pub(crate) async fn proof(&self, token_endpoint: &str) -> Result<ClientProof, IdentityError> {
        match self {
            Self::Secret(secret) => Ok(ClientProof::Secret(secret.clone())),
            Self::Certificate(certificate, clock) => certificate
                .assertion(token_endpoint, clock.now())
                .map(ClientProof::Assertion),
            Self::WebIdentity(web) => web.token().await.map(ClientProof::Assertion),
        }
    }
}

/// A certificate credential: the signing key, the thumbprint, the client
/// id, and the assertion in use per token endpoint. Public (hidden) only
/// for the benchmark, which times [`Certificate::sign`].
#[doc(hidden)]
pub struct Certificate {
    key: EncodingKey,
    thumbprint_s256: String,
    client_id: String,
    cached: Mutex<HashMap<String, Cached>>,
}

struct Cached {
    value: SecretString,
    renew_at: SystemTime,
}

#[derive(Serialize)]
struct AssertionClaims<'a> {
    aud: &'a str,
    iss: &'a str,
    sub: &'a str,
    jti: String,
    iat: u64,
    nbf: u64,
    exp: u64,
}

impl Certificate {
    /// From one PEM text holding a private key (PKCS#8 `PRIVATE KEY` or
    /// PKCS#1 `RSA PRIVATE KEY`) and a `CERTIFICATE`, in either order.
    pub fn from_pem(pem: &str, client_id: &str) -> Result<Self, String> {
        let key_block = pem_block(pem, "PRIVATE KEY")
            .or_else(|| pem_block(pem, "RSA PRIVATE KEY"))
            .ok_or("no PEM private key (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY)")?;
        let key = EncodingKey::from_rsa_pem(key_block.as_bytes())
            .map_err(|_| "the private key is not an RSA key in PEM")?;
        let certificate = pem_block(pem, "CERTIFICATE").ok_or("no PEM certificate")?;
        let body: String = certificate
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect();
        let der = STANDARD
            .decode(body.trim())
            .map_err(|_| "the certificate's PEM is not base64")?;
        Ok(Self {
            key,
            thumbprint_s256: URL_SAFE_NO_PAD.encode(Sha256::digest(&der)),
            client_id: client_id.to_owned(),
            cached: Mutex::new(HashMap::new()),
        })
    }

    /// The assertion for `token_endpoint` at `now`: the cached one until a
    /// minute before it expires, else a new one.
    pub(crate) fn assertion(
        &self,
        token_endpoint: &str,
        now: SystemTime,
    ) -> Result<SecretString, IdentityError> {
        let mut cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = cached.get(token_endpoint)
            && now < c.renew_at
        {
            return Ok(c.value.clone());
        }
        let value = self.sign(token_endpoint, now)?;
        cached.insert(
            token_endpoint.to_owned(),
            Cached {
                value: value.clone(),
                renew_at: now + ASSERTION_LIFETIME - RENEW_BEFORE,
            },
        );
        Ok(value)
    }

    /// A new assertion: PS256, `x5t#S256`, 10 minutes from `now`.
    pub fn sign(
        &self,
        token_endpoint: &str,
        now: SystemTime,
    ) -> Result<SecretString, IdentityError> {
        let mut header = Header::new(Algorithm::PS256);
        header.x5t_s256 = Some(self.thumbprint_s256.clone());
        let iat = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let claims = AssertionClaims {
            aud: token_endpoint,
            iss: &self.client_id,
            sub: &self.client_id,
            jti: uuid::Uuid::new_v4().to_string(),
            iat,
            nbf: iat,
            exp: iat + ASSERTION_LIFETIME.as_secs(),
        };
        jsonwebtoken::encode(&header, &claims, &self.key)
            .map(SecretString::from)
            .map_err(|e| IdentityError::Unavailable {
                detail: "the client assertion could not be signed with the configured certificate",
                operator: true,
                cause: Some(Cause::new(e)),
            })
    }
}

/// The text of the first `-----BEGIN {label}-----` block, markers included.
fn pem_block<'a>(pem: &'a str, label: &str) -> Option<&'a str> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = pem.find(&begin)?;
    let stop = pem[start..].find(&end)? + start + end.len();
    Some(&pem[start..stop])
}

/// The function's AWS identity as a federated credential.
pub(crate) struct WebIdentity {
    client: aws_sdk_sts::Client,
    audience: String,
    /// The token in use and when to renew it; the lock makes one STS call
    /// for concurrent requests.
    cached: tokio::sync::Mutex<Option<Cached>>,
    clock: Clock,
}

impl WebIdentity {
    async fn token(&self) -> Result<SecretString, IdentityError> {
        let mut cached = self.cached.lock().await;
        let now = self.clock.now();
        if let Some(c) = cached.as_ref()
            && now < c.renew_at
        {
            return Ok(c.value.clone());
        }
        let unavailable = |cause: Option<Cause>| IdentityError::Unavailable {
            detail: "AWS STS did not issue the function's web identity token (GetWebIdentityToken): check outbound identity federation and the role's sts:GetWebIdentityToken permission",
            operator: true,
            cause,
        };
        let answer = self
            .client
            .get_web_identity_token()
            .audience(&self.audience)
            .signing_algorithm("RS256")
            .duration_seconds(WEB_IDENTITY_SECONDS)
            .send()
            .await
            .map_err(|e| unavailable(Some(Cause::new(e))))?;
        let token = answer
            .web_identity_token()
            .ok_or_else(|| unavailable(None))?;
        let expires = answer
            .expiration()
            .and_then(|e| SystemTime::try_from(*e).ok())
            .unwrap_or(now + Duration::from_secs(WEB_IDENTITY_SECONDS as u64));
        let value = SecretString::from(token.to_owned());
        *cached = Some(Cached {
            value: value.clone(),
            renew_at: expires.checked_sub(RENEW_BEFORE).unwrap_or(now),
        });
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{DecodingKey, Validation, decode, decode_header};

    const CERT: &str = include_str!("../../crates/graph-sim/keys/client-cert.pem");
    const KEY: &str = include_str!("../../crates/graph-sim/keys/client-cert.key.pem");

    #[test]
    fn a_certificate_signs_ps256_assertions_and_reuses_them_until_a_minute_before_expiry() {
        let either_order = [format!("{KEY}\n{CERT}"), format!("{CERT}\n{KEY}")];
        for pem in &either_order {
            let c = Certificate::from_pem(pem, "client").expect("reads");
            let endpoint = "https://login.example/t/oauth2/v2.0/token";
            let t0 = UNIX_EPOCH + Duration::from_secs(2_000_000_000);
            let first = c.assertion(endpoint, t0).unwrap();
            let first = first.expose_secret();
            let header = decode_header(first).unwrap();
            assert_eq!(header.alg, Algorithm::PS256);
            assert_eq!(header.x5t_s256.as_deref(), Some(c.thumbprint_s256.as_str()));
            assert_eq!(c.thumbprint_s256.len(), 43);
            let key = DecodingKey::from_rsa_pem(CERT.as_bytes()).unwrap();
            let mut v = Validation::new(Algorithm::PS256);
            v.validate_exp = false;
            v.set_audience(&[endpoint]);
            let claims = decode::<serde_json::Value>(first, &key, &v).unwrap().claims;
            assert_eq!(claims["iss"], "client");
            assert_eq!(claims["sub"], "client");
            assert_eq!(claims["nbf"], 2_000_000_000u64);
            assert_eq!(claims["exp"], 2_000_000_600u64);
            let later = t0 + Duration::from_secs(539);
            assert_eq!(c.assertion(endpoint, later).unwrap().expose_secret(), first);
            let renewed = c
                .assertion(endpoint, t0 + Duration::from_secs(540))
                .unwrap();
            assert_ne!(renewed.expose_secret(), first);
            let other = c.assertion("https://login.example/u/oauth2/v2.0/token", later);
            assert_ne!(other.unwrap().expose_secret(), first, "one per tenant");
        }
        assert!(Certificate::from_pem(CERT, "c").is_err(), "no key");
        assert!(Certificate::from_pem(KEY, "c").is_err(), "no certificate");
    }

    /// The assertion a proof carries, and its claims (not verified).
    fn assertion_of(proof: ClientProof) -> (String, serde_json::Value) {
        let ClientProof::Assertion(assertion) = proof else {
            panic!("a client assertion, not a secret");
        };
        let assertion = assertion.expose_secret().to_owned();
        let claims = assertion.split('.').nth(1).expect("a JWT");
        let claims = URL_SAFE_NO_PAD.decode(claims).expect("base64url");
        (assertion, serde_json::from_slice(&claims).expect("JSON"))
    }

    #[tokio::test]
    async fn on_the_injected_clock_an_assertion_is_reused_until_a_minute_before_expiry_then_replaced_by_one_with_a_new_jti()
     {
        let clock = Clock::manual();
        let certificate = Certificate::from_pem(&format!("{KEY}\n{CERT}"), "client").unwrap();
        let credential = ClientCredential::Certificate(certificate, clock.clone());
        let endpoint = "https://login.example/t/oauth2/v2.0/token";

        let (first, claims) = assertion_of(credential.proof(endpoint).await.unwrap());
        clock.advance(Duration::from_secs(8 * 60));
        let (reused, _) = assertion_of(credential.proof(endpoint).await.unwrap());
        clock.advance(Duration::from_secs(2 * 60));
        let (renewed, renewed_claims) = assertion_of(credential.proof(endpoint).await.unwrap());

        assert_eq!(reused, first, "8 minutes on: the same assertion");
        assert_ne!(renewed, first, "10 minutes on: a new one");
        assert_ne!(renewed_claims["jti"], claims["jti"]);
        let iat = |c: &serde_json::Value| c["iat"].as_u64().unwrap_or_default();
        assert!(
            iat(&renewed_claims) >= iat(&claims) + 600,
            "dated by the injected clock: {claims} then {renewed_claims}"
        );
    }

    #[tokio::test]
    async fn on_the_injected_clock_the_sts_token_is_reused_until_a_minute_before_expiry_then_sts_is_asked_again()
     {
        use graph_sim::{GraphSimulator, RequestKind, Scenario, TOKEN_EXCHANGE_AUDIENCE};
        let sim = GraphSimulator::start(Scenario::demo()).await.unwrap();
        let clock = Clock::manual();
        let config = share_resolver_testkit::sts_config(&sim.sts_endpoint_url());
        let credential = ClientCredential::build(
            &OboCredential::AwsWebIdentity,
            "client",
            TOKEN_EXCHANGE_AUDIENCE,
            Some(&config),
            clock.clone(),
        )
        .await
        .unwrap();
        let endpoint = "https://login.example/t/oauth2/v2.0/token";

        // STS issues it for 300 s: reused for 240 s.
        let (first, _) = assertion_of(credential.proof(endpoint).await.unwrap());
        clock.advance(Duration::from_secs(3 * 60));
        let (reused, _) = assertion_of(credential.proof(endpoint).await.unwrap());
        let asked_before = sim.calls_of(RequestKind::Sts);
        clock.advance(Duration::from_secs(61));
        let (renewed, _) = assertion_of(credential.proof(endpoint).await.unwrap());

        assert_eq!(reused, first, "3 minutes on: the same token");
        assert_eq!(asked_before, 1, "STS asked once in those 3 minutes");
        assert_ne!(renewed, first, "4 minutes on: a new token");
        assert_eq!(sim.calls_of(RequestKind::Sts), 2, "STS asked again");
        sim.shutdown();
    }
}
