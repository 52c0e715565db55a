// The example's settings. Edit the defaults, or override any of them with
// query parameters: ?clientId=…&tenant=…&service=…&auth=simulator
//
// clientId   the SPA's Application (client) ID in Microsoft Entra ID
// tenant     the resource tenant's ID or domain: the tenant that owns the
//            SharePoint site. A guest must get its token there, not at home
//            ("organizations" would sign a guest in to its home tenant)
// service    share-resolver's base URL (its ALLOWED_ORIGINS must list this
//            page's origin)
// auth       "msal" (Microsoft Entra sign-in) or "simulator" (local demo:
//            tokens minted by graph-sim through serve.mjs --sim; no Entra)
// sharePointWarmup  "1" to also request a SharePoint token for the link's
//            host (scope https://{host}/.default) for the sharepoint warm-up
const defaults = {
  clientId: '',
  tenant: 'organizations',
  service: 'http://127.0.0.1:3000',
  auth: 'msal',
  sharePointWarmup: '0',
};

const query = new URLSearchParams(location.search);
const pick = (name) => query.get(name) ?? defaults[name];

export const config = {
  clientId: pick('clientId'),
  tenant: pick('tenant'),
  service: pick('service').replace(/\/+$/, ''),
  auth: pick('auth'),
  sharePointWarmup: pick('sharePointWarmup') === '1',
};

/** Delegated Microsoft Graph scopes the service needs (either is enough; both asked). */
export const GRAPH_SCOPES = [
  'https://graph.microsoft.com/Files.Read.All',
  'https://graph.microsoft.com/Sites.Read.All',
];
