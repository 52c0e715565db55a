//! AWS STS's `GetWebIdentityToken`, as the AWS query protocol and the STS
//! API reference have it: `POST` a form with `Action=GetWebIdentityToken`,
//! `Version=2011-06-15`, `Audience.member.N` (1 to 10), `SigningAlgorithm`
//! (`RS256` or `ES384`) and `DurationSeconds` (60 to 3600, default 300),
//! signed with SigV4; the answer is XML,
//! `GetWebIdentityTokenResponse/GetWebIdentityTokenResult/{WebIdentityToken,
//! Expiration}`, errors an `ErrorResponse`. The token is a JWT of the
//! simulated account's outbound identity federation issuer
//! ([`SIM_AWS_ISSUER`]): `sub` the calling role, `aud` the audiences, `iat`,
//! `exp`, `jti`, and AWS context under `https://sts.amazonaws.com/` (the
//! IAM user guide's claims; their full set is **(unverified)**).
//!
//! The simulator checks that a SigV4 `Authorization` header came, not the
//! signature; every signed caller is the role [`SIM_AWS_ROLE_ARN`]. It signs
//! RS256 only (an `ES384` request is refused as unsupported here).

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderValue, Method, Response, StatusCode, header};
use http_body_util::Full;
use serde_json::{Map, Value, json};

use super::call::Call;
use super::credentials::{SIM_AWS_ACCOUNT_ID, SIM_AWS_ISSUER, SIM_AWS_KEY_ID, SIM_AWS_ROLE_ARN};
use super::jwt::{self, epoch_now};
use super::obo::Form;
use super::record::StsCall;
use super::responses::{Body, graph_date};
use super::state::{State, lock};

/// What the request log keeps of an STS request.
pub(crate) fn loggable(body: &[u8], authorization: Option<&str>) -> StsCall {
    let form = Form::parse(body);
    let audiences = (1..=64)
        .map_while(|n| form.get(&format!("Audience.member.{n}")).map(str::to_owned))
        .collect();
    StsCall {
        action: form.get("Action").map(str::to_owned),
        version: form.get("Version").map(str::to_owned),
        audiences,
        signing_algorithm: form.get("SigningAlgorithm").map(str::to_owned),
        duration_seconds: form.get("DurationSeconds").map(str::to_owned),
        signed: authorization.is_some_and(|a| a.starts_with("AWS4-HMAC-SHA256 ")),
    }
}

pub(crate) fn answer(state: &Mutex<State>, call: &Call<'_>) -> Response<Body> {
    let request_id = call.ids.request_id.as_str();
    if call.method != Method::POST {
        return error(405, "Sender", "InvalidAction", "Use POST.", request_id);
    }
    let asked = loggable(call.body, call.authorization);
    if !asked.signed {
        return error(
            403,
            "Sender",
            "MissingAuthenticationToken",
            "Request is missing Authentication Token",
            request_id,
        );
    }
    if asked.action.as_deref() != Some("GetWebIdentityToken") {
        return error(
            400,
            "Sender",
            "InvalidAction",
            "Could not find operation for this simulator (it answers GetWebIdentityToken).",
            request_id,
        );
    }
    if asked.version.as_deref() != Some("2011-06-15") {
        return error(
            400,
            "Sender",
            "InvalidAction",
            "Version must be 2011-06-15.",
            request_id,
        );
    }
    let invalid = |message: &str| error(400, "Sender", "ValidationError", message, request_id);
    if asked.audiences.is_empty()
        || asked.audiences.len() > 10
        || asked.audiences.iter().any(|a| a.len() > 1000)
    {
        return invalid("Audience must have 1 to 10 members of 1 to 1000 characters.");
    }
    let duration = match asked.duration_seconds.as_deref().map(str::parse::<i64>) {
        None => 300,
        Some(Ok(d)) if (60..=3600).contains(&d) => d,
        Some(_) => return invalid("DurationSeconds must be between 60 and 3600."),
    };
    match asked.signing_algorithm.as_deref() {
        Some("RS256") => {}
        Some("ES384") => {
            return invalid("The simulator signs RS256 only.");
        }
        _ => return invalid("SigningAlgorithm must be RS256 or ES384."),
    }
    if !lock(state).aws_outbound_federation {
        return error(
            403,
            "Sender",
            "OutboundWebIdentityFederationDisabledException",
            "Outbound web identity federation is disabled for this account.",
            request_id,
        );
    }
    let now = epoch_now();
    let token = web_identity_token(&asked.audiences, now, duration, |_| {});
    lock(state).web_identity_tokens_issued.push(token.clone());
    let expiration = SystemTime::UNIX_EPOCH + Duration::from_secs((now + duration) as u64);
    let body = format!(
        "<GetWebIdentityTokenResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <GetWebIdentityTokenResult>\n    <WebIdentityToken>{token}</WebIdentityToken>\n    <Expiration>{}Z</Expiration>\n  </GetWebIdentityTokenResult>\n  <ResponseMetadata>\n    <RequestId>{request_id}</RequestId>\n  </ResponseMetadata>\n</GetWebIdentityTokenResponse>\n",
        graph_date(expiration)
    );
    xml(200, body, request_id)
}

/// A web identity token of the simulated account for `audiences`, issued
/// at `now` for `duration` seconds; `shape` may change the claims.
pub(crate) fn web_identity_token(
    audiences: &[String],
    now: i64,
    duration: i64,
    shape: impl FnOnce(&mut Map<String, Value>),
) -> String {
    let aud = match audiences {
        [one] => json!(one),
        many => json!(many),
    };
    let claims = json!({
        "aud": aud,
        "sub": SIM_AWS_ROLE_ARN,
        "iss": SIM_AWS_ISSUER,
        "iat": now,
        "nbf": now,
        "exp": now + duration,
        "jti": uuid::Uuid::new_v4().to_string(),
        "https://sts.amazonaws.com/": {
            "aws_account": SIM_AWS_ACCOUNT_ID,
            "source_region": "eu-west-1",
            "principal_id": SIM_AWS_ROLE_ARN,
        },
    });
    let mut claims = match claims {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    shape(&mut claims);
    let header = json!({"typ": "JWT", "alg": "RS256", "kid": SIM_AWS_KEY_ID});
    jwt::sign_rs256(&header, &claims, &jwt::AWS_ISSUER)
}

/// An AWS query protocol error.
fn error(status: u16, kind: &str, code: &str, message: &str, request_id: &str) -> Response<Body> {
    let body = format!(
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <Error>\n    <Type>{kind}</Type>\n    <Code>{code}</Code>\n    <Message>{message}</Message>\n  </Error>\n  <RequestId>{request_id}</RequestId>\n</ErrorResponse>\n"
    );
    xml(status, body, request_id)
}

fn xml(status: u16, body: String, request_id: &str) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/xml"));
    if let Ok(v) = HeaderValue::from_str(request_id) {
        h.insert("x-amzn-requestid", v);
    }
    if let Ok(date) = HeaderValue::from_str(&httpdate::fmt_http_date(SystemTime::now())) {
        h.insert(header::DATE, date);
    }
    response
}
