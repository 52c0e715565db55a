//! Building the application once per cold start: Graph client, hydration
//! store, resolver, router. Constructors do no I/O.

use std::sync::Arc;

use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::limit::GlobalConcurrencyLimitLayer;

use crate::clock::Clock;
use crate::configuration::Settings;
use crate::graph::GraphClient;
use crate::http::router;
use crate::hydration::{DynamoStore, HydrationStore, MemoryStore, load_client, production_store};
use crate::identity::{Identity, IdentityStartupError};
use crate::metrics::Metrics;
use crate::resolver::Resolver;

/// Most users the in-memory store keeps (about 100 bytes each).
const MEMORY_STORE_CAPACITY: u64 = 100_000;

/// The built service.
pub struct App {
    pub router: Router,
    pub resolver: Arc<Resolver>,
}

/// What can stop a cold start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("building the HTTP client failed")]
    HttpClient(#[from] reqwest::Error),
    #[error(transparent)]
    Identity(#[from] IdentityStartupError),
}

impl App {
    /// Builds everything from `settings`, choosing the store by
    /// `HYDRATION_TABLE` (DynamoDB when set, in-memory otherwise).
    pub async fn build(settings: &Settings) -> Result<Self, StartupError> {
        let store = build_store(settings).await;
        Self::with_store(settings, store).await
    }

    /// Builds the app around a given store (tests pick theirs), with EMF
    /// metrics on stdout.
    pub async fn with_store(
        settings: &Settings,
        store: Arc<dyn HydrationStore>,
    ) -> Result<Self, StartupError> {
        let metrics = Metrics::stdout(settings.metrics_namespace.clone());
        Self::with_parts(settings, store, metrics).await
    }

    /// Builds the app around a given store and metrics sink, on the system
    /// clock. In `obo` mode this reads the client secret and fetches the
    /// tenants' signing keys.
    pub async fn with_parts(
        settings: &Settings,
        store: Arc<dyn HydrationStore>,
        metrics: Metrics,
    ) -> Result<Self, StartupError> {
        Self::with_clock(settings, store, metrics, Clock::system()).await
    }

    /// [`App::with_parts`] on a given clock (a test's, which it advances).
    pub async fn with_clock(
        settings: &Settings,
        store: Arc<dyn HydrationStore>,
        metrics: Metrics,
        clock: Clock,
    ) -> Result<Self, StartupError> {
        let graph = GraphClient::new(
            &settings.graph_base_url,
            settings.sharepoint_override.as_deref(),
        )?;
        let identity = Arc::new(
            Identity::build(
                &settings.identity,
                settings.cloud,
                graph.http(),
                clock.clone(),
            )
            .await?,
        );
        let resolver = Arc::new(Resolver::new(settings, graph, store, clock));
        Ok(Self {
            router: router(settings, resolver.clone(), metrics, identity),
            resolver,
        })
    }
}

/// The hydration store `settings` ask for.
pub async fn build_store(settings: &Settings) -> Arc<dyn HydrationStore> {
    match &settings.hydration_table {
        None => Arc::new(MemoryStore::new(
            MEMORY_STORE_CAPACITY,
            settings.hydration_ttl,
        )),
        Some(table) => {
            let client = load_client(settings.store_timeout).await;
            production_store(DynamoStore::new(client, table))
        }
    }
}

/// Bounds of the local server (Lambda has its own).
#[derive(Debug, Clone, Copy)]
pub struct ServeLimits {
    /// A client must send its headers within this (slow-loris).
    pub header_read_timeout: Duration,
    /// Open connections at most; more wait to be accepted.
    pub max_connections: usize,
    /// Requests handled at once at most; more wait their turn.
    pub max_in_flight: usize,
}

impl Default for ServeLimits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            max_connections: 1024,
            max_in_flight: 256,
        }
    }
}

/// Serves `router` on `listener` until Ctrl-C or SIGTERM, with the default
/// [`ServeLimits`].
pub async fn serve(listener: TcpListener, router: Router) -> std::io::Result<()> {
    serve_with(listener, router, ServeLimits::default(), shutdown_signal()).await
}

/// Serves `router` on `listener` until `stop` resolves, then lets the open
/// connections finish. HTTP/1.1 only, as API Gateway and the tests speak it.
pub async fn serve_with(
    listener: TcpListener,
    router: Router,
    limits: ServeLimits,
    stop: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let router = router.layer(GlobalConcurrencyLimitLayer::new(limits.max_in_flight));
    let connections = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    tokio::pin!(stop);
    loop {
        let permit = tokio::select! {
            () = &mut stop => break,
            permit = connections.clone().acquire_owned() => permit,
        };
        let Ok(permit) = permit else { break };
        let (stream, _) = tokio::select! {
            () = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors and the like: pause, do not spin.
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let service = TowerToHyperService::new(router.clone());
        let connection = http.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
            drop(permit);
        });
    }
    graceful.shutdown().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
