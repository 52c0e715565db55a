//! When each guest counts as hydrated: a warm-up opens a window that starts
//! `lag` later and lasts `lifetime` (docs/graph-facts.md#6-the-guest-hydration-anomaly: "works for a few hours").

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// `(tid, oid)`.
pub(crate) type UserKey = (String, String);

/// One guest's hydration: warm from `ready_at` until `until`.
#[derive(Debug, Clone, Copy)]
struct Window {
    ready_at: Instant,
    until: Instant,
}

/// Hydration windows of every guest that warmed up.
#[derive(Debug)]
pub(crate) struct Hydration {
    lag: Duration,
    lifetime: Duration,
    windows: HashMap<UserKey, Window>,
}

/// `t + d`, saturating far in the future instead of panicking on overflow
/// (a scenario may ask for a practically endless lifetime).
fn later(t: Instant, d: Duration) -> Instant {
    t.checked_add(d)
        .or_else(|| t.checked_add(Duration::from_secs(100 * 365 * 86_400)))
        .unwrap_or(t)
}

impl Hydration {
    pub(crate) fn new(lag: Duration, lifetime: Duration) -> Self {
        Self {
            lag,
            lifetime,
            windows: HashMap::new(),
        }
    }

    /// A SharePoint-backed call at `now`. An already open (or pending)
    /// window is only extended: a later warm-up must never make a warm guest
    /// cold again for the length of the lag.
    pub(crate) fn warm_up(&mut self, key: &UserKey, now: Instant) {
        let ready_at = later(now, self.lag);
        let fresh = Window {
            ready_at,
            until: later(ready_at, self.lifetime),
        };
        let window = match self.windows.get(key) {
            Some(w) if now < w.until => Window {
                ready_at: w.ready_at.min(fresh.ready_at),
                until: w.until.max(fresh.until),
            },
            _ => fresh,
        };
        self.windows.insert(key.clone(), window);
    }

    /// Hydrated from `now`, with no lag.
    pub(crate) fn hydrate(&mut self, key: &UserKey, now: Instant) {
        self.windows.insert(
            key.clone(),
            Window {
                ready_at: now,
                until: later(now, self.lifetime),
            },
        );
    }

    pub(crate) fn forget(&mut self, key: &UserKey) {
        self.windows.remove(key);
    }

    pub(crate) fn clear(&mut self) {
        self.windows.clear();
    }

    /// Whether `key`'s window is open at `now`.
    pub(crate) fn is_warm(&self, key: &UserKey, now: Instant) -> bool {
        self.windows
            .get(key)
            .is_some_and(|w| w.ready_at <= now && now < w.until)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> UserKey {
        ("t".to_owned(), "o".to_owned())
    }

    #[test]
    fn a_warm_up_takes_effect_after_the_lag_and_lasts_the_lifetime() {
        let (lag, life) = (Duration::from_secs(2), Duration::from_secs(10));
        let mut h = Hydration::new(lag, life);
        let t0 = Instant::now();
        assert!(!h.is_warm(&key(), t0));
        h.warm_up(&key(), t0);
        assert!(!h.is_warm(&key(), t0 + Duration::from_secs(1)));
        assert!(h.is_warm(&key(), t0 + lag));
        assert!(h.is_warm(&key(), t0 + Duration::from_secs(11)));
        assert!(!h.is_warm(&key(), t0 + lag + life));
    }

    #[test]
    fn another_warm_up_extends_and_never_cools_a_warm_guest() {
        let (lag, life) = (Duration::from_secs(2), Duration::from_secs(10));
        let mut h = Hydration::new(lag, life);
        let t0 = Instant::now();
        h.warm_up(&key(), t0);
        let t1 = t0 + Duration::from_secs(5);
        h.warm_up(&key(), t1);
        assert!(h.is_warm(&key(), t1));
        assert!(h.is_warm(&key(), t0 + Duration::from_secs(16)));
        assert!(!h.is_warm(&key(), t1 + lag + life));

        // After expiry a warm-up starts over, lag included.
        let t2 = t1 + lag + life;
        h.warm_up(&key(), t2);
        assert!(!h.is_warm(&key(), t2));
        assert!(h.is_warm(&key(), t2 + lag));
    }

    #[test]
    fn hydrate_is_immediate_and_forget_cools() {
        let mut h = Hydration::new(Duration::from_secs(60), Duration::MAX);
        let t0 = Instant::now();
        h.hydrate(&key(), t0);
        assert!(h.is_warm(&key(), t0));
        assert!(h.is_warm(&key(), t0 + Duration::from_secs(86_400 * 365)));
        h.forget(&key());
        assert!(!h.is_warm(&key(), t0));
    }
}
