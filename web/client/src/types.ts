/**
 * The wire types: taken from the types generated from docs/openapi.json
 * (./generated/openapi.ts), so a problem code or a header the document
 * changes changes here too. Only what the document leaves open (Graph's
 * driveItem facets) or does not list yet (the folder routes) is written by hand.
 */

import type { components, paths } from './generated/openapi.js';

export type { components, operations, paths } from './generated/openapi.js';

type Schemas = components['schemas'];

/** The service's stable problem codes (`ProblemCode` in the OpenAPI document). */
export type ProblemCode = Schemas['ProblemCode'];

/**
 * Codes of failures the client itself reports: no answer (`network_error`,
 * e.g. a CORS refusal), no answer within `timeoutMs` (`timeout`), or an
 * answer that is not the service's (`unexpected_response`).
 */
export type ClientErrorCode = 'network_error' | 'timeout' | 'unexpected_response';

/** Every `code` a {@link ShareResolverError} can carry. */
export type ErrorCode = ProblemCode | ClientErrorCode;

/** An RFC 9457 problem as the service sends it (`application/problem+json`). */
export type Problem = Schemas['Problem'];

/** One Graph call of a request, from a problem's `graph` array (`GraphCall`). */
export type GraphDiagnostic = Schemas['GraphCall'];

/** `POST /v1/resolve`'s body: exactly one of `shareUrl` or `shareId`. */
export type ResolveBody = Schemas['ResolveBody'];

/** `POST /v1/warmup`'s body: at most one of `shareUrl` or `host`. */
export type WarmupBody = Schemas['WarmupBody'];

/** What `POST /v1/warmup` answers. */
export type WarmupResult = Schemas['Prewarmed'];

/** `x-resolver-hydration`: `hit`, `miss` or `member`. */
export type ResolverHydration = Schemas['ResolverHydration'];

/** `x-resolver-warmup`: `skipped` or the strategy that ran. */
export type WarmupStrategy = Schemas['Warmup'];

/** The headers of a successful resolution, as the document lists them. */
export type ResolveSuccessHeaders = paths['/v1/resolve']['post']['responses'][200]['headers'];

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
  /** A short-lived pre-authenticated download URL: never log or cache it. */
  '@microsoft.graph.downloadUrl'?: string;
}

/**
 * The driveItem, exactly as Microsoft Graph returned it: the document's
 * `DriveItem` (`id`, `name`, anything else) with Graph's usual facets typed.
 * `id` and `name` are typed as always there, as they are unless a `select`
 * leaves them out (the document makes every property optional for that).
 */
export type DriveItem = Schemas['DriveItem'] & { id: string; name: string } & DriveItemFacets;

/**
 * A page of a folder's children: Graph's collection, with `@odata.nextLink`
 * rewritten by the service to its own route (the document's
 * `DriveItemCollection`, its items typed as {@link DriveItem}).
 */
export interface ChildrenPage {
  value: DriveItem[];
  '@odata.nextLink'?: string;
  [key: string]: unknown;
}

/** An item inside a shared folder, as the `/v1/drives/…` routes name it. */
export interface DriveItemRef {
  driveId: string;
  itemId: string;
}
