//! The Microsoft Graph client: one request (a GET, or an action's POST)
//! or a `$batch` of them, their diagnostics, nothing else.
//!
//! Policy (what to retry, when to warm up) lives in `retry` and `resolver`;
//! this module only speaks HTTP and reads what Graph answered (`answer`).

mod answer;
mod batch;
mod client;
mod diagnostics;
mod path;
mod request;

pub use answer::{GraphRejection, GraphTrouble, Verdict, classify, classify_round_trip};
pub use batch::{BatchAnswer, InnerCall, MAX_REQUESTS};
pub use client::{CallLabel, GraphClient, GraphResponse, TransportError};
pub use diagnostics::GraphDiagnostics;
pub(crate) use diagnostics::share_round_trips;
pub use path::GraphPath;
pub use request::GraphRequest;

/// What the fuzz targets call besides the public types.
#[cfg(any(test, fuzzing))]
pub(crate) use {
    answer::parse_retry_after,
    diagnostics::{CallKind, GraphErrorBody},
};
