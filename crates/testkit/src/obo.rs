//! The `obo` identity mode against the simulator's identity platform: the
//! service's settings, users of the simulated tenant with API tokens, and
//! counts of what reached Graph and the token endpoint.

use graph_sim::token::ApiTokenBuilder;
use graph_sim::{
    DEMO_TENANT, GraphSimulator, RequestKind, SIM_API_CLIENT_ID, SIM_API_CLIENT_SECRET,
    SIM_SPA_CLIENT_ID, Scenario, SimUser,
};
use secrecy::SecretString;
use share_resolver::configuration::Settings;
use share_resolver::hydration::{HydrationStore, MemoryStore};
use share_resolver::identity::{AuthMode, IdentitySettings, OboCredential, OboSecret};

use crate::spawn::{TestApp, spawn_service, test_settings};

/// The identity settings of a deployment for the simulated tenant.
pub fn obo_identity(graph: &GraphSimulator) -> IdentitySettings {
    IdentitySettings {
        mode: AuthMode::Obo,
        allowed_tenants: Some(vec![DEMO_TENANT.to_owned()]),
        api_audience: vec![
            SIM_API_CLIENT_ID.to_owned(),
            format!("api://{SIM_API_CLIENT_ID}"),
        ],
        allowed_client_apps: vec![SIM_SPA_CLIENT_ID.to_owned()],
        required_scope: "access_as_user".to_owned(),
        obo_client_id: Some(SIM_API_CLIENT_ID.to_owned()),
        obo_credential: Some(OboCredential::Secret(OboSecret::Value(SecretString::from(
            SIM_API_CLIENT_SECRET,
        )))),
        login_base_url: graph.login_base_url(),
        ..IdentitySettings::default()
    }
}

/// The AWS SDK's configuration a Lambda role would have (temporary
/// credentials of no value), with STS at `endpoint` (the simulator's
/// [`GraphSimulator::sts_endpoint_url`]).
pub fn sts_config(endpoint: &str) -> aws_config::SdkConfig {
    use aws_sdk_dynamodb::config::{
        BehaviorVersion, Credentials, Region, SharedCredentialsProvider,
    };
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

/// The service in `obo` mode, with `configure` applied after.
pub async fn spawn_obo_app_with(
    scenario: Scenario,
    configure: impl FnOnce(&mut Settings),
) -> TestApp {
    let graph = GraphSimulator::start(scenario)
        .await
        .expect("simulator starts");
    let mut settings = test_settings(&graph);
    settings.identity = obo_identity(&graph);
    configure(&mut settings);
    let store: std::sync::Arc<dyn HydrationStore> =
        std::sync::Arc::new(MemoryStore::new(1000, settings.hydration_ttl));
    spawn_service(graph, settings, store).await
}

pub async fn spawn_obo_app() -> TestApp {
    spawn_obo_app_with(Scenario::demo(), |_| {}).await
}

/// A user of the simulated tenant and their token for this API.
pub struct ApiUser {
    pub tid: String,
    pub oid: String,
    pub token: String,
    builder: ApiTokenBuilder,
}

impl ApiUser {
    /// A B2B guest (cold until a warm-up), known to the simulator.
    pub fn guest(app: &TestApp) -> Self {
        let oid = uuid::Uuid::new_v4().to_string();
        app.graph.add_user(SimUser::guest(DEMO_TENANT, &oid));
        let builder = ApiTokenBuilder::guest(&app.graph.login_base_url(), DEMO_TENANT, &oid);
        Self::with(builder, oid)
    }

    /// A member of the tenant.
    pub fn member(app: &TestApp) -> Self {
        let oid = uuid::Uuid::new_v4().to_string();
        app.graph.add_user(SimUser::member(DEMO_TENANT, &oid));
        let builder = ApiTokenBuilder::member(&app.graph.login_base_url(), DEMO_TENANT, &oid);
        Self::with(builder, oid)
    }

    fn with(builder: ApiTokenBuilder, oid: String) -> Self {
        Self {
            tid: DEMO_TENANT.to_owned(),
            oid,
            token: builder.build(),
            builder,
        }
    }

    /// This user's token builder, to shape other (good or bad) tokens.
    pub fn builder(&self) -> ApiTokenBuilder {
        self.builder.clone()
    }

    pub fn key(&self) -> String {
        format!("{}#{}", self.tid, self.oid)
    }
}

/// What reached the simulator since its log was last cleared.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reached {
    /// Graph and SharePoint REST calls.
    pub graph: usize,
    /// Token exchanges, and those for Graph's scope.
    pub exchanges: usize,
    pub graph_exchanges: usize,
    /// Key set fetches.
    pub key_fetches: usize,
    /// STS `GetWebIdentityToken` calls.
    pub sts: usize,
}

pub fn reached(graph: &GraphSimulator) -> Reached {
    let mut reached = Reached::default();
    for r in graph.requests() {
        match r.kind {
            RequestKind::Token => {
                reached.exchanges += 1;
                if r.scope.as_deref() == Some("https://graph.microsoft.com/.default") {
                    reached.graph_exchanges += 1;
                }
            }
            RequestKind::Keys => reached.key_fetches += 1,
            RequestKind::Sts => reached.sts += 1,
            RequestKind::OpenIdConfiguration | RequestKind::Admin => {}
            _ => reached.graph += 1,
        }
    }
    reached
}
