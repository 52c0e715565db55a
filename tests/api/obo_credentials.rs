//! The function's own credential in `obo` mode, each kind through the real
//! router: cold guests resolved while the simulated identity platform (and
//! STS) record what they received.

use graph_sim::token::{
    SIM_API_CLIENT_CERT_PEM, SIM_API_CLIENT_KEY_PEM, sim_api_client_cert_thumbprint,
};
use graph_sim::{
    AcceptedCredentials, ClientAuth, FederatedCredential, RequestKind, SIM_API_CLIENT_ID,
    SIM_AWS_ISSUER, SIM_AWS_ROLE_ARN, Scenario, StsCall, TOKEN_EXCHANGE_AUDIENCE,
};
use serde_json::json;
use share_resolver::identity::{CertificateSource, OboCredential};

use crate::helpers::{ApiUser, SHARE_URL, TestApp, header, spawn_obo_app_with};

/// The AWS SDK's configuration a Lambda role would have, STS at `endpoint`.
pub(crate) fn sts_config(endpoint: &str) -> aws_config::SdkConfig {
    use aws_sdk_sts::config::{BehaviorVersion, Credentials, Region, SharedCredentialsProvider};
    aws_config::SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("eu-west-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "ASIASIMULATED",
            "not-a-secret",
            Some("session".into()),
            None,
            "test",
        )))
        .endpoint_url(endpoint)
        .build()
}

async fn resolve_cold_guest(app: &TestApp) {
    let user = ApiUser::guest(app);
    let r = app
        .post_resolve(json!({"shareUrl": SHARE_URL}), Some(&user.token))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "x-resolver-hydration"), "miss");
}

/// What the token endpoint received, request by request.
fn client_auths(app: &TestApp) -> Vec<ClientAuth> {
    app.graph
        .requests()
        .into_iter()
        .filter(|r| r.kind == RequestKind::Token)
        .map(|r| {
            assert_eq!(r.status, 200, "{r:?}");
            r.client_auth
                .expect("a token request's credential is logged")
        })
        .collect()
}

fn distinct_jtis(auths: &[ClientAuth]) -> usize {
    let mut jtis: Vec<String> = auths
        .iter()
        .filter_map(|a| a.assertion.as_ref())
        .map(|a| a.claims["jti"].as_str().unwrap_or_default().to_owned())
        .collect();
    jtis.sort();
    jtis.dedup();
    jtis.len()
}

#[tokio::test]
async fn a_certificate_credential_signs_one_reused_ps256_assertion_and_sends_no_secret() {
    let pem = std::env::temp_dir().join(format!("sr-cert-{}.pem", uuid::Uuid::new_v4()));
    std::fs::write(
        &pem,
        format!("{SIM_API_CLIENT_CERT_PEM}\n{SIM_API_CLIENT_KEY_PEM}"),
    )
    .expect("the PEM is written");
    let scenario = Scenario {
        api_accepts: AcceptedCredentials::certificate_only(),
        ..Scenario::demo()
    };
    let path = pem.clone();
    let app = spawn_obo_app_with(scenario, move |s| {
        s.identity.obo_credential = Some(OboCredential::Certificate(CertificateSource::Path(path)));
    })
    .await;
    resolve_cold_guest(&app).await;
    resolve_cold_guest(&app).await;
    let _ = std::fs::remove_file(&pem);

    let auths = client_auths(&app);
    assert!(
        auths.len() >= 4,
        "Graph and SharePoint exchanges of two guests: {auths:?}"
    );
    let endpoint = format!(
        "{}/{}/oauth2/v2.0/token",
        app.graph.login_base_url(),
        graph_sim::DEMO_TENANT
    );
    for auth in &auths {
        assert!(!auth.secret, "no client_secret with a certificate");
        assert_eq!(
            auth.assertion_type.as_deref(),
            Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        );
        let a = auth.assertion.as_ref().expect("an assertion");
        assert_eq!(a.header["alg"], "PS256");
        assert_eq!(a.header["typ"], "JWT");
        assert_eq!(a.header["x5t#S256"], sim_api_client_cert_thumbprint());
        assert_eq!(a.claims["aud"], endpoint);
        assert_eq!(a.claims["iss"], SIM_API_CLIENT_ID);
        assert_eq!(a.claims["sub"], SIM_API_CLIENT_ID);
        assert_eq!(a.claims["iat"], a.claims["nbf"]);
        let lifetime = a.claims["exp"].as_i64().unwrap_or_default()
            - a.claims["nbf"].as_i64().unwrap_or_default();
        assert_eq!(lifetime, 600);
    }
    assert_eq!(
        distinct_jtis(&auths),
        1,
        "fewer assertions than exchanges: one reused"
    );
}

#[tokio::test]
async fn the_aws_web_identity_credential_asks_sts_once_and_sends_its_token_as_the_assertion() {
    let scenario = Scenario {
        api_accepts: AcceptedCredentials::federated_only(vec![FederatedCredential::aws_role(
            TOKEN_EXCHANGE_AUDIENCE,
        )]),
        ..Scenario::demo()
    };
    let app = spawn_obo_app_with(scenario, |s| {
        s.identity.obo_credential = Some(OboCredential::AwsWebIdentity);
        // The simulator's STS, beside its Graph; as a role's credentials would.
        let sts = s.graph_base_url.replace("/v1.0", "/_aws/sts");
        s.identity.aws = Some(sts_config(&sts));
    })
    .await;
    resolve_cold_guest(&app).await;
    resolve_cold_guest(&app).await;

    let log = app.graph.requests();
    let sts: Vec<StsCall> = log.iter().filter_map(|r| r.sts.clone()).collect();
    assert_eq!(
        sts,
        vec![StsCall {
            action: Some("GetWebIdentityToken".into()),
            version: Some("2011-06-15".into()),
            audiences: vec![TOKEN_EXCHANGE_AUDIENCE.into()],
            signing_algorithm: Some("RS256".into()),
            duration_seconds: Some("300".into()),
            signed: true,
        }],
        "STS asked once for the token's lifetime"
    );
    let auths = client_auths(&app);
    assert!(auths.len() >= 4, "{auths:?}");
    for auth in &auths {
        assert!(!auth.secret, "no client_secret with federation");
        let a = auth.assertion.as_ref().expect("an assertion");
        assert_eq!(a.claims["iss"], SIM_AWS_ISSUER);
        assert_eq!(a.claims["sub"], SIM_AWS_ROLE_ARN);
        assert_eq!(a.claims["aud"], TOKEN_EXCHANGE_AUDIENCE);
    }
    assert_eq!(distinct_jtis(&auths), 1);
}
