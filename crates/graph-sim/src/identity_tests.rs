//! The identity platform over real HTTP: the key set and metadata, the
//! On-Behalf-Of exchange and its refusals, token faults, the request log,
//! and Graph and SharePoint REST accepting only the simulator's tokens.

use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value, json};

use super::obo::JWT_BEARER;
use super::test_support::{Sim, sim};
use super::token::{ApiTokenBuilder, TokenBuilder, claims_of, epoch_now};
use super::*;

const SP_HOST: &str = "contoso.sharepoint.com";
const GRAPH_DEFAULT: &str = "https://graph.microsoft.com/.default";
const SP_DEFAULT: &str = "https://contoso.sharepoint.com/.default";
const SP_CURRENT_USER: &str = "/_sp/contoso.sharepoint.com/_api/web/currentuser";

fn fresh() -> (String, String) {
    (
        uuid::Uuid::new_v4().to_string(),
        uuid::Uuid::new_v4().to_string(),
    )
}

/// A guest's API token builder for a fresh tenant and user.
fn api_guest(sim: &Sim) -> (ApiTokenBuilder, String, String) {
    let (tid, oid) = fresh();
    (
        ApiTokenBuilder::guest(&sim.login_base_url(), &tid, &oid),
        tid,
        oid,
    )
}

/// The form the service sends for an OBO exchange.
fn obo_form(assertion: &str, scope: &str) -> Vec<(&'static str, String)> {
    vec![
        ("grant_type", JWT_BEARER.to_owned()),
        ("client_id", SIM_API_CLIENT_ID.to_owned()),
        ("client_secret", SIM_API_CLIENT_SECRET.to_owned()),
        ("assertion", assertion.to_owned()),
        ("scope", scope.to_owned()),
        ("requested_token_use", "on_behalf_of".to_owned()),
    ]
}

fn encode(form: &[(&str, String)]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form {
        out.append_pair(k, v);
    }
    out.finish()
}

async fn post_token_raw(sim: &Sim, tid: &str, form: &[(&str, String)]) -> reqwest::Response {
    sim.client
        .post(format!("{}/{tid}/oauth2/v2.0/token", sim.login_base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("client-request-id", "0b1c2d3e-0000-4000-8000-00000000c0de")
        .body(encode(form))
        .send()
        .await
        .expect("an answer")
}

async fn post_token(sim: &Sim, tid: &str, form: &[(&str, String)]) -> (u16, Value) {
    let r = post_token_raw(sim, tid, form).await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or_default())
}

/// An exchanged token (the exchange must succeed).
async fn exchange(sim: &Sim, tid: &str, assertion: &str, scope: &str) -> String {
    let (status, body) = post_token(sim, tid, &obo_form(assertion, scope)).await;
    assert_eq!(status, 200, "{body}");
    body["access_token"]
        .as_str()
        .expect("an access token")
        .to_owned()
}

async fn get_with(sim: &Sim, path_from_root: &str, token: &str) -> reqwest::Response {
    sim.client
        .get(format!("{}{path_from_root}", sim.login_base_url()))
        .bearer_auth(token)
        .send()
        .await
        .expect("an answer")
}

async fn get_json(sim: &Sim, path_from_root: &str) -> (u16, Value) {
    let r = sim
        .client
        .get(format!("{}{path_from_root}", sim.login_base_url()))
        .send()
        .await
        .expect("an answer");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or_default())
}

fn claims(token: &str) -> Map<String, Value> {
    claims_of(token).expect("a JWT")
}

/// An AAD error of `error` and AADSTS `code`, in Entra's shape.
fn assert_aad(body: &Value, error: &str, code: u64) {
    assert_eq!(body["error"], error, "{body}");
    assert_eq!(body["error_codes"], json!([code]), "{body}");
    let description = body["error_description"].as_str().unwrap_or_default();
    assert!(
        description.starts_with(&format!("AADSTS{code}: ")),
        "{description}"
    );
    assert!(description.contains("Trace ID: "), "{description}");
    for field in ["timestamp", "trace_id", "correlation_id"] {
        assert!(body[field].is_string(), "{field} in {body}");
    }
}

#[tokio::test]
async fn the_key_set_and_metadata_verify_the_simulators_tokens() {
    let sim = sim().await;
    let (builder, tid, _) = api_guest(&sim);
    let base = sim.login_base_url();
    assert!(!base.ends_with('/') && base.starts_with("http://127.0.0.1:"));

    let (status, config) = get_json(
        &sim,
        &format!("/{tid}/v2.0/.well-known/openid-configuration"),
    )
    .await;
    assert_eq!(status, 200, "{config}");
    let issuer = format!("{base}/{tid}/v2.0");
    assert_eq!(config["issuer"], issuer.as_str());
    assert_eq!(
        config["jwks_uri"],
        format!("{base}/{tid}/discovery/v2.0/keys").as_str()
    );
    assert_eq!(
        config["token_endpoint"],
        format!("{base}/{tid}/oauth2/v2.0/token").as_str()
    );
    assert_eq!(
        config["authorization_endpoint"],
        format!("{base}/{tid}/oauth2/v2.0/authorize").as_str()
    );

    let jwks_uri = config["jwks_uri"].as_str().unwrap_or_default();
    let r = sim.client.get(jwks_uri).send().await.expect("an answer");
    assert_eq!(r.status(), 200);
    let jwks: Value = r.json().await.expect("JSON");
    let key = &jwks["keys"][0];
    assert_eq!(jwks["keys"].as_array().map(Vec::len), Some(1));
    for (field, value) in [
        ("kty", "RSA"),
        ("use", "sig"),
        ("kid", "sim-2026-1"),
        ("alg", "RS256"),
    ] {
        assert_eq!(key[field], value, "{field}");
    }
    assert!(key["n"].as_str().is_some_and(|n| n.len() > 300));
    assert_eq!(key["e"], "AQAB");

    // What the service does: the key by kid, then a full validation.
    let set: JwkSet = serde_json::from_value(jwks).expect("a JWK set");
    let jwk = set.find(token::SIM_KEY_ID).expect("the sim key");
    let decoding = DecodingKey::from_jwk(jwk).expect("an RSA key");
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[SIM_API_CLIENT_ID]);
    validation.set_issuer(&[issuer.as_str()]);
    let api_token = builder.build();
    let verified = jsonwebtoken::decode::<Value>(&api_token, &decoding, &validation);
    assert!(verified.is_ok(), "{verified:?}");
    let header = jsonwebtoken::decode_header(&api_token).expect("a header");
    assert_eq!(header.kid.as_deref(), Some(token::SIM_KEY_ID));
    // Graph tokens of the test kit are signed with the same key.
    let mut any_aud = Validation::new(Algorithm::RS256);
    any_aud.validate_aud = false;
    let graph_token = TokenBuilder::guest(&tid, "o").build();
    assert!(jsonwebtoken::decode::<Value>(&graph_token, &decoding, &any_aud).is_ok());
    // The forgeries do not verify, whatever jsonwebtoken is asked to allow.
    for forged in [
        builder.build_forged(),
        builder.build_with_unknown_key(token::SIM_KEY_ID),
        builder.build_alg_none(),
        builder.build_hs256_with_public_key(),
    ] {
        assert!(jsonwebtoken::decode::<Value>(&forged, &decoding, &validation).is_err());
    }

    // Not a tenant id: Entra's AADSTS90002.
    let (status, body) = get_json(&sim, "/common/discovery/v2.0/keys").await;
    assert_eq!(status, 400);
    assert_aad(&body, "invalid_tenant", 90_002);
    let kinds: Vec<RequestKind> = sim.requests().iter().map(|r| r.kind).collect();
    use RequestKind::*;
    assert_eq!(kinds, [OpenIdConfiguration, Keys, Keys]);
}

#[test]
fn api_tokens_have_entras_v2_claims() {
    let base = "http://127.0.0.1:9";
    let guest = ApiTokenBuilder::guest(base, "t", "o");
    let c = claims(&guest.build());
    assert_eq!(c["aud"], SIM_API_CLIENT_ID);
    assert_eq!(c["iss"], "http://127.0.0.1:9/t/v2.0");
    assert_eq!(
        (c["tid"].as_str(), c["oid"].as_str()),
        (Some("t"), Some("o"))
    );
    assert_eq!(c["scp"], "access_as_user");
    assert_eq!(c["ver"], "2.0");
    assert_eq!(c["azp"], SIM_SPA_CLIENT_ID);
    assert_eq!(c["acct"], 1);
    assert_eq!(
        c["idp"],
        format!("https://sts.windows.net/{SIM_GUEST_HOME_TENANT}/").as_str()
    );
    assert!(
        c["preferred_username"]
            .as_str()
            .is_some_and(|u| u.contains("#EXT#"))
    );
    let (iat, nbf, exp) = (c["iat"].as_i64(), c["nbf"].as_i64(), c["exp"].as_i64());
    assert_eq!(iat, nbf);
    assert_eq!(exp.zip(iat).map(|(e, i)| e - i), Some(3600));

    let member = claims(&ApiTokenBuilder::member(base, "t", "o").build());
    assert_eq!(member["acct"], 0);
    assert!(member.get("idp").is_none());
    assert!(
        member["preferred_username"]
            .as_str()
            .is_some_and(|u| !u.contains("#EXT#"))
    );

    let shaped = guest
        .clone()
        .aud("api://x")
        .iss("https://elsewhere/")
        .scp("other")
        .expires_in(-5)
        .not_before_in(30)
        .claim("extra", json!(1))
        .without("azp");
    let s = shaped.claims();
    assert_eq!(
        (s["aud"].as_str(), s["iss"].as_str()),
        (Some("api://x"), Some("https://elsewhere/"))
    );
    assert_eq!(s["scp"], "other");
    assert!(s["exp"].as_i64().is_some_and(|e| e < epoch_now()));
    assert!(s["nbf"].as_i64().is_some_and(|n| n > epoch_now() + 25));
    assert_eq!(s["extra"], 1);
    assert!(!s.contains_key("azp"));

    let header = |t: &str| {
        jsonwebtoken::decode_header(t)
            .map(|h| (format!("{:?}", h.alg), h.kid))
            .ok()
    };
    assert_eq!(
        header(&guest.build()),
        Some(("RS256".into(), Some("sim-2026-1".into())))
    );
    assert_eq!(
        header(&guest.build_with_unknown_key("k9")),
        Some(("RS256".into(), Some("k9".into())))
    );
    assert_eq!(
        header(&guest.build_hs256_with_public_key()).map(|h| h.0),
        Some("HS256".into())
    );
    let none = guest.build_alg_none();
    assert!(none.ends_with('.'), "{none}");
    let custom =
        guest.build_with_header(json!({"alg": "RS256", "kid": "sim-2026-1", "x5t": "abc"}));
    let custom_header = custom.split('.').next().unwrap_or_default();
    assert!(custom_header.starts_with("eyJ"));
}

#[tokio::test]
async fn graph_and_sharepoint_refuse_every_forgery_and_api_tokens() {
    let sim = sim().await;
    let (tid, oid) = fresh();
    let base = sim.login_base_url();
    // Graph-audience and SharePoint-audience builders, to forge both kinds.
    let graph_aud = ApiTokenBuilder::guest(&base, &tid, &oid)
        .aud("https://graph.microsoft.com")
        .scp("Files.Read.All Sites.Read.All");
    let sp_aud = graph_aud
        .clone()
        .aud(&format!("https://{SP_HOST}"))
        .scp("AllSites.Read");
    let forgeries = |b: &ApiTokenBuilder| {
        vec![
            ("forged signature", b.build_forged()),
            (
                "rogue key, rogue kid",
                b.build_with_unknown_key(token::ROGUE_KEY_ID),
            ),
            (
                "rogue key, sim kid",
                b.build_with_unknown_key(token::SIM_KEY_ID),
            ),
            ("alg none", b.build_alg_none()),
            ("HS256 with the public key", b.build_hs256_with_public_key()),
            (
                "unknown kid",
                b.build_with_header(json!({"typ": "JWT", "alg": "RS256", "kid": "other"})),
            ),
            (
                "no kid",
                b.build_with_header(json!({"typ": "JWT", "alg": "RS256"})),
            ),
            (
                "alg RS512",
                b.build_with_header(json!({"typ": "JWT", "alg": "RS512", "kid": "sim-2026-1"})),
            ),
        ]
    };
    for (what, token) in forgeries(&graph_aud).into_iter().chain([(
        "test kit forged",
        TokenBuilder::guest(&tid, &oid).build_forged(),
    )]) {
        let r = get_with(&sim, "/v1.0/sites/root", &token).await;
        assert_eq!(r.status(), 401, "{what}");
        assert!(r.headers().contains_key("www-authenticate"), "{what}");
        let body: Value = r.json().await.unwrap_or_default();
        assert_eq!(
            body["error"]["code"], "InvalidAuthenticationToken",
            "{what}"
        );
        assert_eq!(
            body["error"]["message"], "IDX10511: Signature validation failed.",
            "{what}"
        );
    }
    for (what, token) in forgeries(&sp_aud) {
        let r = get_with(&sim, SP_CURRENT_USER, &token).await;
        assert_eq!(r.status(), 401, "{what}");
        let diagnostics = r.headers()["x-ms-diagnostics"].to_str().unwrap_or_default();
        assert!(
            diagnostics.contains("invalid signature"),
            "{what}: {diagnostics}"
        );
    }
    assert!(!sim.is_hydrated(&tid, &oid), "no forgery hydrates");

    // The same claims, signed by the simulator: accepted (a header of any
    // shape signs with the sim key).
    let custom =
        graph_aud.build_with_header(json!({"alg": "RS256", "kid": "sim-2026-1", "x5t": "k"}));
    assert_eq!(
        get_with(&sim, "/v1.0/sites/root", &custom).await.status(),
        200
    );
    assert_eq!(
        get_with(&sim, SP_CURRENT_USER, &sp_aud.build())
            .await
            .status(),
        200
    );

    // A valid token for the API itself is not Graph's, nor SharePoint's.
    let api = ApiTokenBuilder::guest(&base, &tid, &oid).build();
    let r = get_with(&sim, "/v1.0/sites/root", &api).await;
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap_or_default();
    assert_eq!(
        body["error"]["message"],
        "Access token validation failure. Invalid audience."
    );
    let api_uri = ApiTokenBuilder::guest(&base, &tid, &oid)
        .aud(&format!("api://{SIM_API_CLIENT_ID}"))
        .build();
    assert_eq!(
        get_with(&sim, "/v1.0/sites/root", &api_uri).await.status(),
        401
    );
    assert_eq!(get_with(&sim, SP_CURRENT_USER, &api).await.status(), 401);
}

#[tokio::test]
async fn obo_gives_a_graph_token_graph_accepts_and_a_sharepoint_token_sharepoint_accepts() {
    let sim = sim().await;
    let (builder, tid, oid) = api_guest(&sim);
    let assertion = builder.build();

    let r = post_token_raw(&sim, &tid, &obo_form(&assertion, GRAPH_DEFAULT)).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store, no-cache");
    let body: Value = r.json().await.expect("JSON");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3599);
    assert_eq!(body["ext_expires_in"], 3599);
    assert_eq!(
        body["scope"],
        "https://graph.microsoft.com/Files.Read.All https://graph.microsoft.com/Sites.Read.All"
    );
    let graph_token = body["access_token"].as_str().unwrap_or_default().to_owned();
    let c = claims(&graph_token);
    assert_eq!(c["aud"], "https://graph.microsoft.com");
    assert_eq!(c["iss"], format!("https://sts.windows.net/{tid}/").as_str());
    assert_eq!(c["scp"], "Files.Read.All Sites.Read.All");
    assert_eq!(
        (c["tid"].as_str(), c["oid"].as_str()),
        (Some(tid.as_str()), Some(oid.as_str()))
    );
    assert_eq!(c["acct"], 1);
    assert_eq!(c["idp"], claims(&assertion)["idp"]);
    assert!(c["upn"].as_str().is_some_and(|u| u.contains("#EXT#")));
    assert_eq!(c["appid"], SIM_API_CLIENT_ID);
    assert_eq!(c["ver"], "1.0");
    let lifetime = c["exp"].as_i64().unwrap_or_default() - epoch_now();
    assert!((3590..=3600).contains(&lifetime), "{lifetime}");

    // Graph accepts it (and its warm-up hydrates the guest); SharePoint does not.
    assert_eq!(
        get_with(&sim, "/v1.0/sites/root", &graph_token)
            .await
            .status(),
        200
    );
    assert!(sim.is_hydrated(&tid, &oid));
    assert_eq!(
        get_with(&sim, SP_CURRENT_USER, &graph_token).await.status(),
        401
    );

    let sp_token = exchange(&sim, &tid, &assertion, SP_DEFAULT).await;
    let c = claims(&sp_token);
    assert_eq!(c["aud"], "https://contoso.sharepoint.com");
    assert_eq!(c["scp"], "AllSites.Read");
    assert_eq!(c["oid"], oid.as_str());
    let r = get_with(&sim, SP_CURRENT_USER, &sp_token).await;
    assert_eq!(r.status(), 200);
    let user: Value = r.json().await.unwrap_or_default();
    assert!(
        user["LoginName"]
            .as_str()
            .is_some_and(|l| l.contains("#ext#")),
        "{user}"
    );
    assert_eq!(
        get_with(&sim, "/v1.0/sites/root", &sp_token).await.status(),
        401
    );

    // A member's exchange keeps acct 0 and has no idp; openid and
    // offline_access ride along; api:// audiences are the API's too.
    let (tid2, oid2) = fresh();
    let member = ApiTokenBuilder::member(&sim.login_base_url(), &tid2, &oid2)
        .aud(&format!("api://{SIM_API_CLIENT_ID}"))
        .build();
    let token = exchange(
        &sim,
        &tid2,
        &member,
        &format!("openid offline_access {GRAPH_DEFAULT}"),
    )
    .await;
    let c = claims(&token);
    assert_eq!(c["acct"], 0);
    assert!(c.get("idp").is_none());
    // A token the exchange issued is a fresh one each time.
    assert_ne!(
        exchange(&sim, &tid, &assertion, GRAPH_DEFAULT).await,
        graph_token
    );
}

#[tokio::test]
async fn obo_refuses_bad_clients_assertions_tenants_and_scopes() {
    let sim = sim().await;
    let (builder, tid, _) = api_guest(&sim);
    let good = builder.build();
    let set = |name: &'static str, value: &str| {
        let mut form = obo_form(&good, GRAPH_DEFAULT);
        form.retain(|(k, _)| *k != name);
        if !value.is_empty() {
            form.push((name, value.to_owned()));
        }
        form
    };
    let with_assertion = |a: String| obo_form(&a, GRAPH_DEFAULT);
    let other_tenant = fresh().0;
    type Case = (
        &'static str,
        Vec<(&'static str, String)>,
        u16,
        &'static str,
        u64,
    );
    let cases: Vec<Case> = vec![
        (
            "no grant_type",
            set("grant_type", ""),
            400,
            "invalid_request",
            900_144,
        ),
        (
            "password grant",
            set("grant_type", "password"),
            400,
            "unsupported_grant_type",
            70_003,
        ),
        (
            "unknown client",
            set("client_id", "00000000-0000-0000-0000-000000000001"),
            400,
            "unauthorized_client",
            700_016,
        ),
        (
            "wrong secret",
            set("client_secret", "guess"),
            401,
            "invalid_client",
            7_000_215,
        ),
        (
            "no secret",
            set("client_secret", ""),
            401,
            "invalid_client",
            7_000_218,
        ),
        (
            "no requested_token_use",
            set("requested_token_use", ""),
            400,
            "invalid_request",
            900_144,
        ),
        (
            "no assertion",
            set("assertion", ""),
            400,
            "invalid_request",
            900_144,
        ),
        (
            "not a JWT",
            set("assertion", "not-a-jwt"),
            400,
            "invalid_request",
            50_027,
        ),
        (
            "forged",
            with_assertion(builder.build_forged()),
            400,
            "invalid_grant",
            50_013,
        ),
        (
            "rogue key",
            with_assertion(builder.build_with_unknown_key("rogue-1")),
            400,
            "invalid_grant",
            50_013,
        ),
        (
            "alg none",
            with_assertion(builder.build_alg_none()),
            400,
            "invalid_grant",
            50_013,
        ),
        (
            "HS256",
            with_assertion(builder.build_hs256_with_public_key()),
            400,
            "invalid_grant",
            50_013,
        ),
        (
            "a Graph token",
            with_assertion(TokenBuilder::guest(&tid, "o").build()),
            400,
            "invalid_grant",
            50_013,
        ),
        (
            "expired",
            with_assertion(builder.clone().expires_in(-120).build()),
            400,
            "invalid_grant",
            500_133,
        ),
        (
            "not yet valid",
            with_assertion(builder.clone().not_before_in(600).build()),
            400,
            "invalid_grant",
            500_133,
        ),
        (
            "v2 issuer of another tenant",
            with_assertion(
                builder
                    .clone()
                    .iss(&format!("{}/{other_tenant}/v2.0", sim.login_base_url()))
                    .build(),
            ),
            400,
            "invalid_grant",
            50_013,
        ),
        (
            "Entra's issuer, not this one",
            with_assertion(
                builder
                    .clone()
                    .iss(&format!("https://login.microsoftonline.com/{tid}/v2.0"))
                    .build(),
            ),
            400,
            "invalid_grant",
            50_013,
        ),
        (
            "no scope",
            set("scope", ""),
            400,
            "invalid_request",
            900_144,
        ),
        (
            "a consumer host",
            set("scope", "https://1drv.ms/.default"),
            400,
            "invalid_resource",
            500_011,
        ),
        (
            "two resources",
            set("scope", &format!("{GRAPH_DEFAULT} {SP_DEFAULT}")),
            400,
            "invalid_scope",
            28_000,
        ),
    ];
    for (what, form, status, error, code) in cases {
        let (got, body) = post_token(&sim, &tid, &form).await;
        assert_eq!(got, status, "{what}: {body}");
        assert_aad(&body, error, code);
        assert!(body.get("access_token").is_none(), "{what}");
    }
    // An API token is no client credential: its issuer is no federated
    // credential of the registration.
    let mut form = set("client_secret", "");
    form.push((
        "client_assertion_type",
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".into(),
    ));
    form.push(("client_assertion", builder.build()));
    let (status, body) = post_token(&sim, &tid, &form).await;
    assert_eq!(status, 401);
    assert_aad(&body, "invalid_client", 70_021);

    // The same good assertion at another tenant's token endpoint: refused.
    let (status, body) = post_token(&sim, &other_tenant, &obo_form(&good, GRAPH_DEFAULT)).await;
    assert_eq!(status, 400);
    assert_aad(&body, "invalid_grant", 50_013);
    // A tenant the simulator refuses its unknown users in: AADSTS50034.
    let closed = GraphSimulator::start(Scenario {
        unknown_users_are_guests: false,
        ..Scenario::demo()
    })
    .await
    .expect("simulator starts");
    let closed = Sim {
        sim: closed,
        client: reqwest::Client::new(),
    };
    let stranger = ApiTokenBuilder::guest(&closed.login_base_url(), &tid, "nobody").build();
    let (status, body) = post_token(&closed, &tid, &obo_form(&stranger, GRAPH_DEFAULT)).await;
    assert_eq!(status, 400);
    assert_aad(&body, "invalid_grant", 50_034);

    // The correlation id is the caller's client-request-id.
    let (_, body) = post_token(&sim, &tid, &set("client_secret", "guess")).await;
    assert_eq!(
        body["correlation_id"],
        "0b1c2d3e-0000-4000-8000-00000000c0de"
    );
    // Not a form, or not a POST.
    let r = sim
        .client
        .post(format!("{}/{tid}/oauth2/v2.0/token", sim.login_base_url()))
        .json(&json!({"grant_type": JWT_BEARER}))
        .send()
        .await
        .expect("an answer");
    assert_eq!(r.status(), 400);
    assert_aad(
        &r.json().await.unwrap_or_default(),
        "invalid_request",
        900_144,
    );
    let (status, body) = get_json(&sim, &format!("/{tid}/oauth2/v2.0/token")).await;
    assert_eq!(status, 400);
    assert_aad(&body, "invalid_request", 900_561);
    // Still good after all that.
    exchange(&sim, &tid, &good, GRAPH_DEFAULT).await;
}

#[tokio::test]
async fn token_faults_give_their_answers_once_each_in_order() {
    let sim = sim().await;
    let (builder, tid, _) = api_guest(&sim);
    let form = obo_form(&builder.build(), GRAPH_DEFAULT);
    let claims_json = r#"{"access_token":{"polids":{"essential":true,"values":["p1"]}}}"#;
    sim.inject_token_error(TokenFault::InteractionRequired {
        claims: claims_json.into(),
    });
    sim.inject_token_error(TokenFault::InvalidGrantWithClaims {
        claims: claims_json.into(),
    });
    sim.inject_token_error(TokenFault::ConsentRequired);
    sim.inject_token_error(TokenFault::InvalidClient);
    sim.inject_token_errors(TokenFault::Status(503), 2);
    sim.inject_token_error(TokenFault::Status(500));
    // A Graph fault is not spent on token requests.
    sim.inject(Fault::any(FaultAction::Status {
        status: 502,
        retry_after: None,
    }));

    let expected: [(u16, &str, u64, bool); 7] = [
        (400, "interaction_required", 50_076, true),
        (400, "invalid_grant", 50_079, true),
        (400, "consent_required", 65_001, false),
        (401, "invalid_client", 7_000_215, false),
        (503, "temporarily_unavailable", 90_033, false),
        (503, "temporarily_unavailable", 90_033, false),
        (500, "server_error", 50_000, false),
    ];
    for (status, error, code, has_claims) in expected {
        let (got, body) = post_token(&sim, &tid, &form).await;
        assert_eq!(got, status, "{body}");
        assert_aad(&body, error, code);
        if has_claims {
            assert_eq!(body["claims"], claims_json);
        } else {
            assert!(body.get("claims").is_none(), "{body}");
        }
    }
    let token = exchange(&sim, &tid, &builder.build(), GRAPH_DEFAULT).await;
    // The Graph fault is still there for Graph.
    assert_eq!(
        get_with(&sim, "/v1.0/sites/root", &token).await.status(),
        502
    );

    // Delay answers normally, later; drop answers nothing.
    sim.inject_token_error(TokenFault::Delay(Duration::from_millis(300)));
    let started = Instant::now();
    exchange(&sim, &tid, &builder.build(), GRAPH_DEFAULT).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    sim.inject_token_error(TokenFault::DropConnection);
    let dropped = sim
        .client
        .post(format!("{}/{tid}/oauth2/v2.0/token", sim.login_base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(encode(&form))
        .send()
        .await;
    assert!(dropped.is_err());

    // The same over the admin API; clearing drops what is queued.
    let admin = |body: Value| {
        let client = sim.client.clone();
        let url = format!("{}/_sim/token-faults", sim.login_base_url());
        async move {
            let r = client
                .post(url)
                .json(&body)
                .send()
                .await
                .expect("an answer");
            (
                r.status().as_u16(),
                r.json::<Value>().await.unwrap_or_default(),
            )
        }
    };
    assert_eq!(
        admin(json!({"error": "consentRequired", "times": 2})).await,
        (200, json!({"queued": 2}))
    );
    let (status, error) = admin(json!({"error": "status"})).await;
    assert_eq!(status, 400, "{error}");
    for _ in 0..2 {
        let (status, body) = post_token(&sim, &tid, &form).await;
        assert_eq!(status, 400);
        assert_aad(&body, "consent_required", 65_001);
    }
    let (status, _) = admin(json!({"error": "interactionRequired"})).await;
    assert_eq!(status, 200);
    let (_, body) = post_token(&sim, &tid, &form).await;
    assert_aad(&body, "interaction_required", 50_076);
    assert!(
        body["claims"]
            .as_str()
            .is_some_and(|c| c.contains("polids"))
    );
    admin(json!({"error": "status", "status": 504})).await;
    let cleared = sim
        .client
        .delete(format!("{}/_sim/token-faults", sim.login_base_url()))
        .send()
        .await
        .expect("an answer");
    assert_eq!(cleared.status(), 200);
    exchange(&sim, &tid, &builder.build(), GRAPH_DEFAULT).await;
}

#[tokio::test]
async fn the_log_keeps_kinds_users_and_scopes_and_never_a_secret_or_token() {
    let sim = sim().await;
    let (builder, tid, oid) = api_guest(&sim);
    let assertion = builder.build();
    get_json(&sim, &format!("/{tid}/discovery/v2.0/keys")).await;
    let graph_token = exchange(&sim, &tid, &assertion, GRAPH_DEFAULT).await;
    let sp_token = exchange(&sim, &tid, &assertion, SP_DEFAULT).await;
    post_token(&sim, &tid, &obo_form(&assertion, "")).await;
    get_with(&sim, "/v1.0/sites/root", &graph_token).await;

    let log = sim.requests();
    let kinds: Vec<RequestKind> = log.iter().map(|r| r.kind).collect();
    use RequestKind::*;
    assert_eq!(kinds, [Keys, Token, Token, Token, WarmupRoot]);
    let scopes: Vec<Option<&str>> = log.iter().map(|r| r.scope.as_deref()).collect();
    assert_eq!(
        scopes,
        [None, Some(GRAPH_DEFAULT), Some(SP_DEFAULT), None, None]
    );
    let statuses: Vec<u16> = log.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [200, 200, 200, 400, 200]);
    let key = format!("{tid}#{oid}");
    assert_eq!(log[1].user.as_deref(), Some(key.as_str()));
    assert_eq!(log[1].audience.as_deref(), Some(SIM_API_CLIENT_ID));
    assert!(!log[1].has_authorization);
    assert_eq!(
        log[4].audience.as_deref(),
        Some("https://graph.microsoft.com")
    );

    // Neither the in-process log nor the admin one holds a secret or a token.
    let over_http = sim
        .client
        .get(format!("{}/_sim/requests", sim.login_base_url()))
        .send()
        .await
        .expect("an answer")
        .text()
        .await
        .unwrap_or_default();
    let in_process = serde_json::to_string(&log).unwrap_or_default();
    for text in [over_http, in_process] {
        for secret in [
            SIM_API_CLIENT_SECRET,
            assertion.as_str(),
            graph_token.as_str(),
            sp_token.as_str(),
            "eyJ",
        ] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        for part in assertion.split('.').chain(graph_token.split('.')) {
            assert!(!text.contains(part), "a token part in the log");
        }
    }
}

#[tokio::test]
async fn admin_mints_api_tokens_and_their_forgeries() {
    let sim = sim().await;
    let (tid, oid) = fresh();
    let mint = |body: Value| {
        let client = sim.client.clone();
        let url = format!("{}/_sim/tokens", sim.login_base_url());
        async move {
            let r = client
                .post(url)
                .json(&body)
                .send()
                .await
                .expect("an answer");
            (
                r.status().as_u16(),
                r.json::<Value>().await.unwrap_or_default(),
            )
        }
    };
    let (status, answer) = mint(json!({"api": true, "tid": tid, "oid": oid})).await;
    assert_eq!(status, 200, "{answer}");
    let api = answer["token"].as_str().unwrap_or_default().to_owned();
    let c = claims(&api);
    assert_eq!(c["aud"], SIM_API_CLIENT_ID);
    assert_eq!(
        c["iss"],
        format!("{}/{tid}/v2.0", sim.login_base_url()).as_str()
    );
    assert_eq!(c["scp"], "access_as_user");
    assert_eq!(c["acct"], 1);
    exchange(&sim, &tid, &api, GRAPH_DEFAULT).await;

    let (_, member) = mint(json!({"api": true, "tid": tid, "oid": "m", "guest": false})).await;
    assert_eq!(
        claims(member["token"].as_str().unwrap_or_default())["acct"],
        0
    );

    for forge in ["signature", "algNone", "hs256", "unknownKey"] {
        let (status, answer) =
            mint(json!({"api": true, "tid": tid, "oid": oid, "forge": forge})).await;
        assert_eq!(status, 200, "{forge}: {answer}");
        let forged = answer["token"].as_str().unwrap_or_default();
        let (status, body) = post_token(&sim, &tid, &obo_form(forged, GRAPH_DEFAULT)).await;
        assert_eq!(status, 400, "{forge}");
        assert_aad(&body, "invalid_grant", 50_013);
    }
    let (status, answer) = mint(json!({"tid": tid, "oid": oid, "forge": "signature"})).await;
    assert_eq!(status, 200);
    let forged_graph = answer["token"].as_str().unwrap_or_default();
    assert_eq!(
        get_with(&sim, "/v1.0/sites/root", forged_graph)
            .await
            .status(),
        401
    );
    let (status, _) = mint(json!({"tid": tid, "oid": oid, "forge": "algNone"})).await;
    assert_eq!(status, 400);
    let (status, _) = mint(json!({"api": true, "tid": tid, "oid": oid, "forge": "sulk"})).await;
    assert_eq!(status, 400);
}

/// The `kid`s tenant `tid`'s key set lists.
async fn published_kids(sim: &Sim, tid: &str) -> Vec<String> {
    let (_, jwks) = get_json(sim, &format!("/{tid}/discovery/v2.0/keys")).await;
    jwks["keys"]
        .as_array()
        .map(|keys| {
            keys.iter()
                .filter_map(|k| k["kid"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_rotated_in_key_verifies_from_then_on() {
    let sim = sim().await;
    let (builder, tid, _) = api_guest(&sim);
    let rotated = builder.build_with_unknown_key("sim-2027-1");
    let (status, _) = post_token(&sim, &tid, &obo_form(&rotated, GRAPH_DEFAULT)).await;
    assert_eq!(status, 400);

    sim.publish_rogue_key("sim-2027-1");
    sim.publish_rogue_key("sim-2027-1");
    assert_eq!(
        published_kids(&sim, &tid).await,
        ["sim-2026-1", "sim-2027-1"]
    );
    exchange(&sim, &tid, &rotated, GRAPH_DEFAULT).await;
    // Still not under another kid.
    let (status, _) = post_token(
        &sim,
        &tid,
        &obo_form(&builder.build_with_unknown_key("rogue-1"), GRAPH_DEFAULT),
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn a_withdrawn_key_leaves_the_key_set_and_verifies_nothing_any_more() {
    let sim = sim().await;
    let (builder, tid, _) = api_guest(&sim);
    let rotated = builder.build_with_unknown_key("sim-2027-1");
    sim.publish_rogue_key("sim-2027-1");
    exchange(&sim, &tid, &rotated, GRAPH_DEFAULT).await;

    sim.withdraw_rogue_key("sim-2027-1");

    assert_eq!(published_kids(&sim, &tid).await, ["sim-2026-1"]);
    let (status, _) = post_token(&sim, &tid, &obo_form(&rotated, GRAPH_DEFAULT)).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn key_set_faults_hit_only_the_key_set_and_metadata() {
    let sim = sim().await;
    let (builder, tid, _) = api_guest(&sim);
    let keys = format!("/{tid}/discovery/v2.0/keys");
    sim.inject(
        Fault::keys(FaultAction::Status {
            status: 503,
            retry_after: None,
        })
        .times(2),
    );
    // Neither a token request nor Graph spends it.
    let token = exchange(&sim, &tid, &builder.build(), GRAPH_DEFAULT).await;
    assert_eq!(
        get_with(&sim, "/v1.0/sites/root", &token).await.status(),
        200
    );
    let (status, body) = get_json(&sim, &keys).await;
    assert_eq!(status, 503);
    assert_aad(&body, "temporarily_unavailable", 90_033);
    let (status, _) = get_json(
        &sim,
        &format!("/{tid}/v2.0/.well-known/openid-configuration"),
    )
    .await;
    assert_eq!(status, 503);
    assert_eq!(get_json(&sim, &keys).await.0, 200);
    // Over the admin API, a dropped connection.
    let r = sim
        .client
        .post(format!("{}/_sim/faults", sim.login_base_url()))
        .json(&json!({"target": "keys", "action": "drop"}))
        .send()
        .await
        .expect("an answer");
    assert_eq!(r.status(), 200);
    let dropped = sim
        .client
        .get(format!("{}{keys}", sim.login_base_url()))
        .send()
        .await;
    assert!(dropped.is_err());
    assert_eq!(get_json(&sim, &keys).await.0, 200);
}

#[tokio::test]
async fn a_certificate_credential_authenticates_the_exchange_instead_of_the_secret() {
    let sim = sim().await;
    let (builder, tid, _) = api_guest(&sim);
    let base = sim.login_base_url();
    let with_credential = |credential: String, kind: &str| {
        let mut form = obo_form(&builder.build(), GRAPH_DEFAULT);
        form.retain(|(k, _)| *k != "client_secret");
        form.push(("client_assertion", credential));
        if !kind.is_empty() {
            form.push(("client_assertion_type", kind.to_owned()));
        }
        form
    };
    const TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    let good = token::client_assertion(&base, &tid, |_| {});
    let header = jsonwebtoken::decode_header(&good).expect("a header");
    assert_eq!(format!("{:?}", header.alg), "PS256");
    let (status, body) = post_token(&sim, &tid, &with_credential(good.clone(), TYPE)).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["access_token"].is_string());
    assert_eq!(token::sim_api_client_cert_thumbprint().len(), 43);
    assert!(token::SIM_API_CLIENT_CERT_PEM.starts_with("-----BEGIN CERTIFICATE-----"));
    assert!(token::SIM_API_CLIENT_KEY_PEM.starts_with("-----BEGIN PRIVATE KEY-----"));

    let other_tenant = fresh().0;
    let cases: Vec<(&str, String, &str, u16, &str, u64)> = vec![
        ("no type", good.clone(), "", 400, "invalid_request", 900_144),
        (
            "wrong type",
            good.clone(),
            "password",
            400,
            "invalid_request",
            700_026,
        ),
        (
            "not a JWT",
            "x".into(),
            TYPE,
            400,
            "invalid_request",
            50_027,
        ),
        (
            "an API token (another issuer, no federated record)",
            ApiTokenBuilder::guest(&base, &tid, "o").build(),
            TYPE,
            401,
            "invalid_client",
            70_021,
        ),
        (
            "another tenant's endpoint",
            token::client_assertion(&base, &other_tenant, |_| {}),
            TYPE,
            401,
            "invalid_client",
            700_023,
        ),
        (
            "another client",
            token::client_assertion(&base, &tid, |c| {
                c.insert("sub".into(), json!("someone-else"));
            }),
            TYPE,
            401,
            "invalid_client",
            700_021,
        ),
        (
            "expired",
            token::client_assertion(&base, &tid, |c| {
                c.insert("exp".into(), json!(epoch_now() - 120));
            }),
            TYPE,
            401,
            "invalid_client",
            700_024,
        ),
        (
            "tampered",
            {
                let (input, _) = good.rsplit_once('.').unwrap_or_default();
                let forged = token::client_assertion(&base, &tid, |c| {
                    c.insert("jti".into(), json!("other"));
                });
                format!("{input}.{}", forged.rsplit('.').next().unwrap_or_default())
            },
            TYPE,
            401,
            "invalid_client",
            700_027,
        ),
    ];
    for (what, credential, kind, status, error, code) in cases {
        let (got, body) = post_token(&sim, &tid, &with_credential(credential, kind)).await;
        assert_eq!(got, status, "{what}: {body}");
        assert_aad(&body, error, code);
    }
    // The log keeps no credential either.
    let log = serde_json::to_string(&sim.requests()).unwrap_or_default();
    assert!(!log.contains(&good) && !log.contains("eyJ"));
}
