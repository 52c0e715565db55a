// Microsoft's Graph JS client (@microsoft/microsoft-graph-client, pinned)
// pointed at the service, as the contract says a frontend may: `.select()`
// gets only those fields, and a PageIterator over a folder's children
// visits every child, following the service's rewritten next links; and
// its JSON batching (BatchRequestContent, BatchResponseContent) through the
// service's $batch.
//
// The Graph client speaks https only (it attaches the token to https
// Graph or custom hosts, and parses only https next links). In production
// the service is behind API Gateway's TLS; here the last middleware plays
// that gateway: it sends the Graph client's https request to the loopback
// service over http with `X-Forwarded-Proto: https`, as API Gateway does,
// so the service's next links are https on the same host. Everything
// before it (authentication with customHosts, query building, the page
// iterator) is the Graph client's own code.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { AuthenticationHandler, BatchRequestContent, BatchResponseContent, Client, PageIterator } from '@microsoft/microsoft-graph-client';

import { DEMO_FOLDER_URL, DEMO_PRIVATE_SHARE_URL, DEMO_SHARE_URL, startStack, uId } from './harness.mjs';

let stack;

before(async () => {
  stack = await startStack();
});

after(async () => {
  await stack?.stop();
});

/** The TLS-terminating gateway in front of the loopback service. */
class Gateway {
  constructor(origin) {
    this.origin = origin;
    this.seen = [];
  }

  async execute(context) {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const target = new URL(url);
    assert.equal(target.protocol, 'https:', `the Graph client sent ${url}`);
    this.seen.push(`${target.pathname}${target.search}`);
    const headers = new Headers(context.options?.headers ?? {});
    headers.set('x-forwarded-proto', 'https');
    context.response = await fetch(`${this.origin}${target.pathname}${target.search}`, { ...context.options, headers });
  }
}

/** A Graph client whose base URL is the service ("https://127.0.0.1:port/", version `v1`). */
function graphClientFor(token) {
  const service = new URL(stack.baseUrl);
  const gateway = new Gateway(stack.baseUrl);
  const auth = new AuthenticationHandler({ getAccessToken: async () => token });
  auth.setNext(gateway);
  const client = Client.initWithMiddleware({
    middleware: auth,
    baseUrl: `https://${service.host}/`,
    defaultVersion: 'v1',
    customHosts: new Set([service.hostname]),
  });
  return { client, gateway };
}

test('Graph JS client: .select() through the service returns only those fields', async () => {
  const guest = await stack.user();
  const { client, gateway } = graphClientFor(guest.token);

  const item = await client.api(`/shares/${uId(DEMO_SHARE_URL)}/driveItem`).select(['id', 'name']).get();

  assert.deepEqual(item, { id: '01J7TAN47MQKAQ52K64ZAZNORXENAPQ46L', name: 'Launch plan.docx' });
  assert.deepEqual(gateway.seen, [`/v1/shares/${uId(DEMO_SHARE_URL)}/driveItem?$select=id,name`]);
  const graph = (await stack.requests()).filter((r) => r.user === `${guest.tid}#${guest.oid}` && r.kind === 'Shares');
  assert.deepEqual(graph.map((r) => r.query), ['$select=id,name'], 'the option reached Graph as the Graph client sent it');
});

test('Graph JS client: a PageIterator over a shared folder visits every child, page by page through the service', async () => {
  const guest = await stack.user();
  const { client, gateway } = graphClientFor(guest.token);

  const first = await client.api(`/shares/${uId(DEMO_FOLDER_URL)}/driveItem/children`).top(2).select('id,name').get();
  const names = [];
  const iterator = new PageIterator(client, first, (child) => {
    names.push(child.name);
    return true;
  });
  await iterator.iterate();

  assert.deepEqual(names, ['Specs', 'Designs', 'Budget.xlsx', 'Notes.txt', 'Logo.png']);
  assert.equal(gateway.seen.length, 3, gateway.seen.join('\n'));
  for (const path of gateway.seen) {
    assert.ok(path.startsWith(`/v1/shares/${uId(DEMO_FOLDER_URL)}/driveItem/children?`), path);
  }
  assert.match(gateway.seen[2], /\$skiptoken=/);
  const warmups = (await stack.requests()).filter((r) => r.user === `${guest.tid}#${guest.oid}` && r.kind.startsWith('Warmup'));
  assert.equal(warmups.length, 1, 'a cold guest warmed up once, for the first page');
});

test("Graph JS client: BatchRequestContent through the service's $batch, BatchResponseContent reads each answer by id", async (t) => {
  const probe = await fetch(`${stack.baseUrl}/v1/$batch`, { method: 'POST' });
  if (probe.status === 404) return t.skip('the service has no POST /v1/$batch yet');
  const guest = await stack.user();
  const { client, gateway } = graphClientFor(guest.token);
  const base = `https://${new URL(stack.baseUrl).host}/v1`;
  const steps = [
    { id: 'item', request: new Request(`${base}/shares/${uId(DEMO_SHARE_URL)}/driveItem?$select=id,name`, { method: 'GET' }) },
    { id: 'permission', request: new Request(`${base}/shares/${uId(DEMO_SHARE_URL)}/permission`, { method: 'GET' }) },
    { id: 'private', request: new Request(`${base}/shares/${uId(DEMO_PRIVATE_SHARE_URL)}/driveItem`, { method: 'GET' }) },
  ];
  const content = await new BatchRequestContent(steps).getContent();
  const answer = await client.api('/$batch').post(content);
  assert.deepEqual(gateway.seen, ['/v1/$batch']);
  const responses = new BatchResponseContent(answer);
  const item = responses.getResponseById('item');
  assert.equal(item.status, 200);
  assert.deepEqual(await item.json(), { id: '01J7TAN47MQKAQ52K64ZAZNORXENAPQ46L', name: 'Launch plan.docx' });
  const permission = await responses.getResponseById('permission').json();
  assert.ok(Array.isArray(permission.roles) && permission.link?.type, JSON.stringify(permission));
  const refused = responses.getResponseById('private');
  assert.equal(refused.status, 403);
  assert.equal((await refused.json()).code, 'access_denied');
  assert.deepEqual([...responses.getResponses().keys()], ['item', 'permission', 'private']);
});
