//! The "shared with you" data set over real HTTP: each link answers the
//! demo guest as listed, with thumbnails, permissions and downloads, one
//! at a time or as the two batches of 20 a page sends.

use serde_json::{Value, json};

use super::test_support::{admin_post, body, get, share_path, start};
use super::test_support::{answers, get_request, post_batch};
use super::*;

fn permission_path(url: &str) -> String {
    share_path(url).replace("/driveItem", "/permission")
}

#[tokio::test]
async fn every_link_answers_the_demo_guest_as_listed() {
    let sim = start(Scenario::shared_with_you()).await;
    let token = demo_guest_token();
    let links = shared_with_you_links();
    let cold = get(&sim, &share_path(&links[0].url), &token).await;
    assert_eq!(cold.status(), 401, "the guest starts cold");
    sim.hydrate(DEMO_TENANT, DEMO_GUEST_OID);

    for link in &links {
        let path = format!("{}?$expand=thumbnails", share_path(&link.url));
        let r = get(&sim, &path, &token).await;
        assert_eq!(r.status(), link.status, "{}", link.name);
        if link.status != 200 {
            continue;
        }
        let item = body(r).await;
        assert_eq!(item["name"], link.name.as_str());
        let permission = body(get(&sim, &permission_path(&link.url), &token).await).await;
        let blocks = link.what.contains("blocks downloads");
        assert_eq!(
            permission["link"]["preventsDownload"], blocks,
            "{}",
            link.name
        );
        assert_eq!(
            permission["link"]["type"],
            if link.what.starts_with("edit") {
                "edit"
            } else {
                "view"
            },
            "{}",
            link.name
        );
        assert_eq!(
            permission.get("expirationDateTime").is_some(),
            link.what.contains("expires in"),
            "{}",
            link.name
        );
        if link.folder {
            let children = format!("{}/children?$expand=thumbnails", share_path(&link.url));
            let page = body(get(&sim, &children, &token).await).await;
            let files = page["value"].as_array().cloned().unwrap_or_default();
            assert_eq!(files.len(), 5);
            assert!(
                files
                    .iter()
                    .all(|f| f["thumbnails"][0]["small"]["url"].is_string())
            );
            continue;
        }
        let thumbnail = item["thumbnails"][0]["medium"]["url"]
            .as_str()
            .unwrap_or_default();
        let image = sim.client.get(thumbnail).send().await.expect("an answer");
        assert_eq!(image.status(), 200, "{thumbnail}");
        let download = item
            .get("@microsoft.graph.downloadUrl")
            .and_then(Value::as_str);
        assert_eq!(download.is_none(), blocks, "{}", link.name);
        if let Some(download) = download {
            let file = sim.client.get(download).send().await.expect("an answer");
            assert_eq!(file.status(), 200, "{download}");
        }
    }
}

#[tokio::test]
async fn a_page_loads_the_twenty_items_and_their_permissions_in_two_batches() {
    let sim = start(Scenario::shared_with_you()).await;
    sim.hydrate(DEMO_TENANT, DEMO_GUEST_OID);
    let token = demo_guest_token();
    let links = shared_with_you_links();
    let items: Vec<Value> = links
        .iter()
        .enumerate()
        .map(|(i, l)| {
            get_request(
                &format!("item{i}"),
                &format!("{}?$expand=thumbnails", share_path(&l.url)),
            )
        })
        .collect();
    let permissions: Vec<Value> = links
        .iter()
        .enumerate()
        .map(|(i, l)| get_request(&format!("perm{i}"), &permission_path(&l.url)))
        .collect();
    let (items, _) = answers(post_batch(&sim, Some(&token), json!(items)).await).await;
    let (permissions, _) = answers(post_batch(&sim, Some(&token), json!(permissions)).await).await;
    for (i, link) in links.iter().enumerate() {
        assert_eq!(
            items[&format!("item{i}")]["status"],
            link.status,
            "{}",
            link.name
        );
        assert_eq!(
            permissions[&format!("perm{i}")]["status"],
            link.status,
            "{}",
            link.name
        );
    }
    assert_eq!(sim.batch_round_trips(), 2);
    assert_eq!(sim.calls_of(RequestKind::Shares), 20);
    assert_eq!(sim.calls_of(RequestKind::SharesPermission), 20);
}

#[tokio::test]
async fn the_admin_route_adds_the_page_to_a_running_simulator() {
    let sim = start(Scenario::demo()).await;
    let (status, answer) = admin_post(&sim, "shared-with-you", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(answer["tid"], DEMO_TENANT);
    assert_eq!(answer["oid"], DEMO_GUEST_OID);
    let listed: Vec<String> = answer["links"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|l| l["url"].as_str().unwrap_or_default().to_owned())
        .collect();
    let expected: Vec<String> = shared_with_you_links().into_iter().map(|l| l.url).collect();
    assert_eq!(listed, expected);
    assert_eq!(answer["links"][0]["status"], 200);
    assert!(answer["links"][0]["what"].is_string());

    sim.hydrate(DEMO_TENANT, DEMO_GUEST_OID);
    let token = demo_guest_token();
    let in_process = sim.add_shared_with_you();
    for link in &in_process {
        assert_eq!(
            get(&sim, &share_path(&link.url), &token).await.status(),
            link.status
        );
    }
}
