//! The simulator's mutable state behind one `std::sync::Mutex`, which is
//! never held across an await.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::credentials::AcceptedCredentials;
use super::faults::{FaultQueue, TokenFaultQueue};
use super::hydration::{Hydration, UserKey};
use super::jwt::Published;
use super::obo::Loggable;
use super::record::{RecordedRequest, StsCall};
use super::scenario::{Behaviour, Scenario, SimItem, SimShare, SimUser};
use super::shared_with_you::{SharedLink, shared_with_you_parts};

/// `(driveId, itemId)`.
pub(crate) type ItemKey = (String, String);

/// An item and the ids of its children, in listing order.
pub(crate) struct Stored {
    pub item: serde_json::Value,
    pub children: Vec<String>,
}

/// A logged request and its arrival number (to set its status later).
struct Entry {
    seq: u64,
    request: RecordedRequest,
}

/// The API app registration the token endpoint knows.
pub(crate) struct ApiRegistration {
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    pub(crate) scope: String,
    /// Which of its credentials it accepts.
    pub(crate) accepts: AcceptedCredentials,
}

pub(crate) struct State {
    users: HashMap<UserKey, SimUser>,
    unknown_users_are_guests: bool,
    shares: HashMap<String, SimShare>,
    /// `s!` id → URL.
    s_ids: HashMap<String, String>,
    items: HashMap<ItemKey, Stored>,
    sites: Vec<(String, String)>,
    pub(crate) hydration: Hydration,
    pub(crate) faults: FaultQueue,
    pub(crate) latency: Duration,
    /// Where every preview `getUrl` points instead of the item's host
    /// (`https://attacker.example`): a hostile answer, for tests.
    pub(crate) preview_origin: Option<String>,
    /// The identity platform: its root URL (no trailing slash), the API
    /// registration, the keys it publishes, its queued faults.
    pub(crate) login_base_url: String,
    /// Graph's resource URI in the simulated cloud.
    pub(crate) graph_resource: String,
    pub(crate) api: ApiRegistration,
    pub(crate) published: Published,
    pub(crate) token_faults: TokenFaultQueue,
    /// Client assertions seen: `jti` → SHA-256 of the assertion.
    pub(crate) seen_jtis: HashMap<String, [u8; 32]>,
    /// Whether the AWS account enabled outbound identity federation.
    pub(crate) aws_outbound_federation: bool,
    /// The client assertions the token endpoint received and the web
    /// identity tokens STS issued, verbatim: kept out of the request log
    /// (which the admin routes serve), for a test to look for them where
    /// they must not be (the service's logs).
    pub(crate) assertions_received: Vec<String>,
    pub(crate) web_identity_tokens_issued: Vec<String>,
    log: Vec<Entry>,
    next_seq: u64,
    /// How many requests arrived in all (clearing the log keeps counting):
    /// what a test awaits instead of polling the log.
    arrived: tokio::sync::watch::Sender<u64>,
    /// How far a test moved the simulator's clock ahead of the system's.
    ahead: Duration,
}

/// Locks, shrugging off poisoning: a panicked test thread must not turn
/// every later answer into a panic too.
pub(crate) fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|e| e.into_inner())
}

impl State {
    pub(crate) fn new(scenario: Scenario, login_base_url: String) -> Self {
        let mut state = Self {
            users: HashMap::new(),
            unknown_users_are_guests: scenario.unknown_users_are_guests,
            shares: HashMap::new(),
            s_ids: HashMap::new(),
            items: HashMap::new(),
            sites: scenario.sites,
            hydration: Hydration::new(scenario.hydration_lag, scenario.hydration_lifetime),
            faults: FaultQueue::default(),
            latency: scenario.latency,
            preview_origin: scenario.preview_origin,
            login_base_url,
            graph_resource: scenario.graph_resource,
            api: ApiRegistration {
                client_id: scenario.api_client_id,
                client_secret: scenario.api_client_secret,
                scope: scenario.api_scope,
                accepts: scenario.api_accepts,
            },
            published: Published::default(),
            token_faults: TokenFaultQueue::default(),
            seen_jtis: HashMap::new(),
            aws_outbound_federation: true,
            assertions_received: Vec::new(),
            web_identity_tokens_issued: Vec::new(),
            log: Vec::new(),
            next_seq: 0,
            arrived: tokio::sync::watch::Sender::new(0),
            ahead: Duration::ZERO,
        };
        for user in scenario.users {
            state.add_user(user);
        }
        for share in scenario.shares {
            state.add_share(share);
        }
        for item in scenario.items {
            state.add_item(item);
        }
        state
    }

    pub(crate) fn add_user(&mut self, user: SimUser) {
        self.users
            .insert((user.tid.clone(), user.oid.clone()), user);
    }

    pub(crate) fn add_share(&mut self, share: SimShare) {
        if let Some(key) = share.item_key() {
            self.store(key, share.drive_item.clone());
        }
        self.s_ids.insert(share.s_id(), share.url.clone());
        self.shares.insert(share.url.clone(), share);
    }

    /// Adds the "shared with you" page's shares and items; its links.
    pub(crate) fn add_shared_with_you(&mut self) -> Vec<SharedLink> {
        let (links, shares, items) = shared_with_you_parts();
        shares.into_iter().for_each(|share| self.add_share(share));
        items.into_iter().for_each(|item| self.add_item(item));
        links
    }

    /// Adds (or replaces) an item, listed last in its parent's children.
    pub(crate) fn add_item(&mut self, item: SimItem) {
        let Some(id) = item.id().map(str::to_owned) else {
            return;
        };
        let key = (item.drive_id.clone(), id.clone());
        self.store(key, item.item);
        if let Some(parent) = item.parent_id {
            let parent = self
                .items
                .entry((item.drive_id, parent))
                .or_insert_with(|| Stored {
                    item: serde_json::Value::Null,
                    children: Vec::new(),
                });
            if !parent.children.contains(&id) {
                parent.children.push(id);
            }
        }
    }

    fn store(&mut self, key: ItemKey, item: serde_json::Value) {
        self.items
            .entry(key)
            .and_modify(|s| s.item = item.clone())
            .or_insert(Stored {
                item,
                children: Vec::new(),
            });
    }

    /// The simulator's root URL (`http://127.0.0.1:4000`), where its
    /// thumbnails and downloads are served.
    pub(crate) fn root_url(&self) -> &str {
        &self.login_base_url
    }

    /// An item that was added (not just named as a parent).
    pub(crate) fn item(&self, key: &ItemKey) -> Option<&Stored> {
        self.items.get(key).filter(|s| !s.item.is_null())
    }

    /// The caller, registering an unknown one as a cold guest when the
    /// scenario says so; `None` when the tenant does not know them.
    pub(crate) fn caller(&mut self, key: &UserKey) -> Option<SimUser> {
        if let Some(user) = self.users.get(key) {
            return Some(user.clone());
        }
        if !self.unknown_users_are_guests {
            return None;
        }
        let user = SimUser::guest(&key.0, &key.1);
        self.users.insert(key.clone(), user.clone());
        Some(user)
    }

    /// Whether `/shares` would let this user through now. Members always;
    /// unknown users count as the cold guests they would be registered as.
    pub(crate) fn is_hydrated(&self, key: &UserKey, now: Instant) -> bool {
        let (guest, behaviour) = match self.users.get(key) {
            Some(user) => (user.guest, &user.behaviour),
            None if self.unknown_users_are_guests => (true, &Behaviour::Normal),
            None => return false,
        };
        if !guest {
            return true;
        }
        *behaviour != Behaviour::NeverHydrates && self.hydration.is_warm(key, now)
    }

    pub(crate) fn share_by_url(&self, url: &str) -> Option<&SimShare> {
        self.shares.get(url)
    }

    pub(crate) fn share_by_s_id(&self, s_id: &str) -> Option<&SimShare> {
        self.s_ids.get(s_id).and_then(|url| self.shares.get(url))
    }

    /// Whether `(host, "sites/Name" | "teams/Name")` is a known site.
    pub(crate) fn knows_site(&self, host: &str, path: &str) -> bool {
        self.sites.iter().any(|(h, p)| h == host && p == path)
    }

    /// Logs a request on arrival (status 0 until answered), so one the
    /// client gave up on is still in the log; returns its number.
    pub(crate) fn log(&mut self, mut request: RecordedRequest) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        request.seq = seq;
        self.log.push(Entry { seq, request });
        self.arrived.send_replace(self.next_seq);
        seq
    }

    /// Sets the status a logged request was answered with (a no-op when
    /// the log was cleared meanwhile).
    pub(crate) fn answered(&mut self, seq: u64, status: u16) {
        if let Some(entry) = self.log.iter_mut().rev().find(|e| e.seq == seq) {
            entry.request.status = status;
        }
    }

    /// What a token request's form said, once its body is read: its scope,
    /// and the assertion's user and audience (never the assertion itself).
    pub(crate) fn note_token_request(&mut self, seq: u64, form: Loggable) {
        if let Some(entry) = self.log.iter_mut().rev().find(|e| e.seq == seq) {
            entry.request.scope = form.scope;
            entry.request.user = form.user;
            entry.request.audience = form.audience;
            entry.request.client_auth = Some(form.client_auth);
        }
    }

    /// What an STS request's form asked for.
    pub(crate) fn note_sts_request(&mut self, seq: u64, call: StsCall) {
        if let Some(entry) = self.log.iter_mut().rev().find(|e| e.seq == seq) {
            entry.request.sts = Some(call);
        }
    }

    /// The simulator's time: hydration lags and lifetimes run on it.
    pub(crate) fn now(&self) -> Instant {
        Instant::now() + self.ahead
    }

    /// Moves the simulator's time forward by `by`.
    pub(crate) fn advance(&mut self, by: Duration) {
        self.ahead += by;
    }

    /// A receiver of how many requests arrived in all.
    pub(crate) fn arrivals(&self) -> tokio::sync::watch::Receiver<u64> {
        self.arrived.subscribe()
    }

    /// The log in arrival order, without request `except` (an admin call
    /// listing the log leaves itself out).
    pub(crate) fn requests(&self, except: Option<u64>) -> Vec<RecordedRequest> {
        self.log
            .iter()
            .filter(|e| Some(e.seq) != except)
            .map(|e| e.request.clone())
            .collect()
    }

    pub(crate) fn clear_requests(&mut self) {
        self.log.clear();
    }
}
