//! National clouds (`CLOUD`): the Microsoft cloud a deployment serves, and
//! the defaults that follow from it: the identity platform, Graph, Graph's
//! token audience (and so the On-Behalf-Of scope), the sharing hosts and the
//! token-exchange audience of a federated credential. Each is a pure table
//! here, so no other module names a Microsoft host.
//!
//! Sources: Microsoft Graph's "National cloud deployments"
//! (<https://learn.microsoft.com/en-us/graph/deployments>) and the identity
//! platform's "National clouds"
//! (<https://learn.microsoft.com/en-us/entra/identity-platform/authentication-national-cloud>).

/// `CLOUD`: which Microsoft cloud the tenants live in.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    strum::EnumString,
    strum::Display,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[strum(serialize_all = "lowercase", ascii_case_insensitive)]
pub enum Cloud {
    /// The global service (`login.microsoftonline.com`).
    #[default]
    Global,
    /// US Government L4 (GCC High).
    UsGov,
    /// US Government L5 (DoD).
    UsGovDod,
    /// Microsoft 365 operated by 21Vianet in China.
    China,
}

/// Graph's application id: a Graph audience in every cloud.
const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

/// OneDrive personal's hosts: in the global cloud only.
const CONSUMER_ONEDRIVE_HOSTS: [&str; 2] = ["onedrive.live.com", "1drv.ms"];

impl Cloud {
    /// Parses `CLOUD` (trimmed, any case).
    pub fn parse(value: &str) -> Result<Self, String> {
        value
            .trim()
            .parse()
            .map_err(|_| "must be 'global', 'usgov', 'usgovdod' or 'china'".to_owned())
    }

    /// The identity platform's root (`LOGIN_BASE_URL`'s default).
    pub fn login_base_url(self) -> &'static str {
        match self {
            Self::Global => "https://login.microsoftonline.com",
            Self::UsGov | Self::UsGovDod => "https://login.microsoftonline.us",
            Self::China => "https://login.partner.microsoftonline.cn",
        }
    }

    /// Graph's resource URI: a token's `aud`, and the OBO scope's resource.
    pub fn graph_resource(self) -> &'static str {
        match self {
            Self::Global => "https://graph.microsoft.com",
            Self::UsGov => "https://graph.microsoft.us",
            Self::UsGovDod => "https://dod-graph.microsoft.us",
            Self::China => "https://microsoftgraph.chinacloudapi.cn",
        }
    }

    /// Graph v1.0 (`GRAPH_BASE_URL`'s default).
    pub fn graph_base_url(self) -> String {
        format!("{}/v1.0", self.graph_resource())
    }

    /// The scope of an On-Behalf-Of exchange for a Graph token.
    pub fn graph_scope(self) -> String {
        format!("{}/.default", self.graph_resource())
    }

    /// Whether a token's `aud` is Graph's in this cloud: its resource URI
    /// (v1 tokens, with or without one trailing slash) or its app id.
    pub fn is_graph_audience(self, aud: &str) -> bool {
        let resource = aud.strip_suffix('/').unwrap_or(aud);
        aud.eq_ignore_ascii_case(GRAPH_APP_ID)
            || resource.eq_ignore_ascii_case(self.graph_resource())
    }

    /// The domains whose subdomains are SharePoint Online tenants' hosts.
    /// The global default keeps every SharePoint cloud's suffix it always
    /// allowed.
    pub fn sharepoint_domains(self) -> &'static [&'static str] {
        match self {
            Self::Global => &[
                "sharepoint.com",
                "sharepoint.us",
                "sharepoint.de",
                "sharepoint.cn",
            ],
            Self::UsGov => &["sharepoint.us"],
            Self::UsGovDod => &["sharepoint-mil.us"],
            Self::China => &["sharepoint.cn"],
        }
    }

    /// Whether `host` is a SharePoint Online host of this cloud (a tenant's
    /// subdomain of one of [`Self::sharepoint_domains`]).
    pub fn is_sharepoint_online(self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        self.sharepoint_domains().iter().any(|domain| {
            host.strip_suffix(domain)
                .and_then(|sub| sub.strip_suffix('.'))
                .is_some_and(|name| !name.is_empty())
        })
    }

    /// `ALLOWED_SHARE_HOSTS`' default: the SharePoint domains' subdomains,
    /// and OneDrive personal's hosts in the global cloud.
    pub fn default_share_hosts(self) -> Vec<String> {
        let consumer: &[&str] = match self {
            Self::Global => &CONSUMER_ONEDRIVE_HOSTS,
            _ => &[],
        };
        self.sharepoint_domains()
            .iter()
            .map(|domain| format!("*.{domain}"))
            .chain(consumer.iter().map(|host| (*host).to_owned()))
            .collect()
    }

    /// The audience of a federated credential's token (the `aws-web-identity`
    /// client assertion): what the app registration's federated identity
    /// credential expects in this cloud.
    pub fn token_exchange_audience(self) -> &'static str {
        match self {
            Self::Global => "api://AzureADTokenExchange",
            Self::UsGov | Self::UsGovDod => "api://AzureADTokenExchangeUSGov",
            Self::China => "api://AzureADTokenExchangeChina",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::VariantArray;

    #[test]
    fn each_cloud_has_the_contracts_defaults() {
        let table = [
            (
                "global",
                Cloud::Global,
                "https://login.microsoftonline.com",
                "https://graph.microsoft.com/v1.0",
                "https://graph.microsoft.com/.default",
                "*.sharepoint.com,*.sharepoint.us,*.sharepoint.de,*.sharepoint.cn,onedrive.live.com,1drv.ms",
                "api://AzureADTokenExchange",
            ),
            (
                "usgov",
                Cloud::UsGov,
                "https://login.microsoftonline.us",
                "https://graph.microsoft.us/v1.0",
                "https://graph.microsoft.us/.default",
                "*.sharepoint.us",
                "api://AzureADTokenExchangeUSGov",
            ),
            (
                "usgovdod",
                Cloud::UsGovDod,
                "https://login.microsoftonline.us",
                "https://dod-graph.microsoft.us/v1.0",
                "https://dod-graph.microsoft.us/.default",
                "*.sharepoint-mil.us",
                "api://AzureADTokenExchangeUSGov",
            ),
            (
                "china",
                Cloud::China,
                "https://login.partner.microsoftonline.cn",
                "https://microsoftgraph.chinacloudapi.cn/v1.0",
                "https://microsoftgraph.chinacloudapi.cn/.default",
                "*.sharepoint.cn",
                "api://AzureADTokenExchangeChina",
            ),
        ];
        assert_eq!(table.len(), Cloud::VARIANTS.len());
        for (name, cloud, login, graph, scope, hosts, exchange) in table {
            assert_eq!(Cloud::parse(name), Ok(cloud));
            assert_eq!(cloud.to_string(), name);
            assert_eq!(cloud.login_base_url(), login, "{name}");
            assert_eq!(cloud.graph_base_url(), graph, "{name}");
            assert_eq!(cloud.graph_scope(), scope, "{name}");
            assert_eq!(cloud.default_share_hosts().join(","), hosts, "{name}");
            assert_eq!(cloud.token_exchange_audience(), exchange, "{name}");
        }
    }

    #[test]
    fn only_the_four_names_parse_in_any_case() {
        assert_eq!(Cloud::parse(" UsGov "), Ok(Cloud::UsGov));
        assert_eq!(Cloud::default(), Cloud::Global);
        for bogus in ["bogus", "", "us-gov", "gcchigh", "usgov dod", "germany"] {
            assert!(Cloud::parse(bogus).is_err(), "{bogus:?}");
        }
    }

    #[test]
    fn graph_audiences_are_the_clouds_resource_or_graphs_app_id() {
        let table = [
            (Cloud::Global, "https://graph.microsoft.com", true),
            (Cloud::Global, "https://graph.microsoft.com/", true),
            (Cloud::Global, "HTTPS://GRAPH.MICROSOFT.COM", true),
            (Cloud::Global, GRAPH_APP_ID, true),
            (Cloud::Global, "https://graph.microsoft.us", false),
            (Cloud::Global, "https://graph.microsoft.com//", false),
            (
                Cloud::Global,
                "https://graph.microsoft.com.evil.example",
                false,
            ),
            (Cloud::UsGov, "https://graph.microsoft.us", true),
            (Cloud::UsGov, "https://graph.microsoft.us/", true),
            (Cloud::UsGov, GRAPH_APP_ID, true),
            (Cloud::UsGov, "https://graph.microsoft.com", false),
            (Cloud::UsGov, "https://dod-graph.microsoft.us", false),
            (Cloud::UsGovDod, "https://dod-graph.microsoft.us", true),
            (Cloud::UsGovDod, GRAPH_APP_ID, true),
            (Cloud::UsGovDod, "https://graph.microsoft.us", false),
            (
                Cloud::China,
                "https://microsoftgraph.chinacloudapi.cn",
                true,
            ),
            (Cloud::China, GRAPH_APP_ID, true),
            (Cloud::China, "https://graph.microsoft.com", false),
            (Cloud::China, "https://graph.chinacloudapi.cn", false),
        ];
        for (cloud, aud, graph) in table {
            assert_eq!(cloud.is_graph_audience(aud), graph, "{cloud} {aud}");
        }
    }

    #[test]
    fn sharepoint_online_hosts_are_tenant_subdomains_of_the_clouds_domains() {
        let table = [
            (Cloud::Global, "contoso.sharepoint.com", true),
            (Cloud::Global, "Contoso-my.SharePoint.com", true),
            (Cloud::Global, "contoso.sharepoint.us", true),
            (Cloud::Global, "contoso.sharepoint.de", true),
            (Cloud::Global, "contoso.sharepoint.cn", true),
            (Cloud::Global, "contoso.sharepoint-mil.us", false),
            (Cloud::Global, "sharepoint.com", false),
            (Cloud::Global, ".sharepoint.com", false),
            (Cloud::Global, "evilsharepoint.com", false),
            (Cloud::Global, "contoso.sharepoint.com.evil.example", false),
            (Cloud::Global, "1drv.ms", false),
            (Cloud::Global, "onedrive.live.com", false),
            (Cloud::UsGov, "contoso.sharepoint.us", true),
            (Cloud::UsGov, "contoso.sharepoint.com", false),
            (Cloud::UsGov, "contoso.sharepoint-mil.us", false),
            (Cloud::UsGovDod, "contoso.sharepoint-mil.us", true),
            (Cloud::UsGovDod, "contoso.sharepoint.us", false),
            (Cloud::China, "contoso.sharepoint.cn", true),
            (Cloud::China, "contoso.sharepoint.com", false),
        ];
        for (cloud, host, online) in table {
            assert_eq!(cloud.is_sharepoint_online(host), online, "{cloud} {host}");
        }
    }
}
