//! The stable problem codes of the API contract, as one type: the problem
//! body, the log line, the metrics and the OpenAPI document all use it.

use serde::Serialize;
use utoipa::ToSchema;

/// The stable problem codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    MissingToken,
    MalformedToken,
    TokenExpired,
    WrongAudience,
    InvalidToken,
    ClaimsChallenge,
    TenantNotAllowed,
    ClientNotAllowed,
    ConsentRequired,
    MfaRequired,
    PersonalAccountUnsupported,
    MissingScope,
    AccessDenied,
    InvalidShare,
    ShareNotFound,
    Throttled,
    HydrationExhausted,
    GraphUnavailable,
    IdentityUnavailable,
    DeadlineExceeded,
    BadRequest,
    PayloadTooLarge,
    NotFound,
    MethodNotAllowed,
    /// A bug: the service panicked (caught, so still a problem).
    InternalError,
}

impl ProblemCode {
    /// Every code, in the order the contract lists them.
    #[cfg(test)]
    pub const ALL: [Self; 25] = [
        Self::MissingToken,
        Self::MalformedToken,
        Self::TokenExpired,
        Self::WrongAudience,
        Self::InvalidToken,
        Self::ClaimsChallenge,
        Self::TenantNotAllowed,
        Self::ClientNotAllowed,
        Self::ConsentRequired,
        Self::MfaRequired,
        Self::PersonalAccountUnsupported,
        Self::MissingScope,
        Self::AccessDenied,
        Self::InvalidShare,
        Self::ShareNotFound,
        Self::Throttled,
        Self::HydrationExhausted,
        Self::GraphUnavailable,
        Self::IdentityUnavailable,
        Self::DeadlineExceeded,
        Self::BadRequest,
        Self::PayloadTooLarge,
        Self::NotFound,
        Self::MethodNotAllowed,
        Self::InternalError,
    ];

    /// The code as it is written on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MissingToken => "missing_token",
            Self::MalformedToken => "malformed_token",
            Self::TokenExpired => "token_expired",
            Self::WrongAudience => "wrong_audience",
            Self::InvalidToken => "invalid_token",
            Self::ClaimsChallenge => "claims_challenge",
            Self::TenantNotAllowed => "tenant_not_allowed",
            Self::ClientNotAllowed => "client_not_allowed",
            Self::ConsentRequired => "consent_required",
            Self::MfaRequired => "mfa_required",
            Self::PersonalAccountUnsupported => "personal_account_unsupported",
            Self::MissingScope => "missing_scope",
            Self::AccessDenied => "access_denied",
            Self::InvalidShare => "invalid_share",
            Self::ShareNotFound => "share_not_found",
            Self::Throttled => "throttled",
            Self::HydrationExhausted => "hydration_exhausted",
            Self::GraphUnavailable => "graph_unavailable",
            Self::IdentityUnavailable => "identity_unavailable",
            Self::DeadlineExceeded => "deadline_exceeded",
            Self::BadRequest => "bad_request",
            Self::PayloadTooLarge => "payload_too_large",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::InternalError => "internal_error",
        }
    }
}

impl std::fmt::Display for ProblemCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_form_is_serde_s_and_every_code_is_listed_once() {
        let mut seen = std::collections::HashSet::new();
        for code in ProblemCode::ALL {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::json!(code.as_str())
            );
            assert!(seen.insert(code.as_str()), "{code} twice");
        }
    }
}
