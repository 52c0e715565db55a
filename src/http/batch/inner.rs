//! One request inside a batch, parsed into what it reads: its URL matched
//! against the single routes' templates, its path segments, query and
//! `Prefer` read by the same functions as those routes' extractors, so it
//! gets exactly their answer (or their problem, without a Graph call).

use std::sync::LazyLock;

use http::{Method, Uri};
use percent_encoding::percent_decode_str;
use serde_json::Value;

use super::super::error::ApiError;
use super::super::extract::{ClientRequestId, SharePath};
use super::super::routes::read;
use super::body::BatchRequestItem;
use crate::drive_item::{ItemRef, ItemRefError};
use crate::prefer::Redeem;
use crate::preview::PreviewBody;
use crate::resolver::{Resource, Target};
use crate::scope::Scope;
use crate::share_id::{HostAllowList, ShareId, ShareIdError};

/// What a route reads: a share or an item, and what of it (a preview's
/// options come from the request's `body`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    Share(Of),
    Item(Of),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Of {
    Item,
    Children,
    Permission,
    Preview,
}

/// The single routes that reach Graph (below `/v1`): their method, their
/// template in `api.rs`, as axum matches it (a test checks the two lists
/// agree), and what they read.
const TABLE: [(&str, &str, Route); 7] = [
    ("GET", "/shares/{shareId}/driveItem", Route::Share(Of::Item)),
    (
        "GET",
        "/shares/{shareId}/driveItem/children",
        Route::Share(Of::Children),
    ),
    (
        "GET",
        "/shares/{shareId}/permission",
        Route::Share(Of::Permission),
    ),
    (
        "POST",
        "/shares/{shareId}/driveItem/preview",
        Route::Share(Of::Preview),
    ),
    (
        "GET",
        "/drives/{driveId}/items/{itemId}",
        Route::Item(Of::Item),
    ),
    (
        "GET",
        "/drives/{driveId}/items/{itemId}/children",
        Route::Item(Of::Children),
    ),
    (
        "POST",
        "/drives/{driveId}/items/{itemId}/preview",
        Route::Item(Of::Preview),
    ),
];

/// `(method, template)` of each route a batch may hold.
#[cfg(test)]
pub(crate) fn routes() -> impl Iterator<Item = (&'static str, &'static str)> {
    TABLE
        .iter()
        .map(|(method, template, _)| (*method, *template))
}

static ROUTER: LazyLock<matchit::Router<(Method, Route)>> = LazyLock::new(|| {
    let mut router = matchit::Router::new();
    for (method, template, route) in TABLE {
        let method = Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET);
        // The templates are constants: a conflict would fail every test.
        let _ = router.insert(template, (method, route));
    }
    router
});

/// What an inner request reads, or its problem.
pub(crate) fn target_of(
    item: &BatchRequestItem,
    hosts: &HostAllowList,
) -> Result<Target, ApiError> {
    let (path, query) = locate(&item.url);
    let method = Method::from_bytes(item.method.to_ascii_uppercase().as_bytes())
        .map_err(|_| ApiError::MethodNotAllowed)?;
    let Ok(matched) = ROUTER.at(&path) else {
        return unmatched(&method, &path, query.as_deref(), item, hosts);
    };
    let (allowed, route) = matched.value;
    if method != *allowed {
        return Err(ApiError::MethodNotAllowed);
    }
    let (redeem, client_request_id) = headers_of(item)?;
    let param = |name: &str| -> Option<String> {
        let raw = matched.params.get(name)?;
        percent_decode_str(raw)
            .decode_utf8()
            .ok()
            .map(|s| s.into_owned())
    };
    // In the single routes' order: the path, the body, then the query.
    let (resource, of) = match *route {
        Route::Share(of) => {
            let id = param("shareId").ok_or(ShareIdError::Unrecognised)?;
            (Resource::Share(ShareId::parse(&id, hosts)?), of)
        }
        Route::Item(of) => {
            let drive = param("driveId").ok_or(ItemRefError::DriveId)?;
            let item = param("itemId").ok_or(ItemRefError::ItemId)?;
            (Resource::Item(ItemRef::parse(&drive, &item)?), of)
        }
    };
    let scope = match of {
        Of::Item => Scope::Item,
        Of::Children => Scope::Children,
        Of::Permission => Scope::Permission,
        Of::Preview => Scope::Preview(preview_of(item)?),
    };
    let redeem = redeem.filter(|_| matches!(resource, Resource::Share(_)));
    Ok(read(resource, scope, query.as_deref(), redeem)?.with_client_request_id(client_request_id))
}

/// A preview request's options: its `body`, read as the preview routes
/// read theirs (none, or `null`, is none).
fn preview_of(item: &BatchRequestItem) -> Result<PreviewBody, ApiError> {
    match &item.body {
        None | Some(Value::Null) => Ok(PreviewBody::default()),
        Some(body) => {
            PreviewBody::from_json(body.clone()).map_err(|e| ApiError::BadRequest(e.to_string()))
        }
    }
}

/// A path no template matched: for a `GET`, the forms the single routes'
/// fallback reads (a raw sharing URL left unencoded across segments);
/// anything else is `not_found`, as it is on its own.
fn unmatched(
    method: &Method,
    path: &str,
    query: Option<&str>,
    item: &BatchRequestItem,
    hosts: &HostAllowList,
) -> Result<Target, ApiError> {
    let not_found = || ApiError::RouteNotFound(format!("/v1{path}"));
    if *method != Method::GET {
        return Err(not_found());
    }
    let full = match query {
        Some(query) => format!("/v1{path}?{query}"),
        None => format!("/v1{path}"),
    };
    let Ok(uri) = full.parse::<Uri>() else {
        return Err(not_found());
    };
    if let Some(share) = SharePath::of_unmatched(&uri, hosts) {
        let (redeem, client_request_id) = headers_of(item)?;
        let SharePath(id) = share?;
        let target = read(Resource::Share(id), Scope::Item, None, redeem)?;
        return Ok(target.with_client_request_id(client_request_id));
    }
    if let Some(listing) = SharePath::of_unmatched_below(&uri, hosts, "/driveItem/children") {
        let (redeem, client_request_id) = headers_of(item)?;
        let (SharePath(id), options) = listing?;
        let target = read(
            Resource::Share(id),
            Scope::Children,
            options.as_deref(),
            redeem,
        )?;
        return Ok(target.with_client_request_id(client_request_id));
    }
    Err(not_found())
}

/// The route's path below `/v1` (still percent-encoded) and its query: a
/// URL relative to `/v1` (with or without its `/`), under `/v1/`, or a full
/// URL (its path, where `/v1/` may follow one stage segment).
fn locate(url: &str) -> (String, Option<String>) {
    let absolute = url::Url::parse(url).ok().filter(|u| u.has_host());
    let (path, query) = match &absolute {
        Some(u) => (u.path().to_owned(), u.query().map(str::to_owned)),
        None => {
            let url = url.split('#').next().unwrap_or_default();
            match url.split_once('?') {
                Some((path, query)) => (path.to_owned(), Some(query.to_owned())),
                None => (url.to_owned(), None),
            }
        }
    };
    let path = if path.starts_with('/') {
        path
    } else {
        format!("/{path}")
    };
    let below_v1 = path.strip_prefix("/v1/").map(str::to_owned).or_else(|| {
        // `https://…/{stage}/v1/…`: an API Gateway stage before the version.
        let (_, rest) = path.strip_prefix('/')?.split_once('/')?;
        let rest = rest.strip_prefix("v1/")?;
        absolute.is_some().then(|| rest.to_owned())
    });
    let path = match below_v1 {
        Some(rest) => format!("/{rest}"),
        None => path,
    };
    (path, query.filter(|q| !q.is_empty()))
}

/// The request's `Prefer` (its redemption) and `client-request-id`; any
/// other header but `Content-Type` is its `bad_request`, naming it.
fn headers_of(item: &BatchRequestItem) -> Result<(Option<Redeem>, Option<String>), ApiError> {
    let mut prefer = Vec::new();
    let mut client_request_id = None;
    for (name, value) in item.headers.iter().flatten() {
        let Value::String(value) = value else {
            return Err(ApiError::BadRequest(format!(
                "the header {name} of request {} must be a string",
                item.id
            )));
        };
        match name.to_ascii_lowercase().as_str() {
            "prefer" => prefer.push(value.as_str()),
            "client-request-id" => client_request_id = ClientRequestId::checked(Some(value)),
            "content-type" => {}
            _ => {
                return Err(ApiError::BadRequest(format!(
                    "the header {name} is not accepted in a batch request: only Prefer, Content-Type and client-request-id"
                )));
            }
        }
    }
    Ok((Redeem::from_prefer(prefer), client_request_id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem_code::ProblemCode;

    const SHARE: &str = "u!aHR0cHM6Ly9jb250b3NvLnNoYXJlcG9pbnQuY29tLzp3Oi9zL01hcmtldGluZy9FYUJj";

    fn item(method: &str, url: &str, headers: Value) -> BatchRequestItem {
        BatchRequestItem {
            id: "1".into(),
            method: method.into(),
            url: url.into(),
            headers: headers.as_object().cloned(),
            body: None,
            depends_on: None,
        }
    }

    fn hosts() -> HostAllowList {
        HostAllowList::parse("*.sharepoint.com").unwrap()
    }

    fn code(result: Result<Target, ApiError>) -> ProblemCode {
        super::super::super::problem::Problem::code_of(&result.expect_err("a problem"))
    }

    #[test]
    fn a_url_is_read_relative_to_v1_under_v1_or_in_full() {
        let path = format!("/shares/{SHARE}/driveItem");
        for url in [
            format!("/shares/{SHARE}/driveItem?$select=id"),
            format!("shares/{SHARE}/driveItem?$select=id"),
            format!("/v1/shares/{SHARE}/driveItem?$select=id"),
            format!("https://api.example.com/v1/shares/{SHARE}/driveItem?$select=id"),
            format!(
                "https://x.execute-api.eu-west-1.amazonaws.com/prod/v1/shares/{SHARE}/driveItem?$select=id#top"
            ),
        ] {
            assert_eq!(
                locate(&url),
                (path.clone(), Some("$select=id".to_owned())),
                "{url}"
            );
        }
        assert_eq!(
            locate("/prod/v1/shares/x/driveItem").0,
            "/prod/v1/shares/x/driveItem",
            "a stage only in a full URL"
        );
        assert_eq!(locate("/shares/x/driveItem?").1, None);
    }

    #[test]
    fn each_route_reads_its_target_like_the_single_route() {
        let target = target_of(
            &item(
                "get",
                &format!("/shares/{SHARE}/driveItem/children?$top=2"),
                serde_json::json!({"PREFER": "redeemSharingLink", "Client-Request-Id": " mine ", "content-type": "application/json"}),
            ),
            &hosts(),
        )
        .expect("a target");
        assert_eq!(*target.scope(), Scope::Children);
        assert_eq!(
            target.graph_request().path.as_str(),
            format!("/shares/{SHARE}/driveItem/children?$top=2")
        );
        assert_eq!(target.prefer(), Some(Redeem::Always));
        assert_eq!(target.client_request_id(), Some("mine"));

        let target = target_of(
            &item("GET", "/drives/b!abc/items/01ABC/children", Value::Null),
            &hosts(),
        )
        .unwrap();
        assert_eq!(
            target.graph_request().path.as_str(),
            "/drives/b!abc/items/01ABC/children"
        );
        let raw = "https%3A%2F%2Fcontoso.sharepoint.com%2F%3Aw%3A%2Fs%2FMarketing%2FEaBc";
        let target = target_of(
            &item("GET", &format!("/shares/{raw}/driveItem"), Value::Null),
            &hosts(),
        )
        .unwrap();
        assert_eq!(target.host(), Some("contoso.sharepoint.com"));
        let target = target_of(
            &item(
                "GET",
                "/shares/https://contoso.sharepoint.com/:w:/s/Marketing/EaBc?e=1/driveItem",
                Value::Null,
            ),
            &hosts(),
        )
        .unwrap();
        assert_eq!(
            target.host(),
            Some("contoso.sharepoint.com"),
            "the fallback's decoded form"
        );
    }

    #[test]
    fn each_bad_request_gets_the_single_routes_problem() {
        use ProblemCode as C;
        let share = format!("/shares/{SHARE}/driveItem");
        let top = format!("{share}?$top=2");
        for (method, url, headers, expected, why) in [
            (
                "GET",
                "/me/drive",
                Value::Null,
                C::NotFound,
                "no such route",
            ),
            (
                "GET",
                "/resolve",
                Value::Null,
                C::NotFound,
                "not a Graph route",
            ),
            (
                "GET",
                "/$batch",
                Value::Null,
                C::NotFound,
                "no batch in a batch",
            ),
            (
                "GET",
                "/healthz",
                Value::Null,
                C::NotFound,
                "not a Graph route",
            ),
            (
                "POST",
                share.as_str(),
                Value::Null,
                C::MethodNotAllowed,
                "a wrong method",
            ),
            (
                "GE T",
                share.as_str(),
                Value::Null,
                C::MethodNotAllowed,
                "no method at all",
            ),
            (
                "DELETE",
                "/me",
                Value::Null,
                C::NotFound,
                "an unknown route first",
            ),
            (
                "GET",
                "/shares/nope/driveItem",
                Value::Null,
                C::InvalidShare,
                "a bad share id",
            ),
            (
                "GET",
                "/shares/%FF/driveItem",
                Value::Null,
                C::InvalidShare,
                "not UTF-8",
            ),
            (
                "GET",
                "/drives/x/items/y",
                Value::Null,
                C::InvalidShare,
                "a bad drive id",
            ),
            (
                "GET",
                "/shares/https://evil.example/x/driveItem",
                Value::Null,
                C::InvalidShare,
                "a host off the allow-list",
            ),
            (
                "GET",
                top.as_str(),
                Value::Null,
                C::BadRequest,
                "$top on an item",
            ),
            (
                "GET",
                share.as_str(),
                serde_json::json!({"Authorization": "Bearer x"}),
                C::BadRequest,
                "another header",
            ),
            (
                "GET",
                share.as_str(),
                serde_json::json!({"prefer": 1}),
                C::BadRequest,
                "a header that is not a string",
            ),
        ] {
            assert_eq!(
                code(target_of(&item(method, url, headers), &hosts())),
                expected,
                "{why}: {method} {url}"
            );
        }
    }
}
