/**
 * MSAL.js adapter: `getToken` and `onClaimsChallenge` for a client instance
 * from a `PublicClientApplication`, silent first and interactive (popup or
 * redirect) only when MSAL says the user has to act. Typed structurally, so
 * it needs no MSAL import (any @azure/msal-browser 3 to 5 fits).
 */

/** The part of MSAL's `AccountInfo` the adapter passes on. */
export interface MsalAccount {
  homeAccountId: string;
  username: string;
  [key: string]: unknown;
}

/** A token request as MSAL takes it. */
export interface MsalTokenRequest {
  scopes: string[];
  account?: MsalAccount;
  claims?: string;
}

/** The part of MSAL's `PublicClientApplication` the adapter uses. */
export interface MsalInstance {
  acquireTokenSilent(request: MsalTokenRequest): Promise<{ accessToken: string }>;
  acquireTokenPopup(request: MsalTokenRequest): Promise<{ accessToken: string }>;
  acquireTokenRedirect(request: MsalTokenRequest): Promise<void>;
  getActiveAccount(): MsalAccount | null;
  getAllAccounts(): MsalAccount[];
}

export interface MsalTokenProviderOptions {
  /**
   * What to ask for: Microsoft Graph scopes in `graph` mode (e.g.
   * `https://graph.microsoft.com/Files.Read.All`), or the API's scope in
   * `obo` mode (`api://{API client id}/access_as_user`).
   */
  scopes: string[];
  /** The account, or a function that returns it; default the active account, else the only one. */
  account?: MsalAccount | (() => MsalAccount | null | undefined);
  /**
   * How the user acts when MSAL cannot go on silently: `popup` (default) or
   * `redirect` (the page navigates away; the promise never settles, and
   * `handleRedirectPromise` completes the sign-in when the page comes back).
   */
  interaction?: 'popup' | 'redirect';
}

/** `getToken` and `onClaimsChallenge`, ready for `createShareResolverClient`. */
export interface MsalTokenProvider {
  getToken(): Promise<string>;
  onClaimsChallenge(claims: string): Promise<string>;
}

/** MSAL's own codes that mean "only the user can go on from here". */
const INTERACTION_CODES = new Set([
  'interaction_required',
  'login_required',
  'consent_required',
  'no_account_error',
  'no_tokens_found',
  'native_account_unavailable',
  'bad_token',
]);

/** Whether MSAL's `error` says an interactive request is needed (`InteractionRequiredAuthError` and kin). */
export function isInteractionRequired(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { name?: unknown; errorCode?: unknown };
  return e.name === 'InteractionRequiredAuthError' || (typeof e.errorCode === 'string' && INTERACTION_CODES.has(e.errorCode));
}

/**
 * Token functions for a client instance from an MSAL instance. A claims
 * challenge goes to MSAL with the claims (which makes it skip its cache):
 * silently first, then interactively.
 */
export function msalTokenProvider(instance: MsalInstance, options: MsalTokenProviderOptions): MsalTokenProvider {
  if (!options || !Array.isArray(options.scopes) || options.scopes.length === 0) {
    throw new TypeError('msalTokenProvider: scopes must be a non-empty list');
  }
  const accountOf = (): MsalAccount | undefined => {
    const chosen = typeof options.account === 'function' ? options.account() : options.account;
    return chosen ?? instance.getActiveAccount() ?? (instance.getAllAccounts().length === 1 ? instance.getAllAccounts()[0] : undefined);
  };
  const acquire = async (claims?: string): Promise<string> => {
    const request: MsalTokenRequest = { scopes: [...options.scopes], account: accountOf() };
    if (claims !== undefined) request.claims = claims;
    try {
      return (await instance.acquireTokenSilent(request)).accessToken;
    } catch (error) {
      if (!isInteractionRequired(error)) throw error;
    }
    if (options.interaction === 'redirect') {
      await instance.acquireTokenRedirect(request);
      return new Promise<string>(() => {}); // the page is navigating away
    }
    return (await instance.acquireTokenPopup(request)).accessToken;
  };
  return {
    getToken: () => acquire(),
    onClaimsChallenge: (claims: string) => acquire(claims),
  };
}

/**
 * `getSharePointToken` for a client instance (`graph` mode): a token for
 * `https://{host}/.default`, silently only; `undefined` when MSAL cannot
 * (the service then warms up through Graph instead).
 */
export function msalSharePointToken(
  instance: MsalInstance,
  options: Pick<MsalTokenProviderOptions, 'account'> = {},
): (host: string) => Promise<string | undefined> {
  return async (host) => {
    const account = typeof options.account === 'function' ? options.account() : options.account;
    try {
      const request: MsalTokenRequest = { scopes: [`https://${host}/.default`], account: account ?? instance.getActiveAccount() ?? undefined };
      return (await instance.acquireTokenSilent(request)).accessToken;
    } catch {
      return undefined;
    }
  };
}
