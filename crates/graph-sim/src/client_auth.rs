//! How the token endpoint authenticates the API app registration itself,
//! as Entra does (GRAPH-FACTS section 10; Microsoft's "certificate
//! credentials" and "workload identity federation" pages): exactly one of a
//! `client_secret`, or a `client_assertion` of type
//! `urn:ietf:params:oauth:client-assertion-type:jwt-bearer` that is either
//!
//! - a certificate credential: `iss` = `sub` = the client id, signed RS256
//!   or PS256 by a registered certificate's key named by `x5t#S256`, `aud`
//!   this tenant's token endpoint, a lifetime of at most 10 minutes, and a
//!   `jti` no other assertion used (the same assertion may be presented
//!   again in its lifetime, as MSAL reuses its assertions); or
//! - a federated credential: an external issuer's RS256 token whose `iss`,
//!   `sub` and `aud` match a registered federated identity credential
//!   exactly, signed by that issuer's key, in its lifetime.
//!
//! A registration with no secret refuses every `client_secret` as a wrong
//! one. The AADSTS numbers of the secret, audience, subject, lifetime and
//! federation refusals are Entra's as documented or reported; those of the
//! `jti` reuse, the lifetime cap and a request with two credentials are
//! **(unverified)**.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::aad::{self, AadError};
use super::credentials::SIM_AWS_ISSUER;
use super::jwt::{self, SignatureError, claims_of, epoch_now, header_of};
use super::obo::{ASSERTION_SKEW_SECS, CLIENT_ASSERTION_TYPE, Form, printable};
use super::record::{AssertionParts, ClientAuth};
use super::state::State;

/// The longest lifetime (`exp` − `nbf`) of a certificate assertion.
pub(crate) const MAX_ASSERTION_LIFETIME_SECS: i64 = 600;

/// What the request log keeps of a token request's client credential.
pub(crate) fn loggable(form: &Form) -> ClientAuth {
    let assertion = form.get("client_assertion").and_then(|a| {
        Some(AssertionParts {
            header: header_of(a)?,
            claims: claims_of(a)?,
        })
    });
    ClientAuth {
        secret: form.get("client_secret").is_some(),
        assertion_type: form.get("client_assertion_type").map(str::to_owned),
        assertion,
    }
}

/// The API's own credential, or why it is refused.
pub(crate) fn authenticate(s: &mut State, tid: &str, form: &Form) -> Result<(), AadError> {
    let secret = form.get("client_secret");
    let assertion = form.get("client_assertion");
    match (secret, assertion) {
        (Some(_), Some(_)) => Err(AadError::bad(
            "invalid_request",
            700_025,
            "The request carries both a client secret and a client assertion; send one credential.",
        )),
        (Some(secret), None) => {
            if s.api.accepts.secret && secret == s.api.client_secret {
                Ok(())
            } else {
                Err(aad::invalid_secret(&s.api.client_id))
            }
        }
        (None, Some(assertion)) => match form.get("client_assertion_type") {
            None => Err(AadError::missing("client_assertion_type")),
            Some(CLIENT_ASSERTION_TYPE) => check_assertion(s, tid, assertion),
            Some(other) => Err(AadError::bad(
                "invalid_request",
                700_026,
                format!(
                    "Client assertion type '{}' is not supported; expected '{CLIENT_ASSERTION_TYPE}'.",
                    printable(other)
                ),
            )),
        },
        (None, None) => Err(AadError::client(
            7_000_218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        )),
    }
}

fn malformed() -> AadError {
    AadError::bad(
        "invalid_request",
        50_027,
        "JWT token is invalid or malformed.",
    )
}

fn check_assertion(s: &mut State, tid: &str, assertion: &str) -> Result<(), AadError> {
    let claims = claims_of(assertion).ok_or_else(malformed)?;
    let text = |name: &str| claims.get(name).and_then(Value::as_str).unwrap_or_default();
    if text("iss") == s.api.client_id {
        check_certificate(s, tid, assertion, &claims)?;
    } else {
        check_federated(s, assertion, &claims)?;
    }
    remember_jti(s, assertion, &claims)
}

/// A certificate credential (the caller's `iss` is the client id).
fn check_certificate(
    s: &State,
    tid: &str,
    assertion: &str,
    claims: &Map<String, Value>,
) -> Result<(), AadError> {
    let unregistered = || {
        AadError::client(
            700_027,
            "The certificate with identifier used to sign the client assertion is not registered on application.",
        )
    };
    if !s.api.accepts.certificate {
        return Err(unregistered());
    }
    match jwt::verify_client_assertion(assertion) {
        Ok(()) => {}
        Err(SignatureError::Malformed) => return Err(malformed()),
        Err(SignatureError::UnknownKey) => return Err(unregistered()),
        Err(_) => {
            return Err(AadError::client(
                700_027,
                "Client assertion failed signature validation.",
            ));
        }
    }
    let text = |name: &str| claims.get(name).and_then(Value::as_str).unwrap_or_default();
    let endpoint = format!("{}/{tid}/oauth2/v2.0/token", s.login_base_url);
    if text("aud") != endpoint {
        return Err(AadError::client(
            700_023,
            format!(
                "Client assertion audience claim does not match Realm issuer. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials. The audience was '{}', expected '{endpoint}'.",
                printable(text("aud"))
            ),
        ));
    }
    if text("sub") != s.api.client_id {
        return Err(AadError::client(
            700_021,
            "Client assertion application identifier doesn't match 'client_id' parameter.",
        ));
    }
    in_lifetime(claims)?;
    let exp = claims
        .get("exp")
        .and_then(Value::as_i64)
        .unwrap_or_default();
    let start = claims
        .get("nbf")
        .or_else(|| claims.get("iat"))
        .and_then(Value::as_i64);
    if start.is_none_or(|start| exp - start > MAX_ASSERTION_LIFETIME_SECS) {
        return Err(AadError::client(
            700_024,
            "Client assertion lifetime is longer than 10 minutes, or it names no start (nbf).",
        ));
    }
    Ok(())
}

/// A federated credential: an external issuer's token, trusted by a
/// registered (issuer, subject, audience).
fn check_federated(
    s: &State,
    assertion: &str,
    claims: &Map<String, Value>,
) -> Result<(), AadError> {
    let text = |name: &str| claims.get(name).and_then(Value::as_str).unwrap_or_default();
    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let (iss, sub) = (text("iss"), text("sub"));
    let registered =
        s.api.accepts.federated.iter().any(|f| {
            f.issuer == iss && f.subject == sub && audiences.iter().any(|a| *a == f.audience)
        });
    if !registered {
        return Err(AadError::client(
            70_021,
            format!(
                "No matching federated identity record found for presented assertion. Assertion Issuer: '{}'. Assertion Subject: '{}'. Assertion Audience: '{}'. https://learn.microsoft.com/entra/workload-id/workload-identity-federation",
                printable(iss),
                printable(sub),
                printable(&audiences.join(","))
            ),
        ));
    }
    // The one issuer whose keys the simulated identity platform can read.
    let verified = if iss == SIM_AWS_ISSUER {
        jwt::verify_rs256_by(assertion, &jwt::AWS_ISSUER)
    } else {
        Err(SignatureError::UnknownKey)
    };
    match verified {
        Ok(()) => {}
        Err(SignatureError::Malformed) => return Err(malformed()),
        Err(SignatureError::AlgorithmNotAllowed) => {
            return Err(AadError::client(
                700_027,
                "Client assertion is not signed with RS256, the one algorithm federated credentials accept.",
            ));
        }
        Err(_) => {
            return Err(AadError::client(
                700_027,
                "Client assertion failed signature validation against the issuer's published keys.",
            ));
        }
    }
    in_lifetime(claims)
}

/// `exp` (required) and `nbf` within the skew.
fn in_lifetime(claims: &Map<String, Value>) -> Result<(), AadError> {
    let now = epoch_now();
    let exp = claims.get("exp").and_then(Value::as_i64);
    let nbf = claims.get("nbf").and_then(Value::as_i64);
    if exp.is_none_or(|exp| exp + ASSERTION_SKEW_SECS <= now)
        || nbf.is_some_and(|nbf| nbf - ASSERTION_SKEW_SECS > now)
    {
        return Err(AadError::client(
            700_024,
            "Client assertion is not within its valid time range.",
        ));
    }
    Ok(())
}

/// A `jti` names one assertion: the same assertion may come again, another
/// one with a `jti` already seen is a replay or a forgery.
fn remember_jti(
    s: &mut State,
    assertion: &str,
    claims: &Map<String, Value>,
) -> Result<(), AadError> {
    let Some(jti) = claims.get("jti").and_then(Value::as_str) else {
        // AWS's and Entra's own federated tokens carry one; a certificate
        // assertion must.
        return Err(AadError::client(
            700_024,
            "Client assertion contains no jti claim.",
        ));
    };
    let digest: [u8; 32] = Sha256::digest(assertion.as_bytes()).into();
    match s.seen_jtis.get(jti) {
        Some(seen) if *seen != digest => Err(AadError::client(
            700_025,
            "Client assertion reuses the jti of another assertion.",
        )),
        Some(_) => Ok(()),
        None => {
            s.seen_jtis.insert(jti.to_owned(), digest);
            Ok(())
        }
    }
}
