// The browser client (its committed dist/) against the real service and
// Graph simulator, in Node (fetch, AbortSignal and crypto as in browsers):
// what a resolution answers and how each problem reaches the caller. The
// client's defaults (retries, timeout) are instance.test.mjs's.
// One stack for the file; tests run one at a time (faults are a FIFO queue).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { createShareResolverClient, ShareResolverError } from '../client/dist/index.js';
import { DEMO_HOST, DEMO_PRIVATE_SHARE_URL, DEMO_SHARE_URL, DEMO_TEAMS_SHARE_URL, freePort, startStack, uId } from './harness.mjs';

let stack;

before(async () => {
  // One /shares call per request, so the service passes Graph's Retry-After
  // straight on instead of waiting it out itself.
  stack = await startStack({ env: { MAX_ATTEMPTS: '1' } });
});

after(async () => {
  await stack?.stop();
});

/** A client for `token` against the stack, without retries unless `more` says otherwise. */
const clientFor = (token, more = {}) => createShareResolverClient({ baseUrl: stack.baseUrl, getToken: async () => token, retry: false, ...more });

/** Runs `fn`, asserting it throws a ShareResolverError; returns it. */
async function problem(fn) {
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof ShareResolverError, `not a ShareResolverError: ${e?.stack ?? e}`);
    return e;
  }
  assert.fail('expected a ShareResolverError');
}

test('a cold guest is warmed up and resolved, then is a hit', async () => {
  const guest = await stack.user();
  const first = await clientFor(guest.token).resolveShareWithMeta(DEMO_SHARE_URL);
  assert.equal(first.item.name, 'Launch plan.docx');
  assert.equal(first.item.size, 48211);
  assert.ok(first.item.file?.mimeType?.includes('wordprocessingml'));
  assert.match(first.item['@microsoft.graph.downloadUrl'], /^https:\/\/contoso\.sharepoint\.com\//);
  assert.equal(first.meta.hydration, 'miss');
  assert.equal(first.meta.warmup, 'site');
  assert.equal(first.meta.attempts, 1);
  assert.equal(first.meta.requests, 1);
  assert.deepEqual(Object.keys(first.meta.serverTiming), ['store', 'warmup', 'graph', 'total']);
  assert.ok(first.meta.requestId);

  const second = await clientFor(guest.token).resolveShareWithMeta(DEMO_SHARE_URL);
  assert.equal(second.meta.hydration, 'hit');
  assert.equal(second.meta.warmup, 'skipped');
  // resolveShare is the same, item only.
  const item = await clientFor(guest.token).resolveShare(DEMO_TEAMS_SHARE_URL);
  assert.equal(item.name, 'Roadmap.xlsx');
});

test('u! share ids are sent as shareId', async () => {
  const guest = await stack.user();
  const item = await clientFor(guest.token).resolveShare(uId(DEMO_SHARE_URL));
  assert.equal(item.name, 'Launch plan.docx');
});

test('invalid input is invalid_share with a remediation, without a Graph call', async () => {
  const guest = await stack.user();
  for (const input of ['not a link', 'http://contoso.sharepoint.com/:w:/s/X/E', 'u!%%%']) {
    const e = await problem(() => clientFor(guest.token).resolveShare(input));
    assert.equal(e.code, 'invalid_share', input);
    assert.equal(e.status, 400);
    assert.equal(e.title, 'Invalid sharing link');
    assert.match(e.remediation, /sharing URL/);
    assert.deepEqual(e.graph, []);
    assert.equal(e.retryAfter, undefined);
  }
});

test('no token is missing_token', async () => {
  const e = await problem(() => clientFor('').resolveShare(DEMO_SHARE_URL));
  assert.equal(e.code, 'missing_token');
  assert.equal(e.status, 401);
  assert.match(e.wwwAuthenticate, /^Bearer/);
  assert.ok(e.remediation.length > 0);
});

test('a guest without access gets access_denied with Graph diagnostics', async () => {
  const guest = await stack.user();
  const e = await problem(() => clientFor(guest.token).resolveShare(DEMO_PRIVATE_SHARE_URL));
  assert.equal(e.code, 'access_denied');
  assert.equal(e.status, 403);
  assert.match(e.remediation, /owner/);
  const shares = e.graph.filter((g) => g.call === 'shares');
  assert.equal(shares.length, 1);
  assert.equal(shares[0].status, 403);
  assert.equal(shares[0].code, 'accessDenied');
  assert.ok(shares[0].requestId && shares[0].clientRequestId);
  assert.equal(e.requestId, shares[0].requestId);
  assert.equal(e.clientRequestId, shares[0].clientRequestId);
});

test('a claims challenge calls onClaimsChallenge once and retries with the new token', async () => {
  const challenged = await stack.user({ behaviour: 'claimsChallenge401' });
  const fresh = await stack.user();
  const seen = [];
  const client = clientFor(challenged.token, {
    onClaimsChallenge: async (claims) => {
      seen.push(claims);
      return fresh.token;
    },
  });
  const result = await client.resolveShareWithMeta(DEMO_SHARE_URL);
  assert.equal(result.item.name, 'Launch plan.docx');
  assert.equal(result.meta.requests, 2);
  assert.equal(seen.length, 1);
  // A JSON claims request, as MSAL's `claims` parameter takes it.
  assert.equal(JSON.parse(seen[0]).access_token.nbf.essential, true);
  // The retry went out with the new token: the simulator saw both users.
  const users = (await stack.requests()).filter((r) => r.kind === 'Shares').map((r) => r.user);
  assert.ok(users.includes(`${challenged.tid}#${challenged.oid}`));
  assert.equal(users.at(-1), `${fresh.tid}#${fresh.oid}`);
});

test('a second claims challenge is thrown, not looped', async () => {
  const first = await stack.user({ behaviour: 'claimsChallenge401' });
  const second = await stack.user({ behaviour: 'claimsChallenge403' });
  let calls = 0;
  const client = clientFor(first.token, {
    onClaimsChallenge: async () => {
      calls += 1;
      return second.token;
    },
  });
  const e = await problem(() => client.resolveShare(DEMO_SHARE_URL));
  assert.equal(calls, 1);
  assert.equal(e.code, 'claims_challenge');
  assert.equal(e.status, 401);
  assert.match(e.wwwAuthenticate, /insufficient_claims/);
  assert.equal(JSON.parse(e.claims).access_token.nbf.essential, true);

  // Without a handler the challenge is thrown at once, claims included.
  const plain = await problem(() => clientFor(first.token).resolveShare(DEMO_SHARE_URL));
  assert.equal(plain.code, 'claims_challenge');
  assert.ok(plain.claims);
});

test('throttled carries Retry-After in seconds; without retries it is thrown at once', async () => {
  const guest = await stack.user();
  await stack.inject({ target: 'shares', status: 429, retryAfter: '3', times: 1 });
  const started = Date.now();
  const e = await problem(() => clientFor(guest.token).resolveShare(DEMO_SHARE_URL));
  assert.ok(Date.now() - started < 2000, 'did not wait');
  assert.equal(e.code, 'throttled');
  assert.equal(e.status, 429);
  assert.equal(e.retryAfter, 3);
  assert.equal(e.graph.at(-1).status, 429);
});

test('a Retry-After within the budget is waited out, then the retry succeeds', async () => {
  const guest = await stack.user();
  await stack.inject({ target: 'shares', status: 429, retryAfter: '1', times: 1 });
  const started = Date.now();
  const result = await clientFor(guest.token, { retry: { retryAfterBudgetMs: 5000 } }).resolveShareWithMeta(DEMO_SHARE_URL);
  const elapsed = Date.now() - started;
  assert.equal(result.item.name, 'Launch plan.docx');
  assert.equal(result.meta.requests, 2);
  assert.ok(elapsed >= 1000 && elapsed < 4000, `${elapsed} ms`);

  // A wait longer than the budget is not started.
  await stack.inject({ target: 'shares', status: 429, retryAfter: '3', times: 1 });
  const quick = Date.now();
  const e = await problem(() => clientFor(guest.token, { retry: { retryAfterBudgetMs: 2000 } }).resolveShare(DEMO_SHARE_URL));
  assert.equal(e.code, 'throttled');
  assert.ok(Date.now() - quick < 2000);
});

test('an AbortSignal aborts a Retry-After wait and a request in flight', async () => {
  const guest = await stack.user();
  await stack.inject({ target: 'shares', status: 429, retryAfter: '3', times: 1 });
  const waiting = new AbortController();
  setTimeout(() => waiting.abort(), 300);
  const started = Date.now();
  await assert.rejects(
    clientFor(guest.token, { retry: { retryAfterBudgetMs: 10000 } }).resolveShare(DEMO_SHARE_URL, { signal: waiting.signal }),
    (e) => e.name === 'AbortError',
  );
  assert.ok(Date.now() - started < 1500, 'aborted during the 3 s wait');

  // Another user: the service keeps the first one's throttle window (3 s)
  // and would answer throttled without calling Graph.
  const other = await stack.user();
  await stack.inject({ target: 'shares', action: 'delay', delayMs: 1500, times: 1 });
  const inFlight = new AbortController();
  setTimeout(() => inFlight.abort(), 200);
  const t0 = Date.now();
  await assert.rejects(
    clientFor(other.token).resolveShare(DEMO_SHARE_URL, { signal: inFlight.signal }),
    (e) => e.name === 'AbortError',
  );
  assert.ok(Date.now() - t0 < 1000, 'aborted the fetch');

  const before = new AbortController();
  before.abort();
  await assert.rejects(clientFor(guest.token).resolveShare(DEMO_SHARE_URL, { signal: before.signal }), (e) => e.name === 'AbortError');
});

test('client-request-id is forwarded to Graph and echoed, or generated', async () => {
  const guest = await stack.user();
  const id = '0c7f3a52-1d2e-4b5a-9c1d-5e6f7a8b9c0d';
  const result = await clientFor(guest.token).resolveShareWithMeta(DEMO_SHARE_URL, { clientRequestId: id });
  assert.equal(result.meta.clientRequestId, id);
  const mine = (await stack.requests()).filter((r) => r.user === `${guest.tid}#${guest.oid}`);
  assert.ok(mine.length >= 2);
  assert.ok(mine.every((r) => r.client_request_id === id));

  const generated = await clientFor(guest.token).resolveShareWithMeta(DEMO_SHARE_URL);
  assert.match(generated.meta.clientRequestId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  // Errors carry it too.
  const e = await problem(() => clientFor(guest.token).resolveShare(DEMO_PRIVATE_SHARE_URL, { clientRequestId: id }));
  assert.equal(e.clientRequestId, id);
});

test('the SharePoint token goes only with a sharing URL, for its host', async () => {
  // A member: no warm-up, so the header is checked by the service but unused.
  const member = await stack.user({ guest: false });
  const sharePointToken = await stack.mint({ tid: member.tid, oid: member.oid, guest: false, audience: `https://${DEMO_HOST}` });
  const hosts = [];
  const sent = [];
  // The client's fetch is called with a Request.
  const recording = (request) => {
    sent.push(request.headers.get('x-sharepoint-authorization') ?? undefined);
    return fetch(request);
  };
  const client = clientFor(member.token, {
    fetch: recording,
    getSharePointToken: async (host) => {
      hosts.push(host);
      return sharePointToken;
    },
  });
  const result = await client.resolveShareWithMeta(DEMO_SHARE_URL);
  assert.equal(result.meta.hydration, 'member');
  await client.resolveShare(uId(DEMO_SHARE_URL));
  assert.deepEqual(hosts, [DEMO_HOST]);
  assert.deepEqual(sent, [`Bearer ${sharePointToken}`, undefined]);

  // A token for another host is refused by the service, naming the header.
  const wrong = await stack.mint({ tid: member.tid, oid: member.oid, guest: false, audience: 'https://fabrikam.sharepoint.com' });
  const e = await problem(() => clientFor(member.token, { getSharePointToken: async () => wrong }).resolveShare(DEMO_SHARE_URL));
  assert.equal(e.code, 'bad_request');
  assert.match(e.title, /X-SharePoint-Authorization/);
});

test('an unreachable service is network_error', async () => {
  const port = await freePort();
  const e = await problem(() => createShareResolverClient({ baseUrl: `http://127.0.0.1:${port}`, getToken: async () => 'x', retry: false }).resolveShare(DEMO_SHARE_URL));
  assert.equal(e.code, 'network_error');
  assert.equal(e.status, 0);
});

test('prewarm never throws', async () => {
  const guest = await stack.user();
  // A cold guest, a host but no SharePoint token: the root site warms it up.
  const answer = await clientFor(guest.token).prewarm({ host: DEMO_HOST });
  assert.deepEqual(answer, { hydration: 'warmed', warmup: 'root' });
  assert.equal(await clientFor('').prewarm({ shareUrl: DEMO_SHARE_URL }), undefined);
  const port = await freePort();
  assert.equal(await createShareResolverClient({ baseUrl: `http://127.0.0.1:${port}`, getToken: async () => guest.token }).prewarm(), undefined);
  assert.equal(
    await clientFor('', {
      getToken: async () => {
        throw new Error('MSAL: interaction_required');
      },
    }).prewarm(),
    undefined,
  );
});

// ---- many links: $batch, resolveShares, permissions, previews ----------------

/** Why the batched routes cannot be tested yet, or undefined. */
async function batchMissing() {
  const probe = await fetch(`${stack.baseUrl}/v1/$batch`, { method: 'POST' });
  return probe.status === 404 ? 'the service has no POST /v1/$batch yet' : undefined;
}

/** A client for `token` that counts its HTTP requests (method and path). */
function countingClient(token) {
  const sent = [];
  const client = clientFor(token, {
    fetch: (request) => {
      sent.push(`${request.method} ${new URL(request.url).pathname}`);
      return fetch(request);
    },
  });
  return { client, sent };
}

test('resolveShares: 25 links are two batches (20, then 5), answered per link in input order, each problem its own', async (t) => {
  const missing = await batchMissing();
  if (missing) return t.skip(missing);
  const guest = await stack.user();
  const { client, sent } = countingClient(guest.token);
  const links = [DEMO_SHARE_URL, DEMO_PRIVATE_SHARE_URL, 'https://contoso.sharepoint.com.evil.example/x', DEMO_TEAMS_SHARE_URL];
  while (links.length < 25) links.push(links.length % 2 ? DEMO_SHARE_URL : uId(DEMO_TEAMS_SHARE_URL));
  const results = await client.resolveShares(links, { select: ['id', 'name'] });
  assert.deepEqual(sent, ['POST /v1/$batch', 'POST /v1/$batch']);
  assert.equal(results.length, 25);
  assert.deepEqual(results[0], { ok: true, value: { id: '01J7TAN47MQKAQ52K64ZAZNORXENAPQ46L', name: 'Launch plan.docx' } });
  assert.ok(results[1].error instanceof ShareResolverError);
  assert.deepEqual([results[1].ok, results[1].error.code, results[1].error.status], [false, 'access_denied', 403]);
  assert.deepEqual([results[2].ok, results[2].error.code], [false, 'invalid_share']);
  assert.match(results[2].error.remediation, /\w/);
  links.slice(3).forEach((link, i) => {
    const r = results[i + 3];
    assert.equal(r.ok, true, link);
    assert.equal(r.value.name, link === DEMO_SHARE_URL ? 'Launch plan.docx' : 'Roadmap.xlsx');
  });
  // One warm-up for the guest, in the first batch.
  const warmups = (await stack.requests()).filter((r) => r.user === `${guest.tid}#${guest.oid}` && /^Warmup/.test(r.kind ?? ''));
  assert.ok(warmups.length >= 1);
});

test('batch: Graph JSON batching as sent, answers in request order; a refused batch is thrown', async (t) => {
  const missing = await batchMissing();
  if (missing) return t.skip(missing);
  const guest = await stack.user();
  const answers = await clientFor(guest.token).batch([
    { id: 'b', method: 'GET', url: `/shares/${uId(DEMO_SHARE_URL)}/permission` },
    { id: 'a', method: 'GET', url: `/shares/${uId(DEMO_SHARE_URL)}/driveItem?$select=name` },
    { id: 'c', method: 'GET', url: '/resolve' },
  ]);
  assert.deepEqual(answers.map((a) => [a.id, a.status]), [['b', 200], ['a', 200], ['c', 404]]);
  assert.deepEqual(answers[1].body, { name: 'Launch plan.docx' });
  const refused = await problem(() => clientFor('').batch([{ id: '1', method: 'GET', url: `/shares/${uId(DEMO_SHARE_URL)}/driveItem` }]));
  assert.equal(refused.code, 'missing_token');
  await assert.rejects(() => clientFor(guest.token).batch([]), RangeError);
});

test('getPermissions: each link\'s permission through one batch, or its own problem', async (t) => {
  const missing = await batchMissing();
  if (missing) return t.skip(missing);
  const guest = await stack.user();
  const client = clientFor(guest.token);
  const [one, denied] = await client.getPermissions([DEMO_SHARE_URL, DEMO_PRIVATE_SHARE_URL]);
  assert.deepEqual(one, { ok: true, value: await client.getPermission(DEMO_SHARE_URL) });
  assert.equal(denied.error.code, 'access_denied');
});

test('getPermission and preview: the link\'s permission, and a getUrl on the SharePoint host (by link and by driveItem)', async () => {
  const guest = await stack.user();
  const client = clientFor(guest.token);
  const permission = await client.getPermission(DEMO_SHARE_URL);
  assert.ok(Array.isArray(permission.roles), JSON.stringify(permission));
  assert.equal(typeof permission.link?.type, 'string');
  const denied = await problem(() => client.getPermission(DEMO_PRIVATE_SHARE_URL));
  assert.equal(denied.code, 'access_denied');
  const preview = await client.preview(DEMO_SHARE_URL, { viewer: 'onedrive', chromeless: true });
  assert.match(preview.getUrl, /^https:\/\/contoso\.sharepoint\.com\/_layouts\/15\//);
  const item = await client.resolveShare(DEMO_SHARE_URL);
  const byItem = await client.preview(item);
  assert.match(byItem.getUrl, /^https:\/\/contoso\.sharepoint\.com\//);
  const personal = await problem(() => client.preview('https://1drv.ms/w/s!AbCdEf'));
  assert.equal(personal.code, 'preview_unsupported');
});
