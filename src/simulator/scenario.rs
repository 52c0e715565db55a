//! What the simulated tenant holds: users and how they behave, shares,
//! sites, and hydration timing.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

/// The demo tenant.
pub const DEMO_TENANT: &str = "5f1c2f7a-7d4e-4e7b-9a51-1d2c3b4a5f60";
/// A cold guest of the demo tenant.
pub const DEMO_GUEST_OID: &str = "a1b2c3d4-0000-4000-8000-000000000001";
/// A member of the demo tenant.
pub const DEMO_MEMBER_OID: &str = "a1b2c3d4-0000-4000-8000-000000000002";
/// The demo's main sharing link (everyone may read it).
pub const DEMO_SHARE_URL: &str =
    "https://contoso.sharepoint.com/:w:/s/Marketing/EaBcDeFgHiJkLmNoPqRsTuVw?e=4f2Kx9";
/// A Teams-site link.
pub const DEMO_TEAMS_SHARE_URL: &str =
    "https://contoso.sharepoint.com/:x:/t/Engineering/EdCbA9876543210zyxwvuTSRQ?e=Zz1Yy2";
/// A plain document URL.
pub const DEMO_DOC_URL: &str =
    "https://contoso.sharepoint.com/sites/Marketing/Shared%20Documents/Doc.docx";
/// A link only the member may open.
pub const DEMO_PRIVATE_SHARE_URL: &str =
    "https://contoso.sharepoint.com/:b:/s/Marketing/EPrivateOnlyForMember000?e=q1";

/// How a user's calls go, beyond hydration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Behaviour {
    Normal,
    /// `/shares` answers 403 with the MFA marker.
    MfaMissing,
    /// `/shares` answers `status` (401 or 403) with an insufficient_claims challenge.
    ClaimsChallenge {
        status: u16,
    },
    /// Every call: 401 "token expired" though `exp` looks fine (revoked, clock).
    TokenExpiredAtGraph,
    /// Every call: 401 InvalidAuthenticationToken for another reason.
    TokenInvalidAtGraph,
    /// Stays cold whatever warm-up happens.
    NeverHydrates,
}

/// A user of the simulated tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimUser {
    pub tid: String,
    pub oid: String,
    /// Guests are cold until a warm-up; members are always hydrated.
    pub guest: bool,
    pub behaviour: Behaviour,
}

impl SimUser {
    pub fn guest(tid: &str, oid: &str) -> Self {
        Self {
            tid: tid.to_owned(),
            oid: oid.to_owned(),
            guest: true,
            behaviour: Behaviour::Normal,
        }
    }

    pub fn member(tid: &str, oid: &str) -> Self {
        Self {
            guest: false,
            ..Self::guest(tid, oid)
        }
    }

    pub fn with(self, behaviour: Behaviour) -> Self {
        Self { behaviour, ..self }
    }
}

/// Who may open a share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    Everyone,
    Only(Vec<String>),
}

/// A sharing link and the driveItem behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct SimShare {
    pub url: String,
    pub drive_item: Value,
    pub allowed: Access,
}

impl SimShare {
    pub fn new(url: &str, drive_item: Value) -> Self {
        Self {
            url: url.to_owned(),
            drive_item,
            allowed: Access::Everyone,
        }
    }

    pub fn only_for(self, oids: &[&str]) -> Self {
        Self {
            allowed: Access::Only(oids.iter().map(|s| (*s).to_owned()).collect()),
            ..self
        }
    }

    /// The share's `s!` alias: deterministic, derived from its URL.
    pub fn s_id(&self) -> String {
        use std::hash::{DefaultHasher, Hash, Hasher};
        let mut bytes = Vec::with_capacity(16);
        for salt in 0u8..2 {
            let mut h = DefaultHasher::new();
            (salt, &self.url).hash(&mut h);
            bytes.extend_from_slice(&h.finish().to_be_bytes());
        }
        format!("s!{}", URL_SAFE_NO_PAD.encode(&bytes[..12]))
    }
}

/// The whole simulated tenant.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub users: Vec<SimUser>,
    pub shares: Vec<SimShare>,
    /// Known sites: `(host, "sites/Name" | "teams/Name")`.
    pub sites: Vec<(String, String)>,
    /// A warm-up takes effect this long after it happened.
    pub hydration_lag: Duration,
    /// A hydration lasts this long.
    pub hydration_lifetime: Duration,
    /// Added before every answer (simulated round trip).
    pub latency: Duration,
    /// Tokens of unknown users are auto-registered as cold guests.
    pub unknown_users_are_guests: bool,
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            users: Vec::new(),
            shares: Vec::new(),
            sites: Vec::new(),
            hydration_lag: Duration::ZERO,
            hydration_lifetime: Duration::from_secs(4 * 3600),
            latency: Duration::ZERO,
            unknown_users_are_guests: true,
        }
    }
}

impl Scenario {
    /// Contoso: a guest, a member, two sites and four links.
    pub fn demo() -> Self {
        Self {
            users: vec![
                SimUser::guest(DEMO_TENANT, DEMO_GUEST_OID),
                SimUser::member(DEMO_TENANT, DEMO_MEMBER_OID),
            ],
            shares: vec![
                SimShare::new(
                    DEMO_SHARE_URL,
                    drive_item(
                        "Launch plan.docx",
                        "sites/Marketing",
                        48_211,
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        1,
                    ),
                ),
                SimShare::new(
                    DEMO_TEAMS_SHARE_URL,
                    drive_item(
                        "Roadmap.xlsx",
                        "teams/Engineering",
                        23_904,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        2,
                    ),
                ),
                SimShare::new(
                    DEMO_DOC_URL,
                    drive_item(
                        "Doc.docx",
                        "sites/Marketing",
                        12_288,
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        3,
                    ),
                ),
                SimShare::new(
                    DEMO_PRIVATE_SHARE_URL,
                    drive_item(
                        "Budget.pdf",
                        "sites/Marketing",
                        310_455,
                        "application/pdf",
                        4,
                    ),
                )
                .only_for(&[DEMO_MEMBER_OID]),
            ],
            sites: vec![
                (
                    "contoso.sharepoint.com".to_owned(),
                    "sites/Marketing".to_owned(),
                ),
                (
                    "contoso.sharepoint.com".to_owned(),
                    "teams/Engineering".to_owned(),
                ),
            ],
            ..Self::default()
        }
    }
}

/// A realistic SharePoint driveItem (GRAPH-FACTS §2c/2d formats).
fn drive_item(name: &str, site: &str, size: u64, mime: &str, n: u32) -> Value {
    let guid = format!("86EB4C8E-D20D-46B9-AD41-23B8868DDA{n:02}");
    let web = format!(
        "https://contoso.sharepoint.com/{site}/Shared%20Documents/{}",
        name.replace(' ', "%20")
    );
    json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#driveItem",
        "@microsoft.graph.downloadUrl": format!("https://contoso.sharepoint.com/{site}/_layouts/15/download.aspx?UniqueId={}&tempauth=v1.simulated&ApiVersion=2.0", guid.to_lowercase()),
        "createdDateTime": "2026-03-21T20:01:37Z",
        "eTag": format!("\"{{{guid}}},1\""),
        "id": format!("01J7TAN47MQKAQ52K64ZAZNORXENAPQ4{n:02}"),
        "lastModifiedDateTime": "2026-11-02T09:14:05Z",
        "name": name,
        "webUrl": web,
        "cTag": format!("\"c:{{{}}},1\"", guid.to_lowercase()),
        "size": size,
        "createdBy": {"user": {"email": "owner@contoso.com", "id": "efee1b77-fb3b-4f65-99d6-274c11914d12", "displayName": "Megan Bowen"}},
        "lastModifiedBy": {"user": {"email": "owner@contoso.com", "id": "efee1b77-fb3b-4f65-99d6-274c11914d12", "displayName": "Megan Bowen"}},
        "parentReference": {
            "driveType": "documentLibrary",
            "driveId": "b!k4l2zKLNsk61Log2MF8UIBtTYFV52M5EtW4ZTyYF38gyZs2y-wOfSL0tPWbYys-4",
            "id": "01J7TAN47NQRXENAPQ46LEHUVQ56V5HQX2",
            "path": "/drive/root:",
            "siteId": "cc767111-5a47-4ef3-8b8f-23b4ab3a1c40"
        },
        "file": {"mimeType": mime, "hashes": {"quickXorHash": "VogBCOhQhjnQAQRkBAMdwgAAAAA="}},
        "fileSystemInfo": {"createdDateTime": "2026-03-21T20:01:37Z", "lastModifiedDateTime": "2026-11-02T09:14:05Z"},
        "shared": {"scope": "users"}
    })
}
