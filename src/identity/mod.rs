//! Who calls. In `graph` mode the caller's Graph token is peeked (only Graph
//! can verify it); in `obo` mode a token for this API is verified and
//! exchanged On-Behalf-Of the user for Graph and SharePoint tokens
//! (docs/security.md; contract: "Identity modes"). Both modes refuse a
//! tenant `ALLOWED_TENANTS` does not list, before any call.
//!
//! Flow: `http` asks [`Identity::authorize`] who the caller is, from the
//! headers and before reading any input, then [`Authorized::caller`] for the
//! [`Caller`] once it knows where the request goes (the SharePoint token is
//! checked against that host; `obo` exchanges the Graph token only then, so
//! nothing is exchanged for a request with bad input). Neither step asks
//! `http` to know the mode. The resolver asks the caller's
//! [`SharePointTokens`] for a SharePoint token only when a `sharepoint`
//! warm-up runs. This module is the one place a token is read.

mod bearer;
mod caller;
mod credential;
mod error;
mod keys;
mod member;
mod obo;
mod peek;
mod secret;
mod settings;
mod sharepoint;
mod verify;

use std::sync::Arc;
use std::time::SystemTime;

use async_trait::async_trait;
use http::{HeaderMap, header};

use crate::cloud::Cloud;

pub use bearer::{BearerToken, TokenFingerprint};
pub(crate) use caller::CallerKey;
pub use caller::{Caller, UserKey};
pub use error::{Cause, IdentityError, SharePointRefusal, TokenFor};
pub(crate) use member::member_rule;
pub(crate) use peek::scopes_of;
pub use peek::{PERSONAL_ACCOUNT_TENANT, TokenClaims};
pub use settings::{AuthMode, CertificateSource, IdentitySettings, OboCredential, OboSecret};
pub use sharepoint::{GivenSharePointToken, SharePointTokens, check_sharepoint_token};

#[doc(hidden)]
pub use credential::Certificate as ClientCertificate;

use credential::ClientCredential;
use keys::KeySets;
use obo::{Credentials, Exchanger};
use verify::Verifier;

/// The optional SharePoint token header (`graph` mode).
pub(crate) const SHAREPOINT_AUTHORIZATION: &str = "x-sharepoint-authorization";

/// The identity side of the service, built once per cold start.
pub struct Identity {
    allowed_tenants: Option<Vec<String>>,
    /// Whose Graph audiences a peeked token must name (`graph` mode).
    cloud: Cloud,
    obo: Option<Arc<Obo>>,
}

struct Obo {
    verifier: Verifier,
    exchanger: Exchanger,
    /// The cloud's Graph scope (`{graph resource}/.default`).
    graph_scope: String,
}

/// What can stop a cold start here.
#[derive(Debug, thiserror::Error)]
pub enum IdentityStartupError {
    #[error("reading the function's OBO credential failed: {0}")]
    Credential(String),
}

impl Identity {
    /// `graph` mode: nothing to fetch. `obo` mode: reads the client secret
    /// (Secrets Manager, once) and fetches every listed tenant's keys.
    /// `cloud` gives Graph's audiences and scope, and the token-exchange
    /// audience.
    pub async fn build(
        settings: &IdentitySettings,
        cloud: Cloud,
        http: reqwest::Client,
        clock: crate::clock::Clock,
    ) -> Result<Self, IdentityStartupError> {
        let obo = match settings.mode {
            AuthMode::Graph => None,
            AuthMode::Obo => Some(Arc::new(Obo::build(settings, cloud, http, clock).await?)),
        };
        Ok(Self {
            allowed_tenants: settings.allowed_tenants.clone(),
            cloud,
            obo,
        })
    }

    /// Who calls, from the request's headers: the bearer token, its
    /// claims (peeked in `graph` mode, verified in `obo` mode), the tenant
    /// list, and whether `X-SharePoint-Authorization` may be sent at all.
    /// Nothing here reads the request's input, so a token problem is told
    /// before any problem with the input.
    pub async fn authorize(&self, headers: &HeaderMap) -> Result<Authorized, IdentityError> {
        let text = |name: &str| headers.get(name).map(|v| v.to_str().ok());
        let token =
            BearerToken::from_authorization(text(header::AUTHORIZATION.as_str()).flatten())?;
        let claims = match &self.obo {
            None => {
                let claims = TokenClaims::peek(&token, SystemTime::now(), self.cloud)?;
                self.tenant_allowed(claims.user.tid())?;
                claims
            }
            Some(obo) => obo.verifier.verify(&token).await.map_err(logged)?,
        };
        let refused = |reason| Err(IdentityError::SharePointToken(reason));
        let sharepoint_authorization = match text(SHAREPOINT_AUTHORIZATION) {
            None => None,
            Some(_) if self.obo.is_some() => return refused(SharePointRefusal::NotInOboMode),
            Some(Some(value)) => Some(value.to_owned()),
            Some(None) => return refused(SharePointRefusal::NotBearer),
        };
        Ok(Authorized {
            token,
            claims,
            sharepoint_authorization,
            obo: self.obo.clone(),
        })
    }

    fn tenant_allowed(&self, tid: &str) -> Result<(), IdentityError> {
        match &self.allowed_tenants {
            Some(tenants) if !tenants.iter().any(|t| t.eq_ignore_ascii_case(tid)) => {
                Err(IdentityError::TenantNotAllowed)
            }
            _ => Ok(()),
        }
    }
}

/// A caller whose token passed [`Identity::authorize`].
pub struct Authorized {
    token: BearerToken,
    claims: TokenClaims,
    /// The raw `X-SharePoint-Authorization` (`graph` mode only), checked
    /// once the SharePoint host it would go to is known.
    sharepoint_authorization: Option<String>,
    obo: Option<Arc<Obo>>,
}

impl Authorized {
    /// The `X-SharePoint-Authorization`, if sent, checked as far as it can
    /// be with no host to send it to (its form, expiry and user): for a
    /// request that ends without any call, such as a batch of only invalid
    /// requests.
    pub fn check_sharepoint_token(&self) -> Result<(), IdentityError> {
        match &self.sharepoint_authorization {
            Some(header) => {
                check_sharepoint_token(header, None, &self.claims.user, SystemTime::now())
                    .map(drop)
                    .map_err(IdentityError::SharePointToken)
            }
            None => Ok(()),
        }
    }

    /// The caller as the resolver sees it, for a request whose SharePoint
    /// host is `host` (the sharing URL's, or the one named): in `graph`
    /// mode with the SharePoint token checked against it; in `obo` mode
    /// with a Graph token exchanged for the caller's.
    pub async fn caller(
        self,
        host: Option<&str>,
        client_request_id: String,
    ) -> Result<Caller, IdentityError> {
        let sharepoint: Option<Arc<dyn SharePointTokens>> =
            match (&self.sharepoint_authorization, &self.obo) {
                (Some(header), _) => {
                    let token =
                        check_sharepoint_token(header, host, &self.claims.user, SystemTime::now())
                            .map_err(IdentityError::SharePointToken)?;
                    Some(Arc::new(GivenSharePointToken(token)))
                }
                (None, Some(obo)) => Some(Arc::new(OboSharePoint {
                    obo: obo.clone(),
                    incoming: self.token.clone(),
                    tid: self.claims.user.tid().to_owned(),
                })),
                (None, None) => None,
            };
        let token = match &self.obo {
            None => self.token,
            Some(obo) => obo
                .exchanger
                .token(&self.token, self.claims.user.tid(), &obo.graph_scope)
                .await
                .map_err(logged)?,
        };
        Ok(Caller {
            token,
            sharepoint,
            claims: self.claims,
            verified: self.obo.is_some(),
            client_request_id,
        })
    }
}

/// Logs what lies behind a refusal (the caller's problem says only what
/// to do): the network error or the identity platform's answer.
fn logged(error: IdentityError) -> IdentityError {
    if let Some(cause) = std::error::Error::source(&error) {
        tracing::warn!(error = %error, cause = %cause, "identity platform");
    }
    error
}

impl Obo {
    async fn build(
        settings: &IdentitySettings,
        cloud: Cloud,
        http: reqwest::Client,
        clock: crate::clock::Clock,
    ) -> Result<Self, IdentityStartupError> {
        let tenants = settings.allowed_tenants.clone().unwrap_or_default();
        let client_id = settings.obo_client_id.clone().unwrap_or_default();
        let source = settings.obo_credential.as_ref().ok_or_else(|| {
            IdentityStartupError::Credential("no OBO credential configured".to_owned())
        })?;
        let credential = ClientCredential::build(
            source,
            &client_id,
            cloud.token_exchange_audience(),
            settings.aws.as_ref(),
            clock.clone(),
        )
        .await
        .map_err(IdentityStartupError::Credential)?;
        let verifier = Verifier {
            keys: KeySets::new(http.clone(), &settings.login_base_url, clock),
            login_base_url: settings.login_base_url.clone(),
            allowed_tenants: tenants.clone(),
            audiences: settings.api_audience.clone(),
            allowed_client_apps: settings.allowed_client_apps.clone(),
            required_scope: settings.required_scope.clone(),
        };
        for tid in &tenants {
            verifier.keys.prefetch(tid).await;
        }
        let exchanger = Exchanger::new(
            http,
            &settings.login_base_url,
            Credentials {
                client_id,
                credential,
            },
        );
        Ok(Self {
            verifier,
            exchanger,
            graph_scope: cloud.graph_scope(),
        })
    }
}

/// SharePoint tokens On-Behalf-Of one verified caller, exchanged only when
/// a `sharepoint` warm-up runs (`https://{host}/.default`).
struct OboSharePoint {
    obo: Arc<Obo>,
    incoming: BearerToken,
    tid: String,
}

#[async_trait]
impl SharePointTokens for OboSharePoint {
    async fn for_host(&self, host: &str) -> Option<BearerToken> {
        let scope = format!("https://{host}/.default");
        match self
            .obo
            .exchanger
            .token(&self.incoming, &self.tid, &scope)
            .await
        {
            Ok(token) => Some(token),
            Err(e) => {
                // The warm-up passes over to the next strategy.
                let e = logged(e);
                tracing::warn!(error = %e, "no SharePoint token On-Behalf-Of the caller");
                None
            }
        }
    }
}
