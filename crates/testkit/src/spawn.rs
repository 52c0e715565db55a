//! The service and the Graph simulator on random loopback ports, with one
//! typed method per route.

use std::io::Write;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use graph_sim::token::TokenBuilder;
use graph_sim::{GraphSimulator, Scenario, SimItem, SimShare};
use reqwest::Response;
use serde_json::Value;
use share_resolver::clock::Clock;
use share_resolver::configuration::Settings;
use share_resolver::hydration::{HydrationStore, MemoryStore};
use share_resolver::metrics::Metrics;
use share_resolver::retry::RetryPolicy;
use share_resolver::startup::{App, serve};

use crate::logs::LOGS;

/// The request lines (each a log line and an EMF document) written by a
/// service under test.
#[derive(Clone, Default)]
pub struct MetricsCapture(Arc<std::sync::Mutex<Vec<String>>>);

impl MetricsCapture {
    /// A metrics sink writing here, in `settings`' namespace, and into
    /// [`LOGS`] too: the process's log lines, as stdout would hold them.
    pub fn metrics(&self, settings: &Settings) -> Metrics {
        let lines = self.0.clone();
        Metrics::with_sink(
            settings.metrics_namespace.clone(),
            Arc::new(move |line: &str| {
                // One write: concurrent tests must not split the line.
                let _ = LOGS.clone().write_all(format!("{line}\n").as_bytes());
                lines
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(line.to_owned());
            }),
        )
    }

    /// Every line so far, parsed (a line that is not JSON panics).
    pub fn documents(&self) -> Vec<Value> {
        let lines = self.0.lock().unwrap_or_else(|e| e.into_inner());
        lines
            .iter()
            .map(|l| serde_json::from_str(l).expect("an EMF line is JSON"))
            .collect()
    }
}

pub const SHARE_URL: &str =
    "https://contoso.sharepoint.com/:w:/s/Marketing/EaBcDeFgHiJkLmNoPqRsTuVw?e=4f2Kx9";
pub const SITE_WARMUP_PATH: &str = "/v1.0/sites/contoso.sharepoint.com:/sites/Marketing";

/// A running service and its simulated Graph.
pub struct TestApp {
    pub address: String,
    pub graph: GraphSimulator,
    pub store: Arc<dyn HydrationStore>,
    /// The EMF documents the service wrote, one a request.
    pub metrics: MetricsCapture,
    /// The service's clock: a test advances it instead of sleeping.
    pub clock: Clock,
    #[allow(dead_code)]
    pub settings: Settings,
    pub client: reqwest::Client,
}

/// A guest user: a fresh tenant/object id and a token for it.
pub struct Guest {
    pub tid: String,
    pub oid: String,
    pub token: String,
}

impl Default for Guest {
    fn default() -> Self {
        Self::with(|b| b)
    }
}

impl Guest {
    /// A fresh guest of a fresh tenant.
    pub fn new() -> Self {
        Self::default()
    }

    /// A guest whose token is shaped by `shape`.
    pub fn with(shape: impl FnOnce(TokenBuilder) -> TokenBuilder) -> Self {
        let tid = uuid::Uuid::new_v4().to_string();
        let oid = uuid::Uuid::new_v4().to_string();
        let token = shape(TokenBuilder::guest(&tid, &oid)).build();
        Self { tid, oid, token }
    }

    /// A user whose token says "tenant member" (`acct` 0).
    pub fn member() -> Self {
        Self::with(|b| b.claim("acct", serde_json::json!(0)).without("upn"))
    }

    /// Another token of the same user (another `iat`), as a second tab or
    /// a refreshed token would bring.
    pub fn another_token(&self) -> String {
        TokenBuilder::guest(&self.tid, &self.oid)
            .claim("uti", serde_json::json!(uuid::Uuid::new_v4().to_string()))
            .build()
    }

    /// This user's token for SharePoint REST on `host`.
    pub fn sharepoint_token(&self, host: &str) -> String {
        TokenBuilder::guest(&self.tid, &self.oid)
            .for_sharepoint(host)
            .build()
    }

    pub fn key(&self) -> String {
        format!("{}#{}", self.tid, self.oid)
    }
}

/// Settings for tests: fast backoff, short deadline, the simulator as Graph.
pub fn test_settings(graph: &GraphSimulator) -> Settings {
    Settings {
        graph_base_url: graph.base_url(),
        sharepoint_override: Some(format!("http://{}", graph.addr())),
        retry: RetryPolicy {
            backoff_base: Duration::from_millis(5),
            backoff_cap: Duration::from_millis(20),
            settle_base: Duration::from_millis(5),
            ..RetryPolicy::default()
        },
        resolve_deadline: Duration::from_secs(5),
        ..Settings::default()
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Scenario::demo(), |_| {}).await
}

/// Spawns the simulator with `scenario`, then the service with test
/// settings adjusted by `configure`, on the in-memory store.
pub async fn spawn_app_with(scenario: Scenario, configure: impl FnOnce(&mut Settings)) -> TestApp {
    let graph = GraphSimulator::start(scenario)
        .await
        .expect("simulator starts");
    let mut settings = test_settings(&graph);
    configure(&mut settings);
    let store: Arc<dyn HydrationStore> = Arc::new(MemoryStore::new(1000, settings.hydration_ttl));
    spawn_service(graph, settings, store).await
}

/// Spawns the service against an existing simulator and store (a "restart").
pub async fn spawn_service(
    graph: GraphSimulator,
    settings: Settings,
    store: Arc<dyn HydrationStore>,
) -> TestApp {
    let clock = Clock::manual();
    let (app, metrics) = build(&settings, store.clone(), clock.clone()).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(serve(listener, app.router));
    TestApp {
        address,
        graph,
        store,
        metrics,
        clock,
        settings,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
    }
}

/// The service built in process, with no listener (the Lambda adapter's
/// way in); its EMF documents go to the capture, not to the test output.
pub async fn build_app(
    settings: &Settings,
    store: Arc<dyn HydrationStore>,
) -> (App, MetricsCapture) {
    build(settings, store, Clock::manual()).await
}

async fn build(
    settings: &Settings,
    store: Arc<dyn HydrationStore>,
    clock: Clock,
) -> (App, MetricsCapture) {
    LazyLock::force(&LOGS);
    let metrics = MetricsCapture::default();
    let app = App::with_clock(settings, store, metrics.metrics(settings), clock)
        .await
        .expect("app builds");
    (app, metrics)
}

impl TestApp {
    /// `GET /v1/shares/{share_id}/driveItem`; `share_id` is put in the path
    /// as given (callers percent-encode raw URLs themselves).
    pub async fn get_drive_item(&self, share_id: &str, token: Option<&str>) -> Response {
        self.get_drive_item_with(share_id, token, &[]).await
    }

    pub async fn get_drive_item_with(
        &self,
        share_id: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Response {
        let request = self
            .client
            .get(format!("{}/v1/shares/{share_id}/driveItem", self.address));
        send(request, token, headers).await
    }

    /// `GET {path}` (path and query, as given) with extra headers: the
    /// folder routes, whose paths and options the tests spell out.
    pub async fn get_path(
        &self,
        path_and_query: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Response {
        let request = self.client.get(format!("{}{path_and_query}", self.address));
        send(request, token, headers).await
    }

    /// `GET /v1/shares/{share_id}/driveItem/children{query}`.
    pub async fn get_children(&self, share_id: &str, query: &str, token: Option<&str>) -> Response {
        self.get_path(
            &format!("/v1/shares/{share_id}/driveItem/children{query}"),
            token,
            &[],
        )
        .await
    }

    /// `GET /v1/drives/{drive}/items/{item}{tail}` (`tail`: `""`,
    /// `/children`, and any query).
    pub async fn get_drive_path(
        &self,
        drive: &str,
        item: &str,
        tail: &str,
        token: Option<&str>,
    ) -> Response {
        self.get_path(
            &format!("/v1/drives/{drive}/items/{item}{tail}"),
            token,
            &[],
        )
        .await
    }

    /// `POST {path}` with a raw body sent as JSON.
    pub async fn post_raw(
        &self,
        path: &str,
        body: impl Into<reqwest::Body>,
        token: Option<&str>,
    ) -> Response {
        let request = self
            .client
            .post(format!("{}{path}", self.address))
            .header("content-type", "application/json")
            .body(body);
        send(request, token, &[]).await
    }

    /// `POST /v1/resolve` with a raw body.
    pub async fn post_resolve_raw(
        &self,
        body: impl Into<reqwest::Body>,
        token: Option<&str>,
    ) -> Response {
        self.post_raw("/v1/resolve", body, token).await
    }

    pub async fn post_resolve(&self, body: Value, token: Option<&str>) -> Response {
        self.post_resolve_raw(body.to_string(), token).await
    }

    /// `POST /v1/resolve` with extra headers.
    pub async fn post_resolve_with(
        &self,
        body: Value,
        token: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Response {
        let request = self
            .client
            .post(format!("{}/v1/resolve", self.address))
            .header("content-type", "application/json")
            .body(body.to_string());
        send(request, token, headers).await
    }

    /// `POST /v1/warmup` with an optional JSON body and extra headers.
    pub async fn post_warmup(
        &self,
        body: Option<Value>,
        token: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Response {
        let mut request = self.client.post(format!("{}/v1/warmup", self.address));
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        send(request, token, headers).await
    }

    /// `POST /v1/$batch` with `{"requests": requests}`.
    pub async fn post_batch(&self, requests: Value, token: Option<&str>) -> Response {
        self.post_batch_with("/v1/$batch", requests, token, &[])
            .await
    }

    /// `POST {path}` (`/v1/$batch` or `/v1/batch`) with `{"requests":
    /// requests}` and extra headers.
    pub async fn post_batch_with(
        &self,
        path: &str,
        requests: Value,
        token: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Response {
        let request = self
            .client
            .post(format!("{}{path}", self.address))
            .header("content-type", "application/json")
            .body(serde_json::json!({ "requests": requests }).to_string());
        send(request, token, headers).await
    }

    /// Resolves the demo share by URL for `guest`.
    pub async fn resolve_demo(&self, guest: &Guest) -> Response {
        self.post_resolve(
            serde_json::json!({"shareUrl": SHARE_URL}),
            Some(&guest.token),
        )
        .await
    }

    pub async fn healthz(&self) -> Response {
        self.client
            .get(format!("{}/healthz", self.address))
            .send()
            .await
            .unwrap()
    }

    /// `GET /healthz` as a browser page on `origin` sends it.
    pub async fn healthz_from(&self, origin: &str) -> Response {
        self.client
            .get(format!("{}/healthz", self.address))
            .header("origin", origin)
            .send()
            .await
            .unwrap()
    }

    /// Graph paths the simulator saw for `guest`, in order (a `$batch`'s
    /// `/v1.0/$batch`, then the paths of the requests inside it).
    pub fn graph_paths_for(&self, guest: &Guest) -> Vec<String> {
        let key = guest.key();
        self.graph
            .requests()
            .into_iter()
            .filter(|r| r.user.as_deref() == Some(key.as_str()))
            .map(|r| r.path)
            .collect()
    }

    /// The kinds of `guest`'s Graph calls, in order.
    pub fn graph_kinds_for(&self, guest: &Guest) -> Vec<graph_sim::RequestKind> {
        let key = guest.key();
        self.graph
            .requests()
            .into_iter()
            .filter(|r| r.user.as_deref() == Some(key.as_str()))
            .map(|r| r.kind)
            .collect()
    }

    /// Every Graph request of `guest`, in order (path, query, `Prefer`…).
    pub fn graph_requests_for(&self, guest: &Guest) -> Vec<graph_sim::RecordedRequest> {
        let key = guest.key();
        self.graph
            .requests()
            .into_iter()
            .filter(|r| r.user.as_deref() == Some(key.as_str()))
            .collect()
    }

    /// `guest`'s Graph round trips, in order: single calls and `$batch`
    /// posts, not the requests inside a batch (those are in
    /// [`TestApp::graph_requests_for`], as the calls they are).
    pub fn graph_round_trips_for(&self, guest: &Guest) -> Vec<graph_sim::RecordedRequest> {
        self.graph_requests_for(guest)
            .into_iter()
            .filter(|r| !r.is_inner())
            .collect()
    }

    /// How many warm-up calls `guest`'s token made.
    pub fn warm_ups_for(&self, guest: &Guest) -> usize {
        self.graph_kinds_for(guest)
            .iter()
            .filter(|k| k.is_warmup())
            .count()
    }

    /// How many `$batch` round trips `guest`'s token made.
    pub fn batch_round_trips_for(&self, guest: &Guest) -> usize {
        self.graph_kinds_for(guest)
            .iter()
            .filter(|k| **k == graph_sim::RequestKind::Batch)
            .count()
    }

    /// The requests of `guest` that went inside a `$batch`, in order.
    pub fn inner_requests_for(&self, guest: &Guest) -> Vec<graph_sim::RecordedRequest> {
        self.graph_requests_for(guest)
            .into_iter()
            .filter(graph_sim::RecordedRequest::is_inner)
            .collect()
    }

    /// How many Graph calls of `guest` went to `/shares` (alone or inside
    /// a `$batch`).
    pub fn shares_calls_for(&self, guest: &Guest) -> usize {
        self.graph_paths_for(guest)
            .iter()
            .filter(|p| p.starts_with("/v1.0/shares/"))
            .count()
    }
}

/// Adds a share readable by everyone and returns its URL.
pub fn add_share(graph: &GraphSimulator, url: &str, name: &str) -> Value {
    let item = serde_json::json!({"id": "01ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "name": name, "size": 42, "file": {"mimeType": "text/plain"}});
    graph.add_share(SimShare::new(url, item.clone()));
    item
}

/// A shared folder of `children` files (`f0.txt`, `f1.txt`, …) at `url`,
/// in a fresh drive; returns `(driveId, folder id, the children's ids)`.
pub fn add_folder(
    graph: &GraphSimulator,
    url: &str,
    children: usize,
) -> (String, String, Vec<String>) {
    let tag: String = uuid::Uuid::new_v4().simple().to_string();
    let drive = format!("b!{tag}");
    let folder = format!("01FOLDER{tag}").to_uppercase();
    let item = serde_json::json!({
        "id": folder, "name": "Shared folder", "folder": {"childCount": children},
        "parentReference": {"driveId": drive, "id": "01ROOT"}
    });
    graph.add_share(SimShare::new(url, item));
    let ids: Vec<String> = (0..children)
        .map(|i| {
            let id = format!("01CHILD{i}{tag}").to_uppercase();
            let child = serde_json::json!({
                "id": id, "name": format!("f{i}.txt"), "size": i, "file": {"mimeType": "text/plain"},
                "parentReference": {"driveId": drive, "id": folder}
            });
            graph.add_item(SimItem::child(&drive, &folder, child));
            id
        })
        .collect();
    (drive, folder, ids)
}

/// Sends `request` with the bearer `token` (if any) and extra `headers`.
async fn send(
    mut request: reqwest::RequestBuilder,
    token: Option<&str>,
    headers: &[(&str, &str)],
) -> Response {
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    request.send().await.expect("request sent")
}
