import { asDriveItem, engineOf, exchange, metaOf, parseShare, prewarmWith } from './client.js';
import { NO_RETRY, retryPolicy } from './retry.js';
export * from './types.js';
export { ShareResolverError } from './error.js';
export { DEFAULT_RETRY, nextRetry } from './retry.js';
export { createShareResolverClient, shareIdOf, } from './client.js';
export async function resolveShare(shareUrlOrId, options) {
    return (await resolveShareWithMeta(shareUrlOrId, options)).item;
}
export async function resolveShareWithMeta(shareUrlOrId, options) {
    const engine = engineOf(options, {
        policy: retryPolicy({
            ...NO_RETRY,
            retryAfterCodes: ['throttled', 'hydration_exhausted'],
            retryAfterBudgetMs: Math.max(0, options.retryAfterBudgetMs ?? 0),
            retryAfterWaits: Infinity,
        }),
        timeoutMs: 0,
    });
    const input = parseShare(shareUrlOrId);
    const { response, json, requests } = await exchange(engine, {
        method: 'POST',
        url: `${engine.baseUrl}/v1/resolve`,
        body: JSON.stringify(input.url ? { shareUrl: input.url } : { shareId: input.id }),
        sharePointHost: input.host,
    }, options);
    return { item: asDriveItem(json, response), meta: metaOf(response.headers, requests) };
}
export async function prewarm(options) {
    try {
        return await prewarmWith(engineOf(options, { policy: retryPolicy(false), timeoutMs: 0 }), options);
    }
    catch {
        return undefined;
    }
}
//# sourceMappingURL=index.js.map