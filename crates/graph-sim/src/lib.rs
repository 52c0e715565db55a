//! A stateful Microsoft Graph simulator served over real HTTP on loopback:
//! per-guest hydration, Graph-shaped errors and headers, token checks,
//! injectable faults, and a request log. Used by tests, demo and benchmark.
//!
//! The same server is the identity platform (`login.microsoftonline.com`)
//! at its root, [`GraphSimulator::login_base_url`]: the JWKS
//! (`/{tid}/discovery/v2.0/keys`), the OpenID configuration
//! (`/{tid}/v2.0/.well-known/openid-configuration`) and the token endpoint
//! with the On-Behalf-Of grant (`/{tid}/oauth2/v2.0/token`), which
//! authenticates the API registration by secret, certificate or federated
//! credential (`client_auth`); and AWS STS's `GetWebIdentityToken` at
//! [`GraphSimulator::sts_endpoint_url`] (`sts`). Every token it
//! and [`token`] issue is signed with a committed RSA test key of no value
//! (`keys/README.md`); Graph and SharePoint REST accept only those.
//!
//! Graph's side: `/shares/{id}/driveItem[/children]`, `/shares/{id}/permission`,
//! the `preview` action on shares and items, `/drives/{d}/items/{i}[/children]`
//! (`$expand=thumbnails` included), the warm-up calls, and `POST /$batch`
//! (up to 20 of those in one round trip, answered out of order; the log
//! keeps round trips and the requests inside them apart:
//! [`GraphSimulator::round_trips`], [`GraphSimulator::inner_requests`]).
//! Thumbnails and `downloadUrl`s are served at `/_media/…` with no token.
//! [`Scenario::shared_with_you`] is a guest's page of twenty links.

mod aad;
mod admin;
mod admin_args;
mod auth;
mod batch;
mod call;
mod client_auth;
mod credentials;
mod demo;
mod faults;
mod folders;
mod hydration;
mod jwt;
mod login;
mod media;
mod obo;
mod permission;
mod preview;
mod record;
mod responses;
mod routes;
mod scenario;
mod server;
mod shared_with_you;
mod sharepoint;
mod shares;
mod sites;
mod state;
mod sts;
pub mod token;
mod warmup_calls;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;

pub use credentials::{
    AcceptedCredentials, FederatedCredential, SIM_AWS_ACCOUNT_ID, SIM_AWS_ISSUER, SIM_AWS_KEY_ID,
    SIM_AWS_ROLE_ARN, TOKEN_EXCHANGE_AUDIENCE,
};
pub use demo::{
    DEMO_DOC_URL, DEMO_FOLDER_ID, DEMO_FOLDER_URL, DEMO_GUEST_OID, DEMO_HOST, DEMO_MEMBER_OID,
    DEMO_PRIVATE_SHARE_URL, DEMO_SHARE_URL, DEMO_TEAMS_SHARE_URL, DEMO_TENANT, demo_drive_id,
    demo_guest_token,
};
pub use faults::{Fault, FaultAction, FaultTarget, TokenFault};
pub use media::{SIM_ROOT_PLACEHOLDER, sim_download_url};
pub use permission::{LinkScope, LinkType, SimPermission};
pub use record::{AssertionParts, BatchPart, ClientAuth, RecordedRequest, RequestKind, StsCall};
pub use scenario::{
    Access, Behaviour, GLOBAL_GRAPH_RESOURCE, SIM_API_CLIENT_ID, SIM_API_CLIENT_SECRET,
    SIM_API_SCOPE, SIM_GUEST_HOME_TENANT, SIM_SPA_CLIENT_ID, Scenario, SimItem, SimShare, SimUser,
};
pub use shared_with_you::{SharedLink, shared_with_you_links};

use state::{State, lock};

/// A running simulator. Cheap to clone; clones share one server and state.
/// Dropping the handles does not stop it: call [`GraphSimulator::shutdown`].
#[derive(Clone)]
pub struct GraphSimulator {
    inner: Arc<Inner>,
}

struct Inner {
    state: Arc<Mutex<State>>,
    addr: SocketAddr,
    stop: watch::Sender<bool>,
}

impl GraphSimulator {
    /// Binds `127.0.0.1:0` and serves `scenario` in a spawned tokio task.
    pub async fn start(scenario: Scenario) -> std::io::Result<Self> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), scenario).await
    }

    /// Binds `addr` and serves `scenario` in a spawned tokio task.
    pub async fn start_on(addr: SocketAddr, scenario: Scenario) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let login_base_url = format!("http://{addr}");
        let state = Arc::new(Mutex::new(State::new(scenario, login_base_url)));
        let (stop, stopped) = watch::channel(false);
        tokio::spawn(server::accept_loop(listener, state.clone(), stopped));
        Ok(Self {
            inner: Arc::new(Inner { state, addr, stop }),
        })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        lock(&self.inner.state)
    }

    /// What `GRAPH_BASE_URL` should be, e.g. `http://127.0.0.1:41234/v1.0`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1.0", self.inner.addr)
    }

    /// What `LOGIN_BASE_URL` should be: the simulator's root, e.g.
    /// `http://127.0.0.1:41234` (no trailing slash). Tenant `tid`'s
    /// issuer is `{this}/{tid}/v2.0`.
    pub fn login_base_url(&self) -> String {
        format!("http://{}", self.inner.addr)
    }

    /// What `AWS_ENDPOINT_URL_STS` should be: the simulated AWS STS, e.g.
    /// `http://127.0.0.1:41234/_aws/sts`.
    pub fn sts_endpoint_url(&self) -> String {
        format!("http://{}/_aws/sts", self.inner.addr)
    }

    /// Which credentials the API registration accepts from now on.
    pub fn set_accepted_credentials(&self, accepts: AcceptedCredentials) {
        self.state().api.accepts = accepts;
    }

    /// Turns the simulated AWS account's outbound identity federation on
    /// or off (off: STS answers `OutboundWebIdentityFederationDisabledException`).
    pub fn set_aws_outbound_federation(&self, enabled: bool) {
        self.state().aws_outbound_federation = enabled;
    }

    /// Queues a token endpoint fault for the next token request (FIFO,
    /// one use).
    pub fn inject_token_error(&self, fault: TokenFault) {
        self.inject_token_errors(fault, 1);
    }

    /// Queues a token endpoint fault for the next `times` token requests
    /// (0: never).
    pub fn inject_token_errors(&self, fault: TokenFault, times: u32) {
        self.state().token_faults.push(fault, times);
    }

    /// Drops every queued token endpoint fault.
    pub fn clear_token_errors(&self) {
        self.state().token_faults.clear();
    }

    /// A key rotation: publishes the rogue key under `kid` too, so tokens of
    /// [`token::ApiTokenBuilder::build_with_unknown_key`]`(kid)` verify from
    /// now on (in the JWKS, at Graph, SharePoint REST and the token endpoint).
    pub fn publish_rogue_key(&self, kid: &str) {
        let mut s = self.state();
        if !s.published.rogue_kids.iter().any(|k| k == kid) {
            s.published.rogue_kids.push(kid.to_owned());
        }
    }

    /// Withdraws a key [`GraphSimulator::publish_rogue_key`] published, as
    /// the identity platform withdraws a rolled-over or compromised key:
    /// the key set no longer lists it, and nothing here (Graph, SharePoint
    /// REST, the token endpoint) trusts its tokens any more.
    pub fn withdraw_rogue_key(&self, kid: &str) {
        self.state().published.rogue_kids.retain(|k| k != kid);
    }

    /// Every `client_assertion` the token endpoint received, verbatim, in
    /// arrival order (kept apart from the request log, which never holds
    /// one): for a test to check that none appears where it must not.
    pub fn client_assertions_received(&self) -> Vec<String> {
        self.state().assertions_received.clone()
    }

    /// Every web identity token the simulated STS issued, verbatim.
    pub fn web_identity_tokens_issued(&self) -> Vec<String> {
        self.state().web_identity_tokens_issued.clone()
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.inner.addr
    }

    /// Every request received, in arrival order. A request still being
    /// answered, or whose connection was dropped, shows status 0. The
    /// requests inside a `$batch` are listed too, each as the call it is
    /// (after the batch's own entry, with [`RecordedRequest::batch`] set),
    /// so counting by kind or path counts them as calls.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state().requests(None)
    }

    /// The Graph and SharePoint REST round trips: every request that came
    /// over HTTP (a `$batch` counts once), without the simulator's own
    /// routes and the identity platform's.
    pub fn round_trips(&self) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| !r.is_inner() && r.kind.is_graph())
            .collect()
    }

    /// How many `$batch` round trips came.
    pub fn batch_round_trips(&self) -> usize {
        self.calls_of(RequestKind::Batch)
    }

    /// The requests that came inside a `$batch`, in the order they ran.
    pub fn inner_requests(&self) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(RecordedRequest::is_inner)
            .collect()
    }

    /// How many calls of `kind` came, alone or inside a `$batch`.
    pub fn calls_of(&self, kind: RequestKind) -> usize {
        self.requests().iter().filter(|r| r.kind == kind).count()
    }

    /// Returns once `n` requests have arrived since the simulator started
    /// (clearing the log does not reset the count): a test waits on this
    /// instead of polling the log.
    pub async fn until_arrived(&self, n: u64) {
        let mut arrivals = self.state().arrivals();
        let _ = arrivals.wait_for(|arrived| *arrived >= n).await;
    }

    /// Returns once a request of `kind` is in the log (waiting on arrivals,
    /// not on time): e.g. a background key set fetch under way.
    pub async fn until_logged(&self, kind: RequestKind) {
        // Subscribed before looking, so no arrival slips in between.
        let mut arrivals = self.state().arrivals();
        while self.calls_of(kind) == 0 {
            if arrivals.changed().await.is_err() {
                return;
            }
        }
    }

    /// Empties the request log.
    pub fn clear_requests(&self) {
        self.state().clear_requests();
    }

    /// Queues a fault; faults are consumed in FIFO order by matching requests
    /// (the token endpoint's are [`GraphSimulator::inject_token_error`]'s).
    pub fn inject(&self, fault: Fault) {
        self.state().faults.push(fault);
    }

    /// Latency added before every Graph and SharePoint REST answer
    /// (simulated round trip); the identity platform's answers have none
    /// (a [`TokenFault::Delay`] slows the token endpoint).
    pub fn set_latency(&self, latency: Duration) {
        self.state().latency = latency;
    }

    /// Points every preview `getUrl` at `origin` (e.g.
    /// `https://attacker.example`) instead of the item's SharePoint host: a
    /// hostile answer a page must refuse to frame. `None` restores it.
    pub fn set_preview_origin(&self, origin: Option<&str>) {
        self.state().preview_origin = origin.map(str::to_owned);
    }

    /// Adds a user, replacing any with the same `(tid, oid)`.
    pub fn add_user(&self, user: SimUser) {
        self.state().add_user(user);
    }

    /// Adds a share, replacing any with the same URL.
    pub fn add_share(&self, share: SimShare) {
        self.state().add_share(share);
    }

    /// Registers the demo guest's "shared with you" page (the twenty links
    /// of [`Scenario::shared_with_you`]) and lists its links.
    pub fn add_shared_with_you(&self) -> Vec<SharedLink> {
        self.state().add_shared_with_you()
    }

    /// Adds an item to a drive (a folder's child, listed last), replacing
    /// any with the same drive and id.
    pub fn add_item(&self, item: SimItem) {
        self.state().add_item(item);
    }

    /// Marks a user hydrated from now on, with no lag (for its lifetime).
    pub fn hydrate(&self, tid: &str, oid: &str) {
        let mut state = self.state();
        let now = state.now();
        state
            .hydration
            .hydrate(&(tid.to_owned(), oid.to_owned()), now);
    }

    /// Moves the simulator's clock forward by `by`, as if that much time had
    /// passed for hydration (lags run out, lifetimes end): a test advances
    /// it instead of sleeping.
    pub fn advance(&self, by: Duration) {
        self.state().advance(by);
    }

    /// Makes a user cold again.
    pub fn dehydrate(&self, tid: &str, oid: &str) {
        self.state()
            .hydration
            .forget(&(tid.to_owned(), oid.to_owned()));
    }

    /// Whether `/shares` would let this user through now (members always;
    /// a `NeverHydrates` guest never).
    pub fn is_hydrated(&self, tid: &str, oid: &str) -> bool {
        let state = self.state();
        state.is_hydrated(&(tid.to_owned(), oid.to_owned()), state.now())
    }

    /// Stops accepting connections; open ones finish their in-flight
    /// answer and close, so later calls fail to connect.
    pub fn shutdown(&self) {
        self.inner.stop.send_replace(true);
    }
}

#[cfg(test)]
mod batch_tests;
#[cfg(test)]
mod credential_tests;
#[cfg(test)]
mod identity_tests;
#[cfg(test)]
mod media_tests;
#[cfg(test)]
mod permission_preview_tests;
#[cfg(test)]
mod shared_with_you_tests;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;
