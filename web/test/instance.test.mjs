// The client instance (createShareResolverClient) and the MSAL adapter,
// against the real service and Graph simulator, folder routes included; a
// small fake of the contract's /children and /drives routes besides, for
// what the real service never does (a next link to another origin). One
// stack for the file; tests run one at a time (the simulator's faults are
// one FIFO queue).

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';

import { createShareResolverClient, ShareResolverError, shareIdOf } from '../client/dist/index.js';
import { isInteractionRequired, msalSharePointToken, msalTokenProvider } from '../client/dist/msal.js';
import {
  DEMO_DRIVE_ID,
  DEMO_FOLDER_ID,
  DEMO_FOLDER_URL,
  DEMO_HOST,
  DEMO_SHARE_URL,
  DEMO_SPECS_ID,
  freePort,
  startStack,
  uId,
} from './harness.mjs';

let stack;

before(async () => {
  // One /shares call per request: Graph's faults reach the client as they are.
  stack = await startStack({ env: { MAX_ATTEMPTS: '1' } });
});

after(async () => {
  await stack?.stop();
});

/** A client for `token` against the stack. */
const clientFor = (token, more = {}) => createShareResolverClient({ baseUrl: stack.baseUrl, getToken: async () => token, ...more });

async function problem(promise) {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof ShareResolverError, `not a ShareResolverError: ${e?.stack ?? e}`);
    return e;
  }
  assert.fail('expected a ShareResolverError');
}

/** The simulator's /shares calls of `user`. */
async function sharesCalls(user) {
  return (await stack.requests()).filter((r) => r.kind === 'Shares' && r.user === `${user.tid}#${user.oid}`).length;
}

test('u! share ids are unpadded base64url of the UTF-8 URL, as the harness (and the service) make them', () => {
  for (const url of [DEMO_SHARE_URL, 'https://contoso.sharepoint.com/:f:/s/Équipe/Ü?e=1', 'https://x.sharepoint.com/a?b=c~d']) {
    assert.equal(shareIdOf(url), uId(url));
  }
});

test('a client instance resolves a cold guest with meta and pre-warms with the SharePoint token', async () => {
  const guest = await stack.user();
  const sharePointToken = await stack.mint({ tid: guest.tid, oid: guest.oid, guest: true, audience: `https://${DEMO_HOST}` });
  const hosts = [];
  const client = clientFor(guest.token, { getSharePointToken: async (host) => (hosts.push(host), sharePointToken) });
  assert.deepEqual(await client.prewarm({ host: DEMO_HOST }), { hydration: 'warmed', warmup: 'sharepoint' });
  const { item, meta } = await client.resolveShareWithMeta(DEMO_SHARE_URL);
  assert.equal(item.name, 'Launch plan.docx');
  assert.equal(meta.requests, 1);
  assert.equal(meta.warmup, 'sharepoint');
  assert.deepEqual(hosts, [DEMO_HOST, DEMO_HOST]);
  assert.equal((await client.resolveShare(DEMO_SHARE_URL)).id, item.id);
});

test('a transient graph_unavailable is retried once by default (with backoff), then thrown', async () => {
  const member = await stack.user({ guest: false });
  const client = clientFor(member.token);
  await stack.inject({ target: 'shares', status: 503, times: 2 });
  const started = Date.now();
  const e = await problem(client.resolveShare(DEMO_SHARE_URL));
  const elapsed = Date.now() - started;
  assert.equal(e.code, 'graph_unavailable');
  assert.equal(e.status, 502);
  assert.equal(e.requests, 2);
  assert.equal(await sharesCalls(member), 2, 'one retry, no more');
  // Backoff of the first retry: 500 ms, less up to half of it as jitter.
  assert.ok(elapsed >= 240 && elapsed < 2000, `${elapsed} ms`);

  // One failure, then the retry succeeds.
  await stack.inject({ target: 'shares', status: 503, times: 1 });
  const { meta } = await client.resolveShareWithMeta(DEMO_SHARE_URL);
  assert.equal(meta.requests, 2);
  assert.equal(await sharesCalls(member), 4);
});

test('retries are configurable: off with retry: false, more with transientRetries', async () => {
  const member = await stack.user({ guest: false });
  await stack.inject({ target: 'shares', status: 503, times: 1 });
  const off = await problem(clientFor(member.token, { retry: false }).resolveShare(DEMO_SHARE_URL));
  assert.equal(off.code, 'graph_unavailable');
  assert.equal(off.requests, 1);

  await stack.inject({ target: 'shares', status: 503, times: 2 });
  const more = clientFor(member.token, { retry: { transientRetries: 2, baseDelayMs: 50 } });
  const { meta } = await more.resolveShareWithMeta(DEMO_SHARE_URL);
  assert.equal(meta.requests, 3);
  assert.equal(await sharesCalls(member), 1 + 3);
});

test('no answer at all is network_error, retried once', async () => {
  const port = await freePort();
  const tries = [];
  const client = createShareResolverClient({
    baseUrl: `http://127.0.0.1:${port}`,
    getToken: async () => 'x',
    fetch: (url, init) => (tries.push(url), fetch(url, init)),
  });
  const e = await problem(client.resolveShare(DEMO_SHARE_URL));
  assert.equal(e.code, 'network_error');
  assert.equal(e.status, 0);
  assert.equal(e.requests, 2);
  assert.equal(tries.length, 2);
});

test('a Retry-After within the default budget (10 s, once) is waited out; a longer one is thrown at once', async () => {
  const member = await stack.user({ guest: false });
  const client = clientFor(member.token);
  await stack.inject({ target: 'shares', status: 429, retryAfter: '1', times: 1 });
  let started = Date.now();
  const { item, meta } = await client.resolveShareWithMeta(DEMO_SHARE_URL);
  assert.equal(item.name, 'Launch plan.docx');
  assert.equal(meta.requests, 2);
  assert.ok(Date.now() - started >= 1000, 'waited the Retry-After');

  // Once: a second throttling in the same call is the caller's. (Each part
  // has its own user: the service keeps a throttled user's window and
  // answers throttled, without calling Graph, until it has passed.)
  await stack.inject({ target: 'shares', status: 429, retryAfter: '1', times: 2 });
  started = Date.now();
  const twice = await problem(clientFor((await stack.user({ guest: false })).token).resolveShare(DEMO_SHARE_URL));
  assert.equal(twice.code, 'throttled');
  assert.equal(twice.requests, 2);
  assert.equal(twice.retryAfter, 1);
  assert.ok(Date.now() - started < 2500);

  // Past the budget: no wait at all.
  await stack.inject({ target: 'shares', status: 429, retryAfter: '12', times: 1 });
  started = Date.now();
  const long = await problem(clientFor((await stack.user({ guest: false })).token).resolveShare(DEMO_SHARE_URL));
  assert.equal(long.code, 'throttled');
  assert.equal(long.retryAfter, 12);
  assert.equal(long.requests, 1);
  assert.ok(Date.now() - started < 800);

  // graph_unavailable with a Retry-After: the same wait.
  await stack.inject({ target: 'shares', status: 503, retryAfter: '1', times: 1 });
  started = Date.now();
  assert.equal((await client.resolveShareWithMeta(DEMO_SHARE_URL)).meta.requests, 2);
  assert.ok(Date.now() - started >= 1000);

  // Configurable: no budget, no wait.
  await stack.inject({ target: 'shares', status: 429, retryAfter: '1', times: 1 });
  const none = await problem(clientFor(member.token, { retry: { retryAfterBudgetMs: 0 } }).resolveShare(DEMO_SHARE_URL));
  assert.equal(none.code, 'throttled');
  assert.equal(none.requests, 1);
});

test('a request slower than timeoutMs is timeout (not retried by default); the caller\'s abort stays an abort', async () => {
  const member = await stack.user({ guest: false });
  await stack.inject({ target: 'shares', action: 'delay', delayMs: 1500, times: 1 });
  const client = clientFor(member.token, { timeoutMs: 300 });
  const started = Date.now();
  const e = await problem(client.resolveShare(DEMO_SHARE_URL));
  assert.equal(e.code, 'timeout');
  assert.equal(e.status, 0);
  assert.equal(e.requests, 1);
  assert.ok(Date.now() - started < 1200, 'gave up at the timeout');

  await stack.inject({ target: 'shares', action: 'delay', delayMs: 1500, times: 1 });
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  await assert.rejects(clientFor(member.token, { timeoutMs: 1000 }).resolveShare(DEMO_SHARE_URL, { signal: controller.signal }), (err) => err.name === 'AbortError');
  // Nonsense is refused up front.
  assert.throws(() => clientFor('x', { timeoutMs: -1 }), RangeError);
  assert.throws(() => clientFor('x', { retry: { transientRetries: Number.NaN } }), RangeError);
});

test('a client instance answers a claims challenge exactly once', async () => {
  const first = await stack.user({ behaviour: 'claimsChallenge401' });
  const second = await stack.user({ behaviour: 'claimsChallenge403' });
  let calls = 0;
  const client = clientFor(first.token, { onClaimsChallenge: async () => (calls++, second.token) });
  const e = await problem(client.resolveShare(DEMO_SHARE_URL));
  assert.equal(calls, 1);
  assert.equal(e.code, 'claims_challenge');
  assert.equal(e.requests, 2);
});

// ---- the MSAL adapter, with a fake MSAL instance ------------------------------

/** A fake PublicClientApplication: answers from `script`, logs every call. */
function fakeMsal(script) {
  const log = [];
  const account = { homeAccountId: 'ada.home', username: 'ada@fabrikam.com' };
  const call = (method) => async (request) => {
    log.push({ method, scopes: request.scopes, claims: request.claims, account: request.account?.homeAccountId });
    return script[method](request);
  };
  return {
    log,
    account,
    instance: {
      acquireTokenSilent: call('silent'),
      acquireTokenPopup: call('popup'),
      acquireTokenRedirect: call('redirect'),
      getActiveAccount: () => account,
      getAllAccounts: () => [account],
    },
  };
}

const interactionRequired = () => Object.assign(new Error('AADSTS50076: MFA required'), { name: 'InteractionRequiredAuthError', errorCode: 'interaction_required' });

test('msalTokenProvider: silent first, then a popup with the claims of a challenge', async () => {
  const challenged = await stack.user({ behaviour: 'claimsChallenge401' });
  const fresh = await stack.user();
  const scopes = ['https://graph.microsoft.com/Files.Read.All'];
  const msal = fakeMsal({
    silent: async (request) => {
      if (request.claims) throw interactionRequired();
      return { accessToken: challenged.token };
    },
    popup: async (request) => {
      assert.ok(request.claims, 'the popup carries the claims');
      return { accessToken: fresh.token };
    },
  });
  const client = createShareResolverClient({ baseUrl: stack.baseUrl, ...msalTokenProvider(msal.instance, { scopes }) });
  const { item, meta } = await client.resolveShareWithMeta(DEMO_SHARE_URL);
  assert.equal(item.name, 'Launch plan.docx');
  assert.equal(meta.requests, 2);
  assert.deepEqual(
    msal.log.map((c) => [c.method, Boolean(c.claims), c.account]),
    [['silent', false, 'ada.home'], ['silent', true, 'ada.home'], ['popup', true, 'ada.home']],
  );
  assert.equal(JSON.parse(msal.log[1].claims).access_token.nbf.essential, true);
  assert.ok(msal.log.every((c) => c.scopes.join() === scopes.join()));
  // The retry went out with the popup's token.
  assert.equal((await stack.requests()).filter((r) => r.kind === 'Shares').at(-1).user, `${fresh.tid}#${fresh.oid}`);
});

test('msalTokenProvider: interaction only when MSAL says so; redirect mode; the API scope as given', async () => {
  // getToken with nothing cached: silent fails with interaction required, the popup answers.
  let msal = fakeMsal({
    silent: async () => Promise.reject(Object.assign(new Error('no tokens'), { errorCode: 'no_tokens_found' })),
    popup: async () => ({ accessToken: 'popup-token' }),
  });
  const apiScope = ['api://11111111-2222-4333-8444-555555555555/access_as_user'];
  assert.equal(await msalTokenProvider(msal.instance, { scopes: apiScope }).getToken(), 'popup-token');
  assert.deepEqual(msal.log.map((c) => [c.method, c.scopes.join()]), [['silent', apiScope[0]], ['popup', apiScope[0]]]);

  // Any other failure is the caller's: no popup.
  msal = fakeMsal({ silent: async () => Promise.reject(new TypeError('Failed to fetch')), popup: async () => assert.fail('no popup') });
  await assert.rejects(msalTokenProvider(msal.instance, { scopes: apiScope }).getToken(), TypeError);
  assert.deepEqual(msal.log.map((c) => c.method), ['silent']);

  // Redirect: MSAL navigates away; the promise does not settle.
  msal = fakeMsal({ silent: async () => Promise.reject(interactionRequired()), redirect: async () => undefined });
  const pending = msalTokenProvider(msal.instance, { scopes: apiScope, interaction: 'redirect' }).onClaimsChallenge('{"access_token":{}}');
  const outcome = await Promise.race([pending.then(() => 'settled'), new Promise((r) => setTimeout(() => r('pending'), 100))]);
  assert.equal(outcome, 'pending');
  assert.deepEqual(msal.log.map((c) => [c.method, c.claims]), [['silent', '{"access_token":{}}'], ['redirect', '{"access_token":{}}']]);

  // An account function wins over the active account.
  msal = fakeMsal({ silent: async () => ({ accessToken: 't' }) });
  await msalTokenProvider(msal.instance, { scopes: apiScope, account: () => ({ homeAccountId: 'other', username: 'o' }) }).getToken();
  assert.equal(msal.log[0].account, 'other');
  assert.throws(() => msalTokenProvider(msal.instance, { scopes: [] }), TypeError);
  assert.equal(isInteractionRequired(new Error('x')), false);
});

test('msalSharePointToken: a silent token for https://{host}/.default, or none', async () => {
  let msal = fakeMsal({ silent: async () => ({ accessToken: 'sp' }) });
  assert.equal(await msalSharePointToken(msal.instance)(DEMO_HOST), 'sp');
  assert.deepEqual(msal.log[0].scopes, [`https://${DEMO_HOST}/.default`]);
  msal = fakeMsal({ silent: async () => Promise.reject(interactionRequired()), popup: async () => assert.fail('never interactive') });
  assert.equal(await msalSharePointToken(msal.instance)(DEMO_HOST), undefined);
});

// ---- folder routes, against the real service -----------------------------------

/** The simulator's calls of `user`, as `kind path?query`. */
async function graphCalls(user) {
  return (await stack.requests())
    .filter((r) => r.user === `${user.tid}#${user.oid}`)
    .map((r) => `${r.kind} ${r.path}${r.query ? `?${r.query}` : ''}`);
}

test('the service: listChildren pages a shared folder two by two, then browses inside it by driveItem and by ids', async () => {
  const guest = await stack.user();
  const client = clientFor(guest.token);

  const names = [];
  for await (const item of client.listChildren(DEMO_FOLDER_URL, { pageSize: 2, select: ['id', 'name', 'folder'] })) names.push(item.name);

  assert.deepEqual(names, ['Specs', 'Designs', 'Budget.xlsx', 'Notes.txt', 'Logo.png']);
  const calls = await graphCalls(guest);
  const children = calls.filter((c) => c.startsWith('SharesChildren '));
  assert.equal(children.length, 3, calls.join('\n'));
  assert.equal(children[0], `SharesChildren /v1.0/shares/${uId(DEMO_FOLDER_URL)}/driveItem/children?$top=2&$select=id,name,folder`);
  assert.match(children[1], /\?\$top=2&\$select=id,name,folder&\$skiptoken=[\w-]+$/);
  assert.equal(calls.filter((c) => c.startsWith('Warmup')).length, 1, 'one warm-up for the whole listing');

  // The folder's driveItem names its drive: its children through /drives.
  const folder = await client.resolveShare(DEMO_FOLDER_URL, { select: 'id,name,parentReference' });
  assert.deepEqual(Object.keys(folder).sort(), ['id', 'name', 'parentReference']);
  const first = await client.listChildren(folder, { pageSize: 1 }).next();
  assert.equal(first.value.name, 'Specs');
  assert.equal((await graphCalls(guest)).at(-1), `DriveItemChildren /v1.0/drives/${DEMO_DRIVE_ID}/items/${DEMO_FOLDER_ID}/children?$top=1`);

  // A sub-folder by ids, $select returning only those fields.
  const specs = await client.getItem({ driveId: DEMO_DRIVE_ID, itemId: DEMO_SPECS_ID }, { select: ['id', 'name', 'folder'] });
  assert.deepEqual(specs, { id: DEMO_SPECS_ID, name: 'Specs', folder: { childCount: 2 } });
  const inside = [];
  for await (const item of client.listChildren({ driveId: DEMO_DRIVE_ID, itemId: DEMO_SPECS_ID })) inside.push(item.name);
  assert.deepEqual(inside, ['Requirements.docx', 'Archive']);
  assert.equal((await graphCalls(guest)).filter((c) => c.startsWith('Warmup')).length, 1, 'browsing is a hit');
});

test('the service: a bad option or drive id is a ShareResolverError with no Graph call', async () => {
  const guest = await stack.user();
  const client = clientFor(guest.token, { retry: false });
  const bad = await problem(client.getItem({ driveId: 'not-a-drive', itemId: DEMO_SPECS_ID }));
  assert.equal(bad.code, 'invalid_share');
  assert.equal(bad.status, 400);
  const option = await problem(client.getItem({ driveId: DEMO_DRIVE_ID, itemId: DEMO_SPECS_ID }, { select: 'id&x' }));
  assert.equal(option.code, 'bad_request');
  assert.match(option.detail, /\$select/);
  assert.deepEqual(await graphCalls(guest), []);
});

// ---- folder routes, against a fake of the contract ------------------------------

/**
 * A fake service for the folder routes: `/children` pages of `perPage`
 * items with an absolute `@odata.nextLink` to itself (as the contract says the
 * service rewrites Graph's), `/drives/{d}/items/{i}`; logs every request.
 */
async function fakeFolderService({ total = 5, nextLinkOrigin, nextLinkPath } = {}) {
  const log = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    log.push({ path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers });
    const json = (status, body, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type, 'client-request-id': req.headers['client-request-id'] ?? '' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== 'Bearer folder-token') {
      return json(401, { type: '/problems/invalid_token', title: 'Invalid token', status: 401, code: 'invalid_token', detail: '', remediation: 'Sign in again.', graph: [] }, 'application/problem+json');
    }
    if (url.pathname.endsWith('/children')) {
      const top = Number(url.searchParams.get('$top') ?? 2);
      const skip = Number(url.searchParams.get('$skiptoken') ?? 0);
      const value = Array.from({ length: Math.min(top, total - skip) }, (_, i) => ({ id: `ITEM${skip + i}`, name: `file ${skip + i}.txt`, file: {} }));
      const page = { value };
      if (skip + top < total) {
        const origin = nextLinkOrigin ?? `http://127.0.0.1:${server.address().port}`;
        page['@odata.nextLink'] = `${origin}${nextLinkPath ?? url.pathname}?$top=${top}&$skiptoken=${skip + top}`;
      }
      return json(200, page);
    }
    if (url.pathname.endsWith('/NOTJSON')) {
      res.writeHead(200, { 'content-type': 'text/html', 'client-request-id': req.headers['client-request-id'] ?? '' });
      return res.end('<html>a captive portal</html>');
    }
    if (url.pathname.startsWith('/v1/drives/')) return json(200, { id: decodeURIComponent(url.pathname.split('/')[5]), name: 'Sub folder', folder: { childCount: 3 } });
    return json(404, { type: '/problems/not_found', title: 'Not found', status: 404, code: 'not_found', detail: '', remediation: '', graph: [] }, 'application/problem+json');
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { log, server, baseUrl: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((ok) => server.close(ok)) };
}

test('listChildren follows @odata.nextLink through every page, with $top and $select, on the share route', async () => {
  const fake = await fakeFolderService({ total: 5 });
  try {
    const sp = [];
    const client = createShareResolverClient({ baseUrl: fake.baseUrl, getToken: async () => 'folder-token', getSharePointToken: async (h) => (sp.push(h), 'sp.token.x') });
    const names = [];
    for await (const item of client.listChildren(DEMO_SHARE_URL, { pageSize: 2, select: ['id', 'name'] })) names.push(item.name);
    assert.deepEqual(names, ['file 0.txt', 'file 1.txt', 'file 2.txt', 'file 3.txt', 'file 4.txt']);
    assert.equal(fake.log.length, 3);
    assert.equal(fake.log[0].path, `/v1/shares/${uId(DEMO_SHARE_URL)}/driveItem/children`);
    assert.deepEqual(fake.log[0].query, { $top: '2', $select: 'id,name' });
    assert.deepEqual(fake.log.slice(1).map((r) => r.query.$skiptoken), ['2', '4']);
    assert.ok(fake.log.every((r) => r.headers.authorization === 'Bearer folder-token'));
    assert.ok(fake.log.every((r) => r.headers['x-sharepoint-authorization'] === 'Bearer sp.token.x'));
    // One client-request-id for the listing, one SharePoint token asked for.
    assert.equal(new Set(fake.log.map((r) => r.headers['client-request-id'])).size, 1);
    assert.deepEqual(sp, [DEMO_HOST]);

    // Page by page; an item inside the folder by {driveId, itemId} or by its driveItem.
    const pages = [];
    for await (const page of client.listChildrenPages({ driveId: 'b!abc_DEF-123', itemId: 'FOLDER1' }, { pageSize: 3 })) pages.push(page.value.length);
    assert.deepEqual(pages, [3, 2]);
    assert.equal(fake.log[3].path, '/v1/drives/b!abc_DEF-123/items/FOLDER1/children');
    assert.equal(fake.log[3].headers['x-sharepoint-authorization'], undefined, 'no sharing URL, no SharePoint token');
    const first = await client.listChildren({ id: 'FOLDER2', name: 'x', parentReference: { driveId: 'b!drive' } }).next();
    assert.equal(first.value.id, 'ITEM0');
    assert.equal(fake.log.at(-1).path, '/v1/drives/b!drive/items/FOLDER2/children');

    const item = await client.getItem({ driveId: 'b!drive', itemId: 'SUB9' }, { select: 'id,name,folder' });
    assert.deepEqual([item.id, item.name], ['SUB9', 'Sub folder']);
    assert.equal(fake.log.at(-1).path, '/v1/drives/b!drive/items/SUB9');
    assert.deepEqual(fake.log.at(-1).query, { $select: 'id,name,folder' });

    await assert.rejects(client.listChildren(DEMO_SHARE_URL, { pageSize: 1000 }).next(), RangeError);
    await assert.rejects(client.listChildren(DEMO_SHARE_URL, { pageSize: 0 }).next(), RangeError);
  } finally {
    await fake.close();
  }
});

test('a next link to another origin or route is not followed: the token stays with the service', async () => {
  const elsewhere = await fakeFolderService();
  const fake = await fakeFolderService({ total: 4, nextLinkOrigin: elsewhere.baseUrl });
  try {
    const client = createShareResolverClient({ baseUrl: fake.baseUrl, getToken: async () => 'folder-token' });
    const seen = [];
    const e = await problem((async () => {
      for await (const item of client.listChildren(DEMO_SHARE_URL, { pageSize: 2 })) seen.push(item.id);
    })());
    assert.equal(e.code, 'unexpected_response');
    assert.match(e.title, /nextLink/);
    assert.deepEqual(seen, ['ITEM0', 'ITEM1'], 'the first page came through');
    assert.equal(elsewhere.log.length, 0, 'nothing was sent to the other origin');

    // Nor one to another route of the same service.
    const otherRoute = await fakeFolderService({ total: 4, nextLinkPath: '/v1/drives/b!other/items/ELSEWHERE/children' });
    try {
      const pages = createShareResolverClient({ baseUrl: otherRoute.baseUrl, getToken: async () => 'folder-token' }).listChildrenPages(DEMO_SHARE_URL, { pageSize: 2 });
      assert.equal((await pages.next()).value.value.length, 2);
      const wrong = await problem(pages.next());
      assert.equal(wrong.code, 'unexpected_response');
      assert.deepEqual(otherRoute.log.map((r) => r.path), [`/v1/shares/${uId(DEMO_SHARE_URL)}/driveItem/children`]);
    } finally {
      await otherRoute.close();
    }

    // A 2xx that is not JSON is not the service's answer.
    const portal = await problem(createShareResolverClient({ baseUrl: fake.baseUrl, getToken: async () => 'folder-token' }).getItem({ driveId: 'b!d', itemId: 'NOTJSON' }));
    assert.equal(portal.code, 'unexpected_response');
    assert.equal(portal.status, 200);
    assert.equal(portal.requests, 1);

    // A problem on a folder route is a ShareResolverError like any other.
    const refused = await problem(createShareResolverClient({ baseUrl: fake.baseUrl, getToken: async () => 'other' }).getItem({ driveId: 'b!d', itemId: 'I' }));
    assert.equal(refused.code, 'invalid_token');
    assert.equal(refused.requests, 1);
  } finally {
    await fake.close();
    await elsewhere.close();
  }
});
