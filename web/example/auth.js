// Where the page's tokens come from. Three providers, one shape:
//   { kind, account, signIn(), signOut(), getToken(), onClaimsChallenge(claims),
//     getSharePointToken(host) }
//
// 1. The test seam: when `window.__SHARE_RESOLVER_TEST_AUTH__` is set before
//    the page loads (Playwright's addInitScript), it is used instead of MSAL:
//    an object with `getToken()`, and optionally `onClaimsChallenge(claims)`,
//    `getSharePointToken(host)` and `account` ({name, username}); or with
//    `msal`, a stand-in for MSAL's PublicClientApplication, which then goes
//    through the same code as MSAL.js (the scopes asked for, per authMode).
//    The page counts as signed in at once. See web/README.md, "Test seam".
// 2. MSAL.js (Microsoft Entra ID), the real thing.
// 3. "simulator": local demo tokens minted by graph-sim through serve.mjs --sim.
//
// In authMode "obo" no provider has getSharePointToken: the page never sends
// X-SharePoint-Authorization (the service gets SharePoint tokens itself).

import { msalSharePointToken, msalTokenProvider } from '../client/dist/msal.js';
import { config, tokenScopes } from './config.js';

export async function createAuth() {
  if (config.authMode !== 'graph' && config.authMode !== 'obo') {
    throw new Error(`authMode must be 'graph' or 'obo' (the service's AUTH_MODE), not "${config.authMode}": set it in example/config.js.`);
  }
  const seam = window.__SHARE_RESOLVER_TEST_AUTH__;
  const auth = seam ? seamAuth(seam) : config.auth === 'simulator' ? simulatorAuth() : await msalAuth();
  if (config.authMode !== 'graph') auth.getSharePointToken = undefined;
  return auth;
}

function seamAuth(seam) {
  if (seam.msal) return msalProvider(seam.msal, 'test');
  return {
    kind: 'test',
    account: seam.account ?? { name: 'Test user', username: 'test@example.com' },
    signIn: async () => {},
    signOut: async () => {},
    getToken: () => seam.getToken(),
    onClaimsChallenge: seam.onClaimsChallenge ? (claims) => seam.onClaimsChallenge(claims) : undefined,
    getSharePointToken: seam.getSharePointToken ? (host) => seam.getSharePointToken(host) : undefined,
  };
}

/** graph-sim's demo tenant (crates/graph-sim/src/demo.rs). */
const DEMO_TENANT = '5f1c2f7a-7d4e-4e7b-9a51-1d2c3b4a5f60';

function simulatorAuth() {
  // One guest per browser tab, so the demo shows a cold guest first.
  let oid = sessionStorage.getItem('sim-oid');
  const auth = {
    kind: 'simulator',
    account: oid ? { name: 'Demo guest', username: `guest ${oid.slice(0, 8)}` } : null,
    async signIn() {
      oid = crypto.randomUUID();
      sessionStorage.setItem('sim-oid', oid);
      auth.account = { name: 'Demo guest', username: `guest ${oid.slice(0, 8)}` };
    },
    async signOut() {
      sessionStorage.removeItem('sim-oid');
      auth.account = null;
    },
    async getToken() {
      const r = await fetch('/__sim/token', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        // obo: a token for the API (the simulator's API app), not for Graph.
        body: JSON.stringify({ tid: DEMO_TENANT, oid, guest: true, ...(config.authMode === 'obo' ? { api: true } : {}) }),
      });
      if (!r.ok) throw new Error(`simulator token: HTTP ${r.status} (is serve.mjs running with --sim?)`);
      return (await r.json()).token;
    },
    onClaimsChallenge: () => auth.getToken(),
  };
  return auth;
}

/** Loads MSAL.js's browser build (copied to vendor/ by `npm run build`). */
function loadMsal() {
  if (window.msal) return Promise.resolve(window.msal);
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = new URL('vendor/msal-browser.min.js', import.meta.url).href;
    script.onload = () => resolve(window.msal);
    script.onerror = () => reject(new Error('MSAL.js not found in example/vendor/: run `npm --prefix web run build`'));
    document.head.append(script);
  });
}

/** Authorities that sign a guest in to its home tenant, not to the resource tenant. */
const NOT_A_TENANT = new Set(['', 'common', 'organizations', 'consumers']);

async function msalAuth() {
  tokenScopes(); // a bad authMode or apiScope stops here, before MSAL loads
  if (!config.clientId) {
    throw new Error('No client id: set clientId in example/config.js (or ?auth=simulator for the local demo on a loopback address).');
  }
  if (NOT_A_TENANT.has(config.tenant.trim().toLowerCase())) {
    throw new Error(
      `No tenant: set tenant in example/config.js to the resource tenant's ID or domain (the tenant that owns the SharePoint site), not "${config.tenant || '(empty)'}": a guest's token must come from there.`,
    );
  }
  const msal = await loadMsal();
  const app = new msal.PublicClientApplication({
    auth: {
      clientId: config.clientId,
      authority: `https://login.microsoftonline.com/${encodeURIComponent(config.tenant.trim())}`,
      // MSAL v5 popups answer through the redirect bridge page.
      redirectUri: new URL('redirect.html', import.meta.url).href,
      // "CP1": this app handles claims challenges (CAE, Conditional Access),
      // so Graph may send them instead of failing outright.
      clientCapabilities: ['CP1'],
    },
    cache: { cacheLocation: 'sessionStorage' },
  });
  await app.initialize();
  return msalProvider(app, 'msal');
}

/**
 * The page's tokens from an MSAL instance (MSAL.js's, or the test seam's
 * stand-in): graph mode asks for GRAPH_SCOPES, obo mode for apiScope only.
 */
function msalProvider(app, kind) {
  const scopes = tokenScopes();
  const current = () => app.getActiveAccount() ?? app.getAllAccounts()[0] ?? null;
  const toAccount = (a) => (a ? { name: a.name ?? a.username, username: a.username } : null);
  // Silent first, a popup when the user has to act; a claims challenge goes
  // to Entra with its claims (MSAL then skips its cache).
  const tokens = msalTokenProvider(app, { scopes, account: current });

  const auth = {
    kind,
    account: toAccount(current()),
    async signIn() {
      const result = await app.loginPopup({ scopes });
      app.setActiveAccount(result.account);
      auth.account = toAccount(result.account);
    },
    async signOut() {
      const account = current();
      auth.account = null;
      await app.logoutPopup({ account, mainWindowRedirectUri: location.href });
    },
    getToken: tokens.getToken,
    onClaimsChallenge: tokens.onClaimsChallenge,
    // graph only, optional: a SharePoint token enables the service's
    // `sharepoint` warm-up. Silent only; no token (undefined) is fine, the
    // other warm-ups remain. In obo the service gets it On-Behalf-Of.
    getSharePointToken:
      config.authMode === 'graph' && config.sharePointWarmup ? msalSharePointToken(app, { account: current }) : undefined,
  };
  return auth;
}
