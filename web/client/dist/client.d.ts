/**
 * A client instance: `createShareResolverClient(config)` holds the service
 * URL, the token providers, the retry policy and the timeout, and speaks
 * every route of the contract. One request loop (`exchange`) serves them all:
 * token, claims challenge (retried once), timeout, retries as ./retry.ts decides.
 */
import { type RetryPolicy } from './retry.js';
import type { ChildrenPage, DriveItem, DriveItemRef, ResolverHydration, WarmupResult, WarmupStrategy } from './types.js';
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
    /** A `fetch` to use instead of the global one. */
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
    listChildrenPages(folder: FolderRef, options?: ChildrenOptions): AsyncIterableIterator<ChildrenPage>;
    /** An item inside a shared folder (`GET /v1/drives/{driveId}/items/{itemId}`). */
    getItem(ref: DriveItemRef, options?: ItemOptions): Promise<DriveItem>;
    /** The configuration's base URL, without a trailing slash. */
    readonly baseUrl: string;
}
/** Creates a client instance. */
export declare function createShareResolverClient(config: ShareResolverClientConfig): ShareResolverClient;
/** A configuration made ready for `exchange`. */
export interface Engine {
    baseUrl: string;
    getToken(): Promise<string>;
    getSharePointToken?(host: string): Promise<string | undefined>;
    onClaimsChallenge?(claims: string): Promise<string>;
    policy: RetryPolicy;
    timeoutMs: number;
    fetch?: typeof fetch;
    random?: () => number;
}
export declare function engineOf(config: Pick<ShareResolverClientConfig, 'baseUrl' | 'getToken' | 'getSharePointToken' | 'onClaimsChallenge' | 'fetch'>, more: {
    policy: RetryPolicy;
    timeoutMs: number;
}): Engine;
/** One HTTP exchange as the loop sees it. */
interface Endpoint {
    method: 'GET' | 'POST';
    url: string;
    body?: string;
    /** The SharePoint host whose token goes along (a sharing URL's). */
    sharePointHost?: string;
}
/** What outlives one exchange in a call of several (the pages of a listing). */
interface Session {
    token?: string;
    challenged?: boolean;
    sharePointToken?: string | undefined;
    sharePointAsked?: boolean;
}
/**
 * Sends `endpoint` until it succeeds or the policy gives up: the token once
 * per session, a claims challenge answered once, retries as `nextRetry` says.
 * Resolves to the 2xx response and its JSON body (`undefined` when not JSON).
 */
export declare function exchange(engine: Engine, endpoint: Endpoint, options: CallOptions, session?: Session): Promise<{
    response: Response;
    json: unknown;
    requests: number;
}>;
/** `POST /v1/warmup`; never rejects. */
export declare function prewarmWith(engine: Engine, target: PrewarmTarget): Promise<WarmupResult | undefined>;
/** A sharing link as the routes take it: an https URL (with its host) or a `u!`/`s!` id. */
export declare function parseShare(shareUrlOrId: string): {
    url?: string;
    id: string;
    host?: string;
};
/** The `u!` share id of a sharing URL: unpadded base64url of its UTF-8 bytes. */
export declare function shareIdOf(url: string): string;
export declare function asDriveItem(json: unknown, response: Response): DriveItem;
export declare function metaOf(h: Headers, requests: number): ResolveMeta;
export {};
//# sourceMappingURL=client.d.ts.map