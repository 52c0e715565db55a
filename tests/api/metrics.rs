//! One line per request that is also its CloudWatch EMF document, with the
//! request's values, and no dimension or metric that names a user, a
//! tenant, a token or a link.

use graph_sim::SimUser;
use serde_json::Value;

use crate::helpers::{Guest, LOGS, spawn_app};

/// The metric names declared for each dimension set.
fn declared(doc: &Value) -> Vec<(Vec<String>, Vec<String>)> {
    let mut declared = Vec::new();
    for d in doc["_aws"]["CloudWatchMetrics"].as_array().unwrap() {
        assert_eq!(d["Namespace"], "ShareResolver");
        let names: Vec<String> = d["Metrics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["Name"].as_str().unwrap().to_owned())
            .collect();
        for set in d["Dimensions"].as_array().unwrap() {
            let dims = set
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_owned())
                .collect();
            declared.push((dims, names.clone()));
        }
    }
    declared
}

/// What a line's metrics and dimensions say, without the log's members:
/// the part CloudWatch reads.
fn emf_part(doc: &Value) -> String {
    let mut named: Vec<String> = vec!["Service".into(), "Outcome".into(), "Strategy".into()];
    named.extend(declared(doc).into_iter().flat_map(|(_, names)| names));
    let part: serde_json::Map<String, Value> = doc
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| named.contains(k) || k.as_str() == "_aws")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Value::Object(part).to_string()
}

#[tokio::test]
async fn a_hit_a_miss_a_member_and_a_failure_each_leave_one_line_that_is_their_emf_document() {
    let app = spawn_app().await;
    let guest = Guest::new();
    let member = Guest::member();
    app.graph
        .add_user(SimUser::member(&member.tid, &member.oid));
    let expired = Guest::with(|b| b.expires_in(-3600));

    for (who, status) in [
        (&guest, 200),
        (&guest, 200),
        (&member, 200),
        (&expired, 401),
    ] {
        assert_eq!(app.resolve_demo(who).await.status().as_u16(), status);
    }

    let docs = app.metrics.documents();
    assert_eq!(docs.len(), 4, "one line a request");
    for doc in &docs {
        assert!(
            doc["client_request_id"].is_string(),
            "a log line too: {doc}"
        );
    }
    let (miss, hit, as_member, failure) = (&docs[0], &docs[1], &docs[2], &docs[3]);
    for (doc, outcome, hydration, hit_value, graph_calls, why) in [
        (
            miss,
            "ok",
            "miss",
            Some(0),
            2,
            "a cold guest: warm-up + /shares",
        ),
        (hit, "ok", "hit", Some(1), 1, "the same guest again"),
        (
            as_member,
            "ok",
            "member",
            None,
            1,
            "a member is in no hit rate",
        ),
        (
            failure,
            "token_expired",
            "",
            None,
            0,
            "refused before any call",
        ),
    ] {
        assert_eq!(doc["Outcome"], outcome, "{why}");
        assert_eq!(doc["Service"], "share-resolver", "{why}");
        assert_eq!(doc["Requests"], 1, "{why}");
        // A metric of 0 is not declared: a sum does not need it.
        assert_eq!(
            doc["GraphCalls"].as_u64().unwrap_or(0),
            graph_calls,
            "{why}"
        );
        assert_eq!(
            doc["graph"].as_array().unwrap().len() as u64,
            graph_calls,
            "{why}"
        );
        assert_eq!(doc["hydration"].as_str().unwrap_or(""), hydration, "{why}");
        assert_eq!(doc["Hit"].as_u64(), hit_value, "{why}");
        assert!(doc["Latency"].as_f64().unwrap() > 0.0, "{why}");
        let directives = declared(doc);
        assert!(
            directives.contains(&(
                vec!["Service".into(), "Outcome".into()],
                vec!["Requests".into()]
            )),
            "{why}"
        );
        let text = emf_part(doc);
        assert!(text.contains("\"Latency\""), "{text}");
        for secret in [
            guest.tid.as_str(),
            guest.oid.as_str(),
            member.oid.as_str(),
            "contoso.sharepoint.com",
        ] {
            assert!(!text.contains(secret), "{why}: {secret} in {text}");
        }
    }
    assert_eq!(miss["Strategy"], "site");
    assert_eq!(miss["WarmupCalls"], 1);
    assert!(
        declared(miss)
            .iter()
            .any(|(dims, _)| dims.contains(&"Strategy".to_owned()))
    );
    assert!(
        hit.get("Strategy").is_none(),
        "no warm-up, no strategy dimension"
    );
    assert_eq!(failure["status"], 401);
    assert!(failure.get("ServerError").is_none(), "no 5xx: {failure}");
}

#[tokio::test]
async fn a_404_and_a_405_each_leave_one_line_with_their_code() {
    let app = spawn_app().await;
    for (method, path, status, code) in [
        (reqwest::Method::GET, "/v2/nothing", 404, "not_found"),
        (
            reqwest::Method::DELETE,
            "/v1/resolve",
            405,
            "method_not_allowed",
        ),
    ] {
        let before = app.metrics.documents().len();
        let request_id = uuid::Uuid::new_v4().to_string();
        let response = app
            .client
            .request(method.clone(), format!("{}{path}", app.address))
            .header("client-request-id", &request_id)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), status, "{method} {path}");

        let docs = app.metrics.documents();
        assert_eq!(docs.len(), before + 1, "{method} {path}: one line");
        let doc = docs.last().unwrap();
        assert_eq!(doc["Outcome"], code, "{method} {path}");
        assert_eq!(doc["status"], status, "{method} {path}");
        let logs = LOGS.text();
        let lines: Vec<&str> = logs.lines().filter(|l| l.contains(&request_id)).collect();
        assert_eq!(lines.len(), 1, "{method} {path}: one log line: {lines:?}");
        assert!(
            lines[0].contains(&format!("\"Outcome\":\"{code}\"")),
            "{}",
            lines[0]
        );
    }
}
