import { createContext, createElement, useCallback, useContext, useEffect, useRef, useState } from 'react';
const ClientContext = createContext(null);
export function ShareResolverProvider(props) {
    return createElement(ClientContext.Provider, { value: props.client }, props.children);
}
export function useShareResolverClient(explicit) {
    const provided = useContext(ClientContext);
    const client = explicit ?? provided;
    if (!client)
        throw new Error('no share-resolver client: wrap the tree in <ShareResolverProvider client={…}> or pass { client }');
    return client;
}
const inFlight = new WeakMap();
function acquire(client, key, start) {
    let works = inFlight.get(client);
    if (!works)
        inFlight.set(client, (works = new Map()));
    let work = works.get(key);
    if (!work) {
        const controller = new AbortController();
        const created = { key, controller, promise: start(controller.signal), refs: 0 };
        const forget = () => {
            if (works.get(key) === created)
                works.delete(key);
        };
        created.promise.then(forget, forget);
        works.set(key, created);
        work = created;
    }
    work.refs += 1;
    return work;
}
function release(client, work) {
    work.refs -= 1;
    queueMicrotask(() => {
        if (work.refs > 0)
            return;
        work.controller.abort();
        const works = inFlight.get(client);
        if (works?.get(work.key) === work)
            works.delete(work.key);
    });
}
const isAbort = (e) => e?.name === 'AbortError';
export function useResolveShare(link, options = {}) {
    const client = useShareResolverClient(options.client);
    const input = link?.trim() ?? '';
    const select = options.select === undefined ? '' : String(options.select);
    const expand = options.expand === undefined ? '' : String(options.expand);
    const [nonce, setNonce] = useState(0);
    const [state, setState] = useState({ key: '', status: 'idle' });
    const key = input ? JSON.stringify(['resolve', input, select, expand, nonce]) : '';
    useEffect(() => {
        if (!key) {
            setState({ key, status: 'idle' });
            return;
        }
        let active = true;
        setState((s) => (s.key === key ? s : { key, status: 'loading' }));
        const work = acquire(client, key, (signal) => client.resolveShareWithMeta(input, {
            signal,
            select: select || undefined,
            expand: expand || undefined,
        }));
        work.promise.then((resolution) => active && setState({ key, status: 'success', resolution }), (error) => active && !isAbort(error) && setState({ key, status: 'error', error }));
        return () => {
            active = false;
            release(client, work);
        };
    }, [client, key]);
    const reload = useCallback(() => setNonce((n) => n + 1), []);
    const current = state.key === key ? state : { key, status: (key ? 'loading' : 'idle') };
    return {
        status: current.status,
        loading: current.status === 'loading',
        data: current.resolution?.item,
        meta: current.resolution?.meta,
        error: current.error,
        reload,
    };
}
function useCall(client, key, start) {
    const [nonce, setNonce] = useState(0);
    const fullKey = key ? JSON.stringify([key, nonce]) : '';
    const [state, setState] = useState({ key: '', status: 'idle' });
    const startRef = useRef(start);
    startRef.current = start;
    useEffect(() => {
        if (!fullKey) {
            setState({ key: fullKey, status: 'idle' });
            return;
        }
        let active = true;
        setState((s) => (s.key === fullKey ? s : { key: fullKey, status: 'loading' }));
        const work = acquire(client, fullKey, (signal) => startRef.current(signal));
        work.promise.then((data) => active && setState({ key: fullKey, status: 'success', data }), (error) => active && !isAbort(error) && setState({ key: fullKey, status: 'error', error }));
        return () => {
            active = false;
            release(client, work);
        };
    }, [client, fullKey]);
    const reload = useCallback(() => setNonce((n) => n + 1), []);
    const current = state.key === fullKey ? state : { key: fullKey, status: (fullKey ? 'loading' : 'idle') };
    return { status: current.status, loading: current.status === 'loading', data: current.data, error: current.error, reload };
}
export function useResolveShares(links, options = {}) {
    const client = useShareResolverClient(options.client);
    const inputs = (links ?? []).map((l) => String(l).trim()).filter(Boolean);
    const select = options.select === undefined ? undefined : String(options.select);
    const expand = options.expand === undefined ? undefined : String(options.expand);
    const key = inputs.length ? JSON.stringify(['resolveShares', inputs, select ?? '', expand ?? '']) : '';
    return useCall(client, key, (signal) => client.resolveShares(inputs, { signal, select, expand }));
}
export function usePermissions(links, options = {}) {
    const client = useShareResolverClient(options.client);
    const inputs = (links ?? []).map((l) => String(l).trim()).filter(Boolean);
    const key = inputs.length ? JSON.stringify(['permissions', inputs]) : '';
    return useCall(client, key, (signal) => client.getPermissions(inputs, { signal }));
}
export function usePermission(link, options = {}) {
    const client = useShareResolverClient(options.client);
    const input = link?.trim() ?? '';
    return useCall(client, input ? JSON.stringify(['permission', input]) : '', (signal) => client.getPermission(input, { signal }));
}
export function usePreview(target, options = {}) {
    const { client: explicit, ...body } = options;
    const client = useShareResolverClient(explicit);
    const key = target ? JSON.stringify(['preview', typeof target === 'string' ? target.trim() : folderKey(target), body]) : '';
    const call = body;
    return useCall(client, key, (signal) => client.preview(target, { ...call, signal }));
}
function folderKey(folder) {
    if (typeof folder === 'string')
        return folder.trim();
    if ('driveId' in folder && 'itemId' in folder)
        return JSON.stringify([folder.driveId, folder.itemId]);
    const item = folder;
    return JSON.stringify([item.parentReference?.driveId, item.id]);
}
export function useChildren(folder, options = {}) {
    const client = useShareResolverClient(options.client);
    const [nonce, setNonce] = useState(0);
    const listing = { pageSize: options.pageSize, select: options.select, expand: options.expand, orderBy: options.orderBy };
    const key = folder ? JSON.stringify(['children', folderKey(folder), listing.pageSize, String(listing.select ?? ''), String(listing.expand ?? ''), listing.orderBy ?? '', nonce]) : '';
    const [state, setState] = useState({
        key: '',
        status: 'idle',
        items: [],
        hasMore: false,
    });
    const pagesRef = useRef(undefined);
    const folderRef = useRef(folder);
    folderRef.current = folder;
    const listingRef = useRef(listing);
    listingRef.current = listing;
    useEffect(() => {
        if (!key || !folderRef.current) {
            setState({ key, status: 'idle', items: [], hasMore: false });
            return;
        }
        let active = true;
        setState((s) => (s.key === key ? s : { key, status: 'loading', items: [], hasMore: false }));
        const target = folderRef.current;
        const work = acquire(client, key, async (signal) => {
            const pages = client.listChildrenPages(target, { ...listingRef.current, signal });
            return { pages, first: await pages.next() };
        });
        work.promise.then(({ pages, first }) => {
            if (!active)
                return;
            pagesRef.current = { key, pages, busy: false, signal: work.controller.signal };
            const page = first.done ? undefined : first.value;
            setState({ key, status: 'success', items: page?.value ?? [], hasMore: Boolean(page?.['@odata.nextLink']) });
        }, (error) => active && !isAbort(error) && setState({ key, status: 'error', items: [], hasMore: false, error }));
        return () => {
            active = false;
            if (pagesRef.current?.key === key)
                pagesRef.current = undefined;
            release(client, work);
        };
    }, [client, key]);
    const loadMore = useCallback(() => {
        const cursor = pagesRef.current;
        if (!cursor || cursor.busy || cursor.signal.aborted)
            return;
        cursor.busy = true;
        setState((s) => (s.key === cursor.key ? { ...s, status: 'loading' } : s));
        cursor.pages.next().then((next) => {
            cursor.busy = false;
            if (pagesRef.current !== cursor)
                return;
            const page = next.done ? undefined : next.value;
            setState((s) => s.key === cursor.key
                ? { ...s, status: 'success', items: [...s.items, ...(page?.value ?? [])], hasMore: Boolean(page?.['@odata.nextLink']) }
                : s);
        }, (error) => {
            cursor.busy = false;
            if (pagesRef.current !== cursor || isAbort(error))
                return;
            setState((s) => (s.key === cursor.key ? { ...s, status: 'error', error } : s));
        });
    }, []);
    const reload = useCallback(() => setNonce((n) => n + 1), []);
    const current = state.key === key ? state : { key, status: (key ? 'loading' : 'idle'), items: [], hasMore: false, error: undefined };
    return {
        status: current.status,
        loading: current.status === 'loading',
        data: current.status === 'idle' ? undefined : current.items,
        items: current.items,
        hasMore: current.hasMore,
        error: current.error,
        loadMore,
        reload,
    };
}
//# sourceMappingURL=react.js.map