export class ShareResolverError extends Error {
    code;
    status;
    title;
    detail;
    remediation;
    retryAfter;
    graph;
    claims;
    requestId;
    clientRequestId;
    wwwAuthenticate;
    constructor(fields) {
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
const RETRYABLE = new Set(['throttled', 'hydration_exhausted']);
export async function resolveShare(shareUrlOrId, options) {
    return (await resolveShareWithMeta(shareUrlOrId, options)).item;
}
export async function resolveShareWithMeta(shareUrlOrId, options) {
    const input = shareUrlOrId.trim();
    const isId = /^[us]!/.test(input);
    const body = JSON.stringify(isId ? { shareId: input } : { shareUrl: input });
    const clientRequestId = options.clientRequestId ?? newId();
    const host = isId ? undefined : httpsHost(input);
    const sharePointToken = await sharePointTokenFor(host, options);
    let token = await options.getToken();
    let challenged = false;
    let budget = Math.max(0, options.retryAfterBudgetMs ?? 0);
    for (let requests = 1;; requests++) {
        const response = await call(options, '/v1/resolve', body, token, clientRequestId, sharePointToken);
        if (response.ok) {
            const item = (await response.json().catch(() => undefined));
            if (item && typeof item === 'object')
                return { item, meta: metaOf(response.headers, requests) };
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
        const wait = error.retryAfter === undefined ? undefined : Math.max(1, error.retryAfter) * 1000;
        if (RETRYABLE.has(error.code) && wait !== undefined && wait <= budget) {
            budget -= wait;
            await sleep(wait, options.signal);
            continue;
        }
        throw error;
    }
}
export async function prewarm(options) {
    try {
        const where = options.shareUrl ? { shareUrl: options.shareUrl } : options.host ? { host: options.host } : undefined;
        const host = options.shareUrl ? httpsHost(options.shareUrl) : options.host;
        const sharePointToken = await sharePointTokenFor(host, options);
        const token = await options.getToken();
        const body = where ? JSON.stringify(where) : undefined;
        const response = await call(options, '/v1/warmup', body, token, options.clientRequestId ?? newId(), sharePointToken);
        return response.ok ? (await response.json()) : undefined;
    }
    catch {
        return undefined;
    }
}
async function sharePointTokenFor(host, options) {
    if (!host || !options.getSharePointToken)
        return undefined;
    return options.getSharePointToken(host).catch(() => undefined);
}
async function call(options, path, body, token, clientRequestId, sharePointToken) {
    const headers = { 'client-request-id': clientRequestId };
    if (body !== undefined)
        headers['content-type'] = 'application/json';
    if (token)
        headers.authorization = `Bearer ${token}`;
    if (sharePointToken)
        headers['x-sharepoint-authorization'] = `Bearer ${sharePointToken}`;
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
    }
    catch (cause) {
        if (options.signal?.aborted)
            throw abortReason(options.signal);
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
async function errorOf(response) {
    const h = response.headers;
    const text = await response.text().catch(() => '');
    let problem;
    try {
        const parsed = JSON.parse(text);
        if (parsed && typeof parsed === 'object' && typeof parsed.code === 'string') {
            problem = parsed;
        }
    }
    catch {
    }
    const str = (v) => (typeof v === 'string' ? v : undefined);
    const wwwAuthenticate = h.get('www-authenticate') ?? undefined;
    const claims = problem?.claims;
    return new ShareResolverError({
        code: str(problem?.code) ?? 'unexpected_response',
        status: response.status,
        title: str(problem?.title) ?? `Unexpected answer (HTTP ${response.status})`,
        detail: str(problem?.detail) ?? text.slice(0, 200),
        remediation: str(problem?.remediation) ?? 'Check the service URL; this answer is not from share-resolver.',
        retryAfter: retryAfterSeconds(h.get('retry-after')),
        graph: Array.isArray(problem?.graph) ? problem.graph : [],
        claims: claims === undefined || claims === null
            ? claimsOfChallenge(wwwAuthenticate)
            : typeof claims === 'string' ? claims : JSON.stringify(claims),
        requestId: h.get('request-id') ?? undefined,
        clientRequestId: h.get('client-request-id') ?? undefined,
        wwwAuthenticate,
    });
}
function metaOf(h, requests) {
    const attempts = h.get('x-resolver-attempts');
    const serverTiming = {};
    for (const part of (h.get('server-timing') ?? '').split(',')) {
        const m = /^\s*([\w-]+)\s*;.*\bdur=([\d.]+)/.exec(part);
        if (m)
            serverTiming[m[1]] = Number(m[2]);
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
function retryAfterSeconds(value) {
    if (!value)
        return undefined;
    if (/^\s*\d+(\.\d+)?\s*$/.test(value))
        return Math.ceil(Number(value));
    const date = Date.parse(value);
    return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
function claimsOfChallenge(challenge) {
    const m = challenge && /claims="([^"]+)"/.exec(challenge);
    if (!m)
        return undefined;
    try {
        return atob(m[1].replace(/-/g, '+').replace(/_/g, '/'));
    }
    catch {
        return undefined;
    }
}
function httpsHost(input) {
    try {
        const url = new URL(input);
        return url.protocol === 'https:' ? url.hostname : undefined;
    }
    catch {
        return undefined;
    }
}
function newId() {
    if (typeof crypto.randomUUID === 'function')
        return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
function abortReason(signal) {
    return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}
function sleep(ms, signal) {
    return new Promise((resolve, reject) => {
        if (signal?.aborted)
            return reject(abortReason(signal));
        const onAbort = () => {
            clearTimeout(timer);
            reject(abortReason(signal));
        };
        const timer = setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
        }, ms);
        signal?.addEventListener('abort', onAbort, { once: true });
    });
}
