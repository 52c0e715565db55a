//! Graph's `preview` action, `POST /v1.0/shares/{id}/driveItem/preview` and
//! `POST /v1.0/drives/{d}/items/{i}/preview` (GRAPH-FACTS section 9): the
//! optional body checked as Graph's OData layer checks action parameters
//! (only `viewer`, `chromeless`, `allowEdit`, `page`, `zoom`, each of its
//! type), then an embeddable `getUrl` on the item's SharePoint host carrying
//! an `access_token` (a credential: the service must never log it). With
//! `viewer: "office"` a `postUrl` and `postParameters` come too.
//!
//! A scenario may point every `getUrl` at another origin (a hostile
//! answer, for a page that must refuse to frame it): [`State`]'s
//! `preview_origin`.

use http::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::responses::{self, Body, Ids};
use super::sites::guid_from;

/// `viewer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Viewer {
    OneDrive,
    Office,
}

/// `page`: a string or a number.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
enum Page {
    Text(String),
    Number(f64),
}

/// The action's parameters; anything else is Graph's `400`.
#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Options {
    viewer: Option<Viewer>,
    chromeless: Option<bool>,
    allow_edit: Option<bool>,
    page: Option<Page>,
    zoom: Option<f64>,
}

/// Reads the request body (none is all defaults); `Err` is the message
/// of Graph's `400 invalidRequest`.
pub(crate) fn options(body: &[u8]) -> Result<Options, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Options::default());
    }
    serde_json::from_slice::<Options>(body)
        .map_err(|e| format!("The request payload is not valid for the action 'preview': {e}."))
}

/// `https://{host}` of a URL, when it is one.
pub(crate) fn https_origin(url: &str) -> Option<String> {
    let rest = url.strip_prefix("https://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| format!("https://{host}"))
}

/// Where an item's viewer lives: its `webUrl`'s host, else its site's
/// (the host part of a composite site id).
pub(crate) fn item_origin(item: &Value) -> Option<String> {
    if let Some(origin) = item["webUrl"].as_str().and_then(https_origin) {
        return Some(origin);
    }
    let site = item["parentReference"]["siteId"].as_str()?;
    let host = site.split(',').next().filter(|h| !h.is_empty())?;
    Some(format!("https://{host}"))
}

/// The action's answer for `item`, its viewer on `origin`.
pub(crate) fn answer(origin: &str, item: &Value, options: &Options, ids: &Ids) -> Response<Body> {
    let unique = guid_from(item["id"].as_str().unwrap_or_default());
    // Opaque and recognisable: tests look for it where it must never be.
    let token = format!("simpreview.{}", uuid::Uuid::new_v4().simple());
    let mut body = json!({
        "getUrl": format!(
            "{origin}/_layouts/15/embed.aspx?UniqueId={unique}&access_token={token}"
        ),
    });
    if options.viewer == Some(Viewer::Office) {
        body["postUrl"] = json!(format!(
            "{origin}/_layouts/15/WopiFrame.aspx?sourcedoc={{{unique}}}&action=embedview"
        ));
        body["postParameters"] = json!(format!("access_token={token}&access_token_ttl=0"));
    }
    responses::json_response(200, &body, ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_bodies_are_checked_like_graph_checks_them() {
        for good in [
            "",
            "  ",
            "{}",
            r#"{"viewer":"onedrive"}"#,
            r#"{"viewer":"office","chromeless":false,"allowEdit":true}"#,
            r#"{"viewer":null,"page":"2","zoom":1.5}"#,
            r#"{"page":3,"zoom":2}"#,
        ] {
            assert!(options(good.as_bytes()).is_ok(), "{good}");
        }
        for bad in [
            "not json",
            "[]",
            r#"{"viewer":"word"}"#,
            r#"{"viewer":"OneDrive"}"#,
            r#"{"chromeless":"yes"}"#,
            r#"{"allowEdit":1}"#,
            r#"{"page":true}"#,
            r#"{"zoom":"2"}"#,
            r#"{"zoom":1,"extra":true}"#,
        ] {
            assert!(options(bad.as_bytes()).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_viewer_lives_on_the_items_sharepoint_host() {
        assert_eq!(
            https_origin("https://contoso.sharepoint.com/:w:/s/A/E?e=1").as_deref(),
            Some("https://contoso.sharepoint.com")
        );
        assert_eq!(https_origin("http://contoso.sharepoint.com/x"), None);
        assert_eq!(https_origin("https:///x"), None);
        let by_site = json!({"parentReference": {"siteId": "fabrikam.sharepoint.com,1,2"}});
        assert_eq!(
            item_origin(&by_site).as_deref(),
            Some("https://fabrikam.sharepoint.com")
        );
        assert_eq!(item_origin(&json!({"id": "x"})), None);
    }
}
