// The React example's settings, fixed here as in ../example/config.js (see
// there): edit them for your deployment and keep index.html's CSP in step.
// Address-bar overrides (?service=…&clientId=…&tenant=…) only when the page is
// served from a loopback address: the local demo and the tests.
const fixed = {
  clientId: '',
  tenant: '',
  service: 'http://127.0.0.1:3000',
  sharePointHost: 'contoso.sharepoint.com',
  // shared.html: its links (?links= on a loopback page), and where a preview may be framed
  // (as ../example/config.js; shared.html's CSP frame-src names exactly these).
  sharedLinks: [],
  previewHosts: ['*.sharepoint.com', '*.sharepoint.us', '*.sharepoint.de', '*.sharepoint.cn'],
};

const loopback = (host) => host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
const query = loopback(location.hostname) ? new URLSearchParams(location.search) : new URLSearchParams();
const pick = (name) => query.get(name) ?? fixed[name];

export const config = Object.freeze({
  clientId: pick('clientId'),
  tenant: pick('tenant'),
  service: pick('service').replace(/\/+$/, ''),
  sharePointHost: pick('sharePointHost'),
  sharedLinks: Object.freeze(query.has('links') ? query.get('links').split(/\s+/).filter(Boolean) : [...fixed.sharedLinks]),
  previewHosts: Object.freeze([...fixed.previewHosts]),
  loopback: loopback(location.hostname),
});

export const GRAPH_SCOPES = ['https://graph.microsoft.com/Files.Read.All', 'https://graph.microsoft.com/Sites.Read.All'];
