//! Injected faults: a FIFO queue of answers that replace normal handling for
//! matching requests (throttling, outages, dropped connections, slowness),
//! and a second one for the identity platform's token endpoint.

use std::collections::VecDeque;
use std::time::Duration;

use super::record::RequestKind;

/// Which requests a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultTarget {
    /// The calls the service resolves (and retries): `/shares/{id}/driveItem`
    /// and `/children`, `/drives/{d}/items/{i}` and `/children`.
    Shares,
    /// The three warm-up calls.
    Warmup,
    /// A `$batch` round trip itself (a whole-batch 429, outage, drop or
    /// delay); its inner requests take the other targets' faults.
    Batch,
    /// The identity platform's key set and OpenID configuration (the
    /// service's start-up fetch and its refresh on an unknown `kid`).
    Keys,
    /// Every Graph and SharePoint REST request (the simulator's own `/_sim`
    /// routes and the identity platform's excepted: the token endpoint has
    /// its own faults, [`TokenFault`]). A `$batch` round trip is one, and
    /// so is each request inside it: the round trip, arriving first,
    /// takes the fault before its requests do.
    Any,
}

impl FaultTarget {
    fn matches(self, kind: RequestKind) -> bool {
        match self {
            Self::Shares => kind.is_resolution(),
            Self::Warmup => kind.is_warmup(),
            Self::Batch => kind == RequestKind::Batch,
            Self::Keys => matches!(kind, RequestKind::Keys | RequestKind::OpenIdConfiguration),
            // Admin calls are the harness talking to the simulator, not Graph
            // traffic: a fault must not be spent on them.
            Self::Any => kind.is_graph(),
        }
    }
}

/// What a fault does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultAction {
    /// Answer `status` with a Graph-shaped body for it; `Retry-After` verbatim
    /// when `Some` (e.g. `"2.128"`, `"1"`, or an HTTP-date).
    Status {
        status: u16,
        retry_after: Option<String>,
    },
    /// Close the TCP connection without any answer.
    DropConnection,
    /// Answer normally, this much later.
    Delay(Duration),
}

/// An injected fault, applied to the next `times` matching requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// Which requests it applies to.
    pub target: FaultTarget,
    /// What it does to them.
    pub action: FaultAction,
    /// How many more matching requests it applies to.
    pub times: u32,
}

impl Fault {
    /// Applies once to the next `/shares` call.
    pub fn shares(action: FaultAction) -> Self {
        Self {
            target: FaultTarget::Shares,
            action,
            times: 1,
        }
    }

    /// Applies once to the next warm-up call.
    pub fn warmup(action: FaultAction) -> Self {
        Self {
            target: FaultTarget::Warmup,
            ..Self::shares(action)
        }
    }

    /// Applies once to the next `$batch` round trip (the whole batch).
    pub fn batch(action: FaultAction) -> Self {
        Self {
            target: FaultTarget::Batch,
            ..Self::shares(action)
        }
    }

    /// Applies once to the next key set or OpenID configuration request.
    pub fn keys(action: FaultAction) -> Self {
        Self {
            target: FaultTarget::Keys,
            ..Self::shares(action)
        }
    }

    /// Applies once to the next Graph call of any kind.
    pub fn any(action: FaultAction) -> Self {
        Self {
            target: FaultTarget::Any,
            ..Self::shares(action)
        }
    }

    /// Applies to this many matching requests instead of one (0: never).
    pub fn times(self, times: u32) -> Self {
        Self { times, ..self }
    }
}

/// Pending faults, oldest first.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue(VecDeque<Fault>);

impl FaultQueue {
    pub(crate) fn push(&mut self, fault: Fault) {
        if fault.times > 0 {
            self.0.push_back(fault);
        }
    }

    /// Takes one use of the oldest fault matching `kind`, if any.
    pub(crate) fn take(&mut self, kind: RequestKind) -> Option<FaultAction> {
        let index = self.0.iter().position(|f| f.target.matches(kind))?;
        let fault = &mut self.0[index];
        let action = fault.action.clone();
        fault.times = fault.times.saturating_sub(1);
        if fault.times == 0 {
            self.0.remove(index);
        }
        Some(action)
    }

    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }
}

/// An answer the token endpoint (`POST /{tid}/oauth2/v2.0/token`) gives
/// instead of its normal one, as Entra does (GRAPH-FACTS section 7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenFault {
    /// 400 `interaction_required` (AADSTS50076, MFA required) with `claims`,
    /// the claims-challenge JSON string (e.g.
    /// `{"access_token":{"polids":{"essential":true,"values":["…"]}}}`).
    InteractionRequired { claims: String },
    /// 400 `invalid_grant` (AADSTS50079) with `claims`: the other shape an
    /// OBO claims challenge comes in.
    InvalidGrantWithClaims { claims: String },
    /// 400 `consent_required` (AADSTS65001).
    ConsentRequired,
    /// 401 `invalid_client` (AADSTS7000215, a wrong secret): the service's
    /// own credentials.
    InvalidClient,
    /// This status with an AAD-shaped body for it (`server_error` for 500,
    /// `temporarily_unavailable` for 503 and 504, …).
    Status(u16),
    /// Answers normally, this much later (single-flight tests).
    Delay(std::time::Duration),
    /// Closes the connection without an answer.
    DropConnection,
}

/// Pending token faults, oldest first, each with its uses left.
#[derive(Debug, Default)]
pub(crate) struct TokenFaultQueue(VecDeque<(TokenFault, u32)>);

impl TokenFaultQueue {
    pub(crate) fn push(&mut self, fault: TokenFault, times: u32) {
        if times > 0 {
            self.0.push_back((fault, times));
        }
    }

    /// Takes one use of the oldest fault.
    pub(crate) fn take(&mut self) -> Option<TokenFault> {
        let (fault, times) = self.0.front_mut()?;
        let fault = fault.clone();
        *times -= 1;
        if *times == 0 {
            self.0.pop_front();
        }
        Some(fault)
    }

    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(status: u16) -> FaultAction {
        FaultAction::Status {
            status,
            retry_after: None,
        }
    }

    #[test]
    fn faults_are_taken_in_order_by_matching_kind_and_used_up() {
        let mut q = FaultQueue::default();
        q.push(Fault::warmup(status(503)).times(2));
        q.push(Fault::shares(status(429)));
        q.push(Fault::any(status(500)));
        q.push(Fault::any(status(502)).times(0));

        assert_eq!(q.take(RequestKind::Admin), None);
        assert_eq!(q.take(RequestKind::Shares), Some(status(429)));
        assert_eq!(q.take(RequestKind::Shares), Some(status(500)));
        assert_eq!(q.take(RequestKind::Shares), None);
        assert_eq!(q.take(RequestKind::WarmupRoot), Some(status(503)));
        assert_eq!(q.take(RequestKind::WarmupGroupDrive), Some(status(503)));
        assert_eq!(q.take(RequestKind::WarmupSiteByPath), None);
    }

    #[test]
    fn a_batch_fault_hits_the_round_trip_and_a_shares_fault_its_requests() {
        let mut q = FaultQueue::default();
        q.push(Fault::shares(status(401)));
        q.push(Fault::batch(status(429)));
        assert_eq!(q.take(RequestKind::Batch), Some(status(429)));
        assert_eq!(q.take(RequestKind::Batch), None);
        assert_eq!(q.take(RequestKind::Shares), Some(status(401)));
        q.push(Fault::any(status(503)));
        assert_eq!(q.take(RequestKind::Batch), Some(status(503)));
    }

    #[test]
    fn graph_faults_spare_the_identity_platform_which_has_its_own() {
        let mut q = FaultQueue::default();
        q.push(Fault::any(status(500)));
        assert_eq!(q.take(RequestKind::Token), None);
        assert_eq!(q.take(RequestKind::Keys), None);
        assert_eq!(q.take(RequestKind::OpenIdConfiguration), None);
        assert_eq!(q.take(RequestKind::Shares), Some(status(500)));
        q.push(Fault::keys(status(503)).times(2));
        assert_eq!(q.take(RequestKind::Shares), None);
        assert_eq!(q.take(RequestKind::Token), None);
        assert_eq!(q.take(RequestKind::Keys), Some(status(503)));
        assert_eq!(q.take(RequestKind::OpenIdConfiguration), Some(status(503)));

        let mut t = TokenFaultQueue::default();
        t.push(TokenFault::ConsentRequired, 2);
        t.push(TokenFault::InvalidClient, 0);
        t.push(TokenFault::Status(503), 1);
        assert_eq!(t.take(), Some(TokenFault::ConsentRequired));
        assert_eq!(t.take(), Some(TokenFault::ConsentRequired));
        assert_eq!(t.take(), Some(TokenFault::Status(503)));
        assert_eq!(t.take(), None);
    }
}
