//! The identity settings (`AUTH_MODE` and the variables that go with it),
//! as `configuration` reads them.

use secrecy::SecretString;

use crate::cloud::Cloud;

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

/// The function's own credential at the token endpoint (`obo`): exactly one.
#[derive(Debug, Clone)]
pub enum OboCredential {
    /// `OBO_CLIENT_SECRET` or `OBO_CLIENT_SECRET_ARN`.
    Secret(OboSecret),
    /// `OBO_CLIENT_CERTIFICATE_ARN` or `OBO_CLIENT_CERTIFICATE_PATH`.
    Certificate(CertificateSource),
    /// `OBO_CLIENT_ASSERTION=aws-web-identity`: STS `GetWebIdentityToken`.
    AwsWebIdentity,
}

/// Where the certificate credential's PEM (key and certificate) is.
#[derive(Debug, Clone)]
pub enum CertificateSource {
    /// A Secrets Manager secret's ARN (production).
    Arn(String),
    /// A local file.
    Path(std::path::PathBuf),
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
    pub obo_credential: Option<OboCredential>,
    /// The AWS SDK's configuration for STS; `None`: from the environment
    /// (tests pass one pointing at the simulator).
    pub aws: Option<aws_config::SdkConfig>,
    /// The identity platform, without a trailing slash (`LOGIN_BASE_URL`,
    /// else the cloud's).
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
            obo_credential: None,
            aws: None,
            login_base_url: Cloud::Global.login_base_url().to_owned(),
        }
    }
}
