//! Why the identity layer refused a request, in both modes: one variant per
//! reason, each of one problem code (docs/api.md#problem-codes);
//! `http::problem` maps them. The detail a caller reads is the `Display`;
//! what lies behind it (the network error, the identity platform's AADSTS
//! codes and description) is kept as the `source`, for the log. No variant
//! ever holds a token.

use std::fmt;
use std::sync::Arc;

/// Which token the caller must send: Graph's (`graph` mode) or this API's
/// (`obo` mode). The same refusal asks for a different fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenFor {
    Graph,
    ThisApi,
}

impl TokenFor {
    fn not_a_jwt(self) -> &'static str {
        match self {
            Self::Graph => "the token is not a JWT with JSON claims",
            Self::ThisApi => "the token is not a JWT",
        }
    }

    fn wrong_audience(self) -> &'static str {
        match self {
            Self::Graph => "the token's audience is not Microsoft Graph",
            Self::ThisApi => "the token was not issued for this API",
        }
    }

    fn missing_scope(self) -> &'static str {
        match self {
            Self::Graph => "the token has no scope that can read files",
            Self::ThisApi => "the token lacks this API's required scope",
        }
    }
}

/// Everything that keeps a caller from being served, in either mode.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IdentityError {
    /// `missing_token`.
    #[error("no Bearer token in the Authorization header")]
    Missing,
    /// Not a three-part JWT with a JSON header and claims.
    #[error("{}: {reason}", .token_for.not_a_jwt())]
    Malformed {
        reason: &'static str,
        token_for: TokenFor,
    },
    /// `exp` (with 60 s of skew) has passed; the peek says when.
    #[error("the token expired{}", .exp.map(|exp| format!(" at {exp} (epoch seconds)")).unwrap_or_default())]
    Expired { exp: Option<u64> },
    #[error("{}", .0.wrong_audience())]
    WrongAudience(TokenFor),
    #[error("the token belongs to a personal Microsoft account")]
    PersonalAccount,
    #[error("{}", .0.missing_scope())]
    MissingScope(TokenFor),
    /// `ALLOWED_TENANTS` does not list the token's tenant.
    #[error("tokens of this tenant are not served here")]
    TenantNotAllowed,
    /// `ALLOWED_CLIENT_APPS` does not list the client app the token was
    /// issued to (`azp`), or it names none.
    #[error("tokens obtained by this client app are not served here")]
    ClientNotAllowed,
    /// Bad signature, unknown key, an `alg` other than RS256, the wrong
    /// issuer, `nbf` in the future.
    #[error("the token is not valid: {0}")]
    Invalid(&'static str),
    /// The identity platform refused to exchange the token.
    #[error("the token is not valid: the identity platform refused the token")]
    Refused {
        #[source]
        cause: Cause,
    },
    /// The token endpoint asks for more claims (Conditional Access, MFA).
    #[error("the identity platform asks for more claims")]
    ClaimsChallenge {
        /// The challenge for the caller: the claims request, base64, and
        /// `{LOGIN_BASE_URL}/{tid}/oauth2/v2.0/authorize` to send it to.
        www_authenticate: Option<String>,
        /// The claims request, JSON as the identity platform sent it.
        claims: Option<serde_json::Value>,
    },
    /// The tenant has not consented to this API's Graph or SharePoint
    /// permissions (`consent_required`, AADSTS65001).
    #[error("the tenant has not consented to this API's delegated permissions")]
    ConsentRequired {
        #[source]
        cause: Cause,
    },
    /// The key set or the token endpoint failed, or refused the function's
    /// own credentials (`operator`: an operator problem, not the caller's).
    #[error("{detail}")]
    Unavailable {
        detail: &'static str,
        operator: bool,
        #[source]
        cause: Option<Cause>,
    },
    /// `X-SharePoint-Authorization` was refused (`bad_request`).
    #[error("{0}")]
    SharePointToken(SharePointRefusal),
}

impl IdentityError {
    /// The key set or the token endpoint could not be used.
    pub(crate) fn unavailable(detail: &'static str, cause: Option<Cause>) -> Self {
        Self::Unavailable {
            detail,
            operator: false,
            cause,
        }
    }
}

/// Why an `X-SharePoint-Authorization` header was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SharePointRefusal {
    NotBearer,
    Malformed,
    Expired,
    WrongAudience {
        host: String,
    },
    OtherUser,
    /// `obo` mode gets SharePoint tokens itself.
    NotInOboMode,
}

impl fmt::Display for SharePointRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotBearer => f.write_str("X-SharePoint-Authorization must be 'Bearer <token>'"),
            Self::Malformed => {
                f.write_str("X-SharePoint-Authorization is not a JWT with JSON claims")
            }
            Self::Expired => f.write_str("X-SharePoint-Authorization has expired"),
            Self::WrongAudience { host } => write!(
                f,
                "X-SharePoint-Authorization is not for the sharing URL's host {host}"
            ),
            Self::OtherUser => f.write_str(
                "X-SharePoint-Authorization belongs to another user than Authorization",
            ),
            Self::NotInOboMode => f.write_str(
                "bad request: X-SharePoint-Authorization is not accepted in obo mode: the function gets SharePoint tokens itself, On-Behalf-Of the caller",
            ),
        }
    }
}

/// What lies behind a refusal (a network error, the identity platform's
/// answer), for the log. Compared by its text, so errors stay comparable.
#[derive(Debug, Clone)]
pub struct Cause(Arc<dyn std::error::Error + Send + Sync>);

impl Cause {
    pub(crate) fn new(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self(Arc::new(error))
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Cause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl PartialEq for Cause {
    fn eq(&self, other: &Self) -> bool {
        self.to_string() == other.to_string()
    }
}

/// The token endpoint's error answer, as the identity platform sent it
/// (`error`, the AADSTS codes, `error_description`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status} {error} (AADSTS {codes:?}): {description}")]
pub(crate) struct PlatformError {
    pub status: u16,
    pub error: String,
    pub codes: Vec<u64>,
    pub description: String,
}
