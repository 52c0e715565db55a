//! The demo tenant (Contoso): a cold guest, a member, two sites and four
//! links with realistic SharePoint driveItems (docs/graph-facts.md#2-driveitem-shapes).

use serde_json::{Value, json};

use super::scenario::{Scenario, SimItem, SimShare, SimUser};
use super::sites::{guid_from, site_id};
use super::token::TokenBuilder;

/// The demo tenant id.
pub const DEMO_TENANT: &str = "5f1c2f7a-7d4e-4e7b-9a51-1d2c3b4a5f60";
/// The demo tenant's SharePoint host.
pub const DEMO_HOST: &str = "contoso.sharepoint.com";
/// A cold guest of the demo tenant.
pub const DEMO_GUEST_OID: &str = "a1b2c3d4-0000-4000-8000-000000000001";
/// A member of the demo tenant (always hydrated).
pub const DEMO_MEMBER_OID: &str = "a1b2c3d4-0000-4000-8000-000000000002";
/// The demo's main sharing link, `Launch plan.docx` (everyone).
pub const DEMO_SHARE_URL: &str =
    "https://contoso.sharepoint.com/:w:/s/Marketing/EaBcDeFgHiJkLmNoPqRsTuVw?e=4f2Kx9";
/// A Teams-site link, `Roadmap.xlsx` (everyone).
pub const DEMO_TEAMS_SHARE_URL: &str =
    "https://contoso.sharepoint.com/:x:/t/Engineering/EdCbA9876543210zyxwvuTSRQ?e=Zz1Yy2";
/// A plain document URL, `Doc.docx` (everyone).
pub const DEMO_DOC_URL: &str =
    "https://contoso.sharepoint.com/sites/Marketing/Shared%20Documents/Doc.docx";
/// A shared folder, `Project files` (everyone): five children, two of them
/// folders (`Specs`, holding `Archive`, and `Designs`).
pub const DEMO_FOLDER_URL: &str =
    "https://contoso.sharepoint.com/:f:/s/Marketing/EFolderProjectFiles0000000?e=Fo1d3r";
/// The demo folder's item id.
pub const DEMO_FOLDER_ID: &str = "01FOLDERPROJECTFILES00000000000000";
/// A link only the member may open, `Budget.pdf`.
pub const DEMO_PRIVATE_SHARE_URL: &str =
    "https://contoso.sharepoint.com/:b:/s/Marketing/EPrivateOnlyForMember000?e=q1";

pub(crate) const DOCX: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
pub(crate) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

impl Scenario {
    /// Contoso: [`DEMO_GUEST_OID`] (cold guest), [`DEMO_MEMBER_OID`], the
    /// sites `sites/Marketing` and `teams/Engineering`, and four links.
    pub fn demo() -> Self {
        let item = |id, name, site, size, mime| DemoItem {
            id,
            name,
            site,
            size,
            mime,
        };
        Self {
            users: vec![
                SimUser::guest(DEMO_TENANT, DEMO_GUEST_OID),
                SimUser::member(DEMO_TENANT, DEMO_MEMBER_OID),
            ],
            shares: vec![
                SimShare::new(
                    DEMO_SHARE_URL,
                    item(
                        "01J7TAN47MQKAQ52K64ZAZNORXENAPQ46L",
                        "Launch plan.docx",
                        "sites/Marketing",
                        48_211,
                        DOCX,
                    )
                    .json(),
                ),
                SimShare::new(
                    DEMO_TEAMS_SHARE_URL,
                    item(
                        "01QWERTYZ5LKJH3GFDSAZXCVBN2MPOIU7Y",
                        "Roadmap.xlsx",
                        "teams/Engineering",
                        23_904,
                        XLSX,
                    )
                    .json(),
                ),
                SimShare::new(
                    DEMO_DOC_URL,
                    item(
                        "01NKDM7HMOJTVYMDOSXFDK2QJDXCDI3WUK",
                        "Doc.docx",
                        "sites/Marketing",
                        12_288,
                        DOCX,
                    )
                    .json(),
                ),
                SimShare::new(
                    DEMO_PRIVATE_SHARE_URL,
                    item(
                        "01BUDGETPDFX6Y2ZQ3RT4UV5WA7BCDEFGH",
                        "Budget.pdf",
                        "sites/Marketing",
                        310_455,
                        "application/pdf",
                    )
                    .json(),
                )
                .only_for(&[DEMO_MEMBER_OID]),
                SimShare::new(
                    DEMO_FOLDER_URL,
                    entry(DEMO_FOLDER_ID, "Project files", Entry::Folder(5), None),
                ),
            ],
            items: demo_folder(),
            sites: vec![
                (DEMO_HOST.to_owned(), "sites/Marketing".to_owned()),
                (DEMO_HOST.to_owned(), "teams/Engineering".to_owned()),
            ],
            ..Self::default()
        }
    }
}

/// A demo guest's token ([`DEMO_TENANT`], [`DEMO_GUEST_OID`]), valid for 24 h.
pub fn demo_guest_token() -> String {
    TokenBuilder::guest(DEMO_TENANT, DEMO_GUEST_OID)
        .expires_in(24 * 3600)
        .build()
}

/// The demo drive's id (the Marketing site's document library).
pub fn demo_drive_id() -> String {
    format!("b!{}", drive_suffix("sites/Marketing"))
}

/// What a folder entry is.
enum Entry {
    /// A folder with this many children.
    Folder(u32),
    /// A file: size and MIME type.
    File(u64, &'static str),
}

/// A driveItem of the demo folder's tree, in the shape Graph lists them.
fn entry(id: &str, name: &str, kind: Entry, parent: Option<&str>) -> Value {
    let web = format!(
        "https://{DEMO_HOST}/sites/Marketing/Shared%20Documents/{}",
        name.replace(' ', "%20")
    );
    let mut item = json!({
        "createdDateTime": "2026-03-21T20:01:37Z",
        "eTag": format!("\"{{{}}},1\"", guid_from(id).to_uppercase()),
        "id": id,
        "lastModifiedDateTime": "2026-11-02T09:14:05Z",
        "name": name,
        "webUrl": web,
        "parentReference": {
            "driveType": "documentLibrary",
            "driveId": demo_drive_id(),
            "id": parent.unwrap_or("01J7TAN47N6Y2GOVW7725BZO354PWSELRR"),
            "siteId": site_id(DEMO_HOST, "sites/Marketing")
        },
    });
    match kind {
        Entry::Folder(count) => {
            item["size"] = json!(0);
            item["folder"] = json!({"childCount": count});
        }
        Entry::File(size, mime) => {
            item["size"] = json!(size);
            item["file"] = json!({"mimeType": mime});
        }
    }
    item
}

/// `Project files`: `Specs/` (`Requirements.docx`, `Archive/` with
/// `Old spec.docx`), `Designs/` (`Mockup.png`), `Budget.xlsx`, `Notes.txt`,
/// `Logo.png`.
fn demo_folder() -> Vec<SimItem> {
    const SPECS: &str = "01FOLDERSPECS000000000000000000000";
    const ARCHIVE: &str = "01FOLDERARCHIVE0000000000000000000";
    const DESIGNS: &str = "01FOLDERDESIGNS0000000000000000000";
    // (parent, id, name, what): one line a child, in listing order.
    #[rustfmt::skip]
    let tree = [
        (DEMO_FOLDER_ID, SPECS, "Specs", Entry::Folder(2)),
        (DEMO_FOLDER_ID, DESIGNS, "Designs", Entry::Folder(1)),
        (DEMO_FOLDER_ID, "01FILEBUDGETXLSX", "Budget.xlsx", Entry::File(23_904, XLSX)),
        (DEMO_FOLDER_ID, "01FILENOTESTXT", "Notes.txt", Entry::File(1_024, "text/plain")),
        (DEMO_FOLDER_ID, "01FILELOGOPNG", "Logo.png", Entry::File(80_112, "image/png")),
        (SPECS, "01FILEREQUIREMENTS", "Requirements.docx", Entry::File(40_960, DOCX)),
        (SPECS, ARCHIVE, "Archive", Entry::Folder(1)),
        (ARCHIVE, "01FILEOLDSPEC", "Old spec.docx", Entry::File(30_720, DOCX)),
        (DESIGNS, "01FILEMOCKUPPNG", "Mockup.png", Entry::File(512_000, "image/png")),
    ];
    let drive = demo_drive_id();
    tree.into_iter()
        .map(|(parent, id, name, kind)| {
            SimItem::child(&drive, parent, entry(id, name, kind, Some(parent)))
        })
        .collect()
}

/// A file of a demo site's document library.
pub(crate) struct DemoItem<'a> {
    pub(crate) id: &'a str,
    pub(crate) name: &'a str,
    pub(crate) site: &'a str,
    pub(crate) size: u64,
    pub(crate) mime: &'a str,
}

impl DemoItem<'_> {
    /// A SharePoint file driveItem: `"{GUID},1"` eTag (upper case), `"c:{guid},1"`
    /// cTag (lower case), `b!` drive id, composite site id, download URL.
    pub(crate) fn json(&self) -> Value {
        let guid = guid_from(self.id).to_uppercase();
        let lower = guid.to_lowercase();
        let site_url = format!("https://{DEMO_HOST}/{}", self.site);
        let owner = json!({"user": {
            "email": "megan.bowen@contoso.com",
            "id": "efee1b77-fb3b-4f65-99d6-274c11914d12",
            "displayName": "Megan Bowen"
        }});
        json!({
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#driveItem",
            "@microsoft.graph.downloadUrl": format!(
                "{site_url}/_layouts/15/download.aspx?UniqueId={lower}&Translate=false&tempauth=v1.simulated&ApiVersion=2.0"
            ),
            "createdDateTime": "2026-03-21T20:01:37Z",
            "eTag": format!("\"{{{guid}}},1\""),
            "id": self.id,
            "lastModifiedDateTime": "2026-11-02T09:14:05Z",
            "name": self.name,
            "webUrl": format!("{site_url}/Shared%20Documents/{}", self.name.replace(' ', "%20")),
            "cTag": format!("\"c:{{{lower}}},1\""),
            "size": self.size,
            "createdBy": owner,
            "lastModifiedBy": owner,
            "parentReference": {
                "driveType": "documentLibrary",
                "driveId": format!("b!{}", drive_suffix(self.site)),
                "id": "01J7TAN47N6Y2GOVW7725BZO354PWSELRR",
                "name": "Shared Documents",
                "path": "/drive/root:",
                "siteId": site_id(DEMO_HOST, self.site)
            },
            "file": {"mimeType": self.mime, "hashes": {"quickXorHash": "VogBCOhQhjnQAQRkBAMdwgAAAAA="}},
            "fileSystemInfo": {
                "createdDateTime": "2026-03-21T20:01:37Z",
                "lastModifiedDateTime": "2026-11-02T09:14:05Z"
            },
            "shared": {"scope": "users"}
        })
    }
}

/// A 64-character drive id body, one per site (`b!` + base64url, as real ones).
pub(crate) fn drive_suffix(site: &str) -> String {
    use base64::Engine;
    let seed = format!("{}{}", guid_from(site), guid_from(&format!("drive:{site}")));
    let bytes: Vec<u8> = seed.bytes().filter(u8::is_ascii_hexdigit).collect();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes[..48])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_items_have_sharepoint_shapes() {
        let scenario = Scenario::demo();
        assert_eq!(scenario.shares.len(), 5);
        for share in scenario.shares.iter().filter(|s| s.url != DEMO_FOLDER_URL) {
            let item = &share.drive_item;
            let id = item["id"].as_str().unwrap_or_default();
            assert_eq!(id.len(), 34, "{id}");
            assert!(id.starts_with("01"));
            let etag = item["eTag"].as_str().unwrap_or_default();
            assert!(etag.starts_with("\"{") && etag.ends_with("},1\""), "{etag}");
            assert!(
                item["cTag"]
                    .as_str()
                    .unwrap_or_default()
                    .starts_with("\"c:{")
            );
            let drive = item["parentReference"]["driveId"]
                .as_str()
                .unwrap_or_default();
            assert!(drive.starts_with("b!") && drive.len() == 66, "{drive}");
            assert!(item["file"]["hashes"]["quickXorHash"].is_string());
            assert!(item["@microsoft.graph.downloadUrl"].is_string());
        }
    }
}
