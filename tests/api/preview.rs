//! Seeing a shared file: the sharing link's permission and Graph's preview
//! action, through the same look-up, warm-up and retries as the driveItem;
//! a preview's options checked before any call; no preview of a personal
//! OneDrive link; a `getUrl`'s access token never logged; thumbnails
//! (`$expand=thumbnails`) and the download URL as Graph sends them.

use std::time::{Duration, SystemTime};

use graph_sim::{
    DEMO_FOLDER_ID, DEMO_SHARE_URL, LinkType, RequestKind, Scenario, SharedLink, SimPermission,
    SimShare, demo_drive_id, shared_with_you_links,
};
use serde_json::{Value, json};

use crate::helpers::{
    ApiUser, Guest, LOGS, SITE_WARMUP_PATH, TestApp, assert_problem, header, reached, spawn_app,
    spawn_app_with, spawn_obo_app, u_id,
};

const EDIT_URL: &str = "https://contoso.sharepoint.com/:x:/s/Marketing/EEditNoDownload0000?e=ed1t";
const VIEWER: &str = "https://contoso.sharepoint.com/_layouts/15/embed.aspx?UniqueId=";

fn share_preview(url: &str) -> String {
    format!("/v1/shares/{}/driveItem/preview", u_id(url))
}

fn permission(url: &str) -> String {
    format!("/v1/shares/{}/permission", u_id(url))
}

/// An edit link that blocks downloads and expires tomorrow.
fn add_edit_link(app: &TestApp) {
    app.graph.add_share(
        SimShare::new(
            EDIT_URL,
            json!({"id": "01EDITNODOWNLOAD", "name": "Plan.xlsx"}),
        )
        .with_permission(SimPermission {
            link_type: LinkType::Edit,
            prevents_download: true,
            expires_at: Some(SystemTime::now() + Duration::from_secs(86_400)),
            ..SimPermission::default()
        }),
    );
}

/// `guest`'s calls, as `(method, path)`.
fn calls(app: &TestApp, guest: &Guest) -> Vec<(String, String)> {
    app.graph_requests_for(guest)
        .into_iter()
        .map(|r| (r.method, r.path))
        .collect()
}

/// The `access_token` a viewer URL carries.
fn access_token(url: &str) -> &str {
    url.split_once("access_token=")
        .map(|(_, rest)| rest.split('&').next().unwrap_or_default())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_cold_guests_preview_warms_up_once_and_returns_graphs_preview_unchanged() {
    // Arrange
    let app = spawn_app().await;
    let guest = Guest::new();
    let route = share_preview(DEMO_SHARE_URL);

    // Act: the office viewer, whose answer carries postUrl and postParameters.
    let first = app
        .post_raw(&route, r#"{"viewer":"office"}"#, Some(&guest.token))
        .await;

    // Assert
    assert_eq!(first.status(), 200);
    assert_eq!(header(&first, "content-type"), "application/json");
    assert_eq!(header(&first, "x-resolver-hydration"), "miss");
    assert_eq!(header(&first, "x-resolver-warmup"), "site");
    assert_eq!(header(&first, "x-resolver-attempts"), "1");
    let preview: Value = first.json().await.unwrap();
    let mut members: Vec<&str> = preview
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    members.sort_unstable();
    assert_eq!(
        members,
        ["getUrl", "postParameters", "postUrl"],
        "{preview}"
    );
    let get_url = preview["getUrl"].as_str().unwrap();
    assert!(get_url.starts_with(VIEWER), "{get_url}");
    let token = access_token(get_url);
    assert!(token.starts_with("simpreview."), "{get_url}");
    assert_eq!(
        preview["postParameters"],
        format!("access_token={token}&access_token_ttl=0")
    );
    let graph_path = format!("/v1.0/shares/{}/driveItem/preview", u_id(DEMO_SHARE_URL));
    assert_eq!(
        calls(&app, &guest),
        [
            ("GET".to_owned(), SITE_WARMUP_PATH.to_owned()),
            ("POST".to_owned(), graph_path.clone()),
        ]
    );

    // The next preview is a hit: one call, no warm-up; no body is `{}`.
    let second = app.post_raw(&route, "", Some(&guest.token)).await;
    assert_eq!(second.status(), 200);
    assert_eq!(header(&second, "x-resolver-hydration"), "hit");
    assert_eq!(header(&second, "x-resolver-warmup"), "skipped");
    let plain: Value = second.json().await.unwrap();
    assert!(plain["getUrl"].as_str().unwrap().starts_with(VIEWER));
    assert!(plain.get("postUrl").is_none(), "no viewer asked: {plain}");
    assert_eq!(calls(&app, &guest).len(), 3);
    assert_eq!(calls(&app, &guest)[2], ("POST".to_owned(), graph_path));
}

#[tokio::test]
async fn a_cold_guests_permission_warms_up_once_and_is_graphs_permission_unchanged() {
    // Arrange
    let app = spawn_app().await;
    add_edit_link(&app);
    let guest = Guest::new();

    // Act
    let first = app
        .get_path(&permission(EDIT_URL), Some(&guest.token), &[])
        .await;

    // Assert
    assert_eq!(first.status(), 200);
    assert_eq!(header(&first, "x-resolver-hydration"), "miss");
    assert_eq!(header(&first, "x-resolver-warmup"), "site");
    assert_eq!(header(&first, "x-resolver-attempts"), "1");
    let ours = first.text().await.unwrap();
    let kinds = app.graph_kinds_for(&guest);
    assert_eq!(
        kinds,
        [RequestKind::WarmupSiteByPath, RequestKind::SharesPermission]
    );
    // What Graph answers the same (now hydrated) guest, byte for byte.
    let graph = app
        .client
        .get(format!(
            "{}/shares/{}/permission",
            app.graph.base_url(),
            u_id(EDIT_URL)
        ))
        .bearer_auth(&guest.token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(ours, graph);
    let permission_json: Value = serde_json::from_str(&ours).unwrap();
    assert_eq!(permission_json["roles"], json!(["write"]));
    assert_eq!(permission_json["link"]["preventsDownload"], true);

    // $select goes to Graph as sent; the second call is a hit.
    let selected = app
        .get_path(
            &format!("{}?$select=link", permission(EDIT_URL)),
            Some(&guest.token),
            &[],
        )
        .await;
    assert_eq!(header(&selected, "x-resolver-hydration"), "hit");
    let selected: Value = selected.json().await.unwrap();
    assert_eq!(selected, json!({"link": permission_json["link"]}));
    let last = app.graph_requests_for(&guest).pop().unwrap();
    assert_eq!(last.query.as_deref(), Some("$select=link"));
}

#[tokio::test]
async fn a_preview_body_or_query_graph_would_not_take_is_bad_request_with_no_graph_call() {
    let app = spawn_app().await;
    let route = share_preview(DEMO_SHARE_URL);
    let item = format!(
        "/v1/drives/{}/items/{DEMO_FOLDER_ID}/preview",
        demo_drive_id()
    );
    for (path, body, why) in [
        (
            &route,
            r#"{"viewer":"onedrive","nb":true}"#,
            "an unknown member",
        ),
        (&route, r#"{"Viewer":"office"}"#, "a member spelt otherwise"),
        (
            &route,
            r#"{"viewer":"word"}"#,
            "a viewer Graph does not have",
        ),
        (&route, r#"{"viewer":"Office"}"#, "a viewer in capitals"),
        (
            &route,
            r#"{"chromeless":"yes"}"#,
            "chromeless not a boolean",
        ),
        (&route, r#"{"allowEdit":null}"#, "allowEdit null"),
        (&route, r#"{"page":true}"#, "page neither string nor number"),
        (&route, r#"{"zoom":"2"}"#, "zoom not a number"),
        (&route, "viewer=office", "not JSON"),
        (&route, "[]", "not an object"),
        (&route, " ", "whitespace only"),
        (&item, r#"{"viewer":"pdf"}"#, "a bad viewer on /drives"),
    ] {
        let guest = Guest::new();

        let response = app.post_raw(path, body, Some(&guest.token)).await;

        let problem = assert_problem(response, 400, "bad_request").await;
        assert!(
            problem["detail"].as_str().unwrap().contains("body"),
            "{why}: {problem}"
        );
        assert_eq!(calls(&app, &guest), [], "{why}: no Graph call");
    }
    let guest = Guest::new();
    let with_query = format!("{route}?$select=getUrl");
    let response = app.post_raw(&with_query, "{}", Some(&guest.token)).await;
    let problem = assert_problem(response, 400, "bad_request").await;
    assert!(problem["detail"].as_str().unwrap().contains("$select"));
    assert_eq!(calls(&app, &guest), []);
}

#[tokio::test]
async fn a_personal_onedrive_preview_is_preview_unsupported_with_no_graph_call() {
    let app = spawn_app().await;
    for url in [
        "https://1drv.ms/w/s!AmKbC0dEfGhIjKlMnOpQrStUv?e=1a2B3c",
        "https://onedrive.live.com/redir?resid=ABCDEF0123456789!123&authkey=!AbC",
    ] {
        let guest = Guest::new();

        let response = app
            .post_raw(&share_preview(url), "{}", Some(&guest.token))
            .await;

        let problem = assert_problem(response, 400, "preview_unsupported").await;
        assert!(
            problem["remediation"].as_str().unwrap().contains("webUrl"),
            "{problem}"
        );
        assert_eq!(problem["graph"], json!([]));
        assert_eq!(calls(&app, &guest), [], "{url}");
    }
    // A caller problem still comes first.
    let response = app
        .post_raw(
            &share_preview("https://1drv.ms/w/s!AmKbC0dEfGhIjKlMnOpQrStUv"),
            "{}",
            None,
        )
        .await;
    assert_problem(response, 401, "missing_token").await;
}

#[tokio::test]
async fn a_cold_guests_preview_inside_a_shared_folder_warms_up_with_root() {
    // A /drives request names no sharing URL: only root applies.
    let app = spawn_app().await;
    let guest = Guest::new();
    let drive = demo_drive_id();

    let response = app
        .post_raw(
            &format!("/v1/drives/{drive}/items/{DEMO_FOLDER_ID}/preview"),
            r#"{"viewer":"onedrive","chromeless":true,"allowEdit":false,"page":"2","zoom":1.5}"#,
            Some(&guest.token),
        )
        .await;

    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "x-resolver-hydration"), "miss");
    assert_eq!(header(&response, "x-resolver-warmup"), "root");
    let preview: Value = response.json().await.unwrap();
    assert!(
        preview["getUrl"]
            .as_str()
            .unwrap()
            .starts_with("https://contoso.sharepoint.com/_layouts/15/embed.aspx?"),
        "{preview}"
    );
    assert_eq!(
        calls(&app, &guest),
        [
            ("GET".to_owned(), "/v1.0/sites/root".to_owned()),
            (
                "POST".to_owned(),
                format!("/v1.0/drives/{drive}/items/{DEMO_FOLDER_ID}/preview")
            ),
        ]
    );
}

#[tokio::test]
async fn a_preview_and_a_permission_work_in_obo_mode_with_one_exchange_each() {
    let app = spawn_obo_app().await;
    add_edit_link(&app);
    let user = ApiUser::guest(&app);
    app.graph.clear_requests();

    let preview = app
        .post_raw(&share_preview(DEMO_SHARE_URL), "{}", Some(&user.token))
        .await;
    let link = app
        .get_path(&permission(EDIT_URL), Some(&user.token), &[])
        .await;

    assert_eq!(preview.status(), 200);
    assert_eq!(header(&preview, "x-resolver-hydration"), "miss");
    let preview: Value = preview.json().await.unwrap();
    assert!(preview["getUrl"].as_str().unwrap().starts_with(VIEWER));
    assert_eq!(link.status(), 200);
    assert_eq!(header(&link, "x-resolver-hydration"), "hit");
    let link: Value = link.json().await.unwrap();
    assert_eq!(link["link"]["type"], "edit");
    let kinds: Vec<RequestKind> = app
        .graph
        .requests()
        .into_iter()
        .filter(|r| r.user.as_deref() == Some(user.key().as_str()) && r.kind.is_graph())
        .map(|r| r.kind)
        .collect();
    assert!(
        kinds.ends_with(&[RequestKind::SharesPreview, RequestKind::SharesPermission]),
        "{kinds:?}"
    );
    // The exchanged Graph token is cached: one exchange for Graph in all.
    assert_eq!(reached(&app.graph).graph_exchanges, 1);
}

#[tokio::test]
async fn a_previews_access_token_never_reaches_a_log_line() {
    let app = spawn_app().await;
    let guest = Guest::new();

    let response = app
        .post_raw(
            &share_preview(DEMO_SHARE_URL),
            r#"{"viewer":"office"}"#,
            Some(&guest.token),
        )
        .await;

    assert_eq!(response.status(), 200);
    let preview: Value = response.json().await.unwrap();
    let token = access_token(preview["getUrl"].as_str().unwrap()).to_owned();
    assert!(token.len() > 20, "{preview}");
    let logs = LOGS.text();
    assert!(
        logs.contains("\"client_request_id\":"),
        "the request was logged"
    );
    assert!(
        !logs.contains(&token),
        "the preview's access token was logged"
    );
    assert!(!logs.contains("simpreview."), "a preview token was logged");
}

#[tokio::test]
async fn a_preview_body_over_16_kib_is_payload_too_large() {
    let app = spawn_app().await;
    let guest = Guest::new();
    let body = format!(r#"{{"page":"{}"}}"#, "1".repeat(17 * 1024));

    let response = app
        .post_raw(&share_preview(DEMO_SHARE_URL), body, Some(&guest.token))
        .await;

    assert_problem(response, 413, "payload_too_large").await;
    assert_eq!(calls(&app, &guest), []);
}

/// What Graph itself answers `guest` (hydrated by then) for `path_and_query`.
async fn graph_answer(app: &TestApp, guest: &Guest, path_and_query: &str) -> String {
    app.client
        .get(format!("{}{path_and_query}", app.graph.base_url()))
        .bearer_auth(&guest.token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// The "shared with you" link named `name`.
fn link(name: &str) -> SharedLink {
    shared_with_you_links()
        .into_iter()
        .find(|l| l.name == name)
        .unwrap_or_else(|| panic!("no link {name}"))
}

/// Asserts Graph's three thumbnail sizes in `item`'s one set.
fn assert_thumbnails(item: &Value) {
    let sets = item["thumbnails"]
        .as_array()
        .unwrap_or_else(|| panic!("{item}"));
    assert_eq!(sets.len(), 1, "{item}");
    for size in ["small", "medium", "large"] {
        let thumbnail = &sets[0][size];
        assert!(
            thumbnail["url"].as_str().is_some_and(|u| !u.is_empty()),
            "{item}"
        );
        assert!(thumbnail["width"].as_u64().is_some_and(|w| w > 0), "{item}");
    }
}

#[tokio::test]
async fn thumbnails_and_the_download_url_reach_the_caller_as_graph_sends_them() {
    // Arrange
    let app = spawn_app_with(Scenario::shared_with_you(), |_| {}).await;
    let guest = Guest::new();
    let file = link("Q3 report.docx");
    let route = format!(
        "/v1/shares/{}/driveItem?$expand=thumbnails",
        u_id(&file.url)
    );

    // Act
    let response = app.get_path(&route, Some(&guest.token), &[]).await;

    // Assert: Graph's body byte for byte, thumbnails and download URL in it.
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "x-resolver-hydration"), "miss");
    let ours = response.text().await.unwrap();
    let graph = graph_answer(&app, &guest, &route.replacen("/v1", "", 1)).await;
    assert_eq!(ours, graph);
    let item: Value = serde_json::from_str(&ours).unwrap();
    assert_thumbnails(&item);
    let download = item["@microsoft.graph.downloadUrl"].as_str().unwrap();
    // The page opens it with no token at all.
    let bytes = app.client.get(download).send().await.unwrap();
    assert_eq!(bytes.status(), 200, "{download}");
    let thumbnail = item["thumbnails"][0]["small"]["url"].as_str().unwrap();
    assert_eq!(
        app.client.get(thumbnail).send().await.unwrap().status(),
        200
    );

    // A link that blocks downloads has no download URL to hand out.
    let blocked = link("Contract.pdf");
    let item: Value = app
        .get_path(
            &format!("/v1/shares/{}/driveItem", u_id(&blocked.url)),
            Some(&guest.token),
            &[],
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(item.get("@microsoft.graph.downloadUrl").is_none(), "{item}");
    assert!(item.get("thumbnails").is_none(), "not asked for: {item}");
}

#[tokio::test]
async fn a_children_page_with_expand_thumbnails_carries_each_files_sets() {
    let app = spawn_app_with(Scenario::shared_with_you(), |_| {}).await;
    let guest = Guest::new();
    let folder = link("Design review");
    assert!(folder.folder);
    let route = format!(
        "/v1/shares/{}/driveItem/children?$expand=thumbnails",
        u_id(&folder.url)
    );

    let response = app.get_path(&route, Some(&guest.token), &[]).await;

    assert_eq!(response.status(), 200);
    let page: Value = response.json().await.unwrap();
    let children = page["value"].as_array().unwrap();
    assert_eq!(children.len(), 5, "{page}");
    for child in children {
        assert_thumbnails(child);
    }
    let graph: Value =
        serde_json::from_str(&graph_answer(&app, &guest, &route.replacen("/v1", "", 1)).await)
            .unwrap();
    assert_eq!(page, graph, "a single page: nothing to rewrite");
}

#[tokio::test]
async fn a_raw_url_that_a_gateway_decoded_reaches_the_permission_and_the_preview() {
    // An HTTP API hands a percent-encoded raw sharing URL over decoded: the
    // URL's own `?` starts the query, the route's tail follows it.
    let app = spawn_app().await;
    add_edit_link(&app);
    let guest = Guest::new();

    let link = app
        .get_path(
            &format!("/v1/shares/{EDIT_URL}/permission?$select=link"),
            Some(&guest.token),
            &[],
        )
        .await;
    let preview = app
        .post_raw(
            &format!("/v1/shares/{DEMO_SHARE_URL}/driveItem/preview"),
            r#"{"viewer":"onedrive"}"#,
            Some(&guest.token),
        )
        .await;
    let unsupported = app
        .post_raw(
            "/v1/shares/https://1drv.ms/w/s!AmKbC0dEfGhIjKlMnOpQrStUv?e=1/driveItem/preview",
            "{}",
            Some(&guest.token),
        )
        .await;
    let bad_body = app
        .post_raw(
            &format!("/v1/shares/{DEMO_SHARE_URL}/driveItem/preview"),
            r#"{"viewer":"word"}"#,
            Some(&guest.token),
        )
        .await;
    let split = app
        .post_raw(
            "/v1/shares/u!ab/cd/driveItem/preview",
            "{}",
            Some(&guest.token),
        )
        .await;

    assert_eq!(link.status(), 200);
    let link: Value = link.json().await.unwrap();
    assert_eq!(link["link"]["type"], "edit", "{link}");
    assert_eq!(preview.status(), 200);
    let preview: Value = preview.json().await.unwrap();
    assert!(preview["getUrl"].as_str().unwrap().starts_with(VIEWER));
    assert_problem(unsupported, 400, "preview_unsupported").await;
    assert_problem(bad_body, 400, "bad_request").await;
    assert_problem(split, 400, "invalid_share").await;
    let paths: Vec<String> = app
        .graph_requests_for(&guest)
        .into_iter()
        .filter(|r| !r.kind.is_warmup())
        .map(|r| r.path)
        .collect();
    assert_eq!(
        paths,
        [
            format!("/v1.0/shares/{}/permission", u_id(EDIT_URL)),
            format!("/v1.0/shares/{}/driveItem/preview", u_id(DEMO_SHARE_URL)),
        ]
    );
}
