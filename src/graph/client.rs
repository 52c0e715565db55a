//! The HTTP side of Graph: one reqwest client per cold start, one request
//! (a GET, or an action's POST with a JSON body) a call.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http::HeaderMap;

use super::batch::{self, BatchAnswer, InnerCall, MAX_REQUESTS};
use super::diagnostics::{CallKind, GraphDiagnostics, GraphErrorBody};
use super::path::GraphPath;
use super::request::GraphRequest;
use crate::identity::BearerToken;

/// Largest Graph body we read: a driveItem is a few KiB; this bounds memory
/// if something answers with far more.
const MAX_BODY: usize = 4 * 1024 * 1024;

/// Calls Graph. Cheap to clone (reqwest's pool is shared).
#[derive(Clone)]
pub struct GraphClient {
    http: reqwest::Client,
    base: String,
    /// Where SharePoint REST calls go instead of `https://{host}`: a
    /// loopback simulator in tests (`{override}/_sp/{host}/_api/…`).
    sharepoint_override: Option<String>,
}

/// A Graph answer, whatever its status.
#[derive(Debug, Clone)]
pub struct GraphResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub error: Option<GraphErrorBody>,
    pub diagnostics: GraphDiagnostics,
}

/// No answer came: connect/reset/timeout/body errors. The message never
/// holds the URL (it carries the share id) or a header.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct TransportError {
    pub message: String,
    pub diagnostics: GraphDiagnostics,
}

/// One call: what it is for, so its diagnostics say so.
#[derive(Debug, Clone, Copy)]
pub struct CallLabel {
    pub kind: CallKind,
    /// The warm-up strategy's name, for warm-up calls.
    pub strategy: Option<&'static str>,
}

impl CallLabel {
    pub const SHARES: Self = Self {
        kind: CallKind::Shares,
        strategy: None,
    };

    /// A `/drives/{driveId}/items/…` call (browsing a shared folder).
    pub const DRIVES: Self = Self {
        kind: CallKind::Drives,
        strategy: None,
    };

    /// A `/shares/{shareId}/permission` call.
    pub const PERMISSION: Self = Self {
        kind: CallKind::Permission,
        strategy: None,
    };

    /// A `preview` action (on a share or an item).
    pub const PREVIEW: Self = Self {
        kind: CallKind::Preview,
        strategy: None,
    };

    /// A `$batch` round trip.
    pub const BATCH: Self = Self {
        kind: CallKind::Batch,
        strategy: None,
    };

    pub fn warmup(strategy: &'static str) -> Self {
        Self {
            kind: CallKind::Warmup,
            strategy: Some(strategy),
        }
    }
}

impl GraphClient {
    /// `base` is `GRAPH_BASE_URL`, e.g. `https://graph.microsoft.com/v1.0`.
    /// Builds no connection (constructors do no I/O).
    /// The HTTP client (its pool and TLS configuration), for the identity
    /// platform's calls.
    pub fn http(&self) -> reqwest::Client {
        self.http.clone()
    }

    pub fn new(base: &str, sharepoint_override: Option<&str>) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .pool_idle_timeout(Duration::from_secs(60))
            // Graph redirects only for /content; we never follow one blindly
            // with the user's token attached.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("share-resolver/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
            sharepoint_override: sharepoint_override.map(|o| o.trim_end_matches('/').to_owned()),
        })
    }

    /// `GET {base}{path}` with the caller's token and `client-request-id`,
    /// giving up after `timeout`.
    pub async fn get(
        &self,
        path: &GraphPath,
        token: &BearerToken,
        client_request_id: &str,
        label: CallLabel,
        timeout: Duration,
    ) -> Result<GraphResponse, TransportError> {
        let request = GraphRequest::get(path.clone(), None);
        self.send(&request, token, client_request_id, label, timeout)
            .await
    }

    /// Sends `request` (its `Prefer` and JSON body, if any) with the
    /// caller's token and `client-request-id`, giving up after `timeout`.
    /// Neither the body nor the answer is logged: a preview's answer
    /// carries an access token.
    #[tracing::instrument(name = "graph", skip_all, fields(path = request.path.as_str(), call = ?label.kind, status))]
    pub async fn send(
        &self,
        request: &GraphRequest,
        token: &BearerToken,
        client_request_id: &str,
        label: CallLabel,
        timeout: Duration,
    ) -> Result<GraphResponse, TransportError> {
        let url = format!("{}{}", self.base, request.path.as_str());
        let mut builder = self
            .http
            .request(request.method.clone(), url)
            .bearer_auth(token.expose())
            .header("accept", "application/json");
        if let Some(prefer) = request.prefer {
            builder = builder.header("prefer", prefer.as_str());
        }
        if let Some(body) = &request.body {
            builder = builder
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        self.exchange(builder, client_request_id, label, timeout)
            .await
    }

    /// `POST {base}/$batch` of `calls` (at most [`MAX_REQUESTS`]) with the
    /// caller's token; the round trip carries the caller's
    /// `client-request-id`, each call its own.
    #[tracing::instrument(name = "graph", skip_all, fields(path = "/$batch", requests = calls.len(), status))]
    pub async fn batch(
        &self,
        calls: &[InnerCall<'_>],
        token: &BearerToken,
        client_request_id: &str,
        timeout: Duration,
    ) -> Result<BatchAnswer, TransportError> {
        debug_assert!(calls.len() <= MAX_REQUESTS, "the resolver sends at most 20");
        let request = self
            .http
            .post(format!("{}/$batch", self.base))
            .bearer_auth(token.expose())
            .header("accept", "application/json")
            .header("content-type", "application/json")
            .body(batch::body_of(calls));
        let round_trip = self
            .exchange(request, client_request_id, CallLabel::BATCH, timeout)
            .await?;
        if !(200..300).contains(&round_trip.status) {
            return Ok(BatchAnswer::Whole(Box::new(round_trip)));
        }
        match batch::answers_of(calls, &round_trip) {
            Some(answers) => Ok(BatchAnswer::Each(answers)),
            None => Err(TransportError {
                message: "Graph's batch answer was not a batch".to_owned(),
                diagnostics: round_trip.diagnostics,
            }),
        }
    }

    /// SharePoint REST `GET https://{host}/_api/web/currentuser` with the
    /// caller's SharePoint token: the `sharepoint` warm-up. `host` is the
    /// sharing URL's allow-listed host, and the token goes nowhere else.
    #[tracing::instrument(name = "sharepoint", skip_all, fields(status))]
    pub async fn sharepoint_current_user(
        &self,
        host: &str,
        token: &BearerToken,
        client_request_id: &str,
        timeout: Duration,
    ) -> Result<GraphResponse, TransportError> {
        let url = match &self.sharepoint_override {
            Some(base) => format!("{base}/_sp/{host}/_api/web/currentuser"),
            None => format!("https://{host}/_api/web/currentuser"),
        };
        let request = self
            .http
            .get(url)
            .bearer_auth(token.expose())
            .header("accept", "application/json;odata=nometadata");
        self.exchange(
            request,
            client_request_id,
            CallLabel::warmup("sharepoint"),
            timeout,
        )
        .await
    }

    async fn exchange(
        &self,
        request: reqwest::RequestBuilder,
        client_request_id: &str,
        label: CallLabel,
        timeout: Duration,
    ) -> Result<GraphResponse, TransportError> {
        let started = Instant::now();
        let (call, strategy) = (label.kind, label.strategy);
        let fail = |message: String| TransportError {
            diagnostics: GraphDiagnostics::from_transport(
                call,
                strategy,
                client_request_id,
                &message,
                elapsed_ms(started),
            ),
            message,
        };
        let request = request
            .header("client-request-id", client_request_id)
            .header("return-client-request-id", "true")
            .timeout(timeout);
        let response = request.send().await.map_err(|e| fail(describe(&e)))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = read_body(response).await.map_err(fail)?;
        let error = (status >= 400)
            .then(|| GraphErrorBody::parse(&body))
            .flatten();
        tracing::Span::current().record("status", status);
        let diagnostics = GraphDiagnostics::from_response(
            call,
            strategy,
            status,
            &headers,
            error.as_ref(),
            elapsed_ms(started),
        );
        Ok(GraphResponse {
            status,
            headers,
            body,
            error,
            diagnostics,
        })
    }
}

async fn read_body(mut response: reqwest::Response) -> Result<Bytes, String> {
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| format!("reading the body: {}", describe(&e)))?
    {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(format!("body larger than {MAX_BODY} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(body))
}

/// A short description that never includes the URL's query or headers.
fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect error"
    } else if e.is_body() || e.is_decode() {
        "body error"
    } else {
        "request error"
    };
    let mut source = std::error::Error::source(e);
    let mut root = None;
    while let Some(s) = source {
        root = Some(s.to_string());
        source = s.source();
    }
    match root {
        Some(root) => format!("{kind}: {root}"),
        None => kind.to_owned(),
    }
}

fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}
