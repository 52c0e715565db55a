//! The shared test kit, as the api tests name it.
pub use share_resolver_testkit::*;
