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
    acquireTokenSilent(request: MsalTokenRequest): Promise<{
        accessToken: string;
    }>;
    acquireTokenPopup(request: MsalTokenRequest): Promise<{
        accessToken: string;
    }>;
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
/** Whether MSAL's `error` says an interactive request is needed (`InteractionRequiredAuthError` and kin). */
export declare function isInteractionRequired(error: unknown): boolean;
/**
 * Token functions for a client instance from an MSAL instance. A claims
 * challenge goes to MSAL with the claims (which makes it skip its cache):
 * silently first, then interactively.
 */
export declare function msalTokenProvider(instance: MsalInstance, options: MsalTokenProviderOptions): MsalTokenProvider;
/**
 * `getSharePointToken` for a client instance (`graph` mode): a token for
 * `https://{host}/.default`, silently only; `undefined` when MSAL cannot
 * (the service then warms up through Graph instead).
 */
export declare function msalSharePointToken(instance: MsalInstance, options?: Pick<MsalTokenProviderOptions, 'account'>): (host: string) => Promise<string | undefined>;
//# sourceMappingURL=msal.d.ts.map