//! The committed `docs/openapi.json` is exactly what the code generates.
//! After a change to the API, regenerate it with
//! `UPDATE_OPENAPI=1 cargo test --test api openapi` and commit the result.

use std::path::Path;

#[test]
fn the_committed_document_is_what_the_code_generates() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/openapi.json");
    let generated = format!("{}\n", share_resolver::openapi_document());
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).expect("docs/openapi.json written");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/openapi.json is out of date: run UPDATE_OPENAPI=1 cargo test --test api openapi and commit it"
    );
}

#[test]
fn the_document_is_openapi_3_1_with_every_route_and_the_bearer_scheme() {
    let document: serde_json::Value =
        serde_json::from_str(share_resolver::openapi_document()).unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    for path in [
        "/v1/shares/{shareId}/driveItem",
        "/v1/shares/{shareId}/driveItem/children",
        "/v1/drives/{driveId}/items/{itemId}",
        "/v1/drives/{driveId}/items/{itemId}/children",
        "/v1/shares/{shareId}/permission",
        "/v1/shares/{shareId}/driveItem/preview",
        "/v1/drives/{driveId}/items/{itemId}/preview",
        "/v1/resolve",
        "/v1/warmup",
        "/healthz",
        "/openapi.json",
    ] {
        assert!(document["paths"][path].is_object(), "{path} missing");
    }
    assert_eq!(
        document["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let resolve = &document["paths"]["/v1/resolve"]["post"];
    let headers = &resolve["responses"]["200"]["headers"];
    for name in [
        "x-resolver-hydration",
        "x-resolver-warmup",
        "x-resolver-attempts",
        "server-timing",
    ] {
        assert!(headers[name].is_object(), "{name} not documented");
    }
    let params: Vec<&str> = resolve["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert!(params.contains(&"X-SharePoint-Authorization"), "{params:?}");
}
