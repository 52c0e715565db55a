//! The stable problem codes of the API contract, as one type: the problem
//! body, the log line, the metrics and the OpenAPI document all use it.

use serde::Serialize;
use utoipa::ToSchema;

// Written in snake case: serde's and strum's one rule (a test checks that
// they agree).
/// The stable problem codes.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    ToSchema,
    strum::IntoStaticStr,
    strum::Display,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ProblemCode {
    MissingToken,
    MalformedToken,
    TokenExpired,
    WrongAudience,
    InvalidToken,
    ClaimsChallenge,
    TenantNotAllowed,
    /// `obo` mode: the token's client app (`azp`) is not in
    /// `ALLOWED_CLIENT_APPS`, or it names none.
    ClientNotAllowed,
    ConsentRequired,
    MfaRequired,
    PersonalAccountUnsupported,
    MissingScope,
    AccessDenied,
    InvalidShare,
    /// A preview of a personal OneDrive item: Graph has no preview there.
    PreviewUnsupported,
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
    /// The code as it is written on the wire.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_form_is_serde_s_and_every_code_is_listed_once() {
        let mut seen = std::collections::HashSet::new();
        for &code in <ProblemCode as strum::VariantArray>::VARIANTS {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::json!(code.as_str())
            );
            assert!(seen.insert(code.as_str()), "{code} twice");
        }
    }
}
