// The React example (example-react/, built by Vite with React's development
// build, so strict mode really runs every effect twice) in Debian's Chromium,
// against the real service and simulator with real CORS, its folder view
// included (and against a fake of the contract's folder routes besides).
// Tokens come through the test seam, as in browser.test.mjs.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { chromium } from 'playwright-core';
import { build } from 'vite';

import { serve } from '../serve.mjs';
import { DEMO_FOLDER_URL, DEMO_SHARE_URL, DEMO_TEAMS_SHARE_URL, freePort, REPO_DIR, startStack, uId, WEB_DIR } from './harness.mjs';

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const SHOTS = join(REPO_DIR, '.tmp', 'screenshots');
const BUILT = join(REPO_DIR, '.tmp', 'web-react');
const FOLDER_URL = 'https://contoso.sharepoint.com/:f:/s/Marketing/EFolderShared000?e=f1';

let stack;
let origin;
let server;
let browser;
let fake;

/** A fake of the folder routes with CORS: a folder driveItem and its children, two a page. */
async function fakeFolderService(allowOrigin) {
  const log = [];
  const children = ['Brief.docx', 'Budget.xlsx', 'Photos', 'Plan.pdf', 'Notes.txt'];
  const srv = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const cors = {
      'access-control-allow-origin': allowOrigin,
      'access-control-allow-headers': 'authorization,content-type,client-request-id,x-sharepoint-authorization',
      'access-control-allow-methods': 'GET,POST',
      'access-control-expose-headers': 'x-resolver-hydration,x-resolver-warmup,x-resolver-attempts,request-id,client-request-id',
    };
    if (req.method === 'OPTIONS') return res.writeHead(204, cors).end();
    log.push(`${req.method} ${url.pathname}${url.search}`);
    const json = (body, headers = {}) => res.writeHead(200, { ...cors, 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    if (url.pathname === '/v1/warmup') return json({ hydration: 'member', warmup: 'skipped' });
    if (url.pathname === '/v1/resolve') {
      return json(
        { id: 'FOLDER1', name: 'Campaign', folder: { childCount: children.length }, webUrl: 'https://contoso.sharepoint.com/sites/Marketing/Campaign', parentReference: { driveId: 'b!drive' } },
        { 'x-resolver-hydration': 'member', 'x-resolver-warmup': 'skipped', 'x-resolver-attempts': '1' },
      );
    }
    if (url.pathname.endsWith('/driveItem/children')) {
      const top = Number(url.searchParams.get('$top'));
      const skip = Number(url.searchParams.get('$skiptoken') ?? 0);
      const value = children.slice(skip, skip + top).map((name, i) => ({ id: `C${skip + i}`, name, ...(name === 'Photos' ? { folder: { childCount: 9 } } : { file: {} }) }));
      const page = { value };
      if (skip + top < children.length) page['@odata.nextLink'] = `http://127.0.0.1:${srv.address().port}${url.pathname}?$top=${top}&$skiptoken=${skip + top}`;
      return json(page);
    }
    res.writeHead(404, cors).end();
  });
  await new Promise((ok) => srv.listen(0, '127.0.0.1', ok));
  return { log, url: `http://127.0.0.1:${srv.address().port}`, close: () => new Promise((ok) => srv.close(ok)) };
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // React's development build: strict mode's double effects are on.
  process.env.NODE_ENV = 'development';
  await build({
    configFile: join(WEB_DIR, 'example-react', 'vite.config.js'),
    logLevel: 'warn',
    build: { outDir: join(BUILT, 'example-react'), emptyOutDir: true },
  });
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  stack = await startStack({ env: { ALLOWED_ORIGINS: origin, MAX_ATTEMPTS: '1' } });
  server = await serve({ port, root: BUILT });
  fake = await fakeFolderService(origin);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
  });
});

after(async () => {
  await browser?.close();
  await stack?.stop();
  server?.close();
  await fake?.close();
});

/** The React page with the seam; `requests` lists the service calls the page made (method path). */
async function openReact({ token, fresh, service = stack.baseUrl, link } = {}) {
  const context = await browser.newContext({ viewport: { width: 960, height: 760 } });
  await context.addInitScript(
    ({ token, fresh }) => {
      window.__claimsCalls = [];
      window.__SHARE_RESOLVER_TEST_AUTH__ = {
        account: { name: 'Ada Lovelace (guest)' },
        getToken: async () => token,
        onClaimsChallenge: fresh ? async (claims) => (window.__claimsCalls.push(claims), fresh) : undefined,
      };
    },
    { token, fresh },
  );
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  page.errors = [];
  page.requests = [];
  page.failed = [];
  page.on('pageerror', (e) => page.errors.push(e));
  page.on('request', (r) => r.url().startsWith(service) && r.method() !== 'OPTIONS' && page.requests.push(`${r.method()} ${new URL(r.url()).pathname}`));
  page.on('requestfailed', (r) => r.url().startsWith(service) && page.failed.push(r.failure()?.errorText));
  await page.goto(`${origin}/example-react/?${new URLSearchParams(link ? { service, link } : { service })}`);
  await page.waitForFunction(() => document.getElementById('prewarm')?.textContent.includes('/'));
  return page;
}

async function open(page, link) {
  await page.fill('#link', link);
  await page.click('#open');
}

const settled = (page) => page.waitForFunction(() => ['success', 'error'].includes(document.body.dataset.state));

test("React: a cold guest's card, one request per link under strict mode's double effects", async () => {
  const guest = await stack.user();
  const page = await openReact({ token: guest.token });
  // Strict mode ran the mount effect twice: the single requests below are the hooks' doing.
  assert.equal(await page.evaluate(() => document.body.dataset.mounts), '2');
  assert.equal(await page.textContent('#prewarm'), 'warmed/root');
  await open(page, DEMO_SHARE_URL);
  await settled(page);
  assert.equal(await page.evaluate(() => document.body.dataset.state), 'success');
  assert.equal(await page.textContent('#item-name'), 'Launch plan.docx');
  assert.equal(await page.getAttribute('#item-open', 'href'), 'https://contoso.sharepoint.com/sites/Marketing/Shared%20Documents/Launch%20plan.docx');
  assert.match(await page.textContent('#item-meta'), /hydration miss · warm-up root · 1 request/);
  assert.deepEqual(page.requests, ['POST /v1/warmup', 'POST /v1/resolve']);
  await page.screenshot({ path: join(SHOTS, 'react-1-card-cold-guest.png'), fullPage: true });
  assert.deepEqual(page.errors, []);
  await page.context().close();

  // A card that mounts with its link (?link=): strict mode runs its effect twice, one request goes out.
  const again = await openReact({ token: guest.token, link: DEMO_TEAMS_SHARE_URL });
  await settled(again);
  assert.equal(await again.textContent('#item-name'), 'Roadmap.xlsx');
  // The card's effect runs before the page's pre-warm effect (children first).
  assert.deepEqual(again.requests.sort(), ['POST /v1/resolve', 'POST /v1/warmup']);
  assert.deepEqual(again.failed, [], 'nothing sent and aborted either');
  await again.context().close();
});

test('React: a claims challenge calls onClaimsChallenge once and shows the card', async () => {
  const challenged = await stack.user({ behaviour: 'claimsChallenge401' });
  const fresh = await stack.user();
  const page = await openReact({ token: challenged.token, fresh: fresh.token });
  await open(page, DEMO_TEAMS_SHARE_URL);
  await settled(page);
  assert.equal(await page.textContent('#item-name'), 'Roadmap.xlsx');
  const calls = await page.evaluate(() => window.__claimsCalls);
  assert.equal(calls.length, 1);
  assert.equal(JSON.parse(calls[0]).access_token.nbf.essential, true);
  assert.deepEqual(page.requests.filter((r) => r.endsWith('/resolve')).length, 2, 'the first answer and the retry');
  await page.screenshot({ path: join(SHOTS, 'react-2-card-after-claims-challenge.png'), fullPage: true });
  await page.context().close();
});

test('React: a new link aborts the request of the old one; only the new one is shown', async () => {
  const member = await stack.user({ guest: false });
  const page = await openReact({ token: member.token });
  await stack.inject({ target: 'shares', action: 'delay', delayMs: 2500, times: 1 });
  await open(page, DEMO_SHARE_URL);
  await page.waitForFunction(() => document.body.dataset.state === 'loading');
  await open(page, DEMO_TEAMS_SHARE_URL);
  await settled(page);
  assert.equal(await page.textContent('#item-name'), 'Roadmap.xlsx');
  assert.deepEqual(page.failed, ['net::ERR_ABORTED'], 'the first request was aborted');
  await new Promise((r) => setTimeout(r, 2600)); // the slow answer would have landed by now
  assert.equal(await page.textContent('#item-name'), 'Roadmap.xlsx');
  assert.deepEqual(page.requests.filter((r) => r.endsWith('/resolve')).length, 2);
  await page.context().close();
});

test('React: an error shows its code and remediation', async () => {
  const guest = await stack.user();
  const page = await openReact({ token: guest.token });
  await open(page, 'not a link');
  await settled(page);
  assert.equal(await page.evaluate(() => document.body.dataset.code), 'invalid_share');
  assert.equal(await page.textContent('#error-code'), 'invalid_share · HTTP 400');
  assert.match(await page.textContent('#error-remediation'), /sharing URL/);
  await page.context().close();
});

/** Opens a five-child folder link, loads it two by two with "more", returns the rows. */
async function pageThrough(page, link) {
  await open(page, link);
  await settled(page);
  assert.match(await page.textContent('#item-kind'), /Folder · 5 items/);
  for (const [count, more] of [[2, true], [4, true], [5, false]]) {
    await page.waitForFunction((n) => document.querySelectorAll('#children-list li').length === n, count);
    if (more) await page.click('#more');
  }
  assert.equal(await page.isVisible('#more'), false);
  return page.$$eval('#children-list li', (lis) => lis.map((li) => li.textContent));
}

test('React: a folder lists its children a page at a time (fake folder routes)', async () => {
  const page = await openReact({ token: 'fake-token', service: fake.url });
  assert.deepEqual(await pageThrough(page, FOLDER_URL), ['Brief.docx', 'Budget.xlsx', 'Photos (folder)', 'Plan.pdf', 'Notes.txt']);
  await page.screenshot({ path: join(SHOTS, 'react-3-folder-children.png'), fullPage: true });
  // One request per page, strict mode notwithstanding.
  const childrenCalls = fake.log.filter((l) => l.includes('/children'));
  assert.equal(childrenCalls.length, 3, childrenCalls.join('\n'));
  assert.match(childrenCalls[0], /^GET \/v1\/shares\/u![\w-]+\/driveItem\/children\?\$top=2$/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('React: the real service lists a shared folder two at a time, one request per page', async () => {
  const guest = await stack.user();
  const page = await openReact({ token: guest.token });
  assert.deepEqual(await pageThrough(page, DEMO_FOLDER_URL), ['Specs (folder)', 'Designs (folder)', 'Budget.xlsx', 'Notes.txt', 'Logo.png']);
  await page.screenshot({ path: join(SHOTS, 'react-4-folder-children-service.png'), fullPage: true });
  // The page followed the service's own next links, one request a page
  // under strict mode's double effects; Graph saw each page once.
  const children = `GET /v1/shares/${uId(DEMO_FOLDER_URL)}/driveItem/children`;
  assert.deepEqual(page.requests.filter((r) => r.includes('/children')), [children, children, children]);
  const graph = (await stack.requests()).filter((r) => r.user === `${guest.tid}#${guest.oid}` && r.kind === 'SharesChildren');
  assert.equal(graph.length, 3);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('React "shared with you": a cold guest\'s twenty links in two batches under strict mode, a preview in place, no Download where the link blocks it', async (t) => {
  const batch = await fetch(`${stack.baseUrl}/v1/$batch`, { method: 'POST' });
  if (batch.status === 404) return t.skip('the service has no POST /v1/$batch yet');
  const registered = await fetch(`${stack.simUrl}/_sim/shared-with-you`, { method: 'POST' });
  if (!registered.ok) return t.skip(`the simulator has no shared-with-you page (${registered.status})`);
  const { links } = await registered.json();
  const guest = await stack.user();
  const context = await browser.newContext({ viewport: { width: 1180, height: 900 } });
  await context.addInitScript((token) => {
    window.__SHARE_RESOLVER_TEST_AUTH__ = { account: { name: 'Ada Lovelace (guest)' }, getToken: async () => token };
  }, guest.token);
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const requests = [];
  page.on('request', (r) => r.url().startsWith(stack.baseUrl) && r.method() !== 'OPTIONS' && requests.push(`${r.method()} ${new URL(r.url()).pathname}`));
  const query = new URLSearchParams({ service: stack.baseUrl, links: links.map((l) => l.url).join(' ') });
  await page.goto(`${origin}/example-react/shared.html?${query}`);
  await page.waitForFunction(() => document.body.dataset.permissions === 'done');
  assert.deepEqual(requests, ['POST /v1/$batch', 'POST /v1/$batch'], "one batch of driveItems, one of permissions, strict mode's double effects included");
  const cards = await page.$$eval('#grid > li', (lis) => lis.map((li) => ({ state: li.dataset.state, download: Boolean(li.querySelector('a.download')) })));
  assert.equal(cards.length, 20);
  links.forEach((link, i) => assert.equal(cards[i].state, link.status === 200 ? 'ok' : 'failed', link.name));
  const blocked = links.findIndex((l) => l.status === 200 && !l.folder && /download/.test(l.what));
  assert.equal(cards[blocked].download, false);
  await page.screenshot({ path: join(SHOTS, 'react-5-shared-with-you-grid.png'), fullPage: true });
  const file = links.findIndex((l) => l.status === 200 && !l.folder);
  await page.locator('#grid > li').nth(file).locator('.preview-button').click();
  await page.waitForFunction(() => document.querySelector('#preview')?.dataset.state === 'shown');
  assert.match(await page.getAttribute('#preview-frame iframe', 'src'), /^https:\/\/contoso\.sharepoint\.com\/_layouts\/15\//);
  await page.screenshot({ path: join(SHOTS, 'react-6-shared-preview.png'), fullPage: true });
  await context.close();
});
