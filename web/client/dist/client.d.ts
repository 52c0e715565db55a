/**
 * A client instance: `createShareResolverClient(config)` holds the service
 * URL, the token providers, the retry policy and the timeout, and speaks
 * every route of the contract through openapi-fetch over the `paths`
 * generated from docs/openapi.json: routes, path and query parameters,
 * headers, bodies and answers are the document's types, and no URL is
 * written by hand.
 *
 * Each route's typed call sends one HTTP request; one loop around it
 * (`send`) gives a call what the contract asks of a caller: the token, a
 * claims challenge answered once, a timeout per request, retries as
 * ./retry.ts decides. The bearer token is an openapi-fetch middleware; the
 * timeout and the retries wrap the typed call instead, because a middleware
 * cannot send the chain again (a retry needs all of it: the new token after
 * a claims challenge, a new timeout) and openapi-fetch reads the body after
 * the middleware has run (a timeout armed there would not cover the body).
 */
import { type RetryPolicy } from './retry.js';
import type { BatchRequest, BatchResponse, DriveItem, DriveItemCollection, DriveItemRef, Permission, Preview, PreviewBody, ResolverHydration, ShareResult, WarmupResult, WarmupStrategy } from './types.js';
/** How a client instance gets its tokens and talks to the service. */
export interface ShareResolverClientConfig {
    /** The service's base URL, e.g. `https://abc.execute-api.eu-west-1.amazonaws.com`. */
    baseUrl: string;
    /**
     * The token to send as `Authorization: Bearer`: the user's delegated
     * Microsoft Graph token (`graph` mode) or a token for the API's
     * `access_as_user` scope (`obo` mode). See `msalTokenProvider`.
     */
    getToken(): Promise<string>;
    /**
     * A delegated token for a SharePoint host (scope `https://{host}/.default`),
     * sent as `X-SharePoint-Authorization` only with a sharing URL (or a
     * pre-warm host) on that host; `undefined` sends none. `graph` mode only:
     * it enables the service's `sharepoint` warm-up.
     */
    getSharePointToken?(host: string): Promise<string | undefined>;
    /**
     * Called once per call on a `claims_challenge` with the claims request (a
     * JSON string, as MSAL's `claims` takes it); returns a token acquired with
     * those claims. The request is retried once with it; a second challenge is
     * thrown, never looped.
     */
    onClaimsChallenge?(claims: string): Promise<string>;
    /** Retries (see {@link RetryPolicy}); `false`: none. Defaults apply to what is left out. */
    retry?: Partial<RetryPolicy> | false;
    /**
     * The most one HTTP request may take, answer body included, in ms (default
     * 30 000: longer than API Gateway's 29 s, so the service's own
     * `deadline_exceeded` comes first); 0 for none. A request that runs out is
     * `timeout`.
     */
    timeoutMs?: number;
    /** A `fetch` to use instead of the global one; it is called with a `Request`. */
    fetch?: typeof fetch;
}
/** Options of one call. */
export interface CallOptions {
    /** Aborts the call (request, waits and retries), rejecting with the abort reason. */
    signal?: AbortSignal;
    /** A `client-request-id` to send on every request of the call (else one is generated). */
    clientRequestId?: string;
}
/** Graph's `$select` / `$expand`, as a list or as Graph's comma-separated text. */
export type QueryList = string | readonly string[];
export interface ItemOptions extends CallOptions {
    select?: QueryList;
    expand?: QueryList;
}
export interface ChildrenOptions extends CallOptions {
    /** Children per page (`$top`, 1 to 999); Graph's default when absent. */
    pageSize?: number;
    select?: QueryList;
    expand?: QueryList;
    /** `$orderby`, e.g. `name asc`. */
    orderBy?: string;
}
/** Where to pre-warm: at most one of the two (neither: the service's default). */
export interface PrewarmTarget extends CallOptions {
    shareUrl?: string;
    host?: string;
}
/**
 * A folder to list: a sharing link (URL or `u!`/`s!` id) of a shared folder,
 * an item inside it (`{driveId, itemId}`), or a driveItem the service answered
 * (its `parentReference.driveId` and `id`).
 */
export type FolderRef = string | DriveItemRef | DriveItem;
/** A preview's options (Graph's `preview` body) and the call's. */
export type PreviewOptions = CallOptions & PreviewBody;
/** What to preview: a sharing link (URL or `u!`/`s!` id), an item's ids, or a driveItem the service answered. */
export type PreviewTarget = string | DriveItemRef | DriveItem;
/** The most inner requests of one `POST /v1/$batch` (Graph's limit too). */
export declare const BATCH_LIMIT = 20;
/** What the service said about a successful resolution (its headers). */
export interface ResolveMeta {
    /** `hit`, `miss` or `member` (`x-resolver-hydration`). */
    hydration?: ResolverHydration;
    /** `skipped` or the warm-up strategy that ran (`x-resolver-warmup`). */
    warmup?: WarmupStrategy;
    /** `/shares` calls the service made (`x-resolver-attempts`). */
    attempts?: number;
    /** `server-timing` as milliseconds by name: store, warmup, graph, total. */
    serverTiming: Record<string, number>;
    /** Graph's `request-id` of the final Graph response. */
    requestId?: string;
    /** The `client-request-id` the service answered with. */
    clientRequestId?: string;
    /** HTTP requests this client made (claims retry, retries and Retry-After waits included). */
    requests: number;
}
/** A driveItem and what the service said about getting it. */
export interface Resolution {
    item: DriveItem;
    meta: ResolveMeta;
}
/** A client instance: every route of the service, with one configuration. */
export interface ShareResolverClient {
    /** Resolves a sharing URL (or a `u!`/`s!` share id) to its driveItem (`POST /v1/resolve`). */
    resolveShare(shareUrlOrId: string, options?: ItemOptions): Promise<DriveItem>;
    /** As {@link ShareResolverClient.resolveShare}, with the service's success headers. */
    resolveShareWithMeta(shareUrlOrId: string, options?: ItemOptions): Promise<Resolution>;
    /**
     * Pre-warms the signed-in guest (`POST /v1/warmup`), fire-and-forget:
     * call it right after sign-in. Never rejects: the service's answer, or
     * `undefined` on any failure. No retries.
     */
    prewarm(target?: PrewarmTarget): Promise<WarmupResult | undefined>;
    /**
     * The children of a folder, item by item, following `@odata.nextLink`
     * (only to this service: a next link to another origin is refused).
     * `GET /v1/shares/{shareId}/driveItem/children` for a link,
     * `GET /v1/drives/{driveId}/items/{itemId}/children` for an item.
     */
    listChildren(folder: FolderRef, options?: ChildrenOptions): AsyncIterableIterator<DriveItem>;
    /** As {@link ShareResolverClient.listChildren}, a page at a time. */
    listChildrenPages(folder: FolderRef, options?: ChildrenOptions): AsyncIterableIterator<DriveItemCollection>;
    /** An item inside a shared folder (`GET /v1/drives/{driveId}/items/{itemId}`). */
    getItem(ref: DriveItemRef, options?: ItemOptions): Promise<DriveItem>;
    /**
     * A sharing link's permission (`GET /v1/shares/{shareId}/permission`):
     * `roles`, `link.type` (`view`, `edit`), `link.preventsDownload`,
     * `expirationDateTime`, as Graph gives them.
     */
    getPermission(shareUrlOrId: string, options?: ItemOptions): Promise<Permission>;
    /**
     * A short-lived embeddable viewer URL (`getUrl`) for a shared file:
     * `POST /v1/shares/{shareId}/driveItem/preview` for a link,
     * `POST /v1/drives/{driveId}/items/{itemId}/preview` for an item. The
     * `getUrl` carries an access token: embed it, never log or store it.
     */
    preview(target: PreviewTarget, options?: PreviewOptions): Promise<Preview>;
    /**
     * Sends up to 20 requests as one `POST /v1/$batch` (Graph's JSON batching:
     * `url` relative to `/v1`, e.g. `/shares/u!…/driveItem`) and answers one
     * response per request, in request order, each with its own `status`. A
     * whole-batch refusal (a token problem, `throttled`, `bad_request`) is
     * thrown as a {@link ShareResolverError}.
     */
    batch(requests: readonly BatchRequest[], options?: BatchOptions): Promise<BatchResponse[]>;
    /**
     * The driveItems of many sharing links, 20 to a batch (the first batch,
     * which warms a cold guest up, before the others): one result per link,
     * in input order, each its driveItem or its own error. A whole batch that
     * is refused gives each of its links that error.
     */
    resolveShares(shareUrlsOrIds: readonly string[], options?: ItemOptions): Promise<ShareResult<DriveItem>[]>;
    /** As {@link ShareResolverClient.resolveShares}, the links' permissions. */
    getPermissions(shareUrlsOrIds: readonly string[], options?: ItemOptions): Promise<ShareResult<Permission>[]>;
    /** The configuration's base URL, without a trailing slash. */
    readonly baseUrl: string;
}
/** Options of a batch: the call's, and the host whose SharePoint token goes with it (`graph` mode). */
export interface BatchOptions extends CallOptions {
    sharePointHost?: string;
}
/** Creates a client instance. */
export declare function createShareResolverClient(config: ShareResolverClientConfig): ShareResolverClient;
/** The `u!` share id of a sharing URL: unpadded base64url of its UTF-8 bytes. */
export declare function shareIdOf(url: string): string;
//# sourceMappingURL=client.d.ts.map