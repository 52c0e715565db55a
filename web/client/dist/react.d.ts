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
import { type ReactNode } from 'react';
import type { ChildrenOptions, FolderRef, ItemOptions, PreviewTarget, Resolution, ShareResolverClient } from './client.js';
import type { ShareResolverError } from './error.js';
import type { DriveItem, Permission, Preview, PreviewBody, ShareResult } from './types.js';
/** Makes `client` the hooks' client below it. */
export declare function ShareResolverProvider(props: {
    client: ShareResolverClient;
    children?: ReactNode;
}): import("react").FunctionComponentElement<import("react").ProviderProps<ShareResolverClient | null>>;
/** The client of the nearest provider (or `explicit`). */
export declare function useShareResolverClient(explicit?: ShareResolverClient): ShareResolverClient;
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
/**
 * The driveItem of a sharing link (URL or `u!`/`s!` id); `null`, `undefined`
 * or a blank link is `idle`. A new link aborts the request of the old one.
 */
export declare function useResolveShare(link: string | null | undefined, options?: HookOptions & Pick<ItemOptions, 'select' | 'expand'>): ResolveShareState;
/**
 * The driveItems of many sharing links through `POST /v1/$batch` (20 to a
 * batch): one result per link, in order, each its driveItem or its own
 * error. An empty list is `idle`; a new list aborts the old one's requests.
 */
export declare function useResolveShares(links: readonly string[] | null | undefined, options?: HookOptions & Pick<ItemOptions, 'select' | 'expand'>): AsyncState<ShareResult<DriveItem>[]>;
/**
 * The permissions of many sharing links through `POST /v1/$batch` (20 to a
 * batch), one result per link, in order; an empty list is `idle`.
 */
export declare function usePermissions(links: readonly string[] | null | undefined, options?: HookOptions): AsyncState<ShareResult<Permission>[]>;
/** The permission of a sharing link (`view`/`edit`, `preventsDownload`, expiry); a blank link is `idle`. */
export declare function usePermission(link: string | null | undefined, options?: HookOptions): AsyncState<Permission>;
/**
 * An embeddable viewer URL (`getUrl`) for a sharing link or an item;
 * `null`/`undefined` is `idle`. The answer is short-lived: `reload()` asks
 * for a new one.
 */
export declare function usePreview(target: PreviewTarget | null | undefined, options?: HookOptions & PreviewBody): AsyncState<Preview>;
/**
 * The children of a folder (a sharing link, `{driveId, itemId}` or a
 * driveItem), a page at a time: the first page at once, the next ones on
 * `loadMore()`. `null`/`undefined` is `idle`.
 */
export declare function useChildren(folder: FolderRef | null | undefined, options?: HookOptions & Pick<ChildrenOptions, 'pageSize' | 'select' | 'expand' | 'orderBy'>): ChildrenState;
//# sourceMappingURL=react.d.ts.map