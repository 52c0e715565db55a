//! Warm-up strategies and what they may call.

use graph_sim::{Fault, FaultAction, RequestKind, Scenario};
use serde_json::json;
use share_resolver::warmup::WarmupStrategy;

use crate::helpers::{
    Guest, SHARE_URL, SITE_WARMUP_PATH, add_share, header, spawn_app, spawn_app_with,
};

const GROUP: &str = "0a1b2c3d-1111-2222-3333-444455556666";

#[tokio::test]
async fn each_strategy_calls_its_own_path() {
    for (list, expected_path, expected_header) in [
        ("site", SITE_WARMUP_PATH.to_owned(), "site"),
        ("root", "/v1.0/sites/root".to_owned(), "root"),
        (
            &*format!("group:{GROUP}"),
            format!("/v1.0/groups/{GROUP}/drive"),
            "group",
        ),
    ] {
        let strategies = WarmupStrategy::parse_list(list).unwrap();
        let app = spawn_app_with(Scenario::demo(), |s| s.warmup_strategies = strategies).await;
        let guest = Guest::new();

        let r = app.resolve_demo(&guest).await;

        assert_eq!(r.status(), 200, "{list}");
        assert_eq!(header(&r, "x-resolver-warmup"), expected_header);
        assert_eq!(app.graph_paths_for(&guest)[0], expected_path, "{list}");
    }
}

#[tokio::test]
async fn a_site_that_does_not_exist_still_warms_up() {
    // The warm-up's own status does not matter: a 404 hydrates too.
    let app = spawn_app().await;
    let url = "https://contoso.sharepoint.com/:w:/s/NoSuchSite/EaBc?e=1";
    add_share(&app.graph, url, "x.docx");
    let guest = Guest::new();

    let r = app
        .post_resolve(json!({"shareUrl": url}), Some(&guest.token))
        .await;

    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "x-resolver-warmup"), "site");
    assert_eq!(header(&r, "x-resolver-attempts"), "1");
}

#[tokio::test]
async fn a_warm_up_without_an_answer_falls_through_to_the_next_strategy() {
    let app = spawn_app().await;
    app.graph.inject(Fault::warmup(FaultAction::DropConnection));
    let guest = Guest::new();

    let r = app.resolve_demo(&guest).await;

    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "x-resolver-warmup"), "root");
    assert_eq!(
        app.graph_paths_for(&guest)[..2],
        [SITE_WARMUP_PATH.to_owned(), "/v1.0/sites/root".to_owned()]
    );
}

#[tokio::test]
async fn nothing_in_a_sharing_url_reaches_another_graph_path() {
    let app = spawn_app().await;
    let guest = Guest::new();
    let hostile = [
        "https://contoso.sharepoint.com/:w:/s/..%2F..%2Fme/x",
        "https://contoso.sharepoint.com/:w:/s/%2E%2E/x",
        "https://contoso.sharepoint.com/:w:/s/a%2Fb/x",
        "https://contoso.sharepoint.com/:w:/s/a%3Fx%3D1/x",
        "https://contoso.sharepoint.com/:w:/s/a%23b/x",
        "https://contoso.sharepoint.com/:w:/s/a%5Cb/x",
        "https://contoso.sharepoint.com/:w:/r/sites/..%252Fusers/x",
        "https://contoso.sharepoint.com/sites/Marketing%2F..%2F..%2Fusers/x",
        "https://contoso.sharepoint.com/:w:/s/Marketing/../../../users?x=1",
    ];
    for url in hostile {
        let _ = app
            .post_resolve(json!({"shareUrl": url}), Some(&guest.token))
            .await;
    }
    let allowed_warmups = ["/v1.0/sites/root", SITE_WARMUP_PATH];
    for request in app.graph.requests() {
        let ok = allowed_warmups.contains(&request.path.as_str())
            || (request.path.starts_with("/v1.0/shares/u!")
                && request.path.ends_with("/driveItem")
                && request.path.matches('/').count() == 4);
        assert!(ok, "unexpected Graph path {}", request.path);
        assert_ne!(request.kind, RequestKind::Other, "{}", request.path);
        assert!(request.query.is_none(), "{}", request.path);
    }
}

#[tokio::test]
async fn the_legacy_group_trick_is_off_by_default() {
    let app = spawn_app().await;
    let guest = Guest::new();
    let _ = app.resolve_demo(&guest).await;
    assert!(
        app.graph_paths_for(&guest)
            .iter()
            .all(|p| !p.contains("/groups/"))
    );
    let _ = SHARE_URL;
}

#[tokio::test]
async fn a_throttled_or_failed_warm_up_falls_through_to_the_next_strategy() {
    // 429 and 5xx come from Graph's front door: the call never reached
    // SharePoint, so it hydrated nothing (a 403 or 404 would have).
    for status in [429, 503] {
        let app = spawn_app_with(Scenario::demo(), |_| {}).await;
        app.graph.inject(Fault::warmup(FaultAction::Status {
            status,
            retry_after: Some("1".into()),
        }));
        let guest = Guest::new();

        let r = app.resolve_demo(&guest).await;

        assert_eq!(r.status(), 200, "{status}");
        assert_eq!(header(&r, "x-resolver-warmup"), "root", "{status}");
        assert_eq!(header(&r, "x-resolver-attempts"), "1", "{status}");
    }
}
