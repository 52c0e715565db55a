//! Offline demo: the service on the in-memory store against the built-in
//! Graph simulator. Shows a cold guest warmed up and resolved, then the same
//! guest resolved from the store with one Graph call, then a few failures;
//! then the `obo` identity mode: a cold guest with a token for the API
//! (one exchange, the warm-up, `/shares`) and a forged API token refused
//! without any call.
//!
//! `cargo run --bin demo` (add `-- --serve` to keep both servers running).

use std::sync::Arc;
use std::time::{Duration, Instant};

use graph_sim::{GraphSimulator, RequestKind, Scenario, token::TokenBuilder};
use share_resolver::configuration::Settings;
use share_resolver::hydration::MemoryStore;
use share_resolver_testkit::spawn_service;

/// Simulated Graph round trip, so timings look like the real thing.
const GRAPH_RTT: Duration = Duration::from_millis(40);

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let serve_forever = std::env::args().any(|a| a == "--serve");
    let scenario = Scenario {
        latency: GRAPH_RTT,
        ..Scenario::demo()
    };
    let graph = GraphSimulator::start(scenario).await?;
    // Production settings; only Graph and SharePoint are the simulator.
    let settings = Settings {
        graph_base_url: graph.base_url(),
        sharepoint_override: Some(format!("http://{}", graph.addr())),
        ..Settings::default()
    };
    let store = Arc::new(MemoryStore::new(1000, settings.hydration_ttl));
    let app = spawn_service(graph.clone(), settings.clone(), store).await;
    let base = app.address.clone();

    println!("share-resolver demo (offline)");
    println!("  service:         {base}  (in-memory hydration store)");
    println!(
        "  Graph simulator: {}  (round trip {} ms)",
        graph.base_url(),
        GRAPH_RTT.as_millis()
    );
    println!(
        "  warm-up:         sharepoint (with X-SharePoint-Authorization), site, root;  max attempts {};  deadline {} ms\n",
        settings.retry.max_attempts,
        settings.resolve_deadline.as_millis()
    );

    let client = reqwest::Client::new();
    let guest = graph_sim::demo_guest_token();
    let share = serde_json::json!({ "shareUrl": graph_sim::DEMO_SHARE_URL });

    let private = serde_json::json!({ "shareUrl": graph_sim::DEMO_PRIVATE_SHARE_URL });
    let expired = TokenBuilder::guest(graph_sim::DEMO_TENANT, graph_sim::DEMO_GUEST_OID)
        .expires_in(-600)
        .build();
    let evil = serde_json::json!({ "shareUrl": "https://contoso.sharepoint.com.evil.example/x" });
    let member = TokenBuilder::member(graph_sim::DEMO_TENANT, graph_sim::DEMO_MEMBER_OID).build();
    let second_guest = TokenBuilder::guest(
        graph_sim::DEMO_TENANT,
        "a1b2c3d4-0000-4000-8000-0000000000a2",
    )
    .expires_in(3600)
    .build();
    let nothing = serde_json::json!({});
    let (resolve, warmup) = ("/v1/resolve", "/v1/warmup");
    let steps = [
        ("1. A cold guest opens the link", resolve, &guest, &share),
        (
            "2. The same guest again: known hydrated, no warm-up",
            resolve,
            &guest,
            &share,
        ),
        (
            "3. A tenant member: no warm-up, no store",
            resolve,
            &member,
            &share,
        ),
        (
            "4. Another guest signs in: the frontend pre-warms",
            warmup,
            &second_guest,
            &nothing,
        ),
        (
            "5. ... and opens a link: no warm-up of its own",
            resolve,
            &second_guest,
            &share,
        ),
        (
            "6. A link shared with someone else",
            resolve,
            &guest,
            &private,
        ),
        (
            "7. An expired token (refused without a Graph call)",
            resolve,
            &expired,
            &share,
        ),
        (
            "8. A link to a host outside the allow-list",
            resolve,
            &guest,
            &evil,
        ),
    ];
    for (title, route, token, body) in steps {
        step(&client, &graph, &base, title, route, token, body).await?;
    }

    // The `obo` mode: the frontend sends a token for this API; the service
    // verifies it and exchanges it On-Behalf-Of the user.
    let obo_graph = GraphSimulator::start(Scenario {
        latency: GRAPH_RTT,
        ..Scenario::demo()
    })
    .await?;
    let mut obo_settings = settings.clone();
    obo_settings.graph_base_url = obo_graph.base_url();
    obo_settings.sharepoint_override = Some(format!("http://{}", obo_graph.addr()));
    obo_settings.identity = share_resolver_testkit::obo_identity(&obo_graph);
    let obo_store = Arc::new(MemoryStore::new(1000, obo_settings.hydration_ttl));
    let obo = spawn_service(obo_graph.clone(), obo_settings, obo_store).await;
    let api_guest = share_resolver_testkit::ApiUser::guest(&obo);
    let forged = api_guest.builder().build_forged();
    println!(
        "AUTH_MODE=obo (tokens for this API, verified; Graph and SharePoint tokens On-Behalf-Of the user)\n  service:         {}  identity platform: {}\n",
        obo.address,
        obo_graph.login_base_url()
    );
    for (title, token) in [
        (
            "9. obo: a cold guest with a token for this API",
            &api_guest.token,
        ),
        (
            "10. obo: the same guest again: no exchange, no warm-up",
            &api_guest.token,
        ),
        (
            "11. obo: a forged API token (refused, no call at all)",
            &forged,
        ),
    ] {
        step(
            &client,
            &obo_graph,
            &obo.address,
            title,
            resolve,
            token,
            &share,
        )
        .await?;
    }

    if serve_forever {
        println!(
            "Serving until Ctrl-C. Try:\n  curl -s {base}/v1/resolve -H 'authorization: Bearer {guest}' -d '{share}'"
        );
        tokio::signal::ctrl_c().await?;
    }
    Ok(())
}

async fn step(
    client: &reqwest::Client,
    graph: &GraphSimulator,
    base: &str,
    title: &str,
    route: &str,
    token: &str,
    body: &serde_json::Value,
) -> Result<(), Box<dyn std::error::Error>> {
    println!("{title}");
    graph.clear_requests();
    let started = Instant::now();
    let response = client
        .post(format!("{base}{route}"))
        .bearer_auth(token)
        .json(body)
        .send()
        .await?;
    let elapsed = started.elapsed();
    let status = response.status();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-")
            .to_owned()
    };
    let (hydration, warmup, attempts, timing) = (
        header("x-resolver-hydration"),
        header("x-resolver-warmup"),
        header("x-resolver-attempts"),
        header("server-timing"),
    );
    let json: serde_json::Value = response.json().await.unwrap_or_default();
    for request in graph.requests() {
        let kind = match request.kind {
            RequestKind::Shares => "resolve",
            RequestKind::Token => "OBO",
            RequestKind::Keys | RequestKind::OpenIdConfiguration => "keys",
            RequestKind::Admin | RequestKind::Other => "other",
            _ => "warm-up",
        };
        let scope = request
            .scope
            .as_deref()
            .map(|s| format!("  scope {s}"))
            .unwrap_or_default();
        println!(
            "   Graph  {:<7} {} {}{scope}  -> {}",
            kind,
            request.method,
            shorten(&request.path),
            request.status
        );
    }
    if status.is_success() && json.get("hydration").is_some() {
        println!(
            "   => {status}: hydration={} warm-up={}",
            json["hydration"].as_str().unwrap_or("?"),
            json["warmup"].as_str().unwrap_or("?")
        );
    } else if status.is_success() {
        println!(
            "   => {status}: \"{}\" (size {} bytes)",
            json["name"].as_str().unwrap_or("?"),
            json["size"]
        );
        println!("      hydration={hydration} warm-up={warmup} attempts={attempts}");
    } else {
        println!(
            "   => {status} {}: {}",
            json["code"].as_str().unwrap_or("?"),
            json["detail"].as_str().unwrap_or("")
        );
        println!(
            "      remediation: {}",
            json["remediation"].as_str().unwrap_or("")
        );
    }
    println!("      server-timing: {timing}");
    println!(
        "      wall time {:.0} ms, {} Graph call(s)\n",
        elapsed.as_secs_f64() * 1000.0,
        graph.requests().len()
    );
    Ok(())
}

fn shorten(path: &str) -> String {
    if path.len() > 70 {
        format!("{}…", &path[..70])
    } else {
        path.to_owned()
    }
}
