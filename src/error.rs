//! The one error type of a request. `http::problem` maps it to
//! problem+json, in one place.

use std::time::Duration;

use crate::retry::Fatal;
use crate::share_id::ShareIdError;
use crate::token::TokenError;

/// Everything that can end a request without a driveItem.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ResolveError {
    #[error(transparent)]
    Token(#[from] TokenError),
    #[error(transparent)]
    Share(#[from] ShareIdError),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("no route for {0}")]
    RouteNotFound(String),
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("{0}")]
    Graph(Fatal),
    #[error("Graph kept throttling until the deadline")]
    Throttled { retry_after: Duration },
    #[error("the share kept answering hydration 401s after every warm-up")]
    HydrationExhausted { retry_after: Duration },
    #[error("Graph was unavailable until the deadline: {cause}")]
    GraphUnavailable {
        cause: String,
        retry_after: Option<Duration>,
    },
    #[error("the deadline of {0:?} ran out mid-call")]
    DeadlineExceeded(Duration),
}
