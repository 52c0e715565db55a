//! share-resolver: resolves SharePoint/OneDrive sharing links for B2B guests
//! through Microsoft Graph, warming up ("hydrating") their identity first.
//!
//! Flow goes one way: `http` → `identity` (who calls) → `resolver` (the
//! request's orchestration) → (`warmup`, `hydration`, `graph`), with
//! `retry` (the retry decision and its timing) used by the resolver; the
//! domain types (`share_id`, `drive_item`, `query_options`, `prefer`, the
//! warm-up strategies) are parsed at the edge and used below it. Nothing
//! below calls up. `docs/architecture.md` has the modules and walks one
//! request through.
//!
//! Public: what `main`, the test kit and the benchmark build the service
//! from. Everything else is crate-private.

pub mod clock;
pub mod cloud;
pub mod configuration;
mod drive_item;
/// Fuzzing entry points (`fuzz/`): built for cargo-fuzz (`--cfg fuzzing`) and
/// for the corpus replay in `cargo test`, never into the service.
#[cfg(any(test, fuzzing))]
pub mod fuzzing;
mod graph;
mod http;
pub mod hydration;
pub mod identity;
pub mod metrics;
mod prefer;
mod preview;
mod problem_code;
mod query_options;
mod resolver;
pub mod retry;
mod scope;
mod share_id;
pub mod startup;
pub mod telemetry;
pub mod warmup;

pub use http::openapi_document;
