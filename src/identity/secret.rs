//! The `obo` mode's client secret: given directly (`OBO_CLIENT_SECRET`, local
//! use and tests) or read once per cold start from AWS Secrets Manager
//! (`OBO_CLIENT_SECRET_ARN`; `AWS_ENDPOINT_URL_SECRETS_MANAGER` points at a
//! local server in tests). Never logged: errors name the ARN, not the value.

use secrecy::SecretString;

use super::OboSecret;

pub(super) async fn read(source: Option<&OboSecret>) -> Result<SecretString, String> {
    match source {
        None => Err("no OBO client secret configured".to_owned()),
        Some(OboSecret::Value(secret)) => Ok(secret.clone()),
        Some(OboSecret::Arn(arn)) => secret_string(arn).await,
    }
}

/// The plain string of Secrets Manager secret `arn` (a client secret, or a
/// certificate credential's PEM).
pub(super) async fn secret_string(arn: &str) -> Result<SecretString, String> {
    let config = aws_config::load_from_env().await;
    let client = aws_sdk_secretsmanager::Client::new(&config);
    let answer = client
        .get_secret_value()
        .secret_id(arn)
        .send()
        .await
        .map_err(|e| {
            format!(
                "GetSecretValue({arn}): {}",
                aws_sdk_secretsmanager::error::DisplayErrorContext(&e)
            )
        })?;
    answer
        .secret_string()
        .map(|s| SecretString::from(s.to_owned()))
        .ok_or_else(|| format!("{arn} holds no secret string"))
}
