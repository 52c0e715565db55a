//! `POST /v1.0/$batch` over real HTTP: one round trip, each request through
//! its route, answers out of order, counted apart in the log.

use serde_json::{Value, json};

use super::test_support::{
    admin_post, answers, body, get_request, guest, post_batch, share_path, sim,
};
use super::*;

#[tokio::test]
async fn a_batch_runs_each_request_through_its_route_in_one_round_trip_answered_out_of_order() {
    let sim = sim().await;
    let (token, tid, oid) = guest(&sim, true);
    let requests = json!([
        get_request("1", &share_path(DEMO_SHARE_URL)),
        get_request("2", &share_path(DEMO_TEAMS_SHARE_URL)),
        get_request("3", &share_path(DEMO_PRIVATE_SHARE_URL)),
        get_request(
            "4",
            &share_path("https://contoso.sharepoint.com/:w:/s/x/Gone")
        ),
        get_request(
            "5",
            &format!("{}/children?$top=2", share_path(DEMO_FOLDER_URL))
        ),
        get_request("6", "me/drive"),
    ]);
    let (by_id, order) = answers(post_batch(&sim, Some(&token), requests).await).await;

    assert_eq!(order.len(), 6);
    assert_ne!(
        order,
        ["1", "2", "3", "4", "5", "6"],
        "Graph promises no order"
    );
    let status = |id: &str| by_id[id]["status"].as_u64().unwrap_or_default();
    assert_eq!(
        [
            status("1"),
            status("2"),
            status("3"),
            status("4"),
            status("5"),
            status("6")
        ],
        [200, 200, 403, 404, 200, 400]
    );
    let demo = Scenario::demo();
    assert_eq!(by_id["1"]["body"], demo.shares[0].drive_item);
    assert_eq!(by_id["2"]["body"], demo.shares[1].drive_item);
    assert_eq!(by_id["3"]["body"]["error"]["code"], "accessDenied");
    assert_eq!(by_id["4"]["body"]["error"]["code"], "itemNotFound");
    assert_eq!(
        by_id["5"]["body"]["value"].as_array().map(Vec::len),
        Some(2)
    );
    assert!(by_id["5"]["body"]["@odata.nextLink"].is_string());

    // One round trip, six calls, each logged as the call it is.
    let log = sim.requests();
    assert_eq!(log.len(), 7);
    assert_eq!(log[0].kind, RequestKind::Batch);
    assert_eq!(log[0].status, 200);
    assert!(!log[0].is_inner());
    assert_eq!(sim.batch_round_trips(), 1);
    assert_eq!(sim.round_trips().len(), 1);
    assert_eq!(sim.inner_requests().len(), 6);
    assert_eq!(sim.calls_of(RequestKind::Shares), 4);
    assert_eq!(sim.calls_of(RequestKind::SharesChildren), 1);
    for (inner, id) in log[1..].iter().zip(["1", "2", "3", "4", "5", "6"]) {
        let part = inner.batch.as_ref().expect("an inner request");
        assert_eq!(part.round_trip, log[0].seq);
        assert_eq!(part.id, id);
        assert_eq!(inner.user.as_deref(), Some(format!("{tid}#{oid}").as_str()));
        assert!(inner.has_authorization);
        assert_eq!(u64::from(inner.status), status(id));
    }
    assert_eq!(log[1].path, format!("/v1.0{}", share_path(DEMO_SHARE_URL)));
    assert_eq!(log[5].query.as_deref(), Some("$top=2"));
    assert_eq!(log[6].kind, RequestKind::Other);
}

#[tokio::test]
async fn a_cold_guest_gets_the_hydration_401_inside_a_batch_and_a_warm_up_inside_one_hydrates() {
    let sim = sim().await;
    let (token, tid, oid) = guest(&sim, false);
    let requests = json!([
        get_request("share", &share_path(DEMO_SHARE_URL)),
        get_request("warm", "/sites/root"),
    ]);
    let (by_id, _) = answers(post_batch(&sim, Some(&token), requests).await).await;
    assert_eq!(by_id["share"]["status"], 401);
    assert_eq!(by_id["share"]["body"]["error"]["code"], "accessDenied");
    assert_eq!(by_id["warm"]["status"], 200);
    assert!(sim.is_hydrated(&tid, &oid));

    let again = json!([get_request("share", &share_path(DEMO_SHARE_URL))]);
    let (by_id, _) = answers(post_batch(&sim, Some(&token), again).await).await;
    assert_eq!(by_id["share"]["status"], 200);
    assert_eq!(sim.batch_round_trips(), 2);
    assert_eq!(sim.calls_of(RequestKind::WarmupRoot), 1);
}

#[tokio::test]
async fn a_bad_batch_or_token_is_refused_as_a_whole_without_running_any_request() {
    let sim = sim().await;
    let (token, _, _) = guest(&sim, true);
    let request = get_request("1", &share_path(DEMO_SHARE_URL));
    let many: Vec<Value> = (0..21)
        .map(|i| get_request(&i.to_string(), &share_path(DEMO_SHARE_URL)))
        .collect();
    for (requests, what) in [
        (json!(many), "21 requests"),
        (json!([request, request]), "a duplicate id"),
        (json!([]), "no request"),
        (json!([{"id": "1", "method": "GET"}]), "no url"),
    ] {
        let r = post_batch(&sim, Some(&token), requests).await;
        assert_eq!(r.status(), 400, "{what}");
        assert_eq!(body(r).await["error"]["code"], "BadRequest", "{what}");
    }
    let twenty: Vec<Value> = many[..20].to_vec();
    let (by_id, _) = answers(post_batch(&sim, Some(&token), json!(twenty)).await).await;
    assert_eq!(by_id.len(), 20);
    assert_eq!(sim.inner_requests().len(), 20, "only the batch of 20 ran");

    sim.clear_requests();
    let r = post_batch(&sim, None, json!([request])).await;
    assert_eq!(r.status(), 401);
    assert_eq!(body(r).await["error"]["code"], "InvalidAuthenticationToken");
    let forged = token::TokenBuilder::guest("t", "o").build_forged();
    let r = post_batch(&sim, Some(&forged), json!([request])).await;
    assert_eq!(r.status(), 401);
    let r = sim
        .client
        .get(format!("{}/$batch", sim.base_url()))
        .bearer_auth(&token)
        .send()
        .await
        .expect("an answer");
    assert_eq!(r.status(), 405);
    assert!(sim.inner_requests().is_empty());
    assert_eq!(sim.batch_round_trips(), 3);
}

#[tokio::test]
async fn a_batch_fault_throttles_the_round_trip_and_a_shares_fault_one_request() {
    let sim = sim().await;
    let (token, _, _) = guest(&sim, true);
    let requests = json!([
        get_request("a", &share_path(DEMO_SHARE_URL)),
        get_request("b", &share_path(DEMO_DOC_URL)),
    ]);
    let (status, _) = admin_post(
        &sim,
        "faults",
        json!({"target": "batch", "status": 429, "retryAfter": "3"}),
    )
    .await;
    assert_eq!(status, 200);
    let whole = post_batch(&sim, Some(&token), requests.clone()).await;
    assert_eq!(whole.status(), 429);
    assert_eq!(whole.headers()["retry-after"], "3");
    assert_eq!(body(whole).await["error"]["code"], "TooManyRequests");
    assert!(sim.inner_requests().is_empty(), "nothing ran");

    sim.inject(Fault::shares(FaultAction::Status {
        status: 429,
        retry_after: Some("1".into()),
    }));
    let (by_id, _) = answers(post_batch(&sim, Some(&token), requests.clone()).await).await;
    assert_eq!(by_id["a"]["status"], 429);
    assert_eq!(by_id["a"]["headers"]["Retry-After"], "1");
    assert_eq!(by_id["a"]["body"]["error"]["code"], "activityLimitReached");
    assert_eq!(by_id["b"]["status"], 200);

    sim.inject(Fault::shares(FaultAction::DropConnection));
    let dropped = sim
        .client
        .post(format!("{}/$batch", sim.base_url()))
        .bearer_auth(&token)
        .json(&json!({ "requests": requests }))
        .send()
        .await;
    assert!(dropped.is_err(), "the round trip is dropped");
    let log = sim.requests();
    let last_batch = log.iter().rfind(|r| r.kind == RequestKind::Batch);
    assert_eq!(last_batch.map(|r| r.status), Some(0));
    let statuses: Vec<u16> = log.iter().rev().take(2).map(|r| r.status).collect();
    assert_eq!(statuses, [200, 0], "the dropped request logged as 0");
}

#[tokio::test]
async fn inner_answers_carry_their_own_headers_and_ids_not_the_round_trips() {
    let sim = sim().await;
    let (token, _, _) = guest(&sim, false);
    let requests = json!([
        {"id": "cold", "method": "GET", "url": share_path(DEMO_SHARE_URL),
         "headers": {"client-request-id": "inner-1", "Prefer": "redeemSharingLink"}},
        get_request("root", "/sites/root"),
        get_request("plain", share_path(DEMO_SHARE_URL).trim_start_matches('/')),
    ]);
    let response = sim
        .client
        .post(format!("{}/$batch", sim.base_url()))
        .bearer_auth(&token)
        .header("client-request-id", "outer-1")
        .json(&json!({ "requests": requests }))
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.headers()["client-request-id"], "outer-1");
    assert_eq!(response.headers()["content-type"], "application/json");
    let (by_id, _) = answers(response).await;

    let cold = &by_id["cold"];
    assert_eq!(cold["headers"]["Content-Type"], "application/json");
    assert!(cold["headers"].get("request-id").is_none());
    assert_eq!(
        cold["body"]["error"]["innerError"]["client-request-id"],
        "inner-1"
    );
    let root = &by_id["root"];
    assert!(
        root["headers"]["Content-Type"]
            .as_str()
            .is_some_and(|t| t.starts_with("application/json;odata.metadata=minimal"))
    );
    assert_eq!(root["headers"]["OData-Version"], "4.0");
    // The share without a leading slash ran after the warm-up: no lag.
    assert_eq!(by_id["plain"]["status"], 200);

    let log = sim.inner_requests();
    assert_eq!(log[0].client_request_id.as_deref(), Some("inner-1"));
    assert_eq!(log[0].prefer.as_deref(), Some("redeemSharingLink"));
    assert_eq!(log[2].prefer, None);

    // The admin log shows the same split, for harnesses in other languages.
    let listed = body(
        sim.client
            .get(format!("http://{}/_sim/requests", sim.addr()))
            .send()
            .await
            .expect("an answer"),
    )
    .await;
    assert_eq!(listed[0]["kind"], "Batch");
    assert_eq!(listed[0]["batch"], Value::Null);
    assert_eq!(listed[1]["batch"]["id"], "cold");
    assert_eq!(listed[1]["batch"]["round_trip"], listed[0]["seq"]);
}
