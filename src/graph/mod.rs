//! The Microsoft Graph client: one GET, its diagnostics, nothing else.
//!
//! Policy (what to retry, when to warm up) lives in `retry` and `resolver`;
//! this module only speaks HTTP and reads what Graph answered.

mod client;
mod diagnostics;
mod path;

pub use client::{GraphClient, GraphResponse, TransportError};
pub use diagnostics::{CallKind, GraphDiagnostics, GraphErrorBody};
pub use path::GraphPath;
