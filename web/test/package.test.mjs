// The npm package (web/client): types generated from docs/openapi.json and
// not drifted, what `npm pack` would publish, and the packed tarball
// installed into a scratch project that type-checks and imports every entry
// point (offline: the TypeScript of web/node_modules). Also the bundle size.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';

import { build } from 'esbuild';

import { DOCUMENT, generate, OUTPUT } from '../scripts/gen-types.mjs';
import { REPO_DIR, WEB_DIR } from './harness.mjs';

const CLIENT_DIR = join(WEB_DIR, 'client');
const TSC = join(WEB_DIR, 'node_modules', 'typescript', 'bin', 'tsc');
let scratch;
let tarball;

before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'share-resolver-pack-'));
});

after(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test('the generated types are what openapi-typescript makes of docs/openapi.json (no drift)', async () => {
  const fresh = await generate();
  assert.ok(fresh === readFileSync(OUTPUT, 'utf8'), 'client/src/generated/openapi.ts is stale: npm --prefix web run gen:types');
  // The problem-code union is the document's enum, every code of it.
  const codes = JSON.parse(readFileSync(DOCUMENT, 'utf8')).components.schemas.ProblemCode.enum;
  const union = /ProblemCode: ([^;]+);/.exec(fresh)[1];
  assert.deepEqual(union.split(' | ').map((c) => JSON.parse(c)), codes);
});

test('a route added to the document appears in the generated types when they are generated again', async () => {
  const document = JSON.parse(readFileSync(DOCUMENT, 'utf8'));
  document.paths['/v1/drives/{driveId}/items/{itemId}/children'] = {
    get: {
      operationId: 'get_drive_item_children',
      parameters: [
        { name: 'driveId', in: 'path', required: true, schema: { type: 'string' } },
        { name: 'itemId', in: 'path', required: true, schema: { type: 'string' } },
      ],
      responses: { 200: { description: 'children', content: { 'application/json': { schema: { type: 'object' } } } } },
    },
  };
  const path = join(scratch, 'openapi-with-folders.json');
  writeFileSync(path, JSON.stringify(document));
  const text = await generate(path);
  assert.match(text, /"\/v1\/drives\/\{driveId\}\/items\/\{itemId\}\/children": \{/);
  assert.match(text, /get_drive_item_children: \{/);
});

test('npm pack publishes the build, its maps and sources, the README and the LICENSE, nothing else', () => {
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', scratch], { cwd: CLIENT_DIR, encoding: 'utf8' });
  const [packed] = JSON.parse(out);
  tarball = join(scratch, packed.filename);
  const entries = ['client', 'error', 'generated/openapi', 'index', 'msal', 'react', 'retry', 'types'];
  const expected = [
    'LICENSE',
    'README.md',
    ...entries.flatMap((e) => [`dist/${e}.d.ts`, `dist/${e}.d.ts.map`, `dist/${e}.js`, `dist/${e}.js.map`]),
    'package.json',
    ...entries.map((e) => `src/${e}.ts`),
  ].sort();
  assert.deepEqual(packed.files.map((f) => f.path).sort(), expected);
  assert.equal(packed.name, '@share-resolver/client');
  assert.match(packed.version, /^0\.\d+\.\d+$/);
  // The package's LICENSE is the repository's.
  assert.equal(readFileSync(join(CLIENT_DIR, 'LICENSE'), 'utf8'), readFileSync(join(REPO_DIR, 'LICENSE'), 'utf8'));
  const manifest = JSON.parse(readFileSync(join(CLIENT_DIR, 'package.json'), 'utf8'));
  assert.equal(manifest.type, 'module');
  assert.equal(manifest.sideEffects, false);
  for (const entry of ['.', './react', './msal']) assert.deepEqual(Object.keys(manifest.exports[entry]), ['types', 'import'], entry);
});

test('the packed tarball installs into a scratch project that type-checks and imports every entry', () => {
  assert.ok(tarball, 'npm pack ran');
  const app = join(scratch, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], { cwd: app, stdio: 'pipe' });
  // React (an optional peer) and its types from web/node_modules, as an app would have them.
  for (const dep of ['react', join('@types', 'react')]) {
    mkdirSync(join(app, 'node_modules', dep, '..'), { recursive: true });
    symlinkSync(join(WEB_DIR, 'node_modules', dep), join(app, 'node_modules', dep));
  }
  writeFileSync(
    join(app, 'main.ts'),
    `import {
  createShareResolverClient, ShareResolverError,
  type BatchResponse, type DriveItem, type DriveItemCollection, type ErrorCode, type Permission, type ProblemCode,
  type ShareResult, type paths,
} from '@share-resolver/client';
import { msalTokenProvider, type MsalInstance } from '@share-resolver/client/msal';
import {
  ShareResolverProvider, useChildren, usePermission, usePreview, useResolveShare, useResolveShares,
} from '@share-resolver/client/react';

declare const msal: MsalInstance;
const client = createShareResolverClient({
  baseUrl: 'https://api.example.com',
  ...msalTokenProvider(msal, { scopes: ['api://app/access_as_user'] }),
  retry: { retryAfterBudgetMs: 5000 },
  timeoutMs: 10_000,
});
export async function open(link: string): Promise<string> {
  try {
    const item: DriveItem = await client.resolveShare(link, { select: ['id', 'name'] });
    for await (const page of client.listChildrenPages(item, { pageSize: 50 })) {
      const children: DriveItemCollection = page;
      for (const child of children.value) console.log(child.name.length, child.size, children['@odata.nextLink']);
    }
    return item.webUrl ?? item.name;
  } catch (e) {
    if (e instanceof ShareResolverError) {
      const code: ErrorCode = e.code;
      if (code === 'access_denied' || code === 'network_error' || code === 'timeout') return e.remediation;
      // @ts-expect-error: not a code of the document
      if (code === 'acess_denied') return '';
    }
    throw e;
  }
}
export async function page(links: string[]): Promise<string[]> {
  const items: ShareResult<DriveItem>[] = await client.resolveShares(links, { expand: 'thumbnails' });
  const permissions: ShareResult<Permission>[] = await client.getPermissions(links);
  const raw: BatchResponse[] = await client.batch([{ id: '1', method: 'GET', url: '/shares/u!x/permission' }]);
  // @ts-expect-error: Graph's batching has no PATCH here
  await client.batch([{ id: '1', method: 'PATCH', url: '/shares/u!x/permission' }]);
  const preview = await client.preview(links[0], { viewer: 'onedrive', chromeless: true });
  // @ts-expect-error: not a preview option
  await client.preview(links[0], { viewr: 'onedrive' });
  return items.map((r, i) => {
    const p = permissions[i];
    const badge = p.ok && p.value.link?.preventsDownload ? 'no download' : '';
    return r.ok
      ? [r.value.name, r.value.thumbnails?.[0]?.medium?.url, r.value['@microsoft.graph.downloadUrl'], badge, preview.getUrl, raw[0].status].join(' ')
      : r.error.code;
  });
}
export const hooks = [usePermission, usePreview, useResolveShares] as const;
const problem: ProblemCode = 'hydration_exhausted';
// @ts-expect-error: the client's own codes are not the service's
const notProblem: ProblemCode = 'network_error';
type Resolve = paths['/v1/resolve']['post'];
export const used = [problem, notProblem, ShareResolverProvider, useChildren, useResolveShare] as const;
export type { Resolve };
`,
  );
  // Node's and bundlers' resolution (exports), and TypeScript's older node10 (typesVersions).
  for (const [module, moduleResolution] of [['nodenext', 'nodenext'], ['esnext', 'bundler'], ['esnext', 'node10']]) {
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'ES2022', lib: ['ES2022', 'DOM', 'DOM.Iterable'], module, moduleResolution, types: [] }, files: ['main.ts'] }),
    );
    try {
      execFileSync(process.execPath, [TSC, '-p', app], { cwd: app, encoding: 'utf8' });
    } catch (e) {
      assert.fail(`tsc (${moduleResolution}) in the scratch project:\n${e.stdout}${e.stderr}`);
    }
  }
  // And at run time, by the package's own name and export map.
  const script = `const core = await import('@share-resolver/client');
const msal = await import('@share-resolver/client/msal');
const react = await import('@share-resolver/client/react');
console.log([typeof core.createShareResolverClient, typeof core.ShareResolverError, typeof msal.msalTokenProvider, typeof react.useResolveShare].join());`;
  const printed = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: app, encoding: 'utf8' });
  assert.equal(printed.trim(), 'function,function,function,function');
});

/** min+gzip bytes of `entry` bundled alone (React left out: a peer). */
async function size(entry) {
  const out = await build({
    entryPoints: [join(CLIENT_DIR, 'dist', entry)],
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    external: ['react'],
    logLevel: 'silent',
  });
  const code = out.outputFiles[0].contents;
  return { min: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

test('bundle size: core, React entry and MSAL adapter, min+gzip, within budget', async () => {
  const sizes = { core: await size('index.js'), react: await size('react.js'), msal: await size('msal.js') };
  console.log(`min+gzip bytes: ${JSON.stringify(sizes)}`);
  writeFileSync(join(REPO_DIR, '.tmp', 'client-size.json'), `${JSON.stringify(sizes, null, 2)}\n`);
  // Budgets with headroom; a jump past them is a dependency or a mistake.
  // The core carries openapi-fetch (about 2.6 KB of it).
  assert.ok(sizes.core.gzip < 7500, `core ${sizes.core.gzip} B`);
  assert.ok(sizes.react.gzip < 8000, `react ${sizes.react.gzip} B`);
  assert.ok(sizes.msal.gzip < 1500, `msal ${sizes.msal.gzip} B`);
});
