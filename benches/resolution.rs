//! Resolution benchmark (run on demand: `cargo bench --bench resolution`).
//!
//! Against the Graph simulator with an injected round-trip time, it reports
//! for a hydrated guest, a cold guest and a cold guest with hydration lag:
//! Graph calls per resolution, wall time (also in round trips) and the
//! service's added latency over a direct Graph call. The seed recipe
//! (optimistic call; on 401 warm up, sleep 1 s then 2 s, retry; 3 tries) runs
//! in the same process as the baseline. Ends with peak RSS after a burst.
//!
//! Knobs: `BENCH_RTT_MS` (default 20), `BENCH_ITERATIONS` (default 30),
//! `BENCH_LAG_MS` (default 300).

use std::sync::Arc;
use std::time::{Duration, Instant};

use graph_sim::token::TokenBuilder;
use graph_sim::{GraphSimulator, Scenario};
use share_resolver::configuration::Settings;
use share_resolver::hydration::MemoryStore;
use share_resolver::startup::{App, serve};

struct Bench {
    graph: GraphSimulator,
    service: String,
    client: reqwest::Client,
}

struct Sample {
    wall: Duration,
    graph_calls: usize,
    /// Whether the driveItem came back (a failure is counted, not fatal).
    ok: bool,
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn start(rtt: Duration, lag: Duration) -> Bench {
    let scenario = Scenario {
        latency: rtt,
        hydration_lag: lag,
        ..Scenario::demo()
    };
    let graph = GraphSimulator::start(scenario).await.expect("simulator");
    let settings = Settings {
        graph_base_url: graph.base_url(),
        ..Settings::default()
    };
    let app = App::with_store(
        &settings,
        Arc::new(MemoryStore::new(100_000, settings.hydration_ttl)),
    )
    .expect("app");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let service = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(serve(listener, app.router));
    Bench {
        graph,
        service,
        client: reqwest::Client::new(),
    }
}

fn fresh_guest() -> String {
    let tid = uuid::Uuid::new_v4().to_string();
    let oid = uuid::Uuid::new_v4().to_string();
    TokenBuilder::guest(&tid, &oid).expires_in(3600).build()
}

fn share_id() -> String {
    use base64::Engine;
    format!(
        "u!{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(graph_sim::DEMO_SHARE_URL)
    )
}

impl Bench {
    async fn via_service(&self, token: &str) -> Sample {
        self.graph.clear_requests();
        let started = Instant::now();
        let r = self.resolve(token).await.expect("service answers");
        let ok = r.status() == 200;
        let _ = r.bytes().await;
        Sample {
            wall: started.elapsed(),
            graph_calls: self.graph.requests().len(),
            ok,
        }
    }

    async fn graph_get(&self, path: &str, token: &str) -> u16 {
        let r = self
            .client
            .get(format!("{}{path}", self.graph.base_url()))
            .bearer_auth(token)
            .send()
            .await
            .expect("simulator answers");
        let status = r.status().as_u16();
        let _ = r.bytes().await;
        status
    }

    async fn direct(&self, token: &str) -> Sample {
        self.graph.clear_requests();
        let started = Instant::now();
        let status = self
            .graph_get(&format!("/shares/{}/driveItem", share_id()), token)
            .await;
        Sample {
            wall: started.elapsed(),
            graph_calls: self.graph.requests().len(),
            ok: status == 200,
        }
    }

    /// The seed recipe: optimistic call; on 401 warm up with the group trick,
    /// sleep 1 s then 2 s, retry; 3 tries.
    async fn seed_recipe(&self, token: &str) -> Sample {
        self.graph.clear_requests();
        let started = Instant::now();
        let path = format!("/shares/{}/driveItem", share_id());
        // Two retries, after 1 s and 2 s; `None` marks the last try.
        let mut ok = false;
        for sleep in [
            Some(Duration::from_secs(1)),
            Some(Duration::from_secs(2)),
            None,
        ] {
            if self.graph_get(&path, token).await == 200 {
                ok = true;
                break;
            }
            if let Some(sleep) = sleep {
                self.graph_get("/groups/0a1b2c3d-1111-2222-3333-444455556666/drive", token)
                    .await;
                tokio::time::sleep(sleep).await;
            }
        }
        Sample {
            wall: started.elapsed(),
            graph_calls: self.graph.requests().len(),
            ok,
        }
    }
}

fn report(name: &str, samples: &[Sample], rtt: Duration, baseline: Option<Duration>) -> Duration {
    let mut walls: Vec<Duration> = samples.iter().map(|s| s.wall).collect();
    walls.sort();
    let median = walls[walls.len() / 2];
    let p90 = walls[(walls.len() * 9 / 10).min(walls.len() - 1)];
    let calls = samples.iter().map(|s| s.graph_calls).sum::<usize>() as f64 / samples.len() as f64;
    let rtts = median.as_secs_f64() / rtt.as_secs_f64().max(1e-9);
    let ok = 100.0 * samples.iter().filter(|s| s.ok).count() as f64 / samples.len() as f64;
    let added = baseline
        .map(|b| {
            format!(
                "{:>+8.1} ms",
                (median.as_secs_f64() - b.as_secs_f64()) * 1000.0
            )
        })
        .unwrap_or_else(|| "         -".to_owned());
    println!(
        "{name:<34} {ok:>5.0}% {calls:>6.2} {:>10.1} {:>10.1} {rtts:>8.2} {added}",
        median.as_secs_f64() * 1000.0,
        p90.as_secs_f64() * 1000.0
    );
    median
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::main]
async fn main() {
    let rtt = Duration::from_millis(env_u64("BENCH_RTT_MS", 20));
    let n = env_u64("BENCH_ITERATIONS", 30) as usize;
    let lag = Duration::from_millis(env_u64("BENCH_LAG_MS", 300));
    println!(
        "share-resolver resolution benchmark: simulated Graph RTT {} ms, {n} iterations, hydration lag {} ms\n",
        rtt.as_millis(),
        lag.as_millis()
    );
    println!(
        "{:<34} {:>6} {:>6} {:>10} {:>10} {:>8} {:>11}",
        "scenario", "ok", "calls", "median ms", "p90 ms", "RTTs", "added"
    );

    let bench = start(rtt, Duration::ZERO).await;
    // Warm the connection pools and the hydrated guest.
    let hydrated = fresh_guest();
    let _ = bench.via_service(&hydrated).await;
    let mut direct = Vec::new();
    let mut hit = Vec::new();
    for _ in 0..n {
        direct.push(bench.direct(&hydrated).await);
        hit.push(bench.via_service(&hydrated).await);
    }
    let baseline = report("direct Graph call (hydrated)", &direct, rtt, None);
    report("service, hydrated guest (hit)", &hit, rtt, Some(baseline));
    let mut cold = Vec::new();
    for _ in 0..n {
        cold.push(bench.via_service(&fresh_guest()).await);
    }
    report("service, cold guest (miss)", &cold, rtt, Some(baseline));

    let lagging = start(rtt, lag).await;
    let runs = n.min(20);
    let mut ours = Vec::new();
    let mut seed = Vec::new();
    for _ in 0..runs {
        ours.push(lagging.via_service(&fresh_guest()).await);
        seed.push(lagging.seed_recipe(&fresh_guest()).await);
    }
    report(
        &format!("service, cold guest, {} ms lag", lag.as_millis()),
        &ours,
        rtt,
        Some(baseline),
    );
    report(
        &format!("seed recipe, cold guest, {} ms lag", lag.as_millis()),
        &seed,
        rtt,
        Some(baseline),
    );
    let mut seed_cold = Vec::new();
    for _ in 0..runs {
        seed_cold.push(bench.seed_recipe(&fresh_guest()).await);
    }
    report(
        "seed recipe, cold guest, no lag",
        &seed_cold,
        rtt,
        Some(baseline),
    );

    // Memory: a burst of concurrent requests from many users.
    let burst = start(Duration::from_millis(2), Duration::ZERO).await;
    let burst = Arc::new(burst);
    let tokens: Arc<Vec<String>> = Arc::new((0..500).map(|_| fresh_guest()).collect());
    let started = Instant::now();
    let tasks: Vec<_> = (0..2000)
        .map(|i| {
            let (b, t) = (burst.clone(), tokens.clone());
            tokio::spawn(async move { b.via_service_unchecked(&t[i % t.len()]).await })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        ok += usize::from(t.await.unwrap_or(false));
    }
    println!(
        "\nburst: 2000 requests from 500 users, {ok} ok in {:.0} ms; peak RSS of the whole process (service + simulator + client): {} KiB",
        started.elapsed().as_secs_f64() * 1000.0,
        peak_rss_kib().map_or("?".to_owned(), |k| k.to_string())
    );
}

impl Bench {
    fn resolve(&self, token: &str) -> impl Future<Output = reqwest::Result<reqwest::Response>> {
        self.client
            .get(format!(
                "{}/v1/shares/{}/driveItem",
                self.service,
                share_id()
            ))
            .bearer_auth(token)
            .send()
    }

    async fn via_service_unchecked(&self, token: &str) -> bool {
        match self.resolve(token).await {
            Ok(r) => r.status() == 200 && r.bytes().await.is_ok(),
            Err(_) => false,
        }
    }
}
