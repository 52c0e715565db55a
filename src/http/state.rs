//! What every handler and extractor shares: built once per cold start.

use std::sync::Arc;

use crate::identity::Identity;
use crate::resolver::Resolver;
use crate::share_id::HostAllowList;

#[derive(Clone)]
pub(crate) struct AppState {
    pub resolver: Arc<Resolver>,
    pub hosts: Arc<HostAllowList>,
    pub identity: Arc<Identity>,
}
