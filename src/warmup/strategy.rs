//! Warm-up strategies: the SharePoint-backed calls that "hydrate" a guest.
//!
//! Any such call works, whatever it answers (even 403/404): it is the call,
//! not its result, that makes SharePoint know the guest
//! (docs/graph-facts.md#6-the-guest-hydration-anomaly).

use std::str::FromStr;

use serde::Serialize;

use crate::cloud::Cloud;
use crate::graph::GraphPath;
use crate::share_id::{ShareId, SharePointHost, SharingUrl};

/// Where to warm up: a sharing URL (the site and SharePoint warm-ups need
/// it), a SharePoint host alone (`POST /v1/warmup {"host"}`), or nowhere in
/// particular (`root` and `group:<id>` need nothing).
#[derive(Debug, Clone, Copy, Default)]
pub struct WarmupPlace<'a> {
    pub url: Option<&'a SharingUrl>,
    pub host: Option<&'a SharePointHost>,
}

impl<'a> WarmupPlace<'a> {
    /// The place a share names (nothing for an `s!` id).
    pub fn of(share: &'a ShareId) -> Self {
        Self {
            url: share.sharing_url(),
            host: None,
        }
    }

    /// The SharePoint host: the sharing URL's, else the one given.
    pub fn host(&self) -> Option<&'a str> {
        self.url
            .map(SharingUrl::host)
            .or(self.host.map(SharePointHost::as_str))
    }
}

/// Which kind of warm-up ran; what the store and `x-resolver-warmup` record,
/// written as its lower-case name (`sharepoint`, `site`, `root`, `group`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::VariantArray,
)]
#[strum(serialize_all = "lowercase")]
pub enum WarmupKind {
    SharePoint,
    Site,
    Root,
    Group,
}

impl WarmupKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The warm-up strategy that answered, or `skipped` (none was needed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WarmupOutcome(pub Option<WarmupKind>);

impl WarmupOutcome {
    /// `x-resolver-warmup` and the pre-warm's `warmup`.
    pub fn as_str(self) -> &'static str {
        self.0.map_or("skipped", WarmupKind::as_str)
    }
}

impl Serialize for WarmupOutcome {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl utoipa::PartialSchema for WarmupOutcome {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use strum::VariantArray;
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        let values =
            std::iter::once("skipped").chain(WarmupKind::VARIANTS.iter().map(|k| k.as_str()));
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "The warm-up strategy that answered, or `skipped` (none was needed).",
            ))
            .enum_values(Some(values))
            .into()
    }
}

impl utoipa::ToSchema for WarmupOutcome {}

/// One configured warm-up (`WARMUP_STRATEGIES` entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WarmupStrategy {
    /// SharePoint REST `GET https://{host}/_api/web/currentuser` with the
    /// caller's SharePoint token (`X-SharePoint-Authorization`); skipped
    /// without one.
    SharePoint,
    /// `GET /sites/{host}:/{sites|teams}/{name}` derived from the sharing URL.
    Site,
    /// `GET /sites/root`.
    Root,
    /// `GET /groups/{id}/drive`: the legacy trick (a 403 that hydrates).
    Group(GroupId),
}

/// A Microsoft 365 group id (a GUID), validated so it is safe in a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupId(String);

impl GroupId {
    pub fn parse(s: &str) -> Result<Self, String> {
        let ok = s.len() == 36
            && s.char_indices().all(|(i, c)| match i {
                8 | 13 | 18 | 23 => c == '-',
                _ => c.is_ascii_hexdigit(),
            });
        if ok {
            Ok(Self(s.to_ascii_lowercase()))
        } else {
            Err(format!("group id '{s}' is not a GUID"))
        }
    }
}

impl WarmupStrategy {
    pub fn kind(&self) -> WarmupKind {
        match self {
            Self::SharePoint => WarmupKind::SharePoint,
            Self::Site => WarmupKind::Site,
            Self::Root => WarmupKind::Root,
            Self::Group(_) => WarmupKind::Group,
        }
    }

    /// The call this strategy makes for `share`, or `None` when it does not
    /// apply: a site warm-up for an `s!` id or a OneDrive-personal link, a
    /// SharePoint warm-up without the caller's SharePoint token or URL.
    ///
    /// `sharepoint_token`: whether the caller can have a SharePoint token
    /// (its `X-SharePoint-Authorization` in `graph` mode; On-Behalf-Of in
    /// `obo`). The SharePoint warm-up goes only to `cloud`'s SharePoint
    /// Online hosts: a consumer OneDrive host (`1drv.ms`,
    /// `onedrive.live.com`) has no SharePoint REST, and its answer would
    /// prove nothing.
    pub fn target(
        &self,
        place: WarmupPlace<'_>,
        sharepoint_token: bool,
        cloud: Cloud,
    ) -> Option<WarmupTarget> {
        match self {
            Self::SharePoint => {
                let host = place.host().filter(|h| cloud.is_sharepoint_online(h))?;
                sharepoint_token.then(|| WarmupTarget::SharePoint {
                    host: host.to_owned(),
                })
            }
            _ => self.path(place).map(WarmupTarget::Graph),
        }
    }

    /// The Graph call of a Graph-backed strategy (`None` for `sharepoint`).
    pub fn path(&self, place: WarmupPlace<'_>) -> Option<GraphPath> {
        match self {
            Self::SharePoint => None,
            Self::Root => Some(GraphPath::from_segments(&["sites", "root"])),
            Self::Group(GroupId(id)) => Some(GraphPath::from_segments(&["groups", id, "drive"])),
            Self::Site => {
                let url = place.url?;
                let (collection, name) = site_of(url.path_segments())?;
                Some(GraphPath::site_by_path(url.host(), collection, &name))
            }
        }
    }

    /// Parses `WARMUP_STRATEGIES`: ordered, comma-separated, non-empty.
    pub fn parse_list(list: &str) -> Result<Vec<Self>, String> {
        let strategies = list
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::parse)
            .collect::<Result<Vec<Self>, _>>()?;
        if strategies.is_empty() {
            return Err("no strategy given".to_owned());
        }
        Ok(strategies)
    }
}

/// Where a warm-up goes.
#[derive(Debug, Clone, PartialEq)]
pub enum WarmupTarget {
    /// A Graph path, with the caller's Graph token.
    Graph(GraphPath),
    /// SharePoint REST `currentuser` on the sharing URL's (allow-listed)
    /// SharePoint Online host, with the caller's SharePoint token for that
    /// host (and no other).
    SharePoint { host: String },
}

impl FromStr for WarmupStrategy {
    type Err = String;
    /// A strategy is named by its kind (`group` with its id: `group:<id>`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(id) = s.strip_prefix("group:") {
            return GroupId::parse(id).map(Self::Group);
        }
        match s.parse() {
            Ok(WarmupKind::SharePoint) => Ok(Self::SharePoint),
            Ok(WarmupKind::Site) => Ok(Self::Site),
            Ok(WarmupKind::Root) => Ok(Self::Root),
            Ok(WarmupKind::Group) | Err(_) => Err(format!(
                "unknown warm-up strategy '{s}' (expected sharepoint, site, root or group:<id>)"
            )),
        }
    }
}

/// Finds the site collection (`sites` or `teams`) and the site name in a
/// SharePoint link's raw path. Recognised shapes:
/// `/:x:/s/{name}/…`, `/:x:/t/{name}/…`, `/:x:/r/{sites|teams}/{name}/…`,
/// `/{sites|teams}/{name}/…`.
fn site_of<'a>(mut segments: impl Iterator<Item = &'a str>) -> Option<(&'static str, String)> {
    let first = segments.next()?;
    let (collection, raw_name) = if is_link_type(first) {
        match segments.next()? {
            "s" => ("sites", segments.next()?),
            "t" => ("teams", segments.next()?),
            "r" => (collection_of(segments.next()?)?, segments.next()?),
            _ => return None,
        }
    } else {
        (collection_of(first)?, segments.next()?)
    };
    site_name(raw_name).map(|name| (collection, name))
}

/// `:w:`, `:x:`, `:b:`, `:f:`, `:u:` … the link-type marker of a short link.
fn is_link_type(segment: &str) -> bool {
    segment.len() >= 3
        && segment.len() <= 4
        && segment.starts_with(':')
        && segment.ends_with(':')
        && segment[1..segment.len() - 1]
            .chars()
            .all(|c| c.is_ascii_alphabetic())
}

fn collection_of(segment: &str) -> Option<&'static str> {
    match segment.to_ascii_lowercase().as_str() {
        "sites" => Some("sites"),
        "teams" => Some("teams"),
        _ => None,
    }
}

/// Decodes and validates a site name so it can only ever be one path segment:
/// letters, digits, `-`, `_`, `.`, and not a dot-segment.
fn site_name(raw: &str) -> Option<String> {
    let name = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()?
        .into_owned();
    let ok = !name.is_empty()
        && name.len() <= 128
        && name != "."
        && name != ".."
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_' || c == '.');
    ok.then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::share_id::HostAllowList;

    const GLOBAL: Cloud = Cloud::Global;

    fn site_path(url: &str) -> Option<String> {
        let share = ShareId::parse(url, &HostAllowList::default()).unwrap();
        WarmupStrategy::Site
            .path(WarmupPlace::of(&share))
            .map(|p| p.as_str().to_owned())
    }

    #[test]
    fn site_paths_follow_every_documented_link_shape() {
        for (url, expected) in [
            (
                "https://contoso.sharepoint.com/:w:/s/Marketing/EaBc?e=1",
                "/sites/contoso.sharepoint.com:/sites/Marketing",
            ),
            (
                "https://contoso.sharepoint.com/:x:/t/Engineering/EdCb",
                "/sites/contoso.sharepoint.com:/teams/Engineering",
            ),
            (
                "https://contoso.sharepoint.com/:x:/r/sites/Finance/Shared%20Documents/a.xlsx",
                "/sites/contoso.sharepoint.com:/sites/Finance",
            ),
            (
                "https://contoso.sharepoint.com/:p:/r/teams/Ops/x",
                "/sites/contoso.sharepoint.com:/teams/Ops",
            ),
            (
                "https://contoso.sharepoint.com/sites/Marketing/Shared%20Documents/Doc.docx",
                "/sites/contoso.sharepoint.com:/sites/Marketing",
            ),
            (
                "https://contoso.sharepoint.com/teams/my-team_1.0/x",
                "/sites/contoso.sharepoint.com:/teams/my-team_1.0",
            ),
            (
                "https://contoso.sharepoint.com/sites/Caf%C3%A9/x",
                "/sites/contoso.sharepoint.com:/sites/Caf%C3%A9",
            ),
        ] {
            assert_eq!(site_path(url).as_deref(), Some(expected), "{url}");
        }
    }

    #[test]
    fn nothing_in_a_link_can_steer_the_site_path_elsewhere() {
        for url in [
            "https://contoso.sharepoint.com/:w:/s/../me/x",
            "https://contoso.sharepoint.com/:w:/s/%2E%2E/x",
            "https://contoso.sharepoint.com/:w:/s/a%2Fb/x",
            "https://contoso.sharepoint.com/:w:/s/a%3Fx=1/x",
            "https://contoso.sharepoint.com/:w:/s/a%23frag/x",
            "https://contoso.sharepoint.com/:w:/s/a%5Cb/x",
            "https://contoso.sharepoint.com/:w:/s/a%00/x",
            "https://contoso.sharepoint.com/:w:/s/%20/x",
            "https://contoso.sharepoint.com/:w:/s/a:b/x",
            "https://contoso.sharepoint.com/:w:/g/personal/x",
            "https://contoso.sharepoint.com/:w:/s/",
            "https://contoso.sharepoint.com/personal/a_b/x",
            "https://contoso.sharepoint.com/",
            "https://onedrive.live.com/redir?resid=1",
        ] {
            assert_eq!(site_path(url), None, "{url}");
        }
    }

    #[test]
    fn site_warm_up_does_not_apply_to_s_ids() {
        let share = ShareId::parse("s!APNWj7GC0EhCbA", &HostAllowList::default()).unwrap();
        assert_eq!(WarmupStrategy::Site.path(WarmupPlace::of(&share)), None);
        assert_eq!(
            WarmupStrategy::Root
                .path(WarmupPlace::of(&share))
                .unwrap()
                .as_str(),
            "/sites/root"
        );
    }

    #[test]
    fn the_sharepoint_warm_up_needs_the_callers_token_and_a_sharing_url() {
        let hosts = HostAllowList::default();
        let url = ShareId::parse("https://contoso.sharepoint.com/:w:/s/M/x", &hosts).unwrap();
        let token_id = ShareId::parse("s!APNWj7GC0EhCbA", &hosts).unwrap();
        let consumer = ShareId::parse("https://1drv.ms/w/s!AbCdEf", &hosts).unwrap();
        let personal = ShareId::parse("https://onedrive.live.com/?id=x", &hosts).unwrap();
        for (share, token, expected, why) in [
            (
                &url,
                true,
                Some("contoso.sharepoint.com"),
                "the sharing URL's host",
            ),
            (&url, false, None, "no X-SharePoint-Authorization"),
            (&token_id, true, None, "an s! id names no host"),
            (
                &consumer,
                true,
                None,
                "1drv.ms is no SharePoint Online host",
            ),
            (&personal, true, None, "nor is onedrive.live.com"),
        ] {
            let target = WarmupStrategy::SharePoint.target(WarmupPlace::of(share), token, GLOBAL);
            let host = match target {
                Some(WarmupTarget::SharePoint { host, .. }) => Some(host),
                _ => None,
            };
            assert_eq!(host.as_deref(), expected, "{why}");
        }
    }

    #[test]
    fn a_host_alone_serves_the_sharepoint_and_root_warm_ups_only() {
        let host =
            SharePointHost::parse("contoso.sharepoint.com", &HostAllowList::default()).unwrap();
        let place = WarmupPlace {
            url: None,
            host: Some(&host),
        };
        assert!(matches!(
            WarmupStrategy::SharePoint.target(place, true, GLOBAL),
            Some(WarmupTarget::SharePoint { host, .. }) if host == "contoso.sharepoint.com"
        ));
        assert!(WarmupStrategy::Site.target(place, true, GLOBAL).is_none());
        assert!(
            WarmupStrategy::Root
                .target(WarmupPlace::default(), false, GLOBAL)
                .is_some()
        );
    }

    #[test]
    fn the_sharepoint_warm_up_goes_only_to_the_clouds_sharepoint_online() {
        // An allow-list widened by hand still sends no SharePoint token to
        // another cloud's hosts.
        let hosts = HostAllowList::parse("*.sharepoint.com,*.sharepoint.us").unwrap();
        for (url, cloud, sent) in [
            (
                "https://contoso.sharepoint.us/:w:/s/M/x",
                Cloud::UsGov,
                true,
            ),
            (
                "https://contoso.sharepoint.com/:w:/s/M/x",
                Cloud::UsGov,
                false,
            ),
            (
                "https://contoso.sharepoint.us/:w:/s/M/x",
                Cloud::UsGovDod,
                false,
            ),
            (
                "https://contoso.sharepoint.com/:w:/s/M/x",
                Cloud::Global,
                true,
            ),
            (
                "https://contoso.sharepoint.us/:w:/s/M/x",
                Cloud::China,
                false,
            ),
        ] {
            let share = ShareId::parse(url, &hosts).unwrap();
            let target = WarmupStrategy::SharePoint.target(WarmupPlace::of(&share), true, cloud);
            assert_eq!(target.is_some(), sent, "{url} in {cloud}");
        }
    }

    #[test]
    fn strategy_lists_parse_in_order() {
        let list =
            WarmupStrategy::parse_list("site, root,group:0A1B2C3D-1111-2222-3333-444455556666")
                .unwrap();
        assert_eq!(list.len(), 3);
        assert_eq!(list[0], WarmupStrategy::Site);
        assert_eq!(list[1], WarmupStrategy::Root);
        let share = ShareId::parse("s!abc", &HostAllowList::default()).unwrap();
        assert_eq!(
            list[2].path(WarmupPlace::of(&share)).unwrap().as_str(),
            "/groups/0a1b2c3d-1111-2222-3333-444455556666/drive"
        );
        for bad in [
            "",
            "site,bogus",
            "group:",
            "group:../../me",
            "group:not-a-guid",
        ] {
            assert!(WarmupStrategy::parse_list(bad).is_err(), "{bad:?}");
        }
    }
}
