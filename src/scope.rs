//! What a request reads of its resource (a share or an item inside a
//! shared folder): the item, its children, the sharing link's permission,
//! or a preview. Query options and the Graph call follow from it.

use crate::preview::PreviewBody;

/// What a route reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The driveItem.
    Item,
    /// A page of its children.
    Children,
    /// The sharing link's permission (a share's only).
    Permission,
    /// Graph's `preview` action, with the caller's options.
    Preview(PreviewBody),
}
