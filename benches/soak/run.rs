//! The run: workers sending requests, each with a guest's token or a forged
//! one, while faults are scheduled; what came back, tallied.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use graph_sim::{Fault, FaultAction, GraphSimulator, RequestKind};
use share_resolver_testkit::{FaultProxy, ProxyMode, SHARE_URL, u_id};

use crate::audit::Audit;
use crate::batch::{self, Inner};
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

/// Per outcome, over links: normal guests, never-hydrating guests, forged
/// tokens.
type Codes = BTreeMap<String, [u64; 3]>;

/// What the answers were. A link is a single request or one request inside
/// a batch; a batch refused as a whole answers each of its links with that
/// one problem.
#[derive(Default)]
pub struct Results {
    /// Requests (single and batch) with an answer, and those in time.
    pub answered: u64,
    pub in_time: u64,
    pub batches: u64,
    /// Batches by their own answer (`200`, or the whole-batch problem).
    pub batch_answers: BTreeMap<String, u64>,
    pub links: u64,
    pub batch_links: u64,
    /// Links answered (their request answered, and for a batch answered 200,
    /// their own inner answer present, in order) by the deadline.
    pub links_in_time: u64,
    /// Links answered `ok` to a legitimate token.
    pub successes: u64,
    pub own_5xx: u64,
    pub own_5xx_codes: BTreeMap<String, u64>,
    /// The first few own 5xx: user key, latency (ms), body.
    pub own_5xx_examples: Vec<(String, f64, String)>,
    /// Requests (and batches, and links) with a forged token, and those
    /// requests with a 200 anywhere in their answer.
    pub forged: u64,
    pub forged_batches: u64,
    pub forged_links: u64,
    pub forged_ok: u64,
    pub codes: Codes,
    /// Single requests: every answer, and the successes.
    pub latencies: Vec<f64>,
    pub success_latencies: Vec<f64>,
    /// Batches: every answer.
    pub batch_latencies: Vec<f64>,
    pub max_latency: f64,
}

/// What one request came back with.
struct Answer {
    /// The HTTP status; 0 for no answer.
    status: u16,
    /// The request's own outcome: `ok`, a problem code, or `no_answer_…`.
    code: String,
    /// One per link, in request order.
    links: Vec<Inner>,
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
    batch_url: String,
    /// The inner requests' URLs a batch picks from.
    page: Vec<String>,
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
            batch_url: format!("{}/v1/$batch", service.address),
            page: batch::page(),
            next: AtomicUsize::new(0),
            done: AtomicUsize::new(0),
            started: Instant::now(),
            results: Mutex::new(Results {
                latencies: Vec::with_capacity(cfg.requests),
                success_latencies: Vec::with_capacity(cfg.requests),
                batch_latencies: Vec::with_capacity(cfg.requests * cfg.batch_pct / 100),
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
            "soak: {} requests ({} % as batches of {}-{} links) from {} guests ({} never hydrate), {} in flight, table {}",
            self.cfg.requests,
            self.cfg.batch_pct,
            batch::MIN_LINKS,
            self.page.len(),
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
            // A batch: 5 to 20 distinct links of the page, in a random order.
            let links = (rng.usize(..100) < self.cfg.batch_pct).then(|| {
                let mut links: Vec<&str> = self.page.iter().map(String::as_str).collect();
                rng.shuffle(&mut links);
                links.truncate(rng.usize(batch::MIN_LINKS..=links.len()));
                links
            });
            self.one(user, forged, links.as_deref()).await;
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

    async fn one(&self, index: usize, forged: bool, batch: Option<&[&str]>) {
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
        let answer = match batch {
            None => self.send(self.client.get(&self.url), token, None).await,
            Some(paths) => {
                let request = self
                    .client
                    .post(&self.batch_url)
                    .header("content-type", "application/json")
                    .body(batch::body(paths));
                self.send(request, token, Some(paths.len())).await
            }
        };
        let latency = started.elapsed();
        if forged {
            user.forged_in_flight.store(false, SeqCst);
        }
        let healthy = mode == ProxyMode::Pass && self.proxy.epoch() == epoch;
        let succeeded = answer.links.iter().any(|l| l.code == "ok");
        if succeeded && !forged {
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
        let n = answer.links.len() as u64;
        r.links += n;
        if batch.is_some() {
            r.batches += 1;
            r.batch_links += n;
            let whole = match answer.status {
                200 => "200".to_owned(),
                status => format!("{status} {}", answer.code),
            };
            *r.batch_answers.entry(whole).or_default() += 1;
        }
        if forged {
            r.forged += 1;
            r.forged_links += n;
            r.forged_batches += u64::from(batch.is_some());
            // A batch is refused as a whole: an inner 200 is a 200 too.
            if answer.status == 200 || succeeded {
                r.forged_ok += 1;
            }
        }
        let latency_ms = ms(latency);
        let in_time = answer.status != 0 && latency <= self.deadline + GRACE;
        if answer.status != 0 {
            r.answered += 1;
            r.in_time += u64::from(in_time);
            r.max_latency = r.max_latency.max(latency_ms);
            match batch {
                Some(_) => r.batch_latencies.push(latency_ms),
                None => {
                    r.latencies.push(latency_ms);
                    if answer.code == "ok" && !forged {
                        r.success_latencies.push(latency_ms);
                    }
                }
            }
        }
        for link in answer.links {
            r.codes.entry(link.code.clone()).or_default()[column] += 1;
            if link.status == 0 {
                continue;
            }
            r.links_in_time += u64::from(in_time);
            if link.code == "ok" && !forged {
                r.successes += 1;
            }
            let honest = HONEST_5XX.contains(&link.code.as_str())
                || (link.code == "hydration_exhausted" && user.never_hydrates && !forged);
            if link.status >= 500 && !honest {
                user.own_5xx.fetch_add(1, SeqCst);
                r.own_5xx += 1;
                *r.own_5xx_codes.entry(link.code).or_default() += 1;
                if r.own_5xx_examples.len() < 3 {
                    r.own_5xx_examples
                        .push((user.key.clone(), latency_ms, link.body));
                }
            }
        }
    }

    /// Sends `request` with `token` and reads the answer: a single
    /// request's (`batch` None), or a batch's of `batch` links.
    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        token: &str,
        batch: Option<usize>,
    ) -> Answer {
        let links = batch.unwrap_or(1);
        let none = |code: &str| Answer {
            status: 0,
            code: code.to_owned(),
            links: (0..links)
                .map(|_| Inner {
                    status: 0,
                    code: code.to_owned(),
                    body: String::new(),
                })
                .collect(),
        };
        let response = match request.bearer_auth(token).send().await {
            Ok(response) => response,
            Err(e) if e.is_timeout() => return none("no_answer_client_timeout"),
            Err(_) => return none("no_answer_connection"),
        };
        let status = response.status().as_u16();
        let body = match response.bytes().await {
            Ok(body) => body,
            Err(e) if e.is_timeout() => return none("no_answer_client_timeout"),
            Err(_) => return none("no_answer_body_broken"),
        };
        let text = String::from_utf8_lossy(&body).into_owned();
        let code = batch::outcome(status, &serde_json::from_slice(&body).unwrap_or_default());
        let is_batch_200 = status == 200 && batch.is_some();
        let links = if is_batch_200 {
            batch::inner_answers(&body, links)
        } else {
            // A single answer, or a batch refused as a whole.
            (0..links)
                .map(|_| Inner {
                    status,
                    code: code.clone(),
                    body: text.clone(),
                })
                .collect()
        };
        Answer {
            status,
            code: if is_batch_200 { "ok".to_owned() } else { code },
            links,
        }
    }

    /// Tallies the simulator's request log, then empties it.
    fn drain_graph_log(&self) {
        let mut tally = self.graph_tally.lock().unwrap_or_else(|e| e.into_inner());
        let requests = self.graph.requests();
        self.graph.clear_requests();
        for request in requests.iter().filter(|r| r.kind != RequestKind::Admin) {
            // A request inside a `$batch` is no round trip of its own.
            if request.is_inner() {
                tally.inner += 1;
                continue;
            }
            tally.calls += 1;
            if request.kind == RequestKind::Shares {
                tally.shares += 1;
            } else if request.kind == RequestKind::Batch {
                tally.batches += 1;
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
