//! The identity platform's metadata, served at the simulator's root as
//! `login.microsoftonline.com` serves it (GRAPH-FACTS section 7):
//! `GET /{tid}/discovery/v2.0/keys` (the JWKS) and
//! `GET /{tid}/v2.0/.well-known/openid-configuration`; the token endpoint
//! itself is `obo`'s. `{tid}` must be a GUID (a tenant id).

use std::sync::Mutex;

use http::{Method, Response};
use serde_json::{Value, json};

use super::aad::{self, AadError};
use super::call::Call;
use super::obo;
use super::record::RequestKind;
use super::responses::Body;
use super::state::{State, lock};

pub(crate) fn answer(state: &Mutex<State>, call: &Call<'_>) -> Response<Body> {
    let ids = call.ids;
    let tid = call
        .path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default();
    if !is_tenant_id(tid) {
        return AadError::bad(
            "invalid_tenant",
            90_002,
            format!(
                "Tenant '{}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.",
                tid.replace(['\'', '"'], "")
            ),
        )
        .response(ids);
    }
    if call.kind == RequestKind::Token {
        return obo::answer(state, tid, call);
    }
    if call.method != Method::GET {
        return AadError::bad(
            "invalid_request",
            900_561,
            format!(
                "The endpoint only accepts GET, OPTIONS requests. Received a {} request.",
                call.method
            ),
        )
        .response(ids);
    }
    let s = lock(state);
    let base = &s.login_base_url;
    let issuer = format!("{base}/{tid}/v2.0");
    let body = match call.kind {
        RequestKind::Keys => s.published.jwks(&issuer),
        _ => openid_configuration(base, tid, &s.graph_resource),
    };
    aad::json(200, &body, ids)
}

/// A tenant id: a hyphenated GUID.
fn is_tenant_id(tid: &str) -> bool {
    tid.len() == 36 && uuid::Uuid::try_parse(tid).is_ok()
}

/// The v2 OpenID configuration of tenant `tid`, Entra's members, in the
/// cloud whose Graph is `graph_resource`.
fn openid_configuration(base: &str, tid: &str, graph_resource: &str) -> Value {
    let graph_host = graph_resource.trim_start_matches("https://");
    json!({
        "token_endpoint": format!("{base}/{tid}/oauth2/v2.0/token"),
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "jwks_uri": format!("{base}/{tid}/discovery/v2.0/keys"),
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": format!("{base}/{tid}/v2.0"),
        "request_uri_parameter_supported": false,
        "userinfo_endpoint": format!("{graph_resource}/oidc/userinfo"),
        "authorization_endpoint": format!("{base}/{tid}/oauth2/v2.0/authorize"),
        "device_authorization_endpoint": format!("{base}/{tid}/oauth2/v2.0/devicecode"),
        "http_logout_supported": true,
        "frontchannel_logout_supported": true,
        "end_session_endpoint": format!("{base}/{tid}/oauth2/v2.0/logout"),
        "claims_supported": ["sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name", "msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email"],
        "kerberos_endpoint": format!("{base}/{tid}/kerberos"),
        "tenant_region_scope": "EU",
        "cloud_instance_name": "microsoftonline.com",
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": graph_host,
        "rbac_url": "https://pas.windows.net",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenants_are_guids() {
        assert!(is_tenant_id("5f1c2f7a-7d4e-4e7b-9a51-1d2c3b4a5f60"));
        assert!(!is_tenant_id("5f1c2f7a7d4e4e7b9a511d2c3b4a5f60"));
        assert!(!is_tenant_id("common"));
        assert!(!is_tenant_id("{5f1c2f7a-7d4e-4e7b-9a51-1d2c3b4a5f6}"));
    }
}
