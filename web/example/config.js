// The example's settings, fixed here: edit them for your deployment, and keep
// the Content-Security-Policy of index.html in step (its connect-src names
// `service` and the identity platform).
//
// clientId        the SPA's Application (client) ID in Microsoft Entra ID
// tenant          required: the resource tenant's ID or domain, the tenant that
//                 owns the SharePoint site. A guest must get its token there, not
//                 at home ("common"/"organizations" sign a guest in to its home
//                 tenant, and are refused)
// service         share-resolver's base URL (its ALLOWED_ORIGINS must list this
//                 page's origin)
// sharePointHost  the tenant's SharePoint host: where the sign-in pre-warm warms
//                 the guest up (POST /v1/warmup {"host"})
// auth            "msal" (Microsoft Entra sign-in) or "simulator" (local demo:
//                 tokens minted by graph-sim through serve.mjs --sim; no Entra)
// sharePointWarmup  "1" to also ask MSAL (silently) for a SharePoint token for
//                 the link's host (scope https://{host}/.default), which enables
//                 the service's sharepoint warm-up
//
// Address-bar overrides (?service=…&clientId=…&tenant=…&auth=simulator) are
// honoured only when this page itself is served from a loopback address
// (localhost, 127.0.0.0/8, [::1]), for the local demo and the tests. Anywhere
// else a crafted link cannot send a signed-in user's tokens to another service.
const fixed = {
  clientId: '',
  tenant: '',
  service: 'http://127.0.0.1:3000',
  sharePointHost: 'contoso.sharepoint.com',
  auth: 'msal',
  sharePointWarmup: '0',
};

/** Whether `hostname` is a loopback address or name. */
export function isLoopback(hostname) {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

export const overridable = isLoopback(location.hostname);

const query = overridable ? new URLSearchParams(location.search) : new URLSearchParams();
const pick = (name) => query.get(name) ?? fixed[name];

export const config = Object.freeze({
  clientId: pick('clientId'),
  tenant: pick('tenant'),
  service: pick('service').replace(/\/+$/, ''),
  sharePointHost: pick('sharePointHost'),
  auth: pick('auth'),
  sharePointWarmup: pick('sharePointWarmup') === '1',
  overridable,
});

/** Delegated Microsoft Graph scopes the service needs (either is enough; both asked). */
export const GRAPH_SCOPES = [
  'https://graph.microsoft.com/Files.Read.All',
  'https://graph.microsoft.com/Sites.Read.All',
];
