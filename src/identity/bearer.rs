//! The caller's bearer token: read from a header, never printed, and
//! fingerprinted to tell tokens apart without keeping them.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

use super::peek::TokenError;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::peek::tests::{good, jwt};

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
    fn the_token_never_shows_in_debug_output() {
        let token = jwt(good());
        let shown = format!("{token:?}");
        assert!(!shown.contains(token.expose()));
        assert!(shown.contains("REDACTED"));
    }
}
