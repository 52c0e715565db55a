//! The API registration's own credentials at the token endpoint (secret,
//! certificate, federated) and STS `GetWebIdentityToken` through the real
//! `aws-sdk-sts` client, over real HTTP.

use serde_json::{Value, json};

use super::obo::{CLIENT_ASSERTION_TYPE, JWT_BEARER};
use super::token::{self, ApiTokenBuilder, epoch_now};
use super::*;

const GRAPH_DEFAULT: &str = "https://graph.microsoft.com/.default";

async fn sim(accepts: AcceptedCredentials) -> GraphSimulator {
    GraphSimulator::start(Scenario {
        api_accepts: accepts,
        ..Scenario::demo()
    })
    .await
    .expect("simulator starts")
}

fn tenant() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// An OBO form authenticated by `credential`: `("client_secret", value)`
/// or `("client_assertion", jwt)` (with its type).
fn form(sim: &GraphSimulator, tid: &str, credential: &[(&str, String)]) -> String {
    let oid = uuid::Uuid::new_v4().to_string();
    let assertion = ApiTokenBuilder::guest(&sim.login_base_url(), tid, &oid).build();
    let mut out = form_urlencoded::Serializer::new(String::new());
    out.append_pair("grant_type", JWT_BEARER)
        .append_pair("client_id", SIM_API_CLIENT_ID)
        .append_pair("assertion", &assertion)
        .append_pair("scope", GRAPH_DEFAULT)
        .append_pair("requested_token_use", "on_behalf_of");
    for (k, v) in credential {
        out.append_pair(k, v);
    }
    out.finish()
}

fn assertion(jwt: String) -> Vec<(&'static str, String)> {
    vec![
        ("client_assertion_type", CLIENT_ASSERTION_TYPE.to_owned()),
        ("client_assertion", jwt),
    ]
}

fn secret() -> Vec<(&'static str, String)> {
    vec![("client_secret", SIM_API_CLIENT_SECRET.to_owned())]
}

/// `(status, error, first error code)` of a token request.
async fn exchange(
    sim: &GraphSimulator,
    tid: &str,
    credential: &[(&str, String)],
) -> (u16, String, u64) {
    let r = reqwest::Client::new()
        .post(format!("{}/{tid}/oauth2/v2.0/token", sim.login_base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(sim, tid, credential))
        .send()
        .await
        .expect("an answer");
    let status = r.status().as_u16();
    let body: Value = r.json().await.unwrap_or_default();
    if status == 200 {
        assert!(body["access_token"].is_string(), "{body}");
    }
    (
        status,
        body["error"].as_str().unwrap_or_default().to_owned(),
        body["error_codes"][0].as_u64().unwrap_or_default(),
    )
}

#[tokio::test]
async fn a_registration_without_a_secret_refuses_every_client_secret() {
    let sim = sim(AcceptedCredentials::certificate_only()).await;
    let tid = tenant();
    assert_eq!(
        exchange(&sim, &tid, &secret()).await,
        (401, "invalid_client".into(), 7_000_215)
    );
    let cert = token::client_assertion(&sim.login_base_url(), &tid, |_| {});
    assert_eq!(exchange(&sim, &tid, &assertion(cert.clone())).await.0, 200);
    // Both at once: refused, whichever would hold.
    let mut both = secret();
    both.extend(assertion(cert));
    assert_eq!(exchange(&sim, &tid, &both).await.0, 400);
    // The log says what came, never the secret's value or a signature.
    let log = sim.requests();
    let auth: Vec<ClientAuth> = log.iter().filter_map(|r| r.client_auth.clone()).collect();
    assert_eq!(auth.len(), 3);
    assert!(auth[0].secret && auth[0].assertion.is_none());
    assert!(!auth[1].secret);
    assert_eq!(
        auth[1].assertion_type.as_deref(),
        Some(CLIENT_ASSERTION_TYPE)
    );
    let parts = auth[1].assertion.clone().expect("the assertion's parts");
    assert_eq!(parts.header["alg"], "PS256");
    assert_eq!(parts.claims["iss"], SIM_API_CLIENT_ID);
    let text = serde_json::to_string(&log).unwrap_or_default();
    assert!(!text.contains(SIM_API_CLIENT_SECRET) && !text.contains("eyJ"));
}

#[tokio::test]
async fn a_certificate_assertion_is_reusable_but_its_jti_and_lifetime_are_not() {
    let sim = sim(AcceptedCredentials::certificate_only()).await;
    let tid = tenant();
    let base = sim.login_base_url();
    let one = token::client_assertion(&base, &tid, |c| {
        c.insert("jti".into(), json!("jti-1"));
    });
    assert_eq!(exchange(&sim, &tid, &assertion(one.clone())).await.0, 200);
    assert_eq!(
        exchange(&sim, &tid, &assertion(one)).await.0,
        200,
        "the same assertion again"
    );
    // Another assertion (PS256 signatures differ each time) under that jti.
    let same_jti = token::client_assertion(&base, &tid, |c| {
        c.insert("jti".into(), json!("jti-1"));
    });
    assert_eq!(
        exchange(&sim, &tid, &assertion(same_jti)).await,
        (401, "invalid_client".into(), 700_025)
    );
    let no_jti = token::client_assertion(&base, &tid, |c| {
        c.remove("jti");
    });
    assert_eq!(exchange(&sim, &tid, &assertion(no_jti)).await.0, 401);
    let long = token::client_assertion(&base, &tid, |c| {
        c.insert("exp".into(), json!(epoch_now() + 601));
    });
    assert_eq!(
        exchange(&sim, &tid, &assertion(long)).await,
        (401, "invalid_client".into(), 700_024)
    );
}

#[tokio::test]
async fn a_certificate_the_registration_does_not_hold_is_refused() {
    let sim = sim(AcceptedCredentials::federated_only(vec![
        FederatedCredential::aws_role(TOKEN_EXCHANGE_AUDIENCE),
    ]))
    .await;
    let tid = tenant();
    let cert = token::client_assertion(&sim.login_base_url(), &tid, |_| {});
    assert_eq!(
        exchange(&sim, &tid, &assertion(cert)).await,
        (401, "invalid_client".into(), 700_027)
    );
    assert_eq!(exchange(&sim, &tid, &secret()).await.0, 401);
}

#[tokio::test]
async fn a_federated_assertion_holds_only_for_its_registered_issuer_subject_and_audience() {
    let sim = sim(AcceptedCredentials::federated_only(vec![
        FederatedCredential::aws_role(TOKEN_EXCHANGE_AUDIENCE),
    ]))
    .await;
    let tid = tenant();
    let good = token::aws_web_identity_token(TOKEN_EXCHANGE_AUDIENCE, |_| {});
    assert_eq!(exchange(&sim, &tid, &assertion(good)).await.0, 200);
    let no_record = (401, "invalid_client".to_owned(), 70_021);
    for (what, jwt, expected) in [
        (
            "another audience",
            token::aws_web_identity_token("api://AzureADTokenExchangeUSGov", |_| {}),
            no_record.clone(),
        ),
        (
            "another role",
            token::aws_web_identity_token(TOKEN_EXCHANGE_AUDIENCE, |c| {
                c.insert("sub".into(), json!("arn:aws:iam::123456789012:role/other"));
            }),
            no_record.clone(),
        ),
        (
            "another issuer",
            token::aws_web_identity_token(TOKEN_EXCHANGE_AUDIENCE, |c| {
                c.insert(
                    "iss".into(),
                    json!("https://other.tokens.sts.global.api.aws"),
                );
            }),
            no_record.clone(),
        ),
        (
            "expired",
            token::aws_web_identity_token(TOKEN_EXCHANGE_AUDIENCE, |c| {
                c.insert("exp".into(), json!(epoch_now() - 120));
            }),
            (401, "invalid_client".into(), 700_024),
        ),
        (
            "not signed by the issuer",
            token::aws_web_identity_token_forged(TOKEN_EXCHANGE_AUDIENCE),
            (401, "invalid_client".into(), 700_027),
        ),
    ] {
        assert_eq!(
            exchange(&sim, &tid, &assertion(jwt)).await,
            expected,
            "{what}"
        );
    }
}

fn sts_client(sim: &GraphSimulator) -> aws_sdk_sts::Client {
    let config = aws_sdk_sts::Config::builder()
        .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
        .region(aws_sdk_sts::config::Region::new("eu-west-1"))
        .credentials_provider(aws_sdk_sts::config::Credentials::new(
            "AKIDSIMULATED",
            "not-a-secret",
            None,
            None,
            "test",
        ))
        .endpoint_url(sim.sts_endpoint_url())
        .build();
    aws_sdk_sts::Client::from_conf(config)
}

#[tokio::test]
async fn sts_answers_get_web_identity_token_to_the_real_sdk_with_a_token_entra_trusts() {
    let sim = sim(AcceptedCredentials::federated_only(vec![
        FederatedCredential::aws_role(TOKEN_EXCHANGE_AUDIENCE),
    ]))
    .await;
    let answer = sts_client(&sim)
        .get_web_identity_token()
        .audience(TOKEN_EXCHANGE_AUDIENCE)
        .signing_algorithm("RS256")
        .duration_seconds(300)
        .send()
        .await
        .expect("the SDK reads the answer");
    let jwt = answer.web_identity_token().expect("a token").to_owned();
    let expiration = answer.expiration().expect("an expiration").secs();
    assert!(
        (expiration - (epoch_now() + 300)).abs() <= 2,
        "{expiration}"
    );
    let claims = token::claims_of(&jwt).expect("a JWT");
    assert_eq!(claims["sub"], SIM_AWS_ROLE_ARN);
    assert_eq!(claims["iss"], SIM_AWS_ISSUER);
    assert_eq!(claims["aud"], TOKEN_EXCHANGE_AUDIENCE);
    let log = sim.requests();
    let call = log
        .iter()
        .find(|r| r.kind == RequestKind::Sts)
        .and_then(|r| r.sts.clone())
        .expect("the STS call is logged");
    assert_eq!(
        call,
        StsCall {
            action: Some("GetWebIdentityToken".into()),
            version: Some("2011-06-15".into()),
            audiences: vec![TOKEN_EXCHANGE_AUDIENCE.into()],
            signing_algorithm: Some("RS256".into()),
            duration_seconds: Some("300".into()),
            signed: true,
        }
    );
    assert!(
        !serde_json::to_string(&log)
            .unwrap_or_default()
            .contains(&jwt)
    );
    // The identity platform trusts it as the registration's credential.
    let tid = tenant();
    assert_eq!(exchange(&sim, &tid, &assertion(jwt)).await.0, 200);
}

#[tokio::test]
async fn sts_refuses_what_the_api_reference_refuses() {
    let sim = sim(AcceptedCredentials::default()).await;
    let client = sts_client(&sim);
    let code = |r: Result<_, aws_sdk_sts::error::SdkError<_, _>>| match r {
        Ok(_) => "ok".to_owned(),
        Err(e) => {
            use aws_sdk_sts::error::ProvideErrorMetadata;
            e.code().unwrap_or("none").to_owned()
        }
    };
    let ask = |duration: i32, alg: &'static str| {
        client
            .get_web_identity_token()
            .audience(TOKEN_EXCHANGE_AUDIENCE)
            .signing_algorithm(alg)
            .duration_seconds(duration)
            .send()
    };
    assert_eq!(code(ask(30, "RS256").await), "ValidationError");
    assert_eq!(code(ask(3601, "RS256").await), "ValidationError");
    assert_eq!(code(ask(300, "HS256").await), "ValidationError");
    let no_audience = client
        .get_web_identity_token()
        .signing_algorithm("RS256")
        .send()
        .await;
    assert_eq!(code(no_audience), "ValidationError");
    sim.set_aws_outbound_federation(false);
    let disabled = ask(300, "RS256").await;
    assert!(matches!(
        disabled.as_ref().map_err(|e| e.as_service_error()),
        Err(Some(aws_sdk_sts::operation::get_web_identity_token::GetWebIdentityTokenError::OutboundWebIdentityFederationDisabledException(_)))
    ));
    // An unsigned request is not answered.
    let unsigned = reqwest::Client::new()
        .post(sim.sts_endpoint_url())
        .header("content-type", "application/x-www-form-urlencoded")
        .body("Action=GetWebIdentityToken&Version=2011-06-15&Audience.member.1=a&SigningAlgorithm=RS256")
        .send()
        .await
        .expect("an answer");
    assert_eq!(unsigned.status(), 403);
}
