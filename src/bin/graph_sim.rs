//! The Graph simulator as a standalone server (demo scenario), for running
//! the service by hand or under `cargo lambda watch`.
//!
//! `SIM_ADDR` (default 127.0.0.1:4000), `SIM_LATENCY_MS`, `SIM_HYDRATION_LAG_MS`,
//! `SIM_PRINT_TOKEN=1` prints a demo guest token.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use share_resolver::simulator::{GraphSimulator, Scenario, demo_guest_token};

fn var<T: std::str::FromStr>(name: &str, default: T) -> Result<T, String> {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse()
            .map_err(|_| format!("{name}: cannot parse '{v}'")),
        _ => Ok(default),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let settings = (|| {
        Ok::<_, String>((
            var::<SocketAddr>("SIM_ADDR", SocketAddr::from(([127, 0, 0, 1], 4000)))?,
            Duration::from_millis(var("SIM_LATENCY_MS", 0u64)?),
            Duration::from_millis(var("SIM_HYDRATION_LAG_MS", 0u64)?),
        ))
    })();
    let (addr, latency, hydration_lag) = match settings {
        Ok(s) => s,
        Err(e) => {
            eprintln!("graph-sim: {e}");
            return ExitCode::FAILURE;
        }
    };
    let scenario = Scenario {
        latency,
        hydration_lag,
        ..Scenario::demo()
    };
    let sim = match GraphSimulator::start_on(addr, scenario).await {
        Ok(sim) => sim,
        Err(e) => {
            eprintln!("graph-sim: cannot listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("graph-sim: Microsoft Graph simulator at {}", sim.base_url());
    if std::env::var("SIM_PRINT_TOKEN").as_deref() == Ok("1") {
        println!("{}", demo_guest_token());
    }
    let _ = tokio::signal::ctrl_c().await;
    sim.shutdown();
    ExitCode::SUCCESS
}
