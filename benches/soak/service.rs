//! The service under soak, built as `share_resolver_testkit::spawn_service`
//! builds it (`App::with_parts` + `startup::serve`) but with sinks that
//! count: production settings, only Graph and SharePoint (and the table)
//! changed; the production store over the fault proxy, audited above the
//! L1 and timed under it. And the simulator's scenario for the guests.

use std::sync::{Arc, Mutex};

use graph_sim::{Behaviour, GraphSimulator, Scenario, SimUser};
use share_resolver::configuration::Settings;
use share_resolver::hydration::{DynamoStore, production_store};
use share_resolver::startup::{App, serve};
use share_resolver_testkit::{FaultProxy, dynamo};
use tokio::net::TcpListener;

use crate::audit::{Audit, Audited, User};
use crate::config::Config;
use crate::dynamo_calls::{ByMode, DynamoCalls};
use crate::tally::EmfTally;

/// The running service and what it counts into.
pub struct Service {
    /// Where it listens, e.g. `http://127.0.0.1:41234`.
    pub address: String,
    pub settings: Settings,
    pub table: String,
    pub emf: Arc<Mutex<EmfTally>>,
    pub dynamo_calls: Arc<ByMode>,
}

impl Service {
    pub async fn start(
        graph: &GraphSimulator,
        table: &str,
        proxy: &Arc<FaultProxy>,
        audit: &Arc<Audit>,
    ) -> Self {
        let settings = Settings {
            graph_base_url: graph.base_url(),
            sharepoint_override: Some(format!("http://{}", graph.addr())),
            hydration_table: Some(table.to_owned()),
            ..Settings::default()
        };
        let store_client = dynamo::local_client(proxy.url(), settings.store_timeout).await;
        let dynamo_calls = Arc::new(ByMode::default());
        let dynamo_store = DynamoCalls {
            inner: DynamoStore::new(store_client, table),
            proxy: proxy.clone(),
            stats: dynamo_calls.clone(),
        };
        let store = Arc::new(Audited {
            inner: production_store(dynamo_store),
            audit: audit.clone(),
        });
        let emf = Arc::new(Mutex::new(EmfTally::default()));
        let metrics = EmfTally::metrics(&emf, settings.metrics_namespace.clone());
        let app = App::with_parts(&settings, store, metrics)
            .await
            .expect("app builds");
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind service");
        let address = format!("http://{}", listener.local_addr().expect("service address"));
        tokio::spawn(serve(listener, app.router));
        Self {
            address,
            settings,
            table: table.to_owned(),
            emf,
            dynamo_calls,
        }
    }
}

/// The demo scenario at `cfg`'s round trip and lag, with `users` as guests
/// and the batches' page of links.
pub fn scenario(cfg: &Config, users: &[User]) -> Scenario {
    let mut scenario = Scenario {
        latency: cfg.rtt,
        hydration_lag: cfg.lag,
        ..Scenario::demo()
    };
    scenario.shares.extend(crate::batch::shares());
    for user in users {
        let (tid, oid) = user.key.split_once('#').expect("tid#oid");
        let sim = SimUser::guest(tid, oid);
        scenario.users.push(if user.never_hydrates {
            sim.with(Behaviour::NeverHydrates)
        } else {
            sim
        });
    }
    scenario
}
