//! A guest's "shared with you" page for demos and browser tests: twenty
//! links shared with the demo guest ([`DEMO_GUEST_OID`]) on the demo tenant,
//! files of several kinds (Word, Excel, PowerPoint, PDF, PNG: all with
//! thumbnails, downloads served by the simulator), a folder with children,
//! view and edit links, links that block downloads, links that expire soon,
//! one that has expired (Graph answers 404) and one the guest may not open
//! (403). The guest starts cold, as a real one would.

use std::time::{Duration, SystemTime};

use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::demo::{DEMO_HOST, DEMO_MEMBER_OID, DOCX, DemoItem, XLSX, drive_suffix};
use super::media::sim_download_url;
use super::permission::{LinkType, SimPermission};
use super::scenario::{Scenario, SimItem, SimShare};

const PPTX: &str = "application/vnd.openxmlformats-officedocument.presentationml.presentation";
const PDF: &str = "application/pdf";
const PNG: &str = "image/png";
const MARKETING: &str = "sites/Marketing";
const ENGINEERING: &str = "teams/Engineering";
const DAY: Duration = Duration::from_secs(86_400);

/// One link of the page, as the demo guest meets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SharedLink {
    /// The sharing URL.
    pub url: String,
    /// The shared item's name.
    pub name: String,
    /// What the hydrated guest gets from `/shares/{id}/driveItem`: 200, 403
    /// (not shared with them) or 404 (expired).
    pub status: u16,
    /// A folder (browse its children) rather than a file.
    pub folder: bool,
    /// What the link is, in a few words ("view", "edit, expires in 30
    /// days", "blocks downloads", "expired", "not for this guest"…).
    pub what: String,
}

/// What a row of the table makes.
#[derive(Clone, Copy)]
enum Made {
    View,
    Edit,
    NoDownload,
    ExpiresIn(u64),
    EditExpiresIn(u64),
    Expired,
    NotForGuest,
}

/// `(site, link letter, name, size, mime, what)`; a `None` mime is a folder.
type Row = (
    &'static str,
    &'static str,
    &'static str,
    u64,
    Option<&'static str>,
    Made,
);

#[rustfmt::skip]
const LINKS: [Row; 20] = [
    (MARKETING, "w", "Q3 report.docx", 48_211, Some(DOCX), Made::View),
    (MARKETING, "x", "Budget 2027.xlsx", 23_904, Some(XLSX), Made::Edit),
    (MARKETING, "p", "Pitch deck.pptx", 2_411_520, Some(PPTX), Made::View),
    (MARKETING, "b", "Contract.pdf", 310_455, Some(PDF), Made::NoDownload),
    (MARKETING, "i", "Team photo.png", 845_112, Some(PNG), Made::View),
    (MARKETING, "f", "Design review", 0, None, Made::View),
    (MARKETING, "w", "Meeting notes.docx", 18_432, Some(DOCX), Made::Edit),
    (MARKETING, "x", "Forecast.xlsx", 35_870, Some(XLSX), Made::ExpiresIn(14)),
    (ENGINEERING, "p", "Onboarding.pptx", 1_204_224, Some(PPTX), Made::View),
    (MARKETING, "b", "Invoice 0042.pdf", 96_311, Some(PDF), Made::View),
    (ENGINEERING, "i", "Architecture.png", 402_733, Some(PNG), Made::Edit),
    (ENGINEERING, "w", "Release checklist.docx", 27_648, Some(DOCX), Made::Edit),
    (MARKETING, "x", "Headcount.xlsx", 19_200, Some(XLSX), Made::NotForGuest),
    (MARKETING, "b", "Brand guidelines.pdf", 5_242_880, Some(PDF), Made::NoDownload),
    (ENGINEERING, "p", "Roadmap review.pptx", 3_145_728, Some(PPTX), Made::NoDownload),
    (MARKETING, "w", "Old proposal.docx", 40_960, Some(DOCX), Made::Expired),
    (MARKETING, "i", "Product shot.png", 1_048_576, Some(PNG), Made::View),
    (ENGINEERING, "b", "Research summary.pdf", 733_184, Some(PDF), Made::EditExpiresIn(30)),
    (ENGINEERING, "x", "Timeline.xlsx", 21_504, Some(XLSX), Made::Edit),
    (MARKETING, "w", "Welcome.docx", 12_288, Some(DOCX), Made::View),
];

/// The "Design review" folder's files: `(name, size, mime)`.
const FOLDER_FILES: [(&str, u64, &str); 5] = [
    ("Brief.docx", 22_528, DOCX),
    ("Moodboard.png", 640_000, PNG),
    ("Costs.xlsx", 16_384, XLSX),
    ("Storyboard.pptx", 1_835_008, PPTX),
    ("Spec.pdf", 204_800, PDF),
];

/// A SharePoint-shaped item id (`01` and 32 upper-case characters) for `seed`.
fn item_id(seed: &str) -> String {
    let digest = Sha256::digest(seed.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02X}")).collect();
    format!("01{}", &hex[..32])
}

/// A sharing URL like SharePoint's: `/:{letter}:/{s|t}/{Site}/E…?e=…`.
fn link_url(site: &str, letter: &str, name: &str) -> String {
    let digest = Sha256::digest(format!("link:{site}/{name}").as_bytes());
    let token: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    let (kind, site_name) = site.split_once('/').unwrap_or(("sites", site));
    let short = if kind == "teams" { "t" } else { "s" };
    format!(
        "https://{DEMO_HOST}/:{letter}:/{short}/{site_name}/E{}?e={}",
        &token[..22],
        &token[22..28]
    )
}

/// A file driveItem of `site`, its download on the simulator unless the
/// link blocks downloads (Graph hands out no `downloadUrl` then).
fn file(site: &str, name: &str, size: u64, mime: &str, downloadable: bool) -> Value {
    let id = item_id(&format!("{site}/{name}"));
    let mut item = DemoItem {
        id: &id,
        name,
        site,
        size,
        mime,
    }
    .json();
    let drive = format!("b!{}", drive_suffix(site));
    item["@microsoft.graph.downloadUrl"] = json!(sim_download_url(&drive, &id));
    if !downloadable && let Value::Object(fields) = &mut item {
        fields.remove("@microsoft.graph.downloadUrl");
    }
    item
}

/// The folder's driveItem: a file's shape without file facets, with a
/// child count.
fn folder(site: &str, name: &str, children: usize) -> Value {
    let mut item = file(site, name, 0, "", false);
    if let Value::Object(fields) = &mut item {
        for facet in ["file", "cTag"] {
            fields.remove(facet);
        }
    }
    item["folder"] = json!({"childCount": children});
    item
}

/// The permission a row's link has, and what the guest gets.
fn permission(made: Made, now: SystemTime) -> (SimPermission, u16, String) {
    let view = SimPermission::default();
    let edit = SimPermission {
        link_type: LinkType::Edit,
        ..SimPermission::default()
    };
    let expiring = |p: SimPermission, days: u64| SimPermission {
        expires_at: Some(now + DAY * u32::try_from(days).unwrap_or(u32::MAX)),
        ..p
    };
    match made {
        Made::View => (view, 200, "view".into()),
        Made::Edit => (edit, 200, "edit".into()),
        Made::NoDownload => (
            SimPermission {
                prevents_download: true,
                ..view
            },
            200,
            "view, blocks downloads".into(),
        ),
        Made::ExpiresIn(days) => (
            expiring(view, days),
            200,
            format!("view, expires in {days} days"),
        ),
        Made::EditExpiresIn(days) => (
            expiring(edit, days),
            200,
            format!("edit, expires in {days} days"),
        ),
        Made::Expired => (
            SimPermission {
                expires_at: Some(now - 2 * DAY),
                ..view
            },
            404,
            "expired two days ago".into(),
        ),
        Made::NotForGuest => (view, 403, "not shared with this guest".into()),
    }
}

/// The twenty links with their shares, and the folder's children.
fn build(now: SystemTime) -> (Vec<SharedLink>, Vec<SimShare>, Vec<SimItem>) {
    let (mut links, mut shares, mut items) = (Vec::new(), Vec::new(), Vec::new());
    for (site, letter, name, size, mime, made) in LINKS {
        let url = link_url(site, letter, name);
        let (permission, status, what) = permission(made, now);
        let drive_item = match mime {
            Some(mime) => file(site, name, size, mime, !permission.prevents_download),
            None => {
                let folder_item = folder(site, name, FOLDER_FILES.len());
                let folder_id = folder_item["id"].as_str().unwrap_or_default().to_owned();
                for (child, size, mime) in FOLDER_FILES {
                    let mut entry = file(site, &format!("{name}/{child}"), size, mime, true);
                    entry["name"] = json!(child);
                    entry["parentReference"]["id"] = json!(folder_id);
                    let drive = format!("b!{}", drive_suffix(site));
                    items.push(SimItem::child(&drive, &folder_id, entry));
                }
                folder_item
            }
        };
        let mut share = SimShare::new(&url, drive_item).with_permission(permission);
        if made_for_member_only(made) {
            share = share.only_for(&[DEMO_MEMBER_OID]);
        }
        shares.push(share);
        links.push(SharedLink {
            url,
            name: name.to_owned(),
            status,
            folder: mime.is_none(),
            what,
        });
    }
    (links, shares, items)
}

fn made_for_member_only(made: Made) -> bool {
    matches!(made, Made::NotForGuest)
}

/// The page's twenty links, in the order a page shows them.
pub fn shared_with_you_links() -> Vec<SharedLink> {
    build(SystemTime::now()).0
}

/// The shares and folder items of the page, for a running simulator.
pub(crate) fn shared_with_you_parts() -> (Vec<SharedLink>, Vec<SimShare>, Vec<SimItem>) {
    build(SystemTime::now())
}

impl Scenario {
    /// [`Scenario::demo`] plus the demo guest's "shared with you" page:
    /// the twenty links of [`shared_with_you_links`].
    pub fn shared_with_you() -> Self {
        let (_, shares, items) = build(SystemTime::now());
        let mut scenario = Self::demo();
        scenario.shares.extend(shares);
        scenario.items.extend(items);
        scenario
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_holds_twenty_links_of_every_kind_the_demo_needs() {
        let links = shared_with_you_links();
        assert_eq!(links.len(), 20);
        let mut urls: Vec<&str> = links.iter().map(|l| l.url.as_str()).collect();
        urls.sort_unstable();
        urls.dedup();
        assert_eq!(urls.len(), 20, "distinct links");
        for extension in [".docx", ".xlsx", ".pptx", ".pdf", ".png"] {
            assert!(
                links.iter().any(|l| l.name.ends_with(extension)),
                "{extension}"
            );
        }
        let count = |f: &dyn Fn(&SharedLink) -> bool| links.iter().filter(|l| f(l)).count();
        assert_eq!(count(&|l| l.folder), 1);
        assert_eq!(count(&|l| l.status == 403), 1);
        assert_eq!(count(&|l| l.status == 404), 1);
        assert!(count(&|l| l.what.contains("blocks downloads")) >= 2);
        assert!(count(&|l| l.what.contains("expires in")) >= 2);
        assert!(count(&|l| l.what.starts_with("edit")) >= 3);
        for link in &links {
            assert!(
                link.url.starts_with("https://contoso.sharepoint.com/:"),
                "{}",
                link.url
            );
        }
        assert_eq!(shared_with_you_links(), links, "deterministic");
    }

    #[test]
    fn items_have_sharepoint_ids_and_blocked_links_no_download() {
        let (_, shares, items) = build(SystemTime::now());
        for share in &shares {
            let item = &share.drive_item;
            let id = item["id"].as_str().unwrap_or_default();
            assert_eq!(id.len(), 34, "{id}");
            let download = item.get("@microsoft.graph.downloadUrl");
            let file = item.get("file").is_some();
            assert_eq!(
                download.is_some(),
                file && !share.permission.prevents_download,
                "{}",
                item["name"]
            );
        }
        assert_eq!(items.len(), FOLDER_FILES.len());
        assert!(
            items
                .iter()
                .all(|i| i.drive_id == super::super::demo_drive_id())
        );
    }
}
