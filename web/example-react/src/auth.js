// Tokens for the React example: the test seam (window.__SHARE_RESOLVER_TEST_AUTH__,
// as in ../example/auth.js and web/README.md), or MSAL.js through the package's adapter.
import { msalSharePointToken, msalTokenProvider } from '@share-resolver/client/msal';

import { config, GRAPH_SCOPES } from './config.js';

const NOT_A_TENANT = new Set(['', 'common', 'organizations', 'consumers']);

export async function createAuth() {
  const seam = window.__SHARE_RESOLVER_TEST_AUTH__;
  if (seam) {
    return {
      kind: 'test',
      account: seam.account ?? { name: 'Test user' },
      signIn: async () => {},
      getToken: () => seam.getToken(),
      onClaimsChallenge: seam.onClaimsChallenge && ((claims) => seam.onClaimsChallenge(claims)),
      getSharePointToken: seam.getSharePointToken && ((host) => seam.getSharePointToken(host)),
    };
  }
  if (!config.clientId) throw new Error('No client id: set clientId in src/config.js.');
  if (NOT_A_TENANT.has(config.tenant.trim().toLowerCase())) {
    throw new Error("No tenant: set tenant in src/config.js to the resource tenant's ID or domain (not common or organizations).");
  }
  const { PublicClientApplication } = await import('@azure/msal-browser');
  const app = new PublicClientApplication({
    auth: {
      clientId: config.clientId,
      authority: `https://login.microsoftonline.com/${encodeURIComponent(config.tenant.trim())}`,
      redirectUri: new URL('redirect.html', location.href).href,
      clientCapabilities: ['CP1'],
    },
    cache: { cacheLocation: 'sessionStorage' },
  });
  await app.initialize();
  const current = () => app.getActiveAccount() ?? app.getAllAccounts()[0] ?? null;
  const tokens = msalTokenProvider(app, { scopes: GRAPH_SCOPES, account: current });
  const auth = {
    kind: 'msal',
    account: current(),
    async signIn() {
      const result = await app.loginPopup({ scopes: GRAPH_SCOPES });
      app.setActiveAccount(result.account);
      auth.account = result.account;
    },
    getToken: tokens.getToken,
    onClaimsChallenge: tokens.onClaimsChallenge,
    getSharePointToken: msalSharePointToken(app, { account: current }),
  };
  return auth;
}
