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
  file?: { mimeType?: string; hashes?: Record<string, string>; [key: string]: unknown };
  folder?: { childCount?: number; [key: string]: unknown };
  package?: { type?: string; [key: string]: unknown };
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
export class ShareResolverError extends Error {
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
  }) {
    super(`${fields.code}: ${fields.title}`, { cause: fields.cause });
    this.name = 'ShareResolverError';
    this.code = fields.code;
    this.status = fields.status;
    this.title = fields.title;
    this.detail = fields.detail ?? '';
    this.remediation = fields.remediation ?? '';
    this.retryAfter = fields.retryAfter;
    this.graph = fields.graph ?? [];
    this.claims = fields.claims;
    this.requestId = fields.requestId;
    this.clientRequestId = fields.clientRequestId;
    this.wwwAuthenticate = fields.wwwAuthenticate;
  }
}

/** Problems a `Retry-After` wait may cure. */
const RETRYABLE = new Set(['throttled', 'hydration_exhausted']);

/** Resolves a sharing URL (or a `u!`/`s!` share id) to its driveItem. */
export async function resolveShare(shareUrlOrId: string, options: ResolveOptions): Promise<DriveItem> {
  return (await resolveShareWithMeta(shareUrlOrId, options)).item;
}

/** As {@link resolveShare}, with the service's success headers. */
export async function resolveShareWithMeta(
  shareUrlOrId: string,
  options: ResolveOptions,
): Promise<Resolution> {
  const input = shareUrlOrId.trim();
  const isId = /^[us]!/.test(input);
  const body = JSON.stringify(isId ? { shareId: input } : { shareUrl: input });
  const clientRequestId = options.clientRequestId ?? newId();
  const host = isId ? undefined : httpsHost(input);
  const sharePointToken = await sharePointTokenFor(host, options);
  let token = await options.getToken();
  let challenged = false;
  let budget = Math.max(0, options.retryAfterBudgetMs ?? 0);
  for (let requests = 1; ; requests++) {
    const response = await call(options, '/v1/resolve', body, token, clientRequestId, sharePointToken);
    if (response.ok) {
      const item = (await response.json().catch(() => undefined)) as DriveItem | undefined;
      if (item && typeof item === 'object') return { item, meta: metaOf(response.headers, requests) };
      throw new ShareResolverError({
        code: 'unexpected_response',
        status: response.status,
        title: 'Unexpected answer (not a driveItem)',
        remediation: 'Check the service URL; this answer is not from share-resolver.',
        clientRequestId,
      });
    }
    const error = await errorOf(response);
    if (error.code === 'claims_challenge' && options.onClaimsChallenge && !challenged && error.claims) {
      challenged = true;
      token = await options.onClaimsChallenge(error.claims);
      continue;
    }
    // At least 1 s a wait, so a `Retry-After: 0` cannot spin inside the budget.
    const wait = error.retryAfter === undefined ? undefined : Math.max(1, error.retryAfter) * 1000;
    if (RETRYABLE.has(error.code) && wait !== undefined && wait <= budget) {
      budget -= wait;
      await sleep(wait, options.signal);
      continue;
    }
    throw error;
  }
}

/**
 * Pre-warms the signed-in guest (`POST /v1/warmup`), fire-and-forget: call it
 * right after sign-in. Never rejects: resolves to the service's answer, or
 * `undefined` on any failure (including a service without the route).
 */
export async function prewarm(options: PrewarmOptions): Promise<WarmupResult | undefined> {
  try {
    const where = options.shareUrl ? { shareUrl: options.shareUrl } : options.host ? { host: options.host } : undefined;
    const host = options.shareUrl ? httpsHost(options.shareUrl) : options.host;
    const sharePointToken = await sharePointTokenFor(host, options);
    const token = await options.getToken();
    const body = where ? JSON.stringify(where) : undefined;
    const response = await call(options, '/v1/warmup', body, token, options.clientRequestId ?? newId(), sharePointToken);
    return response.ok ? ((await response.json()) as WarmupResult) : undefined;
  } catch {
    return undefined;
  }
}

/** The optional SharePoint token: a failure to get one only means none is sent. */
async function sharePointTokenFor(host: string | undefined, options: ClientOptions): Promise<string | undefined> {
  if (!host || !options.getSharePointToken) return undefined;
  return options.getSharePointToken(host).catch(() => undefined);
}

/** One POST; a network failure becomes `network_error`, an abort stays an abort. */
async function call(
  options: ClientOptions,
  path: string,
  body: string | undefined,
  token: string,
  clientRequestId: string,
  sharePointToken: string | undefined,
): Promise<Response> {
  const headers: Record<string, string> = { 'client-request-id': clientRequestId };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  if (sharePointToken) headers['x-sharepoint-authorization'] = `Bearer ${sharePointToken}`;
  const doFetch = options.fetch ?? globalThis.fetch;
  try {
    return await doFetch(options.baseUrl.replace(/\/+$/, '') + path, {
      method: 'POST',
      headers,
      body,
      signal: options.signal,
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (cause) {
    if (options.signal?.aborted) throw abortReason(options.signal);
    throw new ShareResolverError({
      code: 'network_error',
      status: 0,
      title: 'The service could not be reached',
      detail: String(cause),
      remediation: 'Check the network and the service URL; a browser also reports a CORS refusal this way (is this origin in ALLOWED_ORIGINS?).',
      clientRequestId,
      cause,
    });
  }
}

/** The error of a non-2xx answer, from its problem+json body and headers. */
async function errorOf(response: Response): Promise<ShareResolverError> {
  const h = response.headers;
  const text = await response.text().catch(() => '');
  let problem: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && typeof (parsed as { code?: unknown }).code === 'string') {
      problem = parsed as Record<string, unknown>;
    }
  } catch {
    // Not JSON: reported as unexpected_response below.
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const wwwAuthenticate = h.get('www-authenticate') ?? undefined;
  const claims = problem?.claims;
  return new ShareResolverError({
    code: str(problem?.code) ?? 'unexpected_response',
    status: response.status,
    title: str(problem?.title) ?? `Unexpected answer (HTTP ${response.status})`,
    detail: str(problem?.detail) ?? text.slice(0, 200),
    remediation: str(problem?.remediation) ?? 'Check the service URL; this answer is not from share-resolver.',
    retryAfter: retryAfterSeconds(h.get('retry-after')),
    graph: Array.isArray(problem?.graph) ? (problem.graph as GraphDiagnostic[]) : [],
    claims: claims === undefined || claims === null
      ? claimsOfChallenge(wwwAuthenticate)
      : typeof claims === 'string' ? claims : JSON.stringify(claims),
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
    hydration: h.get('x-resolver-hydration') ?? undefined,
    warmup: h.get('x-resolver-warmup') ?? undefined,
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
