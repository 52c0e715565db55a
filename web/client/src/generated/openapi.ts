// Generated from docs/openapi.json by web/scripts/gen-types.mjs (openapi-typescript).
// Do not edit: run `npm --prefix web run gen:types` after the document changes.
export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["healthz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** `GET /openapi.json`. */
        get: operations["openapi_json"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/$batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * `POST /v1/$batch`: many requests of the `/shares` and `/drives` routes in
         *     one, answered in request order.
         */
        post: operations["post_batch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * `POST /v1/batch`: the same as `POST /v1/$batch`, for clients and
         *     gateways that would rather not put a `$` in a path.
         */
        post: operations["post_batch_plain"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/drives/{driveId}/items/{itemId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** `GET /v1/drives/{driveId}/items/{itemId}`: an item inside a shared folder. */
        get: operations["get_item"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/drives/{driveId}/items/{itemId}/children": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** `GET /v1/drives/{driveId}/items/{itemId}/children`. */
        get: operations["get_item_children"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/drives/{driveId}/items/{itemId}/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * `POST /v1/drives/{driveId}/items/{itemId}/preview`: the same for an item
         *     inside a shared folder.
         */
        post: operations["post_item_preview"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/resolve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** `POST /v1/resolve`. */
        post: operations["post_resolve"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/shares/{shareId}/driveItem": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** `GET /v1/shares/{shareId}/driveItem`: Graph-compatible. */
        get: operations["get_drive_item"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/shares/{shareId}/driveItem/children": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** `GET /v1/shares/{shareId}/driveItem/children`: a shared folder's children. */
        get: operations["get_share_children"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/shares/{shareId}/driveItem/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** `POST /v1/shares/{shareId}/driveItem/preview`: an embeddable viewer URL. */
        post: operations["post_share_preview"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/shares/{shareId}/permission": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** `GET /v1/shares/{shareId}/permission`: the sharing link's permission. */
        get: operations["get_permission"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/warmup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** `POST /v1/warmup`: pre-warm a guest right after sign-in. */
        post: operations["post_warmup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description `POST /v1/$batch`: up to 20 requests of this API's Graph routes. */
        BatchRequestBody: {
            /** @description 1 to 20 requests, answered in this order. */
            requests: components["schemas"]["BatchRequestItem"][];
        };
        /**
         * @description One request of a batch (Graph's `dependsOn` is not supported: a batch
         *     that sends one is refused as a whole).
         */
        BatchRequestItem: {
            body?: null | components["schemas"]["PreviewBody"];
            /**
             * @description Only `Prefer`, `Content-Type` and `client-request-id` (names
             *     case-insensitive); another is that request's `bad_request`.
             */
            headers?: {
                [key: string]: string;
            } | null;
            /**
             * @description Unique in the batch: 1 to 64 letters, digits, `-` or `_`.
             * @example 1
             */
            id: string;
            /**
             * @description `GET`, or `POST` for a `preview`.
             * @example GET
             */
            method: string;
            /**
             * @description The route's path and query, relative to `/v1` (`/shares/…` or
             *     `shares/…`), as `/v1/shares/…`, or a full URL (its path and query).
             * @example /shares/u!aHR0cHM6Ly9jb250b3NvLnNoYXJlcG9pbnQuY29tLzp3Oi9zL01hcmtldGluZy9FYUJj/driveItem?$select=id,name
             */
            url: string;
        };
        /** @description `POST /v1/$batch`'s answer: one per request, in request order. */
        BatchResponseBody: {
            responses: components["schemas"]["BatchResponseItem"][];
        };
        /** @description One request's answer: what its single route would have answered. */
        BatchResponseItem: {
            /**
             * @description Its single route's body: a driveItem, a children page (its next link
             *     pointing at this API) or a problem (`type`, `code`, …).
             */
            body: Record<string, never>;
            /**
             * @description `Content-Type` (`application/json` for successes and problems alike);
             *     on success `x-resolver-hydration`, `x-resolver-warmup`,
             *     `x-resolver-attempts`, `request-id` and `client-request-id`;
             *     `Retry-After` where the single route sends one.
             */
            headers: {
                [key: string]: string;
            };
            /** @description The request's `id`. */
            id: string;
            /**
             * Format: int32
             * @description Its single route's status.
             * @example 200
             */
            status: number;
        };
        /** @example b!SimDriveContosoMarketing0000000000000000000000000000000000000001 */
        DriveId: string;
        /** @description Graph's driveItem, exactly as Graph returned it (with `$select`, only the selected properties). */
        DriveItem: {
            /** @example 01J7TAN47MQKAQ52K64ZAZNORXENAPQ46L */
            id?: string;
            /** @example Launch plan.docx */
            name?: string;
            /** Format: int64 */
            size?: number | null;
            webUrl?: string | null;
        } & {
            [key: string]: unknown;
        };
        /** @description Graph's collection of driveItems; `@odata.nextLink`, when there are more, is this route on this API with Graph's `$skiptoken`. */
        DriveItemCollection: {
            /** Format: uri */
            "@odata.nextLink"?: string;
            value: components["schemas"]["DriveItem"][];
        } & {
            [key: string]: unknown;
        };
        /** @description One Graph (or SharePoint) call and what it answered. */
        GraphDiagnostics: {
            /**
             * @description Graph's `x-ms-ags-diagnostic`: parsed when it is JSON (usually an
             *     object), else the header's text; null when absent.
             */
            agsDiagnostic: unknown;
            /**
             * @description `warmup`, `shares`, `drives`, `permission` or `preview`; absent for
             *     a token Graph refused.
             * @example shares
             */
            call?: string | null;
            clientRequestId: string | null;
            /**
             * @description Graph's error code; null when it sent none.
             * @example accessDenied
             */
            code: string | null;
            /** @description Graph's `Date` header. */
            date: string | null;
            /** Format: int64 */
            durationMs: number;
            /**
             * @description The request's `id` in `POST /v1/$batch`, for an answer to one of
             *     its requests.
             * @example 1
             */
            id?: string | null;
            requestId: string | null;
            /**
             * Format: int32
             * @description HTTP status; null when no response came.
             * @example 401
             */
            status: number | null;
            /**
             * @description The warm-up strategy of a warm-up call.
             * @example site
             */
            strategy?: string | null;
            /** @description What went wrong on the wire, when no response came. */
            transportError?: string | null;
        };
        Health: {
            /** @example ok */
            status: string;
        };
        /**
         * @description `x-resolver-hydration`: what the service knew of the user.
         * @enum {string}
         */
        Hydration: "hit" | "miss" | "member";
        /** @example 01SIMFOLDERSUBFOLDER0000000000000A */
        ItemId: string;
        /** @description Graph's preview, exactly as Graph returned it. Its URLs act as the caller (`getUrl` carries an `access_token`): use them at once, never log, store or share them. */
        ItemPreviewInfo: {
            /** @description An embeddable viewer URL (e.g. in an iframe) on the tenant's SharePoint host. */
            getUrl?: string | null;
            /** @description The form body for `postUrl` (`application/x-www-form-urlencoded`). */
            postParameters?: string | null;
            /** @description A viewer URL to open with a form POST of `postParameters`. */
            postUrl?: string | null;
        } & {
            [key: string]: unknown;
        };
        /** @description A page, by number or by name. */
        Page: number | string;
        /** @description Graph's permission of the sharing link, exactly as Graph returned it (with `$select`, only the selected properties). */
        Permission: {
            /**
             * Format: date-time
             * @description When the link stops working, if it does.
             */
            expirationDateTime?: string;
            /** @example b8b4a1f6-5f0c-4d46-9f1e-4c1f3f0e2a71 */
            id?: string;
            /** @description The sharing link: what it lets its holder do, and for whom. */
            link?: {
                /** @description Whether the link blocks downloads: a page hides its Download button. */
                preventsDownload?: boolean;
                /**
                 * @description `anonymous`, `organization` or `users`.
                 * @example users
                 */
                scope?: string;
                /**
                 * @description `view`, `edit` or `embed`.
                 * @example view
                 */
                type?: string;
                /** @example https://contoso.sharepoint.com/:w:/s/Marketing/EaBcDeFg?e=4f2Kx9 */
                webUrl?: string;
            } & {
                [key: string]: unknown;
            };
            /** @description `read` (a view link) or `write` (an edit link). */
            roles?: string[];
        } & {
            [key: string]: unknown;
        };
        /**
         * @description The optional body of the preview routes, forwarded to Graph with only
         *     the members sent. Any other member, or a member of another type, is
         *     refused before any call.
         */
        PreviewBody: {
            /** @description Whether the viewer may offer editing, where the caller may edit. */
            allowEdit?: boolean;
            /** @description Without the viewer's chrome (Graph's default: `true`). */
            chromeless?: boolean;
            /** @description The page to open at (a number or a string, as Graph takes it). */
            page?: components["schemas"]["Page"];
            viewer?: null | components["schemas"]["Viewer"];
            /**
             * Format: double
             * @description The zoom level to open at.
             */
            zoom?: number;
        };
        /** @description What a pre-warm found or did. */
        Prewarmed: {
            hydration: components["schemas"]["PrewarmHydration"];
            warmup: components["schemas"]["WarmupOutcome"];
        };
        /** @enum {string} */
        PrewarmHydration: "hit" | "member" | "warmed";
        /** @description A problem (RFC 9457), `application/problem+json`. */
        Problem: {
            /** @description The decoded claims request of a `claims_challenge`: pass it to MSAL. */
            claims?: Record<string, never> | null;
            code: components["schemas"]["ProblemCode"];
            detail: string;
            /**
             * @description Every Graph call of the request, in order (for a token Graph refused,
             *     only the refusing answer, without naming the call).
             */
            graph: components["schemas"]["GraphDiagnostics"][];
            /** @description What the caller should do about it. */
            remediation: string;
            /**
             * Format: int32
             * @example 503
             */
            status: number;
            /** @example Guest identity not ready */
            title: string;
            /**
             * @description `/problems/{code}`.
             * @example /problems/hydration_exhausted
             */
            type: string;
        };
        /**
         * @description The stable problem codes.
         * @enum {string}
         */
        ProblemCode: "missing_token" | "malformed_token" | "token_expired" | "wrong_audience" | "invalid_token" | "claims_challenge" | "tenant_not_allowed" | "client_not_allowed" | "consent_required" | "mfa_required" | "personal_account_unsupported" | "missing_scope" | "access_denied" | "invalid_share" | "preview_unsupported" | "share_not_found" | "throttled" | "hydration_exhausted" | "graph_unavailable" | "identity_unavailable" | "deadline_exceeded" | "bad_request" | "payload_too_large" | "not_found" | "method_not_allowed" | "internal_error";
        /** @description `POST /v1/resolve`: exactly one of `shareUrl` or `shareId` (a `null` counts as left out; other members are ignored), and optionally `select` and `expand`. */
        ResolveBody: {
            /**
             * @description The value of Graph's `$expand`.
             * @example children
             */
            expand?: string;
            /**
             * @description The value of Graph's `$select`.
             * @example id,name,size
             */
            select?: string;
            shareId?: null;
            /**
             * @description An https sharing URL on an allowed host (`ALLOWED_SHARE_HOSTS`).
             * @example https://contoso.sharepoint.com/:w:/s/Marketing/EaBcDeFg?e=4f2Kx9
             */
            shareUrl: string;
        } | {
            /**
             * @description The value of Graph's `$expand`.
             * @example children
             */
            expand?: string;
            /**
             * @description The value of Graph's `$select`.
             * @example id,name,size
             */
            select?: string;
            shareId: components["schemas"]["ShareId"];
            shareUrl?: null;
        };
        /** @description A share id, one of three forms; surrounding whitespace is ignored. */
        ShareId: string;
        /**
         * @description The preview's viewer.
         * @enum {string}
         */
        Viewer: "onedrive" | "office";
        /** @description `POST /v1/warmup` (optional): where to warm up, at most one of `shareUrl` or `host` (a `null` counts as left out; other members are ignored). */
        WarmupBody: {
            host?: null;
            /**
             * @description An https sharing URL on an allowed host (`ALLOWED_SHARE_HOSTS`).
             * @example https://contoso.sharepoint.com/:w:/s/Marketing/EaBcDeFg?e=4f2Kx9
             */
            shareUrl: string;
        } | {
            /**
             * @description A SharePoint host on the allow-list.
             * @example contoso.sharepoint.com
             */
            host: string;
            shareUrl?: null;
        } | {
            host?: null;
            shareUrl?: null;
        };
        /**
         * @description The warm-up strategy that answered, or `skipped` (none was needed).
         * @enum {string}
         */
        WarmupOutcome: "skipped" | "sharepoint" | "site" | "root" | "group";
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    healthz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The service is up */
            200: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    openapi_json: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description This OpenAPI 3.1 document */
            200: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
        };
    };
    post_batch: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Forwarded to Graph as its `client-request-id`; a fresh GUID replaces
                 *     one that is absent, blank, over 128 characters or not printable ASCII.
                 */
                "client-request-id"?: string;
                /**
                 * @description `Bearer <token>`: a delegated token for the sharing URL's SharePoint
                 *     host (scope `https://{host}/.default`) of the same user. Enables the
                 *     `sharepoint` warm-up; sent only to that host, never logged or stored.
                 *     A malformed one, or one for another host or user, is `bad_request`.
                 */
                "X-SharePoint-Authorization"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BatchRequestBody"];
            };
        };
        responses: {
            /** @description One answer per request, in request order; each is what its single route would have answered */
            200: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BatchResponseBody"];
                };
            };
            /** @description `invalid_share`, `bad_request` */
            400: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `missing_token`, `malformed_token`, `token_expired`, `wrong_audience`, `invalid_token`, `claims_challenge` */
            401: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description A `Bearer` challenge; for `claims_challenge`, Graph's own (`graph` mode) or one with the identity platform's `authorization_uri` and the base64 `claims` (`obo` mode) */
                    "WWW-Authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `tenant_not_allowed`, `consent_required`, `personal_account_unsupported`, `missing_scope`, `mfa_required` */
            403: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `payload_too_large` (over 64 KiB) */
            413: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `throttled`: the caller is inside a throttle window */
            429: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description Seconds left (at most 300) */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `identity_unavailable` */
            502: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    post_batch_plain: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Forwarded to Graph as its `client-request-id`; a fresh GUID replaces
                 *     one that is absent, blank, over 128 characters or not printable ASCII.
                 */
                "client-request-id"?: string;
                /**
                 * @description `Bearer <token>`: a delegated token for the sharing URL's SharePoint
                 *     host (scope `https://{host}/.default`) of the same user. Enables the
                 *     `sharepoint` warm-up; sent only to that host, never logged or stored.
                 *     A malformed one, or one for another host or user, is `bad_request`.
                 */
                "X-SharePoint-Authorization"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BatchRequestBody"];
            };
        };
        responses: {
            /** @description As `POST /v1/$batch` */
            200: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BatchResponseBody"];
                };
            };
            /** @description `invalid_share`, `bad_request` */
            400: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `missing_token`, `malformed_token`, `token_expired`, `wrong_audience`, `invalid_token`, `claims_challenge` */
            401: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description A `Bearer` challenge; for `claims_challenge`, Graph's own (`graph` mode) or one with the identity platform's `authorization_uri` and the base64 `claims` (`obo` mode) */
                    "WWW-Authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `payload_too_large` (over 64 KiB) */
            413: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `throttled`: the caller is inside a throttle window */
            429: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description Seconds left (at most 300) */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    get_item: {
        parameters: {
            query?: {
                /** @description Graph's `$expand`, e.g. `children`. */
                $expand?: string;
                /** @description Graph's `$select`: only these properties (comma-separated). */
                $select?: string;
            };
            header?: {
                /**
                 * @description Forwarded to Graph as its `client-request-id`; a fresh GUID replaces
                 *     one that is absent, blank, over 128 characters or not printable ASCII.
                 */
                "client-request-id"?: string;
                /**
                 * @description `Bearer <token>`: a delegated token for the sharing URL's SharePoint
                 *     host (scope `https://{host}/.default`) of the same user. Enables the
                 *     `sharepoint` warm-up; sent only to that host, never logged or stored.
                 *     A malformed one, or one for another host or user, is `bad_request`.
                 */
                "X-SharePoint-Authorization"?: string;
            };
            path: {
                /** @description Graph's drive id (`parentReference.driveId`): `b!` and base64url, at most 256 after `b!` */
                driveId: components["schemas"]["DriveId"];
                /** @description A driveItem id (letters and digits, at most 128) or `root` */
                itemId: components["schemas"]["ItemId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The driveItem, exactly as Graph returned it */
            200: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description `store;dur=…, warmup;dur=…, graph;dur=…, total;dur=…` (ms; success only) */
                    "server-timing": string;
                    /** @description Calls of the route's Graph request (`/shares…` or `/drives…`) made (success only) */
                    "x-resolver-attempts": number;
                    /** @description What the service knew of the user (success only) */
                    "x-resolver-hydration": components["schemas"]["Hydration"];
                    /** @description `skipped`, or the strategy that ran (success only) */
                    "x-resolver-warmup": components["schemas"]["WarmupOutcome"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DriveItem"];
                };
            };
            /** @description `invalid_share`, `bad_request` */
            400: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `missing_token`, `malformed_token`, `token_expired`, `wrong_audience`, `invalid_token`, `claims_challenge` */
            401: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description A `Bearer` challenge; for `claims_challenge`, Graph's own (`graph` mode) or one with the identity platform's `authorization_uri` and the base64 `claims` (`obo` mode) */
                    "WWW-Authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `tenant_not_allowed`, `client_not_allowed`, `consent_required`, `mfa_required`, `personal_account_unsupported`, `missing_scope`, `access_denied` */
            403: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `share_not_found` */
            404: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `throttled` */
            429: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description Seconds, 1 to 300 */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `graph_unavailable`, `identity_unavailable` */
            502: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description Seconds (at most 300), when Graph sent one */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `hydration_exhausted` */
            503: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description Seconds, 1 to 300 */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `deadline_exceeded` */
            504: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    get_item_children: {
        parameters: {
            query?: {
                /** @description Graph's `$expand`, e.g. `children`. */
                $expand?: string;
                /** @description Graph's `$orderby`, e.g. `name desc`. */
                $orderby?: string;
                /** @description Graph's `$select`: only these properties (comma-separated). */
                $select?: string;
                /** @description Graph's page token, as a next link carries it. */
                $skiptoken?: string;
                /** @description Page size, 1 to 999. */
                $top?: string;
            };
            header?: {
                /**
                 * @description Forwarded to Graph as its `client-request-id`; a fresh GUID replaces
                 *     one that is absent, blank, over 128 characters or not printable ASCII.
                 */
                "client-request-id"?: string;
                /**
                 * @description `Bearer <token>`: a delegated token for the sharing URL's SharePoint
                 *     host (scope `https://{host}/.default`) of the same user. Enables the
                 *     `sharepoint` warm-up; sent only to that host, never logged or stored.
                 *     A malformed one, or one for another host or user, is `bad_request`.
                 */
                "X-SharePoint-Authorization"?: string;
            };
            path: {
                /** @description Graph's drive id (`parentReference.driveId`): `b!` and base64url, at most 256 after `b!` */
                driveId: components["schemas"]["DriveId"];
                /** @description A driveItem id (letters and digits, at most 128) or `root` */
                itemId: components["schemas"]["ItemId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Graph's page of children, unchanged but for `@odata.nextLink`, which points at this route on this API */
            200: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description `store;dur=…, warmup;dur=…, graph;dur=…, total;dur=…` (ms; success only) */
                    "server-timing": string;
                    /** @description Calls of the route's Graph request (`/shares…` or `/drives…`) made (success only) */
                    "x-resolver-attempts": number;
                    /** @description What the service knew of the user (success only) */
                    "x-resolver-hydration": components["schemas"]["Hydration"];
                    /** @description `skipped`, or the strategy that ran (success only) */
                    "x-resolver-warmup": components["schemas"]["WarmupOutcome"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DriveItemCollection"];
                };
            };
            /** @description `invalid_share`, `bad_request` */
            400: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `missing_token`, `malformed_token`, `token_expired`, `wrong_audience`, `invalid_token`, `claims_challenge` */
            401: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description A `Bearer` challenge; for `claims_challenge`, Graph's own (`graph` mode) or one with the identity platform's `authorization_uri` and the base64 `claims` (`obo` mode) */
                    "WWW-Authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `tenant_not_allowed`, `client_not_allowed`, `consent_required`, `mfa_required`, `personal_account_unsupported`, `missing_scope`, `access_denied` */
            403: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `share_not_found` */
            404: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `throttled` */
            429: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description Seconds, 1 to 300 */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `graph_unavailable`, `identity_unavailable` */
            502: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description Seconds (at most 300), when Graph sent one */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `hydration_exhausted` */
            503: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description Seconds, 1 to 300 */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `deadline_exceeded` */
            504: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    post_item_preview: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Forwarded to Graph as its `client-request-id`; a fresh GUID replaces
                 *     one that is absent, blank, over 128 characters or not printable ASCII.
                 */
                "client-request-id"?: string;
                /**
                 * @description `Bearer <token>`: a delegated token for the sharing URL's SharePoint
                 *     host (scope `https://{host}/.default`) of the same user. Enables the
                 *     `sharepoint` warm-up; sent only to that host, never logged or stored.
                 *     A malformed one, or one for another host or user, is `bad_request`.
                 */
                "X-SharePoint-Authorization"?: string;
            };
            path: {
                /** @description Graph's drive id (`parentReference.driveId`): `b!` and base64url, at most 256 after `b!` */
                driveId: components["schemas"]["DriveId"];
                /** @description A driveItem id (letters and digits, at most 128) or `root` */
                itemId: components["schemas"]["ItemId"];
            };
            cookie?: never;
        };
        /** @description Optional (no body is `{}`; whitespace alone is not JSON): the viewer's options, forwarded to Graph */
        requestBody?: {
            content: {
                "application/json": components["schemas"]["PreviewBody"];
            };
        };
        responses: {
            /** @description Graph's preview, exactly as Graph returned it: `getUrl` carries an access token of the caller's */
            200: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description `store;dur=…, warmup;dur=…, graph;dur=…, total;dur=…` (ms; success only) */
                    "server-timing": string;
                    /** @description Calls of the route's Graph request (`/shares…` or `/drives…`) made (success only) */
                    "x-resolver-attempts": number;
                    /** @description What the service knew of the user (success only) */
                    "x-resolver-hydration": components["schemas"]["Hydration"];
                    /** @description `skipped`, or the strategy that ran (success only) */
                    "x-resolver-warmup": components["schemas"]["WarmupOutcome"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ItemPreviewInfo"];
                };
            };
            /** @description `invalid_share`, `bad_request`, `preview_unsupported` (a personal OneDrive link: no Graph call) */
            400: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `missing_token`, `malformed_token`, `token_expired`, `wrong_audience`, `invalid_token`, `claims_challenge` */
            401: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description A `Bearer` challenge; for `claims_challenge`, Graph's own (`graph` mode) or one with the identity platform's `authorization_uri` and the base64 `claims` (`obo` mode) */
                    "WWW-Authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `tenant_not_allowed`, `client_not_allowed`, `consent_required`, `mfa_required`, `personal_account_unsupported`, `missing_scope`, `access_denied` */
            403: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `share_not_found` */
            404: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `payload_too_large` */
            413: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `throttled` */
            429: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description Seconds, 1 to 300 */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `graph_unavailable`, `identity_unavailable` */
            502: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description Seconds (at most 300), when Graph sent one */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `hydration_exhausted` */
            503: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description Seconds, 1 to 300 */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `deadline_exceeded` */
            504: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    post_resolve: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Forwarded to Graph as its `client-request-id`; a fresh GUID replaces
                 *     one that is absent, blank, over 128 characters or not printable ASCII.
                 */
                "client-request-id"?: string;
                /**
                 * @description `Bearer <token>`: a delegated token for the sharing URL's SharePoint
                 *     host (scope `https://{host}/.default`) of the same user. Enables the
                 *     `sharepoint` warm-up; sent only to that host, never logged or stored.
                 *     A malformed one, or one for another host or user, is `bad_request`.
                 */
                "X-SharePoint-Authorization"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ResolveBody"];
            };
        };
        responses: {
            /** @description The driveItem, exactly as Graph returned it */
            200: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description `store;dur=…, warmup;dur=…, graph;dur=…, total;dur=…` (ms; success only) */
                    "server-timing": string;
                    /** @description Calls of the route's Graph request (`/shares…` or `/drives…`) made (success only) */
                    "x-resolver-attempts": number;
                    /** @description What the service knew of the user (success only) */
                    "x-resolver-hydration": components["schemas"]["Hydration"];
                    /** @description `skipped`, or the strategy that ran (success only) */
                    "x-resolver-warmup": components["schemas"]["WarmupOutcome"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DriveItem"];
                };
            };
            /** @description `invalid_share`, `bad_request` */
            400: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `missing_token`, `malformed_token`, `token_expired`, `wrong_audience`, `invalid_token`, `claims_challenge` */
            401: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description A `Bearer` challenge; for `claims_challenge`, Graph's own (`graph` mode) or one with the identity platform's `authorization_uri` and the base64 `claims` (`obo` mode) */
                    "WWW-Authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `tenant_not_allowed`, `client_not_allowed`, `consent_required`, `mfa_required`, `personal_account_unsupported`, `missing_scope`, `access_denied` */
            403: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `share_not_found` */
            404: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `payload_too_large` */
            413: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `throttled` */
            429: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description Seconds, 1 to 300 */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `graph_unavailable`, `identity_unavailable` */
            502: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description Seconds (at most 300), when Graph sent one */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `hydration_exhausted` */
            503: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description Seconds, 1 to 300 */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `deadline_exceeded` */
            504: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    get_drive_item: {
        parameters: {
            query?: {
                /** @description Graph's `$expand`, e.g. `children`. */
                $expand?: string;
                /** @description Graph's `$select`: only these properties (comma-separated). */
                $select?: string;
            };
            header?: {
                /**
                 * @description Forwarded to Graph as its `client-request-id`; a fresh GUID replaces
                 *     one that is absent, blank, over 128 characters or not printable ASCII.
                 */
                "client-request-id"?: string;
                /** @description `redeemSharingLink` (durable access) or `redeemSharingLinkIfNecessary` is forwarded to Graph's `/shares` call; other preferences are not. */
                Prefer?: string;
                /**
                 * @description `Bearer <token>`: a delegated token for the sharing URL's SharePoint
                 *     host (scope `https://{host}/.default`) of the same user. Enables the
                 *     `sharepoint` warm-up; sent only to that host, never logged or stored.
                 *     A malformed one, or one for another host or user, is `bad_request`.
                 */
                "X-SharePoint-Authorization"?: string;
            };
            path: {
                /** @description `u!…` (unpadded base64url of the sharing URL), `s!…`, or the percent-encoded raw sharing URL */
                shareId: components["schemas"]["ShareId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The driveItem, exactly as Graph returned it */
            200: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description `store;dur=…, warmup;dur=…, graph;dur=…, total;dur=…` (ms; success only) */
                    "server-timing": string;
                    /** @description Calls of the route's Graph request (`/shares…` or `/drives…`) made (success only) */
                    "x-resolver-attempts": number;
                    /** @description What the service knew of the user (success only) */
                    "x-resolver-hydration": components["schemas"]["Hydration"];
                    /** @description `skipped`, or the strategy that ran (success only) */
                    "x-resolver-warmup": components["schemas"]["WarmupOutcome"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DriveItem"];
                };
            };
            /** @description `invalid_share`, `bad_request` */
            400: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `missing_token`, `malformed_token`, `token_expired`, `wrong_audience`, `invalid_token`, `claims_challenge` */
            401: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description A `Bearer` challenge; for `claims_challenge`, Graph's own (`graph` mode) or one with the identity platform's `authorization_uri` and the base64 `claims` (`obo` mode) */
                    "WWW-Authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `tenant_not_allowed`, `client_not_allowed`, `consent_required`, `mfa_required`, `personal_account_unsupported`, `missing_scope`, `access_denied` */
            403: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `share_not_found` */
            404: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `throttled` */
            429: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description Seconds, 1 to 300 */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `graph_unavailable`, `identity_unavailable` */
            502: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description Seconds (at most 300), when Graph sent one */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `hydration_exhausted` */
            503: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description Seconds, 1 to 300 */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `deadline_exceeded` */
            504: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    get_share_children: {
        parameters: {
            query?: {
                /** @description Graph's `$expand`, e.g. `children`. */
                $expand?: string;
                /** @description Graph's `$orderby`, e.g. `name desc`. */
                $orderby?: string;
                /** @description Graph's `$select`: only these properties (comma-separated). */
                $select?: string;
                /** @description Graph's page token, as a next link carries it. */
                $skiptoken?: string;
                /** @description Page size, 1 to 999. */
                $top?: string;
            };
            header?: {
                /**
                 * @description Forwarded to Graph as its `client-request-id`; a fresh GUID replaces
                 *     one that is absent, blank, over 128 characters or not printable ASCII.
                 */
                "client-request-id"?: string;
                /** @description `redeemSharingLink` (durable access) or `redeemSharingLinkIfNecessary` is forwarded to Graph's `/shares` call; other preferences are not. */
                Prefer?: string;
                /**
                 * @description `Bearer <token>`: a delegated token for the sharing URL's SharePoint
                 *     host (scope `https://{host}/.default`) of the same user. Enables the
                 *     `sharepoint` warm-up; sent only to that host, never logged or stored.
                 *     A malformed one, or one for another host or user, is `bad_request`.
                 */
                "X-SharePoint-Authorization"?: string;
            };
            path: {
                /** @description `u!…` (unpadded base64url of the sharing URL), `s!…`, or the percent-encoded raw sharing URL */
                shareId: components["schemas"]["ShareId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Graph's page of children, unchanged but for `@odata.nextLink`, which points at this route on this API */
            200: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description `store;dur=…, warmup;dur=…, graph;dur=…, total;dur=…` (ms; success only) */
                    "server-timing": string;
                    /** @description Calls of the route's Graph request (`/shares…` or `/drives…`) made (success only) */
                    "x-resolver-attempts": number;
                    /** @description What the service knew of the user (success only) */
                    "x-resolver-hydration": components["schemas"]["Hydration"];
                    /** @description `skipped`, or the strategy that ran (success only) */
                    "x-resolver-warmup": components["schemas"]["WarmupOutcome"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DriveItemCollection"];
                };
            };
            /** @description `invalid_share`, `bad_request` */
            400: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `missing_token`, `malformed_token`, `token_expired`, `wrong_audience`, `invalid_token`, `claims_challenge` */
            401: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description A `Bearer` challenge; for `claims_challenge`, Graph's own (`graph` mode) or one with the identity platform's `authorization_uri` and the base64 `claims` (`obo` mode) */
                    "WWW-Authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `tenant_not_allowed`, `client_not_allowed`, `consent_required`, `mfa_required`, `personal_account_unsupported`, `missing_scope`, `access_denied` */
            403: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `share_not_found` */
            404: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `throttled` */
            429: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description Seconds, 1 to 300 */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `graph_unavailable`, `identity_unavailable` */
            502: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description Seconds (at most 300), when Graph sent one */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `hydration_exhausted` */
            503: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description Seconds, 1 to 300 */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `deadline_exceeded` */
            504: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    post_share_preview: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Forwarded to Graph as its `client-request-id`; a fresh GUID replaces
                 *     one that is absent, blank, over 128 characters or not printable ASCII.
                 */
                "client-request-id"?: string;
                /** @description `redeemSharingLink` (durable access) or `redeemSharingLinkIfNecessary` is forwarded to Graph's `/shares` call; other preferences are not. */
                Prefer?: string;
                /**
                 * @description `Bearer <token>`: a delegated token for the sharing URL's SharePoint
                 *     host (scope `https://{host}/.default`) of the same user. Enables the
                 *     `sharepoint` warm-up; sent only to that host, never logged or stored.
                 *     A malformed one, or one for another host or user, is `bad_request`.
                 */
                "X-SharePoint-Authorization"?: string;
            };
            path: {
                /** @description `u!…` (unpadded base64url of the sharing URL), `s!…`, or the percent-encoded raw sharing URL */
                shareId: components["schemas"]["ShareId"];
            };
            cookie?: never;
        };
        /** @description Optional (no body is `{}`; whitespace alone is not JSON): the viewer's options, forwarded to Graph */
        requestBody?: {
            content: {
                "application/json": components["schemas"]["PreviewBody"];
            };
        };
        responses: {
            /** @description Graph's preview, exactly as Graph returned it: `getUrl` carries an access token of the caller's */
            200: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description `store;dur=…, warmup;dur=…, graph;dur=…, total;dur=…` (ms; success only) */
                    "server-timing": string;
                    /** @description Calls of the route's Graph request (`/shares…` or `/drives…`) made (success only) */
                    "x-resolver-attempts": number;
                    /** @description What the service knew of the user (success only) */
                    "x-resolver-hydration": components["schemas"]["Hydration"];
                    /** @description `skipped`, or the strategy that ran (success only) */
                    "x-resolver-warmup": components["schemas"]["WarmupOutcome"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ItemPreviewInfo"];
                };
            };
            /** @description `invalid_share`, `bad_request`, `preview_unsupported` (a personal OneDrive link: no Graph call) */
            400: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `missing_token`, `malformed_token`, `token_expired`, `wrong_audience`, `invalid_token`, `claims_challenge` */
            401: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description A `Bearer` challenge; for `claims_challenge`, Graph's own (`graph` mode) or one with the identity platform's `authorization_uri` and the base64 `claims` (`obo` mode) */
                    "WWW-Authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `tenant_not_allowed`, `client_not_allowed`, `consent_required`, `mfa_required`, `personal_account_unsupported`, `missing_scope`, `access_denied` */
            403: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `share_not_found` */
            404: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `payload_too_large` */
            413: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `throttled` */
            429: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description Seconds, 1 to 300 */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `graph_unavailable`, `identity_unavailable` */
            502: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description Seconds (at most 300), when Graph sent one */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `hydration_exhausted` */
            503: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description Seconds, 1 to 300 */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `deadline_exceeded` */
            504: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    get_permission: {
        parameters: {
            query?: {
                /** @description Graph's `$expand`, e.g. `children`. */
                $expand?: string;
                /** @description Graph's `$select`: only these properties (comma-separated). */
                $select?: string;
            };
            header?: {
                /**
                 * @description Forwarded to Graph as its `client-request-id`; a fresh GUID replaces
                 *     one that is absent, blank, over 128 characters or not printable ASCII.
                 */
                "client-request-id"?: string;
                /** @description `redeemSharingLink` (durable access) or `redeemSharingLinkIfNecessary` is forwarded to Graph's `/shares` call; other preferences are not. */
                Prefer?: string;
                /**
                 * @description `Bearer <token>`: a delegated token for the sharing URL's SharePoint
                 *     host (scope `https://{host}/.default`) of the same user. Enables the
                 *     `sharepoint` warm-up; sent only to that host, never logged or stored.
                 *     A malformed one, or one for another host or user, is `bad_request`.
                 */
                "X-SharePoint-Authorization"?: string;
            };
            path: {
                /** @description `u!…` (unpadded base64url of the sharing URL), `s!…`, or the percent-encoded raw sharing URL */
                shareId: components["schemas"]["ShareId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The sharing link's permission, exactly as Graph returned it */
            200: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description `store;dur=…, warmup;dur=…, graph;dur=…, total;dur=…` (ms; success only) */
                    "server-timing": string;
                    /** @description Calls of the route's Graph request (`/shares…` or `/drives…`) made (success only) */
                    "x-resolver-attempts": number;
                    /** @description What the service knew of the user (success only) */
                    "x-resolver-hydration": components["schemas"]["Hydration"];
                    /** @description `skipped`, or the strategy that ran (success only) */
                    "x-resolver-warmup": components["schemas"]["WarmupOutcome"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Permission"];
                };
            };
            /** @description `invalid_share`, `bad_request` */
            400: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `missing_token`, `malformed_token`, `token_expired`, `wrong_audience`, `invalid_token`, `claims_challenge` */
            401: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description A `Bearer` challenge; for `claims_challenge`, Graph's own (`graph` mode) or one with the identity platform's `authorization_uri` and the base64 `claims` (`obo` mode) */
                    "WWW-Authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `tenant_not_allowed`, `client_not_allowed`, `consent_required`, `mfa_required`, `personal_account_unsupported`, `missing_scope`, `access_denied` */
            403: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `share_not_found` */
            404: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `throttled` */
            429: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description Seconds, 1 to 300 */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `graph_unavailable`, `identity_unavailable` */
            502: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description Seconds (at most 300), when Graph sent one */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `hydration_exhausted` */
            503: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description Seconds, 1 to 300 */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `deadline_exceeded` */
            504: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    post_warmup: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Forwarded to Graph as its `client-request-id`; a fresh GUID replaces
                 *     one that is absent, blank, over 128 characters or not printable ASCII.
                 */
                "client-request-id"?: string;
                /**
                 * @description `Bearer <token>`: a delegated token for the sharing URL's SharePoint
                 *     host (scope `https://{host}/.default`) of the same user. Enables the
                 *     `sharepoint` warm-up; sent only to that host, never logged or stored.
                 *     A malformed one, or one for another host or user, is `bad_request`.
                 */
                "X-SharePoint-Authorization"?: string;
            };
            path?: never;
            cookie?: never;
        };
        /** @description Optional (no body is `{}`; whitespace alone is not JSON): where to warm up */
        requestBody?: {
            content: {
                "application/json": components["schemas"]["WarmupBody"];
            };
        };
        responses: {
            /** @description Known (`hit`, `member`: no Graph call) or warmed once the warm-up answered */
            200: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Prewarmed"];
                };
            };
            /** @description `invalid_share`, `bad_request` */
            400: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `missing_token`, `malformed_token`, `token_expired`, `wrong_audience`, `invalid_token`, `claims_challenge` */
            401: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description A `Bearer` challenge; for `claims_challenge`, Graph's own (`graph` mode) or one with the identity platform's `authorization_uri` and the base64 `claims` (`obo` mode) */
                    "WWW-Authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `tenant_not_allowed`, `client_not_allowed`, `consent_required`, `personal_account_unsupported`, `missing_scope` */
            403: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `payload_too_large` */
            413: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `graph_unavailable` (also when no warm-up strategy answered), `identity_unavailable` */
            502: {
                headers: {
                    /** @description `no-store`, on every response: a driveItem can hold pre-authenticated download URLs. */
                    "Cache-Control": "no-store";
                    /** @description Of the last Graph answer, else the caller's (or the generated) `client-request-id`. */
                    "client-request-id": string;
                    /** @description Of the last Graph answer, when Graph answered. */
                    "request-id"?: string;
                    /** @description Seconds (at most 300), when Graph sent one */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
