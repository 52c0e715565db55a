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

import createClient, { type Client, type Middleware } from 'openapi-fetch';

import { ShareResolverError } from './error.js';
import { afterRetry, nextRetry, retryPolicy, type RetryPolicy, type RetryState } from './retry.js';
import type {
  ApiPaths,
  BatchRequest,
  BatchResponse,
  DriveItem,
  DriveItemCollection,
  DriveItemRef,
  ErrorCode,
  GraphDiagnostic,
  Permission,
  Preview,
  PreviewBody,
  ResolverHydration,
  ShareResult,
  WarmupResult,
  WarmupStrategy,
} from './types.js';

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
export const BATCH_LIMIT = 20;

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
export function createShareResolverClient(config: ShareResolverClientConfig): ShareResolverClient {
  const engine = engineOf(config, retryPolicy(config.retry), config.timeoutMs ?? 30_000);
  const { api } = engine;

  async function resolveShareWithMeta(shareUrlOrId: string, options: ItemOptions = {}): Promise<Resolution> {
    const input = parseShare(shareUrlOrId);
    const [select, expand] = [listOf(options.select), listOf(options.expand)];
    const call = await callOf(engine, options, input.host);
    const { data, response, requests } = await send(engine, call, ({ header, ...init }) =>
      api.POST('/v1/resolve', {
        ...init,
        body: input.url ? { shareUrl: input.url, select, expand } : { shareId: input.id, select, expand },
        params: { header },
      }),
    );
    return { item: driveItemOf(data, response), meta: metaOf(response.headers, requests) };
  }

  async function* listChildrenPages(folder: FolderRef, options: ChildrenOptions = {}): AsyncGenerator<DriveItemCollection> {
    const route = folderRoute(folder);
    const query: ChildrenQuery = {
      $top: pageSizeOf(options.pageSize),
      $select: listOf(options.select),
      $expand: listOf(options.expand),
      $orderby: options.orderBy,
    };
    // One call for the listing: one client-request-id, token and SharePoint token for every page.
    const call = await callOf(engine, options, route.host);
    let $skiptoken: string | undefined;
    for (;;) {
      const page: ChildrenQuery = { ...query, $skiptoken };
      const { data, response } = await send(engine, call, ({ header, ...init }) =>
        'shareId' in route.path
          ? api.GET('/v1/shares/{shareId}/driveItem/children', { ...init, params: { header, path: route.path, query: page } })
          : api.GET('/v1/drives/{driveId}/items/{itemId}/children', { ...init, params: { header, path: route.path, query: page } }),
      );
      const collection = collectionOf(data, response);
      yield collection;
      const next = collection['@odata.nextLink'];
      if (next === undefined || next === null) return;
      $skiptoken = skiptokenOf(next, call, response);
    }
  }

  async function* listChildren(folder: FolderRef, options: ChildrenOptions = {}): AsyncGenerator<DriveItem> {
    for await (const page of listChildrenPages(folder, options)) yield* page.value;
  }

  async function batch(requests: readonly BatchRequest[], options: BatchOptions = {}): Promise<BatchResponse[]> {
    if (requests.length < 1 || requests.length > BATCH_LIMIT) {
      throw new RangeError(`a batch holds 1 to ${BATCH_LIMIT} requests, not ${requests.length}`);
    }
    const call = await callOf(engine, options, options.sharePointHost);
    const { data, response } = await send(engine, call, ({ header, ...init }) =>
      api.POST('/v1/$batch', { ...init, body: { requests: [...requests] }, params: { header } }),
    );
    return inRequestOrder(requests, data, response);
  }

  /** Each link's GET `/shares/{id}/{what}`, batched 20 at a time; one result per link, in order. */
  async function batchShares<T>(inputs: readonly string[], what: string, options: ItemOptions, valueOf: (body: unknown) => T | undefined) {
    const shares = inputs.map(parseShare);
    const query = queryOf({ $select: listOf(options.select), $expand: listOf(options.expand) });
    const requests: BatchRequest[] = shares.map((share, i) => ({ id: String(i + 1), method: 'GET', url: `/shares/${share.id}/${what}${query}` }));
    const results: ShareResult<T>[] = [];
    const one = async (start: number) => {
      const chunk = requests.slice(start, start + BATCH_LIMIT);
      const host = shares.slice(start, start + BATCH_LIMIT).find((s) => s.host)?.host;
      let answers: (BatchResponse | ShareResolverError)[];
      try {
        answers = await batch(chunk, { ...options, sharePointHost: host });
      } catch (e) {
        if (!(e instanceof ShareResolverError)) throw e;
        answers = chunk.map(() => e);
      }
      answers.forEach((answer, i) => {
        results[start + i] = answer instanceof ShareResolverError ? { ok: false, error: answer } : resultOf(answer, valueOf);
      });
    };
    if (requests.length === 0) return results;
    // The first batch warms a cold guest up; the others then find it hydrated.
    await one(0);
    const rest: Promise<void>[] = [];
    for (let start = BATCH_LIMIT; start < requests.length; start += BATCH_LIMIT) rest.push(one(start));
    await Promise.all(rest);
    return results;
  }

  return {
    baseUrl: engine.baseUrl,
    batch,
    resolveShares: (inputs, options = {}) => batchShares(inputs, 'driveItem', options, objectOf<DriveItem>),
    getPermissions: (inputs, options = {}) => batchShares(inputs, 'permission', options, objectOf<Permission>),
    async getPermission(shareUrlOrId, options = {}) {
      const share = parseShare(shareUrlOrId);
      const query = { $select: listOf(options.select), $expand: listOf(options.expand) };
      const call = await callOf(engine, options, share.host);
      const { data, response } = await send(engine, call, ({ header, ...init }) =>
        api.GET('/v1/shares/{shareId}/permission', { ...init, params: { header, path: { shareId: share.id }, query } }),
      );
      return objectOf<Permission>(data) ?? throwUnexpected(response, 'not a permission');
    },
    async preview(target, options = {}) {
      const { signal, clientRequestId, ...fields } = options;
      const body = previewBodyOf(fields);
      const share = typeof target === 'string' ? parseShare(target) : undefined;
      const call = await callOf(engine, { signal, clientRequestId }, share?.host);
      const { data, response } = await send(engine, call, ({ header, ...init }) =>
        share
          ? api.POST('/v1/shares/{shareId}/driveItem/preview', { ...init, body, params: { header, path: { shareId: share.id } } })
          : api.POST('/v1/drives/{driveId}/items/{itemId}/preview', {
              ...init,
              body,
              params: { header, path: itemPath(refOf(target as DriveItemRef | DriveItem)) },
            }),
      );
      return objectOf<Preview>(data) ?? throwUnexpected(response, 'not a preview');
    },
    resolveShareWithMeta,
    async resolveShare(shareUrlOrId, options) {
      return (await resolveShareWithMeta(shareUrlOrId, options)).item;
    },
    prewarm: (target = {}) => prewarm({ ...engine, policy: retryPolicy(false) }, target),
    listChildrenPages,
    listChildren,
    async getItem(ref, options = {}) {
      const path = itemPath(ref);
      const query: ItemQuery = { $select: listOf(options.select), $expand: listOf(options.expand) };
      const call = await callOf(engine, options);
      const { data, response } = await send(engine, call, ({ header, ...init }) =>
        api.GET('/v1/drives/{driveId}/items/{itemId}', { ...init, params: { header, path, query } }),
      );
      return driveItemOf(data, response);
    },
  };
}

// ---- the request loop --------------------------------------------------------

/** A configuration made ready for `send`: the typed openapi-fetch client and the policy. */
interface Engine {
  baseUrl: string;
  api: Client<ApiPaths>;
  getToken(): Promise<string>;
  getSharePointToken?(host: string): Promise<string | undefined>;
  onClaimsChallenge?(claims: string): Promise<string>;
  policy: RetryPolicy;
  timeoutMs: number;
}

function engineOf(config: ShareResolverClientConfig, policy: RetryPolicy, timeoutMs: number): Engine {
  if (typeof config.baseUrl !== 'string' || !/^https?:\/\//i.test(config.baseUrl)) {
    throw new TypeError('baseUrl must be an http(s) URL');
  }
  if (!(timeoutMs >= 0)) throw new RangeError(`timeoutMs must be a number ≥ 0, not ${String(timeoutMs)}`);
  const baseUrl = config.baseUrl.replace(/\/+$/, '');
  const api = createClient<ApiPaths>({
    baseUrl,
    // Looked up per request, as `fetch` itself would be.
    fetch: (request) => (config.fetch ?? globalThis.fetch)(request),
    credentials: 'omit',
    cache: 'no-store',
  });
  return {
    baseUrl,
    api,
    getToken: config.getToken,
    getSharePointToken: config.getSharePointToken,
    onClaimsChallenge: config.onClaimsChallenge,
    policy,
    timeoutMs,
  };
}

/** The query options of the item and children routes, as the document types them. */
type ItemQuery = NonNullable<ApiPaths['/v1/drives/{driveId}/items/{itemId}']['get']['parameters']['query']>;
type ChildrenQuery = NonNullable<ApiPaths['/v1/shares/{shareId}/driveItem/children']['get']['parameters']['query']>;

/** The headers every route takes, as the document types them. */
type RouteHeaders = NonNullable<ApiPaths['/v1/resolve']['post']['parameters']['header']>;

/** What `send` hands each attempt of a typed call: spread it into openapi-fetch's options. */
interface AttemptInit {
  header: RouteHeaders;
  signal: AbortSignal | undefined;
  middleware: Middleware[];
}

/** One typed call: openapi-fetch's answer (`data` on 2xx, else `error`: the parsed body). */
type Attempt<D> = (init: AttemptInit) => Promise<{ data?: D; error?: unknown; response: Response }>;

/**
 * What outlives one HTTP request in a call (retries, and the pages of a
 * listing): its id, tokens, whether a claims challenge was answered, and
 * what the bearer middleware saw last.
 */
interface Call {
  signal?: AbortSignal;
  clientRequestId: string;
  token: string;
  sharePointToken?: string;
  challenged: boolean;
  /** The last request sent and its answer (for a next link's check, and a body that is not JSON). */
  sent?: string;
  answer?: Response;
  middleware: Middleware;
}

/**
 * A call's state: the SharePoint token (a failure to get one only means none
 * is sent), then the token. An abort before anything is sent rejects at once.
 */
async function callOf(engine: Engine, options: CallOptions, sharePointHost?: string): Promise<Call> {
  const sharePointToken = await sharePointTokenFor(sharePointHost, engine);
  if (options.signal?.aborted) throw abortReason(options.signal);
  const call: Call = {
    signal: options.signal,
    clientRequestId: options.clientRequestId ?? newId(),
    token: await engine.getToken(),
    sharePointToken,
    challenged: false,
    // The bearer token as openapi-fetch middleware: the call's current one,
    // which a claims challenge replaces for the requests after it.
    middleware: {
      onRequest({ request }) {
        if (call.token) request.headers.set('authorization', `Bearer ${call.token}`);
        call.sent = request.url;
        return request;
      },
      onResponse({ response }) {
        call.answer = response;
      },
    },
  };
  return call;
}

/**
 * Sends `attempt` until it succeeds or the policy gives up: a claims
 * challenge answered once, retries as `nextRetry` says, each request within
 * the timeout. Resolves to the 2xx answer's data and response.
 */
async function send<D>(
  engine: Engine,
  call: Call,
  attempt: Attempt<D>,
): Promise<{ data: D | undefined; response: Response; requests: number }> {
  const header: RouteHeaders = { 'client-request-id': call.clientRequestId };
  if (call.sharePointToken) header['X-SharePoint-Authorization'] = `Bearer ${call.sharePointToken}`;
  let state: RetryState = { transientRetries: 0, retryAfterWaits: 0, retryAfterSpentMs: 0 };
  for (let requests = 1; ; requests++) {
    let error: ShareResolverError;
    const limit = linkedSignal(call.signal, engine.timeoutMs);
    try {
      const answer = await attempt({ header, signal: limit.signal, middleware: [call.middleware] });
      if (answer.response.ok) return { data: answer.data, response: answer.response, requests };
      error = errorOf(answer.response.status, answer.response.headers, answer.error);
    } catch (cause) {
      error = failureOf(cause, call, limit.timedOut(), engine.timeoutMs);
    } finally {
      limit.done();
    }
    if (error.code === 'claims_challenge' && error.claims && engine.onClaimsChallenge && !call.challenged) {
      call.challenged = true;
      call.token = await engine.onClaimsChallenge(error.claims);
      continue;
    }
    const retry = nextRetry(engine.policy, state, error, Math.random);
    if (!retry) throw error.withRequests(requests);
    state = afterRetry(state, retry);
    await sleep(retry.delayMs, call.signal);
  }
}

/**
 * A request that brought no usable answer: the caller's abort stays an abort;
 * too late is `timeout`, a 2xx body that is not JSON `unexpected_response`,
 * anything else (no answer, a CORS refusal) `network_error`.
 */
function failureOf(cause: unknown, call: Call, timedOut: boolean, timeoutMs: number): ShareResolverError {
  if (call.signal?.aborted) throw abortReason(call.signal);
  const clientRequestId = call.clientRequestId;
  if (timedOut) {
    return new ShareResolverError({
      code: 'timeout',
      status: 0,
      title: 'The service did not answer in time',
      detail: `no answer within ${timeoutMs} ms`,
      remediation: 'Try again; if it keeps happening, check the service (or raise timeoutMs).',
      clientRequestId,
      cause,
    });
  }
  if (cause instanceof SyntaxError && call.answer?.ok) return unexpected(call.answer, 'not JSON');
  return new ShareResolverError({
    code: 'network_error',
    status: 0,
    title: 'The service could not be reached',
    detail: String(cause),
    remediation:
      'Check the network and the service URL; a browser also reports a CORS refusal this way (is this origin in ALLOWED_ORIGINS?).',
    clientRequestId,
    cause,
  });
}

/** `signal` and a timer in one signal; `done()` lets go of both. */
function linkedSignal(signal: AbortSignal | undefined, timeoutMs: number) {
  if (!timeoutMs) return { signal, timedOut: () => false, done: () => {} };
  const controller = new AbortController();
  let expired = false;
  const onAbort = () => controller.abort(signal?.reason);
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new DOMException('timeout', 'TimeoutError'));
  }, timeoutMs);
  return {
    signal: controller.signal,
    timedOut: () => expired,
    done: () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}

/** `POST /v1/warmup`; never rejects. */
async function prewarm(engine: Engine, target: PrewarmTarget): Promise<WarmupResult | undefined> {
  try {
    const { shareUrl, host } = target;
    const call = await callOf(engine, target, shareUrl ? httpsHost(shareUrl) : host);
    const { data } = await send(engine, call, ({ header, ...init }) =>
      engine.api.POST('/v1/warmup', {
        ...init,
        body: shareUrl ? { shareUrl } : host ? { host } : undefined,
        params: { header },
      }),
    );
    return data && typeof data.hydration === 'string' ? data : undefined;
  } catch {
    return undefined;
  }
}

// ---- inputs ----------------------------------------------------------------

/** A sharing link as the routes take it: an https URL (with its host) or a `u!`/`s!` id. */
function parseShare(shareUrlOrId: string): { url?: string; id: string; host?: string } {
  const input = String(shareUrlOrId).trim();
  if (/^[us]!/.test(input)) return { id: input };
  return { url: input, id: shareIdOf(input), host: httpsHost(input) };
}

/** The `u!` share id of a sharing URL: unpadded base64url of its UTF-8 bytes. */
export function shareIdOf(url: string): string {
  const bytes = new TextEncoder().encode(url);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `u!${btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}

/** A folder's children route: its path parameters, and the sharing URL's host for a link. */
function folderRoute(folder: FolderRef): { path: { shareId: string } | { driveId: string; itemId: string }; host?: string } {
  if (typeof folder === 'string') {
    const share = parseShare(folder);
    return { path: { shareId: share.id }, host: share.host };
  }
  if (folder && 'driveId' in folder && 'itemId' in folder) return { path: itemPath(folder as DriveItemRef) };
  const item = folder as DriveItem;
  const driveId = item?.parentReference?.driveId;
  if (typeof driveId !== 'string' || typeof item.id !== 'string') {
    throw new TypeError('a folder is a sharing link, {driveId, itemId}, or a driveItem with parentReference.driveId');
  }
  return { path: itemPath({ driveId, itemId: item.id }) };
}

/** The `/v1/drives/{driveId}/items/{itemId}` path parameters, checked. */
function itemPath(ref: DriveItemRef): { driveId: string; itemId: string } {
  if (!ref || typeof ref.driveId !== 'string' || typeof ref.itemId !== 'string' || !ref.driveId || !ref.itemId) {
    throw new TypeError('driveId and itemId must be non-empty strings');
  }
  return { driveId: ref.driveId, itemId: ref.itemId };
}

/** `$top`, which the document types as text. */
function pageSizeOf(size: number | undefined): string | undefined {
  if (size === undefined) return undefined;
  if (!Number.isInteger(size) || size < 1 || size > 999) throw new RangeError(`pageSize must be an integer from 1 to 999, not ${size}`);
  return String(size);
}

/** A `$select`/`$expand` list as Graph's comma-separated text. */
function listOf(value: QueryList | undefined): string | undefined {
  return value === undefined || typeof value === 'string' ? value : value.join(',');
}

/**
 * The `$skiptoken` of a next link, when the link is the route the call just
 * asked, on this service: the next page is that route's typed call again, and
 * the token never goes anywhere else.
 */
function skiptokenOf(next: unknown, call: Call, response: Response): string {
  try {
    const url = new URL(String(next), call.sent);
    const asked = new URL(String(call.sent));
    const token = url.searchParams.get('$skiptoken');
    if (url.origin === asked.origin && url.pathname === asked.pathname && token) return token;
  } catch {
    // Reported below.
  }
  throw unexpected(response, 'its @odata.nextLink is not this route on this service (not followed)');
}

/** A driveItem (or its ids) as the `/v1/drives/…` routes name it. */
function refOf(target: DriveItemRef | DriveItem): DriveItemRef {
  if (target && 'driveId' in target && 'itemId' in target) return target as DriveItemRef;
  const item = target as DriveItem;
  return { driveId: String(item?.parentReference?.driveId ?? ''), itemId: String(item?.id ?? '') };
}

/** The preview body's fields that are set; none: no body. */
function previewBodyOf(fields: PreviewBody): PreviewBody | undefined {
  const body = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as PreviewBody;
  return Object.keys(body).length ? body : undefined;
}

/** `?$select=…&$expand=…` for an inner request's URL (`$` kept as Graph writes it). */
function queryOf(options: Record<string, string | undefined>): string {
  const parts = Object.entries(options)
    .filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

// ---- answers ---------------------------------------------------------------

/** A batch's answers in the order of its requests (by `id`); a missing or unknown one is `unexpected_response`. */
function inRequestOrder(requests: readonly BatchRequest[], data: unknown, response: Response): BatchResponse[] {
  const answers = (data as { responses?: unknown } | undefined)?.responses;
  if (!Array.isArray(answers)) throw unexpected(response, 'not a batch answer');
  const byId = new Map<string, BatchResponse>();
  for (const answer of answers as BatchResponse[]) {
    if (answer && typeof answer.id === 'string' && typeof answer.status === 'number') byId.set(answer.id, answer);
  }
  return requests.map((request) => byId.get(request.id) ?? throwUnexpected(response, `no answer for request ${request.id}`));
}

/** One inner answer as a link's result: its body on a 2xx, else its problem as an error. */
function resultOf<T>(answer: BatchResponse, valueOf: (body: unknown) => T | undefined): ShareResult<T> {
  const headers = new Headers(answer.headers ?? {});
  if (answer.status >= 200 && answer.status < 300) {
    const value = valueOf(answer.body);
    if (value !== undefined) return { ok: true, value };
  }
  const error = errorOf(answer.status, headers, answer.body);
  return { ok: false, error };
}

function objectOf<T>(data: unknown): T | undefined {
  return data && typeof data === 'object' && !Array.isArray(data) ? (data as T) : undefined;
}

function throwUnexpected(response: Response, what: string): never {
  throw unexpected(response, what);
}

function driveItemOf(data: unknown, response: Response): DriveItem {
  if (data && typeof data === 'object' && !Array.isArray(data)) return data as DriveItem;
  throw unexpected(response, 'not a driveItem');
}

function collectionOf(data: unknown, response: Response): DriveItemCollection {
  const page = data as DriveItemCollection | undefined;
  if (page && typeof page === 'object' && Array.isArray(page.value)) return page;
  throw unexpected(response, 'not a collection of driveItems');
}

function unexpected(response: Response, what: string): ShareResolverError {
  return new ShareResolverError({
    code: 'unexpected_response',
    status: response.status,
    title: `Unexpected answer (${what})`,
    remediation: 'Check the service URL; this answer is not from share-resolver.',
    clientRequestId: response.headers.get('client-request-id') ?? undefined,
  });
}

/** The error of a non-2xx answer, from its body (openapi-fetch's `error`: JSON, else text) and headers. */
function errorOf(status: number, h: Headers, body: unknown): ShareResolverError {
  const problem =
    body && typeof body === 'object' && typeof (body as { code?: unknown }).code === 'string'
      ? (body as Record<string, unknown>)
      : undefined;
  const text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const wwwAuthenticate = h.get('www-authenticate') ?? undefined;
  const claims = problem?.claims;
  return new ShareResolverError({
    code: (str(problem?.code) as ErrorCode | undefined) ?? 'unexpected_response',
    status,
    title: str(problem?.title) ?? `Unexpected answer (HTTP ${status})`,
    detail: str(problem?.detail) ?? text.slice(0, 200),
    remediation: str(problem?.remediation) ?? 'Check the service URL; this answer is not from share-resolver.',
    retryAfter: retryAfterSeconds(h.get('retry-after')),
    graph: Array.isArray(problem?.graph) ? (problem.graph as GraphDiagnostic[]) : [],
    claims:
      claims === undefined || claims === null
        ? claimsOfChallenge(wwwAuthenticate)
        : typeof claims === 'string'
          ? claims
          : JSON.stringify(claims),
    requestId: h.get('request-id') ?? undefined,
    clientRequestId: h.get('client-request-id') ?? undefined,
    wwwAuthenticate,
  });
}

function metaOf(h: Headers, requests: number): ResolveMeta {
  const attempts = h.get('x-resolver-attempts');
  const serverTiming: Record<string, number> = {};
  for (const part of (h.get('server-timing') ?? '').split(',')) {
    const m = /^\s*([\w-]+)\s*;.*\bdur=([\d.]+)/.exec(part);
    if (m) serverTiming[m[1]] = Number(m[2]);
  }
  return {
    hydration: (h.get('x-resolver-hydration') ?? undefined) as ResolverHydration | undefined,
    warmup: (h.get('x-resolver-warmup') ?? undefined) as WarmupStrategy | undefined,
    attempts: attempts === null ? undefined : Number(attempts),
    serverTiming,
    requestId: h.get('request-id') ?? undefined,
    clientRequestId: h.get('client-request-id') ?? undefined,
    requests,
  };
}

/** `Retry-After` as seconds: delta-seconds, or an HTTP-date from now. */
function retryAfterSeconds(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.ceil(Number(value));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** The decoded `claims="…"` (base64) of a `WWW-Authenticate` challenge. */
function claimsOfChallenge(challenge: string | undefined): string | undefined {
  const m = challenge && /claims="([^"]+)"/.exec(challenge);
  if (!m) return undefined;
  try {
    return atob(m[1].replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return undefined;
  }
}

// ---- small helpers ---------------------------------------------------------

/** The optional SharePoint token: a failure to get one only means none is sent. */
async function sharePointTokenFor(host: string | undefined, engine: Engine): Promise<string | undefined> {
  if (!host || !engine.getSharePointToken) return undefined;
  return engine.getSharePointToken(host).catch(() => undefined);
}

/** The host of an `https:` URL, else `undefined`. */
function httpsHost(input: string): string | undefined {
  try {
    const url = new URL(input);
    return url.protocol === 'https:' ? url.hostname : undefined;
  } catch {
    return undefined;
  }
}

function newId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // Outside a secure context randomUUID is missing: a v4 UUID by hand.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** Waits `ms`, or rejects with the abort reason as soon as `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
