//! Fault soak (on demand: `scripts/soak.sh`, or `cargo bench --bench soak`
//! with `TEST_DYNAMODB_ENDPOINT` pointing at a local DynamoDB-compatible
//! server such as moto).
//!
//! The real service with production settings (only Graph and SharePoint
//! point at the simulator), its production store (`production_store`: the
//! L1 over `DynamoStore`) on a fresh table reached through the test kit's
//! `FaultProxy`, which this soak switches, against the Graph simulator
//! (20 ms round trip, 150 ms hydration lag, 2 % of the guests never
//! hydrate). Many guests, many requests in flight, faults mixed in over
//! time:
//!
//! * every 100 requests: a 503 with `Retry-After: 1`, a 429 with
//!   `Retry-After: 0.5`, a dropped connection and a 2 s latency spike, each
//!   for the next Graph call of any kind;
//! * a DynamoDB outage (the proxy resets every connection, open ones
//!   included) from 25 % of the requests, and a stall (the proxy accepts,
//!   forwards nothing, open connections freeze) from 60 %, each lasting at
//!   least 10 % of the requests and of the run time (projected from the
//!   pace so far);
//! * 3 % of the requests carry a forged token naming a random real guest;
//! * a quarter of the requests are batches (`POST /v1/$batch`) of 5 to 20
//!   links of a page of 20 (`GET /shares/{id}/driveItem` each), the rest
//!   single `GET /v1/shares/{id}/driveItem` requests.
//!
//! Every request is bounded by a client timeout of the resolve deadline
//! plus 5 s, so a hang is counted, not waited for. At the end the table is
//! read directly (not through the proxy) and checked. Prints a report,
//! writes it to `.tmp/soak/report.txt`, and exits 1 when a target is missed:
//! every request answered by the deadline (+0.5 s), and every link with it
//! (a link is a single request or one inside a batch: a batch answered 200
//! must answer each of its requests, in order; one refused as a whole
//! answers each with its problem), no panic, no 5xx other than
//! `graph_unavailable`, `deadline_exceeded` (and `hydration_exhausted` to a
//! guest that never hydrates: the right answer for them), single or inner,
//! no item
//! wrongly written (each item exactly a record's, a "warmed" marker's or a
//! warming lease's attributes, each of its type, no token text; a record or
//! marker only for a guest that succeeded, a lease for any guest: it is
//! claimed before anything proved the token), no store write or delete
//! for a forged token's victim (its lease claims are counted, not a target,
//! for the same reason), no forged token answered 200 (a batch's answer or
//! any answer inside it).
//! Records lost (a guest that succeeded while the store was healthy but has
//! no record, or only a lease) are reported with their cause, not a target:
//! the store is best-effort by design.
//!
//! Knobs: `SOAK_REQUESTS` (10000), `SOAK_USERS` (500), `SOAK_CONCURRENCY`
//! (50), `SOAK_RTT_MS` (20), `SOAK_LAG_MS` (150), `SOAK_NEVER_PCT` (2),
//! `SOAK_FORGED_PCT` (3), `SOAK_BATCH_PCT` (25), `SOAK_SEED` (1).
//!
//! # Implementation Notes
//! The service is built as `share_resolver_testkit::spawn_service` builds
//! it (`App::with_parts` + `startup::serve`), but with sinks that count
//! instead of keeping every line: the testkit's `MetricsCapture` and `LOGS`
//! keep every EMF document and log line in memory, which over 10,000
//! requests would look exactly like the leak the RSS samples look for. For
//! the same reason the simulator's request log is tallied and emptied every
//! 1,000 requests.
//!
//! A forged request holds its victim's lock exclusively (legitimate
//! requests of that guest hold it shared), so a store write or delete for
//! the victim while it is in flight can only come from the forged request.

mod audit;
mod batch;
mod config;
mod dynamo_calls;
mod report;
mod run;
mod service;
mod tally;

use std::sync::Arc;

use graph_sim::GraphSimulator;
use share_resolver::identity::AuthMode;
use share_resolver_testkit::{FaultProxy, dynamo};

use crate::audit::Audit;
use crate::config::Config;
use crate::run::Soak;
use crate::service::Service;
use crate::tally::LogTally;

#[tokio::main]
async fn main() {
    tally::count_panics();
    let cfg = Config::from_env();
    let logs = LogTally::install();

    // The table, and a raw client straight to the server (not the proxy).
    let (raw, table) = dynamo::fresh_table().await;
    let proxy = FaultProxy::in_front_of(&dynamo::endpoint()).await;
    let audit = Arc::new(Audit::new(audit::users(&cfg)));
    let graph = GraphSimulator::start(service::scenario(&cfg, &audit.users))
        .await
        .expect("simulator");
    let service = Service::start(&graph, &table, &proxy, &audit).await;

    let soak = Arc::new(Soak::new(cfg, audit.clone(), graph, proxy, service, logs));
    let end = soak.run().await;

    let fingerprinted = soak.service.settings.identity.mode == AuthMode::Graph;
    let checked = audit.check_table(&raw, &table, fingerprinted).await;
    let (report, missed) = report::render(&soak, &end, &checked);
    report::publish(&report);
    std::process::exit(i32::from(!missed.is_empty()));
}
