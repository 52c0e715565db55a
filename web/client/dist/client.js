import createClient from 'openapi-fetch';
import { ShareResolverError } from './error.js';
import { afterRetry, nextRetry, retryPolicy } from './retry.js';
export const BATCH_LIMIT = 20;
export function createShareResolverClient(config) {
    const engine = engineOf(config, retryPolicy(config.retry), config.timeoutMs ?? 30_000);
    const { api } = engine;
    async function resolveShareWithMeta(shareUrlOrId, options = {}) {
        const input = parseShare(shareUrlOrId);
        const [select, expand] = [listOf(options.select), listOf(options.expand)];
        const call = await callOf(engine, options, input.host);
        const { data, response, requests } = await send(engine, call, ({ header, ...init }) => api.POST('/v1/resolve', {
            ...init,
            body: input.url ? { shareUrl: input.url, select, expand } : { shareId: input.id, select, expand },
            params: { header },
        }));
        return { item: driveItemOf(data, response), meta: metaOf(response.headers, requests) };
    }
    async function* listChildrenPages(folder, options = {}) {
        const route = folderRoute(folder);
        const query = {
            $top: pageSizeOf(options.pageSize),
            $select: listOf(options.select),
            $expand: listOf(options.expand),
            $orderby: options.orderBy,
        };
        const call = await callOf(engine, options, route.host);
        let $skiptoken;
        for (;;) {
            const page = { ...query, $skiptoken };
            const { data, response } = await send(engine, call, ({ header, ...init }) => 'shareId' in route.path
                ? api.GET('/v1/shares/{shareId}/driveItem/children', { ...init, params: { header, path: route.path, query: page } })
                : api.GET('/v1/drives/{driveId}/items/{itemId}/children', { ...init, params: { header, path: route.path, query: page } }));
            const collection = collectionOf(data, response);
            yield collection;
            const next = collection['@odata.nextLink'];
            if (next === undefined || next === null)
                return;
            $skiptoken = skiptokenOf(next, call, response);
        }
    }
    async function* listChildren(folder, options = {}) {
        for await (const page of listChildrenPages(folder, options))
            yield* page.value;
    }
    async function batch(requests, options = {}) {
        if (requests.length < 1 || requests.length > BATCH_LIMIT) {
            throw new RangeError(`a batch holds 1 to ${BATCH_LIMIT} requests, not ${requests.length}`);
        }
        const call = await callOf(engine, options, options.sharePointHost);
        const { data, response } = await send(engine, call, ({ header, ...init }) => api.POST('/v1/$batch', { ...init, body: { requests: [...requests] }, params: { header } }));
        return inRequestOrder(requests, data, response);
    }
    async function batchShares(inputs, what, options, valueOf) {
        const shares = inputs.map(parseShare);
        const query = queryOf({ $select: listOf(options.select), $expand: listOf(options.expand) });
        const requests = shares.map((share, i) => ({ id: String(i + 1), method: 'GET', url: `/shares/${share.id}/${what}${query}` }));
        const results = [];
        const one = async (start) => {
            const chunk = requests.slice(start, start + BATCH_LIMIT);
            const host = shares.slice(start, start + BATCH_LIMIT).find((s) => s.host)?.host;
            let answers;
            try {
                answers = await batch(chunk, { ...options, sharePointHost: host });
            }
            catch (e) {
                if (!(e instanceof ShareResolverError))
                    throw e;
                answers = chunk.map(() => e);
            }
            answers.forEach((answer, i) => {
                results[start + i] = answer instanceof ShareResolverError ? { ok: false, error: answer } : resultOf(answer, valueOf);
            });
        };
        if (requests.length === 0)
            return results;
        await one(0);
        const rest = [];
        for (let start = BATCH_LIMIT; start < requests.length; start += BATCH_LIMIT)
            rest.push(one(start));
        await Promise.all(rest);
        return results;
    }
    return {
        baseUrl: engine.baseUrl,
        batch,
        resolveShares: (inputs, options = {}) => batchShares(inputs, 'driveItem', options, (objectOf)),
        getPermissions: (inputs, options = {}) => batchShares(inputs, 'permission', options, (objectOf)),
        async getPermission(shareUrlOrId, options = {}) {
            const share = parseShare(shareUrlOrId);
            const query = { $select: listOf(options.select), $expand: listOf(options.expand) };
            const call = await callOf(engine, options, share.host);
            const { data, response } = await send(engine, call, ({ header, ...init }) => api.GET('/v1/shares/{shareId}/permission', { ...init, params: { header, path: { shareId: share.id }, query } }));
            return objectOf(data) ?? throwUnexpected(response, 'not a permission');
        },
        async preview(target, options = {}) {
            const { signal, clientRequestId, ...fields } = options;
            const body = previewBodyOf(fields);
            const share = typeof target === 'string' ? parseShare(target) : undefined;
            const call = await callOf(engine, { signal, clientRequestId }, share?.host);
            const { data, response } = await send(engine, call, ({ header, ...init }) => share
                ? api.POST('/v1/shares/{shareId}/driveItem/preview', { ...init, body, params: { header, path: { shareId: share.id } } })
                : api.POST('/v1/drives/{driveId}/items/{itemId}/preview', {
                    ...init,
                    body,
                    params: { header, path: itemPath(refOf(target)) },
                }));
            return objectOf(data) ?? throwUnexpected(response, 'not a preview');
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
            const query = { $select: listOf(options.select), $expand: listOf(options.expand) };
            const call = await callOf(engine, options);
            const { data, response } = await send(engine, call, ({ header, ...init }) => api.GET('/v1/drives/{driveId}/items/{itemId}', { ...init, params: { header, path, query } }));
            return driveItemOf(data, response);
        },
    };
}
function engineOf(config, policy, timeoutMs) {
    if (typeof config.baseUrl !== 'string' || !/^https?:\/\//i.test(config.baseUrl)) {
        throw new TypeError('baseUrl must be an http(s) URL');
    }
    if (!(timeoutMs >= 0))
        throw new RangeError(`timeoutMs must be a number ≥ 0, not ${String(timeoutMs)}`);
    const baseUrl = config.baseUrl.replace(/\/+$/, '');
    const api = createClient({
        baseUrl,
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
async function callOf(engine, options, sharePointHost) {
    const sharePointToken = await sharePointTokenFor(sharePointHost, engine);
    if (options.signal?.aborted)
        throw abortReason(options.signal);
    const call = {
        signal: options.signal,
        clientRequestId: options.clientRequestId ?? newId(),
        token: await engine.getToken(),
        sharePointToken,
        challenged: false,
        middleware: {
            onRequest({ request }) {
                if (call.token)
                    request.headers.set('authorization', `Bearer ${call.token}`);
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
async function send(engine, call, attempt) {
    const header = { 'client-request-id': call.clientRequestId };
    if (call.sharePointToken)
        header['X-SharePoint-Authorization'] = `Bearer ${call.sharePointToken}`;
    let state = { transientRetries: 0, retryAfterWaits: 0, retryAfterSpentMs: 0 };
    for (let requests = 1;; requests++) {
        let error;
        const limit = linkedSignal(call.signal, engine.timeoutMs);
        try {
            const answer = await attempt({ header, signal: limit.signal, middleware: [call.middleware] });
            if (answer.response.ok)
                return { data: answer.data, response: answer.response, requests };
            error = errorOf(answer.response.status, answer.response.headers, answer.error);
        }
        catch (cause) {
            error = failureOf(cause, call, limit.timedOut(), engine.timeoutMs);
        }
        finally {
            limit.done();
        }
        if (error.code === 'claims_challenge' && error.claims && engine.onClaimsChallenge && !call.challenged) {
            call.challenged = true;
            call.token = await engine.onClaimsChallenge(error.claims);
            continue;
        }
        const retry = nextRetry(engine.policy, state, error, Math.random);
        if (!retry)
            throw error.withRequests(requests);
        state = afterRetry(state, retry);
        await sleep(retry.delayMs, call.signal);
    }
}
function failureOf(cause, call, timedOut, timeoutMs) {
    if (call.signal?.aborted)
        throw abortReason(call.signal);
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
    if (cause instanceof SyntaxError && call.answer?.ok)
        return unexpected(call.answer, 'not JSON');
    return new ShareResolverError({
        code: 'network_error',
        status: 0,
        title: 'The service could not be reached',
        detail: String(cause),
        remediation: 'Check the network and the service URL; a browser also reports a CORS refusal this way (is this origin in ALLOWED_ORIGINS?).',
        clientRequestId,
        cause,
    });
}
function linkedSignal(signal, timeoutMs) {
    if (!timeoutMs)
        return { signal, timedOut: () => false, done: () => { } };
    const controller = new AbortController();
    let expired = false;
    const onAbort = () => controller.abort(signal?.reason);
    if (signal?.aborted)
        onAbort();
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
async function prewarm(engine, target) {
    try {
        const { shareUrl, host } = target;
        const call = await callOf(engine, target, shareUrl ? httpsHost(shareUrl) : host);
        const { data } = await send(engine, call, ({ header, ...init }) => engine.api.POST('/v1/warmup', {
            ...init,
            body: shareUrl ? { shareUrl } : host ? { host } : undefined,
            params: { header },
        }));
        return data && typeof data.hydration === 'string' ? data : undefined;
    }
    catch {
        return undefined;
    }
}
function parseShare(shareUrlOrId) {
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
function folderRoute(folder) {
    if (typeof folder === 'string') {
        const share = parseShare(folder);
        return { path: { shareId: share.id }, host: share.host };
    }
    if (folder && 'driveId' in folder && 'itemId' in folder)
        return { path: itemPath(folder) };
    const item = folder;
    const driveId = item?.parentReference?.driveId;
    if (typeof driveId !== 'string' || typeof item.id !== 'string') {
        throw new TypeError('a folder is a sharing link, {driveId, itemId}, or a driveItem with parentReference.driveId');
    }
    return { path: itemPath({ driveId, itemId: item.id }) };
}
function itemPath(ref) {
    if (!ref || typeof ref.driveId !== 'string' || typeof ref.itemId !== 'string' || !ref.driveId || !ref.itemId) {
        throw new TypeError('driveId and itemId must be non-empty strings');
    }
    return { driveId: ref.driveId, itemId: ref.itemId };
}
function pageSizeOf(size) {
    if (size === undefined)
        return undefined;
    if (!Number.isInteger(size) || size < 1 || size > 999)
        throw new RangeError(`pageSize must be an integer from 1 to 999, not ${size}`);
    return String(size);
}
function listOf(value) {
    return value === undefined || typeof value === 'string' ? value : value.join(',');
}
function skiptokenOf(next, call, response) {
    try {
        const url = new URL(String(next), call.sent);
        const asked = new URL(String(call.sent));
        const token = url.searchParams.get('$skiptoken');
        if (url.origin === asked.origin && url.pathname === asked.pathname && token)
            return token;
    }
    catch {
    }
    throw unexpected(response, 'its @odata.nextLink is not this route on this service (not followed)');
}
function refOf(target) {
    if (target && 'driveId' in target && 'itemId' in target)
        return target;
    const item = target;
    return { driveId: String(item?.parentReference?.driveId ?? ''), itemId: String(item?.id ?? '') };
}
function previewBodyOf(fields) {
    const body = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    return Object.keys(body).length ? body : undefined;
}
function queryOf(options) {
    const parts = Object.entries(options)
        .filter((e) => e[1] !== undefined && e[1] !== '')
        .map(([name, value]) => `${name}=${encodeURIComponent(value)}`);
    return parts.length ? `?${parts.join('&')}` : '';
}
function inRequestOrder(requests, data, response) {
    const answers = data?.responses;
    if (!Array.isArray(answers))
        throw unexpected(response, 'not a batch answer');
    const byId = new Map();
    for (const answer of answers) {
        if (answer && typeof answer.id === 'string' && typeof answer.status === 'number')
            byId.set(answer.id, answer);
    }
    return requests.map((request) => byId.get(request.id) ?? throwUnexpected(response, `no answer for request ${request.id}`));
}
function resultOf(answer, valueOf) {
    const headers = new Headers(answer.headers ?? {});
    if (answer.status >= 200 && answer.status < 300) {
        const value = valueOf(answer.body);
        if (value !== undefined)
            return { ok: true, value };
    }
    const error = errorOf(answer.status, headers, answer.body);
    return { ok: false, error };
}
function objectOf(data) {
    return data && typeof data === 'object' && !Array.isArray(data) ? data : undefined;
}
function throwUnexpected(response, what) {
    throw unexpected(response, what);
}
function driveItemOf(data, response) {
    if (data && typeof data === 'object' && !Array.isArray(data))
        return data;
    throw unexpected(response, 'not a driveItem');
}
function collectionOf(data, response) {
    const page = data;
    if (page && typeof page === 'object' && Array.isArray(page.value))
        return page;
    throw unexpected(response, 'not a collection of driveItems');
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
function errorOf(status, h, body) {
    const problem = body && typeof body === 'object' && typeof body.code === 'string'
        ? body
        : undefined;
    const text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
    const str = (v) => (typeof v === 'string' ? v : undefined);
    const wwwAuthenticate = h.get('www-authenticate') ?? undefined;
    const claims = problem?.claims;
    return new ShareResolverError({
        code: str(problem?.code) ?? 'unexpected_response',
        status,
        title: str(problem?.title) ?? `Unexpected answer (HTTP ${status})`,
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
function metaOf(h, requests) {
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