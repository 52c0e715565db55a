//! Shared folders: a folder's children paged through the service, and a
//! guest browsing inside it (`/drives/…`) with the same hydration handling.

use std::collections::HashSet;

use graph_sim::{DEMO_FOLDER_ID, DEMO_FOLDER_URL, RequestKind, Scenario, demo_drive_id};
use serde_json::Value;
use share_resolver::warmup::WarmupStrategy;

use crate::helpers::{Guest, add_folder, header, spawn_app, spawn_app_with, u_id};

const FOLDER_URL: &str = "https://contoso.sharepoint.com/:f:/s/Marketing/EPagedFolder0000?e=p4g3d";
const SPECS_ID: &str = "01FOLDERSPECS000000000000000000000";

#[tokio::test]
async fn a_five_child_folder_is_paged_two_by_two_through_the_service() {
    // Arrange
    let app = spawn_app().await;
    let (_, _, children) = add_folder(&app.graph, FOLDER_URL, 5);
    let guest = Guest::new();
    let route = format!(
        "{}/v1/shares/{}/driveItem/children",
        app.address,
        u_id(FOLDER_URL)
    );

    // Act: follow every next link, as a Graph client's page iterator does.
    let mut url = format!("{route}?$top=2");
    let mut pages: Vec<Value> = Vec::new();
    loop {
        let response = app
            .client
            .get(&url)
            .bearer_auth(&guest.token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{url}");
        let page: Value = response.json().await.unwrap();
        pages.push(page.clone());
        match page["@odata.nextLink"].as_str() {
            Some(next) => url = next.to_owned(),
            None => break,
        }
    }

    // Assert
    assert_eq!(pages.len(), 3, "{pages:?}");
    let ids: Vec<&str> = pages
        .iter()
        .flat_map(|p| p["value"].as_array().unwrap())
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, children, "every child once, in Graph's order");
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 5);
    for page in &pages[..2] {
        let next = page["@odata.nextLink"].as_str().unwrap();
        assert!(
            next.starts_with(&format!("{route}?$top=2&$skiptoken=")),
            "{next}"
        );
    }
    // Graph saw the first page's options, then each page's $skiptoken.
    let queries: Vec<String> = app
        .graph_requests_for(&guest)
        .into_iter()
        .filter(|r| r.kind == RequestKind::SharesChildren)
        .map(|r| r.query.unwrap_or_default())
        .collect();
    assert_eq!(queries.len(), 3, "{queries:?}");
    assert_eq!(queries[0], "$top=2");
    for query in &queries[1..] {
        assert!(query.starts_with("$top=2&$skiptoken="), "{query}");
    }
}

#[tokio::test]
async fn a_children_page_is_graphs_but_for_the_next_link() {
    let app = spawn_app().await;
    add_folder(&app.graph, FOLDER_URL, 3);
    let guest = Guest::new();
    app.graph.hydrate(&guest.tid, &guest.oid);

    let ours: Value = app
        .get_children(&u_id(FOLDER_URL), "?$top=2", Some(&guest.token))
        .await
        .json()
        .await
        .unwrap();
    let graph: Value = app
        .client
        .get(format!(
            "{}/shares/{}/driveItem/children?$top=2",
            app.graph.base_url(),
            u_id(FOLDER_URL)
        ))
        .bearer_auth(&guest.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    let graph_link = graph["@odata.nextLink"].as_str().unwrap();
    let our_link = ours["@odata.nextLink"].as_str().unwrap();
    assert!(
        graph_link.starts_with(&app.graph.base_url()),
        "{graph_link}"
    );
    assert_eq!(
        our_link.split_once("$skiptoken=").unwrap().1,
        graph_link.split_once("$skiptoken=").unwrap().1,
        "Graph's $skiptoken, carried"
    );
    let mut expected = graph.clone();
    expected["@odata.nextLink"] = Value::String(our_link.to_owned());
    assert_eq!(ours, expected);
}

#[tokio::test]
async fn a_cold_guest_browsing_drives_warms_up_once_and_the_next_drives_call_is_a_hit() {
    // Arrange: the default strategies (sharepoint, site, root); a /drives
    // request names no sharing URL, so only root applies.
    let app = spawn_app().await;
    let guest = Guest::new();
    let drive = demo_drive_id();

    // Act
    let first = app
        .get_drive_path(&drive, DEMO_FOLDER_ID, "/children", Some(&guest.token))
        .await;

    // Assert
    assert_eq!(first.status(), 200);
    assert_eq!(header(&first, "x-resolver-hydration"), "miss");
    assert_eq!(header(&first, "x-resolver-warmup"), "root");
    assert_eq!(header(&first, "x-resolver-attempts"), "1");
    let page: Value = first.json().await.unwrap();
    assert_eq!(page["value"].as_array().unwrap().len(), 5);
    assert_eq!(
        app.graph_kinds_for(&guest),
        [RequestKind::WarmupRoot, RequestKind::DriveItemChildren]
    );

    // Act again: a sub-folder.
    let second = app
        .get_drive_path(&drive, SPECS_ID, "", Some(&guest.token))
        .await;
    assert_eq!(second.status(), 200);
    assert_eq!(header(&second, "x-resolver-hydration"), "hit");
    assert_eq!(header(&second, "x-resolver-warmup"), "skipped");
    let item: Value = second.json().await.unwrap();
    assert_eq!(item["name"], "Specs");
    assert_eq!(
        app.graph_kinds_for(&guest),
        [
            RequestKind::WarmupRoot,
            RequestKind::DriveItemChildren,
            RequestKind::DriveItem
        ],
        "a hit costs one Graph call, no warm-up"
    );
}

#[tokio::test]
async fn drives_warm_ups_use_only_the_strategies_that_need_no_sharing_url() {
    let group = "0a1b2c3d-1111-2222-3333-444455556666";
    let app = spawn_app_with(Scenario::demo(), |s| {
        s.warmup_strategies = WarmupStrategy::parse_list(&format!("site,group:{group}")).unwrap();
    })
    .await;
    let guest = Guest::new();

    let response = app
        .get_drive_path(&demo_drive_id(), DEMO_FOLDER_ID, "", Some(&guest.token))
        .await;

    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "x-resolver-warmup"), "group");
    assert_eq!(
        app.graph_kinds_for(&guest),
        [RequestKind::WarmupGroupDrive, RequestKind::DriveItem],
        "site is passed over: no sharing URL"
    );
}

#[tokio::test]
async fn a_shared_folder_link_lists_its_children_after_warming_up_at_its_site() {
    let app = spawn_app().await;
    let guest = Guest::new();

    let response = app
        .get_children(&u_id(DEMO_FOLDER_URL), "", Some(&guest.token))
        .await;

    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "x-resolver-warmup"), "site");
    let page: Value = response.json().await.unwrap();
    let names: Vec<&str> = page["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Specs", "Designs", "Budget.xlsx", "Notes.txt", "Logo.png"]
    );
    assert!(page.get("@odata.nextLink").is_none());
    // Recorded: browsing inside the folder is a hit.
    let inside = app
        .get_drive_path(&demo_drive_id(), SPECS_ID, "/children", Some(&guest.token))
        .await;
    assert_eq!(header(&inside, "x-resolver-hydration"), "hit");
}

#[tokio::test]
async fn a_raw_folder_url_that_a_gateway_decoded_lists_its_children_and_pages_by_u_id() {
    // An HTTP API hands `/v1/shares/https%3A%2F%2F…%3Fe%3Dx/driveItem/children?$top=2`
    // over decoded: the URL's own `?` starts the query, the options follow.
    let app = spawn_app().await;
    let (_, _, children) = add_folder(&app.graph, FOLDER_URL, 3);
    let guest = Guest::new();

    let first = app
        .get_path(
            &format!("/v1/shares/{FOLDER_URL}/driveItem/children?$top=2"),
            Some(&guest.token),
            &[],
        )
        .await;

    assert_eq!(first.status(), 200);
    let page: Value = first.json().await.unwrap();
    assert_eq!(page["value"].as_array().unwrap().len(), 2);
    let next = page["@odata.nextLink"].as_str().unwrap();
    let route = format!(
        "{}/v1/shares/{}/driveItem/children",
        app.address,
        u_id(FOLDER_URL)
    );
    assert!(
        next.starts_with(&format!("{route}?$top=2&$skiptoken=")),
        "{next}"
    );
    let last: Value = app
        .client
        .get(next)
        .bearer_auth(&guest.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(last["value"][0]["id"], children[2].as_str());
    assert!(last.get("@odata.nextLink").is_none());

    // A share id with a `/` in it is not one.
    let split = app
        .get_path(
            "/v1/shares/u!ab/cd/driveItem/children",
            Some(&guest.token),
            &[],
        )
        .await;
    crate::helpers::assert_problem(split, 400, "invalid_share").await;
}
