//! Building the application once per cold start: Graph client, hydration
//! store, resolver, router. Constructors do no I/O.

use std::sync::Arc;

use axum::Router;
use tokio::net::TcpListener;

use crate::configuration::Settings;
use crate::graph::GraphClient;
use crate::http::router;
use crate::hydration::{CachedStore, DynamoStore, HydrationStore, MemoryStore, load_client};
use crate::resolver::Resolver;

/// Most users the in-memory store keeps (about 100 bytes each).
const MEMORY_STORE_CAPACITY: u64 = 100_000;
/// Most users the L1 cache in front of DynamoDB keeps per instance.
const L1_CAPACITY: u64 = 10_000;

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
}

impl App {
    /// Builds everything from `settings`, choosing the store by
    /// `HYDRATION_TABLE` (DynamoDB when set, in-memory otherwise).
    pub async fn build(settings: &Settings) -> Result<Self, StartupError> {
        let store = build_store(settings).await;
        Self::with_store(settings, store)
    }

    /// Builds the app around a given store (tests pick theirs).
    pub fn with_store(
        settings: &Settings,
        store: Arc<dyn HydrationStore>,
    ) -> Result<Self, StartupError> {
        let graph = GraphClient::new(
            &settings.graph_base_url,
            settings.sharepoint_override.as_deref(),
        )?;
        let resolver = Arc::new(Resolver::new(settings, graph, store));
        Ok(Self {
            router: router(settings, resolver.clone()),
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
            Arc::new(CachedStore::new(
                DynamoStore::new(client, table),
                L1_CAPACITY,
            ))
        }
    }
}

/// Serves `router` on `listener` until Ctrl-C or SIGTERM.
pub async fn serve(listener: TcpListener, router: Router) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown_signal())
        .await
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
