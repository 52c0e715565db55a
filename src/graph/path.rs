//! Graph paths built only from validated, percent-encoded segments, so no
//! input can steer a call to another Graph path.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

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
}
