//! The caller's bearer token: read from a header, never printed,
//! fingerprinted to tell tokens apart without keeping them, and the one
//! reader of a JWT's parts before any check.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;

use super::error::IdentityError;

/// Tokens longer than this are not Entra access tokens (they run ~1.5-4 KiB).
const MAX_TOKEN_LEN: usize = 16 * 1024;

/// A part of a compact JWT (`header.claims.signature`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JwtPart {
    Header,
    Claims,
}

/// The raw bearer token. Its `Debug` never prints it; only the Graph client
/// exposes it, to build the `Authorization` header.
#[derive(Clone)]
pub struct BearerToken(SecretString);

impl BearerToken {
    /// Takes the value of an `Authorization` header.
    pub fn from_authorization(header: Option<&str>) -> Result<Self, IdentityError> {
        let header = header.ok_or(IdentityError::Missing)?.trim();
        let (scheme, rest) = header.split_once(' ').ok_or(IdentityError::Missing)?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(IdentityError::Missing);
        }
        let token = rest.trim();
        if token.is_empty() {
            return Err(IdentityError::Missing);
        }
        Ok(Self(SecretString::from(token.to_owned())))
    }

    /// The token itself, for the `Authorization` header of a Graph call only.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// `part` of the token as JSON, before any check: the peek's claims, or
    /// the header and tenant that decide how a token is verified. `Err`
    /// says why it is not a JWT (`malformed_token`).
    pub(crate) fn unverified<T: DeserializeOwned>(&self, part: JwtPart) -> Result<T, &'static str> {
        let raw = self.expose();
        if raw.len() > MAX_TOKEN_LEN {
            return Err("longer than any access token");
        }
        let mut parts = raw.split('.');
        let (Some(header), Some(claims), Some(_signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err("not three dot-separated parts");
        };
        let (text, not_base64, not_json) = match part {
            JwtPart::Header => (
                header,
                "the header part is not base64url",
                "the header part is not a JSON object",
            ),
            JwtPart::Claims => (
                claims,
                "the claims part is not base64url",
                "the claims part is not a JSON object",
            ),
        };
        let bytes = URL_SAFE_NO_PAD
            .decode(text.trim_end_matches('='))
            .map_err(|_| not_base64)?;
        serde_json::from_slice(&bytes).map_err(|_| not_json)
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
                IdentityError::Missing,
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
