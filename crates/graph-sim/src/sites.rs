//! SharePoint sites as Graph describes them: composite ids
//! `{host},{site-guid},{web-guid}` derived deterministically from the path.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// A GUID-shaped string derived from `seed` (same seed, same GUID).
pub(crate) fn guid_from(seed: &str) -> String {
    let d = Sha256::digest(seed.as_bytes());
    let hex: String = d[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-4{}-8{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

/// Graph's composite site id for `host` and `path` (`""` for the root site).
pub(crate) fn site_id(host: &str, path: &str) -> String {
    format!(
        "{host},{},{}",
        guid_from(&format!("site:{host}/{path}")),
        guid_from(&format!("web:{host}/{path}"))
    )
}

/// The site resource `GET /sites/…` answers.
pub(crate) fn site_json(host: &str, path: &str) -> Value {
    let (web_url, name) = if path.is_empty() {
        (format!("https://{host}"), "Communication site".to_owned())
    } else {
        let name = path.rsplit('/').next().unwrap_or(path).to_owned();
        (format!("https://{host}/{path}"), name)
    };
    json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#sites/$entity",
        "createdDateTime": "2024-01-10T08:00:00Z",
        "description": "",
        "id": site_id(host, path),
        "lastModifiedDateTime": "2026-11-02T09:14:05Z",
        "name": name,
        "webUrl": web_url,
        "displayName": name,
        "root": {},
        "siteCollection": {"hostname": host}
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_ids_are_composite_and_deterministic() {
        let id = site_id("contoso.sharepoint.com", "sites/Marketing");
        let parts: Vec<&str> = id.split(',').collect();
        assert_eq!(parts[0], "contoso.sharepoint.com");
        assert_eq!(parts.len(), 3);
        for guid in &parts[1..] {
            assert!(uuid::Uuid::parse_str(guid).is_ok(), "{guid}");
        }
        assert_eq!(id, site_id("contoso.sharepoint.com", "sites/Marketing"));
        assert_ne!(id, site_id("contoso.sharepoint.com", "teams/Engineering"));
        assert_eq!(
            site_json("contoso.sharepoint.com", "")["webUrl"],
            "https://contoso.sharepoint.com"
        );
    }
}
