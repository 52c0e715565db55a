//! Graph-shaped answers: the headers every response carries and error bodies
//! as real Graph sends them (docs/graph-facts.md#3-error-body-and-codes), including throttling and the
//! claims challenge.

use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};
use http_body_util::Full;
use serde_json::{Value, json};

use super::record::RequestKind;

pub(crate) type Body = Full<Bytes>;

/// The `WWW-Authenticate` Graph puts on its 401s (docs/graph-facts.md#3a-401-invalidauthenticationtoken).
pub(crate) const BEARER_CHALLENGE: &str = r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000""#;

/// A base64 claims request; decodes to
/// `{"access_token":{"nbf":{"essential":true, "value":"1604106651"}}}`
/// (the CAE example of the claims-challenge docs).
pub(crate) const CHALLENGE_CLAIMS: &str =
    "eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZSwgInZhbHVlIjoiMTYwNDEwNjY1MSJ9fX0=";

const AGS_DIAGNOSTIC: &str = r#"{"ServerInfo":{"DataCenter":"Simulated West Europe","Slice":"E","Ring":"5","ScaleUnit":"001","RoleInstance":"SIM000001"}}"#;

/// The ids of one answer: a fresh `request-id`, and the caller's
/// `client-request-id` or, without one, the same GUID (as Graph does).
pub(crate) struct Ids {
    pub request_id: String,
    pub client_request_id: String,
}

impl Ids {
    pub(crate) fn new(client_request_id: Option<&str>) -> Self {
        let request_id = uuid::Uuid::new_v4().to_string();
        Self {
            client_request_id: client_request_id.map_or_else(|| request_id.clone(), str::to_owned),
            request_id,
        }
    }
}

/// `2026-11-22T12:00:00`: Graph's `innerError.date` has no zone suffix.
pub(crate) fn graph_date(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// A JSON answer with Graph's standard headers.
pub(crate) fn json_response(status: u16, body: &Value, ids: &Ids) -> Response<Body> {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let mut response = Response::new(Full::new(Bytes::from(bytes)));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static("max-age=31536000"),
    );
    if let Ok(date) = HeaderValue::from_str(&httpdate::fmt_http_date(SystemTime::now())) {
        h.insert(header::DATE, date);
    }
    if let Ok(v) = HeaderValue::from_str(&ids.request_id) {
        h.insert("request-id", v);
    }
    if let Ok(v) = HeaderValue::from_str(&ids.client_request_id) {
        h.insert("client-request-id", v);
    }
    h.insert(
        "x-ms-ags-diagnostic",
        HeaderValue::from_static(AGS_DIAGNOSTIC),
    );
    response
}

/// `innerError` with Graph's `date`, `request-id` and `client-request-id`.
fn inner_error(ids: &Ids) -> Value {
    json!({
        "date": graph_date(SystemTime::now()),
        "request-id": ids.request_id,
        "client-request-id": ids.client_request_id,
    })
}

/// `{"error":{"code","message","innerError":{…}}}`, with an inner `code`
/// when given.
pub(crate) fn error_body(code: &str, message: &str, ids: &Ids, inner_code: Option<&str>) -> Value {
    let mut inner = inner_error(ids);
    if let Some(code) = inner_code {
        inner["code"] = json!(code);
    }
    json!({"error": {"code": code, "message": message, "innerError": inner}})
}

pub(crate) fn error(status: u16, code: &str, message: &str, ids: &Ids) -> Response<Body> {
    json_response(status, &error_body(code, message, ids, None), ids)
}

/// A 401 `InvalidAuthenticationToken` with Graph's Bearer challenge.
pub(crate) fn invalid_token(message: &str, ids: &Ids) -> Response<Body> {
    let mut r = error(401, "InvalidAuthenticationToken", message, ids);
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(BEARER_CHALLENGE),
    );
    r
}

/// The guest hydration anomaly: 401 `accessDenied` (docs/graph-facts.md#3b-hydration-401s).
pub(crate) fn not_hydrated(ids: &Ids) -> Response<Body> {
    error(
        401,
        "accessDenied",
        "There has been an error authenticating the request.",
        ids,
    )
}

/// 403 with the MFA marker as the inner error code (shape unverified,
/// docs/graph-facts.md#3g-missing-mfa-unverified, so the marker sits where the service looks for it).
pub(crate) fn mfa_missing(ids: &Ids) -> Response<Body> {
    let body = error_body(
        "accessDenied",
        "Access denied",
        ids,
        Some("unauthorizedMissingMfaTokenClaim"),
    );
    json_response(403, &body, ids)
}

/// A CAE claims challenge on `status` (401, or 403 under Conditional Access):
/// `insufficient_claims` in `WWW-Authenticate`, a CAE message in the body.
pub(crate) fn claims_challenge(status: u16, ids: &Ids) -> Response<Body> {
    let body = error_body(
        "InvalidAuthenticationToken",
        "Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp",
        ids,
        None,
    );
    let mut r = json_response(status, &body, ids);
    let challenge =
        format!(r#"{BEARER_CHALLENGE}, error="insufficient_claims", claims="{CHALLENGE_CLAIMS}""#);
    if let Ok(v) = HeaderValue::from_str(&challenge) {
        r.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    r
}

/// The Graph-shaped answer for an injected status. A 429 on a
/// SharePoint-backed call (shares, sites, drives) looks like SharePoint's
/// `activityLimitReached`; elsewhere like Graph's own `TooManyRequests`
/// (docs/graph-facts.md#3d-429).
pub(crate) fn for_status(status: u16, kind: RequestKind, ids: &Ids) -> Response<Body> {
    let sharepoint = kind.is_resolution() || kind.is_warmup();
    let body = match status {
        429 if sharepoint => {
            let mut inner = inner_error(ids);
            inner["code"] = json!("throttledRequest");
            inner["innerError"] = json!({"code": "quota"});
            json!({"error": {"code": "activityLimitReached", "message": "The request has been throttled", "innerError": inner}})
        }
        429 => {
            let mut inner = inner_error(ids);
            inner["code"] = json!("429");
            inner["message"] = json!("Please retry after");
            inner["status"] = json!("429");
            json!({"error": {"code": "TooManyRequests", "message": "Please retry again later.", "innerError": inner}})
        }
        400 => error_body("invalidRequest", "Invalid request", ids, None),
        401 => error_body(
            "accessDenied",
            "There has been an error authenticating the request.",
            ids,
            None,
        ),
        403 => error_body("accessDenied", "Access denied", ids, None),
        404 => error_body(
            "itemNotFound",
            "The resource could not be found.",
            ids,
            None,
        ),
        500 => error_body(
            "generalException",
            "General exception while processing",
            ids,
            None,
        ),
        503 => error_body("serviceNotAvailable", "Service unavailable", ids, None),
        _ => error_body("UnknownError", "", ids, None),
    };
    json_response(status, &body, ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use std::time::Duration;

    #[test]
    fn graph_dates_have_no_zone() {
        let t = UNIX_EPOCH + Duration::from_secs(1_647_533_141);
        assert_eq!(graph_date(t), "2022-03-17T16:05:41");
        assert_eq!(graph_date(UNIX_EPOCH), "1970-01-01T00:00:00");
        assert_eq!(
            graph_date(UNIX_EPOCH + Duration::from_secs(951_782_400)),
            "2000-02-29T00:00:00"
        );
    }

    #[test]
    fn the_challenge_claims_decode_to_a_claims_request() {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(CHALLENGE_CLAIMS)
            .unwrap_or_default();
        let claims: Value = serde_json::from_slice(&bytes).unwrap_or_default();
        assert_eq!(claims["access_token"]["nbf"]["essential"], true);
    }

    #[test]
    fn ids_echo_the_client_request_id_or_repeat_the_request_id() {
        let own = Ids::new(None);
        assert_eq!(own.request_id, own.client_request_id);
        let echoed = Ids::new(Some("abc"));
        assert_eq!(echoed.client_request_id, "abc");
        assert_ne!(echoed.request_id, "abc");
    }

    async fn body(r: Response<Body>) -> Value {
        use http_body_util::BodyExt;
        let Ok(collected) = r.into_body().collect().await;
        serde_json::from_slice(&collected.to_bytes()).unwrap_or_default()
    }

    #[tokio::test]
    async fn throttling_bodies_follow_the_calls_backend() {
        let ids = Ids::new(None);
        let sp = body(for_status(429, RequestKind::Shares, &ids)).await;
        assert_eq!(sp["error"]["code"], "activityLimitReached");
        assert_eq!(sp["error"]["innerError"]["code"], "throttledRequest");
        assert_eq!(sp["error"]["innerError"]["innerError"]["code"], "quota");
        assert_eq!(
            sp["error"]["innerError"]["request-id"],
            ids.request_id.as_str()
        );
        let graph = body(for_status(429, RequestKind::Other, &ids)).await;
        assert_eq!(graph["error"]["code"], "TooManyRequests");
        assert_eq!(graph["error"]["innerError"]["status"], "429");
        let unavailable = body(for_status(503, RequestKind::Shares, &ids)).await;
        assert_eq!(unavailable["error"]["code"], "serviceNotAvailable");
    }
}
