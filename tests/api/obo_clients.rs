//! `obo` mode serves only the frontends `ALLOWED_CLIENT_APPS` lists: a token
//! for this API that another client app obtained (`azp`), a v1 token, or an
//! app-only token is refused before any call (contract: "Which client apps
//! may call").

use graph_sim::token::ApiTokenBuilder;
use graph_sim::{DEMO_TENANT, SIM_SPA_CLIENT_ID};
use serde_json::json;

use crate::helpers::{
    ApiUser, Reached, SHARE_URL, TestApp, assert_problem, reached, spawn_obo_app,
};

async fn resolve(app: &TestApp, token: &str) -> reqwest::Response {
    app.post_resolve(json!({"shareUrl": SHARE_URL}), Some(token))
        .await
}

/// A third-party app the user consented to.
const OTHER_APP: &str = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

#[tokio::test]
async fn a_token_another_client_app_obtained_is_client_not_allowed_with_no_call() {
    let app = spawn_obo_app().await;
    let user = ApiUser::guest(&app);
    app.graph.clear_requests();
    for (what, token) in [
        (
            "another app",
            user.builder().claim("azp", json!(OTHER_APP)).build(),
        ),
        ("no azp", user.builder().without("azp").build()),
        (
            "azp of another type",
            user.builder()
                .claim("azp", json!([SIM_SPA_CLIENT_ID]))
                .build(),
        ),
        (
            "an unlisted app without the scope either (azp is checked first)",
            user.builder()
                .claim("azp", json!(OTHER_APP))
                .scp("User.Read")
                .build(),
        ),
    ] {
        let r = resolve(&app, &token).await;
        let body = assert_problem(r, 403, "client_not_allowed").await;
        assert!(
            body["graph"].as_array().is_some_and(Vec::is_empty),
            "{what}"
        );
        let r = app.get_drive_path("b!x", "01A", "", Some(&token)).await;
        assert_problem(r, 403, "client_not_allowed").await;
    }
    assert_eq!(
        reached(&app.graph),
        Reached::default(),
        "no call, no exchange"
    );
    // The listed SPA is served.
    assert_eq!(resolve(&app, &user.token).await.status(), 200);
}

#[tokio::test]
async fn the_contracts_order_puts_expiry_before_the_client_and_the_client_before_the_scope() {
    let app = spawn_obo_app().await;
    let user = ApiUser::guest(&app);
    app.graph.clear_requests();
    let expired_elsewhere = user
        .builder()
        .claim("azp", json!(OTHER_APP))
        .expires_in(-600)
        .build();
    assert_problem(
        resolve(&app, &expired_elsewhere).await,
        401,
        "token_expired",
    )
    .await;
    let wrong_audience_elsewhere = user
        .builder()
        .claim("azp", json!(OTHER_APP))
        .aud("api://someone-else")
        .build();
    assert_problem(
        resolve(&app, &wrong_audience_elsewhere).await,
        401,
        "wrong_audience",
    )
    .await;
    let listed_without_scope = user.builder().scp("User.Read").build();
    assert_problem(
        resolve(&app, &listed_without_scope).await,
        403,
        "missing_scope",
    )
    .await;
    assert_eq!(reached(&app.graph), Reached::default());
}

#[tokio::test]
async fn a_v1_token_whose_client_is_in_appid_is_refused_before_any_call() {
    let app = spawn_obo_app().await;
    let user = ApiUser::guest(&app);
    app.graph.clear_requests();
    let v1 = user
        .builder()
        .iss(&format!("https://sts.windows.net/{DEMO_TENANT}/"))
        .without("azp")
        .claim("appid", json!(SIM_SPA_CLIENT_ID))
        .claim("ver", json!("1.0"))
        .build();
    assert_problem(resolve(&app, &v1).await, 401, "invalid_token").await;
    assert_eq!(reached(&app.graph), Reached::default());
}

#[tokio::test]
async fn an_app_only_token_of_a_listed_client_is_missing_scope() {
    let app = spawn_obo_app().await;
    let user = ApiUser::guest(&app);
    app.graph.clear_requests();
    let base = app.graph.login_base_url();
    let app_only = ApiTokenBuilder::guest(&base, DEMO_TENANT, &user.oid)
        .without("scp")
        .claim("idtyp", json!("app"))
        .claim("roles", json!(["Files.Read.All"]))
        .build();
    assert_problem(resolve(&app, &app_only).await, 403, "missing_scope").await;
    // `roles` and no `scp`, no `idtyp`: app-only too.
    let roles_only = ApiTokenBuilder::guest(&base, DEMO_TENANT, &user.oid)
        .without("scp")
        .claim("roles", json!(["access_as_app"]))
        .build();
    assert_problem(resolve(&app, &roles_only).await, 403, "missing_scope").await;
    // `idtyp` app with an `scp` that names the scope: still app-only.
    let app_with_scp = user.builder().claim("idtyp", json!("app")).build();
    assert_problem(resolve(&app, &app_with_scp).await, 403, "missing_scope").await;
    assert_eq!(reached(&app.graph), Reached::default());
}
