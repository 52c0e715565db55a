//! Graph's `preview` action: the options a caller may send (parsed once, at
//! the edge, into a type that refuses anything else) and where the action
//! exists at all (GRAPH-FACTS section 9: "currently only available on
//! SharePoint and OneDrive for Business").

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::share_id::ShareId;

/// The optional body of the preview routes, forwarded to Graph with only
/// the members sent. Any other member, or a member of another type, is
/// refused before any call.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PreviewBody {
    /// Which viewer Graph picks; `null` or absent lets Graph choose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub viewer: Option<Viewer>,
    /// Without the viewer's chrome (Graph's default: `true`).
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = bool)]
    pub chromeless: Option<bool>,
    /// Whether the viewer may offer editing, where the caller may edit.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = bool)]
    pub allow_edit: Option<bool>,
    /// The page to open at (a number or a string, as Graph takes it).
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Page)]
    pub page: Option<Page>,
    /// The zoom level to open at.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = f64)]
    pub zoom: Option<serde_json::Number>,
}

/// A member that, when sent, must be of its type (`null` is not a boolean,
/// a page or a number); left out, it is `None`.
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// Why a preview body is refused (`bad_request`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the body is not the expected JSON: {0}")]
pub struct PreviewBodyError(String);

impl PreviewBody {
    /// The body as sent: none at all is every option left to Graph;
    /// anything else must be a JSON object of Graph's options only.
    pub fn parse(bytes: &[u8]) -> Result<Self, PreviewBodyError> {
        if bytes.is_empty() {
            return Ok(Self::default());
        }
        let value = serde_json::from_slice(bytes).map_err(|e| PreviewBodyError(e.to_string()))?;
        Self::from_json(value)
    }

    /// The body as a JSON value (a `$batch` request's `body`). An object
    /// only: serde would read an array's items as the members in order.
    pub fn from_json(value: serde_json::Value) -> Result<Self, PreviewBodyError> {
        if !value.is_object() {
            return Err(PreviewBodyError(
                "expected an object of preview options".to_owned(),
            ));
        }
        serde_json::from_value(value).map_err(|e| PreviewBodyError(e.to_string()))
    }
}

/// The preview's viewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Viewer {
    Onedrive,
    Office,
}

/// A page, by number or by name.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(untagged)]
pub enum Page {
    #[schema(value_type = f64)]
    Number(serde_json::Number),
    Name(String),
}

/// A preview of a personal OneDrive item (`preview_unsupported`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "the preview action exists only on SharePoint and OneDrive for Business, not for personal OneDrive links (1drv.ms, onedrive.live.com)"
)]
pub struct PreviewUnsupported;

/// Personal OneDrive's sharing hosts: Graph has no preview action there.
const CONSUMER_HOSTS: [&str; 2] = ["1drv.ms", "onedrive.live.com"];

/// Whether Graph can preview `share`: not when its sharing URL is on a
/// personal OneDrive host. An `s!` id names no host: Graph judges it.
pub fn check_share(share: &ShareId) -> Result<(), PreviewUnsupported> {
    let consumer = share.sharing_url().is_some_and(|url| {
        let host = url.host();
        CONSUMER_HOSTS
            .iter()
            .any(|c| host == *c || host.strip_suffix(c).is_some_and(|s| s.ends_with('.')))
    });
    if consumer {
        Err(PreviewUnsupported)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::share_id::HostAllowList;

    fn parse(body: &str) -> Result<PreviewBody, PreviewBodyError> {
        PreviewBody::parse(body.as_bytes())
    }

    #[test]
    fn a_preview_body_takes_graphs_options_and_nothing_else() {
        for (body, forwarded) in [
            ("", "{}"),
            ("{}", "{}"),
            (r#"{"viewer":"onedrive"}"#, r#"{"viewer":"onedrive"}"#),
            (r#"{"viewer":null}"#, "{}"),
            (
                r#"{"viewer":"office","chromeless":false,"allowEdit":true}"#,
                r#"{"viewer":"office","chromeless":false,"allowEdit":true}"#,
            ),
            (r#"{"page":"2","zoom":1.5}"#, r#"{"page":"2","zoom":1.5}"#),
            (r#"{"page":3,"zoom":2}"#, r#"{"page":3,"zoom":2}"#),
        ] {
            let parsed = parse(body).unwrap_or_else(|e| panic!("{body}: {e}"));
            assert_eq!(serde_json::to_string(&parsed).unwrap(), forwarded, "{body}");
        }
        for bad in [
            "not json",
            " ",
            "[]",
            "[\"office\"]",
            "null",
            "3",
            r#"{"viewer":"word"}"#,
            r#"{"viewer":"OneDrive"}"#,
            r#"{"chromeless":"yes"}"#,
            r#"{"chromeless":null}"#,
            r#"{"allowEdit":1}"#,
            r#"{"page":true}"#,
            r#"{"zoom":"2"}"#,
            r#"{"zoom":1,"extra":true}"#,
            r#"{"Viewer":"office"}"#,
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_personal_onedrive_links_cannot_be_previewed() {
        let hosts =
            HostAllowList::parse("*.sharepoint.com,1drv.ms,onedrive.live.com,*.onedrive.live.com")
                .unwrap();
        for (url, supported) in [
            ("https://contoso.sharepoint.com/:w:/s/A/E1", true),
            ("https://1drv.ms/w/s!AbCdEf", false),
            ("https://onedrive.live.com/redir?resid=1!2", false),
            ("https://x.onedrive.live.com/redir?resid=1!2", false),
            ("https://ONEDRIVE.live.com/redir?resid=1!2", false),
        ] {
            let share = ShareId::parse(url, &hosts).unwrap();
            assert_eq!(check_share(&share).is_ok(), supported, "{url}");
        }
        let token = ShareId::parse("s!AbC-_9", &HostAllowList::default()).unwrap();
        assert_eq!(check_share(&token), Ok(()), "an s! id names no host");
    }
}
