// The retry decision of the client (client/src/retry.ts), as a table: no
// service, no sleeping; `random` is given, so every delay is exact.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { DEFAULT_RETRY, nextRetry } from '../client/dist/index.js';

const fresh = { transientRetries: 0, retryAfterWaits: 0, retryAfterSpentMs: 0 };
const policy = { ...DEFAULT_RETRY };

test('the decision table of the default policy', () => {
  const rows = [
    // [what, state, failure, random, expected]
    ['a transient code is retried after the backoff (random 0: the whole 500 ms)', fresh, { code: 'network_error' }, 0, { delayMs: 500, kind: 'transient' }],
    ['jitter takes up to half the backoff off', fresh, { code: 'deadline_exceeded' }, 0.999, { delayMs: 250, kind: 'transient' }],
    ['graph_unavailable without Retry-After is transient', fresh, { code: 'graph_unavailable' }, 0.5, { delayMs: 375, kind: 'transient' }],
    ['once: a second transient failure is thrown', { ...fresh, transientRetries: 1 }, { code: 'network_error' }, 0, undefined],
    ['a code that is not transient is thrown', fresh, { code: 'access_denied' }, 0, undefined],
    ['the client timeout is not retried by default', fresh, { code: 'timeout' }, 0, undefined],
    ['throttled waits out its Retry-After', fresh, { code: 'throttled', retryAfter: 3 }, 0, { delayMs: 3000, kind: 'retryAfter' }],
    ['graph_unavailable with Retry-After waits it out', fresh, { code: 'graph_unavailable', retryAfter: 2 }, 0, { delayMs: 2000, kind: 'retryAfter' }],
    ['Retry-After: 0 still waits a second', fresh, { code: 'throttled', retryAfter: 0 }, 0, { delayMs: 1000, kind: 'retryAfter' }],
    ['the whole 10 s budget may go on one wait', fresh, { code: 'throttled', retryAfter: 10 }, 0, { delayMs: 10000, kind: 'retryAfter' }],
    ['a wait past the budget is the caller\'s', fresh, { code: 'throttled', retryAfter: 11 }, 0, undefined],
    ['one Retry-After wait per call', { ...fresh, retryAfterWaits: 1, retryAfterSpentMs: 1000 }, { code: 'throttled', retryAfter: 1 }, 0, undefined],
    ['a Retry-After wait never falls back to a sooner transient retry', fresh, { code: 'graph_unavailable', retryAfter: 30 }, 0, undefined],
    ['throttled without Retry-After is not retried', fresh, { code: 'throttled' }, 0, undefined],
    ['hydration_exhausted is not waited out by default', fresh, { code: 'hydration_exhausted', retryAfter: 2 }, 0, undefined],
  ];
  for (const [what, state, failure, random, expected] of rows) {
    assert.deepEqual(nextRetry(policy, state, failure, () => random), expected, what);
  }
});

test('a configured policy: more retries back off exponentially up to the cap; codes and budget are the caller\'s', () => {
  const custom = { ...policy, transientRetries: 4, baseDelayMs: 100, maxDelayMs: 300, transientCodes: ['network_error', 'timeout'] };
  const delays = [0, 1, 2, 3].map((n) => nextRetry(custom, { ...fresh, transientRetries: n }, { code: 'timeout' }, () => 0)?.delayMs);
  assert.deepEqual(delays, [100, 200, 300, 300]);
  assert.equal(nextRetry(custom, { ...fresh, transientRetries: 4 }, { code: 'timeout' }, () => 0), undefined);
  // A transient code that is not a Retry-After code waits at least its Retry-After.
  assert.deepEqual(nextRetry({ ...custom, maxDelayMs: 5000 }, fresh, { code: 'network_error', retryAfter: 2 }, () => 0), { delayMs: 2000, kind: 'transient' });
  // No Retry-After waits at all.
  assert.equal(nextRetry({ ...policy, retryAfterWaits: 0 }, fresh, { code: 'throttled', retryAfter: 1 }, () => 0), undefined);
  assert.deepEqual(
    nextRetry({ ...policy, retryAfterCodes: ['hydration_exhausted'], retryAfterBudgetMs: 5000 }, fresh, { code: 'hydration_exhausted', retryAfter: 5 }, () => 0),
    { delayMs: 5000, kind: 'retryAfter' },
  );
});
