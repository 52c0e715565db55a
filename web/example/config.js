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
// authMode        the service's AUTH_MODE, "graph" or "obo" (infra/template.yaml's
//                 AuthMode, "obo" by default there; the service's own default,
//                 and this file's, is "graph"):
//                 graph: the page gets a delegated Microsoft Graph token
//                   (GRAPH_SCOPES) and sends it; optionally a SharePoint token
//                   (sharePointWarmup) in X-SharePoint-Authorization
//                 obo: the page gets a token for the API itself (apiScope) and
//                   sends only that; never a Graph or SharePoint token, never
//                   X-SharePoint-Authorization (the service refuses it and gets
//                   its SharePoint token itself, On-Behalf-Of the user)
// apiScope        obo: the API's delegated scope, api://{API client id}/access_as_user
//                 (the API app registration's "Expose an API")
// sharedLinks     the "shared with you" page's links (shared.html): sharing URLs;
//                 the page also takes pasted ones. Empty with auth "simulator":
//                 the page asks the simulator for its demo guest's twenty links
// previewHosts    where an in-page preview may come from (shared.html): the
//                 sharing hosts of the service's ALLOWED_SHARE_HOSTS that have
//                 Graph's preview action (SharePoint; not onedrive.live.com or
//                 1drv.ms). shared.html's CSP frame-src names exactly these
//                 (and the identity platform, for MSAL): keep them in step
// sharePointWarmup  graph only: "1" to also ask MSAL (silently) for a SharePoint
//                 token for the link's host (scope https://{host}/.default), which
//                 enables the service's sharepoint warm-up
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
  authMode: 'graph',
  apiScope: '',
  sharePointWarmup: '0',
  sharedLinks: [],
  previewHosts: ['*.sharepoint.com', '*.sharepoint.us', '*.sharepoint.de', '*.sharepoint.cn'],
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
  authMode: pick('authMode').trim().toLowerCase(),
  apiScope: pick('apiScope').trim(),
  sharePointWarmup: pick('sharePointWarmup') === '1',
  // ?links= : sharing URLs separated by spaces (loopback pages only, as above).
  sharedLinks: Object.freeze(query.has('links') ? query.get('links').split(/\s+/).filter(Boolean) : [...fixed.sharedLinks]),
  previewHosts: Object.freeze([...fixed.previewHosts]),
  overridable,
});

/**
 * What the page asks MSAL for: in `obo` the API's own scope, in `graph` the
 * Graph scopes. Throws (the page shows "Not configured") on a mode that is
 * neither, or an `obo` page without a usable apiScope.
 */
export function tokenScopes({ authMode, apiScope } = config) {
  if (authMode === 'graph') return GRAPH_SCOPES;
  if (authMode !== 'obo') throw new Error(`authMode must be 'graph' or 'obo' (the service's AUTH_MODE), not "${authMode}".`);
  if (!/^[a-z][a-z0-9+.-]*:\/\/\S+\/[A-Za-z0-9._-]+$/i.test(apiScope)) {
    throw new Error('No API scope: with authMode "obo" set apiScope in example/config.js to api://<API client id>/access_as_user.');
  }
  if (/^https:\/\/graph\.microsoft\.com\//i.test(apiScope) || /\.sharepoint\.(com|us|de|cn)\//i.test(apiScope)) {
    throw new Error(`apiScope is a Graph or SharePoint scope ("${apiScope}"): in obo mode the page asks for the API's own scope, api://<API client id>/access_as_user.`);
  }
  return [apiScope];
}

/** Delegated Microsoft Graph scopes the service needs (either is enough; both asked). */
export const GRAPH_SCOPES = [
  'https://graph.microsoft.com/Files.Read.All',
  'https://graph.microsoft.com/Sites.Read.All',
];

