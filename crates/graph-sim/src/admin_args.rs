//! The JSON arguments of the admin routes that change the tenant or mint
//! tokens, for harnesses in other processes and languages (the browser
//! client's tests). Read strictly: an unknown field or value is a `400`, so a
//! typo in a test fails loudly instead of being silently ignored.

use std::time::{Duration, SystemTime};

use serde::Deserialize;
use serde_json::Value;

use super::faults::{Fault, FaultAction, FaultTarget, TokenFault};
use super::permission::{LinkScope, LinkType, SimPermission};
use super::scenario::{Access, Behaviour, SimItem, SimShare, SimUser};
use super::token::{ApiTokenBuilder, TokenBuilder};

/// `POST /_sim/users`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct UserArgs {
    tid: String,
    oid: String,
    /// Guests are cold until a warm-up; members are always hydrated.
    #[serde(default = "yes")]
    guest: bool,
    #[serde(default)]
    behaviour: BehaviourName,
}

/// [`Behaviour`] by name; the claims challenge comes in its two statuses.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
enum BehaviourName {
    #[default]
    Normal,
    MfaMissing,
    ClaimsChallenge401,
    ClaimsChallenge403,
    TokenExpiredAtGraph,
    TokenInvalidAtGraph,
    NeverHydrates,
}

impl UserArgs {
    pub(crate) fn user(self) -> SimUser {
        let behaviour = match self.behaviour {
            BehaviourName::Normal => Behaviour::Normal,
            BehaviourName::MfaMissing => Behaviour::MfaMissing,
            BehaviourName::ClaimsChallenge401 => Behaviour::ClaimsChallenge { status: 401 },
            BehaviourName::ClaimsChallenge403 => Behaviour::ClaimsChallenge { status: 403 },
            BehaviourName::TokenExpiredAtGraph => Behaviour::TokenExpiredAtGraph,
            BehaviourName::TokenInvalidAtGraph => Behaviour::TokenInvalidAtGraph,
            BehaviourName::NeverHydrates => Behaviour::NeverHydrates,
        };
        SimUser {
            tid: self.tid,
            oid: self.oid,
            guest: self.guest,
            behaviour,
        }
    }
}

/// `POST /_sim/faults`: `{"target", "status", "retryAfter", "times"}`, or
/// `{"action": "drop"}`, or `{"action": "delay", "delayMs"}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct FaultArgs {
    #[serde(default)]
    target: TargetName,
    /// `status` (the default when `status` is given), `drop` or `delay`.
    action: Option<ActionName>,
    status: Option<u16>,
    /// Sent verbatim: seconds (`"3"`, `"2.128"`) or an HTTP-date. A JSON
    /// number is taken as seconds too.
    retry_after: Option<Value>,
    delay_ms: Option<u64>,
    #[serde(default = "once")]
    times: u32,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
enum TargetName {
    Shares,
    Warmup,
    Batch,
    Keys,
    #[default]
    Any,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
enum ActionName {
    Status,
    Drop,
    Delay,
}

impl FaultArgs {
    pub(crate) fn fault(self) -> Result<Fault, String> {
        let target = match self.target {
            TargetName::Shares => FaultTarget::Shares,
            TargetName::Warmup => FaultTarget::Warmup,
            TargetName::Batch => FaultTarget::Batch,
            TargetName::Keys => FaultTarget::Keys,
            TargetName::Any => FaultTarget::Any,
        };
        let retry_after = match self.retry_after {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(other) => return Err(format!("retryAfter must be a string, not {other}")),
        };
        let action = match (self.action, self.status, self.delay_ms) {
            (Some(ActionName::Drop), None, None) => FaultAction::DropConnection,
            (Some(ActionName::Delay), None, Some(ms)) => {
                FaultAction::Delay(Duration::from_millis(ms))
            }
            (None | Some(ActionName::Status), Some(status), None)
                if (100..=599).contains(&status) =>
            {
                FaultAction::Status {
                    status,
                    retry_after,
                }
            }
            _ => {
                return Err(
                    "send status (100-599), or action \"drop\", or action \"delay\" with delayMs"
                        .to_owned(),
                );
            }
        };
        Ok(Fault {
            target,
            action,
            times: self.times,
        })
    }
}

/// `POST /_sim/tokens`: a token of the shape Entra would issue: a Graph
/// token (v1), or with `"api": true` a token for the service's own API (v2,
/// `obo` mode). `forge` makes it one Graph or the service must refuse:
/// `signature` (any token), and for API tokens also `algNone`, `hs256`
/// (keyed with the public key) and `unknownKey` (the rogue key).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct TokenArgs {
    tid: String,
    oid: String,
    #[serde(default = "yes")]
    guest: bool,
    #[serde(default)]
    api: bool,
    forge: Option<ForgeName>,
    /// Seconds from now; negative for an expired token. Default 1 h.
    expires_in: Option<i64>,
    /// `aud`, e.g. `https://contoso.sharepoint.com` for a SharePoint token.
    audience: Option<String>,
    /// `scp`, to mint a token without a file-read scope.
    scp: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
enum ForgeName {
    Signature,
    AlgNone,
    Hs256,
    UnknownKey,
}

impl TokenArgs {
    /// The token; `login_base_url` makes an API token's issuer.
    pub(crate) fn token(self, login_base_url: &str, api_scope: &str) -> Result<String, String> {
        if self.api {
            return Ok(self.api_token(login_base_url, api_scope));
        }
        let mut builder = if self.guest {
            TokenBuilder::guest(&self.tid, &self.oid)
        } else {
            TokenBuilder::member(&self.tid, &self.oid)
        };
        if let Some(secs) = self.expires_in {
            builder = builder.expires_in(secs);
        }
        if let Some(audience) = &self.audience {
            builder = builder.aud(audience);
        }
        if let Some(scp) = &self.scp {
            builder = builder.scp(scp);
        }
        match self.forge {
            None => Ok(builder.build()),
            Some(ForgeName::Signature) => Ok(builder.build_forged()),
            Some(_) => Err("a Graph token forges its signature only (forge: \"signature\"); the other forgeries are for API tokens (api: true)".to_owned()),
        }
    }

    fn api_token(self, login_base_url: &str, api_scope: &str) -> String {
        let mut builder = if self.guest {
            ApiTokenBuilder::guest(login_base_url, &self.tid, &self.oid)
        } else {
            ApiTokenBuilder::member(login_base_url, &self.tid, &self.oid)
        }
        .scp(self.scp.as_deref().unwrap_or(api_scope));
        if let Some(secs) = self.expires_in {
            builder = builder.expires_in(secs);
        }
        if let Some(audience) = &self.audience {
            builder = builder.aud(audience);
        }
        match self.forge {
            None => builder.build(),
            Some(ForgeName::Signature) => builder.build_forged(),
            Some(ForgeName::AlgNone) => builder.build_alg_none(),
            Some(ForgeName::Hs256) => builder.build_hs256_with_public_key(),
            Some(ForgeName::UnknownKey) => builder.build_with_unknown_key(super::jwt::ROGUE_KEY_ID),
        }
    }
}

/// `POST /_sim/token-faults`: `{"error": "interactionRequired" |
/// "invalidGrantWithClaims" | "consentRequired" | "invalidClient" |
/// "status" | "delay" | "drop", "claims", "status", "delayMs", "times"}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct TokenFaultArgs {
    error: TokenErrorName,
    /// The claims-challenge JSON (a string), for the two challenges.
    claims: Option<String>,
    status: Option<u16>,
    delay_ms: Option<u64>,
    #[serde(default = "once")]
    times: u32,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
enum TokenErrorName {
    InteractionRequired,
    InvalidGrantWithClaims,
    ConsentRequired,
    InvalidClient,
    Status,
    Delay,
    Drop,
}

/// The claims of a challenge when a harness sends none: a Conditional
/// Access policy id request, as Entra words it.
const DEFAULT_CHALLENGE_CLAIMS: &str = r#"{"access_token":{"polids":{"essential":true,"values":["9ab03e19-ed42-4168-b6b7-7001fb3e933a"]}}}"#;

impl TokenFaultArgs {
    /// The fault and how many token requests it answers.
    pub(crate) fn fault(self) -> Result<(TokenFault, u32), String> {
        let claims = || {
            self.claims
                .clone()
                .unwrap_or_else(|| DEFAULT_CHALLENGE_CLAIMS.to_owned())
        };
        let fault = match (self.error, self.status, self.delay_ms) {
            (TokenErrorName::InteractionRequired, None, None) => {
                TokenFault::InteractionRequired { claims: claims() }
            }
            (TokenErrorName::InvalidGrantWithClaims, None, None) => {
                TokenFault::InvalidGrantWithClaims { claims: claims() }
            }
            (TokenErrorName::ConsentRequired, None, None) if self.claims.is_none() => {
                TokenFault::ConsentRequired
            }
            (TokenErrorName::InvalidClient, None, None) if self.claims.is_none() => {
                TokenFault::InvalidClient
            }
            (TokenErrorName::Status, Some(status), None)
                if (100..=599).contains(&status) && self.claims.is_none() =>
            {
                TokenFault::Status(status)
            }
            (TokenErrorName::Delay, None, Some(ms)) if self.claims.is_none() => {
                TokenFault::Delay(Duration::from_millis(ms))
            }
            (TokenErrorName::Drop, None, None) if self.claims.is_none() => {
                TokenFault::DropConnection
            }
            _ => {
                return Err("send error \"status\" with status (100-599), \"delay\" with delayMs, claims only with the two challenges, nothing else".to_owned());
            }
        };
        Ok((fault, self.times))
    }
}

/// `POST /_sim/shares`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ShareArgs {
    url: String,
    drive_item: Value,
    /// Only these `oid`s may open it; everyone when absent.
    only_for: Option<Vec<String>>,
    /// The link's permission; a view link for specific people when absent.
    permission: Option<PermissionArgs>,
}

/// A share's `permission`: `{"type": "view"|"edit"|"embed", "scope":
/// "anonymous"|"organization"|"users", "preventsDownload", "expiresIn"
/// (seconds from now; negative: already expired), "hasPassword"}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct PermissionArgs {
    #[serde(default, rename = "type")]
    link_type: LinkType,
    #[serde(default)]
    scope: LinkScope,
    #[serde(default)]
    prevents_download: bool,
    expires_in: Option<i64>,
    #[serde(default)]
    has_password: bool,
}

impl PermissionArgs {
    fn permission(self) -> SimPermission {
        let now = SystemTime::now();
        let expires_at = self.expires_in.map(|secs| {
            let by = Duration::from_secs(secs.unsigned_abs());
            if secs < 0 { now - by } else { now + by }
        });
        SimPermission {
            link_type: self.link_type,
            scope: self.scope,
            prevents_download: self.prevents_download,
            expires_at,
            has_password: self.has_password,
        }
    }
}

impl ShareArgs {
    pub(crate) fn share(self) -> SimShare {
        SimShare {
            allowed: self.only_for.map_or(Access::Everyone, Access::Only),
            permission: self
                .permission
                .map(PermissionArgs::permission)
                .unwrap_or_default(),
            ..SimShare::new(&self.url, self.drive_item)
        }
    }
}

/// `POST /_sim/preview`: `{"getUrlOrigin": "https://attacker.example"}`
/// points every preview there; `null` restores the items' hosts.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct PreviewArgs {
    pub(crate) get_url_origin: Option<String>,
}

/// `POST /_sim/items`: `{"driveId", "parentId", "item"}` (the item's
/// `id` is its id; `parentId` absent: listed nowhere).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ItemArgs {
    drive_id: String,
    parent_id: Option<String>,
    item: Value,
}

impl ItemArgs {
    pub(crate) fn item(self) -> Result<SimItem, String> {
        if self.item.get("id").and_then(Value::as_str).is_none() {
            return Err("item needs a string id".to_owned());
        }
        Ok(SimItem {
            drive_id: self.drive_id,
            parent_id: self.parent_id,
            item: self.item,
        })
    }
}

fn yes() -> bool {
    true
}

fn once() -> u32 {
    1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(json: &str) -> Result<Fault, String> {
        serde_json::from_str::<FaultArgs>(json)
            .map_err(|e| e.to_string())
            .and_then(FaultArgs::fault)
    }

    #[test]
    fn faults_read_status_drop_and_delay_and_refuse_mixtures() {
        assert_eq!(
            fault(r#"{"target":"shares","status":429,"retryAfter":"3","times":5}"#),
            Ok(Fault::shares(FaultAction::Status {
                status: 429,
                retry_after: Some("3".into())
            })
            .times(5))
        );
        assert_eq!(
            fault(r#"{"status":503,"retryAfter":2}"#),
            Ok(Fault::any(FaultAction::Status {
                status: 503,
                retry_after: Some("2".into())
            }))
        );
        assert_eq!(
            fault(r#"{"action":"drop","target":"warmup"}"#),
            Ok(Fault::warmup(FaultAction::DropConnection))
        );
        assert_eq!(
            fault(r#"{"target":"batch","status":429,"retryAfter":"7"}"#),
            Ok(Fault::batch(FaultAction::Status {
                status: 429,
                retry_after: Some("7".into())
            }))
        );
        assert_eq!(
            fault(r#"{"target":"keys","status":503}"#),
            Ok(Fault::keys(FaultAction::Status {
                status: 503,
                retry_after: None
            }))
        );
        assert_eq!(
            fault(r#"{"action":"delay","delayMs":250}"#),
            Ok(Fault::any(FaultAction::Delay(Duration::from_millis(250))))
        );
        for bad in [
            r#"{}"#,
            r#"{"status":42}"#,
            r#"{"action":"drop","status":429}"#,
            r#"{"action":"delay"}"#,
            r#"{"status":429,"retryAfter":true}"#,
            r#"{"status":429,"target":"everything"}"#,
            r#"{"status":429,"tiems":2}"#,
        ] {
            assert!(fault(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn token_faults_read_each_error_and_refuse_mixtures() {
        let fault = |json: &str| {
            serde_json::from_str::<TokenFaultArgs>(json)
                .map_err(|e| e.to_string())
                .and_then(TokenFaultArgs::fault)
        };
        assert_eq!(
            fault(r#"{"error":"interactionRequired","claims":"{}","times":2}"#),
            Ok((
                TokenFault::InteractionRequired {
                    claims: "{}".into()
                },
                2
            ))
        );
        assert_eq!(
            fault(r#"{"error":"invalidGrantWithClaims"}"#),
            Ok((
                TokenFault::InvalidGrantWithClaims {
                    claims: DEFAULT_CHALLENGE_CLAIMS.into()
                },
                1
            ))
        );
        assert_eq!(
            fault(r#"{"error":"consentRequired"}"#),
            Ok((TokenFault::ConsentRequired, 1))
        );
        assert_eq!(
            fault(r#"{"error":"invalidClient"}"#),
            Ok((TokenFault::InvalidClient, 1))
        );
        assert_eq!(
            fault(r#"{"error":"status","status":503}"#),
            Ok((TokenFault::Status(503), 1))
        );
        assert_eq!(
            fault(r#"{"error":"delay","delayMs":50}"#),
            Ok((TokenFault::Delay(Duration::from_millis(50)), 1))
        );
        assert_eq!(
            fault(r#"{"error":"drop"}"#),
            Ok((TokenFault::DropConnection, 1))
        );
        for bad in [
            r#"{}"#,
            r#"{"error":"status"}"#,
            r#"{"error":"status","status":700}"#,
            r#"{"error":"consentRequired","claims":"{}"}"#,
            r#"{"error":"delay"}"#,
            r#"{"error":"sulk"}"#,
            r#"{"error":"drop","tiems":2}"#,
        ] {
            assert!(fault(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn users_default_to_normal_guests_and_name_every_behaviour() {
        let user = |json: &str| serde_json::from_str::<UserArgs>(json).map(UserArgs::user);
        let plain = user(r#"{"tid":"t","oid":"o"}"#).ok();
        assert_eq!(plain, Some(SimUser::guest("t", "o")));
        let member =
            user(r#"{"tid":"t","oid":"o","guest":false,"behaviour":"claimsChallenge403"}"#);
        assert_eq!(
            member.ok(),
            Some(SimUser::member("t", "o").with(Behaviour::ClaimsChallenge { status: 403 }))
        );
        for name in [
            "normal",
            "mfaMissing",
            "claimsChallenge401",
            "tokenExpiredAtGraph",
            "tokenInvalidAtGraph",
            "neverHydrates",
        ] {
            let json = format!(r#"{{"tid":"t","oid":"o","behaviour":"{name}"}}"#);
            assert!(user(&json).is_ok(), "{name}");
        }
        assert!(user(r#"{"tid":"t","oid":"o","behaviour":"sulky"}"#).is_err());
        assert!(user(r#"{"tid":"t"}"#).is_err());
    }
}
