//! The resolver's error: why a request ended without a driveItem.

use std::sync::Arc;
use std::time::Duration;

use crate::graph::GraphRejection;

/// Everything that ends a resolution without a driveItem.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ResolveError {
    /// Graph refused, for a reason retrying cannot change.
    #[error(transparent)]
    Rejected(GraphRejection),
    #[error("Graph kept throttling until the deadline")]
    Throttled { retry_after: Duration },
    #[error("the share kept answering hydration 401s after every warm-up")]
    HydrationExhausted { retry_after: Duration },
    #[error("Graph was unavailable until the deadline")]
    GraphUnavailable {
        #[source]
        cause: GraphTrouble,
        retry_after: Option<Duration>,
    },
    #[error("the deadline of {0:?} ran out mid-call")]
    DeadlineExceeded(Duration),
}

/// What went wrong with Graph when it was unavailable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphTrouble {
    #[error("Graph answered HTTP {0}")]
    Status(u16),
    /// No answer came; the cause is kept (its message holds no URL).
    #[error("no answer from Graph: {0}")]
    Transport(Arc<str>),
}
