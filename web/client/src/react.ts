/**
 * React bindings: `useResolveShare(link)`, `useResolveShares(links)`,
 * `usePermission(link)`, `usePermissions(links)`, `usePreview(target)` and `useChildren(folder)` over a
 * client instance from `<ShareResolverProvider client>` (or passed in).
 * Each hook gives `status` (idle, loading, success, error), `data` and
 * `error`, aborts its request when the component unmounts or the input
 * changes, and shares one request between effects that start the same work
 * at once: React's strict-mode double effect (mount, unmount, mount) sends
 * one request, not two.
 */

import { createContext, createElement, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';

import type { ChildrenOptions, FolderRef, ItemOptions, PreviewOptions, PreviewTarget, Resolution, ShareResolverClient } from './client.js';
import type { ShareResolverError } from './error.js';
import type { DriveItem, DriveItemCollection, Permission, Preview, PreviewBody, ShareResult } from './types.js';

const ClientContext = createContext<ShareResolverClient | null>(null);

/** Makes `client` the hooks' client below it. */
export function ShareResolverProvider(props: { client: ShareResolverClient; children?: ReactNode }) {
  return createElement(ClientContext.Provider, { value: props.client }, props.children);
}

/** The client of the nearest provider (or `explicit`). */
export function useShareResolverClient(explicit?: ShareResolverClient): ShareResolverClient {
  const provided = useContext(ClientContext);
  const client = explicit ?? provided;
  if (!client) throw new Error('no share-resolver client: wrap the tree in <ShareResolverProvider client={…}> or pass { client }');
  return client;
}

export type Status = 'idle' | 'loading' | 'success' | 'error';

/** What a hook holds. */
export interface AsyncState<T> {
  status: Status;
  /** `status === 'loading'`. */
  loading: boolean;
  data: T | undefined;
  /** A `ShareResolverError` for anything the service (or the network) said; an `Error` from the token provider. */
  error: ShareResolverError | Error | undefined;
  /** Sends the request again. */
  reload(): void;
}

export interface ResolveShareState extends AsyncState<DriveItem> {
  /** The service's success headers (`hydration`, `warmup`, `attempts`, …). */
  meta: Resolution['meta'] | undefined;
}

export interface ChildrenState extends AsyncState<DriveItem[]> {
  /** The children loaded so far (`data`, never undefined). */
  items: DriveItem[];
  /** Whether the service has another page (`@odata.nextLink`). */
  hasMore: boolean;
  /** Loads the next page; does nothing while one is loading or when there is none. */
  loadMore(): void;
}

export interface HookOptions {
  client?: ShareResolverClient;
}

// ---- one request per work, however many effects start it ----------------------

interface Work<T> {
  key: string;
  controller: AbortController;
  promise: Promise<T>;
  refs: number;
}

const inFlight = new WeakMap<ShareResolverClient, Map<string, Work<unknown>>>();

/** Joins the work under `key`, or starts it; release it with {@link release}. */
function acquire<T>(client: ShareResolverClient, key: string, start: (signal: AbortSignal) => Promise<T>): Work<T> {
  let works = inFlight.get(client);
  if (!works) inFlight.set(client, (works = new Map()));
  let work = works.get(key) as Work<T> | undefined;
  if (!work) {
    const controller = new AbortController();
    const created: Work<T> = { key, controller, promise: start(controller.signal), refs: 0 };
    const forget = () => {
      if (works.get(key) === created) works.delete(key);
    };
    created.promise.then(forget, forget);
    works.set(key, created as Work<unknown>);
    work = created;
  }
  work.refs += 1;
  return work;
}

/**
 * Lets go of `work`; the last one out aborts it, after a microtask, so the
 * remount of a strict-mode double effect (which runs at once) joins it instead.
 */
function release(client: ShareResolverClient, work: Work<unknown>): void {
  work.refs -= 1;
  queueMicrotask(() => {
    if (work.refs > 0) return;
    work.controller.abort();
    const works = inFlight.get(client);
    if (works?.get(work.key) === work) works.delete(work.key);
  });
}

const isAbort = (e: unknown) => (e as { name?: string } | null)?.name === 'AbortError';

// ---- useResolveShare -----------------------------------------------------------

/**
 * The driveItem of a sharing link (URL or `u!`/`s!` id); `null`, `undefined`
 * or a blank link is `idle`. A new link aborts the request of the old one.
 */
export function useResolveShare(
  link: string | null | undefined,
  options: HookOptions & Pick<ItemOptions, 'select' | 'expand'> = {},
): ResolveShareState {
  const client = useShareResolverClient(options.client);
  const input = link?.trim() ?? '';
  const select = options.select === undefined ? '' : String(options.select);
  const expand = options.expand === undefined ? '' : String(options.expand);
  const [nonce, setNonce] = useState(0);
  const [state, setState] = useState<{ key: string; status: Status; resolution?: Resolution; error?: Error }>({ key: '', status: 'idle' });
  const key = input ? JSON.stringify(['resolve', input, select, expand, nonce]) : '';

  useEffect(() => {
    if (!key) {
      setState({ key, status: 'idle' });
      return;
    }
    let active = true;
    setState((s) => (s.key === key ? s : { key, status: 'loading' }));
    const work = acquire(client, key, (signal) =>
      client.resolveShareWithMeta(input, {
        signal,
        select: select || undefined,
        expand: expand || undefined,
      }),
    );
    work.promise.then(
      (resolution) => active && setState({ key, status: 'success', resolution }),
      (error: Error) => active && !isAbort(error) && setState({ key, status: 'error', error }),
    );
    return () => {
      active = false;
      release(client, work);
    };
    // `key` stands for input, select, expand and nonce.
  }, [client, key]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  // Until the effect has run for a new key, the old answer is not this link's.
  const current = state.key === key ? state : { key, status: (key ? 'loading' : 'idle') as Status };
  return {
    status: current.status,
    loading: current.status === 'loading',
    data: current.resolution?.item,
    meta: current.resolution?.meta,
    error: current.error,
    reload,
  };
}

// ---- one call, keyed ------------------------------------------------------------

/**
 * The state of `start()` for `key` (`''`: idle): one request for effects
 * that start the same key at once, aborted when the key changes or the
 * component unmounts.
 */
function useCall<T>(client: ShareResolverClient, key: string, start: (signal: AbortSignal) => Promise<T>): AsyncState<T> {
  const [nonce, setNonce] = useState(0);
  const fullKey = key ? JSON.stringify([key, nonce]) : '';
  const [state, setState] = useState<{ key: string; status: Status; data?: T; error?: Error }>({ key: '', status: 'idle' });
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
    work.promise.then(
      (data) => active && setState({ key: fullKey, status: 'success', data }),
      (error: Error) => active && !isAbort(error) && setState({ key: fullKey, status: 'error', error }),
    );
    return () => {
      active = false;
      release(client, work as Work<unknown>);
    };
  }, [client, fullKey]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  const current = state.key === fullKey ? state : { key: fullKey, status: (fullKey ? 'loading' : 'idle') as Status };
  return { status: current.status, loading: current.status === 'loading', data: current.data, error: current.error, reload };
}

/**
 * The driveItems of many sharing links through `POST /v1/$batch` (20 to a
 * batch): one result per link, in order, each its driveItem or its own
 * error. An empty list is `idle`; a new list aborts the old one's requests.
 */
export function useResolveShares(
  links: readonly string[] | null | undefined,
  options: HookOptions & Pick<ItemOptions, 'select' | 'expand'> = {},
): AsyncState<ShareResult<DriveItem>[]> {
  const client = useShareResolverClient(options.client);
  const inputs = (links ?? []).map((l) => String(l).trim()).filter(Boolean);
  const select = options.select === undefined ? undefined : String(options.select);
  const expand = options.expand === undefined ? undefined : String(options.expand);
  const key = inputs.length ? JSON.stringify(['resolveShares', inputs, select ?? '', expand ?? '']) : '';
  return useCall(client, key, (signal) => client.resolveShares(inputs, { signal, select, expand }));
}

/**
 * The permissions of many sharing links through `POST /v1/$batch` (20 to a
 * batch), one result per link, in order; an empty list is `idle`.
 */
export function usePermissions(links: readonly string[] | null | undefined, options: HookOptions = {}): AsyncState<ShareResult<Permission>[]> {
  const client = useShareResolverClient(options.client);
  const inputs = (links ?? []).map((l) => String(l).trim()).filter(Boolean);
  const key = inputs.length ? JSON.stringify(['permissions', inputs]) : '';
  return useCall(client, key, (signal) => client.getPermissions(inputs, { signal }));
}

/** The permission of a sharing link (`view`/`edit`, `preventsDownload`, expiry); a blank link is `idle`. */
export function usePermission(link: string | null | undefined, options: HookOptions = {}): AsyncState<Permission> {
  const client = useShareResolverClient(options.client);
  const input = link?.trim() ?? '';
  return useCall(client, input ? JSON.stringify(['permission', input]) : '', (signal) => client.getPermission(input, { signal }));
}

/**
 * An embeddable viewer URL (`getUrl`) for a sharing link or an item;
 * `null`/`undefined` is `idle`. The answer is short-lived: `reload()` asks
 * for a new one.
 */
export function usePreview(target: PreviewTarget | null | undefined, options: HookOptions & PreviewBody = {}): AsyncState<Preview> {
  const { client: explicit, ...body } = options;
  const client = useShareResolverClient(explicit);
  const key = target ? JSON.stringify(['preview', typeof target === 'string' ? target.trim() : folderKey(target), body]) : '';
  const call: PreviewOptions = body;
  return useCall(client, key, (signal) => client.preview(target as PreviewTarget, { ...call, signal }));
}

// ---- useChildren ---------------------------------------------------------------

/** A stable key for a folder reference. */
function folderKey(folder: FolderRef): string {
  if (typeof folder === 'string') return folder.trim();
  if ('driveId' in folder && 'itemId' in folder) return JSON.stringify([folder.driveId, folder.itemId]);
  const item = folder as DriveItem;
  return JSON.stringify([item.parentReference?.driveId, item.id]);
}

interface FirstPage {
  pages: AsyncIterator<DriveItemCollection>;
  first: IteratorResult<DriveItemCollection>;
}

/**
 * The children of a folder (a sharing link, `{driveId, itemId}` or a
 * driveItem), a page at a time: the first page at once, the next ones on
 * `loadMore()`. `null`/`undefined` is `idle`.
 */
export function useChildren(
  folder: FolderRef | null | undefined,
  options: HookOptions & Pick<ChildrenOptions, 'pageSize' | 'select' | 'expand' | 'orderBy'> = {},
): ChildrenState {
  const client = useShareResolverClient(options.client);
  const [nonce, setNonce] = useState(0);
  const listing = { pageSize: options.pageSize, select: options.select, expand: options.expand, orderBy: options.orderBy };
  const key = folder ? JSON.stringify(['children', folderKey(folder), listing.pageSize, String(listing.select ?? ''), String(listing.expand ?? ''), listing.orderBy ?? '', nonce]) : '';
  const [state, setState] = useState<{ key: string; status: Status; items: DriveItem[]; hasMore: boolean; error?: Error }>({
    key: '',
    status: 'idle',
    items: [],
    hasMore: false,
  });
  const pagesRef = useRef<{ key: string; pages: AsyncIterator<DriveItemCollection>; busy: boolean; signal: AbortSignal } | undefined>(undefined);
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
    const work = acquire<FirstPage>(client, key, async (signal) => {
      const pages = client.listChildrenPages(target, { ...listingRef.current, signal });
      return { pages, first: await pages.next() };
    });
    work.promise.then(
      ({ pages, first }) => {
        if (!active) return;
        pagesRef.current = { key, pages, busy: false, signal: work.controller.signal };
        const page = first.done ? undefined : first.value;
        setState({ key, status: 'success', items: page?.value ?? [], hasMore: Boolean(page?.['@odata.nextLink']) });
      },
      (error: Error) => active && !isAbort(error) && setState({ key, status: 'error', items: [], hasMore: false, error }),
    );
    return () => {
      active = false;
      if (pagesRef.current?.key === key) pagesRef.current = undefined;
      release(client, work as Work<unknown>);
    };
  }, [client, key]);

  const loadMore = useCallback(() => {
    const cursor = pagesRef.current;
    if (!cursor || cursor.busy || cursor.signal.aborted) return;
    cursor.busy = true;
    setState((s) => (s.key === cursor.key ? { ...s, status: 'loading' } : s));
    cursor.pages.next().then(
      (next) => {
        cursor.busy = false;
        if (pagesRef.current !== cursor) return;
        const page = next.done ? undefined : next.value;
        setState((s) =>
          s.key === cursor.key
            ? { ...s, status: 'success', items: [...s.items, ...(page?.value ?? [])], hasMore: Boolean(page?.['@odata.nextLink']) }
            : s,
        );
      },
      (error: Error) => {
        cursor.busy = false;
        if (pagesRef.current !== cursor || isAbort(error)) return;
        setState((s) => (s.key === cursor.key ? { ...s, status: 'error', error } : s));
      },
    );
  }, []);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  const current = state.key === key ? state : { key, status: (key ? 'loading' : 'idle') as Status, items: [] as DriveItem[], hasMore: false, error: undefined };
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
