//! Fleet benchmark (on demand: `cargo bench --bench fleet`, with a local
//! DynamoDB: `scripts/dev-env.sh; eval "$(scripts/moto.sh start)"`).
//!
//! Lambda runs one request per instance, so a guest whose page opens several
//! links at once reaches several instances. Here K instances are K separate
//! `App`s (each its own L1 and warm-up ledger, each the production store:
//! the L1 over its own DynamoDB client) on one table of the local DynamoDB
//! server, and one Graph simulator with a hydration lag. Three scenarios,
//! each a cold guest, every request sent at once:
//!
//! * one request per instance: K requests of one link, request i to instance i;
//! * K different links at once: link i to instance i;
//! * 3K requests spread over the K: request j to instance j mod K (links j mod K).
//!
//! For each: warm-ups (per guest: the mean over the rounds, and the most),
//! Graph calls and DynamoDB calls (behind the L1) per request, success
//! rate, median and p90 wall time and "× ideal" (ideal: `lag + 2 RTT`, a
//! warm-up, the settling lag, one `/shares` call). Then the same with the
//! table down (nothing listens).
//!
//! Then the page of links: `PAGE_GUESTS` cold guests at once, each opening
//! a page of 20 links, either as one `POST /v1/$batch` (one invocation, on
//! one instance) or as 20 requests spread over the K instances (20
//! invocations). Per link: Graph round trips, Lambda invocations, DynamoDB
//! calls; per guest: warm-ups; and the page's wall time (until its last
//! link answered) against `lag + 2 RTT`.
//!
//! Knobs: `BENCH_RTT_MS` (default 20), `BENCH_LAG_MS` (300),
//! `BENCH_FLEET_PAGES_ONLY` (set: only the page rows),
//! `BENCH_FLEET_ROUNDS` (5), `BENCH_FLEET_SIZES` (`1,8,32`),
//! `BENCH_STORE_TIMEOUT_MS` (the service's default, 150: a local server on a
//! loaded 2-core machine can be slower than DynamoDB, and a store call past
//! the timeout warms up on its own, by design).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use graph_sim::{GraphSimulator, Scenario};
use share_resolver::configuration::Settings;
use share_resolver::hydration::{DynamoStore, production_store};
use share_resolver_testkit::dynamo::{fresh_table, local_client};
use share_resolver_testkit::{
    CountingStore, Guest, SHARE_URL, TestApp, add_share, closed_port, spawn_service, u_id,
};

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// K instances on one table (or on a DynamoDB that is down).
struct Fleet {
    graph: GraphSimulator,
    apps: Vec<Arc<TestApp>>,
    /// DynamoDB calls behind the L1s, all instances together.
    dynamo_calls: Arc<AtomicUsize>,
    links: Vec<String>,
    /// A page of links (`PAGE` of them).
    page: Vec<String>,
}

/// Links on a guest's page, and guests opening theirs at once.
const PAGE: usize = 20;
const PAGE_GUESTS: usize = 4;

async fn fleet(k: usize, rtt: Duration, lag: Duration, endpoint: &str, table: &str) -> Fleet {
    let graph = GraphSimulator::start(Scenario {
        latency: rtt,
        hydration_lag: lag,
        ..Scenario::demo()
    })
    .await
    .expect("simulator");
    let mut links = vec![SHARE_URL.to_owned()];
    for i in 1..k {
        let url = format!("https://contoso.sharepoint.com/:w:/s/Marketing/EaFleetLink{i:03}?e=x");
        add_share(&graph, &url, &format!("link {i}.docx"));
        links.push(url);
    }
    let page = (0..PAGE)
        .map(|i| {
            let url =
                format!("https://contoso.sharepoint.com/:w:/s/Marketing/EaFleetPage{i:03}?e=p");
            add_share(&graph, &url, &format!("page {i}.docx"));
            u_id(&url)
        })
        .collect();
    let defaults = Settings::default();
    let settings = Settings {
        graph_base_url: graph.base_url(),
        sharepoint_override: Some(format!("http://{}", graph.addr())),
        store_timeout: Duration::from_millis(env_u64(
            "BENCH_STORE_TIMEOUT_MS",
            defaults.store_timeout.as_millis() as u64,
        )),
        ..defaults
    };
    let dynamo_calls = Arc::new(AtomicUsize::new(0));
    let mut apps = Vec::with_capacity(k);
    for _ in 0..k {
        // Each instance its own client, as each Lambda instance has.
        let client = local_client(endpoint, settings.store_timeout).await;
        let store = production_store(CountingStore::sharing(
            DynamoStore::new(client, table),
            dynamo_calls.clone(),
        ));
        apps.push(Arc::new(
            spawn_service(graph.clone(), settings.clone(), store).await,
        ));
    }
    Fleet {
        graph,
        apps,
        dynamo_calls,
        links,
        page,
    }
}

#[derive(Clone, Copy)]
enum Spread {
    SameLink,
    LinkEach,
    ThreeEach,
}

impl Spread {
    fn name(self, k: usize) -> String {
        match self {
            Spread::SameLink => "one request per instance".to_owned(),
            Spread::LinkEach => format!("{k} different links at once"),
            Spread::ThreeEach => format!("{} requests spread over the {k}", 3 * k),
        }
    }

    /// (instance, link) of each request.
    fn requests(self, k: usize) -> Vec<(usize, usize)> {
        match self {
            Spread::SameLink => (0..k).map(|i| (i, 0)).collect(),
            Spread::LinkEach => (0..k).map(|i| (i, i)).collect(),
            Spread::ThreeEach => (0..3 * k).map(|j| (j % k, j % k)).collect(),
        }
    }
}

#[derive(Default)]
struct Tally {
    walls: Vec<Duration>,
    ok: usize,
    graph_calls: usize,
    dynamo_calls: usize,
    warmups: Vec<usize>,
}

/// One round: a fresh cold guest, every request at once.
async fn round(fleet: &Fleet, spread: Spread, tally: &mut Tally) {
    let guest = Arc::new(Guest::new());
    fleet.graph.clear_requests();
    let before = fleet.dynamo_calls.load(Ordering::SeqCst);
    let tasks: Vec<_> = spread
        .requests(fleet.apps.len())
        .into_iter()
        .map(|(instance, link)| {
            let app = fleet.apps[instance].clone();
            let (guest, share) = (guest.clone(), u_id(&fleet.links[link]));
            tokio::spawn(async move {
                let started = Instant::now();
                let r = app.get_drive_item(&share, Some(&guest.token)).await;
                let ok = r.status() == 200 && r.bytes().await.is_ok();
                (started.elapsed(), ok)
            })
        })
        .collect();
    for task in tasks {
        let (wall, ok) = task.await.expect("request task");
        tally.walls.push(wall);
        tally.ok += usize::from(ok);
    }
    let key = guest.key();
    let requests = fleet.graph.requests();
    let mine = requests
        .iter()
        .filter(|r| r.user.as_deref() == Some(key.as_str()));
    tally.graph_calls += mine.clone().count();
    tally
        .warmups
        .push(mine.filter(|r| r.kind.is_warmup()).count());
    tally.dynamo_calls += fleet.dynamo_calls.load(Ordering::SeqCst) - before;
}

/// What the page rounds add up, per link and per guest.
#[derive(Default)]
struct PageTally {
    /// Each page's wall time, until its last link answered.
    walls: Vec<Duration>,
    links: usize,
    ok: usize,
    invocations: usize,
    round_trips: usize,
    dynamo_calls: usize,
    warmups: Vec<usize>,
}

/// One page round: `PAGE_GUESTS` fresh cold guests at once, each opening
/// its page as one batch (guest g on instance g mod K) or as 20 requests
/// (link j of guest g on instance (20 g + j) mod K).
async fn page_round(fleet: &Fleet, batch: bool, tally: &mut PageTally) {
    let guests: Vec<Arc<Guest>> = (0..PAGE_GUESTS).map(|_| Arc::new(Guest::new())).collect();
    fleet.graph.clear_requests();
    let before = fleet.dynamo_calls.load(Ordering::SeqCst);
    let k = fleet.apps.len();
    let mut pages = Vec::new();
    for (g, guest) in guests.iter().enumerate() {
        let links = fleet.page.clone();
        let apps: Vec<Arc<TestApp>> = if batch {
            vec![fleet.apps[g % k].clone()]
        } else {
            (0..PAGE)
                .map(|j| fleet.apps[(g * PAGE + j) % k].clone())
                .collect()
        };
        let guest = guest.clone();
        pages.push(tokio::spawn(async move {
            let started = Instant::now();
            let ok = if batch {
                let requests: Vec<serde_json::Value> = links
                    .iter()
                    .enumerate()
                    .map(|(i, id)| serde_json::json!({"id": i.to_string(), "method": "GET", "url": format!("/shares/{id}/driveItem")}))
                    .collect();
                let r = apps[0]
                    .post_batch(serde_json::Value::Array(requests), Some(&guest.token))
                    .await;
                let body: serde_json::Value = r.json().await.unwrap_or_default();
                body["responses"].as_array().map_or(0, |answers| {
                    answers.iter().filter(|a| a["status"] == 200).count()
                })
            } else {
                let mut requests = tokio::task::JoinSet::new();
                for (app, id) in apps.into_iter().zip(links) {
                    let token = guest.token.clone();
                    requests.spawn(async move {
                        let r = app.get_drive_item(&id, Some(&token)).await;
                        usize::from(r.status() == 200 && r.bytes().await.is_ok())
                    });
                }
                let mut ok = 0;
                while let Some(done) = requests.join_next().await {
                    ok += done.unwrap_or(0);
                }
                ok
            };
            (started.elapsed(), ok)
        }));
    }
    for page in pages {
        let (wall, ok) = page.await.expect("page task");
        tally.walls.push(wall);
        tally.ok += ok;
        tally.links += PAGE;
    }
    tally.invocations += if batch {
        PAGE_GUESTS
    } else {
        PAGE_GUESTS * PAGE
    };
    let requests = fleet.graph.requests();
    for guest in &guests {
        let key = guest.key();
        let mine: Vec<_> = requests
            .iter()
            .filter(|r| r.user.as_deref() == Some(key.as_str()))
            .collect();
        tally.round_trips += mine.iter().filter(|r| !r.is_inner()).count();
        tally
            .warmups
            .push(mine.iter().filter(|r| r.kind.is_warmup()).count());
    }
    tally.dynamo_calls += fleet.dynamo_calls.load(Ordering::SeqCst) - before;
}

fn page_header() {
    println!(
        "\n{:<4} {:<34} {:>5} {:>9} {:>8} {:>8} {:>8} {:>8} {:>10} {:>8} {:>8}",
        "K",
        "page of 20 links, 4 cold guests",
        "ok",
        "warm-ups",
        "max",
        "graph/l",
        "inv/l",
        "ddb/l",
        "median ms",
        "p90 ms",
        "× ideal"
    );
}

fn page_row(k: usize, name: &str, tally: &PageTally, ideal: Duration) {
    let mut walls = tally.walls.clone();
    walls.sort();
    let median = walls[walls.len() / 2];
    let p90 = walls[(walls.len() * 9 / 10).min(walls.len() - 1)];
    let links = tally.links.max(1) as f64;
    let warmups = tally.warmups.iter().sum::<usize>() as f64 / tally.warmups.len().max(1) as f64;
    println!(
        "{k:<4} {name:<34} {:>4.0}% {warmups:>9.2} {:>8} {:>8.2} {:>8.2} {:>8.2} {:>10.1} {:>8.1} {:>8.2}",
        100.0 * tally.ok as f64 / links,
        tally.warmups.iter().max().copied().unwrap_or(0),
        tally.round_trips as f64 / links,
        tally.invocations as f64 / links,
        tally.dynamo_calls as f64 / links,
        median.as_secs_f64() * 1e3,
        p90.as_secs_f64() * 1e3,
        median.as_secs_f64() / ideal.as_secs_f64()
    );
}

fn header() {
    println!(
        "{:<4} {:<34} {:>5} {:>9} {:>8} {:>8} {:>8} {:>10} {:>8} {:>8}",
        "K",
        "scenario",
        "ok",
        "warm-ups",
        "max",
        "graph/r",
        "ddb/r",
        "median ms",
        "p90 ms",
        "× ideal"
    );
}

fn row(k: usize, name: &str, tally: &Tally, ideal: Duration) {
    let mut walls = tally.walls.clone();
    walls.sort();
    let n = walls.len().max(1) as f64;
    let median = walls[walls.len() / 2];
    let p90 = walls[(walls.len() * 9 / 10).min(walls.len() - 1)];
    let warmups = tally.warmups.iter().sum::<usize>() as f64 / tally.warmups.len().max(1) as f64;
    println!(
        "{k:<4} {name:<34} {:>4.0}% {warmups:>9.2} {:>8} {:>8.2} {:>8.2} {:>10.1} {:>8.1} {:>8.2}",
        100.0 * tally.ok as f64 / n,
        tally.warmups.iter().max().copied().unwrap_or(0),
        tally.graph_calls as f64 / n,
        tally.dynamo_calls as f64 / n,
        median.as_secs_f64() * 1e3,
        p90.as_secs_f64() * 1e3,
        median.as_secs_f64() / ideal.as_secs_f64()
    );
}

#[tokio::main]
async fn main() {
    let rtt = Duration::from_millis(env_u64("BENCH_RTT_MS", 20));
    let lag = Duration::from_millis(env_u64("BENCH_LAG_MS", 300));
    let rounds = env_u64("BENCH_FLEET_ROUNDS", 5) as usize;
    let sizes: Vec<usize> = std::env::var("BENCH_FLEET_SIZES")
        .unwrap_or_else(|_| "1,8,32".to_owned())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let (_raw, table) = fresh_table().await;
    let endpoint = share_resolver_testkit::dynamo::endpoint();
    println!(
        "share-resolver fleet benchmark: K instances on one local DynamoDB table, simulated Graph RTT {} ms, hydration lag {} ms, {rounds} rounds (a fresh cold guest each)\n",
        rtt.as_millis(),
        lag.as_millis()
    );
    header();
    let ideal = lag + 2 * rtt;
    let only_pages = std::env::var_os("BENCH_FLEET_PAGES_ONLY").is_some();
    for &k in sizes.iter().filter(|_| !only_pages) {
        let fleet = fleet(k, rtt, lag, &endpoint, &table).await;
        for spread in [Spread::SameLink, Spread::LinkEach, Spread::ThreeEach] {
            let mut tally = Tally::default();
            for _ in 0..rounds {
                round(&fleet, spread, &mut tally).await;
            }
            row(k, &spread.name(k), &tally, ideal);
        }
    }
    page_header();
    for &k in sizes.iter().filter(|&&k| k > 1) {
        let fleet = fleet(k, rtt, lag, &endpoint, &table).await;
        for (batch, name) in [
            (true, "one batch each"),
            (false, "20 requests each (before)"),
        ] {
            let mut tally = PageTally::default();
            for _ in 0..rounds {
                page_round(&fleet, batch, &mut tally).await;
            }
            page_row(k, name, &tally, ideal);
        }
    }
    if only_pages {
        return;
    }
    // The table down: nothing listens on the endpoint.
    let down = format!("http://127.0.0.1:{}", closed_port().await);
    let k = sizes.iter().copied().find(|&k| k > 1).unwrap_or(8);
    let fleet = fleet(k, rtt, lag, &down, "hydration").await;
    let mut tally = Tally::default();
    for _ in 0..rounds {
        round(&fleet, Spread::SameLink, &mut tally).await;
    }
    row(k, "table down, one request per instance", &tally, ideal);
}
