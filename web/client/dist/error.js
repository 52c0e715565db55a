export class ShareResolverError extends Error {
    code;
    status;
    title;
    detail;
    remediation;
    retryAfter;
    graph;
    claims;
    requestId;
    clientRequestId;
    wwwAuthenticate;
    requests;
    constructor(fields) {
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
    withRequests(requests) {
        return new ShareResolverError({ ...this, cause: this.cause, requests });
    }
}
//# sourceMappingURL=error.js.map