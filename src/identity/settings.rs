//! The identity settings (`AUTH_MODE` and the variables that go with it),
//! as `configuration` reads them.

use secrecy::SecretString;

/// `AUTH_MODE`: how the caller's identity is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthMode {
    /// The caller's Graph token, peeked (Graph is the authority).
    #[default]
    Graph,
    /// A token for this API, verified, exchanged On-Behalf-Of the user.
    Obo,
}

/// Where the `obo` mode's client secret comes from.
#[derive(Debug, Clone)]
pub enum OboSecret {
    /// `OBO_CLIENT_SECRET` (local use, tests).
    Value(SecretString),
    /// `OBO_CLIENT_SECRET_ARN`: read once per cold start from Secrets Manager.
    Arn(String),
}

/// The identity settings (contract: "Identity modes").
#[derive(Debug, Clone)]
pub struct IdentitySettings {
    pub mode: AuthMode,
    /// Lower-case tenant GUIDs whose tokens are served; `None`: any
    /// (`graph` mode only: `obo` requires the list).
    pub allowed_tenants: Option<Vec<String>>,
    /// `aud` values of this API's tokens (`obo`).
    pub api_audience: Vec<String>,
    /// Lower-case client ids (GUIDs) of the frontends whose tokens are
    /// served (`azp`; `obo` requires the list).
    pub allowed_client_apps: Vec<String>,
    pub required_scope: String,
    pub obo_client_id: Option<String>,
    pub obo_secret: Option<OboSecret>,
    /// The identity platform, without a trailing slash.
    pub login_base_url: String,
}

impl Default for IdentitySettings {
    fn default() -> Self {
        Self {
            mode: AuthMode::Graph,
            allowed_tenants: None,
            api_audience: Vec::new(),
            allowed_client_apps: Vec::new(),
            required_scope: "access_as_user".to_owned(),
            obo_client_id: None,
            obo_secret: None,
            login_base_url: "https://login.microsoftonline.com".to_owned(),
        }
    }
}
