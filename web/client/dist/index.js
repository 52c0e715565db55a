export * from './types.js';
export { ShareResolverError } from './error.js';
export { DEFAULT_RETRY, nextRetry } from './retry.js';
export { BATCH_LIMIT, createShareResolverClient, shareIdOf, } from './client.js';
//# sourceMappingURL=index.js.map