//! Why the identity layer refused a request, one variant per problem code
//! (docs/api.md#problem-codes); `http::problem` maps them.

/// What the identity checks or the token exchange found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// `ALLOWED_TENANTS` does not list the token's tenant.
    #[error("tokens of this tenant are not served here")]
    TenantNotAllowed,
    /// `ALLOWED_CLIENT_APPS` does not list the client app the token was
    /// issued to (`azp`), or it names none.
    #[error("tokens obtained by this client app are not served here")]
    ClientNotAllowed,
    /// Not a three-part JWT with a JSON header and claims.
    #[error("the token is not a JWT: {0}")]
    Malformed(&'static str),
    #[error("the token expired")]
    Expired,
    #[error("the token was not issued for this API")]
    WrongAudience,
    /// Bad signature, unknown key, an `alg` other than RS256, the wrong
    /// issuer, `nbf` in the future, or the identity platform refused it.
    #[error("the token is not valid: {0}")]
    Invalid(&'static str),
    #[error("the token lacks this API's required scope")]
    MissingScope,
    /// The token endpoint asks for more claims (Conditional Access, MFA).
    #[error("the identity platform asks for more claims")]
    ClaimsChallenge {
        /// The claims request, JSON as the identity platform sent it.
        claims: String,
        /// `{LOGIN_BASE_URL}/{tid}/oauth2/v2.0/authorize`, for the challenge.
        authorization_uri: String,
    },
    /// The tenant has not consented to this API's Graph or SharePoint
    /// permissions (`consent_required`, AADSTS65001).
    #[error("the tenant has not consented to this API's delegated permissions")]
    ConsentRequired,
    /// The key set or the token endpoint failed, or refused the function's
    /// own credentials (`operator`: an operator problem, not the caller's).
    #[error("{detail}")]
    Unavailable {
        detail: &'static str,
        operator: bool,
    },
}
