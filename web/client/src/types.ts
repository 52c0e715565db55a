/**
 * The wire types: taken from the types generated from docs/openapi.json
 * (./generated/openapi.ts) through `paths`, by route and status rather than
 * by schema name, so a problem code, a header or a schema the document
 * renames changes here too without an edit. Only what the document leaves
 * open (Graph's driveItem facets) is written by hand.
 */

import type { paths } from './generated/openapi.js';
import type { ShareResolverError } from './error.js';

export type { components, operations, paths } from './generated/openapi.js';

/** Every route the client calls: the generated ones, and those the document does not carry yet. */
export type ApiPaths = paths;

/** What `paths[P][M]` answers with `status`, as `media`. */
type Body<P extends keyof paths, M extends keyof paths[P], Status extends number, Media extends string> = paths[P][M] extends {
  responses: Record<Status, { content: Record<Media, infer B> }>;
}
  ? B
  : never;

/** An RFC 9457 problem as the service sends it (`application/problem+json`). */
export type Problem = Body<'/v1/resolve', 'post', 400, 'application/problem+json'>;

/** The service's stable problem codes (the document's problem-code enum). */
export type ProblemCode = Problem['code'];

/**
 * Codes of failures the client itself reports: no answer (`network_error`,
 * e.g. a CORS refusal), no answer within `timeoutMs` (`timeout`), or an
 * answer that is not the service's (`unexpected_response`).
 */
export type ClientErrorCode = 'network_error' | 'timeout' | 'unexpected_response';

/** Every `code` a {@link ShareResolverError} can carry. */
export type ErrorCode = ProblemCode | ClientErrorCode;

/** One Graph call of a request, from a problem's `graph` array. */
export type GraphDiagnostic = Problem['graph'][number];

/** `POST /v1/resolve`'s body: exactly one of `shareUrl` or `shareId`. */
export type ResolveBody = paths['/v1/resolve']['post']['requestBody']['content']['application/json'];

/** `POST /v1/warmup`'s body: at most one of `shareUrl` or `host`. */
export type WarmupBody = NonNullable<paths['/v1/warmup']['post']['requestBody']>['content']['application/json'];

/** What `POST /v1/warmup` answers. */
export type WarmupResult = Body<'/v1/warmup', 'post', 200, 'application/json'>;

/** The headers of a successful resolution, as the document lists them. */
export type ResolveSuccessHeaders = paths['/v1/resolve']['post']['responses'][200]['headers'];

/** `x-resolver-hydration`: `hit`, `miss` or `member`. */
export type ResolverHydration = ResolveSuccessHeaders['x-resolver-hydration'];

/** `x-resolver-warmup`: `skipped` or the strategy that ran. */
export type WarmupStrategy = ResolveSuccessHeaders['x-resolver-warmup'];

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

/** The facets of a driveItem the document leaves open (`additionalProperties`). */
export interface DriveItemFacets {
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
  /**
   * A short-lived (about an hour) pre-authenticated download URL: open it
   * with no token (never send one to it), and never log or cache it.
   */
  '@microsoft.graph.downloadUrl'?: string;
  /** Graph's thumbnail sets, with `$expand=thumbnails`. */
  thumbnails?: ThumbnailSet[];
}

/** One thumbnail of a set. */
export interface Thumbnail {
  url?: string;
  width?: number;
  height?: number;
  [key: string]: unknown;
}

/** Graph's `thumbnailSet`: the sizes of one thumbnail (`small`, `medium`, `large`). */
export interface ThumbnailSet {
  id?: string;
  small?: Thumbnail;
  medium?: Thumbnail;
  large?: Thumbnail;
  source?: Thumbnail;
  [key: string]: unknown;
}

/**
 * The driveItem, exactly as Microsoft Graph returned it: the document's
 * `DriveItem` (`id`, `name`, anything else) with Graph's usual facets typed.
 * `id` and `name` are typed as always there, as they are unless a `select`
 * leaves them out (the document makes every property optional for that).
 */
export type DriveItem = Body<'/v1/resolve', 'post', 200, 'application/json'> & { id: string; name: string } & DriveItemFacets;

/**
 * A page of a folder's children: the document's `DriveItemCollection` (its
 * `@odata.nextLink` is the service's own route), its items typed as
 * {@link DriveItem}.
 */
export type DriveItemCollection = Body<'/v1/shares/{shareId}/driveItem/children', 'get', 200, 'application/json'> & {
  value: DriveItem[];
};

/** An item inside a shared folder, as the `/v1/drives/…` routes name it. */
export interface DriveItemRef {
  driveId: string;
  itemId: string;
}

type Answer<P extends keyof ApiPaths, M extends string> = ApiPaths[P] extends Record<M, { responses: { 200: { content: { 'application/json': infer B } } } }>
  ? B
  : never;

/**
 * A sharing link's permission (`GET /v1/shares/{shareId}/permission`),
 * Graph's `permission` unchanged: `roles`, `link` (`type`, `scope`,
 * `preventsDownload`), `expirationDateTime`, …
 */
export type Permission = Answer<'/v1/shares/{shareId}/permission', 'get'>;

/** The `preview` action's options: `viewer`, `chromeless`, `allowEdit`, `page`, `zoom`. */
export type PreviewBody = NonNullable<ApiPaths['/v1/drives/{driveId}/items/{itemId}/preview']['post']['requestBody']>['content']['application/json'];

/** Graph's `preview` answer: `getUrl` (an embeddable viewer URL, short-lived), `postUrl`, `postParameters`. */
export type Preview = Answer<'/v1/drives/{driveId}/items/{itemId}/preview', 'post'>;

type BatchBody = ApiPaths['/v1/$batch']['post']['requestBody']['content']['application/json'];

/**
 * One request of a JSON batch (`POST /v1/$batch`), Graph's format. The wire
 * takes any method (another is that request's `method_not_allowed`); the
 * client sends only those of the routes a batch reaches.
 */
export type BatchRequest = Omit<BatchBody['requests'][number], 'method'> & { method: 'GET' | 'POST' };

/** One answer of a JSON batch, Graph's format. */
export type BatchResponse = Answer<'/v1/$batch', 'post'>['responses'][number];

/** One link's outcome in a batched call: its value, or its own error. */
export type ShareResult<T> = { ok: true; value: T } | { ok: false; error: ShareResolverError };
