//! Graph paths built only from validated, percent-encoded segments, so no
//! input can steer a call to another Graph path.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::drive_item::ItemRef;
use crate::query_options::QueryOptions;
use crate::share_id::ShareId;

/// Everything but RFC 3986 unreserved characters is encoded, `/`, `?`, `#`,
/// `%` and `:` included.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A path below the Graph base URL, e.g. `/sites/root`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphPath(String);

impl GraphPath {
    /// `/{a}/{b}/…` with every segment encoded.
    pub fn from_segments(segments: &[&str]) -> Self {
        let mut path = String::new();
        for s in segments {
            path.push('/');
            path.extend(utf8_percent_encode(s, SEGMENT));
        }
        Self(path)
    }

    /// `GET /sites/{hostname}:/{collection}/{name}` (site by server-relative path).
    pub fn site_by_path(host: &str, collection: &str, name: &str) -> Self {
        Self(format!(
            "/sites/{}:/{}/{}",
            utf8_percent_encode(host, SEGMENT),
            utf8_percent_encode(collection, SEGMENT),
            utf8_percent_encode(name, SEGMENT)
        ))
    }

    /// `GET /shares/{shareId}/driveItem`. A `ShareId` holds only `u!`/`s!`
    /// and base64url characters, so it needs no encoding.
    pub fn shares_drive_item(share: &ShareId) -> Self {
        Self(format!("/shares/{}/driveItem", share.as_str()))
    }

    /// `GET /shares/{shareId}/driveItem/children`.
    pub fn shares_children(share: &ShareId) -> Self {
        Self(format!("/shares/{}/driveItem/children", share.as_str()))
    }

    /// `GET /drives/{driveId}/items/{itemId}`: both ids hold only
    /// characters that need no encoding (`drive_item`).
    pub fn drive_item(item: &ItemRef) -> Self {
        Self(format!(
            "/drives/{}/items/{}",
            item.drive.as_str(),
            item.item.as_str()
        ))
    }

    /// `GET /drives/{driveId}/items/{itemId}/children`.
    pub fn drive_item_children(item: &ItemRef) -> Self {
        let Self(path) = Self::drive_item(item);
        Self(format!("{path}/children"))
    }

    /// `GET /shares/{shareId}/permission`: the sharing link's permission.
    pub fn shares_permission(share: &ShareId) -> Self {
        Self(format!("/shares/{}/permission", share.as_str()))
    }

    /// `POST /shares/{shareId}/driveItem/preview`.
    pub fn shares_preview(share: &ShareId) -> Self {
        let Self(path) = Self::shares_drive_item(share);
        Self(format!("{path}/preview"))
    }

    /// `POST /drives/{driveId}/items/{itemId}/preview`.
    pub fn drive_item_preview(item: &ItemRef) -> Self {
        let Self(path) = Self::drive_item(item);
        Self(format!("{path}/preview"))
    }

    /// The same path with checked query options (`?$select=…`), if any.
    pub fn with_options(self, options: &QueryOptions) -> Self {
        match options.to_query() {
            Some(query) => Self(format!("{}?{query}", self.0)),
            None => self,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_encoded_so_they_stay_segments() {
        assert_eq!(
            GraphPath::from_segments(&["groups", "../me", "drive"]).as_str(),
            "/groups/..%2Fme/drive"
        );
        assert_eq!(
            GraphPath::site_by_path("contoso.sharepoint.com", "sites", "a?b#c d").as_str(),
            "/sites/contoso.sharepoint.com:/sites/a%3Fb%23c%20d"
        );
    }

    #[test]
    fn permission_and_preview_paths_sit_where_graph_has_them() {
        let share = ShareId::parse("s!AbC-_9", &crate::share_id::HostAllowList::default()).unwrap();
        let item = ItemRef::parse("b!x-_1", "01A").unwrap();
        for (path, expected) in [
            (
                GraphPath::shares_permission(&share),
                "/shares/s!AbC-_9/permission",
            ),
            (
                GraphPath::shares_preview(&share),
                "/shares/s!AbC-_9/driveItem/preview",
            ),
            (
                GraphPath::drive_item_preview(&item),
                "/drives/b!x-_1/items/01A/preview",
            ),
        ] {
            assert_eq!(path.as_str(), expected);
        }
    }

    #[test]
    fn item_paths_carry_their_options() {
        let item = ItemRef::parse("b!x-_1", "root").unwrap();
        let options = QueryOptions::parse(
            Some("$top=2&$orderby=name desc"),
            &crate::query_options::Scope::Children,
        )
        .unwrap();
        assert_eq!(
            GraphPath::drive_item_children(&item)
                .with_options(&options)
                .as_str(),
            "/drives/b!x-_1/items/root/children?$top=2&$orderby=name%20desc"
        );
    }
}
