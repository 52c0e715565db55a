//! `Prefer`: the sharing-link redemptions go to Graph's `/shares` calls;
//! other preferences, and `Prefer` on the `/drives` routes, do not.

use graph_sim::{DEMO_FOLDER_ID, DEMO_FOLDER_URL, DEMO_SHARE_URL, demo_drive_id};

use crate::helpers::{Guest, spawn_app, u_id};

#[tokio::test]
async fn prefer_is_forwarded_on_the_shares_routes_and_dropped_elsewhere() {
    let app = spawn_app().await;
    let item = format!("/v1/shares/{}/driveItem", u_id(DEMO_SHARE_URL));
    let children = format!("/v1/shares/{}/driveItem/children", u_id(DEMO_FOLDER_URL));
    let drives = format!("/v1/drives/{}/items/{DEMO_FOLDER_ID}", demo_drive_id());
    for (path, sent, forwarded, why) in [
        (
            &item,
            "redeemSharingLink",
            Some("redeemSharingLink"),
            "durable access",
        ),
        (
            &item,
            "redeemSharingLinkIfNecessary",
            Some("redeemSharingLinkIfNecessary"),
            "this request only",
        ),
        (
            &children,
            "redeemSharingLink",
            Some("redeemSharingLink"),
            "a folder's children",
        ),
        (
            &item,
            "respond-async, redeemSharingLinkIfNecessary",
            Some("redeemSharingLinkIfNecessary"),
            "others in the list dropped",
        ),
        (&item, "respond-async", None, "another preference"),
        (&item, "odata.maxpagesize=1", None, "a paging preference"),
        (
            &drives,
            "redeemSharingLink",
            None,
            "a /drives route names no sharing link",
        ),
    ] {
        // A cold guest, so the warm-up shows too: it never carries Prefer.
        let guest = Guest::new();

        let response = app
            .get_path(path, Some(&guest.token), &[("prefer", sent)])
            .await;

        assert_eq!(response.status(), 200, "{why}");
        let calls = app.graph_requests_for(&guest);
        assert!(calls.len() >= 2, "{why}: {calls:?}");
        for call in &calls {
            let expected = if call.kind.is_warmup() {
                None
            } else {
                forwarded
            };
            assert_eq!(call.prefer.as_deref(), expected, "{why}: {:?}", call.kind);
        }
        assert!(
            calls.iter().any(|c| !c.kind.is_warmup()),
            "{why}: the call itself"
        );
    }
}
