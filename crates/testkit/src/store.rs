//! Stores for tests: one that counts what reaches it, and backends that are
//! broken on purpose (down, or stalling).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use share_resolver::hydration::{HydrationRecord, HydrationStore, Put, StoreError};
use share_resolver::identity::UserKey;

/// `inner`, counting every call that reaches it (get, put, claim and forget alike).
#[derive(Clone)]
pub struct CountingStore<S> {
    inner: S,
    calls: Arc<AtomicUsize>,
}

impl<S> CountingStore<S> {
    pub fn new(inner: S) -> Self {
        Self::sharing(inner, Arc::new(AtomicUsize::new(0)))
    }

    /// Counts into `calls` (shared across stores, e.g. a restarted service).
    pub fn sharing(inner: S, calls: Arc<AtomicUsize>) -> Self {
        Self { inner, calls }
    }

    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    pub fn counter(&self) -> Arc<AtomicUsize> {
        self.calls.clone()
    }
}

#[async_trait]
impl<S: HydrationStore> HydrationStore for CountingStore<S> {
    async fn get(&self, user: &UserKey) -> Result<Option<HydrationRecord>, StoreError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.get(user).await
    }
    async fn put(&self, record: &HydrationRecord) -> Result<Put, StoreError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.put(record).await
    }
    async fn claim(&self, lease: &HydrationRecord) -> Result<Put, StoreError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.claim(lease).await
    }
    async fn forget(&self, user: &UserKey) -> Result<(), StoreError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.forget(user).await
    }
    fn name(&self) -> &'static str {
        self.inner.name()
    }
}

/// A port nothing listens on, and nothing else can take: the socket stays
/// bound (without `listen`, so a connection is refused) until the test
/// process exits. Releasing it would let a parallel test's server reuse it.
pub async fn closed_port() -> u16 {
    let socket = tokio::net::TcpSocket::new_v4().expect("a TCP socket");
    socket
        .bind("127.0.0.1:0".parse().expect("loopback address"))
        .expect("bind loopback");
    let port = socket.local_addr().expect("local address").port();
    std::mem::forget(socket);
    port
}

/// A server that accepts connections, reads nothing and never answers.
pub async fn stalling_server() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let port = listener.local_addr().expect("local address").port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    port
}
