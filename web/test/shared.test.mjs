// The "shared with you" page (example/shared.html) in Chromium against the
// real service and simulator, real CORS: the simulator's demo guest's twenty
// links (POST /_sim/shared-with-you) as a grid loaded in two batches, a
// preview in place, downloads with no token and none where the link blocks
// them, a hostile getUrl refused, the CSP's frame-src enforced, a folder
// opened in the folder view, and obo mode end to end. Skipped, saying why,
// while the service has no POST /v1/$batch or the simulator no
// shared-with-you page.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { serve } from '../serve.mjs';
import { launchChromium, shot } from './chromium.mjs';
import { freePort, mintApiToken, oboServiceEnv, startStack } from './harness.mjs';

const API_SCOPE = 'api://6e3b1c2d-8f4a-4b5c-9d6e-7f8a9b0c1d2e/access_as_user';

let stack;
let origin; // the allowed origin, serving web/
let other; // another origin, for the CSP's frame-src
let servers = [];
let browser;
/** Why the suite cannot run yet, or undefined. */
let missing;
/** The simulator's twenty links: {url, name, status, folder, what}. */
let links = [];

before(async () => {
  const [port, otherPort] = [await freePort(), await freePort()];
  origin = `http://127.0.0.1:${port}`;
  other = `http://127.0.0.1:${otherPort}`;
  stack = await startStack({ env: { ALLOWED_ORIGINS: origin } });
  servers = [await serve({ port, sim: stack.simUrl }), await serve({ port: otherPort })];
  const batch = await fetch(`${stack.baseUrl}/v1/$batch`, { method: 'POST' });
  const page = await fetch(`${stack.simUrl}/_sim/shared-with-you`, { method: 'POST' });
  if (batch.status === 404) missing = 'the service has no POST /v1/$batch yet';
  else if (!page.ok) missing = `the simulator has no shared-with-you page (POST /_sim/shared-with-you: ${page.status})`;
  else links = (await page.json()).links;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stack?.stop();
  for (const s of servers) s.close();
});

/**
 * shared.html with the test seam (`token`), the links in the address; its
 * `requests` are the calls the page made to the service (no preflights).
 */
async function openShared({ token, service = stack.baseUrl, query = {}, list = links.map((l) => l.url) } = {}) {
  const context = await browser.newContext({ viewport: { width: 1180, height: 900 } });
  await context.addInitScript((token) => {
    window.__SHARE_RESOLVER_TEST_AUTH__ = { account: { name: 'Ada Lovelace (guest)' }, getToken: async () => token };
  }, token);
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.requests = [];
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e));
  page.on('request', (r) => {
    if (r.url().startsWith(service) && r.method() !== 'OPTIONS') {
      page.requests.push({ route: `${r.method()} ${new URL(r.url()).pathname}`, headers: r.headers(), body: r.postData() });
    }
  });
  const params = new URLSearchParams({ service, links: list.join(' '), ...query });
  await page.goto(`${origin}/example/shared.html?${params}`);
  await page.waitForFunction(
    (some) => (some ? document.body.dataset.permissions === 'done' || document.body.dataset.state === 'error' : document.body.dataset.state !== 'starting'),
    list.length > 0,
  );
  return page;
}

/** What each card shows. */
function cardsOf(page) {
  return page.$$eval('#grid > li', (lis) =>
    lis.map((li) => ({
      state: li.dataset.state,
      code: li.dataset.code,
      kind: li.dataset.kind,
      name: li.querySelector('.card-name')?.textContent,
      problem: li.querySelector('.card-problem')?.textContent ?? '',
      thumbnail: li.querySelector('.thumb img')?.getAttribute('src') ?? undefined,
      download: li.querySelector('a.download')?.getAttribute('href') ?? undefined,
      pills: [...li.querySelectorAll('.pill')].map((p) => p.textContent),
    })),
  );
}

const batchBody = (request) => JSON.parse(request.body).requests;

test('a cold guest\'s twenty links are a grid of cards loaded with two requests: the driveItems in one batch, their permissions in a second', async (t) => {
  if (missing) return t.skip(missing);
  const guest = await stack.user();
  const page = await openShared({ token: guest.token });
  assert.deepEqual(page.requests.map((r) => r.route), ['POST /v1/$batch', 'POST /v1/$batch']);
  const [items, permissions] = page.requests.map(batchBody);
  assert.equal(items.length, 20);
  assert.ok(items.every((r) => r.method === 'GET' && /^\/shares\/u![\w-]+\/driveItem\?\$expand=thumbnails$/.test(r.url)), JSON.stringify(items[0]));
  const opened = links.filter((l) => l.status === 200);
  assert.equal(permissions.length, opened.length, 'permissions asked only for the links that opened');
  assert.ok(permissions.every((r) => /^\/shares\/u![\w-]+\/permission$/.test(r.url)));

  const cards = await cardsOf(page);
  assert.equal(cards.length, 20);
  links.forEach((link, i) => {
    const card = cards[i];
    if (link.status === 404) return assert.deepEqual([card.state, card.code], ['failed', 'share_not_found'], link.name);
    if (link.status === 403) return assert.deepEqual([card.state, card.code], ['failed', 'access_denied'], link.name);
    assert.equal(card.state, 'ok', link.name);
    assert.equal(card.name, link.name);
    assert.ok(card.pills.includes(/edit/.test(link.what) ? 'can edit' : 'view only'), `${link.name}: ${card.pills}`);
    if (/expires in/.test(link.what)) assert.ok(card.pills.some((p) => p.startsWith('expires ')), `${link.name}: ${card.pills}`);
    if (link.folder) return;
    assert.ok(card.thumbnail, `${link.name} has a thumbnail`);
    if (/download/.test(link.what)) assert.equal(card.download, undefined, `${link.name} blocks downloads`);
    else assert.ok(card.download, `${link.name} can be downloaded`);
  });
  for (const card of cards.filter((c) => c.state === 'failed')) assert.match(card.problem, /\w+ · .{10,}/, 'the problem and its remediation');
  // Every image loaded (the simulator serves the thumbnails; the CSP lets them in).
  await page.waitForFunction(() => [...document.querySelectorAll('.thumb img')].every((img) => img.complete && img.naturalWidth > 0));
  assert.deepEqual(page.errors, []);
  await shot(page, '20-shared-with-you-grid-cold-guest');
  await page.context().close();
});

test('a card opens its preview in place: an iframe of the getUrl on the SharePoint host', async (t) => {
  if (missing) return t.skip(missing);
  const guest = await stack.user();
  const page = await openShared({ token: guest.token });
  const at = page.url();
  const file = links.findIndex((l) => l.status === 200 && !l.folder);
  await page.locator('#grid > li').nth(file).locator('.preview-button').click();
  await page.waitForFunction(() => document.querySelector('#preview')?.dataset.state === 'shown');
  const src = await page.getAttribute('#preview-frame iframe', 'src');
  assert.match(src, /^https:\/\/contoso\.sharepoint\.com\/_layouts\/15\/embed\.aspx\?/);
  assert.equal(await page.textContent('#preview-name'), links[file].name);
  assert.equal(page.url(), at, 'the page stays');
  assert.equal(page.requests.at(-1).route.replace(/u![\w-]+/, '{id}'), 'POST /v1/shares/{id}/driveItem/preview');
  await shot(page, '21-shared-preview-in-place');
  await page.context().close();
});

test('a link that blocks downloads shows no Download button; another downloads from its downloadUrl with no token', async (t) => {
  if (missing) return t.skip(missing);
  const guest = await stack.user();
  const page = await openShared({ token: guest.token });
  const cards = await cardsOf(page);
  const blocked = links.findIndex((l) => l.status === 200 && !l.folder && /download/.test(l.what));
  assert.ok(blocked >= 0, 'the simulator has a link that blocks downloads');
  assert.equal(cards[blocked].download, undefined);
  assert.ok(cards[blocked].pills.includes('no download'));
  const free = cards.findIndex((c) => c.download);
  const [request] = await Promise.all([
    page.waitForEvent('request', (r) => r.url() === cards[free].download),
    page.locator('#grid > li').nth(free).locator('a.download').click(),
  ]);
  assert.equal(request.headers().authorization, undefined, 'no token goes to a downloadUrl');
  await page.locator('#grid > li').nth(blocked).scrollIntoViewIfNeeded();
  await shot(page, '22-shared-blocked-download');
  await page.context().close();
});

test('a getUrl on a host outside the allow-list (a hostile answer) is not framed', async (t) => {
  if (missing) return t.skip(missing);
  await stack.admin('preview', { getUrlOrigin: 'https://attacker.example' });
  try {
    const guest = await stack.user();
    const page = await openShared({ token: guest.token });
    const file = links.findIndex((l) => l.status === 200 && !l.folder);
    await page.locator('#grid > li').nth(file).locator('.preview-button').click();
    await page.waitForFunction(() => document.querySelector('#preview')?.dataset.state === 'refused');
    assert.equal(await page.locator('iframe').count(), 0);
    assert.match(await page.textContent('#preview-status'), /attacker\.example.*not shown/);
    await shot(page, '23-shared-hostile-preview-refused');
    await page.context().close();
  } finally {
    await stack.admin('preview', { getUrlOrigin: null });
  }
});

test('the CSP: frame-src names exactly the preview hosts (and the identity platform), and an iframe to another origin is blocked', async () => {
  const guest = await stack.user();
  const page = await openShared({ token: guest.token, list: [] });
  const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  const frameSrc = /frame-src ([^;]+)/.exec(csp)[1].trim().split(/\s+/);
  const hosts = await page.evaluate(() => import('./config.js').then((m) => [...m.config.previewHosts]));
  assert.deepEqual(frameSrc, [...hosts.map((h) => `https://${h}`), 'https://login.microsoftonline.com']);
  const violation = await page.evaluate(
    (url) =>
      new Promise((resolve) => {
        document.addEventListener('securitypolicyviolation', (e) => resolve({ directive: e.effectiveDirective, blocked: e.blockedURI }), { once: true });
        const frame = document.createElement('iframe');
        frame.src = url;
        document.body.append(frame);
      }),
    `${other}/example/`,
  );
  assert.equal(violation.directive, 'frame-src');
  assert.ok(violation.blocked.startsWith(other), violation.blocked);
  await page.context().close();
});

test('a folder card opens the folder view of the single-link page', async (t) => {
  if (missing) return t.skip(missing);
  const guest = await stack.user();
  const page = await openShared({ token: guest.token });
  const folder = links.findIndex((l) => l.folder && l.status === 200);
  await page.locator('#grid > li').nth(folder).locator('.open-folder').click();
  await page.waitForFunction(() => document.querySelector('#folder')?.dataset.state === 'listed');
  assert.equal(await page.textContent('#item-name'), links[folder].name);
  assert.ok((await page.locator('#children > li').count()) > 0);
  await shot(page, '24-shared-folder-opened');
  await page.context().close();
});

test('obo: the grid with only the API token, no SharePoint token, two requests', async (t) => {
  if (missing) return t.skip(missing);
  if (!(await mintApiToken(stack.simUrl))) return t.skip('the simulator mints no API tokens');
  const obo = await startStack({ env: async (simUrl) => ({ ...(await oboServiceEnv(simUrl)), ALLOWED_ORIGINS: origin }) });
  try {
    await obo.admin('shared-with-you', {});
    const token = await mintApiToken(obo.simUrl);
    const page = await openShared({ token, service: obo.baseUrl, query: { authMode: 'obo', apiScope: API_SCOPE } });
    assert.deepEqual(page.requests.map((r) => r.route), ['POST /v1/$batch', 'POST /v1/$batch']);
    for (const { headers } of page.requests) {
      assert.equal(headers.authorization, `Bearer ${token}`);
      assert.equal(headers['x-sharepoint-authorization'], undefined);
    }
    const cards = await cardsOf(page);
    assert.equal(cards.filter((c) => c.state === 'ok').length, links.filter((l) => l.status === 200).length);
    await shot(page, '25-shared-obo-grid');
    await page.context().close();
  } finally {
    await obo.stop();
  }
});
