//! The Microsoft Graph client: one GET, its diagnostics, nothing else.
//!
//! Policy (what to retry, when to warm up) lives in `retry` and `resolver`;
//! this module only speaks HTTP and reads what Graph answered (`answer`).

pub(crate) mod answer;
mod client;
pub(crate) mod diagnostics;
mod path;

pub use answer::{GraphRejection, Verdict, classify};
pub use client::{CallLabel, GraphClient, GraphResponse, TransportError};
pub use diagnostics::GraphDiagnostics;
pub use path::GraphPath;
