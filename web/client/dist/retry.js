export const DEFAULT_RETRY = Object.freeze({
    transientRetries: 1,
    transientCodes: Object.freeze(['network_error', 'graph_unavailable', 'deadline_exceeded']),
    baseDelayMs: 500,
    maxDelayMs: 4000,
    retryAfterCodes: Object.freeze(['throttled', 'graph_unavailable']),
    retryAfterBudgetMs: 10_000,
    retryAfterWaits: 1,
});
export const NO_RETRY = Object.freeze({
    ...DEFAULT_RETRY,
    transientRetries: 0,
    retryAfterWaits: 0,
    retryAfterBudgetMs: 0,
});
export function retryPolicy(retry) {
    if (retry === false)
        return { ...NO_RETRY };
    const policy = { ...DEFAULT_RETRY, ...retry };
    for (const key of ['transientRetries', 'baseDelayMs', 'maxDelayMs', 'retryAfterBudgetMs', 'retryAfterWaits']) {
        if (!(policy[key] >= 0))
            throw new RangeError(`retry.${key} must be a number ≥ 0, not ${String(policy[key])}`);
    }
    return policy;
}
export function nextRetry(policy, state, failure, random) {
    const asked = failure.retryAfter === undefined ? undefined : Math.max(1, failure.retryAfter) * 1000;
    if (asked !== undefined && policy.retryAfterCodes.includes(failure.code)) {
        const fits = state.retryAfterWaits < policy.retryAfterWaits && state.retryAfterSpentMs + asked <= policy.retryAfterBudgetMs;
        return fits ? { delayMs: asked, kind: 'retryAfter' } : undefined;
    }
    if (!policy.transientCodes.includes(failure.code) || state.transientRetries >= policy.transientRetries)
        return undefined;
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** state.transientRetries);
    const backoff = ceiling - (ceiling / 2) * random();
    if (asked !== undefined && asked > policy.maxDelayMs)
        return undefined;
    return { delayMs: Math.round(Math.max(backoff, asked ?? 0)), kind: 'transient' };
}
export function afterRetry(state, retry) {
    return retry.kind === 'transient'
        ? { ...state, transientRetries: state.transientRetries + 1 }
        : { ...state, retryAfterWaits: state.retryAfterWaits + 1, retryAfterSpentMs: state.retryAfterSpentMs + retry.delayMs };
}
//# sourceMappingURL=retry.js.map