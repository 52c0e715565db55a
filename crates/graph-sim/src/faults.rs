//! Injected faults: a FIFO queue of answers that replace normal handling for
//! matching requests (throttling, outages, dropped connections, slowness).

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
    /// Every Graph request (the simulator's own `/_sim` routes excepted).
    Any,
}

impl FaultTarget {
    fn matches(self, kind: RequestKind) -> bool {
        match self {
            Self::Shares => kind.is_resolution(),
            Self::Warmup => kind.is_warmup(),
            // Admin calls are the harness talking to the simulator, not Graph
            // traffic: a fault must not be spent on them.
            Self::Any => kind != RequestKind::Admin,
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
}
