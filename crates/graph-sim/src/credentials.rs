//! Which credentials the simulated API app registration accepts at the
//! token endpoint, and the simulated AWS account whose outbound identity
//! federation issues web identity tokens (STS `GetWebIdentityToken`).
//!
//! As in Entra, an app registration holds client secrets, certificates and
//! federated identity credentials; a request authenticates with any one of
//! them. A registration without a secret refuses every `client_secret`.

/// The simulated AWS account id.
pub const SIM_AWS_ACCOUNT_ID: &str = "123456789012";
/// The role the function runs as: the `sub` of its web identity tokens.
pub const SIM_AWS_ROLE_ARN: &str = "arn:aws:iam::123456789012:role/share-resolver-function";
/// The account's outbound identity federation issuer (AWS's shape:
/// `https://{id}.tokens.sts.global.api.aws`).
pub const SIM_AWS_ISSUER: &str =
    "https://5b0f3c1e-7a2d-4e9b-8c61-0d4f2a9e7b13.tokens.sts.global.api.aws";
/// The `kid` the account's issuer signs with.
pub const SIM_AWS_KEY_ID: &str = "sim-aws-2026-1";
/// The audience Microsoft recommends for federated credentials in the
/// global cloud.
pub const TOKEN_EXCHANGE_AUDIENCE: &str = "api://AzureADTokenExchange";

/// A federated identity credential: an external issuer's tokens with this
/// exact issuer, subject and audience stand for the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FederatedCredential {
    pub issuer: String,
    pub subject: String,
    pub audience: String,
}

impl FederatedCredential {
    /// Trust in the simulated AWS role's tokens for `audience`.
    pub fn aws_role(audience: &str) -> Self {
        Self {
            issuer: SIM_AWS_ISSUER.to_owned(),
            subject: SIM_AWS_ROLE_ARN.to_owned(),
            audience: audience.to_owned(),
        }
    }
}

/// What the registration accepts as its own credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedCredentials {
    /// Its client secret (`Scenario::api_client_secret`) is registered.
    pub secret: bool,
    /// Its certificate (`token::SIM_API_CLIENT_CERT_PEM`) is registered.
    pub certificate: bool,
    pub federated: Vec<FederatedCredential>,
}

impl Default for AcceptedCredentials {
    /// The secret, the certificate and the AWS role's tokens for
    /// [`TOKEN_EXCHANGE_AUDIENCE`].
    fn default() -> Self {
        Self {
            secret: true,
            certificate: true,
            federated: vec![FederatedCredential::aws_role(TOKEN_EXCHANGE_AUDIENCE)],
        }
    }
}

impl AcceptedCredentials {
    /// A registration with no secret: only the certificate.
    pub fn certificate_only() -> Self {
        Self {
            secret: false,
            certificate: true,
            federated: Vec::new(),
        }
    }

    /// A registration with no secret and no certificate: only these
    /// federated credentials.
    pub fn federated_only(federated: Vec<FederatedCredential>) -> Self {
        Self {
            secret: false,
            certificate: false,
            federated,
        }
    }
}
