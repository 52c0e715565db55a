//! SharePoint REST `GET /_api/web/currentuser`, the `sharepoint` warm-up,
//! served at `/_sp/{host}/_api/web/currentuser` (the service's test setting
//! `SHAREPOINT_BASE_URL_OVERRIDE` sends it here). Like SharePoint, it wants
//! a token for the host itself: a Graph token gets the invalid-audience
//! `401`, a stranger the `-2147024891` access-denied answer
//! (docs/graph-facts.md#6-the-guest-hydration-anomaly).

use http::{HeaderValue, Response};
use serde_json::{Map, Value, json};

use super::auth::user_of;
use super::responses::{self, Body, Ids};
use super::state::State;
use super::token::epoch_now;

/// SharePoint Online's app id: a v2 SharePoint token's audience.
const SHAREPOINT_APP_ID: &str = "00000003-0000-0ff1-ce00-000000000000";

pub(crate) fn answer(
    s: &mut State,
    host: &str,
    token: Option<&str>,
    claims: Option<&Map<String, Value>>,
    ids: &Ids,
) -> Response<Body> {
    let (Some(token), Some(claims)) = (token, claims) else {
        return unauthorized(
            "3000003;reason=\"Invalid JWT token. The token is malformed.\";category=\"invalid_client\"",
            ids,
        );
    };
    if s.published.verify(token).is_err() {
        return unauthorized(
            "3000006;reason=\"Token contains invalid signature.\";category=\"invalid_client\"",
            ids,
        );
    }
    let aud = claims
        .get("aud")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let host_audience = format!("https://{host}");
    let for_host = aud
        .trim_end_matches('/')
        .eq_ignore_ascii_case(&host_audience)
        || aud.eq_ignore_ascii_case(SHAREPOINT_APP_ID);
    if !for_host {
        let reason = format!(
            "3000003;reason=\"Invalid audience Uri '{}'.\";category=\"invalid_client\"",
            aud.replace(['"', '\r', '\n'], "")
        );
        return unauthorized(&reason, ids);
    }
    let expired = claims
        .get("exp")
        .and_then(Value::as_i64)
        .is_none_or(|exp| exp <= epoch_now());
    if expired {
        return unauthorized(
            "3000006;reason=\"Token expired\";category=\"invalid_client\"",
            ids,
        );
    }
    let Some(key) = user_of(claims) else {
        return access_denied(ids);
    };
    let Some(user) = s.caller(&key) else {
        return access_denied(ids);
    };
    // Like every SharePoint-backed call, this one hydrates the caller.
    let now = s.now();
    s.hydration.warm_up(&key, now);
    let upn = claims.get("upn").and_then(Value::as_str).unwrap_or("guest");
    responses::json_response(
        200,
        &json!({
            "Id": 12,
            "IsSiteAdmin": false,
            "LoginName": format!("i:0#.f|membership|{}", upn.to_lowercase()),
            "Title": if user.guest { "Guest User" } else { "Member" },
            "UserPrincipalName": upn,
        }),
        ids,
    )
}

/// SharePoint's `401`: the reason in `x-ms-diagnostics`, not in the body.
fn unauthorized(diagnostics: &str, ids: &Ids) -> Response<Body> {
    let mut response = responses::json_response(
        401,
        &json!({"error_description": "Exception of type 'Microsoft.IdentityModel.Tokens.AudienceUriValidationFailedException' was thrown."}),
        ids,
    );
    if let Ok(v) = HeaderValue::from_str(diagnostics) {
        response.headers_mut().insert("x-ms-diagnostics", v);
    }
    response
}

/// SharePoint's access-denied answer, in its OData error shape.
fn access_denied(ids: &Ids) -> Response<Body> {
    responses::json_response(
        403,
        &json!({"odata.error": {
            "code": "-2147024891, System.UnauthorizedAccessException",
            "message": {"lang": "en-US", "value": "Access denied. You do not have permission to perform this action or access this resource."}
        }}),
        ids,
    )
}
