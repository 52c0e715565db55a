//! An item inside a shared folder, as a browsing guest names it:
//! `/drives/{driveId}/items/{itemId}`. Parsed once at the edge, so only
//! Graph's own id alphabets ever reach a Graph path.

use std::fmt;

/// Longest `driveId` accepted (after `b!`).
const MAX_DRIVE_ID: usize = 256;
/// Longest `itemId` accepted.
const MAX_ITEM_ID: usize = 128;

/// Why a drive or item id is not one (`invalid_share`, no Graph call).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ItemRefError {
    #[error(
        "the driveId must be b! followed by 1 to {MAX_DRIVE_ID} base64url characters (A-Z a-z 0-9 - _)"
    )]
    DriveId,
    #[error("the itemId must be root or 1 to {MAX_ITEM_ID} letters and digits")]
    ItemId,
}

/// A SharePoint/OneDrive for Business drive id: `b!` and base64url.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriveId(String);

impl DriveId {
    pub fn parse(s: &str) -> Result<Self, ItemRefError> {
        let base64url = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        match s.strip_prefix("b!") {
            Some(rest)
                if !rest.is_empty()
                    && rest.len() <= MAX_DRIVE_ID
                    && rest.chars().all(base64url) =>
            {
                Ok(Self(s.to_owned()))
            }
            _ => Err(ItemRefError::DriveId),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A driveItem id (letters and digits, as Graph's are) or `root`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemId(String);

impl ItemId {
    pub fn parse(s: &str) -> Result<Self, ItemRefError> {
        let ok =
            !s.is_empty() && s.len() <= MAX_ITEM_ID && s.chars().all(|c| c.is_ascii_alphanumeric());
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(ItemRefError::ItemId)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One item of one drive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRef {
    pub drive: DriveId,
    pub item: ItemId,
}

impl ItemRef {
    /// Parses both path segments (axum has percent-decoded them).
    pub fn parse(drive: &str, item: &str) -> Result<Self, ItemRefError> {
        Ok(Self {
            drive: DriveId::parse(drive)?,
            item: ItemId::parse(item)?,
        })
    }
}

impl fmt::Display for ItemRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.drive.0, self.item.0)
    }
}

/// The OpenAPI schemas of the ids, from the limits above.
mod schema {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
    use utoipa::{PartialSchema, ToSchema};

    use super::{DriveId, ItemId, MAX_DRIVE_ID, MAX_ITEM_ID};

    /// Graph's drive id, as `parentReference.driveId` carries it.
    impl PartialSchema for DriveId {
        fn schema() -> RefOr<Schema> {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(format!("^b![A-Za-z0-9_-]{{1,{MAX_DRIVE_ID}}}$")))
                .examples(["b!SimDriveContosoMarketing0000000000000000000000000000000000000001"])
                .into()
        }
    }

    impl ToSchema for DriveId {}

    /// A driveItem id, or `root`.
    impl PartialSchema for ItemId {
        fn schema() -> RefOr<Schema> {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(format!("^[A-Za-z0-9]{{1,{MAX_ITEM_ID}}}$")))
                .examples(["01SIMFOLDERSUBFOLDER0000000000000A"])
                .into()
        }
    }

    impl ToSchema for ItemId {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drive_and_item_ids_are_graphs_alphabets_only() {
        let drive = format!("b!{}", "a".repeat(256));
        for (d, i, ok, why) in [
            ("b!x3Fz-_9", "01ABCDEF", true, "plain ids"),
            ("b!x", "root", true, "the drive's root"),
            (drive.as_str(), "A", true, "the longest drive id"),
            ("b!", "01A", false, "nothing after b!"),
            ("x3Fz", "01A", false, "no b! prefix"),
            ("b!a/b", "01A", false, "a slash"),
            ("b!a%2Fb", "01A", false, "an escape"),
            ("b!a=", "01A", false, "padding"),
            ("b!a b", "01A", false, "a space"),
            ("b!a", "", false, "an empty item id"),
            ("b!a", "..", false, "a dot-segment"),
            ("b!a", "01A!", false, "punctuation"),
            ("b!a", "01A-B", false, "a dash"),
            ("b!a", "é", false, "non-ASCII"),
        ] {
            assert_eq!(ItemRef::parse(d, i).is_ok(), ok, "{why}: {d} {i}");
        }
        let too_long = format!("b!{}", "a".repeat(257));
        assert_eq!(ItemRef::parse(&too_long, "A"), Err(ItemRefError::DriveId));
        assert_eq!(
            ItemRef::parse("b!a", &"A".repeat(129)),
            Err(ItemRefError::ItemId)
        );
        assert!(ItemRef::parse("b!a", &"A".repeat(128)).is_ok());
    }
}
