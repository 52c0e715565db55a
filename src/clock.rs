//! Wall-clock arithmetic shared by the token checks, the hydration records
//! and the metrics: epoch seconds, in one place.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch, saturating at 0 for clocks before 1970.
pub fn epoch_seconds(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}
