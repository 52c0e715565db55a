/**
 * When the client tries a request again, as plain data and one pure
 * decision: {@link nextRetry} looks at a failure and what was already tried,
 * and answers how long to wait before the next attempt, or not to retry.
 * Only the request loop sleeps; the decision takes its randomness as an
 * argument, so it is tested as a table.
 */

import type { ErrorCode } from './types.js';

/** How a client instance retries (every field has a default). */
export interface RetryPolicy {
  /** Retries of a transient failure per call. Default 1; 0 turns them off. */
  transientRetries: number;
  /** The transient codes. Default `network_error`, `graph_unavailable`, `deadline_exceeded`. */
  transientCodes: readonly ErrorCode[];
  /**
   * Backoff before the n-th transient retry (from 0): `baseDelayMs × 2ⁿ`, at
   * most `maxDelayMs`, of which a random part of up to half is taken off
   * (jitter, so many clients hit by one outage do not retry in step).
   * Defaults 500 and 4000.
   */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * Codes whose `Retry-After` the client waits out before trying again.
   * Default `throttled`, `graph_unavailable` (the service hands long waits
   * to the caller rather than sleeping on Lambda).
   */
  retryAfterCodes: readonly ErrorCode[];
  /** The most the client waits for `Retry-After` per call, in all. Default 10 000 ms. */
  retryAfterBudgetMs: number;
  /** `Retry-After` waits per call. Default 1. */
  retryAfterWaits: number;
}

/** The defaults of a client instance. */
export const DEFAULT_RETRY: Readonly<RetryPolicy> = Object.freeze({
  transientRetries: 1,
  transientCodes: Object.freeze(['network_error', 'graph_unavailable', 'deadline_exceeded'] as ErrorCode[]),
  baseDelayMs: 500,
  maxDelayMs: 4000,
  retryAfterCodes: Object.freeze(['throttled', 'graph_unavailable'] as ErrorCode[]),
  retryAfterBudgetMs: 10_000,
  retryAfterWaits: 1,
});

/** No retries at all (`retry: false`). */
export const NO_RETRY: Readonly<RetryPolicy> = Object.freeze({
  ...DEFAULT_RETRY,
  transientRetries: 0,
  retryAfterWaits: 0,
  retryAfterBudgetMs: 0,
});

/** What one call has used so far. */
export interface RetryState {
  transientRetries: number;
  retryAfterWaits: number;
  retryAfterSpentMs: number;
}

/** The failure, as far as the decision needs it. */
export interface RetryInput {
  code: ErrorCode;
  /** Seconds, from `Retry-After`. */
  retryAfter?: number;
}

/** Wait `delayMs`, then try again; `kind` says which allowance it uses. */
export interface Retry {
  delayMs: number;
  kind: 'transient' | 'retryAfter';
}

/** The policy of `retry` (`false`: none; a partial policy: the defaults for the rest). */
export function retryPolicy(retry: Partial<RetryPolicy> | false | undefined): RetryPolicy {
  if (retry === false) return { ...NO_RETRY };
  const policy = { ...DEFAULT_RETRY, ...retry };
  for (const key of ['transientRetries', 'baseDelayMs', 'maxDelayMs', 'retryAfterBudgetMs', 'retryAfterWaits'] as const) {
    if (!(policy[key] >= 0)) throw new RangeError(`retry.${key} must be a number ≥ 0, not ${String(policy[key])}`);
  }
  return policy;
}

/**
 * The next retry for `failure`, or `undefined`: give up. `random` returns a
 * number in [0, 1) (Math.random in use).
 *
 * - A code of `retryAfterCodes` that came with `Retry-After` is waited out
 *   (at least 1 s, so `Retry-After: 0` cannot spin) while waits and budget
 *   last; a longer wait is the caller's: never retried sooner than asked.
 * - Otherwise a transient code is retried after the backoff, or after its
 *   `Retry-After` when that is longer, up to `maxDelayMs`.
 */
export function nextRetry(
  policy: RetryPolicy,
  state: RetryState,
  failure: RetryInput,
  random: () => number,
): Retry | undefined {
  const asked = failure.retryAfter === undefined ? undefined : Math.max(1, failure.retryAfter) * 1000;
  if (asked !== undefined && policy.retryAfterCodes.includes(failure.code)) {
    const fits = state.retryAfterWaits < policy.retryAfterWaits && state.retryAfterSpentMs + asked <= policy.retryAfterBudgetMs;
    return fits ? { delayMs: asked, kind: 'retryAfter' } : undefined;
  }
  if (!policy.transientCodes.includes(failure.code) || state.transientRetries >= policy.transientRetries) return undefined;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** state.transientRetries);
  const backoff = ceiling - (ceiling / 2) * random();
  if (asked !== undefined && asked > policy.maxDelayMs) return undefined;
  return { delayMs: Math.round(Math.max(backoff, asked ?? 0)), kind: 'transient' };
}

/** `state` after `retry`. */
export function afterRetry(state: RetryState, retry: Retry): RetryState {
  return retry.kind === 'transient'
    ? { ...state, transientRetries: state.transientRetries + 1 }
    : { ...state, retryAfterWaits: state.retryAfterWaits + 1, retryAfterSpentMs: state.retryAfterSpentMs + retry.delayMs };
}
