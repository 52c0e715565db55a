/**
 * A typed browser client for share-resolver: resolve a SharePoint/OneDrive
 * sharing link to its driveItem with the signed-in user's token, list a
 * shared folder, and pre-warm a guest right after sign-in. No dependencies;
 * `fetch` only. `createShareResolverClient` is the way in; the stand-alone
 * `resolveShare`, `resolveShareWithMeta` and `prewarm` of 0.1 keep working
 * as they did (no retries, no timeout, `retryAfterBudgetMs` default 0).
 *
 * The API it speaks is docs/api.md and docs/openapi.json (routes, headers, problem codes).
 */

import { asDriveItem, engineOf, exchange, metaOf, parseShare, prewarmWith, type Resolution } from './client.js';
import { NO_RETRY, retryPolicy } from './retry.js';
import type { DriveItem, WarmupResult } from './types.js';

export * from './types.js';
export { ShareResolverError, type ShareResolverErrorFields } from './error.js';
export { DEFAULT_RETRY, nextRetry, type Retry, type RetryInput, type RetryPolicy, type RetryState } from './retry.js';
export {
  createShareResolverClient,
  shareIdOf,
  type CallOptions,
  type ChildrenOptions,
  type FolderRef,
  type ItemOptions,
  type PrewarmTarget,
  type QueryList,
  type ResolveMeta,
  type Resolution,
  type ShareResolverClient,
  type ShareResolverClientConfig,
} from './client.js';

/** Options of the stand-alone {@link resolveShare} and {@link prewarm} (0.1). */
export interface ClientOptions {
  /** The service's base URL, e.g. `https://abc.execute-api.eu-west-1.amazonaws.com`. */
  baseUrl: string;
  /** The user's delegated Microsoft Graph access token (MSAL `acquireTokenSilent`). */
  getToken(): Promise<string>;
  /**
   * A delegated token for a SharePoint host (scope `https://{host}/.default`),
   * sent as `X-SharePoint-Authorization` only with a sharing URL on that host;
   * `undefined` to send none. Enables the service's `sharepoint` warm-up.
   */
  getSharePointToken?(host: string): Promise<string | undefined>;
  /** A `client-request-id` to send (one is generated when absent). */
  clientRequestId?: string;
  /** Aborts the request and any `Retry-After` wait. */
  signal?: AbortSignal;
  /** A `fetch` to use instead of the global one. */
  fetch?: typeof fetch;
}

/** Options of the stand-alone {@link resolveShare}. */
export interface ResolveOptions extends ClientOptions {
  /**
   * Called once on a `claims_challenge` with the claims request (a JSON
   * string, as MSAL's `claims` parameter takes it); returns a new Graph token
   * acquired with those claims. The request is retried once with it; a
   * second challenge is thrown, never looped.
   */
  onClaimsChallenge?(claims: string): Promise<string>;
  /**
   * How long, in total, the client may wait out `Retry-After` on `throttled`
   * and `hydration_exhausted` before retrying. Default 0: no waiting, the
   * error is thrown with its `retryAfter`.
   */
  retryAfterBudgetMs?: number;
}

/** Options of the stand-alone {@link prewarm}: where to warm up, at most one of the two. */
export interface PrewarmOptions extends ClientOptions {
  shareUrl?: string;
  host?: string;
}

/** Resolves a sharing URL (or a `u!`/`s!` share id) to its driveItem (0.1; see `createShareResolverClient`). */
export async function resolveShare(shareUrlOrId: string, options: ResolveOptions): Promise<DriveItem> {
  return (await resolveShareWithMeta(shareUrlOrId, options)).item;
}

/** As {@link resolveShare}, with the service's success headers. */
export async function resolveShareWithMeta(shareUrlOrId: string, options: ResolveOptions): Promise<Resolution> {
  const engine = engineOf(options, {
    // 0.1's behaviour: only Retry-After waits, as many as fit the budget.
    policy: retryPolicy({
      ...NO_RETRY,
      retryAfterCodes: ['throttled', 'hydration_exhausted'],
      retryAfterBudgetMs: Math.max(0, options.retryAfterBudgetMs ?? 0),
      retryAfterWaits: Infinity,
    }),
    timeoutMs: 0,
  });
  const input = parseShare(shareUrlOrId);
  const { response, json, requests } = await exchange(
    engine,
    {
      method: 'POST',
      url: `${engine.baseUrl}/v1/resolve`,
      body: JSON.stringify(input.url ? { shareUrl: input.url } : { shareId: input.id }),
      sharePointHost: input.host,
    },
    options,
  );
  return { item: asDriveItem(json, response), meta: metaOf(response.headers, requests) };
}

/**
 * Pre-warms the signed-in guest (`POST /v1/warmup`), fire-and-forget: call it
 * right after sign-in. Never rejects: resolves to the service's answer, or
 * `undefined` on any failure (including a service without the route).
 */
export async function prewarm(options: PrewarmOptions): Promise<WarmupResult | undefined> {
  try {
    return await prewarmWith(engineOf(options, { policy: retryPolicy(false), timeoutMs: 0 }), options);
  } catch {
    return undefined;
  }
}
