//! The token endpoint, `POST /{tid}/oauth2/v2.0/token`, with the
//! On-Behalf-Of grant as Entra runs it (GRAPH-FACTS section 7): a form with
//! `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`, the API's
//! `client_id` and `client_secret`, `requested_token_use=on_behalf_of`, the
//! API token as `assertion`, and a `{resource}/.default` `scope`. It answers
//! a Graph token (`{graph resource}/.default`: the simulated cloud's,
//! `https://graph.microsoft.com` by default, or Graph's app id) or a
//! SharePoint token (`https://{host}/.default`, SharePoint Online hosts
//! only), both v1 and signed by the simulator's key, or an AAD error. A
//! scope naming another cloud's Graph is `invalid_resource`, as Entra
//! answers for a resource its cloud does not have.
//!
//! The AADSTS numbers and messages follow Entra's where known; those of the
//! `requested_token_use` and certificate refusals are **(unverified)**.

use std::sync::Mutex;

use http::{Method, Response};
use serde_json::{Map, Value, json};

use super::aad::{self, AadError};
use super::auth::{GRAPH_APP_ID, user_of};
use super::call::Call;
use super::client_auth;
use super::jwt::{self, SignatureError, claims_of, epoch_now};
use super::record::ClientAuth;
use super::responses::Body;
use super::state::{State, lock};

pub(crate) const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
pub(crate) const CLIENT_ASSERTION_TYPE: &str =
    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// Scopes for the Graph token (delegated, admin-consented in the tenant).
pub(crate) const GRAPH_SCOPES: &str = "Files.Read.All Sites.Read.All";
/// The scope of the SharePoint token.
pub(crate) const SHAREPOINT_SCOPES: &str = "AllSites.Read";
/// How far an assertion's `exp` and `nbf` may be off (the service's own
/// verification allows as much): an assertion expired longer ago is refused.
pub(crate) const ASSERTION_SKEW_SECS: i64 = 60;
/// The lifetime of issued tokens (`expires_in`).
const LIFETIME_SECS: i64 = 3599;

/// A form-encoded body; empty values count as absent, as Entra has them.
#[derive(Debug, Default)]
pub(crate) struct Form(Vec<(String, String)>);

impl Form {
    pub(crate) fn parse(body: &[u8]) -> Self {
        Self(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }
}

/// What the request log keeps of a token request: its `scope`, the
/// assertion's `tid#oid` and `aud`, and how the client authenticated
/// (never the assertion, the secret or a client assertion's signature).
pub(crate) fn loggable(body: &[u8]) -> Loggable {
    let form = Form::parse(body);
    let claims = form.get("assertion").and_then(claims_of);
    let user = claims
        .as_ref()
        .and_then(user_of)
        .map(|(tid, oid)| format!("{tid}#{oid}"));
    let audience = claims
        .as_ref()
        .and_then(|c| c.get("aud"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    Loggable {
        scope: form.get("scope").map(str::to_owned),
        user,
        audience,
        client_auth: client_auth::loggable(&form),
    }
}

/// See [`loggable`].
pub(crate) struct Loggable {
    pub scope: Option<String>,
    pub user: Option<String>,
    pub audience: Option<String>,
    pub client_auth: ClientAuth,
}

pub(crate) fn answer(state: &Mutex<State>, tid: &str, call: &Call<'_>) -> Response<Body> {
    let ids = call.ids;
    if call.method != Method::POST {
        return AadError::bad(
            "invalid_request",
            900_561,
            format!(
                "The endpoint only accepts POST, OPTIONS requests. Received a {} request.",
                call.method
            ),
        )
        .response(ids);
    }
    let is_form = call.content_type.is_some_and(|c| {
        c.split(';').next().is_some_and(|t| {
            t.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
    });
    let form = if is_form {
        Form::parse(call.body)
    } else {
        Form::default()
    };
    match exchange(&mut lock(state), tid, &form) {
        Ok(body) => aad::json(200, &body, ids),
        Err(error) => error.response(ids),
    }
}

/// Which token the `scope` asks for.
#[derive(Debug, PartialEq, Eq)]
enum Resource {
    Graph,
    SharePoint(String),
}

fn exchange(s: &mut State, tid: &str, form: &Form) -> Result<Value, AadError> {
    let grant_type = form
        .get("grant_type")
        .ok_or_else(|| AadError::missing("grant_type"))?;
    if grant_type != JWT_BEARER {
        return Err(AadError::bad(
            "unsupported_grant_type",
            70_003,
            format!(
                "The app requested an unsupported grant type '{}'.",
                printable(grant_type)
            ),
        ));
    }
    let client_id = form
        .get("client_id")
        .ok_or_else(|| AadError::missing("client_id"))?;
    if client_id != s.api.client_id {
        return Err(AadError::bad(
            "unauthorized_client",
            700_016,
            format!(
                "Application with identifier '{}' was not found in the directory '{tid}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
                printable(client_id)
            ),
        ));
    }
    client_auth::authenticate(s, tid, form)?;
    match form.get("requested_token_use") {
        None => return Err(AadError::missing("requested_token_use")),
        Some("on_behalf_of") => {}
        Some(other) => {
            return Err(AadError::bad(
                "invalid_request",
                90_014,
                format!(
                    "The required field 'requested_token_use' is invalid: '{}', expected 'on_behalf_of'.",
                    printable(other)
                ),
            ));
        }
    }
    let assertion = form
        .get("assertion")
        .ok_or_else(|| AadError::missing("assertion"))?;
    let claims = check_assertion(s, tid, assertion)?;
    let scope = form
        .get("scope")
        .ok_or_else(|| AadError::missing("scope"))?;
    let resource = resource_of(scope, tid, &s.graph_resource)?;
    let key = user_of(&claims).ok_or_else(|| {
        AadError::grant(
            50_013,
            "Assertion failed validation: it names no user ('tid' and 'oid').",
        )
    })?;
    if s.caller(&key).is_none() {
        return Err(AadError::grant(
            50_034,
            format!(
                "The user account {} does not exist in the '{tid}' directory. To sign into this application, the account must be added to the directory.",
                printable(&key.1)
            ),
        ));
    }
    let (aud, scp, granted) = match &resource {
        Resource::Graph => (
            s.graph_resource.clone(),
            GRAPH_SCOPES,
            GRAPH_SCOPES
                .split(' ')
                .map(|scope| format!("{}/{scope}", s.graph_resource))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        Resource::SharePoint(host) => (
            format!("https://{host}"),
            SHAREPOINT_SCOPES,
            format!("https://{host}/AllSites.Read"),
        ),
    };
    let issued = issued_claims(&claims, tid, &aud, scp, &s.api.client_id);
    Ok(json!({
        "token_type": "Bearer",
        "scope": granted,
        "expires_in": LIFETIME_SECS,
        "ext_expires_in": LIFETIME_SECS,
        "access_token": jwt::sign_sim(&issued),
    }))
}

/// The assertion: a JWT signed RS256 by a published key, for this API, of
/// this tenant, in its lifetime. Answers its claims.
fn check_assertion(s: &State, tid: &str, assertion: &str) -> Result<Map<String, Value>, AadError> {
    let malformed = || {
        AadError::bad(
            "invalid_request",
            50_027,
            "JWT token is invalid or malformed.",
        )
    };
    let claims = claims_of(assertion).ok_or_else(malformed)?;
    if let Err(error) = s.published.verify(assertion) {
        let reason = match error {
            SignatureError::Malformed => return Err(malformed()),
            SignatureError::AlgorithmNotAllowed => {
                "The token's signature algorithm is not allowed."
            }
            SignatureError::UnknownKey => "The key was not found.",
            SignatureError::BadSignature => {
                "The provided signature value did not match the expected signature value."
            }
        };
        return Err(AadError::grant(
            50_013,
            format!("Assertion failed signature validation. [Reason - {reason}]"),
        ));
    }
    let now = epoch_now();
    let time = |name: &str| claims.get(name).and_then(Value::as_i64);
    let exp = time("exp");
    let nbf = time("nbf");
    if exp.is_none_or(|exp| exp + ASSERTION_SKEW_SECS <= now)
        || nbf.is_some_and(|nbf| nbf - ASSERTION_SKEW_SECS > now)
    {
        return Err(AadError::grant(
            500_133,
            format!(
                "Assertion is not within its valid time range. Ensure that the access token is not expired before using it for user assertion, or request a new token. Current time: {now}, expiry time of assertion {}.",
                exp.unwrap_or_default()
            ),
        ));
    }
    let client_id = &s.api.client_id;
    let aud = claims
        .get("aud")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if aud != client_id && aud != format!("api://{client_id}") {
        return Err(AadError::grant(
            50_013,
            format!(
                "Assertion audience does not match the Client app presenting the assertion. The audience in the assertion was '{}' and the expected audience is '{client_id}' or one of the Application Uris of this application with App ID '{client_id}'(share-resolver API). The downstream client must request a token for the expected audience (the application that made the OBO request) and this application should use that token as the assertion.",
                printable(aud)
            ),
        ));
    }
    let iss = claims
        .get("iss")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let issuers = [
        format!("{}/{tid}/v2.0", s.login_base_url),
        format!("https://sts.windows.net/{tid}/"),
    ];
    let same_tenant = claims.get("tid").and_then(Value::as_str) == Some(tid);
    if !same_tenant || !issuers.iter().any(|i| i == iss) {
        return Err(AadError::grant(
            50_013,
            format!(
                "Assertion contains an invalid issuer or tenant: '{}' is not an issuer of tenant '{tid}'.",
                printable(iss)
            ),
        ));
    }
    Ok(claims)
}

/// The resource of a `scope` (`openid`, `profile`, `email` and
/// `offline_access` aside): exactly one `{resource}/.default`, Graph (its
/// resource URI in this cloud, `graph_resource`, or its app id) or a
/// SharePoint Online host.
fn resource_of(scope: &str, tid: &str, graph_resource: &str) -> Result<Resource, AadError> {
    let invalid = |why: String| AadError::bad("invalid_scope", 70_011, why);
    let requested: Vec<&str> = scope
        .split_whitespace()
        .filter(|s| !matches!(*s, "openid" | "profile" | "email" | "offline_access"))
        .collect();
    let [one] = requested.as_slice() else {
        if requested.is_empty() {
            return Err(invalid(format!(
                "The provided value for the input parameter 'scope' is not valid. The scope '{}' does not name a resource.",
                printable(scope)
            )));
        }
        return Err(AadError::bad(
            "invalid_scope",
            28_000,
            format!(
                "Provided value for the input parameter scope is not valid because it contains more than one resource. Scope {} is not valid.",
                printable(scope)
            ),
        ));
    };
    let Some(resource) = one.strip_suffix("/.default") else {
        return Err(invalid(format!(
            "The provided value for the input parameter 'scope' is not valid. The scope {} is not valid (the simulator serves '{{resource}}/.default' scopes only).",
            printable(one)
        )));
    };
    let resource = resource.trim_end_matches('/');
    if resource.eq_ignore_ascii_case(graph_resource) || resource == GRAPH_APP_ID {
        return Ok(Resource::Graph);
    }
    if let Some(host) = resource.strip_prefix("https://")
        && is_sharepoint_online(host)
    {
        return Ok(Resource::SharePoint(host.to_ascii_lowercase()));
    }
    Err(AadError::bad(
        "invalid_resource",
        500_011,
        format!(
            "The resource principal named {} was not found in the tenant named {tid}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.",
            printable(resource)
        ),
    ))
}

/// A SharePoint Online host (`{name}.sharepoint.com`, `.us`, `.de`, `.cn`,
/// DoD's `.sharepoint-mil.us`), nothing else (no port, path or user info).
fn is_sharepoint_online(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    let name = [
        ".sharepoint.com",
        ".sharepoint.us",
        ".sharepoint-mil.us",
        ".sharepoint.de",
        ".sharepoint.cn",
    ]
    .iter()
    .find_map(|suffix| host.strip_suffix(suffix));
    name.is_some_and(|n| {
        !n.is_empty()
            && n.split('.').all(|label| {
                !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
    })
}

/// A v1 access token's claims for `aud`, of the assertion's user.
fn issued_claims(
    assertion: &Map<String, Value>,
    tid: &str,
    aud: &str,
    scp: &str,
    client_id: &str,
) -> Map<String, Value> {
    let now = epoch_now();
    let username = assertion
        .get("preferred_username")
        .or_else(|| assertion.get("upn"))
        .cloned()
        .unwrap_or(Value::Null);
    let mut claims = json!({
        "aud": aud,
        "iss": format!("https://sts.windows.net/{tid}/"),
        "iat": now, "nbf": now, "exp": now + LIFETIME_SECS,
        "acct": assertion.get("acct").cloned().unwrap_or(json!(0)),
        "aio": "E2RgYPjsimulatedOBO",
        "amr": ["pwd"],
        "app_displayname": "share-resolver API",
        "appid": client_id,
        "appidacr": "1",
        "idtyp": "user",
        "ipaddr": "127.0.0.1",
        "name": assertion.get("name").cloned().unwrap_or(Value::Null),
        "oid": assertion.get("oid").cloned().unwrap_or(Value::Null),
        "rh": "0.AAAAsimulatedOBO.",
        "scp": scp,
        "sub": assertion.get("sub").cloned().unwrap_or(Value::Null),
        "tid": tid,
        "unique_name": username.clone(),
        "upn": username,
        "uti": uuid::Uuid::new_v4().simple().to_string(),
        "ver": "1.0",
    });
    if let Some(idp) = assertion.get("idp") {
        claims["idp"] = idp.clone();
    }
    match claims {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// A value quoted in an error message, without quotes or line breaks.
pub(crate) fn printable(value: &str) -> String {
    value
        .chars()
        .filter(|c| !matches!(c, '\'' | '"' | '\r' | '\n'))
        .take(200)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::GLOBAL_GRAPH_RESOURCE;

    #[test]
    fn scopes_name_one_resource_graph_or_sharepoint_online() {
        let of =
            |s: &str| resource_of(s, "t", GLOBAL_GRAPH_RESOURCE).map_err(|e| (e.error, e.code));
        assert_eq!(
            of("https://graph.microsoft.com/.default"),
            Ok(Resource::Graph)
        );
        assert_eq!(
            of("openid offline_access https://graph.microsoft.com/.default"),
            Ok(Resource::Graph)
        );
        assert_eq!(
            of("https://Contoso.sharepoint.com/.default"),
            Ok(Resource::SharePoint("contoso.sharepoint.com".into()))
        );
        assert_eq!(
            of("https://1drv.ms/.default"),
            Err(("invalid_resource", 500_011))
        );
        assert_eq!(
            of("https://evil.example/x.sharepoint.com/.default"),
            Err(("invalid_resource", 500_011))
        );
        assert_eq!(
            of("https://contoso.sharepoint.com:444/.default"),
            Err(("invalid_resource", 500_011))
        );
        assert_eq!(of("openid"), Err(("invalid_scope", 70_011)));
        assert_eq!(
            of("https://graph.microsoft.com/User.Read"),
            Err(("invalid_scope", 70_011))
        );
        assert_eq!(
            of("https://graph.microsoft.com/.default https://contoso.sharepoint.com/.default"),
            Err(("invalid_scope", 28_000))
        );
    }

    #[test]
    fn a_national_clouds_graph_is_its_own_resource_only() {
        let usgov = "https://graph.microsoft.us";
        let of = |s: &str| resource_of(s, "t", usgov).map_err(|e| (e.error, e.code));
        assert_eq!(
            of("https://graph.microsoft.us/.default"),
            Ok(Resource::Graph)
        );
        assert_eq!(
            of("00000003-0000-0000-c000-000000000000/.default"),
            Ok(Resource::Graph)
        );
        assert_eq!(
            of("https://graph.microsoft.com/.default"),
            Err(("invalid_resource", 500_011))
        );
        assert_eq!(
            of("https://contoso.sharepoint-mil.us/.default"),
            Ok(Resource::SharePoint("contoso.sharepoint-mil.us".into()))
        );
        let global = |s: &str| resource_of(s, "t", GLOBAL_GRAPH_RESOURCE).map_err(|e| e.code);
        assert_eq!(global("https://graph.microsoft.us/.default"), Err(500_011));
    }

    #[test]
    fn forms_decode_and_empty_values_are_absent() {
        let form = Form::parse(b"a=1+2&b=&c=%2F.default&a=3");
        assert_eq!(form.get("a"), Some("1 2"));
        assert_eq!(form.get("b"), None);
        assert_eq!(form.get("c"), Some("/.default"));
        assert_eq!(form.get("d"), None);
    }
}
