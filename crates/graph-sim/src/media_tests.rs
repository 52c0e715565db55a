//! Thumbnails and downloads over real HTTP: `$expand=thumbnails` sets on
//! items and children pages, their images and a file's `downloadUrl`
//! served by the simulator with no token, outside faults and round trips.

use serde_json::{Value, json};

use super::test_support::{Sim, body, get, guest, share_path, sim};
use super::*;

/// `GET` an absolute URL with no token.
async fn fetch(sim: &Sim, url: &str) -> reqwest::Response {
    sim.client.get(url).send().await.expect("an answer")
}

fn urls(sets: &Value) -> Vec<String> {
    ["small", "medium", "large"]
        .iter()
        .map(|size| sets[0][size]["url"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn expand_thumbnails_adds_graphs_sets_to_an_item_and_a_children_page() {
    let sim = sim().await;
    let (token, _, _) = guest(&sim, true);
    let path = format!("{}?$expand=thumbnails", share_path(DEMO_SHARE_URL));
    let item = body(get(&sim, &path, &token).await).await;
    let sets = &item["thumbnails"];
    assert_eq!(sets.as_array().map(Vec::len), Some(1));
    assert_eq!(sets[0]["id"], "0");
    assert_eq!(sets[0]["small"]["height"], 96);
    assert_eq!(sets[0]["medium"]["height"], 176);
    assert_eq!(sets[0]["large"]["height"], 800);
    for url in urls(sets) {
        assert!(
            url.starts_with(&format!("{}/_media/thumbnails/", sim.login_base_url())),
            "{url}"
        );
    }
    // Everything else is the stored driveItem, unchanged.
    let mut without = item.clone();
    without.as_object_mut().map(|o| o.remove("thumbnails"));
    assert_eq!(without, Scenario::demo().shares[0].drive_item);

    let selected = body(get(&sim, &format!("{path}&$select=id"), &token).await).await;
    assert_eq!(selected.as_object().map(|o| o.len()), Some(2), "{selected}");
    assert_eq!(selected["thumbnails"], item["thumbnails"]);

    let children = format!(
        "{}/children?$expand=thumbnails&$top=4",
        share_path(DEMO_FOLDER_URL)
    );
    let page = body(get(&sim, &children, &token).await).await;
    let value = page["value"].as_array().cloned().unwrap_or_default();
    assert_eq!(value.len(), 4);
    for child in &value {
        let expected = if child.get("folder").is_some() { 0 } else { 1 };
        assert_eq!(
            child["thumbnails"].as_array().map(Vec::len),
            Some(expected),
            "{child}"
        );
    }
    let next = page["@odata.nextLink"].as_str().unwrap_or_default();
    assert!(next.contains("$expand=thumbnails"), "{next}");

    let by_item = format!(
        "/drives/{}/items/01FILELOGOPNG?$expand=thumbnails",
        demo_drive_id()
    );
    let logo = body(get(&sim, &by_item, &token).await).await;
    assert_eq!(
        logo["thumbnails"][0]["small"]["width"], 96,
        "an image is landscape"
    );
    let plain = body(get(&sim, &share_path(DEMO_SHARE_URL), &token).await).await;
    assert!(plain.get("thumbnails").is_none(), "only when asked for");
}

#[tokio::test]
async fn thumbnail_urls_serve_an_image_with_no_token_outside_faults_and_round_trips() {
    let sim = sim().await;
    let (token, _, _) = guest(&sim, true);
    let path = format!("{}?$expand=thumbnails", share_path(DEMO_SHARE_URL));
    let item = body(get(&sim, &path, &token).await).await;
    sim.clear_requests();
    sim.inject(Fault::any(FaultAction::Status {
        status: 503,
        retry_after: None,
    }));
    for url in urls(&item["thumbnails"]) {
        let image = fetch(&sim, &url).await;
        assert_eq!(image.status(), 200, "{url}");
        assert_eq!(image.headers()["content-type"], "image/svg+xml");
        assert_eq!(image.headers()["access-control-allow-origin"], "*");
        let svg = image.text().await.unwrap_or_default();
        assert!(
            svg.starts_with("<svg") && svg.contains("Launch plan.docx"),
            "{svg}"
        );
    }
    let base = urls(&item["thumbnails"])[0].replace("/small?", "/huge?");
    assert_eq!(fetch(&sim, &base).await.status(), 404);
    let folder = format!(
        "{}/_media/thumbnails/{}/{DEMO_FOLDER_ID}/small",
        sim.login_base_url(),
        demo_drive_id()
    );
    assert_eq!(
        fetch(&sim, &folder).await.status(),
        404,
        "folders have none"
    );

    assert_eq!(sim.calls_of(RequestKind::Thumbnail), 5);
    assert!(sim.round_trips().is_empty(), "no Graph round trip");
    // The fault is still there for the next Graph call.
    assert_eq!(
        get(&sim, &share_path(DEMO_SHARE_URL), &token)
            .await
            .status(),
        503
    );
}

#[tokio::test]
async fn a_download_url_points_at_the_simulator_and_needs_no_token() {
    let sim = sim().await;
    let (token, _, _) = guest(&sim, true);
    let drive = "b!downloads";
    let url = "https://contoso.sharepoint.com/:i:/s/Marketing/EDownloadablePng?e=png";
    for (id, name, mime) in [
        ("01PNG", "Shot.png", "image/png"),
        ("01TXT", "Read me.txt", "text/plain"),
    ] {
        let item = json!({
            "id": id, "name": name, "size": 68, "file": {"mimeType": mime},
            "parentReference": {"driveId": drive, "id": "01ROOT"},
            "@microsoft.graph.downloadUrl": sim_download_url(drive, id),
        });
        if id == "01PNG" {
            sim.add_share(SimShare::new(url, item));
        } else {
            sim.add_item(SimItem::child(drive, "01PNG", item));
        }
    }
    let shot = body(get(&sim, &share_path(url), &token).await).await;
    let download = shot["@microsoft.graph.downloadUrl"]
        .as_str()
        .unwrap_or_default();
    assert_eq!(
        download,
        format!(
            "{}/_media/download/b!downloads/01PNG?tempauth=sim",
            sim.login_base_url()
        )
    );
    let file = fetch(&sim, download).await;
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()["content-type"], "image/png");
    assert_eq!(
        file.headers()["content-disposition"],
        "attachment; filename=\"Shot.png\""
    );
    let bytes = file.bytes().await.unwrap_or_default();
    assert!(bytes.starts_with(b"\x89PNG"));

    let listing = body(
        get(
            &sim,
            &format!("/drives/{drive}/items/01PNG/children"),
            &token,
        )
        .await,
    )
    .await;
    let text_url = listing["value"][0]["@microsoft.graph.downloadUrl"]
        .as_str()
        .unwrap_or_default();
    let text = fetch(&sim, text_url).await;
    assert_eq!(text.headers()["content-type"], "text/plain");
    assert_eq!(
        text.text().await.unwrap_or_default(),
        "Simulated content of Read me.txt\n"
    );

    let unknown = format!("{}/_media/download/{drive}/01NOPE", sim.login_base_url());
    assert_eq!(fetch(&sim, &unknown).await.status(), 404);
    assert_eq!(sim.calls_of(RequestKind::Download), 3);
}
