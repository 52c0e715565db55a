//! A sharing link's permission, `GET /v1.0/shares/{shareId}/permission`
//! (GRAPH-FACTS section 9): `roles`, `link` (`type`, `scope`, `webUrl`,
//! `preventsDownload`), `expirationDateTime`, `hasPassword`, who it was
//! granted to. An expired link is gone: Graph answers 404 for it on every
//! `/shares` route (the contract's `share_not_found`: "link removed,
//! expired, or never existed").

use std::time::SystemTime;

use serde::Deserialize;
use serde_json::{Value, json};

use super::responses::graph_date;
use super::scenario::{Access, SimShare};
use super::sites::guid_from;

/// What a link lets its holder do (`sharingLink.type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkType {
    #[default]
    View,
    Edit,
    Embed,
}

/// Who a link works for (`sharingLink.scope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkScope {
    Anonymous,
    Organization,
    /// Specific people: the B2B guest case.
    #[default]
    Users,
}

/// A sharing link's permission. The default: a view link for specific
/// people, downloads allowed, no expiry, no password.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SimPermission {
    pub link_type: LinkType,
    pub scope: LinkScope,
    /// Whether the link blocks downloads (a page hides its Download button).
    pub prevents_download: bool,
    /// When the link stops working; from then on Graph answers 404.
    pub expires_at: Option<SystemTime>,
    pub has_password: bool,
}

impl SimPermission {
    /// Whether the link has expired at `now`.
    pub fn is_expired(&self, now: SystemTime) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }

    fn roles(&self) -> Value {
        match self.link_type {
            LinkType::Edit => json!(["write"]),
            LinkType::View | LinkType::Embed => json!(["read"]),
        }
    }
}

impl LinkType {
    fn name(self) -> &'static str {
        match self {
            Self::View => "view",
            Self::Edit => "edit",
            Self::Embed => "embed",
        }
    }
}

impl LinkScope {
    fn name(self) -> &'static str {
        match self {
            Self::Anonymous => "anonymous",
            Self::Organization => "organization",
            Self::Users => "users",
        }
    }
}

/// A person a `users` link was granted to, as Graph lists them.
fn identity(oid: &str) -> Value {
    json!({"user": {
        "@odata.type": "#microsoft.graph.sharePointIdentity",
        "displayName": "Guest user",
        "id": oid,
    }})
}

/// The permission JSON of `share`, asked for by `caller` (the person a
/// `users` link open to everyone in the simulator lists) through the id
/// segment `segment`.
pub(crate) fn json(share: &SimShare, segment: &str, caller: &str) -> Value {
    let permission = &share.permission;
    let mut body = json!({
        "@odata.context": format!(
            "https://graph.microsoft.com/v1.0/$metadata#shares('{segment}')/permission/$entity"
        ),
        "id": guid_from(&format!("permission:{}", share.url)),
        "roles": permission.roles(),
        "shareId": share.s_id(),
        "hasPassword": permission.has_password,
        "link": {
            "scope": permission.scope.name(),
            "type": permission.link_type.name(),
            "webUrl": share.url,
            "preventsDownload": permission.prevents_download,
        },
    });
    if let Some(at) = permission.expires_at {
        body["expirationDateTime"] = json!(format!("{}Z", graph_date(at)));
    }
    if permission.scope == LinkScope::Users {
        let granted: Vec<Value> = match &share.allowed {
            Access::Only(oids) => oids.iter().map(|o| identity(o)).collect(),
            Access::Everyone => vec![identity(caller)],
        };
        body["grantedToIdentitiesV2"] = json!(granted);
    }
    body
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn permissions_say_what_a_page_needs_to_know() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let share = SimShare::new("https://contoso.sharepoint.com/:x:/s/A/E1", Value::Null)
            .with_permission(SimPermission {
                link_type: LinkType::Edit,
                prevents_download: true,
                expires_at: Some(at),
                ..SimPermission::default()
            });
        let p = json(&share, "u!abc", "guest-oid");
        assert_eq!(p["roles"], json!(["write"]));
        assert_eq!(p["link"]["type"], "edit");
        assert_eq!(p["link"]["scope"], "users");
        assert_eq!(p["link"]["preventsDownload"], true);
        assert_eq!(p["link"]["webUrl"], share.url);
        assert_eq!(p["expirationDateTime"], "2027-01-15T08:00:00Z");
        assert_eq!(p["hasPassword"], false);
        assert_eq!(p["grantedToIdentitiesV2"][0]["user"]["id"], "guest-oid");
        assert!(share.permission.is_expired(at));
        assert!(!share.permission.is_expired(at - Duration::from_secs(1)));

        let open = SimShare::new("https://a", Value::Null).with_permission(SimPermission {
            scope: LinkScope::Organization,
            ..SimPermission::default()
        });
        let p = json(&open, "s!x", "o");
        assert_eq!(p["roles"], json!(["read"]));
        assert_eq!(p["link"]["type"], "view");
        assert!(p.get("expirationDateTime").is_none());
        assert!(p.get("grantedToIdentitiesV2").is_none());
        assert!(!open.permission.is_expired(SystemTime::now()));
    }
}
