//! A stateful Microsoft Graph simulator, served over real HTTP on loopback.
//!
//! It reproduces what matters for share resolution: per-user hydration
//! (guests cold until a SharePoint-backed call, with optional lag and expiry),
//! Graph-shaped errors and headers, token checks, a shares table, injectable
//! faults (statuses with `Retry-After`, dropped connections, delays) and a
//! request log for assertions. Used by the tests, the demo and the benchmark.

mod responses;
mod scenario;
mod server;
pub mod token;

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;

pub use scenario::{
    Access, Behaviour, DEMO_DOC_URL, DEMO_GUEST_OID, DEMO_MEMBER_OID, DEMO_PRIVATE_SHARE_URL,
    DEMO_SHARE_URL, DEMO_TEAMS_SHARE_URL, DEMO_TENANT, Scenario, SimShare, SimUser,
};

/// What a request was, by path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RequestKind {
    Shares,
    WarmupSiteByPath,
    WarmupRoot,
    WarmupGroupDrive,
    Admin,
    Other,
}

impl RequestKind {
    fn is_warmup(self) -> bool {
        matches!(
            self,
            Self::WarmupSiteByPath | Self::WarmupRoot | Self::WarmupGroupDrive
        )
    }
}

/// One request as the simulator saw it. Never the token.
#[derive(Debug, Clone, Serialize)]
pub struct RecordedRequest {
    pub method: String,
    /// The raw path as on the wire (percent-encoded), with `/v1.0`.
    pub path: String,
    pub query: Option<String>,
    pub client_request_id: Option<String>,
    pub has_authorization: bool,
    /// `tid#oid` from the token, when readable.
    pub user: Option<String>,
    /// What was answered; 0 when the connection was dropped.
    pub status: u16,
    pub kind: RequestKind,
}

/// Which requests a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultTarget {
    Shares,
    Warmup,
    Any,
}

/// What a fault does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultAction {
    /// Answer `status` with a Graph-shaped body; `Retry-After` verbatim.
    Status {
        status: u16,
        retry_after: Option<String>,
    },
    /// Close the TCP connection without any answer.
    DropConnection,
    /// Answer normally, this much later.
    Delay(Duration),
}

/// An injected fault, consumed `times` times in FIFO order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub target: FaultTarget,
    pub action: FaultAction,
    pub times: u32,
}

impl Fault {
    pub fn shares(action: FaultAction) -> Self {
        Self {
            target: FaultTarget::Shares,
            action,
            times: 1,
        }
    }

    pub fn warmup(action: FaultAction) -> Self {
        Self {
            target: FaultTarget::Warmup,
            ..Self::shares(action)
        }
    }

    pub fn any(action: FaultAction) -> Self {
        Self {
            target: FaultTarget::Any,
            ..Self::shares(action)
        }
    }

    pub fn times(self, times: u32) -> Self {
        Self { times, ..self }
    }

    fn matches(&self, kind: RequestKind) -> bool {
        match self.target {
            FaultTarget::Shares => kind == RequestKind::Shares,
            FaultTarget::Warmup => kind.is_warmup(),
            FaultTarget::Any => kind != RequestKind::Admin,
        }
    }
}

/// Mutable state, behind one mutex never held across an await.
struct State {
    scenario: Scenario,
    users: HashMap<(String, String), SimUser>,
    /// When each user's last warm-up happened.
    warmed_at: HashMap<(String, String), Instant>,
    faults: VecDeque<Fault>,
    requests: Vec<RecordedRequest>,
    latency: Duration,
}

impl State {
    fn is_hydrated(&self, key: &(String, String), now: Instant) -> bool {
        let Some(user) = self.users.get(key) else {
            return false;
        };
        if !user.guest {
            return true;
        }
        if user.behaviour == Behaviour::NeverHydrates {
            return false;
        }
        self.warmed_at.get(key).is_some_and(|at| {
            let ready = *at + self.scenario.hydration_lag;
            now >= ready && now < ready + self.scenario.hydration_lifetime
        })
    }

    fn take_fault(&mut self, kind: RequestKind) -> Option<FaultAction> {
        let index = self.faults.iter().position(|f| f.matches(kind))?;
        let fault = &mut self.faults[index];
        let action = fault.action.clone();
        fault.times = fault.times.saturating_sub(1);
        if fault.times == 0 {
            self.faults.remove(index);
        }
        Some(action)
    }
}

/// A running simulator. Cheap to clone.
#[derive(Clone)]
pub struct GraphSimulator {
    state: Arc<Mutex<State>>,
    addr: SocketAddr,
    stop: Arc<tokio::sync::Notify>,
}

impl GraphSimulator {
    /// Serves `scenario` on `127.0.0.1:0`.
    pub async fn start(scenario: Scenario) -> std::io::Result<Self> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), scenario).await
    }

    pub async fn start_on(addr: SocketAddr, scenario: Scenario) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let users = scenario
            .users
            .iter()
            .map(|u| ((u.tid.clone(), u.oid.clone()), u.clone()))
            .collect();
        let state = Arc::new(Mutex::new(State {
            latency: scenario.latency,
            scenario,
            users,
            warmed_at: HashMap::new(),
            faults: VecDeque::new(),
            requests: Vec::new(),
        }));
        let stop = Arc::new(tokio::sync::Notify::new());
        tokio::spawn(server::accept_loop(listener, state.clone(), stop.clone()));
        Ok(Self { state, addr, stop })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// What `GRAPH_BASE_URL` should be, e.g. `http://127.0.0.1:41234/v1.0`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1.0", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    pub fn clear_requests(&self) {
        self.lock().requests.clear();
    }

    pub fn inject(&self, fault: Fault) {
        self.lock().faults.push_back(fault);
    }

    pub fn set_latency(&self, latency: Duration) {
        self.lock().latency = latency;
    }

    pub fn add_user(&self, user: SimUser) {
        self.lock()
            .users
            .insert((user.tid.clone(), user.oid.clone()), user);
    }

    pub fn add_share(&self, share: SimShare) {
        let mut state = self.lock();
        state.scenario.shares.retain(|s| s.url != share.url);
        state.scenario.shares.push(share);
    }

    /// Marks a user hydrated now, with no lag.
    pub fn hydrate(&self, tid: &str, oid: &str) {
        let mut state = self.lock();
        let at = Instant::now()
            .checked_sub(state.scenario.hydration_lag)
            .unwrap_or_else(Instant::now);
        state.warmed_at.insert((tid.to_owned(), oid.to_owned()), at);
    }

    pub fn dehydrate(&self, tid: &str, oid: &str) {
        self.lock()
            .warmed_at
            .remove(&(tid.to_owned(), oid.to_owned()));
    }

    pub fn is_hydrated(&self, tid: &str, oid: &str) -> bool {
        self.lock()
            .is_hydrated(&(tid.to_owned(), oid.to_owned()), Instant::now())
    }

    /// Stops accepting connections.
    pub fn shutdown(&self) {
        self.stop.notify_waiters();
        self.stop.notify_one();
    }
}

/// A demo guest's token, valid for 24 h.
pub fn demo_guest_token() -> String {
    token::TokenBuilder::guest(DEMO_TENANT, DEMO_GUEST_OID)
        .expires_in(24 * 3600)
        .build()
}

#[cfg(test)]
mod tests;
