/** The one error type of the client: a problem of the service, or a failure to get one. */

import type { ErrorCode, GraphDiagnostic } from './types.js';

/** The fields of a {@link ShareResolverError}. */
export interface ShareResolverErrorFields {
  code: ErrorCode;
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
  requests?: number;
  cause?: unknown;
}

/**
 * A failure: the service's RFC 9457 problem, or one the client reports
 * itself (`network_error`, `timeout`, `unexpected_response`).
 */
export class ShareResolverError extends Error {
  /**
   * Stable machine code, e.g. `access_denied`; key off this. Typed from the
   * OpenAPI document; a newer service may send a code this version does not
   * list, which arrives as sent.
   */
  readonly code: ErrorCode;
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
  /** HTTP requests the call made before giving up (retries included), when known. */
  readonly requests?: number;

  constructor(fields: ShareResolverErrorFields) {
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
    this.requests = fields.requests;
  }

  /** This error with the number of requests its call made. */
  withRequests(requests: number): ShareResolverError {
    return new ShareResolverError({ ...this, cause: this.cause, requests });
  }
}
