//! The link's permission and the preview action over real HTTP: gated by
//! hydration like the driveItem, an expired link gone, preview bodies
//! checked, a `getUrl` on the share's host (or a hostile one on demand).

use std::time::{Duration, SystemTime};

use serde_json::json;

use super::test_support::{
    Sim, admin_post, answers, body, get, guest, post_batch, share_path, sim,
};
use super::*;

/// `POST {path}` with `token` and a raw JSON `body`, if any.
async fn post(sim: &Sim, path: &str, token: &str, body: Option<&str>) -> reqwest::Response {
    let mut request = sim
        .client
        .post(format!("{}{path}", sim.base_url()))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_owned());
    }
    request.send().await.expect("an answer")
}

fn permission_path(url: &str) -> String {
    share_path(url).replace("/driveItem", "/permission")
}

fn preview_path(url: &str) -> String {
    format!("{}/preview", share_path(url))
}

const EDIT_URL: &str = "https://contoso.sharepoint.com/:x:/s/Marketing/EEditLinkNoDownload?e=ed1t";

fn edit_share() -> SimShare {
    SimShare::new(EDIT_URL, json!({"id": "01EDIT", "name": "Edit.xlsx"})).with_permission(
        SimPermission {
            link_type: LinkType::Edit,
            prevents_download: true,
            expires_at: Some(SystemTime::now() + Duration::from_secs(86_400)),
            ..SimPermission::default()
        },
    )
}

#[tokio::test]
async fn a_links_permission_is_gated_by_hydration_like_its_drive_item() {
    let sim = sim().await;
    sim.add_share(edit_share());
    let (token, tid, oid) = guest(&sim, false);

    let cold = get(&sim, &permission_path(EDIT_URL), &token).await;
    assert_eq!(cold.status(), 401);
    assert_eq!(body(cold).await["error"]["code"], "accessDenied");

    sim.hydrate(&tid, &oid);
    let edit = body(get(&sim, &permission_path(EDIT_URL), &token).await).await;
    assert_eq!(edit["roles"], json!(["write"]));
    assert_eq!(edit["link"]["type"], "edit");
    assert_eq!(edit["link"]["scope"], "users");
    assert_eq!(edit["link"]["preventsDownload"], true);
    assert_eq!(edit["link"]["webUrl"], EDIT_URL);
    assert!(
        edit["expirationDateTime"]
            .as_str()
            .is_some_and(|d| d.ends_with('Z'))
    );
    assert_eq!(edit["grantedToIdentitiesV2"][0]["user"]["id"], oid.as_str());

    let by_s_id = format!("/shares/{}/permission", edit_share().s_id());
    assert_eq!(
        body(get(&sim, &by_s_id, &token).await).await["link"],
        edit["link"]
    );
    let view = body(get(&sim, &permission_path(DEMO_SHARE_URL), &token).await).await;
    assert_eq!(view["roles"], json!(["read"]));
    assert_eq!(view["link"]["type"], "view");
    assert_eq!(view["link"]["preventsDownload"], false);
    assert!(view.get("expirationDateTime").is_none());
    let selected = body(
        get(
            &sim,
            &format!("{}?$select=link", permission_path(EDIT_URL)),
            &token,
        )
        .await,
    )
    .await;
    assert_eq!(selected, json!({"link": edit["link"]}));

    let private = get(&sim, &permission_path(DEMO_PRIVATE_SHARE_URL), &token).await;
    assert_eq!(private.status(), 403);
    let gone = get(
        &sim,
        &permission_path("https://contoso.sharepoint.com/:w:/s/x/Nope"),
        &token,
    )
    .await;
    assert_eq!(gone.status(), 404);

    let kinds: Vec<RequestKind> = sim.requests().iter().map(|r| r.kind).collect();
    assert!(
        kinds.iter().all(|k| *k == RequestKind::SharesPermission),
        "{kinds:?}"
    );
}

#[tokio::test]
async fn an_expired_link_answers_404_on_every_route() {
    let sim = sim().await;
    let url = "https://contoso.sharepoint.com/:w:/s/Marketing/EExpiredYesterday?e=old";
    sim.add_share(
        SimShare::new(url, json!({"id": "01OLD", "name": "Old.docx"})).with_permission(
            SimPermission {
                expires_at: Some(SystemTime::now() - Duration::from_secs(86_400)),
                ..SimPermission::default()
            },
        ),
    );
    let (token, _, _) = guest(&sim, true);
    for path in [share_path(url), permission_path(url)] {
        let r = get(&sim, &path, &token).await;
        assert_eq!(r.status(), 404, "{path}");
        assert_eq!(body(r).await["error"]["code"], "itemNotFound");
    }
    assert_eq!(
        post(&sim, &preview_path(url), &token, None).await.status(),
        404
    );
}

#[tokio::test]
async fn a_preview_is_an_embed_url_on_the_shares_host_with_an_access_token() {
    let sim = sim().await;
    let (token, tid, oid) = guest(&sim, false);
    let cold = post(&sim, &preview_path(DEMO_SHARE_URL), &token, Some("{}")).await;
    assert_eq!(cold.status(), 401, "gated like the driveItem");
    sim.hydrate(&tid, &oid);

    let plain = body(post(&sim, &preview_path(DEMO_SHARE_URL), &token, None).await).await;
    let get_url = plain["getUrl"].as_str().unwrap_or_default();
    assert!(
        get_url.starts_with("https://contoso.sharepoint.com/_layouts/15/embed.aspx?UniqueId="),
        "{get_url}"
    );
    assert!(get_url.contains("&access_token=simpreview."), "{get_url}");
    assert!(plain.get("postUrl").is_none());
    let again = body(post(&sim, &preview_path(DEMO_SHARE_URL), &token, None).await).await;
    assert_ne!(again["getUrl"], plain["getUrl"], "a fresh token each time");

    let office = post(
        &sim,
        &preview_path(DEMO_SHARE_URL),
        &token,
        Some(r#"{"viewer":"office","chromeless":true,"allowEdit":false,"page":"2","zoom":1.5}"#),
    )
    .await;
    let office = body(office).await;
    assert!(
        office["postUrl"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://contoso.sharepoint.com/"))
    );
    assert!(
        office["postParameters"]
            .as_str()
            .is_some_and(|p| p.starts_with("access_token="))
    );

    // An item inside the shared folder, by drive and id.
    let item = format!("/drives/{}/items/01FILEBUDGETXLSX/preview", demo_drive_id());
    let by_item = body(post(&sim, &item, &token, Some(r#"{"viewer":null}"#)).await).await;
    assert!(
        by_item["getUrl"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://contoso.sharepoint.com/"))
    );
    let missing = format!("/drives/{}/items/01NOSUCHITEM/preview", demo_drive_id());
    assert_eq!(post(&sim, &missing, &token, None).await.status(), 404);

    // Actions are POSTs, reads are GETs.
    assert_eq!(
        get(&sim, &preview_path(DEMO_SHARE_URL), &token)
            .await
            .status(),
        405
    );
    assert_eq!(
        post(&sim, &share_path(DEMO_SHARE_URL), &token, None)
            .await
            .status(),
        405
    );
    let kinds: Vec<RequestKind> = sim.requests().iter().map(|r| r.kind).collect();
    assert_eq!(sim.calls_of(RequestKind::DriveItemPreview), 2, "{kinds:?}");
}

#[tokio::test]
async fn a_bad_preview_body_is_graphs_400_even_for_a_cold_guest() {
    let sim = sim().await;
    let (token, _, _) = guest(&sim, false);
    let item = format!("/drives/{}/items/01FILEBUDGETXLSX/preview", demo_drive_id());
    for (path, bad) in [
        (preview_path(DEMO_SHARE_URL), r#"{"viewer":"word"}"#),
        (
            preview_path(DEMO_SHARE_URL),
            r#"{"zoom":1,"allowDownload":true}"#,
        ),
        (preview_path(DEMO_SHARE_URL), "not json"),
        (item.clone(), r#"{"chromeless":"no"}"#),
        (item, r#"{"page":[1]}"#),
    ] {
        let r = post(&sim, &path, &token, Some(bad)).await;
        assert_eq!(r.status(), 400, "{bad}");
        assert_eq!(body(r).await["error"]["code"], "invalidRequest", "{bad}");
    }
}

#[tokio::test]
async fn a_hostile_scenario_points_every_preview_at_another_host() {
    let sim = sim().await;
    let (token, tid, oid) = guest(&sim, true);
    sim.set_preview_origin(Some("https://attacker.example"));
    let hostile = body(post(&sim, &preview_path(DEMO_SHARE_URL), &token, None).await).await;
    assert!(
        hostile["getUrl"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://attacker.example/"))
    );

    let (status, _) = admin_post(&sim, "preview", json!({"getUrlOrigin": null})).await;
    assert_eq!(status, 200);
    let honest = body(post(&sim, &preview_path(DEMO_SHARE_URL), &token, None).await).await;
    assert!(
        honest["getUrl"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://contoso.sharepoint.com/"))
    );

    let (status, _) = admin_post(
        &sim,
        "preview",
        json!({"getUrlOrigin": "https://evil.example"}),
    )
    .await;
    assert_eq!(status, 200);
    let hostile = body(post(&sim, &preview_path(DEMO_SHARE_URL), &token, None).await).await;
    assert!(
        hostile["getUrl"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://evil.example/"))
    );
    let (status, _) = admin_post(&sim, "reset", json!({})).await;
    assert_eq!(status, 200);
    sim.hydrate(&tid, &oid);
    let honest = body(post(&sim, &preview_path(DEMO_SHARE_URL), &token, None).await).await;
    assert!(
        honest["getUrl"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://contoso.sharepoint.com/"))
    );

    let scenario = Scenario {
        preview_origin: Some("https://attacker.example".into()),
        ..Scenario::demo()
    };
    let hostile_sim = super::test_support::start(scenario).await;
    let (token, _, _) = guest(&hostile_sim, true);
    let hostile = body(post(&hostile_sim, &preview_path(DEMO_SHARE_URL), &token, None).await).await;
    assert!(
        hostile["getUrl"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://attacker.example/"))
    );
}

#[tokio::test]
async fn admin_shares_take_a_permission_and_previews_run_inside_a_batch() {
    let sim = sim().await;
    let (token, _, _) = guest(&sim, true);
    let live = "https://contoso.sharepoint.com/:w:/s/Marketing/EAdminLive?e=1";
    let expired = "https://contoso.sharepoint.com/:w:/s/Marketing/EAdminExpired?e=2";
    for (url, expires_in) in [(live, 3600), (expired, -60)] {
        let (status, _) = admin_post(
            &sim,
            "shares",
            json!({"url": url, "driveItem": {"id": "01ADMIN", "name": "A.docx"},
                   "permission": {"type": "edit", "preventsDownload": true, "expiresIn": expires_in}}),
        )
        .await;
        assert_eq!(status, 200);
    }
    let (status, _) = admin_post(
        &sim,
        "shares",
        json!({"url": live, "driveItem": {}, "permission": {"type": "owner"}}),
    )
    .await;
    assert_eq!(status, 400, "an unknown link type");

    let requests = json!([
        {"id": "perm", "method": "GET", "url": permission_path(live)},
        {"id": "gone", "method": "GET", "url": permission_path(expired)},
        {"id": "view", "method": "POST", "url": preview_path(DEMO_SHARE_URL),
         "headers": {"Content-Type": "application/json"}, "body": {"viewer": "onedrive"}},
        {"id": "bad", "method": "POST", "url": preview_path(DEMO_SHARE_URL),
         "headers": {"Content-Type": "application/json"}, "body": {"viewer": "word"}},
    ]);
    let (by_id, _) = answers(post_batch(&sim, Some(&token), requests).await).await;
    assert_eq!(by_id["perm"]["status"], 200);
    assert_eq!(by_id["perm"]["body"]["link"]["type"], "edit");
    assert_eq!(by_id["perm"]["body"]["link"]["preventsDownload"], true);
    assert_eq!(by_id["gone"]["status"], 404);
    assert_eq!(by_id["view"]["status"], 200);
    assert!(
        by_id["view"]["body"]["getUrl"]
            .as_str()
            .is_some_and(|u| u.contains("access_token="))
    );
    assert_eq!(by_id["bad"]["status"], 400);
    assert_eq!(sim.calls_of(RequestKind::SharesPreview), 2);
}
