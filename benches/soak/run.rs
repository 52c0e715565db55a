//! The run: workers sending requests, each with a guest's token or a forged
//! one, while faults are scheduled; what came back, tallied.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use graph_sim::{Fault, FaultAction, GraphSimulator, RequestKind};
use serde_json::Value;
use share_resolver_testkit::{FaultProxy, ProxyMode, SHARE_URL, u_id};

use crate::audit::Audit;
use crate::config::Config;
use crate::service::Service;
use crate::tally::{GraphTally, LogTally};

/// Faults are injected every this many requests.
pub const FAULT_EVERY: usize = 100;
/// The DynamoDB outage (proxy refuses) and stall windows start when this
/// share of the requests (%) has been sent, and each lasts for at least
/// `WINDOW_PCT` % of the requests and of the (projected) run time.
const REFUSE_FROM_PCT: usize = 25;
const STALL_FROM_PCT: usize = 60;
const WINDOW_PCT: usize = 10;
/// "Answered by the deadline" allows this much past it: a `deadline_exceeded`
/// answer comes at the deadline by construction, plus loopback and
/// scheduling time on a shared 2-core machine.
pub const GRACE: Duration = Duration::from_millis(500);
/// The client gives up this long after the deadline: a hang is counted.
pub const CLIENT_SLACK: Duration = Duration::from_secs(5);
/// The two honest 5xx problem codes.
const HONEST_5XX: [&str; 2] = ["graph_unavailable", "deadline_exceeded"];

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// `field` (e.g. `VmRSS`) of /proc/self/status, in KiB.
fn proc_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// How the run ended.
pub struct Ending {
    pub elapsed: Duration,
    pub worker_panics: u64,
    /// RSS at the end and at its peak (VmHWM), KiB.
    pub final_rss: u64,
    pub peak_rss: u64,
}

/// Per problem code: normal guests, never-hydrating guests, forged tokens.
type Codes = BTreeMap<String, [u64; 3]>;

/// What the answers were.
#[derive(Default)]
pub struct Results {
    pub answered: u64,
    pub in_time: u64,
    pub successes: u64,
    pub own_5xx: u64,
    pub own_5xx_codes: BTreeMap<String, u64>,
    /// The first few own 5xx: user key, latency (ms), body.
    pub own_5xx_examples: Vec<(String, f64, String)>,
    pub forged: u64,
    pub forged_ok: u64,
    pub codes: Codes,
    pub latencies: Vec<f64>,
    pub success_latencies: Vec<f64>,
    pub max_latency: f64,
}

/// One soak: the load, the faults it schedules, and what it saw.
pub struct Soak {
    pub cfg: Config,
    pub service: Service,
    pub logs: Arc<LogTally>,
    pub deadline: Duration,
    pub audit: Arc<Audit>,
    graph: GraphSimulator,
    pub proxy: Arc<FaultProxy>,
    client: reqwest::Client,
    url: String,
    next: AtomicUsize,
    done: AtomicUsize,
    pub started: Instant,
    pub results: Mutex<Results>,
    pub graph_tally: Mutex<GraphTally>,
    pub rss: Mutex<Vec<(usize, u64)>>,
    /// Proxy mode changes: the mode, when, at which request.
    pub windows: Mutex<Vec<(ProxyMode, Instant, usize)>>,
    pub faults_injected: AtomicU64,
}

impl Soak {
    pub fn new(
        cfg: Config,
        audit: Arc<Audit>,
        graph: GraphSimulator,
        proxy: Arc<FaultProxy>,
        service: Service,
        logs: Arc<LogTally>,
    ) -> Self {
        let deadline = service.settings.resolve_deadline;
        Self {
            deadline,
            audit,
            graph,
            proxy,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(deadline + CLIENT_SLACK)
                .build()
                .expect("client"),
            url: format!(
                "{}/v1/shares/{}/driveItem",
                service.address,
                u_id(SHARE_URL)
            ),
            next: AtomicUsize::new(0),
            done: AtomicUsize::new(0),
            started: Instant::now(),
            results: Mutex::new(Results {
                latencies: Vec::with_capacity(cfg.requests),
                success_latencies: Vec::with_capacity(cfg.requests),
                ..Results::default()
            }),
            graph_tally: Mutex::new(GraphTally::default()),
            rss: Mutex::new(vec![(0, proc_kib("VmRSS:"))]),
            windows: Mutex::new(Vec::new()),
            faults_injected: AtomicU64::new(0),
            cfg,
            service,
            logs,
        }
    }

    /// Sends every request, `cfg.concurrency` at a time; then the store
    /// heals and the simulator's log is tallied a last time.
    pub async fn run(self: &Arc<Self>) -> Ending {
        eprintln!(
            "soak: {} requests from {} guests ({} never hydrate), {} in flight, table {}",
            self.cfg.requests,
            self.cfg.users,
            self.cfg.never_hydrating(),
            self.cfg.concurrency,
            self.service.table
        );
        let workers: Vec<_> = (0..self.cfg.concurrency)
            .map(|id| tokio::spawn(self.clone().worker(id as u64)))
            .collect();
        let mut worker_panics = 0;
        for worker in workers {
            worker_panics += u64::from(worker.await.is_err());
        }
        let elapsed = self.started.elapsed();
        self.proxy.set(ProxyMode::Pass);
        self.drain_graph_log();
        Ending {
            elapsed,
            worker_panics,
            final_rss: proc_kib("VmRSS:"),
            peak_rss: proc_kib("VmHWM:"),
        }
    }

    /// What happens when request `i` is dispatched: faults, store windows.
    fn schedule(&self, i: usize) {
        if i > 0 && i.is_multiple_of(FAULT_EVERY) {
            for action in [
                FaultAction::Status {
                    status: 503,
                    retry_after: Some("1".to_owned()),
                },
                FaultAction::Status {
                    status: 429,
                    retry_after: Some("0.5".to_owned()),
                },
                FaultAction::DropConnection,
                FaultAction::Delay(Duration::from_secs(2)),
            ] {
                self.graph.inject(Fault::any(action));
                self.faults_injected.fetch_add(1, SeqCst);
            }
        }
        let n = self.cfg.requests;
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let (mode, since, since_i) =
            windows
                .last()
                .copied()
                .unwrap_or((ProxyMode::Pass, self.started, 0));
        let change = match mode {
            ProxyMode::Pass if windows.is_empty() && i >= n * REFUSE_FROM_PCT / 100 => {
                Some(ProxyMode::Refuse)
            }
            ProxyMode::Pass
                if windows.iter().all(|w| w.0 != ProxyMode::Stall)
                    && i >= n * STALL_FROM_PCT / 100 =>
            {
                Some(ProxyMode::Stall)
            }
            // A window ends once it has lasted `WINDOW_PCT` % of the
            // requests and of the run time projected from the pace so far.
            ProxyMode::Refuse | ProxyMode::Stall => {
                let projected = self.started.elapsed().mul_f64(n as f64 / (i + 1) as f64);
                let long_enough = (i - since_i) * 100 >= n * WINDOW_PCT
                    && since.elapsed() >= projected.mul_f64(WINDOW_PCT as f64 / 100.0);
                let stall_due = mode == ProxyMode::Refuse && i >= n * STALL_FROM_PCT / 100;
                (long_enough || stall_due).then_some(ProxyMode::Pass)
            }
            ProxyMode::Pass => None,
        };
        if let Some(mode) = change {
            self.proxy.set(mode);
            windows.push((mode, Instant::now(), i));
        }
    }

    async fn worker(self: Arc<Self>, id: u64) {
        let mut rng = fastrand::Rng::with_seed(self.cfg.seed.wrapping_mul(1000) + id);
        loop {
            let i = self.next.fetch_add(1, SeqCst);
            if i >= self.cfg.requests {
                return;
            }
            self.schedule(i);
            let forged = rng.usize(..100) < self.cfg.forged_pct;
            let user = rng.usize(..self.audit.users.len());
            self.one(user, forged).await;
            let done = self.done.fetch_add(1, SeqCst) + 1;
            if done.is_multiple_of(1000) {
                self.drain_graph_log();
                let rss = proc_kib("VmRSS:");
                self.rss
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((done, rss));
                eprintln!(
                    "soak: {done}/{} requests, {:.1} s, store {:?}, RSS {rss} KiB",
                    self.cfg.requests,
                    self.started.elapsed().as_secs_f64(),
                    self.proxy.mode()
                );
            }
        }
    }

    async fn one(&self, index: usize, forged: bool) {
        let user = &self.audit.users[index];
        // Held for the whole request; see the module notes.
        let (_shared, _exclusive) = if forged {
            let guard = user.lock.write().await;
            user.forged_in_flight.store(true, SeqCst);
            (None, Some(guard))
        } else {
            (Some(user.lock.read().await), None)
        };
        let token = if forged {
            &user.forged_token
        } else {
            &user.token
        };
        let epoch = self.proxy.epoch();
        let mode = self.proxy.mode();
        let started = Instant::now();
        let mut body_text = String::new();
        let (status, code) = match self.client.get(&self.url).bearer_auth(token).send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                match response.bytes().await {
                    Ok(body) if status == 200 && !body.is_empty() => (status, "ok".to_owned()),
                    Ok(body) => {
                        body_text = String::from_utf8_lossy(&body).into_owned();
                        (status, problem_code(status, &body))
                    }
                    Err(e) if e.is_timeout() => (0, "no_answer_client_timeout".to_owned()),
                    Err(_) => (0, "no_answer_body_broken".to_owned()),
                }
            }
            Err(e) if e.is_timeout() => (0, "no_answer_client_timeout".to_owned()),
            Err(_) => (0, "no_answer_connection".to_owned()),
        };
        let latency = started.elapsed();
        if forged {
            user.forged_in_flight.store(false, SeqCst);
        }
        let healthy = mode == ProxyMode::Pass && self.proxy.epoch() == epoch;
        if status == 200 && !forged {
            user.successes.fetch_add(1, SeqCst);
            if healthy {
                user.healthy_success.store(true, SeqCst);
            }
        }

        let mut r = self.results.lock().unwrap_or_else(|e| e.into_inner());
        let column = match (forged, user.never_hydrates) {
            (true, _) => 2,
            (false, true) => 1,
            (false, false) => 0,
        };
        r.codes.entry(code.clone()).or_default()[column] += 1;
        if forged {
            r.forged += 1;
            if status == 200 {
                r.forged_ok += 1;
            }
        }
        if status == 0 {
            return;
        }
        let latency_ms = ms(latency);
        r.answered += 1;
        r.latencies.push(latency_ms);
        r.max_latency = r.max_latency.max(latency_ms);
        if latency <= self.deadline + GRACE {
            r.in_time += 1;
        }
        if status == 200 && !forged {
            r.successes += 1;
            r.success_latencies.push(latency_ms);
        }
        let honest = HONEST_5XX.contains(&code.as_str())
            || (code == "hydration_exhausted" && user.never_hydrates && !forged);
        if status >= 500 && !honest {
            user.own_5xx.fetch_add(1, SeqCst);
            r.own_5xx += 1;
            *r.own_5xx_codes.entry(code).or_default() += 1;
            if r.own_5xx_examples.len() < 3 {
                r.own_5xx_examples
                    .push((user.key.clone(), latency_ms, body_text));
            }
        }
    }

    /// Tallies the simulator's request log, then empties it.
    fn drain_graph_log(&self) {
        let mut tally = self.graph_tally.lock().unwrap_or_else(|e| e.into_inner());
        let requests = self.graph.requests();
        self.graph.clear_requests();
        for request in requests.iter().filter(|r| r.kind != RequestKind::Admin) {
            tally.calls += 1;
            if request.kind == RequestKind::Shares {
                tally.shares += 1;
            } else if request.kind.is_warmup() {
                tally.warmups += 1;
                if matches!(request.status, 429 | 503) {
                    tally.faulted_warmups += 1;
                    let user = request.user.as_ref().and_then(|u| self.audit.index.get(u));
                    if let Some(&i) = user {
                        self.audit.users[i].faulted_warmups.fetch_add(1, SeqCst);
                    }
                }
            } else {
                tally.other += 1;
            }
            if request.status == 0 {
                tally.dropped += 1;
            }
        }
    }
}

fn problem_code(status: u16, body: &[u8]) -> String {
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v["code"].as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("http_{status}_not_a_problem"))
}
