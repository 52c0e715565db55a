//! Time, in one place: the [`Clock`] that hydration records, warm-up
//! markers, leases and throttle windows read, and epoch-second arithmetic.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

/// Seconds since the Unix epoch, saturating at 0 for clocks before 1970.
pub fn epoch_seconds(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The service's clock, built once at startup and handed to what records
/// and remembers time. In production it is the system's; a test takes a
/// [`Clock::manual`] one and moves it forward instead of sleeping.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    /// Milliseconds a manual clock has been advanced; `None`: the system's.
    advanced_ms: Option<Arc<AtomicU64>>,
}

impl Clock {
    /// The system's clock (what production runs on).
    pub fn system() -> Self {
        Self::default()
    }

    /// A clock the caller controls: the system's time plus whatever
    /// [`Clock::advance`] added. Time still passes as usual (deadlines and
    /// timeouts behave as in production); a test jumps it forward to age
    /// markers, records, leases and throttle windows at once. Clones share
    /// the offset.
    pub fn manual() -> Self {
        Self {
            advanced_ms: Some(Arc::default()),
        }
    }

    /// Moves a manual clock forward by `by` (millisecond resolution).
    ///
    /// # Panics
    /// On the system clock: production time is never moved.
    pub fn advance(&self, by: Duration) {
        let ms = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
        self.advanced_ms
            .as_ref()
            .expect("only a manual clock advances")
            .fetch_add(ms, Ordering::SeqCst);
    }

    fn ahead(&self) -> Duration {
        self.advanced_ms.as_ref().map_or(Duration::ZERO, |ms| {
            Duration::from_millis(ms.load(Ordering::SeqCst))
        })
    }

    /// Wall-clock time: what records, markers and leases are stamped with.
    pub fn now(&self) -> SystemTime {
        SystemTime::now() + self.ahead()
    }

    /// Monotonic time: what throttle windows are measured on.
    pub fn instant(&self) -> Instant {
        Instant::now() + self.ahead()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_jumps_forward_by_what_it_is_advanced_and_its_clones_follow() {
        let clock = Clock::manual();
        let copy = clock.clone();
        let (wall, mono) = (SystemTime::now(), Instant::now());

        clock.advance(Duration::from_millis(1500));

        let jumped = copy.now().duration_since(wall).unwrap();
        assert!(jumped >= Duration::from_millis(1500), "{jumped:?}");
        assert!(copy.instant() - mono >= Duration::from_millis(1500));
    }

    #[test]
    fn the_system_clock_reads_the_system_time() {
        let before = SystemTime::now();
        let read = Clock::system().now();
        let after = SystemTime::now();
        assert!(before <= read && read <= after);
    }

    #[test]
    #[should_panic(expected = "only a manual clock advances")]
    fn the_system_clock_cannot_be_moved() {
        Clock::system().advance(Duration::from_secs(1));
    }
}
