//! The API's error: everything that ends a request without a driveItem,
//! from a missing token to Graph's refusal. `problem` maps it to
//! problem+json, in one place.

use crate::drive_item::ItemRefError;
use crate::identity::IdentityError;
use crate::query_options::QueryOptionError;
use crate::resolver::{ResolveError, TargetError};
use crate::share_id::ShareIdError;

/// Why a request got a problem instead of a driveItem.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Identity(#[from] IdentityError),
    #[error(transparent)]
    Share(#[from] ShareIdError),
    #[error(transparent)]
    Item(#[from] ItemRefError),
    #[error(transparent)]
    QueryOption(#[from] QueryOptionError),
    #[error(transparent)]
    Target(#[from] TargetError),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("no route for {0}")]
    RouteNotFound(String),
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    /// A bug: the service panicked while answering. The panic is caught so
    /// the caller still gets a problem, not a dropped connection.
    #[error("the service failed unexpectedly")]
    Internal,
}
