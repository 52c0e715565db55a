//! The token never appears in a log line; every request leaves one line
//! (its log line and EMF document in one).

use std::time::Duration;

use graph_sim::{Behaviour, Fault, FaultAction, RequestKind, Scenario, SimUser};

use crate::helpers::{Guest, LOGS, SHARE_URL, header, spawn_app, spawn_app_with, u_id};

#[tokio::test]
async fn the_token_appears_in_no_log_line_whatever_happens() {
    let app = spawn_app().await;
    let ok = Guest::new();
    let never = Guest::new();
    app.graph
        .add_user(SimUser::guest(&never.tid, &never.oid).with(Behaviour::NeverHydrates));
    let expired = Guest::with(|b| b.expires_in(-3600));
    let dropped = Guest::new();

    assert_eq!(app.resolve_demo(&ok).await.status(), 200);
    assert_eq!(app.resolve_demo(&never).await.status(), 503);
    assert_eq!(app.resolve_demo(&expired).await.status(), 401);
    app.graph
        .inject(Fault::shares(FaultAction::DropConnection).times(4));
    assert_eq!(app.resolve_demo(&dropped).await.status(), 502);
    let garbage = "Bearer-looking.garbage-token.value";
    assert_eq!(
        app.get_drive_item(&u_id(SHARE_URL), Some(garbage))
            .await
            .status(),
        401
    );

    let logs = LOGS.text();
    for line in logs.lines() {
        serde_json::from_str::<serde_json::Value>(line)
            .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
    }
    for (who, token) in [
        ("ok", &ok.token),
        ("never", &never.token),
        ("expired", &expired.token),
        ("dropped", &dropped.token),
    ] {
        // The claims part alone would also identify the token.
        let claims_part = token.split('.').nth(1).unwrap();
        assert!(
            !logs.contains(claims_part),
            "{who}'s token leaked into the logs"
        );
    }
    assert!(!logs.contains(garbage));
    // The lines do exist: one per request, with the user and the outcome.
    let line = logs
        .lines()
        .find(|l| l.contains(&never.key()) && l.contains("\"Outcome\":\"hydration_exhausted\""))
        .expect("a request line for the guest who never hydrates");
    assert!(line.contains("\"Attempts\":4"), "{line}");
}

/// The one `request` line that contains `needle` (a user key, an id), parsed.
fn request_line(needle: &str) -> serde_json::Value {
    let lines: Vec<serde_json::Value> = LOGS
        .text()
        .lines()
        .filter(|l| l.contains("\"_aws\"") && l.contains(needle))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "one request line with {needle}: {lines:?}");
    lines.into_iter().next().unwrap()
}

/// A call's client-request-id: its own, or the line's when it is that one.
fn client_request_id_of<'a>(
    entry: &'a serde_json::Value,
    line: &'a serde_json::Value,
) -> &'a serde_json::Value {
    entry
        .get("clientRequestId")
        .unwrap_or(&line["client_request_id"])
}

/// What every `graph` entry carries for Microsoft support, whatever the call.
fn assert_support_fields(
    entry: &serde_json::Value,
    line: &serde_json::Value,
    client_request_id: &str,
) {
    assert_eq!(
        client_request_id_of(entry, line),
        client_request_id,
        "{entry}"
    );
    assert!(
        entry.get("clientRequestId").is_none(),
        "not written twice: {entry}"
    );
    let request_id = entry["requestId"].as_str().unwrap_or_default();
    assert!(uuid::Uuid::parse_str(request_id).is_ok(), "{entry}");
    let date = entry["date"].as_str().unwrap_or_default();
    assert!(!date.is_empty(), "{entry}");
    assert!(
        entry["agsDiagnostic"]["ServerInfo"]["DataCenter"].is_string(),
        "x-ms-ags-diagnostic as JSON, not a string: {entry}"
    );
    assert!(entry["status"].is_u64(), "{entry}");
}

/// Neither the token (nor its claims part) nor the share beyond its host.
fn assert_no_secrets(line: &str, token: &str) {
    assert!(!line.contains(token.split('.').nth(1).unwrap()), "{line}");
    assert!(!line.contains("EaBcDeFgHiJkLmNoPqRsTuVw"), "{line}");
    assert!(!line.contains(&u_id(SHARE_URL)), "{line}");
    assert!(!line.contains("Marketing"), "{line}");
}

#[tokio::test]
async fn a_lagging_guests_line_has_one_graph_entry_per_call_with_the_ids_support_asks_for() {
    let scenario = Scenario {
        hydration_lag: Duration::from_millis(80),
        ..Scenario::demo()
    };
    let app = spawn_app_with(scenario, |s| {
        s.retry.settle_base = Duration::from_millis(20)
    })
    .await;
    let guest = Guest::new();
    let client_request_id = uuid::Uuid::new_v4().to_string();

    let r = app
        .get_drive_item_with(
            &u_id(SHARE_URL),
            Some(&guest.token),
            &[("client-request-id", &client_request_id)],
        )
        .await;

    assert_eq!(r.status(), 200);
    let line = request_line(&client_request_id);
    assert_no_secrets(&line.to_string(), &guest.token);
    let graph = line["graph"].as_array().expect("graph is a JSON array");
    let calls: Vec<_> = app
        .graph
        .requests()
        .into_iter()
        .filter(|c| c.user.as_deref() == Some(guest.key().as_str()))
        .collect();
    // Warmed up (a miss), still lagging at least once, then resolved.
    assert!(calls.len() >= 3, "{calls:?}");
    assert_eq!(graph.len(), calls.len(), "one entry per call: {line}");
    for (entry, call) in graph.iter().zip(&calls) {
        let what = match call.kind {
            RequestKind::Shares => "resolve",
            RequestKind::WarmupSiteByPath => "site",
            other => panic!("unexpected call {other:?}"),
        };
        assert_eq!(entry["call"], what, "{entry}");
        assert_eq!(entry["status"], call.status, "{entry}");
        assert_support_fields(entry, &line, &client_request_id);
        if call.status >= 400 {
            assert!(entry["code"].is_string(), "Graph's error code: {entry}");
        } else {
            assert!(entry.get("code").is_none(), "no code, no member: {entry}");
        }
    }
    assert_eq!(graph[0]["call"], "site");
    let lagging = graph
        .iter()
        .filter(|e| e["call"] == "resolve" && e["status"] == 401)
        .count();
    assert!(lagging >= 1, "hydration lagged: {line}");
    // The last call is the one whose ids the response carries.
    let last = graph.last().unwrap();
    assert_eq!(last["requestId"], header(&r, "request-id"));
    assert_eq!(
        *client_request_id_of(last, &line),
        header(&r, "client-request-id")
    );
    assert_eq!(line["GraphCalls"], graph.len());
    assert!(line.get("graph_request_ids").is_none(), "{line}");
}

#[tokio::test]
async fn a_refused_tokens_line_has_its_one_anonymous_call_as_the_problem_does() {
    for behaviour in [
        Behaviour::TokenInvalidAtGraph,
        Behaviour::TokenExpiredAtGraph,
    ] {
        let app = spawn_app().await;
        let guest = Guest::new();
        app.graph
            .add_user(SimUser::guest(&guest.tid, &guest.oid).with(behaviour.clone()));
        let client_request_id = uuid::Uuid::new_v4().to_string();

        let r = app
            .get_drive_item_with(
                &u_id(SHARE_URL),
                Some(&guest.token),
                &[("client-request-id", &client_request_id)],
            )
            .await;

        assert_eq!(r.status(), 401, "{behaviour:?}");
        let problem: serde_json::Value = r.json().await.unwrap();
        let line = request_line(&client_request_id);
        assert_no_secrets(&line.to_string(), &guest.token);
        let graph = line["graph"].as_array().expect("graph is a JSON array");
        // As anonymous as the problem: one call, not saying which it was.
        assert_eq!(graph.len(), 1, "{line}");
        let entry = &graph[0];
        assert!(entry.get("call").is_none(), "{entry}");
        assert_support_fields(entry, &line, &client_request_id);
        assert_eq!(entry["status"], 401);
        assert_eq!(entry["code"], "InvalidAuthenticationToken");
        let told = &problem["graph"].as_array().unwrap()[..];
        assert_eq!(told.len(), 1, "{problem}");
        for field in ["requestId", "date", "status", "code", "agsDiagnostic"] {
            assert_eq!(entry[field], told[0][field], "{field}: {entry} / {problem}");
        }
        assert_eq!(
            client_request_id_of(entry, &line),
            &told[0]["clientRequestId"]
        );
        assert_eq!(line["GraphCalls"], 1);
    }
}
