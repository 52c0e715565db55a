//! The Graph simulator standalone, demo scenario (for `cargo lambda watch` runs):
//! `SIM_ADDR` (default 127.0.0.1:4000), `SIM_LATENCY_MS`, `SIM_HYDRATION_LAG_MS`,
//! `SIM_PRINT_TOKEN=1` prints a demo guest's Graph token, `SIM_PRINT_API_TOKEN=1`
//! a demo guest's token for the service's API (`obo` mode; `LOGIN_BASE_URL` is
//! the simulator's root), `SIM_SHARED_WITH_YOU=1` adds the demo guest's
//! "shared with you" page (twenty links, printed). Stops on Ctrl-C or SIGTERM.
//! Other processes drive it over HTTP under `/_sim/`: `GET health`,
//! `GET requests`, `POST reset`, `POST users`, `POST faults`,
//! `DELETE faults`, `POST token-faults`, `DELETE token-faults`,
//! `POST tokens` (`"api": true` for an API token), `POST shares`,
//! `POST shared-with-you`, `POST preview` (see `admin.rs`).

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use graph_sim::token::ApiTokenBuilder;
use graph_sim::{
    DEMO_GUEST_OID, DEMO_TENANT, GraphSimulator, Scenario, demo_guest_token, shared_with_you_links,
};

/// `name` parsed as `T`, `default` when unset or blank.
fn var<T: std::str::FromStr>(name: &str, default: T, expected: &str) -> Result<T, String> {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse()
            .map_err(|_| format!("{name}={v:?} is not {expected}")),
        Ok(_) | Err(std::env::VarError::NotPresent) => Ok(default),
        Err(std::env::VarError::NotUnicode(_)) => Err(format!("{name} is not valid UTF-8")),
    }
}

fn settings() -> Result<(SocketAddr, Duration, Duration), String> {
    Ok((
        var(
            "SIM_ADDR",
            SocketAddr::from(([127, 0, 0, 1], 4000)),
            "an address like 127.0.0.1:4000",
        )?,
        Duration::from_millis(var(
            "SIM_LATENCY_MS",
            0u64,
            "a whole number of milliseconds",
        )?),
        Duration::from_millis(var(
            "SIM_HYDRATION_LAG_MS",
            0u64,
            "a whole number of milliseconds",
        )?),
    ))
}

/// Resolves on Ctrl-C, or on SIGTERM where there are signals.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
                return;
            }
            Err(e) => eprintln!("graph-sim: no SIGTERM handler ({e}); Ctrl-C only"),
        }
    }
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("graph-sim: cannot listen for Ctrl-C ({e}); running until killed");
        std::future::pending::<()>().await;
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let (addr, latency, hydration_lag) = match settings() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("graph-sim: {e}");
            return ExitCode::FAILURE;
        }
    };
    let shared_with_you = std::env::var("SIM_SHARED_WITH_YOU").as_deref() == Ok("1");
    let scenario = Scenario {
        latency,
        hydration_lag,
        ..if shared_with_you {
            Scenario::shared_with_you()
        } else {
            Scenario::demo()
        }
    };
    let sim = match GraphSimulator::start_on(addr, scenario).await {
        Ok(sim) => sim,
        Err(e) => {
            eprintln!("graph-sim: cannot listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("graph-sim: Microsoft Graph simulator at {}", sim.base_url());
    println!(
        "graph-sim: identity platform (LOGIN_BASE_URL) at {}",
        sim.login_base_url()
    );
    if shared_with_you {
        for link in shared_with_you_links() {
            println!(
                "graph-sim: shared with the demo guest: {} ({}: {})",
                link.url, link.name, link.what
            );
        }
    }
    if std::env::var("SIM_PRINT_TOKEN").as_deref() == Ok("1") {
        println!("{}", demo_guest_token());
    }
    if std::env::var("SIM_PRINT_API_TOKEN").as_deref() == Ok("1") {
        let token = ApiTokenBuilder::guest(&sim.login_base_url(), DEMO_TENANT, DEMO_GUEST_OID)
            .expires_in(24 * 3600)
            .build();
        println!("{token}");
    }
    stop_signal().await;
    sim.shutdown();
    ExitCode::SUCCESS
}
