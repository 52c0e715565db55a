//! share-resolver: resolves SharePoint/OneDrive sharing links for B2B guests
//! through Microsoft Graph, warming up ("hydrating") their identity first.
//!
//! Flow goes one way: `http` → `resolver` → (`hydration`, `graph`); the
//! domain types (`share_id`, `token`, `warmup`) are parsed at the edge.

pub mod configuration;
pub mod error;
pub mod graph;
pub mod http;
pub mod hydration;
pub mod resolver;
pub mod retry;
pub mod share_id;
pub mod simulator;
pub mod startup;
pub mod telemetry;
pub mod token;
pub mod warmup;
