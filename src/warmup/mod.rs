//! Warm-ups: the SharePoint-backed calls that "hydrate" a guest
//! (`strategy`), the plan of when to warm up again (`plan`, pure), the
//! runner that tries the strategies in order (`runner`), the single-flight
//! memory of who was warmed up when (`ledger`), and the warming lease that
//! makes a warm-up single-flight across instances (`lease`).

mod lease;
mod ledger;
mod plan;
mod runner;
mod strategy;

pub(crate) use lease::{Known, WarmedAt, known};
pub(crate) use ledger::{Ledger, WarmedUp};
pub use strategy::{GroupId, WarmupKind, WarmupOutcome, WarmupPlace, WarmupStrategy, WarmupTarget};
