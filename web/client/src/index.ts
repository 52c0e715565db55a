/**
 * A typed browser client for share-resolver: resolve a SharePoint/OneDrive
 * sharing link to its driveItem with the signed-in user's token, list a
 * shared folder, and pre-warm a guest right after sign-in.
 * `createShareResolverClient` is the way in; it calls the routes through
 * openapi-fetch, typed by the `paths` generated from the service's OpenAPI
 * document.
 *
 * The API it speaks is docs/api.md and docs/openapi.json (routes, headers, problem codes).
 */

export * from './types.js';
export { ShareResolverError, type ShareResolverErrorFields } from './error.js';
export { DEFAULT_RETRY, nextRetry, type Retry, type RetryInput, type RetryPolicy, type RetryState } from './retry.js';
export {
  BATCH_LIMIT,
  createShareResolverClient,
  shareIdOf,
  type BatchOptions,
  type CallOptions,
  type ChildrenOptions,
  type FolderRef,
  type ItemOptions,
  type PrewarmTarget,
  type PreviewOptions,
  type PreviewTarget,
  type QueryList,
  type ResolveMeta,
  type Resolution,
  type ShareResolverClient,
  type ShareResolverClientConfig,
} from './client.js';
