//! `POST /v1/$batch`: a page of links in one request, through one identity
//! check, one look-up, at most one warm-up and Graph JSON batches that
//! re-send only what failed; every answer in request order, each exactly
//! what its single route would have answered.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use graph_sim::token::TokenBuilder;
use graph_sim::{
    Behaviour, DEMO_FOLDER_ID, DEMO_FOLDER_URL, DEMO_PRIVATE_SHARE_URL, DEMO_SHARE_URL, Fault,
    FaultAction, RecordedRequest, Scenario, SimUser, demo_drive_id,
};
use serde_json::{Value, json};
use share_resolver::identity::UserKey;

use crate::helpers::{
    ApiUser, Guest, SHARE_URL, TestApp, add_share, assert_problem, header, reached, spawn_app_with,
    spawn_obo_app, u_id,
};
use crate::security::shape;

/// The default `MAX_ATTEMPTS`.
const MAX_ATTEMPTS: usize = 4;

/// `n` links everyone may open, on the demo tenant's Marketing site.
fn links(app: &TestApp, n: usize) -> Vec<String> {
    let tag = uuid::Uuid::new_v4().simple().to_string();
    (0..n)
        .map(|i| {
            let url =
                format!("https://contoso.sharepoint.com/:t:/s/Marketing/EBatch{i:02}{tag}?e=b{i}");
            add_share(&app.graph, &url, &format!("link {i}.txt"));
            url
        })
        .collect()
}

/// `GET /shares/{u!…}/driveItem` of each link, with ids `1`, `2`, …
fn page_of(links: &[String]) -> Value {
    links
        .iter()
        .enumerate()
        .map(|(i, url)| {
            get(
                &(i + 1).to_string(),
                &format!("/shares/{}/driveItem", u_id(url)),
            )
        })
        .collect()
}

fn get(id: &str, url: &str) -> Value {
    json!({"id": id, "method": "GET", "url": url})
}

/// The batch's answers, after checking it is one.
async fn responses(r: reqwest::Response) -> Vec<Value> {
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "content-type"), "application/json");
    let body: Value = r.json().await.expect("a JSON answer");
    body["responses"].as_array().expect("responses").clone()
}

/// The ids of `responses`, in order.
fn ids(responses: &[Value]) -> Vec<String> {
    responses
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Asserts that the answer `r` is the problem `code` with `status`, spelled
/// as a batch spells it.
fn assert_inner_problem(r: &Value, status: u16, code: &str) {
    assert_eq!(r["status"], status, "{r}");
    assert_eq!(r["headers"]["Content-Type"], "application/json", "{r}");
    assert_eq!(r["body"]["code"], code, "{r}");
    assert_eq!(r["body"]["status"], status, "{r}");
    assert_eq!(r["body"]["type"], format!("/problems/{code}"), "{r}");
    assert!(r["body"]["graph"].is_array(), "{r}");
}

/// How many times each inner request (by path) went to Graph.
fn sends_per_path(inner: &[RecordedRequest]) -> HashMap<String, usize> {
    let mut sends = HashMap::new();
    for r in inner {
        *sends.entry(r.path.clone()).or_default() += 1;
    }
    sends
}

#[tokio::test]
async fn a_cold_guests_twenty_links_come_back_in_request_order_after_one_warm_up() {
    let app = spawn_app_with(Scenario::demo(), |_| {}).await;
    let guest = Guest::new();
    let links = links(&app, 20);

    let answers = responses(app.post_batch(page_of(&links), Some(&guest.token)).await).await;

    let expected: Vec<String> = (1..=20).map(|i| i.to_string()).collect();
    assert_eq!(ids(&answers), expected, "request order");
    for (i, answer) in answers.iter().enumerate() {
        assert_eq!(answer["status"], 200, "{answer}");
        assert_eq!(answer["body"]["name"], format!("link {i}.txt"));
        assert_eq!(answer["headers"]["Content-Type"], "application/json");
        assert_eq!(answer["headers"]["x-resolver-hydration"], "miss");
        assert_eq!(answer["headers"]["x-resolver-warmup"], "site");
        assert_eq!(answer["headers"]["x-resolver-attempts"], "1");
    }
    assert_eq!(app.warm_ups_for(&guest), 1);
    let round_trips = app.graph_round_trips_for(&guest);
    assert!(round_trips.len() <= 2, "{round_trips:?}");
    let inner = app.inner_requests_for(&guest);
    assert!(
        sends_per_path(&inner).values().all(|n| *n <= MAX_ATTEMPTS),
        "{inner:?}"
    );
    let user = UserKey::new(&guest.tid, &guest.oid).unwrap();
    assert!(
        app.store.get(&user).await.unwrap().is_some(),
        "one success records the guest"
    );
}

#[tokio::test]
async fn a_cold_guests_twenty_links_with_300_ms_of_lag_take_at_most_three_round_trips() {
    // The simulator's lag runs from the warm-up's arrival, the service's
    // first checkpoint from its sending: on a loaded two-core machine the
    // warm-up can take longer to arrive than the checkpoint's round trip,
    // so the guest hydrates 300 ms after the warm-up was sent, less 20 ms
    // for that race (what Graph's lag means to the caller).
    let lagging = Scenario {
        hydration_lag: Duration::from_millis(280),
        ..Scenario::demo()
    };
    // The production settle schedule: the first checkpoint 300 ms after
    // the warm-up was sent.
    let app = spawn_app_with(lagging, |s| {
        s.retry.settle_base = Duration::from_millis(300)
    })
    .await;
    let guest = Guest::new();
    let links = links(&app, 20);

    let answers = responses(app.post_batch(page_of(&links), Some(&guest.token)).await).await;

    assert!(answers.iter().all(|a| a["status"] == 200), "{answers:?}");
    assert_eq!(app.warm_ups_for(&guest), 1);
    let round_trips = app.graph_round_trips_for(&guest);
    assert!(round_trips.len() <= 3, "{round_trips:?}");
    let sends = sends_per_path(&app.inner_requests_for(&guest));
    assert_eq!(sends.len(), 20);
    assert!(sends.values().all(|n| *n <= MAX_ATTEMPTS), "{sends:?}");
}

#[tokio::test]
async fn a_hydrated_guests_twenty_links_take_one_round_trip() {
    let app = spawn_app_with(Scenario::demo(), |_| {}).await;
    let guest = Guest::new();
    assert_eq!(app.resolve_demo(&guest).await.status(), 200, "recorded");
    let links = links(&app, 20);
    app.graph.clear_requests();

    let answers = responses(app.post_batch(page_of(&links), Some(&guest.token)).await).await;

    assert!(answers.iter().all(|a| a["status"] == 200), "{answers:?}");
    assert!(
        answers
            .iter()
            .all(|a| a["headers"]["x-resolver-hydration"] == "hit")
    );
    let round_trips = app.graph_round_trips_for(&guest);
    assert_eq!(round_trips.len(), 1, "{round_trips:?}");
    assert_eq!(app.batch_round_trips_for(&guest), 1);
    assert_eq!(app.inner_requests_for(&guest).len(), 20);
}

#[tokio::test]
async fn each_request_of_a_mixed_batch_gets_its_own_answer_and_the_invalid_ones_never_reach_graph()
{
    let app = spawn_app_with(Scenario::demo(), |_| {}).await;
    let guest = Guest::new();
    let ok = u_id(SHARE_URL);
    let gone = u_id("https://contoso.sharepoint.com/:w:/s/Marketing/ENoSuchLinkAnywhere?e=0");
    let private = u_id(DEMO_PRIVATE_SHARE_URL);
    let requests = json!([
        get("ok", &format!("/shares/{ok}/driveItem")),
        get("invalid", "/shares/not-a-share-id/driveItem"),
        get("unknown", "/me/drive"),
        {"id": "method", "method": "POST", "url": format!("/shares/{ok}/driveItem")},
        get("option", &format!("/shares/{ok}/driveItem?$filter=name")),
        get("gone", &format!("/shares/{gone}/driveItem")),
        get("private", &format!("/shares/{private}/driveItem")),
        get("resolve", "/resolve"),
        {"id": "header", "method": "GET", "url": format!("/shares/{ok}/driveItem"),
         "headers": {"X-Custom": "1"}},
    ]);

    let answers = responses(app.post_batch(requests, Some(&guest.token)).await).await;

    assert_eq!(
        ids(&answers),
        [
            "ok", "invalid", "unknown", "method", "option", "gone", "private", "resolve", "header"
        ]
    );
    assert_eq!(answers[0]["status"], 200, "{}", answers[0]);
    assert_inner_problem(&answers[1], 400, "invalid_share");
    assert_inner_problem(&answers[2], 404, "not_found");
    assert_inner_problem(&answers[3], 405, "method_not_allowed");
    assert_inner_problem(&answers[4], 400, "bad_request");
    assert!(
        answers[4]["body"]["detail"]
            .as_str()
            .unwrap()
            .contains("$filter")
    );
    assert_inner_problem(&answers[5], 404, "share_not_found");
    assert_inner_problem(&answers[6], 403, "access_denied");
    assert_inner_problem(&answers[7], 404, "not_found");
    assert_inner_problem(&answers[8], 400, "bad_request");
    assert!(
        answers[8]["body"]["detail"]
            .as_str()
            .unwrap()
            .contains("X-Custom"),
        "{}",
        answers[8]
    );
    let sent: BTreeSet<String> = app
        .inner_requests_for(&guest)
        .into_iter()
        .map(|r| r.path)
        .collect();
    let expected: BTreeSet<String> = [&ok, &gone, &private]
        .iter()
        .map(|id| format!("/v1.0/shares/{id}/driveItem"))
        .collect();
    assert_eq!(sent, expected, "only the valid requests reach Graph");
}

#[tokio::test]
async fn every_whole_batch_refusal_is_one_problem_and_makes_no_graph_call() {
    let app = spawn_app_with(Scenario::demo(), |_| {}).await;
    let guest = Guest::new();
    let share = format!("/shares/{}/driveItem", u_id(SHARE_URL));
    let one = get("1", &share);
    let many = |n: usize| -> String {
        let requests: Vec<Value> = (0..n).map(|i| get(&i.to_string(), &share)).collect();
        json!({ "requests": requests }).to_string()
    };
    let with = |request: Value| json!({ "requests": [request] }).to_string();
    for (body, why) in [
        ("not json".to_owned(), "not JSON"),
        ("[]".to_owned(), "not an object"),
        ("{}".to_owned(), "no requests"),
        (r#"{"requests": {}}"#.to_owned(), "requests not a list"),
        (many(0), "no request"),
        (many(21), "more than 20"),
        (with(json!({"method": "GET", "url": share})), "no id"),
        (with(json!({"id": "", "method": "GET", "url": share})), "an empty id"),
        (with(json!({"id": "a b", "method": "GET", "url": share})), "a space in the id"),
        (with(json!({"id": "x".repeat(65), "method": "GET", "url": share})), "a long id"),
        (with(json!({"id": 7, "method": "GET", "url": share})), "a number for an id"),
        (json!({"requests": [one, one]}).to_string(), "a duplicate id"),
        (with(json!({"id": "1", "url": share})), "no method"),
        (with(json!({"id": "1", "method": "GET"})), "no url"),
        (
            with(json!({"id": "1", "method": "GET", "url": share, "dependsOn": ["2"]})),
            "dependsOn",
        ),
        (
            json!({"requests": [get("1", &share), {"id": "2", "method": "GET", "url": share, "dependsOn": ["1"]}]})
                .to_string(),
            "dependsOn on a request that exists",
        ),
    ] {
        let r = app.post_raw("/v1/$batch", body, Some(&guest.token)).await;
        assert_problem(r, 400, "bad_request").await;
        let _ = why;
    }
    let padding = "x".repeat(64 * 1024);
    let r = app
        .post_raw(
            "/v1/$batch",
            json!({"requests": [one], "padding": padding}).to_string(),
            Some(&guest.token),
        )
        .await;
    assert_problem(r, 413, "payload_too_large").await;
    let r = app.post_batch(json!([one]), None).await;
    assert_problem(r, 401, "missing_token").await;
    let r = app.post_batch(json!([one]), Some("not-a-jwt")).await;
    assert_problem(r, 401, "malformed_token").await;
    let expired = TokenBuilder::guest(&guest.tid, &guest.oid)
        .claim("exp", json!(1_600_000_000))
        .build();
    let r = app.post_batch(json!([one]), Some(&expired)).await;
    assert_problem(r, 401, "token_expired").await;

    assert_eq!(app.graph.requests(), [], "no Graph call for any of them");
}

#[tokio::test]
async fn a_body_just_under_64_kib_is_read() {
    let app = spawn_app_with(Scenario::demo(), |_| {}).await;
    let guest = Guest::member();
    app.graph.add_user(SimUser::member(&guest.tid, &guest.oid));
    let share = format!("/shares/{}/driveItem", u_id(SHARE_URL));
    let padding = "x".repeat(60 * 1024);

    let r = app
        .post_raw(
            "/v1/$batch",
            json!({"requests": [get("1", &share)], "padding": padding}).to_string(),
            Some(&guest.token),
        )
        .await;

    assert_eq!(responses(r).await[0]["status"], 200);
}

#[tokio::test]
async fn a_caller_inside_a_throttle_window_is_throttled_for_the_whole_batch() {
    let app = spawn_app_with(Scenario::demo(), |s| {
        s.resolve_deadline = Duration::from_secs(20)
    })
    .await;
    let guest = Guest::member();
    app.graph.add_user(
        SimUser::member(&guest.tid, &guest.oid).with(Behaviour::Throttled {
            retry_after_secs: 10,
        }),
    );
    let share = format!("/shares/{}/driveItem", u_id(SHARE_URL));
    let first = responses(
        app.post_batch(json!([get("1", &share)]), Some(&guest.token))
            .await,
    )
    .await;
    assert_inner_problem(&first[0], 429, "throttled");
    let before = app.graph.requests().len();

    let r = app
        .post_batch(
            json!([get("1", &share), get("2", &share)]),
            Some(&guest.token),
        )
        .await;

    let wait: u64 = header(&r, "retry-after").parse().unwrap();
    assert!((1..=10).contains(&wait), "{wait}");
    assert_problem(r, 429, "throttled").await;
    assert_eq!(app.graph.requests().len(), before, "no Graph call");
}

#[tokio::test]
async fn an_inner_429_with_retry_after_1_is_retried_alone() {
    let app = spawn_app_with(Scenario::demo(), |_| {}).await;
    let guest = Guest::member();
    app.graph.add_user(SimUser::member(&guest.tid, &guest.oid));
    let links = links(&app, 5);
    // Faults go to a batch's requests in request order: the first one.
    app.graph.inject(Fault::shares(FaultAction::Status {
        status: 429,
        retry_after: Some("1".into()),
    }));

    let answers = responses(app.post_batch(page_of(&links), Some(&guest.token)).await).await;

    assert!(answers.iter().all(|a| a["status"] == 200), "{answers:?}");
    assert_eq!(answers[0]["headers"]["x-resolver-attempts"], "2");
    assert_eq!(answers[1]["headers"]["x-resolver-attempts"], "1");
    let inner = app.inner_requests_for(&guest);
    let rounds: BTreeSet<u64> = inner
        .iter()
        .map(|r| r.batch.as_ref().unwrap().round_trip)
        .collect();
    assert_eq!(rounds.len(), 2, "{inner:?}");
    let second = rounds.last().unwrap();
    let retried: Vec<&str> = inner
        .iter()
        .filter_map(|r| r.batch.as_ref())
        .filter(|b| b.round_trip == *second)
        .map(|b| b.id.as_str())
        .collect();
    assert_eq!(retried, ["1"], "only the throttled request goes again");
}

#[tokio::test]
async fn an_inner_429_with_retry_after_10_is_that_requests_throttled_while_the_others_succeed() {
    let app = spawn_app_with(Scenario::demo(), |s| {
        s.resolve_deadline = Duration::from_secs(20)
    })
    .await;
    let guest = Guest::member();
    app.graph.add_user(SimUser::member(&guest.tid, &guest.oid));
    let links = links(&app, 5);
    app.graph.inject(Fault::shares(FaultAction::Status {
        status: 429,
        retry_after: Some("10".into()),
    }));

    let answers = responses(app.post_batch(page_of(&links), Some(&guest.token)).await).await;

    assert_inner_problem(&answers[0], 429, "throttled");
    let wait: u64 = answers[0]["headers"]["Retry-After"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((9..=10).contains(&wait), "{wait}");
    assert!(
        answers[1..].iter().all(|a| a["status"] == 200),
        "{answers:?}"
    );
    assert_eq!(
        app.batch_round_trips_for(&guest),
        1,
        "the wait is the caller's, not slept"
    );
}

#[tokio::test]
async fn a_forged_tokens_batch_learns_nothing_and_changes_nothing_for_anyone() {
    let app = spawn_app_with(Scenario::demo(), |_| {}).await;
    let known = Guest::new();
    let unknown = Guest::new();
    assert_eq!(app.resolve_demo(&known).await.status(), 200, "recorded");
    let forge = |g: &Guest| TokenBuilder::guest(&g.tid, &g.oid).build_forged();
    let links = links(&app, 3);

    let against_known = app.post_batch(page_of(&links), Some(&forge(&known))).await;
    let against_unknown = app
        .post_batch(page_of(&links), Some(&forge(&unknown)))
        .await;

    let known_shape = shape(against_known).await;
    assert_eq!(known_shape.0, 401);
    assert_eq!(known_shape, shape(against_unknown).await);
    assert_eq!(known_shape.3.len(), 1, "only the refusing answer");
    assert!(!known_shape.3[0].contains("call"), "{:?}", known_shape.3);
    assert!(!known_shape.1.contains("x-resolver-hydration"));
    let user = |g: &Guest| UserKey::new(&g.tid, &g.oid).unwrap();
    assert_eq!(
        app.store
            .get(&user(&unknown))
            .await
            .unwrap()
            .filter(|r| !r.is_lease()),
        None,
        "nothing recorded for the unknown victim"
    );
    app.graph.clear_requests();
    let r = app.resolve_demo(&known).await;
    assert_eq!(header(&r, "x-resolver-hydration"), "hit", "still known");
    assert_eq!(header(&r, "x-resolver-attempts"), "1");
    let r = app.resolve_demo(&unknown).await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        header(&r, "x-resolver-attempts"),
        "1",
        "the victim warms up on its own"
    );
}

#[tokio::test]
async fn a_forged_tokens_batch_is_refused_as_a_whole_when_its_first_round_trip_failed() {
    // Found by the soak: a known victim (no warm-up to refuse the token),
    // and the first round trip dropped, so the refusal comes in round two.
    let app = spawn_app_with(Scenario::demo(), |_| {}).await;
    let victim = Guest::new();
    assert_eq!(app.resolve_demo(&victim).await.status(), 200, "recorded");
    let forged = TokenBuilder::guest(&victim.tid, &victim.oid).build_forged();
    let links = links(&app, 3);
    app.graph.clear_requests();
    app.graph.inject(Fault::batch(FaultAction::DropConnection));

    let r = app.post_batch(page_of(&links), Some(&forged)).await;

    assert_problem(r, 401, "invalid_token").await;
    assert_eq!(
        app.batch_round_trips_for(&victim),
        2,
        "the dropped one, then the one Graph refused"
    );
}

#[tokio::test]
async fn a_forged_tokens_throttled_batch_does_not_silence_its_victim() {
    let app = spawn_app_with(Scenario::demo(), |s| {
        s.resolve_deadline = Duration::from_secs(20)
    })
    .await;
    let victim = Guest::member();
    app.graph
        .add_user(SimUser::member(&victim.tid, &victim.oid));
    let forged = TokenBuilder::guest(&victim.tid, &victim.oid)
        .claim("acct", json!(0))
        .without("upn")
        .build_forged();
    let links = links(&app, 3);
    app.graph.inject(Fault::batch(FaultAction::Status {
        status: 429,
        retry_after: Some("60".into()),
    }));

    let answers = responses(app.post_batch(page_of(&links), Some(&forged)).await).await;
    for answer in &answers {
        assert_inner_problem(answer, 429, "throttled");
    }
    let answers = responses(app.post_batch(page_of(&links), Some(&victim.token)).await).await;

    assert!(
        answers.iter().all(|a| a["status"] == 200),
        "the victim is served: {answers:?}"
    );
}

#[tokio::test]
async fn a_batch_in_obo_mode_makes_one_token_exchange() {
    let app = spawn_obo_app().await;
    let member = ApiUser::member(&app);
    let links = links(&app, 10);
    app.graph.clear_requests();

    let answers = responses(app.post_batch(page_of(&links), Some(&member.token)).await).await;

    assert!(answers.iter().all(|a| a["status"] == 200), "{answers:?}");
    let reached = reached(&app.graph);
    assert_eq!(reached.exchanges, 1, "{reached:?}");
    let round_trips: Vec<_> = app
        .graph
        .round_trips()
        .into_iter()
        .filter(|r| r.kind.is_graph())
        .collect();
    assert_eq!(
        round_trips.len(),
        1,
        "one $batch round trip: {round_trips:?}"
    );
}

#[tokio::test]
async fn inner_requests_carry_their_own_headers_options_and_next_links() {
    let app = spawn_app_with(Scenario::demo(), |_| {}).await;
    let guest = Guest::member();
    app.graph.add_user(SimUser::member(&guest.tid, &guest.oid));
    let share = u_id(SHARE_URL);
    let folder = u_id(DEMO_FOLDER_URL);
    let requests = json!([
        {"id": "a", "method": "get", "url": format!("shares/{share}/driveItem?$select=id,name"),
         "headers": {"prefer": "redeemSharingLinkIfNecessary", "Client-Request-Id": "inner-a"}},
        get("b", &format!("{}/v1/shares/{share}/driveItem", app.address)),
        get("c", &format!("/v1/shares/{folder}/driveItem/children?$top=2")),
    ]);

    let answers = responses(
        app.post_batch_with(
            "/v1/batch",
            requests,
            Some(&guest.token),
            &[("client-request-id", "outer")],
        )
        .await,
    )
    .await;

    assert!(answers.iter().all(|a| a["status"] == 200), "{answers:?}");
    assert_eq!(answers[0]["headers"]["client-request-id"], "inner-a");
    assert_eq!(answers[1]["headers"]["client-request-id"], "outer");
    assert!(answers[0]["headers"]["request-id"].is_string());
    let inner = app.inner_requests_for(&guest);
    let a = inner
        .iter()
        .find(|r| r.batch.as_ref().unwrap().id == "a")
        .unwrap();
    assert_eq!(a.prefer.as_deref(), Some("redeemSharingLinkIfNecessary"));
    assert_eq!(a.client_request_id.as_deref(), Some("inner-a"));
    assert_eq!(a.query.as_deref(), Some("$select=id,name"));
    let next = answers[2]["body"]["@odata.nextLink"].as_str().unwrap();
    assert!(
        next.starts_with(&format!(
            "{}/v1/shares/{folder}/driveItem/children?$top=2&$skiptoken=",
            app.address
        )),
        "{next}"
    );
}

#[tokio::test]
async fn a_page_reads_permissions_and_previews_in_the_same_batch_as_their_routes_answer() {
    let app = spawn_app_with(Scenario::demo(), |_| {}).await;
    let guest = Guest::member();
    app.graph.add_user(SimUser::member(&guest.tid, &guest.oid));
    let share = u_id(DEMO_SHARE_URL);
    let item = format!("/drives/{}/items/{DEMO_FOLDER_ID}", demo_drive_id());
    let onedrive = u_id("https://1drv.ms/w/s!AmKbC0dEfGhIjKlMnOpQrStUv?e=1a2B3c");
    let preview = |id: &str, url: String, body: Value| {
        json!({"id": id, "method": "POST", "url": url,
               "headers": {"Content-Type": "application/json"}, "body": body})
    };
    let requests = json!([
        get("permission", &format!("/shares/{share}/permission")),
        preview("preview", format!("/shares/{share}/driveItem/preview"), json!({"viewer": "onedrive", "zoom": 1})),
        {"id": "bare", "method": "POST", "url": format!("{item}/preview")},
        preview("personal", format!("/shares/{onedrive}/driveItem/preview"), json!({})),
        preview("word", format!("/shares/{share}/driveItem/preview"), json!({"viewer": "word"})),
        get("got", &format!("/shares/{share}/driveItem/preview")),
        get("item-permission", &format!("{item}/permission")),
    ]);

    let answers = responses(app.post_batch(requests, Some(&guest.token)).await).await;

    let single = app
        .get_path(
            &format!("/v1/shares/{share}/permission"),
            Some(&guest.token),
            &[],
        )
        .await;
    assert_eq!(single.status(), 200);
    let single: Value = single.json().await.unwrap();
    assert_eq!(answers[0]["status"], 200, "{}", answers[0]);
    assert_eq!(answers[0]["body"], single, "what the route answers");
    for answer in &answers[1..3] {
        assert_eq!(answer["status"], 200, "{answer}");
        assert!(answer["body"]["getUrl"].is_string(), "{answer}");
    }
    assert_inner_problem(&answers[3], 400, "preview_unsupported");
    assert_inner_problem(&answers[4], 400, "bad_request");
    assert!(
        answers[4]["body"]["detail"]
            .as_str()
            .unwrap()
            .contains("body")
    );
    assert_inner_problem(&answers[5], 405, "method_not_allowed");
    assert_inner_problem(&answers[6], 404, "not_found");
    let inner = app.inner_requests_for(&guest);
    let sent: Vec<(String, String)> = inner
        .iter()
        .map(|r| (r.batch.as_ref().unwrap().id.clone(), r.method.clone()))
        .collect();
    assert_eq!(
        sent,
        [
            ("permission".to_owned(), "GET".to_owned()),
            ("preview".to_owned(), "POST".to_owned()),
            ("bare".to_owned(), "POST".to_owned()),
        ],
        "one round trip, the invalid ones never sent"
    );
}

#[tokio::test]
async fn a_batch_leaves_one_line_counting_its_requests_by_outcome_with_each_graph_answers_id() {
    let app = spawn_app_with(Scenario::demo(), |_| {}).await;
    let guest = Guest::new();
    let links = links(&app, 2);
    let gone = u_id("https://contoso.sharepoint.com/:w:/s/Marketing/ENoSuchLinkAnywhere?e=0");
    let mut requests = page_of(&links);
    let more = requests.as_array_mut().unwrap();
    more.push(get("gone", &format!("/shares/{gone}/driveItem")));
    more.push(get("bad", "/shares/nope/driveItem"));

    let answers = responses(app.post_batch(requests, Some(&guest.token)).await).await;
    assert_eq!(answers.len(), 4);

    let lines: Vec<Value> = app
        .metrics
        .documents()
        .into_iter()
        .filter(|l| l["user"] == guest.key())
        .collect();
    assert_eq!(lines.len(), 1, "one line for the batch: {lines:?}");
    let line = &lines[0];
    assert_eq!(line["route"], "/v1/$batch");
    assert_eq!(line["Requests"], 4);
    assert_eq!(
        line["outcomes"],
        json!({"ok": 2, "share_not_found": 1, "invalid_share": 1})
    );
    let graph = line["graph"].as_array().unwrap();
    let warm_up = &graph[0];
    assert_eq!(warm_up["call"], "site", "{graph:?}");
    assert!(warm_up.get("id").is_none());
    let ids: BTreeSet<&str> = graph[1..]
        .iter()
        .map(|g| g["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, BTreeSet::from(["1", "2", "gone"]), "{graph:?}");
    assert!(graph[1..].iter().all(|g| g["call"] == "resolve"));
}

#[tokio::test]
async fn a_bad_sharepoint_header_is_refused_even_when_no_request_would_call_graph() {
    let app = spawn_app_with(Scenario::demo(), |_| {}).await;
    let guest = Guest::new();
    let invalid_only = json!([get("1", "/shares/nope/driveItem"), get("2", "/me")]);

    let r = app
        .post_batch_with(
            "/v1/$batch",
            invalid_only,
            Some(&guest.token),
            &[("x-sharepoint-authorization", "Bearer not-a-jwt")],
        )
        .await;

    let problem = assert_problem(r, 400, "bad_request").await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("X-SharePoint-Authorization"),
        "{problem}"
    );
    assert_eq!(app.graph.requests(), []);
}
