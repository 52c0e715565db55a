import { ShareResolverError } from './error.js';
import { afterRetry, nextRetry, retryPolicy } from './retry.js';
export function createShareResolverClient(config) {
    const engine = engineOf(config, {
        policy: retryPolicy(config.retry),
        timeoutMs: config.timeoutMs ?? 30_000,
    });
    const base = engine.baseUrl;
    async function resolveShareWithMeta(shareUrlOrId, options = {}) {
        const input = parseShare(shareUrlOrId);
        const body = input.url ? { shareUrl: input.url } : { shareId: input.id };
        if (options.select !== undefined)
            body.select = list(options.select);
        if (options.expand !== undefined)
            body.expand = list(options.expand);
        const { response, json, requests } = await exchange(engine, { method: 'POST', url: `${base}/v1/resolve`, body: JSON.stringify(body), sharePointHost: input.host }, options);
        return { item: asDriveItem(json, response), meta: metaOf(response.headers, requests) };
    }
    async function* listChildrenPages(folder, options = {}) {
        const { path, host } = folderPath(folder);
        const query = queryOf({ $top: pageSizeOf(options.pageSize), $select: options.select, $expand: options.expand, $orderby: options.orderBy });
        let url = `${base}${path}/children${query}`;
        const call = { ...options, clientRequestId: options.clientRequestId ?? newId() };
        const session = {};
        while (url) {
            const { response, json } = await exchange(engine, { method: 'GET', url, sharePointHost: host }, call, session);
            const page = json;
            if (!page || !Array.isArray(page.value))
                throw unexpected(response, 'not a collection of driveItems');
            yield page;
            const next = page['@odata.nextLink'];
            url = next === undefined || next === null ? undefined : sameService(base, next, response);
        }
    }
    async function* listChildren(folder, options = {}) {
        for await (const page of listChildrenPages(folder, options))
            yield* page.value;
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
export function engineOf(config, more) {
    if (typeof config.baseUrl !== 'string' || !/^https?:\/\//i.test(config.baseUrl)) {
        throw new TypeError('baseUrl must be an http(s) URL');
    }
    if (!(more.timeoutMs >= 0))
        throw new RangeError(`timeoutMs must be a number ≥ 0, not ${String(more.timeoutMs)}`);
    return {
        baseUrl: config.baseUrl.replace(/\/+$/, ''),
        getToken: config.getToken,
        getSharePointToken: config.getSharePointToken,
        onClaimsChallenge: config.onClaimsChallenge,
        fetch: config.fetch,
        ...more,
    };
}
export async function exchange(engine, endpoint, options, session = {}) {
    const clientRequestId = options.clientRequestId ?? newId();
    if (!session.sharePointAsked) {
        session.sharePointAsked = true;
        session.sharePointToken = await sharePointTokenFor(endpoint.sharePointHost, engine);
    }
    if (options.signal?.aborted)
        throw abortReason(options.signal);
    session.token ??= await engine.getToken();
    let state = { transientRetries: 0, retryAfterWaits: 0, retryAfterSpentMs: 0 };
    for (let requests = 1;; requests++) {
        let error;
        try {
            const { response, text } = await send(engine, endpoint, session, clientRequestId, options.signal);
            if (response.ok)
                return { response, json: parseJson(text), requests };
            error = errorOf(response, text);
        }
        catch (e) {
            if (!(e instanceof ShareResolverError))
                throw e;
            error = e;
        }
        if (error.code === 'claims_challenge' && error.claims && engine.onClaimsChallenge && !session.challenged) {
            session.challenged = true;
            session.token = await engine.onClaimsChallenge(error.claims);
            continue;
        }
        const retry = nextRetry(engine.policy, state, error, engine.random ?? Math.random);
        if (!retry)
            throw error.withRequests(requests);
        state = afterRetry(state, retry);
        await sleep(retry.delayMs, options.signal);
    }
}
async function send(engine, endpoint, session, clientRequestId, signal) {
    const headers = { 'client-request-id': clientRequestId };
    if (endpoint.body !== undefined)
        headers['content-type'] = 'application/json';
    if (session.token)
        headers.authorization = `Bearer ${session.token}`;
    if (session.sharePointToken)
        headers['x-sharepoint-authorization'] = `Bearer ${session.sharePointToken}`;
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
    }
    catch (cause) {
        if (signal?.aborted)
            throw abortReason(signal);
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
            remediation: 'Check the network and the service URL; a browser also reports a CORS refusal this way (is this origin in ALLOWED_ORIGINS?).',
            clientRequestId,
            cause,
        });
    }
    finally {
        limit.done();
    }
}
function linkedSignal(signal, timeoutMs) {
    if (!timeoutMs)
        return { signal, timedOut: () => false, done: () => { } };
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
export async function prewarmWith(engine, target) {
    try {
        const where = target.shareUrl
            ? { shareUrl: target.shareUrl }
            : target.host
                ? { host: target.host }
                : undefined;
        const host = target.shareUrl ? httpsHost(target.shareUrl) : target.host;
        const { json } = await exchange(engine, { method: 'POST', url: `${engine.baseUrl}/v1/warmup`, body: where ? JSON.stringify(where) : undefined, sharePointHost: host }, target);
        const answer = json;
        return answer && typeof answer.hydration === 'string' ? answer : undefined;
    }
    catch {
        return undefined;
    }
}
export function parseShare(shareUrlOrId) {
    const input = String(shareUrlOrId).trim();
    if (/^[us]!/.test(input))
        return { id: input };
    return { url: input, id: shareIdOf(input), host: httpsHost(input) };
}
export function shareIdOf(url) {
    const bytes = new TextEncoder().encode(url);
    let binary = '';
    for (const b of bytes)
        binary += String.fromCharCode(b);
    return `u!${btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}
function folderPath(folder) {
    if (typeof folder === 'string') {
        const share = parseShare(folder);
        return { path: `/v1/shares/${encodeURIComponent(share.id)}/driveItem`, host: share.host };
    }
    if (folder && 'driveId' in folder && 'itemId' in folder)
        return { path: drivePath(folder) };
    const item = folder;
    const driveId = item?.parentReference?.driveId;
    if (typeof driveId !== 'string' || typeof item.id !== 'string') {
        throw new TypeError('a folder is a sharing link, {driveId, itemId}, or a driveItem with parentReference.driveId');
    }
    return { path: drivePath({ driveId, itemId: item.id }) };
}
function drivePath(ref) {
    if (!ref || typeof ref.driveId !== 'string' || typeof ref.itemId !== 'string' || !ref.driveId || !ref.itemId) {
        throw new TypeError('driveId and itemId must be non-empty strings');
    }
    return `/v1/drives/${encodeURIComponent(ref.driveId)}/items/${encodeURIComponent(ref.itemId)}`;
}
function pageSizeOf(size) {
    if (size === undefined)
        return undefined;
    if (!Number.isInteger(size) || size < 1 || size > 999)
        throw new RangeError(`pageSize must be an integer from 1 to 999, not ${size}`);
    return size;
}
function list(value) {
    return typeof value === 'string' ? value : value.join(',');
}
function queryOf(params) {
    const parts = Object.entries(params)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${encodeURIComponent(typeof v === 'number' ? String(v) : list(v))}`);
    return parts.length ? `?${parts.join('&')}` : '';
}
function sameService(base, next, response) {
    try {
        const url = new URL(String(next), `${base}/`);
        const service = new URL(`${base}/`);
        if (url.origin === service.origin && url.pathname.startsWith(service.pathname))
            return url.href;
    }
    catch {
    }
    throw unexpected(response, 'its @odata.nextLink is not on this service (not followed)');
}
function parseJson(text) {
    try {
        return JSON.parse(text);
    }
    catch {
        return undefined;
    }
}
export function asDriveItem(json, response) {
    if (json && typeof json === 'object' && !Array.isArray(json))
        return json;
    throw unexpected(response, 'not a driveItem');
}
function unexpected(response, what) {
    return new ShareResolverError({
        code: 'unexpected_response',
        status: response.status,
        title: `Unexpected answer (${what})`,
        remediation: 'Check the service URL; this answer is not from share-resolver.',
        clientRequestId: response.headers.get('client-request-id') ?? undefined,
    });
}
function errorOf(response, text) {
    const h = response.headers;
    const parsed = parseJson(text);
    const problem = parsed && typeof parsed === 'object' && typeof parsed.code === 'string'
        ? parsed
        : undefined;
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
            : typeof claims === 'string'
                ? claims
                : JSON.stringify(claims),
        requestId: h.get('request-id') ?? undefined,
        clientRequestId: h.get('client-request-id') ?? undefined,
        wwwAuthenticate,
    });
}
export function metaOf(h, requests) {
    const attempts = h.get('x-resolver-attempts');
    const serverTiming = {};
    for (const part of (h.get('server-timing') ?? '').split(',')) {
        const m = /^\s*([\w-]+)\s*;.*\bdur=([\d.]+)/.exec(part);
        if (m)
            serverTiming[m[1]] = Number(m[2]);
    }
    return {
        hydration: (h.get('x-resolver-hydration') ?? undefined),
        warmup: (h.get('x-resolver-warmup') ?? undefined),
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
async function sharePointTokenFor(host, engine) {
    if (!host || !engine.getSharePointToken)
        return undefined;
    return engine.getSharePointToken(host).catch(() => undefined);
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
//# sourceMappingURL=client.js.map