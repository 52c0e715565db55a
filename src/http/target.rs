//! What a resolve route reads, parsed from its path, query and `Prefer`:
//! the same functions for the single routes' extractors and for the
//! requests inside a batch, so both answer alike.

use super::error::ApiError;
use crate::prefer::Redeem;
use crate::query_options::{QueryOptions, Scope};
use crate::resolver::{Resource, Target};
use crate::share_id::ShareId;

/// `resource` read at `scope` with the route's raw query (`None`: no `?`).
pub(crate) fn target(
    resource: Resource,
    scope: Scope,
    query: Option<&str>,
    redeem: Option<Redeem>,
) -> Result<Target, ApiError> {
    Ok(Target {
        options: QueryOptions::parse(query, scope)?,
        redeem,
        scope,
        ..Target::of(resource)
    })
}

/// A share's driveItem, with no options (a sharing URL whose query a
/// gateway decoded into the path's: it has none of its own).
pub(crate) fn share(share: ShareId, redeem: Option<Redeem>) -> Target {
    Target {
        redeem,
        ..Target::of(Resource::Share(share))
    }
}
