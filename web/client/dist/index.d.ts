/**
 * A typed browser client for share-resolver: resolve a SharePoint/OneDrive
 * sharing link to its driveItem with the signed-in user's Graph token, and
 * pre-warm a guest right after sign-in. No dependencies; `fetch` only.
 *
 * The API it speaks is docs/api.md and docs/openapi.json (routes, headers, problem codes).
 */
/** An identity in a Graph `identitySet` (user, application or device). */
export interface Identity {
    id?: string;
    displayName?: string;
    email?: string;
    [key: string]: unknown;
}
/** Graph's `identitySet`: who created, modified or shared an item. */
export interface IdentitySet {
    user?: Identity;
    application?: Identity;
    device?: Identity;
    group?: Identity;
    siteUser?: Identity;
    [key: string]: unknown;
}
/**
 * The driveItem, exactly as Microsoft Graph returned it (typed loosely:
 * Graph adds fields over time, and a folder has no `file`).
 */
export interface DriveItem {
    id: string;
    name: string;
    size?: number;
    webUrl?: string;
    eTag?: string;
    cTag?: string;
    createdDateTime?: string;
    lastModifiedDateTime?: string;
    createdBy?: IdentitySet;
    lastModifiedBy?: IdentitySet;
    file?: {
        mimeType?: string;
        hashes?: Record<string, string>;
        [key: string]: unknown;
    };
    folder?: {
        childCount?: number;
        [key: string]: unknown;
    };
    package?: {
        type?: string;
        [key: string]: unknown;
    };
    shared?: {
        scope?: string;
        owner?: IdentitySet;
        sharedBy?: IdentitySet;
        sharedDateTime?: string;
        [key: string]: unknown;
    };
    parentReference?: {
        driveId?: string;
        driveType?: string;
        id?: string;
        name?: string;
        path?: string;
        siteId?: string;
        [key: string]: unknown;
    };
    /** A short-lived pre-authenticated download URL: never log or cache it. */
    '@microsoft.graph.downloadUrl'?: string;
    [key: string]: unknown;
}
/** One Graph call of a request, from a problem's `graph` array. */
export interface GraphDiagnostic {
    call?: 'warmup' | 'shares' | string;
    strategy?: string;
    status: number | null;
    code?: string | null;
    requestId?: string | null;
    clientRequestId?: string | null;
    agsDiagnostic?: unknown;
    date?: string | null;
    durationMs?: number;
    transportError?: string;
    [key: string]: unknown;
}
/** What the service said about a successful resolution (its headers). */
export interface ResolveMeta {
    /** `hit`, `miss` or `member` (`x-resolver-hydration`). */
    hydration?: string;
    /** `skipped` or the warm-up strategy that ran (`x-resolver-warmup`). */
    warmup?: string;
    /** `/shares` calls the service made (`x-resolver-attempts`). */
    attempts?: number;
    /** `server-timing` as milliseconds by name: store, warmup, graph, total. */
    serverTiming: Record<string, number>;
    /** Graph's `request-id` of the final Graph response. */
    requestId?: string;
    /** The `client-request-id` the service answered with. */
    clientRequestId?: string;
    /** HTTP requests this client made (claims retry and Retry-After waits included). */
    requests: number;
}
/** A driveItem and what the service said about getting it. */
export interface Resolution {
    item: DriveItem;
    meta: ResolveMeta;
}
/** Options of {@link resolveShare} and {@link prewarm}. */
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
/** Options of {@link resolveShare}. */
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
/** Options of {@link prewarm}: where to warm up, at most one of the two. */
export interface PrewarmOptions extends ClientOptions {
    shareUrl?: string;
    host?: string;
}
/** What `POST /v1/warmup` answers. */
export interface WarmupResult {
    hydration: 'hit' | 'member' | 'warmed' | string;
    warmup: string;
    [key: string]: unknown;
}
/**
 * A failure: the service's RFC 9457 problem, or `network_error` (no answer)
 * or `unexpected_response` (an answer that is not a problem).
 */
export declare class ShareResolverError extends Error {
    /** Stable machine code, e.g. `access_denied`; key off this. */
    readonly code: string;
    /** HTTP status (0 when no answer came). */
    readonly status: number;
    readonly title: string;
    readonly detail: string;
    /** What the caller (or the user) should do. */
    readonly remediation: string;
    /** Seconds to wait before retrying (`Retry-After`), when the service said. */
    readonly retryAfter?: number;
    /** Every Graph call of the request, in order. */
    readonly graph: GraphDiagnostic[];
    /** `claims_challenge`: the claims request as a JSON string, for MSAL. */
    readonly claims?: string;
    /** The response's `request-id` (Graph's, of its last answer). */
    readonly requestId?: string;
    /** The response's `client-request-id`. */
    readonly clientRequestId?: string;
    /** The response's `WWW-Authenticate` challenge, when one came. */
    readonly wwwAuthenticate?: string;
    constructor(fields: {
        code: string;
        status: number;
        title: string;
        detail?: string;
        remediation?: string;
        retryAfter?: number;
        graph?: GraphDiagnostic[];
        claims?: string;
        requestId?: string;
        clientRequestId?: string;
        wwwAuthenticate?: string;
        cause?: unknown;
    });
}
/** Resolves a sharing URL (or a `u!`/`s!` share id) to its driveItem. */
export declare function resolveShare(shareUrlOrId: string, options: ResolveOptions): Promise<DriveItem>;
/** As {@link resolveShare}, with the service's success headers. */
export declare function resolveShareWithMeta(shareUrlOrId: string, options: ResolveOptions): Promise<Resolution>;
/**
 * Pre-warms the signed-in guest (`POST /v1/warmup`), fire-and-forget: call it
 * right after sign-in. Never rejects: resolves to the service's answer, or
 * `undefined` on any failure (including a service without the route).
 */
export declare function prewarm(options: PrewarmOptions): Promise<WarmupResult | undefined>;
