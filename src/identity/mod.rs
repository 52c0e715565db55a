//! Who calls. In `graph` mode the caller's Graph token is peeked (only Graph
//! can verify it); in `obo` mode a token for this API is verified and
//! exchanged On-Behalf-Of the user for Graph and SharePoint tokens
//! (docs/security.md; contract: "Identity modes"). Both modes refuse a
//! tenant `ALLOWED_TENANTS` does not list, before any call.
//!
//! Flow: `http` asks this module who the caller is and for the Graph token
//! to call with; the resolver asks the caller's [`SharePointTokens`] for a
//! SharePoint token only when a `sharepoint` warm-up runs.

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

pub use bearer::{BearerToken, TokenFingerprint};
pub(crate) use caller::CallerKey;
pub use caller::{Caller, UserKey};
pub use error::IdentityError;
pub(crate) use member::member_rule;
pub(crate) use peek::scopes_of;
pub use peek::{PERSONAL_ACCOUNT_TENANT, TokenClaims, TokenError};
pub use settings::{AuthMode, CertificateSource, IdentitySettings, OboCredential, OboSecret};
pub use sharepoint::{
    GivenSharePointToken, SharePointTokenError, SharePointTokens, check_sharepoint_token,
};

use credential::ClientCredential;
use keys::KeySets;
use obo::{Credentials, Exchanger, GRAPH_SCOPE};
use verify::Verifier;

/// Why a caller was refused: the peek's findings (`graph`) or the identity
/// layer's (`obo`, and the tenant list in both modes).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CallerError {
    #[error(transparent)]
    Token(#[from] TokenError),
    #[error(transparent)]
    Identity(#[from] IdentityError),
}

/// The identity side of the service, built once per cold start.
pub struct Identity {
    allowed_tenants: Option<Vec<String>>,
    obo: Option<Arc<Obo>>,
}

struct Obo {
    verifier: Verifier,
    exchanger: Exchanger,
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
    pub async fn build(
        settings: &IdentitySettings,
        http: reqwest::Client,
    ) -> Result<Self, IdentityStartupError> {
        let obo = match settings.mode {
            AuthMode::Graph => None,
            AuthMode::Obo => Some(Arc::new(Obo::build(settings, http).await?)),
        };
        Ok(Self {
            allowed_tenants: settings.allowed_tenants.clone(),
            obo,
        })
    }

    pub fn mode(&self) -> AuthMode {
        if self.obo.is_some() {
            AuthMode::Obo
        } else {
            AuthMode::Graph
        }
    }

    /// The caller's claims: peeked (`graph`) or verified (`obo`).
    pub async fn claims(&self, token: &BearerToken) -> Result<TokenClaims, CallerError> {
        match &self.obo {
            None => {
                let claims = TokenClaims::peek(token, SystemTime::now())?;
                self.tenant_allowed(claims.user.tid())?;
                Ok(claims)
            }
            Some(obo) => Ok(obo.verifier.verify(token).await?),
        }
    }

    fn tenant_allowed(&self, tid: &str) -> Result<(), IdentityError> {
        match &self.allowed_tenants {
            Some(tenants) if !tenants.iter().any(|t| t.eq_ignore_ascii_case(tid)) => {
                Err(IdentityError::TenantNotAllowed)
            }
            _ => Ok(()),
        }
    }

    /// The Graph token to call with: the caller's own (`graph`), or one
    /// exchanged for the verified `incoming` token (`obo`).
    pub async fn graph_token(
        &self,
        incoming: BearerToken,
        claims: &TokenClaims,
    ) -> Result<BearerToken, IdentityError> {
        match &self.obo {
            None => Ok(incoming),
            Some(obo) => {
                obo.exchanger
                    .token(&incoming, claims.user.tid(), GRAPH_SCOPE)
                    .await
            }
        }
    }

    /// In `obo` mode, where the `sharepoint` warm-up gets its token.
    pub fn sharepoint_tokens(
        &self,
        incoming: &BearerToken,
        claims: &TokenClaims,
    ) -> Option<Arc<dyn SharePointTokens>> {
        let obo = self.obo.clone()?;
        Some(Arc::new(OboSharePoint {
            obo,
            incoming: incoming.clone(),
            tid: claims.user.tid().to_owned(),
        }))
    }
}

impl Obo {
    async fn build(
        settings: &IdentitySettings,
        http: reqwest::Client,
    ) -> Result<Self, IdentityStartupError> {
        let tenants = settings.allowed_tenants.clone().unwrap_or_default();
        let client_id = settings.obo_client_id.clone().unwrap_or_default();
        let source = settings.obo_credential.as_ref().ok_or_else(|| {
            IdentityStartupError::Credential("no OBO credential configured".to_owned())
        })?;
        let credential = ClientCredential::build(
            source,
            &client_id,
            &settings.token_exchange_audience,
            settings.aws.as_ref(),
        )
        .await
        .map_err(IdentityStartupError::Credential)?;
        let verifier = Verifier {
            keys: KeySets::new(http.clone(), &settings.login_base_url),
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
                tracing::warn!(error = %e, "no SharePoint token On-Behalf-Of the caller");
                None
            }
        }
    }
}
