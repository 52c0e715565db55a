/**
 * A client instance: `createShareResolverClient(config)` holds the service
 * URL, the token providers, the retry policy and the timeout, and speaks
 * every route of the contract. One request loop (`exchange`) serves them all:
 * token, claims challenge (retried once), timeout, retries as ./retry.ts decides.
 */

import { ShareResolverError } from './error.js';
import { afterRetry, nextRetry, retryPolicy, type RetryPolicy, type RetryState } from './retry.js';
import type {
  ChildrenPage,
  DriveItem,
  DriveItemRef,
  ErrorCode,
  GraphDiagnostic,
  ResolveBody,
  ResolverHydration,
  WarmupBody,
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
export function createShareResolverClient(config: ShareResolverClientConfig): ShareResolverClient {
  const engine = engineOf(config, {
    policy: retryPolicy(config.retry),
    timeoutMs: config.timeoutMs ?? 30_000,
  });
  const base = engine.baseUrl;

  async function resolveShareWithMeta(shareUrlOrId: string, options: ItemOptions = {}): Promise<Resolution> {
    const input = parseShare(shareUrlOrId);
    const body: ResolveBody & { select?: string; expand?: string } = input.url ? { shareUrl: input.url } : { shareId: input.id };
    if (options.select !== undefined) body.select = list(options.select);
    if (options.expand !== undefined) body.expand = list(options.expand);
    const { response, json, requests } = await exchange(
      engine,
      { method: 'POST', url: `${base}/v1/resolve`, body: JSON.stringify(body), sharePointHost: input.host },
      options,
    );
    return { item: asDriveItem(json, response), meta: metaOf(response.headers, requests) };
  }

  async function* listChildrenPages(folder: FolderRef, options: ChildrenOptions = {}): AsyncGenerator<ChildrenPage> {
    const { path, host } = folderPath(folder);
    const query = queryOf({ $top: pageSizeOf(options.pageSize), $select: options.select, $expand: options.expand, $orderby: options.orderBy });
    let url: string | undefined = `${base}${path}/children${query}`;
    const call = { ...options, clientRequestId: options.clientRequestId ?? newId() };
    const session: Session = {};
    while (url) {
      const { response, json } = await exchange(engine, { method: 'GET', url, sharePointHost: host }, call, session);
      const page = json as ChildrenPage | undefined;
      if (!page || !Array.isArray(page.value)) throw unexpected(response, 'not a collection of driveItems');
      yield page;
      const next = page['@odata.nextLink'];
      url = next === undefined || next === null ? undefined : sameService(base, next, response);
    }
  }

  async function* listChildren(folder: FolderRef, options: ChildrenOptions = {}): AsyncGenerator<DriveItem> {
    for await (const page of listChildrenPages(folder, options)) yield* page.value;
  }

  return {
    baseUrl: base,
    resolveShareWithMeta,
    async resolveShare(shareUrlOrId, options) {
      return (await resolveShareWithMeta(shareUrlOrId, options)).item;
    },
    prewarm: (target = {}) => prewarmWith({ ...engine, policy: retryPolicy(false) }, target),
    listChildrenPages,
    listChildren,
    async getItem(ref, options = {}) {
      const query = queryOf({ $select: options.select, $expand: options.expand });
      const url = `${base}${drivePath(ref)}${query}`;
      const { response, json } = await exchange(engine, { method: 'GET', url }, options);
      return asDriveItem(json, response);
    },
  };
}

// ---- the request loop (shared with the stand-alone functions of index.ts) ----

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

export function engineOf(
  config: Pick<ShareResolverClientConfig, 'baseUrl' | 'getToken' | 'getSharePointToken' | 'onClaimsChallenge' | 'fetch'>,
  more: { policy: RetryPolicy; timeoutMs: number },
): Engine {
  if (typeof config.baseUrl !== 'string' || !/^https?:\/\//i.test(config.baseUrl)) {
    throw new TypeError('baseUrl must be an http(s) URL');
  }
  if (!(more.timeoutMs >= 0)) throw new RangeError(`timeoutMs must be a number ≥ 0, not ${String(more.timeoutMs)}`);
  return {
    baseUrl: config.baseUrl.replace(/\/+$/, ''),
    getToken: config.getToken,
    getSharePointToken: config.getSharePointToken,
    onClaimsChallenge: config.onClaimsChallenge,
    fetch: config.fetch,
    ...more,
  };
}

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
export async function exchange(
  engine: Engine,
  endpoint: Endpoint,
  options: CallOptions,
  session: Session = {},
): Promise<{ response: Response; json: unknown; requests: number }> {
  const clientRequestId = options.clientRequestId ?? newId();
  if (!session.sharePointAsked) {
    session.sharePointAsked = true;
    session.sharePointToken = await sharePointTokenFor(endpoint.sharePointHost, engine);
  }
  if (options.signal?.aborted) throw abortReason(options.signal);
  session.token ??= await engine.getToken();
  let state: RetryState = { transientRetries: 0, retryAfterWaits: 0, retryAfterSpentMs: 0 };
  for (let requests = 1; ; requests++) {
    let error: ShareResolverError;
    try {
      const { response, text } = await send(engine, endpoint, session, clientRequestId, options.signal);
      if (response.ok) return { response, json: parseJson(text), requests };
      error = errorOf(response, text);
    } catch (e) {
      if (!(e instanceof ShareResolverError)) throw e;
      error = e;
    }
    if (error.code === 'claims_challenge' && error.claims && engine.onClaimsChallenge && !session.challenged) {
      session.challenged = true;
      session.token = await engine.onClaimsChallenge(error.claims);
      continue;
    }
    const retry = nextRetry(engine.policy, state, error, engine.random ?? Math.random);
    if (!retry) throw error.withRequests(requests);
    state = afterRetry(state, retry);
    await sleep(retry.delayMs, options.signal);
  }
}

/**
 * One request, its body read, within the timeout. No answer is
 * `network_error`, too late is `timeout`; an abort of the caller stays an abort.
 */
async function send(
  engine: Engine,
  endpoint: Endpoint,
  session: Session,
  clientRequestId: string,
  signal: AbortSignal | undefined,
): Promise<{ response: Response; text: string }> {
  const headers: Record<string, string> = { 'client-request-id': clientRequestId };
  if (endpoint.body !== undefined) headers['content-type'] = 'application/json';
  if (session.token) headers.authorization = `Bearer ${session.token}`;
  if (session.sharePointToken) headers['x-sharepoint-authorization'] = `Bearer ${session.sharePointToken}`;
  const limit = linkedSignal(signal, engine.timeoutMs);
  const doFetch = engine.fetch ?? globalThis.fetch;
  try {
    const response = await doFetch(endpoint.url, {
      method: endpoint.method,
      headers,
      body: endpoint.body,
      signal: limit.signal,
      credentials: 'omit',
      cache: 'no-store',
    });
    return { response, text: await response.text() };
  } catch (cause) {
    if (signal?.aborted) throw abortReason(signal);
    if (limit.timedOut()) {
      throw new ShareResolverError({
        code: 'timeout',
        status: 0,
        title: 'The service did not answer in time',
        detail: `no answer within ${engine.timeoutMs} ms`,
        remediation: 'Try again; if it keeps happening, check the service (or raise timeoutMs).',
        clientRequestId,
        cause,
      });
    }
    throw new ShareResolverError({
      code: 'network_error',
      status: 0,
      title: 'The service could not be reached',
      detail: String(cause),
      remediation:
        'Check the network and the service URL; a browser also reports a CORS refusal this way (is this origin in ALLOWED_ORIGINS?).',
      clientRequestId,
      cause,
    });
  } finally {
    limit.done();
  }
}

/** `signal` and a timer in one signal; `done()` lets go of both. */
function linkedSignal(signal: AbortSignal | undefined, timeoutMs: number) {
  if (!timeoutMs) return { signal, timedOut: () => false, done: () => {} };
  const controller = new AbortController();
  let expired = false;
  const onAbort = () => controller.abort(signal?.reason);
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
export async function prewarmWith(engine: Engine, target: PrewarmTarget): Promise<WarmupResult | undefined> {
  try {
    const where: WarmupBody | undefined = target.shareUrl
      ? { shareUrl: target.shareUrl }
      : target.host
        ? { host: target.host }
        : undefined;
    const host = target.shareUrl ? httpsHost(target.shareUrl) : target.host;
    const { json } = await exchange(
      engine,
      { method: 'POST', url: `${engine.baseUrl}/v1/warmup`, body: where ? JSON.stringify(where) : undefined, sharePointHost: host },
      target,
    );
    const answer = json as WarmupResult | undefined;
    return answer && typeof answer.hydration === 'string' ? answer : undefined;
  } catch {
    return undefined;
  }
}

// ---- inputs ----------------------------------------------------------------

/** A sharing link as the routes take it: an https URL (with its host) or a `u!`/`s!` id. */
export function parseShare(shareUrlOrId: string): { url?: string; id: string; host?: string } {
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

function folderPath(folder: FolderRef): { path: string; host?: string } {
  if (typeof folder === 'string') {
    const share = parseShare(folder);
    return { path: `/v1/shares/${encodeURIComponent(share.id)}/driveItem`, host: share.host };
  }
  if (folder && 'driveId' in folder && 'itemId' in folder) return { path: drivePath(folder as DriveItemRef) };
  const item = folder as DriveItem;
  const driveId = item?.parentReference?.driveId;
  if (typeof driveId !== 'string' || typeof item.id !== 'string') {
    throw new TypeError('a folder is a sharing link, {driveId, itemId}, or a driveItem with parentReference.driveId');
  }
  return { path: drivePath({ driveId, itemId: item.id }) };
}

function drivePath(ref: DriveItemRef): string {
  if (!ref || typeof ref.driveId !== 'string' || typeof ref.itemId !== 'string' || !ref.driveId || !ref.itemId) {
    throw new TypeError('driveId and itemId must be non-empty strings');
  }
  return `/v1/drives/${encodeURIComponent(ref.driveId)}/items/${encodeURIComponent(ref.itemId)}`;
}

function pageSizeOf(size: number | undefined): number | undefined {
  if (size === undefined) return undefined;
  if (!Number.isInteger(size) || size < 1 || size > 999) throw new RangeError(`pageSize must be an integer from 1 to 999, not ${size}`);
  return size;
}

function list(value: QueryList): string {
  return typeof value === 'string' ? value : value.join(',');
}

/** `?$top=…&$select=…`: `$` kept as Graph writes it, values percent-encoded. */
function queryOf(params: Record<string, QueryList | number | undefined>): string {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(typeof v === 'number' ? String(v) : list(v as QueryList))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** A next link, if it is this service's (the token never goes anywhere else). */
function sameService(base: string, next: unknown, response: Response): string {
  try {
    const url = new URL(String(next), `${base}/`);
    const service = new URL(`${base}/`);
    if (url.origin === service.origin && url.pathname.startsWith(service.pathname)) return url.href;
  } catch {
    // Reported below.
  }
  throw unexpected(response, 'its @odata.nextLink is not on this service (not followed)');
}

// ---- answers ---------------------------------------------------------------

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function asDriveItem(json: unknown, response: Response): DriveItem {
  if (json && typeof json === 'object' && !Array.isArray(json)) return json as DriveItem;
  throw unexpected(response, 'not a driveItem');
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

/** The error of a non-2xx answer, from its problem+json body and headers. */
function errorOf(response: Response, text: string): ShareResolverError {
  const h = response.headers;
  const parsed = parseJson(text);
  const problem =
    parsed && typeof parsed === 'object' && typeof (parsed as { code?: unknown }).code === 'string'
      ? (parsed as Record<string, unknown>)
      : undefined;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const wwwAuthenticate = h.get('www-authenticate') ?? undefined;
  const claims = problem?.claims;
  return new ShareResolverError({
    code: (str(problem?.code) as ErrorCode | undefined) ?? 'unexpected_response',
    status: response.status,
    title: str(problem?.title) ?? `Unexpected answer (HTTP ${response.status})`,
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

export function metaOf(h: Headers, requests: number): ResolveMeta {
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
