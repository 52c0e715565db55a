const INTERACTION_CODES = new Set([
    'interaction_required',
    'login_required',
    'consent_required',
    'no_account_error',
    'no_tokens_found',
    'native_account_unavailable',
    'bad_token',
]);
export function isInteractionRequired(error) {
    if (!error || typeof error !== 'object')
        return false;
    const e = error;
    return e.name === 'InteractionRequiredAuthError' || (typeof e.errorCode === 'string' && INTERACTION_CODES.has(e.errorCode));
}
export function msalTokenProvider(instance, options) {
    if (!options || !Array.isArray(options.scopes) || options.scopes.length === 0) {
        throw new TypeError('msalTokenProvider: scopes must be a non-empty list');
    }
    const accountOf = () => {
        const chosen = typeof options.account === 'function' ? options.account() : options.account;
        return chosen ?? instance.getActiveAccount() ?? (instance.getAllAccounts().length === 1 ? instance.getAllAccounts()[0] : undefined);
    };
    const acquire = async (claims) => {
        const request = { scopes: [...options.scopes], account: accountOf() };
        if (claims !== undefined)
            request.claims = claims;
        try {
            return (await instance.acquireTokenSilent(request)).accessToken;
        }
        catch (error) {
            if (!isInteractionRequired(error))
                throw error;
        }
        if (options.interaction === 'redirect') {
            await instance.acquireTokenRedirect(request);
            return new Promise(() => { });
        }
        return (await instance.acquireTokenPopup(request)).accessToken;
    };
    return {
        getToken: () => acquire(),
        onClaimsChallenge: (claims) => acquire(claims),
    };
}
export function msalSharePointToken(instance, options = {}) {
    return async (host) => {
        const account = typeof options.account === 'function' ? options.account() : options.account;
        try {
            const request = { scopes: [`https://${host}/.default`], account: account ?? instance.getActiveAccount() ?? undefined };
            return (await instance.acquireTokenSilent(request)).accessToken;
        }
        catch {
            return undefined;
        }
    };
}
//# sourceMappingURL=msal.js.map