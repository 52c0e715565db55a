//! `CLOUD`: a national cloud's defaults, against a simulator that plays
//! that cloud's Graph and identity platform (Graph's resource
//! `https://graph.microsoft.us` for GCC High). `GRAPH_BASE_URL` and
//! `LOGIN_BASE_URL` point at the simulator, as explicit variables win over
//! the cloud's defaults; everything else is the cloud's.

use graph_sim::{AcceptedCredentials, FederatedCredential, RequestKind, Scenario};
use serde_json::json;
use share_resolver::cloud::Cloud;
use share_resolver::configuration::Settings;
use share_resolver::identity::OboCredential;

use crate::helpers::sts_config;
use crate::helpers::{
    ApiUser, Guest, Reached, SHARE_URL, TestApp, add_share, assert_problem, header, reached,
    spawn_app_with, spawn_obo_app_with,
};

const USGOV_GRAPH: &str = "https://graph.microsoft.us";
const USGOV_SHARE_URL: &str =
    "https://contoso.sharepoint.us/:w:/s/Marketing/EaUsGovLaunchPlan00000000?e=us1";

/// The simulator as GCC High's Graph, with a link on a GCC High host.
fn usgov_scenario() -> Scenario {
    Scenario {
        graph_resource: USGOV_GRAPH.to_owned(),
        ..Scenario::demo()
    }
}

/// Applies what the service reads from `CLOUD=usgov` with Graph and login
/// set to the simulator's: the cloud and its sharing hosts.
fn in_usgov(settings: &mut Settings) {
    let read = Settings::from_lookup(|name| match name {
        "CLOUD" => Some("usgov".to_owned()),
        "GRAPH_BASE_URL" => Some(settings.graph_base_url.clone()),
        "LOGIN_BASE_URL" => Some(settings.identity.login_base_url.clone()),
        _ => None,
    })
    .expect("CLOUD=usgov reads");
    assert_eq!(read.cloud, Cloud::UsGov);
    assert_eq!(
        read.graph_base_url, settings.graph_base_url,
        "explicit wins"
    );
    assert_eq!(
        read.identity.login_base_url,
        settings.identity.login_base_url
    );
    settings.cloud = read.cloud;
    settings.allowed_share_hosts = read.allowed_share_hosts;
}

async fn spawn_usgov_obo_app() -> TestApp {
    let app = spawn_obo_app_with(usgov_scenario(), in_usgov).await;
    add_share(&app.graph, USGOV_SHARE_URL, "Launch plan.docx");
    app
}

/// The `scope` of every token request since the log was last cleared.
fn exchange_scopes(app: &TestApp) -> Vec<String> {
    app.graph
        .requests()
        .into_iter()
        .filter(|r| r.kind == RequestKind::Token)
        .map(|r| r.scope.unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn in_usgov_the_exchange_asks_for_usgov_graph_and_a_sharepoint_us_link_resolves() {
    let app = spawn_usgov_obo_app().await;
    let guest = ApiUser::guest(&app);
    app.graph.clear_requests();

    let r = app
        .post_resolve(json!({"shareUrl": USGOV_SHARE_URL}), Some(&guest.token))
        .await;

    assert_eq!(r.status(), 200);
    assert_eq!(
        header(&r, "x-resolver-warmup"),
        "sharepoint",
        "a sharepoint.us host is SharePoint Online in usgov"
    );
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["name"], "Launch plan.docx");
    assert_eq!(
        exchange_scopes(&app),
        [
            "https://graph.microsoft.us/.default",
            "https://contoso.sharepoint.us/.default"
        ],
        "Graph's usgov scope, then the SharePoint warm-up's host"
    );
}

#[tokio::test]
async fn in_usgov_a_sharepoint_com_link_is_invalid_share_with_no_call_of_any_kind() {
    let app = spawn_usgov_obo_app().await;
    let guest = ApiUser::guest(&app);
    app.graph.clear_requests();

    let r = app
        .post_resolve(json!({"shareUrl": SHARE_URL}), Some(&guest.token))
        .await;

    assert_problem(r, 400, "invalid_share").await;
    assert_eq!(reached(&app.graph), Reached::default());
}

#[tokio::test]
async fn in_usgov_graph_mode_takes_usgov_graph_tokens_and_refuses_global_ones_unsent() {
    let app = spawn_app_with(usgov_scenario(), in_usgov).await;
    add_share(&app.graph, USGOV_SHARE_URL, "Launch plan.docx");

    let global = Guest::with(|token| token.aud("https://graph.microsoft.com"));
    let r = app
        .post_resolve(json!({"shareUrl": USGOV_SHARE_URL}), Some(&global.token))
        .await;
    assert_problem(r, 401, "wrong_audience").await;
    assert!(app.graph_requests_for(&global).is_empty());

    // Graph's app id is its audience in every cloud.
    for aud in [USGOV_GRAPH, "00000003-0000-0000-c000-000000000000"] {
        let usgov = Guest::with(|token| token.aud(aud));
        let r = app
            .post_resolve(json!({"shareUrl": USGOV_SHARE_URL}), Some(&usgov.token))
            .await;
        assert_eq!(r.status(), 200, "{aud}");
    }
}

#[tokio::test]
async fn in_usgov_the_federated_credential_is_asked_of_sts_for_the_usgov_token_exchange_audience() {
    const USGOV_EXCHANGE: &str = "api://AzureADTokenExchangeUSGov";
    let scenario = Scenario {
        api_accepts: AcceptedCredentials::federated_only(vec![FederatedCredential::aws_role(
            USGOV_EXCHANGE,
        )]),
        ..usgov_scenario()
    };
    let app = spawn_obo_app_with(scenario, |s| {
        in_usgov(s);
        s.identity.obo_credential = Some(OboCredential::AwsWebIdentity);
        let sts = s.graph_base_url.replace("/v1.0", "/_aws/sts");
        s.identity.aws = Some(sts_config(&sts));
    })
    .await;
    add_share(&app.graph, USGOV_SHARE_URL, "Launch plan.docx");
    let guest = ApiUser::guest(&app);

    let r = app
        .post_resolve(json!({"shareUrl": USGOV_SHARE_URL}), Some(&guest.token))
        .await;

    let status = r.status();
    let body = r.text().await.unwrap_or_default();
    assert_eq!(
        status, 200,
        "the registration trusts the USGov audience: {body}"
    );
    let audiences: Vec<Vec<String>> = app
        .graph
        .requests()
        .into_iter()
        .filter_map(|r| r.sts.map(|sts| sts.audiences))
        .collect();
    assert_eq!(audiences, [vec![USGOV_EXCHANGE.to_owned()]]);
}
