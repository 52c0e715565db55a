//! Query options: forwarded to Graph as sent after the contract's checks,
//! the body Graph's; anything else refused before any Graph call.

use graph_sim::{DEMO_FOLDER_ID, DEMO_FOLDER_URL, DEMO_SHARE_URL, demo_drive_id};
use serde_json::{Value, json};

use crate::helpers::{Guest, assert_problem, spawn_app, u_id};

const SPECS_ID: &str = "01FOLDERSPECS000000000000000000000";

#[tokio::test]
async fn options_reach_graph_exactly_as_sent_and_the_body_is_graphs() {
    let app = spawn_app().await;
    let (share, folder) = (u_id(DEMO_SHARE_URL), u_id(DEMO_FOLDER_URL));
    let drive = demo_drive_id();
    for (route, graph_path, query) in [
        (
            format!("/v1/shares/{share}/driveItem"),
            format!("/v1.0/shares/{share}/driveItem"),
            "$select=id,name",
        ),
        (
            format!("/v1/shares/{folder}/driveItem"),
            format!("/v1.0/shares/{folder}/driveItem"),
            "$expand=children",
        ),
        (
            format!("/v1/shares/{folder}/driveItem/children"),
            format!("/v1.0/shares/{folder}/driveItem/children"),
            "$top=5&$orderby=name%20desc&$select=id,name,size",
        ),
        (
            format!("/v1/drives/{drive}/items/{DEMO_FOLDER_ID}"),
            format!("/v1.0/drives/{drive}/items/{DEMO_FOLDER_ID}"),
            "$select=name,folder&$expand=children($select=id;$top=2)",
        ),
        (
            format!("/v1/drives/{drive}/items/{SPECS_ID}/children"),
            format!("/v1.0/drives/{drive}/items/{SPECS_ID}/children"),
            "$orderby=name&$top=999",
        ),
    ] {
        let guest = Guest::new();
        app.graph.hydrate(&guest.tid, &guest.oid);

        let response = app
            .get_path(&format!("{route}?{query}"), Some(&guest.token), &[])
            .await;

        assert_eq!(response.status(), 200, "{route}?{query}");
        let ours = response.bytes().await.unwrap();
        let seen = app.graph_requests_for(&guest);
        let call = seen.last().unwrap();
        assert_eq!(call.path, graph_path);
        assert_eq!(call.query.as_deref(), Some(query), "{route}");
        let graph = app
            .client
            .get(format!(
                "{}{}?{query}",
                app.graph.base_url(),
                &graph_path[5..]
            ))
            .bearer_auth(&guest.token)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert_eq!(ours, graph, "{route}?{query}: the body is Graph's");
    }
}

#[tokio::test]
async fn select_returns_only_those_fields_and_resolve_takes_select_and_expand() {
    let app = spawn_app().await;
    let guest = Guest::new();
    app.graph.hydrate(&guest.tid, &guest.oid);

    let selected: Value = app
        .get_path(
            &format!(
                "/v1/shares/{}/driveItem?$select=id,name",
                u_id(DEMO_SHARE_URL)
            ),
            Some(&guest.token),
            &[],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        selected,
        json!({"id": "01J7TAN47MQKAQ52K64ZAZNORXENAPQ46L", "name": "Launch plan.docx"})
    );

    let resolved = app
        .post_resolve(
            json!({"shareUrl": DEMO_FOLDER_URL, "select": "id,name", "expand": "children"}),
            Some(&guest.token),
        )
        .await;
    assert_eq!(resolved.status(), 200);
    let item: Value = resolved.json().await.unwrap();
    assert_eq!(item["name"], "Project files");
    assert_eq!(item["children"].as_array().unwrap().len(), 5);
    let call = app.graph_requests_for(&guest).pop().unwrap();
    assert_eq!(
        call.query.as_deref(),
        Some("$select=id,name&$expand=children")
    );
}

#[tokio::test]
async fn every_malformed_option_or_id_is_refused_without_a_graph_call() {
    let app = spawn_app().await;
    let share = u_id(DEMO_SHARE_URL);
    let item = format!("/v1/shares/{share}/driveItem");
    let children = format!("{item}/children");
    let drive = demo_drive_id();
    let drives = format!("/v1/drives/{drive}/items/{DEMO_FOLDER_ID}");
    let long_drive = format!("b!{}", "a".repeat(257));
    let long_item = "A".repeat(129);
    for (path, code, names, why) in [
        (
            format!("{item}?$top=2"),
            "bad_request",
            "$top",
            "$top on an item",
        ),
        (
            format!("{item}?$skiptoken=abc"),
            "bad_request",
            "$skiptoken",
            "$skiptoken on an item",
        ),
        (
            format!("{item}?$orderby=name"),
            "bad_request",
            "$orderby",
            "$orderby on an item",
        ),
        (
            format!("{item}?$filter=name"),
            "bad_request",
            "$filter",
            "an option Graph has but this API does not forward",
        ),
        (
            format!("{item}?select=id"),
            "bad_request",
            "select",
            "an option without its $",
        ),
        (
            format!("{item}?foo=1"),
            "bad_request",
            "foo",
            "any other parameter",
        ),
        (
            format!("{item}?$select="),
            "bad_request",
            "$select",
            "an empty value",
        ),
        (
            format!("{item}?$select"),
            "bad_request",
            "$select",
            "no value",
        ),
        (
            format!("{item}?$select=id%26$expand=children"),
            "bad_request",
            "$select",
            "an escaped &",
        ),
        (
            format!("{item}?$select=id%0A"),
            "bad_request",
            "$select",
            "a control character",
        ),
        (
            format!("{item}?$select=%22id%22"),
            "bad_request",
            "$select",
            "a quote",
        ),
        (
            format!("{item}?$select={}", "a".repeat(1025)),
            "bad_request",
            "$select",
            "over 1,024 characters",
        ),
        (
            format!("{item}?$select=id&$select=name"),
            "bad_request",
            "$select",
            "given twice",
        ),
        (
            format!("{children}?$top=0"),
            "bad_request",
            "$top",
            "$top below 1",
        ),
        (
            format!("{children}?$top=1000"),
            "bad_request",
            "$top",
            "$top above 999",
        ),
        (
            format!("{children}?$top=two"),
            "bad_request",
            "$top",
            "$top not a number",
        ),
        (
            format!("{children}?$expand=%E2%82%AC"),
            "bad_request",
            "$expand",
            "non-ASCII",
        ),
        (
            format!("{drives}?$top=2"),
            "bad_request",
            "$top",
            "$top on a drives item",
        ),
        (
            format!("{drives}/children?$skiptoken=a%25b"),
            "bad_request",
            "$skiptoken",
            "a %",
        ),
        (
            format!("/v1/drives/x/items/{DEMO_FOLDER_ID}"),
            "invalid_share",
            "driveId",
            "no b! prefix",
        ),
        (
            format!("/v1/drives/b!/items/{DEMO_FOLDER_ID}"),
            "invalid_share",
            "driveId",
            "nothing after b!",
        ),
        (
            format!("/v1/drives/b!a%2Fb/items/{DEMO_FOLDER_ID}/children"),
            "invalid_share",
            "driveId",
            "an encoded slash",
        ),
        (
            format!("/v1/drives/b!a%3D/items/{DEMO_FOLDER_ID}"),
            "invalid_share",
            "driveId",
            "padding",
        ),
        (
            format!("/v1/drives/{long_drive}/items/{DEMO_FOLDER_ID}"),
            "invalid_share",
            "driveId",
            "over 256 after b!",
        ),
        (
            format!("/v1/drives/{drive}/items/01A-B"),
            "invalid_share",
            "itemId",
            "a dash",
        ),
        (
            format!("/v1/drives/{drive}/items/01A.B/children"),
            "invalid_share",
            "itemId",
            "a dot",
        ),
        (
            format!("/v1/drives/{drive}/items/{long_item}"),
            "invalid_share",
            "itemId",
            "over 128",
        ),
        (
            format!("/v1/drives/{drive}/items/01%20A"),
            "invalid_share",
            "itemId",
            "a space",
        ),
    ] {
        let guest = Guest::new();

        let response = app.get_path(&path, Some(&guest.token), &[]).await;

        let problem = assert_problem(response, 400, code).await;
        assert!(
            problem["detail"].as_str().unwrap().contains(names),
            "{why}: {problem}"
        );
        assert!(
            app.graph_requests_for(&guest).is_empty(),
            "{why}: no Graph call"
        );
    }

    // The resolve body's options are checked the same way.
    let guest = Guest::new();
    let response = app
        .post_resolve(
            json!({"shareUrl": DEMO_SHARE_URL, "select": "id&x"}),
            Some(&guest.token),
        )
        .await;
    let problem = assert_problem(response, 400, "bad_request").await;
    assert!(problem["detail"].as_str().unwrap().contains("$select"));
    assert!(app.graph_requests_for(&guest).is_empty());

    // A caller problem wins over an option problem.
    let response = app.get_path(&format!("{item}?$top=2"), None, &[]).await;
    assert_problem(response, 401, "missing_token").await;
}
