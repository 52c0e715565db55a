//! The resolver's error: why a request ended without a driveItem.

use std::time::Duration;

use crate::graph::{GraphRejection, GraphTrouble};
use crate::retry::GiveUp;

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

impl From<GiveUp> for ResolveError {
    fn from(reason: GiveUp) -> Self {
        match reason {
            GiveUp::Rejected(rejection) => Self::Rejected(rejection),
            GiveUp::Throttled { retry_after } => Self::Throttled { retry_after },
            GiveUp::HydrationExhausted { retry_after } => Self::HydrationExhausted { retry_after },
            GiveUp::GraphUnavailable { cause, retry_after } => {
                Self::GraphUnavailable { cause, retry_after }
            }
        }
    }
}
