//! What a Graph answer means: success, a hydration `401`, trouble worth
//! retrying, or a rejection (docs/graph-facts.md#3-error-body-and-codes).
//! Pure functions of the response; no policy on what to do about it.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::Value;

use super::client::GraphResponse;

/// What a `/shares` answer means for the loop.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Success,
    /// The guest is not hydrated yet: warm up and retry.
    Hydration,
    /// 429: wait `Retry-After` (or back off) and retry.
    Throttled {
        retry_after: Option<Duration>,
    },
    /// 5xx: wait `Retry-After` on 503/504 (or back off) and retry.
    Unavailable {
        retry_after: Option<Duration>,
        status: u16,
    },
    /// Retrying cannot help.
    Rejected(GraphRejection),
}

/// What went wrong with Graph when it was unavailable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphTrouble {
    #[error("Graph answered HTTP {0}")]
    Status(u16),
    /// No answer came; the cause is kept (its message holds no URL).
    #[error("no answer from Graph: {0}")]
    Transport(Arc<str>),
}

/// What Graph refused, and why: final answers, one per problem code that
/// Graph can cause. Retrying cannot help.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GraphRejection {
    #[error("Microsoft Graph says the token expired")]
    TokenExpired,
    #[error("Microsoft Graph rejected the token: {message}")]
    InvalidToken { message: String },
    #[error(
        "Microsoft Graph asks for additional claims (Conditional Access or continuous access evaluation)"
    )]
    ClaimsChallenge {
        www_authenticate: Option<String>,
        claims: Option<Value>,
    },
    #[error("Microsoft Graph says the token lacks the MFA claim")]
    MfaRequired,
    #[error("Microsoft Graph says the token lacks a required scope")]
    MissingScope,
    #[error("Microsoft Graph denied access to the shared item")]
    AccessDenied,
    #[error("Microsoft Graph rejected the share id as invalid")]
    InvalidShare,
    #[error("Microsoft Graph found no item for this sharing link")]
    NotFound,
    /// A status we do not expect from `/shares` (405, 409, …).
    #[error("Microsoft Graph answered an unexpected HTTP {status}")]
    Unexpected { status: u16 },
}

impl GraphRejection {
    /// Whether Graph refused the token itself (not the item, not the user's
    /// access): every other call with it would be refused the same way.
    pub fn refuses_token(&self) -> bool {
        matches!(
            self,
            Self::TokenExpired | Self::InvalidToken { .. } | Self::ClaimsChallenge { .. }
        )
    }
}

/// Classifies one `/shares` answer (also used to read warm-ups in logs).
pub fn classify(response: &GraphResponse) -> Verdict {
    let status = response.status;
    let challenge = www_authenticate(response);
    let error = response.error.clone().unwrap_or_default();
    let message = error.message.to_ascii_lowercase();

    if (200..300).contains(&status) {
        return Verdict::Success;
    }
    // A claims challenge can come with 401 (CAE) or 403 (Conditional Access),
    // in the header only, the body only, or both (docs/graph-facts.md#3-error-body-and-codes).
    if matches!(status, 401 | 403) {
        let header_says = challenge
            .as_deref()
            .is_some_and(|h| h.contains("insufficient_claims"));
        let body_says = message.contains("claimschallengerequiredexception")
            || message.starts_with("additional claims required")
            || message.contains("continuous access evaluation");
        if header_says || body_says {
            return Verdict::Rejected(GraphRejection::ClaimsChallenge {
                claims: challenge
                    .as_deref()
                    .and_then(claims_from_challenge)
                    .or_else(|| claims_from_message(&error.message)),
                www_authenticate: challenge,
            });
        }
        if error.has_code("unauthorizedMissingMfaTokenClaim") {
            return Verdict::Rejected(GraphRejection::MfaRequired);
        }
    }
    match status {
        401 if error
            .code
            .eq_ignore_ascii_case("InvalidAuthenticationToken") =>
        {
            if message.contains("expired") || message.contains("lifetime validation failed") {
                Verdict::Rejected(GraphRejection::TokenExpired)
            } else {
                Verdict::Rejected(GraphRejection::InvalidToken {
                    message: error.message,
                })
            }
        }
        // Any other 401 is the hydration anomaly: `accessDenied`,
        // `unauthenticated`, or a SharePoint exception code.
        401 => Verdict::Hydration,
        403 if message.contains("scp or roles claim") || message.contains("scopes are missing") => {
            Verdict::Rejected(GraphRejection::MissingScope)
        }
        403 => Verdict::Rejected(GraphRejection::AccessDenied),
        400 => Verdict::Rejected(GraphRejection::InvalidShare),
        404 | 410 => Verdict::Rejected(GraphRejection::NotFound),
        429 => Verdict::Throttled {
            retry_after: retry_after(response, SystemTime::now()),
        },
        503 | 504 => Verdict::Unavailable {
            retry_after: retry_after(response, SystemTime::now()),
            status,
        },
        500..=599 => Verdict::Unavailable {
            retry_after: None,
            status,
        },
        other => Verdict::Rejected(GraphRejection::Unexpected { status: other }),
    }
}

/// Classifies Graph's answer to a `$batch` round trip that was not a 2xx:
/// a token refusal, throttling or an outage applies to every request in
/// it, as it would to each alone; a `400` or `404` speaks of the batch, not
/// of any share, so it is no `invalid_share` or `share_not_found` of theirs.
pub fn classify_round_trip(response: &GraphResponse) -> Verdict {
    match response.status {
        200..=299 | 400 | 404 | 410 => Verdict::Rejected(GraphRejection::Unexpected {
            status: response.status,
        }),
        _ => classify(response),
    }
}

fn www_authenticate(response: &GraphResponse) -> Option<String> {
    let values: Vec<&str> = response
        .headers
        .get_all("www-authenticate")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    (!values.is_empty()).then(|| values.join(", "))
}

fn retry_after(response: &GraphResponse, now: SystemTime) -> Option<Duration> {
    response
        .headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, now))
}

/// `Retry-After` as delta-seconds (Graph sends fractions such as `2.128`) or
/// an HTTP-date. A date in the past means "now".
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && (0.0..1e9).contains(&secs))
            .then(|| Duration::from_secs_f64(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    let wait = at.duration_since(now).unwrap_or_default();
    // The same bound as for seconds: a date centuries ahead is no advice.
    (wait.as_secs_f64() < 1e9).then_some(wait)
}

/// The decoded `claims="…"` of a challenge (base64, padded or not).
fn claims_from_challenge(header: &str) -> Option<Value> {
    use base64::Engine;
    let start = header.find("claims=\"")? + "claims=\"".len();
    let raw = &header[start..];
    let raw = &raw[..raw.find('"')?];
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(raw)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(raw))
        .or_else(|_| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(raw.trim_end_matches('='))
        })
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// `Additional claims required {json}` carries the claims in the message.
fn claims_from_message(message: &str) -> Option<Value> {
    let start = message.find('{')?;
    serde_json::from_str(&message[start..]).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::diagnostics::{CallKind, GraphDiagnostics, GraphErrorBody};
    use http::{HeaderMap, HeaderValue};

    fn response(status: u16, body: &str, headers: &[(&str, &str)]) -> GraphResponse {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.append(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        let error = GraphErrorBody::parse(body.as_bytes());
        GraphResponse {
            status,
            diagnostics: GraphDiagnostics::from_response(
                CallKind::Shares,
                None,
                status,
                &map,
                error.as_ref(),
                0,
            ),
            headers: map,
            body: body.to_owned().into(),
            error,
        }
    }

    fn err(code: &str, message: &str) -> String {
        serde_json::json!({"error": {"code": code, "message": message,
            "innerError": {"date": "2024-12-11T11:43:06", "request-id": "r", "client-request-id": "c"}}})
        .to_string()
    }

    const CHALLENGE: &str = r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnsiYWNycyI6eyJlc3NlbnRpYWwiOnRydWUsInZhbHVlIjoiYzEifX19""#;

    #[test]
    fn documented_graph_answers_map_to_the_right_verdict() {
        let mfa = r#"{"error":{"code":"accessDenied","message":"Access denied","innerError":{"code":"unauthorizedMissingMfaTokenClaim"}}}"#;
        for (status, body, headers, expected, why) in [
            (200, "{}".to_owned(), vec![], Verdict::Success, "ok"),
            (
                401,
                err(
                    "accessDenied",
                    "There has been an error authenticating the request.",
                ),
                vec![],
                Verdict::Hydration,
                "guest anomaly",
            ),
            (
                401,
                err(
                    "unauthenticated",
                    "Role Claim does not exist for Service Asserted App V1.",
                ),
                vec![],
                Verdict::Hydration,
                "2018 variant",
            ),
            (
                401,
                err(
                    "-2147024891, System.UnauthorizedAccessException",
                    "Access denied.",
                ),
                vec![],
                Verdict::Hydration,
                "SharePoint code",
            ),
            (401, "".to_owned(), vec![], Verdict::Hydration, "no body"),
            (
                401,
                err(
                    "InvalidAuthenticationToken",
                    "Access token has expired or is not yet valid.",
                ),
                vec![],
                Verdict::Rejected(GraphRejection::TokenExpired),
                "expired",
            ),
            (
                401,
                err(
                    "InvalidAuthenticationToken",
                    "Lifetime validation failed, the token is expired.",
                ),
                vec![],
                Verdict::Rejected(GraphRejection::TokenExpired),
                "expired, newer text",
            ),
            (
                401,
                err(
                    "InvalidAuthenticationToken",
                    "Access token validation failure. Invalid audience.",
                ),
                vec![],
                Verdict::Rejected(GraphRejection::InvalidToken {
                    message: "Access token validation failure. Invalid audience.".into(),
                }),
                "invalid",
            ),
            (
                403,
                mfa.to_owned(),
                vec![],
                Verdict::Rejected(GraphRejection::MfaRequired),
                "mfa on 403",
            ),
            (
                401,
                mfa.to_owned(),
                vec![],
                Verdict::Rejected(GraphRejection::MfaRequired),
                "mfa on 401 is not hydration",
            ),
            (
                403,
                err(
                    "AccessDenied",
                    "Either scp or roles claim need to be present in the token.",
                ),
                vec![],
                Verdict::Rejected(GraphRejection::MissingScope),
                "no scp",
            ),
            (
                403,
                err("accessDenied", "Access denied"),
                vec![],
                Verdict::Rejected(GraphRejection::AccessDenied),
                "no access",
            ),
            (
                400,
                err("invalidRequest", "Invalid shares key."),
                vec![],
                Verdict::Rejected(GraphRejection::InvalidShare),
                "bad id",
            ),
            (
                404,
                err("itemNotFound", "gone"),
                vec![],
                Verdict::Rejected(GraphRejection::NotFound),
                "not found",
            ),
            (
                429,
                err("TooManyRequests", "Please retry again later."),
                vec![("retry-after", "2.128")],
                Verdict::Throttled {
                    retry_after: Some(Duration::from_millis(2128)),
                },
                "fractional retry-after",
            ),
            (
                503,
                err("serviceNotAvailable", "Service unavailable"),
                vec![("retry-after", "3")],
                Verdict::Unavailable {
                    retry_after: Some(Duration::from_secs(3)),
                    status: 503,
                },
                "503",
            ),
            (
                504,
                err("UnknownError", ""),
                vec![],
                Verdict::Unavailable {
                    retry_after: None,
                    status: 504,
                },
                "504",
            ),
            (
                500,
                err("generalException", ""),
                vec![("retry-after", "3")],
                Verdict::Unavailable {
                    retry_after: None,
                    status: 500,
                },
                "500 ignores retry-after",
            ),
            (
                405,
                err("BadRequest", ""),
                vec![],
                Verdict::Rejected(GraphRejection::Unexpected { status: 405 }),
                "unexpected",
            ),
        ] {
            assert_eq!(
                classify(&response(status, &body, &headers)),
                expected,
                "{why}"
            );
        }
    }

    #[test]
    fn a_batch_round_trips_answer_applies_to_its_requests_unless_it_speaks_of_the_batch() {
        for (status, body, headers, expected, why) in [
            (
                401,
                err(
                    "InvalidAuthenticationToken",
                    "Access token validation failure.",
                ),
                vec![],
                Verdict::Rejected(GraphRejection::InvalidToken {
                    message: "Access token validation failure.".into(),
                }),
                "a refused token refuses every request",
            ),
            (
                429,
                err("TooManyRequests", "slow down"),
                vec![("retry-after", "4")],
                Verdict::Throttled {
                    retry_after: Some(Duration::from_secs(4)),
                },
                "a throttled batch throttles every request",
            ),
            (
                503,
                err("serviceNotAvailable", ""),
                vec![],
                Verdict::Unavailable {
                    retry_after: None,
                    status: 503,
                },
                "an outage",
            ),
            (
                400,
                err("BadRequest", "Invalid batch payload format."),
                vec![],
                Verdict::Rejected(GraphRejection::Unexpected { status: 400 }),
                "our batch, not the share, was bad",
            ),
            (
                404,
                err("itemNotFound", ""),
                vec![],
                Verdict::Rejected(GraphRejection::Unexpected { status: 404 }),
                "no $batch here is no missing share",
            ),
        ] {
            assert_eq!(
                classify_round_trip(&response(status, &body, &headers)),
                expected,
                "{why}"
            );
        }
    }

    #[test]
    fn claims_challenges_are_read_from_header_or_body_on_401_and_403() {
        for status in [401, 403] {
            let verdict = classify(&response(
                status,
                &err("InvalidAuthenticationToken", "x"),
                &[("www-authenticate", CHALLENGE)],
            ));
            let Verdict::Rejected(GraphRejection::ClaimsChallenge {
                www_authenticate,
                claims,
            }) = verdict
            else {
                panic!("{status}: {verdict:?}");
            };
            assert_eq!(www_authenticate.as_deref(), Some(CHALLENGE));
            assert_eq!(
                claims,
                Some(serde_json::json!({"access_token":{"acrs":{"essential":true,"value":"c1"}}}))
            );
        }
        let body = err(
            "Unauthorized",
            r#"Additional claims required {"access_token":{"capolids":{"essential":true,"values":["d5f8"]}}}"#,
        );
        let Verdict::Rejected(GraphRejection::ClaimsChallenge {
            claims,
            www_authenticate,
        }) = classify(&response(401, &body, &[]))
        else {
            panic!("body-only challenge not recognised");
        };
        assert_eq!(www_authenticate, None);
        assert_eq!(
            claims.unwrap()["access_token"]["capolids"]["values"][0],
            "d5f8"
        );
        let cae = err(
            "InvalidAuthenticationToken",
            "Exception of type 'Microsoft.Graph.AGS.Contracts.ClaimsChallengeRequiredException' was thrown.",
        );
        assert!(matches!(
            classify(&response(401, &cae, &[])),
            Verdict::Rejected(GraphRejection::ClaimsChallenge { .. })
        ));
    }

    #[test]
    fn retry_after_reads_seconds_fractions_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("41", now), Some(Duration::from_secs(41)));
        assert_eq!(
            parse_retry_after(" 2.128 ", now),
            Some(Duration::from_millis(2128))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(parse_retry_after(&later, now), Some(Duration::from_secs(7)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(7));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        for bad in [
            "",
            "soon",
            "-1",
            "NaN",
            "inf",
            "1e99",
            "Fri, 31 Dec 9999 23:59:59 GMT",
        ] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad}");
        }
    }
}
