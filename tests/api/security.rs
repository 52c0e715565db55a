//! A caller with a forged token learns nothing and changes nothing about
//! anyone else; what is judged is what is sent; everything is bounded.

use std::collections::BTreeSet;
use std::time::Duration;

use graph_sim::token::TokenBuilder;
use graph_sim::{Fault, FaultAction, Scenario};
use serde_json::{Value, json};

use crate::helpers::{
    ApiUser, Guest, SHARE_URL, assert_problem, header, spawn_app, spawn_app_with, spawn_obo_app,
    u_id,
};

/// The shape of a response: status, header names (values vary per call),
/// body keys, and each Graph diagnostic's keys.
pub(crate) async fn shape(
    r: reqwest::Response,
) -> (
    u16,
    BTreeSet<String>,
    BTreeSet<String>,
    Vec<BTreeSet<String>>,
) {
    let status = r.status().as_u16();
    let headers = r.headers().keys().map(|k| k.to_string()).collect();
    let body: Value = r.json().await.unwrap();
    let keys = |v: &Value| {
        v.as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    };
    let graph = body["graph"].as_array().unwrap().iter().map(keys).collect();
    (status, headers, keys(&body), graph)
}

#[tokio::test]
async fn a_forged_token_gets_the_same_answer_for_a_known_and_an_unknown_victim() {
    let app = spawn_app().await;
    let known = Guest::new();
    let unknown = Guest::new();
    assert_eq!(
        app.resolve_demo(&known).await.status(),
        200,
        "the known victim is recorded"
    );
    let forge = |g: &Guest| TokenBuilder::guest(&g.tid, &g.oid).build_forged();

    let against_known = app
        .post_resolve(json!({"shareUrl": SHARE_URL}), Some(&forge(&known)))
        .await;
    let against_unknown = app
        .post_resolve(json!({"shareUrl": SHARE_URL}), Some(&forge(&unknown)))
        .await;

    let (known_shape, unknown_shape) = (shape(against_known).await, shape(against_unknown).await);
    assert_eq!(known_shape.0, 401);
    assert_eq!(known_shape, unknown_shape);
    assert!(
        !known_shape.1.contains("x-resolver-hydration"),
        "{:?}",
        known_shape.1
    );
    assert!(!known_shape.1.contains("server-timing"));

    // The victim is still known, and still needs no warm-up.
    app.graph.clear_requests();
    let r = app.resolve_demo(&known).await;
    assert_eq!(header(&r, "x-resolver-hydration"), "hit");
    assert_eq!(header(&r, "x-resolver-attempts"), "1");
}

#[tokio::test]
async fn a_forged_requests_warm_up_is_never_shared_with_the_victim() {
    let app = spawn_app_with(Scenario::demo(), |s| s.retry.max_attempts = 1).await;
    let victim = Guest::new();
    let forged = TokenBuilder::guest(&victim.tid, &victim.oid).build_forged();

    let r = app
        .post_resolve(json!({"shareUrl": SHARE_URL}), Some(&forged))
        .await;
    assert_problem(r, 401, "invalid_token").await;
    let r = app.resolve_demo(&victim).await;

    assert_eq!(
        r.status(),
        200,
        "the victim warms up on its own and resolves in one attempt"
    );
    assert_eq!(header(&r, "x-resolver-attempts"), "1");
}

#[tokio::test]
async fn a_huge_retry_after_is_passed_on_capped_at_five_minutes() {
    let app = spawn_app().await;
    app.graph.inject(
        Fault::shares(FaultAction::Status {
            status: 429,
            retry_after: Some("999999999".into()),
        })
        .times(4),
    );

    let r = app.resolve_demo(&Guest::new()).await;

    assert_eq!(header(&r, "retry-after"), "300");
    assert_problem(r, 429, "throttled").await;
}

#[tokio::test]
async fn nothing_is_cacheable() {
    let app = spawn_app().await;
    let guest = Guest::new();
    let ok = app.resolve_demo(&guest).await;
    let problem = app
        .resolve_demo(&Guest::with(|b| b.expires_in(-3600)))
        .await;
    let health = app.healthz().await;
    for r in [ok, problem, health] {
        assert_eq!(header(&r, "cache-control"), "no-store", "{}", r.url());
    }
}

#[tokio::test]
async fn a_share_id_with_a_slash_is_an_invalid_share_not_a_missing_route() {
    let app = spawn_app().await;
    let guest = Guest::new();
    let r = app.get_drive_item("u!ab/cd", Some(&guest.token)).await;
    assert_problem(r, 400, "invalid_share").await;
    let r = app.get_drive_item("u!ab/cd", None).await;
    assert_problem(r, 401, "missing_token").await;
}

#[tokio::test]
async fn what_the_allow_list_judges_is_exactly_what_is_sent() {
    let app = spawn_app().await;
    let guest = Guest::new();
    for url in [
        "https://contoso.sharepoint.com\\@evil.example/x",
        "https://contoso.share\tpoint.com/x",
        "https://contoso.sharepoint.com\n.evil.example/x",
        "https://contoso.sharepoint.com./x",
        "https://contoso%2Esharepoint.com/x",
        "https://contoso.sharepoint.com/a b",
    ] {
        let by_url = app
            .post_resolve(json!({"shareUrl": url}), Some(&guest.token))
            .await;
        assert_problem(by_url, 400, "invalid_share").await;
        let by_id = app
            .post_resolve(json!({"shareId": u_id(url)}), Some(&guest.token))
            .await;
        assert_problem(by_id, 400, "invalid_share").await;
    }
    assert!(app.graph.requests().is_empty(), "none reached Graph");
}

#[tokio::test]
async fn a_slow_client_is_cut_off_by_the_header_read_timeout() {
    use share_resolver::startup::{ServeLimits, serve_with};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let graph = graph_sim::GraphSimulator::start(Scenario::demo())
        .await
        .unwrap();
    let settings = share_resolver_testkit::test_settings(&graph);
    let (app, _metrics) = crate::helpers::build_app(
        &settings,
        std::sync::Arc::new(share_resolver::hydration::MemoryStore::new(
            10,
            Duration::from_secs(60),
        )),
    )
    .await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let limits = ServeLimits {
        header_read_timeout: Duration::from_millis(200),
        ..ServeLimits::default()
    };
    tokio::spawn(serve_with(
        listener,
        app.router,
        limits,
        std::future::pending(),
    ));

    let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(3), slow.read_to_end(&mut answer)).await;

    assert!(read.is_ok(), "the server closed the connection");
    let text = String::from_utf8_lossy(&answer);
    assert!(!text.contains("200 OK"), "{text}");
}

/// Hosts the URL parser accepts but no DNS name has: each character lets an
/// attacker end a host before `.sharepoint.com` in another reader's eyes.
const ODD_HOSTS: [&str; 7] = [
    "evil.com;.sharepoint.com",
    "evil.com&.sharepoint.com",
    "evil.com!.sharepoint.com",
    "evil.com$.sharepoint.com",
    "evil.com*.sharepoint.com",
    "evil.com{.sharepoint.com",
    "evil.com'.sharepoint.com",
];

#[tokio::test]
async fn a_sharing_host_with_a_character_no_dns_name_has_is_invalid_share_with_no_call() {
    let app = spawn_app().await;
    let guest = Guest::new();
    for host in ODD_HOSTS {
        // The attacker's page sends a SharePoint token for its own host.
        let sharepoint = guest.sharepoint_token(host);
        let url = format!("https://{host}/:w:/s/Marketing/EaBc");
        let by_url = app
            .post_resolve_with(
                json!({"shareUrl": url}),
                Some(&guest.token),
                &[(
                    "x-sharepoint-authorization",
                    &format!("Bearer {sharepoint}"),
                )],
            )
            .await;
        assert_problem(by_url, 400, "invalid_share").await;
        let by_id = app.get_drive_item(&u_id(&url), Some(&guest.token)).await;
        assert_problem(by_id, 400, "invalid_share").await;
        let warmup = app
            .post_warmup(Some(json!({"host": host})), Some(&guest.token), &[])
            .await;
        assert_eq!(warmup.status(), 400, "{host}");
        let warmup = app
            .post_warmup(Some(json!({"shareUrl": url})), Some(&guest.token), &[])
            .await;
        assert_problem(warmup, 400, "invalid_share").await;
    }
    assert_eq!(app.graph.requests(), vec![], "no call of any kind");
}

#[tokio::test]
async fn in_obo_mode_an_odd_sharing_host_gets_no_token_exchange_either() {
    let app = spawn_obo_app().await;
    let user = ApiUser::guest(&app);
    app.graph.clear_requests();
    for host in ODD_HOSTS {
        let url = format!("https://{host}/:w:/s/Marketing/EaBc");
        let r = app
            .post_resolve(json!({"shareUrl": url}), Some(&user.token))
            .await;
        assert_problem(r, 400, "invalid_share").await;
    }
    assert_eq!(app.graph.requests(), vec![], "no exchange, no call");
}
