/**
 * The routes of the contract that docs/openapi.json does not describe yet
 * (`$batch`), in the shape
 * openapi-typescript generates, so the client calls them through the same
 * typed openapi-fetch client as the others. Drop each entry once
 * `npm --prefix web run gen:types` brings the route into ./generated.
 */
import type { paths } from './generated/openapi.js';
type Headers = NonNullable<paths['/v1/resolve']['post']['parameters']['header']>;
type Problem = paths['/v1/resolve']['post']['responses'][400]['content']['application/problem+json'];
type ProblemAnswer = {
    headers: {
        [name: string]: unknown;
    };
    content: {
        'application/problem+json': Problem;
    };
};
type Answer<T> = {
    headers: {
        [name: string]: unknown;
    };
    content: {
        'application/json': T;
    };
};
type Problems = {
    400: ProblemAnswer;
    401: ProblemAnswer;
    403: ProblemAnswer;
    404: ProblemAnswer;
    413: ProblemAnswer;
    429: ProblemAnswer;
    502: ProblemAnswer;
    503: ProblemAnswer;
    504: ProblemAnswer;
};
type Unused = {
    get?: never;
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
};
type NoParams = {
    query?: never;
    header?: never;
    path?: never;
    cookie?: never;
};
/** One inner request of a JSON batch. */
export interface BatchRequestWire {
    id: string;
    method: 'GET' | 'POST';
    url: string;
    headers?: Record<string, string>;
    body?: unknown;
}
/** One inner answer of a JSON batch. */
export interface BatchResponseWire {
    id: string;
    status: number;
    headers?: Record<string, string>;
    body?: unknown;
}
type ShareRoute<Op> = Omit<Unused, keyof Op> & {
    parameters: NoParams;
} & Op;
export interface PendingPaths {
    '/v1/$batch': ShareRoute<{
        post: {
            parameters: {
                query?: never;
                header?: Headers;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    'application/json': {
                        requests: BatchRequestWire[];
                    };
                };
            };
            responses: {
                200: Answer<{
                    responses: BatchResponseWire[];
                }>;
            } & Problems;
        };
    }>;
}
export {};
//# sourceMappingURL=pending-paths.d.ts.map