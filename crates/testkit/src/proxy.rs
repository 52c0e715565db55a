//! A TCP proxy in front of a real backend (a local DynamoDB) that a test or
//! the soak switches between passing traffic, stalling and refusing, open
//! connections included: what [`closed_port`](crate::closed_port) and
//! [`stalling_server`](crate::stalling_server) cannot do is break a
//! connection that already worked, in the middle of a request.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};

use tokio::io::AsyncReadExt as _;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// What the proxy does with connections, new and open ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyMode {
    /// Forward both ways.
    Pass,
    /// Accept, forward nothing (open connections freeze too).
    Stall,
    /// Reset every connection, new and open ones.
    Refuse,
}

/// A fault proxy on loopback; starts in [`ProxyMode::Pass`]. Point a client
/// at [`FaultProxy::url`] instead of the backend.
pub struct FaultProxy {
    url: String,
    mode: watch::Sender<ProxyMode>,
    /// Bumped on every mode change, so a request can tell it saw only one mode.
    epoch: AtomicU64,
    accepted: AtomicU64,
}

impl FaultProxy {
    /// A proxy in front of `upstream`, serving until the process ends.
    pub async fn start(upstream: SocketAddr) -> Arc<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let (mode, _) = watch::channel(ProxyMode::Pass);
        let proxy = Arc::new(Self {
            url: format!("http://{}", listener.local_addr().expect("proxy address")),
            mode,
            epoch: AtomicU64::new(0),
            accepted: AtomicU64::new(0),
        });
        let accepting = proxy.clone();
        tokio::spawn(async move {
            loop {
                if let Ok((client, _)) = listener.accept().await {
                    accepting.accepted.fetch_add(1, SeqCst);
                    let mode = accepting.mode.subscribe();
                    tokio::spawn(relay(client, upstream, mode));
                }
            }
        });
        proxy
    }

    /// A proxy in front of the server at `endpoint` (an `http://host:port` URL).
    pub async fn in_front_of(endpoint: &str) -> Arc<Self> {
        let url = url::Url::parse(endpoint).expect("the endpoint is a URL");
        let host = url.host_str().expect("endpoint host").to_owned();
        let port = url.port_or_known_default().expect("endpoint port");
        let upstream = tokio::net::lookup_host((host, port))
            .await
            .expect("resolve the endpoint")
            .next()
            .expect("an address for the endpoint");
        Self::start(upstream).await
    }

    /// Where clients connect, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn set(&self, mode: ProxyMode) {
        self.epoch.fetch_add(1, SeqCst);
        self.mode.send_replace(mode);
    }

    pub fn mode(&self) -> ProxyMode {
        *self.mode.borrow()
    }

    /// How many times the mode was set.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(SeqCst)
    }

    /// Connections accepted so far.
    pub fn accepted(&self) -> u64 {
        self.accepted.load(SeqCst)
    }
}

async fn relay(mut client: TcpStream, upstream: SocketAddr, mut mode: watch::Receiver<ProxyMode>) {
    let _ = client.set_nodelay(true);
    let current = *mode.borrow_and_update();
    match current {
        ProxyMode::Refuse => {
            let _ = client.set_zero_linger(); // dropped with a reset
            return;
        }
        ProxyMode::Stall => return stall(&mut client, &mut mode).await,
        ProxyMode::Pass => {}
    }
    let Ok(mut server) = TcpStream::connect(upstream).await else {
        return;
    };
    let _ = server.set_nodelay(true);
    // Clients pool connections: an outage must reach open ones too.
    let interrupted = tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => false,
        () = left_pass(&mut mode) => true,
    };
    if interrupted {
        let now = *mode.borrow_and_update();
        match now {
            ProxyMode::Stall => stall(&mut client, &mut mode).await,
            _ => {
                let _ = client.set_zero_linger();
            }
        }
    }
}

/// Until the mode is no longer `Pass`.
async fn left_pass(mode: &mut watch::Receiver<ProxyMode>) {
    loop {
        if mode.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
        if *mode.borrow_and_update() != ProxyMode::Pass {
            return;
        }
    }
}

/// Holds `client` open, reading and dropping what it sends, until it
/// closes or the stall ends (then it is closed: the client gave up long ago).
async fn stall(client: &mut TcpStream, mode: &mut watch::Receiver<ProxyMode>) {
    let mut sink = [0u8; 4096];
    loop {
        tokio::select! {
            read = client.read(&mut sink) => if matches!(read, Ok(0) | Err(_)) { return },
            changed = mode.changed() => if changed.is_err() || *mode.borrow_and_update() != ProxyMode::Stall { return },
        }
    }
}
