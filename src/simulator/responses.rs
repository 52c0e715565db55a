//! Graph-shaped answers: the headers every response carries, and error
//! bodies as real Graph sends them (GRAPH-FACTS §3).

use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};
use http_body_util::Full;
use serde_json::{Value, json};

pub(crate) type Body = Full<Bytes>;

/// The `WWW-Authenticate` Graph puts on its 401s.
pub(crate) const BEARER_CHALLENGE: &str = r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000""#;

/// Ids of one answer.
pub(crate) struct Ids {
    pub request_id: String,
    pub client_request_id: String,
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
        "strict-transport-security",
        HeaderValue::from_static("max-age=31536000"),
    );
    h.insert(
        header::DATE,
        HeaderValue::from_str(&httpdate::fmt_http_date(SystemTime::now()))
            .unwrap_or(HeaderValue::from_static("")),
    );
    if let Ok(v) = HeaderValue::from_str(&ids.request_id) {
        h.insert("request-id", v);
    }
    if let Ok(v) = HeaderValue::from_str(&ids.client_request_id) {
        h.insert("client-request-id", v);
    }
    h.insert(
        "x-ms-ags-diagnostic",
        HeaderValue::from_static(r#"{"ServerInfo":{"DataCenter":"Simulated West Europe","Slice":"E","Ring":"5","ScaleUnit":"001","RoleInstance":"SIM000001"}}"#),
    );
    response
}

/// `{"error":{"code","message","innerError":{date, request-id, client-request-id, …}}}`.
pub(crate) fn error_body(code: &str, message: &str, ids: &Ids, inner_code: Option<&str>) -> Value {
    let mut inner = json!({
        "date": graph_date(SystemTime::now()),
        "request-id": ids.request_id,
        "client-request-id": ids.client_request_id,
    });
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

/// The Graph-shaped answer for an injected status.
pub(crate) fn for_status(status: u16, ids: &Ids) -> Response<Body> {
    let body = match status {
        429 => json!({"error": {"code": "TooManyRequests", "message": "Please retry again later.",
            "innerError": {"code": "429", "date": graph_date(SystemTime::now()), "message": "Please retry after",
                "request-id": ids.request_id, "client-request-id": ids.client_request_id, "status": "429"}}}),
        503 => error_body("serviceNotAvailable", "Service unavailable", ids, None),
        504 | 502 => error_body("UnknownError", "", ids, None),
        500 => error_body(
            "generalException",
            "General exception while processing",
            ids,
            None,
        ),
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
        _ => error_body("UnknownError", "", ids, None),
    };
    json_response(status, &body, ids)
}

#[cfg(test)]
mod tests {
    use super::*;
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
}
