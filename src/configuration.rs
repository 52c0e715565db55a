//! Settings: read once from the environment at start-up, typed, validated.
//! A bad value fails the cold start with a message naming the variable.

use std::net::SocketAddr;
use std::time::Duration;

use http::HeaderValue;
use secrecy::SecretString;

use crate::cloud::Cloud;
use crate::identity::{AuthMode, CertificateSource, IdentitySettings, OboCredential, OboSecret};
use crate::retry::RetryPolicy;
use crate::share_id::HostAllowList;
use crate::warmup::WarmupStrategy;

/// The most a store call may take (`HYDRATION_STORE_TIMEOUT_MS`): the store
/// is best-effort, and the deadline plus store time must stay well inside
/// the function's timeout.
const MAX_STORE_TIMEOUT_MS: u64 = 1_000;

/// Everything the service is configured with.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `CLOUD`: the national cloud whose hosts and audiences are the
    /// defaults (contract: "National clouds").
    pub cloud: Cloud,
    /// `GRAPH_BASE_URL`, else the cloud's.
    pub graph_base_url: String,
    /// Where SharePoint REST warm-ups go instead of `https://{host}`: a
    /// loopback simulator only (`SHAREPOINT_BASE_URL_OVERRIDE`, for tests).
    pub sharepoint_override: Option<String>,
    /// DynamoDB table; `None` means the in-memory store.
    pub hydration_table: Option<String>,
    pub hydration_ttl: Duration,
    /// How long a "warmed" marker of `POST /v1/warmup` lives.
    pub warmup_marker_ttl: Duration,
    /// Budget of one store call; past it the store counts as a miss.
    pub store_timeout: Duration,
    pub warmup_strategies: Vec<WarmupStrategy>,
    /// Retry timing (`MAX_ATTEMPTS`, `MAX_INLINE_WAIT_MS`; the rest fixed).
    pub retry: RetryPolicy,
    pub resolve_deadline: Duration,
    pub allowed_share_hosts: HostAllowList,
    /// `None`: no CORS headers at all.
    pub allowed_origins: Option<Vec<HeaderValue>>,
    pub listen_addr: SocketAddr,
    /// CloudWatch namespace of the EMF metrics.
    pub metrics_namespace: String,
    /// Whose tokens are served and how they are checked (`AUTH_MODE` …).
    pub identity: IdentitySettings,
}

/// A variable that did not parse.
#[derive(Debug, thiserror::Error)]
#[error("{name}: {reason}")]
pub struct SettingsError {
    pub name: &'static str,
    pub reason: String,
}

impl Default for Settings {
    /// The global cloud's defaults.
    fn default() -> Self {
        Self {
            cloud: Cloud::Global,
            graph_base_url: Cloud::Global.graph_base_url(),
            sharepoint_override: None,
            hydration_table: None,
            hydration_ttl: Duration::from_secs(10_800),
            warmup_marker_ttl: Duration::from_secs(300),
            store_timeout: Duration::from_millis(150),
            warmup_strategies: vec![
                WarmupStrategy::SharePoint,
                WarmupStrategy::Site,
                WarmupStrategy::Root,
            ],
            retry: RetryPolicy::default(),
            resolve_deadline: Duration::from_millis(20_000),
            allowed_share_hosts: HostAllowList::for_cloud(Cloud::Global),
            allowed_origins: None,
            listen_addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            identity: IdentitySettings::default(),
            metrics_namespace: "ShareResolver".to_owned(),
        }
    }
}

impl Settings {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup` (tests pass a map, never `set_var`).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let defaults = Self::default();
        let get = |name: &'static str| lookup(name).filter(|v| !v.trim().is_empty());
        // Read first: it sets the defaults of the hosts below.
        let cloud = match get("CLOUD") {
            Some(v) => Cloud::parse(&v).map_err(|e| err("CLOUD", e))?,
            None => defaults.cloud,
        };
        let graph_base_url = match get("GRAPH_BASE_URL") {
            Some(v) => base_url(&v).map_err(|e| err("GRAPH_BASE_URL", e))?,
            None => cloud.graph_base_url(),
        };
        let sharepoint_override = get("SHAREPOINT_BASE_URL_OVERRIDE")
            .map(|v| {
                base_url(&v)
                    .and_then(|url| {
                        is_loopback_url(&url).then_some(url).ok_or_else(|| {
                            "only a loopback test server may stand in for SharePoint".to_owned()
                        })
                    })
                    .map_err(|e| err("SHAREPOINT_BASE_URL_OVERRIDE", e))
            })
            .transpose()?;
        let ttl_secs = number(
            "HYDRATION_TTL_SECONDS",
            get("HYDRATION_TTL_SECONDS"),
            60,
            30 * 86_400,
        )?
        .unwrap_or(defaults.hydration_ttl.as_secs());
        let warmup_marker_ttl = number(
            "WARMUP_MARKER_TTL_SECONDS",
            get("WARMUP_MARKER_TTL_SECONDS"),
            10,
            3_600,
        )?
        .map_or(defaults.warmup_marker_ttl, Duration::from_secs);
        let store_timeout_ms = number(
            "HYDRATION_STORE_TIMEOUT_MS",
            get("HYDRATION_STORE_TIMEOUT_MS"),
            1,
            MAX_STORE_TIMEOUT_MS,
        )?
        .map_or(defaults.store_timeout, Duration::from_millis);
        let max_attempts = number("MAX_ATTEMPTS", get("MAX_ATTEMPTS"), 1, 10)?
            .map_or(defaults.retry.max_attempts, |n| n as u32);
        let max_inline_wait = number("MAX_INLINE_WAIT_MS", get("MAX_INLINE_WAIT_MS"), 0, 28_000)?
            .map_or(defaults.retry.max_inline_wait, Duration::from_millis);
        let resolve_deadline = number(
            "RESOLVE_DEADLINE_MS",
            get("RESOLVE_DEADLINE_MS"),
            100,
            28_000,
        )?
        .map_or(defaults.resolve_deadline, Duration::from_millis);
        let warmup_strategies = match get("WARMUP_STRATEGIES") {
            Some(v) => WarmupStrategy::parse_list(&v).map_err(|e| err("WARMUP_STRATEGIES", e))?,
            None => defaults.warmup_strategies,
        };
        let allowed_share_hosts = match get("ALLOWED_SHARE_HOSTS") {
            Some(v) => {
                HostAllowList::parse_in(cloud, &v).map_err(|e| err("ALLOWED_SHARE_HOSTS", e))?
            }
            None => HostAllowList::for_cloud(cloud),
        };
        let allowed_origins = get("ALLOWED_ORIGINS")
            .map(|v| parse_origins(&v).map_err(|e| err("ALLOWED_ORIGINS", e)))
            .transpose()?;
        let listen_addr = match get("LISTEN_ADDR") {
            Some(v) => v.trim().parse().map_err(|e| err("LISTEN_ADDR", e))?,
            None => defaults.listen_addr,
        };
        let metrics_namespace = match get("METRICS_NAMESPACE") {
            Some(v) => {
                let v = v.trim().to_owned();
                let ok = v.len() <= 255
                    && v.chars()
                        .all(|c| c.is_ascii_alphanumeric() || ".-_/#: ".contains(c));
                if !ok {
                    return Err(err("METRICS_NAMESPACE", "not a CloudWatch namespace"));
                }
                v
            }
            None => defaults.metrics_namespace.clone(),
        };
        let identity = identity_from(&get, cloud)?;
        let hydration_table = get("HYDRATION_TABLE").map(|v| v.trim().to_owned());
        if let Some(table) = &hydration_table {
            let ok = (3..=255).contains(&table.len())
                && table
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
            if !ok {
                return Err(err("HYDRATION_TABLE", "not a valid DynamoDB table name"));
            }
        }
        Ok(Self {
            cloud,
            graph_base_url,
            sharepoint_override,
            hydration_table,
            hydration_ttl: Duration::from_secs(ttl_secs),
            warmup_marker_ttl,
            store_timeout: store_timeout_ms,
            warmup_strategies,
            retry: RetryPolicy {
                max_attempts,
                max_inline_wait,
                ..defaults.retry
            },
            resolve_deadline,
            allowed_share_hosts,
            allowed_origins,
            listen_addr,
            identity,
            metrics_namespace,
        })
    }
}

/// `AUTH_MODE` and the variables that go with it; `obo` needs its four.
fn identity_from(
    get: &impl Fn(&'static str) -> Option<String>,
    cloud: Cloud,
) -> Result<IdentitySettings, SettingsError> {
    let defaults = IdentitySettings::default();
    let mode = match get("AUTH_MODE").map(|v| v.trim().to_ascii_lowercase()) {
        None => AuthMode::Graph,
        Some(v) if v == "graph" => AuthMode::Graph,
        Some(v) if v == "obo" => AuthMode::Obo,
        Some(_) => return Err(err("AUTH_MODE", "must be 'graph' or 'obo'")),
    };
    let list = |v: String| -> Vec<String> {
        v.split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let allowed_tenants = get("ALLOWED_TENANTS")
        .map(|v| guid_list("ALLOWED_TENANTS", &v, "tenant"))
        .transpose()?;
    let allowed_client_apps = get("ALLOWED_CLIENT_APPS")
        .map(|v| guid_list("ALLOWED_CLIENT_APPS", &v, "client"))
        .transpose()?;
    let api_audience = get("API_AUDIENCE").map(list).unwrap_or_default();
    let required_scope = match get("REQUIRED_SCOPE") {
        Some(v)
            if v.trim()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) =>
        {
            v.trim().to_owned()
        }
        Some(_) => return Err(err("REQUIRED_SCOPE", "must be one scope name")),
        None => defaults.required_scope,
    };
    let obo_client_id = get("OBO_CLIENT_ID").map(|v| v.trim().to_ascii_lowercase());
    if let Some(id) = &obo_client_id
        && !is_guid(id)
    {
        return Err(err(
            "OBO_CLIENT_ID",
            "must be the app registration's client id (a GUID)",
        ));
    }
    let obo_credential = credential_from(get)?;
    let login_base_url = match get("LOGIN_BASE_URL") {
        Some(v) => base_url(&v).map_err(|e| err("LOGIN_BASE_URL", e))?,
        None => cloud.login_base_url().to_owned(),
    };
    if mode == AuthMode::Obo {
        let missing = [
            ("ALLOWED_TENANTS", allowed_tenants.is_none()),
            ("API_AUDIENCE", api_audience.is_empty()),
            ("ALLOWED_CLIENT_APPS", allowed_client_apps.is_none()),
            ("OBO_CLIENT_ID", obo_client_id.is_none()),
        ];
        if let Some((name, _)) = missing.iter().find(|(_, missing)| *missing) {
            return Err(err(name, "required when AUTH_MODE=obo"));
        }
        if obo_credential.is_none() {
            return Err(err(
                "OBO_CLIENT_SECRET",
                format!("AUTH_MODE=obo needs exactly one credential: {CREDENTIALS}"),
            ));
        }
    }
    Ok(IdentitySettings {
        mode,
        allowed_tenants,
        api_audience,
        allowed_client_apps: allowed_client_apps.unwrap_or_default(),
        required_scope,
        obo_client_id,
        obo_credential,
        login_base_url,
        ..defaults
    })
}

/// The variables that name the `obo` mode's credential.
const CREDENTIALS: &str = "OBO_CLIENT_SECRET, OBO_CLIENT_SECRET_ARN, OBO_CLIENT_CERTIFICATE_ARN, OBO_CLIENT_CERTIFICATE_PATH or OBO_CLIENT_ASSERTION=aws-web-identity";

/// The one credential configured, if any; two or more fail, naming them.
fn credential_from(
    get: &impl Fn(&'static str) -> Option<String>,
) -> Result<Option<OboCredential>, SettingsError> {
    let names = [
        "OBO_CLIENT_SECRET",
        "OBO_CLIENT_SECRET_ARN",
        "OBO_CLIENT_CERTIFICATE_ARN",
        "OBO_CLIENT_CERTIFICATE_PATH",
        "OBO_CLIENT_ASSERTION",
    ];
    let set: Vec<(&'static str, String)> = names
        .iter()
        .filter_map(|&name| get(name).map(|v| (name, v)))
        .collect();
    let arn = |name: &'static str, v: &str| {
        let v = v.trim();
        if v.starts_with("arn:") {
            Ok(v.to_owned())
        } else {
            Err(err(name, "not an ARN"))
        }
    };
    match set.as_slice() {
        [] => Ok(None),
        [(name, value)] => Ok(Some(match *name {
            "OBO_CLIENT_SECRET" => {
                OboCredential::Secret(OboSecret::Value(SecretString::from(value.clone())))
            }
            "OBO_CLIENT_SECRET_ARN" => OboCredential::Secret(OboSecret::Arn(arn(name, value)?)),
            "OBO_CLIENT_CERTIFICATE_ARN" => {
                OboCredential::Certificate(CertificateSource::Arn(arn(name, value)?))
            }
            "OBO_CLIENT_CERTIFICATE_PATH" => {
                OboCredential::Certificate(CertificateSource::Path(value.trim().into()))
            }
            _ if value.trim() == "aws-web-identity" => OboCredential::AwsWebIdentity,
            _ => return Err(err(name, "the one value is 'aws-web-identity'")),
        })),
        [(first, _), rest @ ..] => {
            let others: Vec<&str> = rest.iter().map(|(n, _)| *n).collect();
            Err(err(
                first,
                format!(
                    "set exactly one credential of {CREDENTIALS}; {} are set too",
                    others.join(", ")
                ),
            ))
        }
    }
}

/// A comma-separated list of GUIDs (lower-cased), at least one.
fn guid_list(name: &'static str, value: &str, what: &str) -> Result<Vec<String>, SettingsError> {
    let ids: Vec<String> = value
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    match ids.iter().find(|t| !is_guid(t)) {
        Some(bad) => Err(err(name, format!("'{bad}' is not a {what} GUID"))),
        None if ids.is_empty() => Err(err(name, format!("lists no {what}"))),
        None => Ok(ids),
    }
}

/// `8-4-4-4-12` hexadecimal digits.
fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// A base URL every user's token is sent to: `https`, or `http` on a
/// loopback host only (a simulator); no userinfo, query or fragment.
/// Returned without a trailing `/`.
fn base_url(value: &str) -> Result<String, String> {
    let value = value.trim();
    let url = url::Url::parse(value).map_err(|e| e.to_string())?;
    if url.host_str().is_none() || !matches!(url.scheme(), "https" | "http") {
        return Err("must be an https URL".to_owned());
    }
    if url.scheme() == "http" && !is_loopback_url(value) {
        return Err("must be https (http only on a loopback host)".to_owned());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry a user name or password".to_owned());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("must not carry a query or fragment".to_owned());
    }
    Ok(value.trim_end_matches('/').to_owned())
}

/// Whether `url`'s host is loopback (`localhost`, 127.0.0.0/8, `[::1]`).
fn is_loopback_url(url: &str) -> bool {
    let Ok(url) = url::Url::parse(url) else {
        return false;
    };
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

fn err(name: &'static str, reason: impl ToString) -> SettingsError {
    SettingsError {
        name,
        reason: reason.to_string(),
    }
}

fn number(
    name: &'static str,
    value: Option<String>,
    min: u64,
    max: u64,
) -> Result<Option<u64>, SettingsError> {
    let Some(value) = value else { return Ok(None) };
    let n: u64 = value
        .trim()
        .parse()
        .map_err(|_| err(name, format!("'{value}' is not a whole number")))?;
    if !(min..=max).contains(&n) {
        return Err(err(name, format!("{n} is outside {min}..={max}")));
    }
    Ok(Some(n))
}

/// Origins are exact `scheme://host[:port]`; `*` is refused because the
/// resolve routes carry credentials.
fn parse_origins(list: &str) -> Result<Vec<HeaderValue>, String> {
    let mut origins = Vec::new();
    for origin in list.split(',').map(str::trim).filter(|o| !o.is_empty()) {
        let url = url::Url::parse(origin).map_err(|_| format!("'{origin}' is not an origin"))?;
        if url.origin().ascii_serialization() != origin.trim_end_matches('/') {
            return Err(format!(
                "'{origin}' is not an origin (scheme://host[:port])"
            ));
        }
        origins
            .push(HeaderValue::from_str(origin.trim_end_matches('/')).map_err(|e| e.to_string())?);
    }
    if origins.is_empty() {
        return Err("no origin given".to_owned());
    }
    Ok(origins)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn from(pairs: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn an_empty_environment_gives_the_contract_defaults() {
        let s = from(&[]).unwrap();
        assert_eq!(s.graph_base_url, "https://graph.microsoft.com/v1.0");
        assert_eq!(s.hydration_table, None);
        assert_eq!(s.hydration_ttl, Duration::from_secs(10_800));
        assert_eq!(
            s.warmup_strategies,
            vec![
                WarmupStrategy::SharePoint,
                WarmupStrategy::Site,
                WarmupStrategy::Root
            ]
        );
        assert_eq!(s.retry.max_attempts, 4);
        assert_eq!(s.retry.max_inline_wait, Duration::from_secs(3));
        assert_eq!(s.resolve_deadline, Duration::from_secs(20));
        assert!(s.allowed_share_hosts.allows("contoso.sharepoint.de"));
        assert!(s.allowed_origins.is_none());
        assert_eq!(s.listen_addr.to_string(), "127.0.0.1:3000");
    }

    #[test]
    fn every_variable_is_read() {
        let s = from(&[
            ("GRAPH_BASE_URL", "http://127.0.0.1:4000/v1.0/"),
            ("HYDRATION_TABLE", "share-resolver-hydration"),
            ("HYDRATION_TTL_SECONDS", "3600"),
            ("HYDRATION_STORE_TIMEOUT_MS", "80"),
            ("WARMUP_MARKER_TTL_SECONDS", "120"),
            ("WARMUP_STRATEGIES", "root"),
            ("MAX_ATTEMPTS", "2"),
            ("MAX_INLINE_WAIT_MS", "1500"),
            ("RESOLVE_DEADLINE_MS", "5000"),
            ("ALLOWED_SHARE_HOSTS", "*.example.com"),
            (
                "ALLOWED_ORIGINS",
                "https://app.example.com, http://localhost:5173",
            ),
            ("LISTEN_ADDR", "0.0.0.0:8080"),
            ("METRICS_NAMESPACE", "Contoso/ShareResolver"),
        ])
        .unwrap();
        assert_eq!(s.graph_base_url, "http://127.0.0.1:4000/v1.0");
        assert_eq!(
            s.hydration_table.as_deref(),
            Some("share-resolver-hydration")
        );
        assert_eq!(s.hydration_ttl, Duration::from_secs(3600));
        assert_eq!(s.store_timeout, Duration::from_millis(80));
        assert_eq!(s.warmup_marker_ttl, Duration::from_secs(120));
        assert_eq!(s.warmup_strategies, vec![WarmupStrategy::Root]);
        assert_eq!(s.retry.max_attempts, 2);
        assert_eq!(s.retry.max_inline_wait, Duration::from_millis(1500));
        assert_eq!(s.resolve_deadline, Duration::from_secs(5));
        assert!(s.allowed_share_hosts.allows("a.example.com"));
        assert!(!s.allowed_share_hosts.allows("contoso.sharepoint.com"));
        assert_eq!(s.allowed_origins.unwrap().len(), 2);
        assert_eq!(s.listen_addr.port(), 8080);
        assert_eq!(s.metrics_namespace, "Contoso/ShareResolver");
    }

    #[test]
    fn bad_values_name_their_variable() {
        for (name, value) in [
            ("GRAPH_BASE_URL", "not a url"),
            ("GRAPH_BASE_URL", "ftp://x/v1.0"),
            ("GRAPH_BASE_URL", "http://graph.example.com/v1.0"),
            ("GRAPH_BASE_URL", "https://user:pw@graph.microsoft.com/v1.0"),
            ("GRAPH_BASE_URL", "https://graph.microsoft.com/v1.0?x=1"),
            ("GRAPH_BASE_URL", "https://graph.microsoft.com/v1.0#f"),
            (
                "SHAREPOINT_BASE_URL_OVERRIDE",
                "https://contoso.sharepoint.com",
            ),
            ("HYDRATION_STORE_TIMEOUT_MS", "10000"),
            ("HYDRATION_TTL_SECONDS", "-5"),
            ("HYDRATION_TTL_SECONDS", "3 hours"),
            ("MAX_ATTEMPTS", "0"),
            ("MAX_ATTEMPTS", "99"),
            ("RESOLVE_DEADLINE_MS", "60000"),
            ("MAX_INLINE_WAIT_MS", "30000"),
            ("MAX_INLINE_WAIT_MS", "soon"),
            ("WARMUP_STRATEGIES", "site,teleport"),
            ("ALLOWED_SHARE_HOSTS", "*"),
            ("ALLOWED_ORIGINS", "*"),
            ("ALLOWED_ORIGINS", "https://app.example.com/path"),
            ("LISTEN_ADDR", "localhost"),
            ("HYDRATION_TABLE", "bad table!"),
            ("METRICS_NAMESPACE", "bad{namespace}"),
            ("CLOUD", "bogus"),
            ("CLOUD", "gcchigh"),
        ] {
            let e = from(&[(name, value)]).unwrap_err();
            assert_eq!(e.name, name, "{name}={value}");
        }
    }

    #[test]
    fn a_national_cloud_sets_the_defaults_of_its_hosts() {
        for (cloud, login, graph, share_host) in [
            (
                Cloud::UsGov,
                "https://login.microsoftonline.us",
                "https://graph.microsoft.us/v1.0",
                "contoso.sharepoint.us",
            ),
            (
                Cloud::UsGovDod,
                "https://login.microsoftonline.us",
                "https://dod-graph.microsoft.us/v1.0",
                "contoso.sharepoint-mil.us",
            ),
            (
                Cloud::China,
                "https://login.partner.microsoftonline.cn",
                "https://microsoftgraph.chinacloudapi.cn/v1.0",
                "contoso.sharepoint.cn",
            ),
        ] {
            let s = from(&[("CLOUD", &cloud.to_string())]).unwrap();
            assert_eq!(s.cloud, cloud);
            assert_eq!(s.identity.login_base_url, login, "{cloud}");
            assert_eq!(s.graph_base_url, graph, "{cloud}");
            assert!(s.allowed_share_hosts.allows(share_host), "{cloud}");
            for foreign in ["contoso.sharepoint.com", "1drv.ms", "onedrive.live.com"] {
                assert!(!s.allowed_share_hosts.allows(foreign), "{cloud} {foreign}");
            }
            // Its own default list still vouches for hostless `s!` ids.
            assert!(s.allowed_share_hosts.allows_token_ids(), "{cloud}");
        }
        let global = from(&[]).unwrap();
        assert_eq!(global.cloud, Cloud::Global);
        assert_eq!(
            global.identity.login_base_url,
            "https://login.microsoftonline.com"
        );
        assert_eq!(from(&[("CLOUD", " USGov ")]).unwrap().cloud, Cloud::UsGov);
    }

    #[test]
    fn a_variable_set_explicitly_wins_over_the_clouds_default() {
        let s = from(&[
            ("CLOUD", "usgov"),
            ("GRAPH_BASE_URL", "http://127.0.0.1:4000/v1.0"),
            ("LOGIN_BASE_URL", "http://127.0.0.1:4000"),
            ("ALLOWED_SHARE_HOSTS", "contoso.sharepoint.us"),
        ])
        .unwrap();
        assert_eq!(s.cloud, Cloud::UsGov);
        assert_eq!(s.graph_base_url, "http://127.0.0.1:4000/v1.0");
        assert_eq!(s.identity.login_base_url, "http://127.0.0.1:4000");
        assert!(s.allowed_share_hosts.allows("contoso.sharepoint.us"));
        assert!(!s.allowed_share_hosts.allows("fabrikam.sharepoint.us"));
        assert!(!s.allowed_share_hosts.allows_token_ids());
    }

    #[test]
    fn an_unknown_cloud_fails_naming_cloud() {
        for bogus in ["bogus", "germany", "us-gov", "global,usgov"] {
            let e = from(&[("CLOUD", bogus)]).unwrap_err();
            assert_eq!(e.name, "CLOUD", "{bogus}");
            let message = e.to_string();
            assert!(
                message.starts_with("CLOUD:") && message.contains("usgovdod"),
                "{message}"
            );
        }
    }

    const OBO: [(&str, &str); 6] = [
        ("AUTH_MODE", "obo"),
        ("ALLOWED_TENANTS", "5f1c2f7a-7d4e-4e7b-9a51-1d2c3b4a5f60"),
        ("API_AUDIENCE", "api://6b3f1e2a-9c4d-4e8f-a1b2-c3d4e5f60718"),
        (
            "ALLOWED_CLIENT_APPS",
            "0C9D8E7F-6A5B-4C3D-9E2F-1A0B9C8D7E6F, 1c9d8e7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f",
        ),
        ("OBO_CLIENT_ID", "6b3f1e2a-9c4d-4e8f-a1b2-c3d4e5f60718"),
        ("OBO_CLIENT_SECRET", "s"),
    ];

    #[test]
    fn obo_mode_needs_each_of_its_variables_and_names_the_missing_one() {
        let s = from(&OBO).unwrap();
        assert_eq!(
            s.identity.allowed_client_apps,
            vec![
                "0c9d8e7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f",
                "1c9d8e7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f"
            ]
        );
        for (name, _) in &OBO[1..5] {
            let without: Vec<(&str, &str)> =
                OBO.iter().copied().filter(|(n, _)| n != name).collect();
            let e = from(&without).unwrap_err();
            assert_eq!(e.name, *name);
            assert!(e.to_string().contains("required when AUTH_MODE=obo"), "{e}");
        }
        let mut bad = OBO.to_vec();
        bad[3] = ("ALLOWED_CLIENT_APPS", "my-spa");
        assert_eq!(from(&bad).unwrap_err().name, "ALLOWED_CLIENT_APPS");
    }
}
