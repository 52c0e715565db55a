//! The soak's knobs, from the environment (`SOAK_*`; the defaults are the
//! documented run).

use std::time::Duration;

pub struct Config {
    pub requests: usize,
    pub users: usize,
    pub concurrency: usize,
    pub rtt: Duration,
    pub lag: Duration,
    pub never_pct: usize,
    pub forged_pct: usize,
    /// The share of requests (%) sent as a batch of 5 to 20 links.
    pub batch_pct: usize,
    pub seed: u64,
}

impl Config {
    pub fn from_env() -> Self {
        Self {
            requests: env_usize("SOAK_REQUESTS", 10_000),
            users: env_usize("SOAK_USERS", 500).max(1),
            concurrency: env_usize("SOAK_CONCURRENCY", 50).max(1),
            rtt: Duration::from_millis(env_usize("SOAK_RTT_MS", 20) as u64),
            lag: Duration::from_millis(env_usize("SOAK_LAG_MS", 150) as u64),
            never_pct: env_usize("SOAK_NEVER_PCT", 2).min(100),
            forged_pct: env_usize("SOAK_FORGED_PCT", 3).min(100),
            batch_pct: env_usize("SOAK_BATCH_PCT", 25).min(100),
            seed: env_usize("SOAK_SEED", 1) as u64,
        }
    }

    /// How many guests never hydrate (the first ones).
    pub fn never_hydrating(&self) -> usize {
        (self.users * self.never_pct).div_ceil(100)
    }
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}
