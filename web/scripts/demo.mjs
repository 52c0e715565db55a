#!/usr/bin/env node
// The offline demo in one command: `npm --prefix web run demo` (from the
// repository root). Installs web/'s tools and builds the page's bundle when
// missing, builds graph-sim and share-resolver (or takes GRAPH_SIM_BIN and
// SHARE_RESOLVER_BIN), starts the Graph simulator with its demo guest's
// "shared with you" links (twenty: Word, Excel, PowerPoint, PDF and PNG files
// with thumbnails, a folder, view and edit links, blocked downloads, links
// that expire, one expired, one the guest may not open), the service
// (ALLOWED_ORIGINS: the page's origin) and the static server, and prints the
// page's URL, signed in with the simulator. Ctrl-C stops all three.
//
//   npm --prefix web run demo [-- --port 5173] [-- --obo]
//
// --obo runs the service in AUTH_MODE=obo against the simulator's identity
// platform; the page then sends only API tokens.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { REPO_DIR, WEB_DIR, oboServiceEnv, startStack } from '../test/harness.mjs';
import { serve } from '../serve.mjs';

const args = process.argv.slice(2);
const obo = args.includes('--obo');
const portArg = args.indexOf('--port');
const port = portArg >= 0 ? Number(args[portArg + 1]) : Number(process.env.PORT ?? 5173);
const origin = `http://127.0.0.1:${port}`;

function run(command, argv, cwd) {
  console.log(`$ ${[command, ...argv].join(' ')}`);
  execFileSync(command, argv, { cwd, stdio: 'inherit' });
}

if (!existsSync(join(WEB_DIR, 'node_modules', 'esbuild'))) run('npm', ['ci', '--no-audit', '--no-fund'], WEB_DIR);
if (!existsSync(join(WEB_DIR, 'example', 'vendor', 'share-resolver-client.js'))) run('npm', ['run', 'build'], WEB_DIR);
if (!process.env.GRAPH_SIM_BIN || !process.env.SHARE_RESOLVER_BIN) {
  run('cargo', ['build', '--bin', 'share-resolver', '-p', 'share-resolver', '--bin', 'graph-sim', '-p', 'graph-sim'], REPO_DIR);
}

/** obo: the service against the simulator's identity platform. */
let apiScope;
async function oboEnv(simUrl) {
  const env = await oboServiceEnv(simUrl);
  if (!env) throw new Error('this graph-sim mints no API tokens: run the demo without --obo');
  apiScope = `api://${env.API_AUDIENCE}/access_as_user`;
  return env;
}

const stack = await startStack({
  env: async (simUrl) => ({ ALLOWED_ORIGINS: origin, RUST_LOG: 'info', ...(obo ? await oboEnv(simUrl) : {}) }),
});
const page = await stack.admin('shared-with-you', {}).catch((e) => {
  console.warn(`no "shared with you" links (${e.message}): paste links into the page`);
  return { links: [] };
});
const server = await serve({ port, sim: stack.simUrl });

const params = new URLSearchParams({ auth: 'simulator', service: stack.baseUrl, ...(obo ? { authMode: 'obo', apiScope } : {}) });
console.log(`
share-resolver web demo (offline)
  Graph simulator: ${stack.simUrl}  (${page.links.length} links shared with the demo guest)
  service:         ${stack.baseUrl}  (AUTH_MODE=${obo ? 'obo' : 'graph'})
  static server:   ${origin}/

  "Shared with you": ${origin}/example/shared.html?${params}
  one link:          ${origin}/example/?${params}

The links:`);
for (const link of page.links) console.log(`  ${String(link.status).padEnd(3)} ${link.name.padEnd(24)} ${link.what}`);
console.log('\nCtrl-C stops the simulator, the service and the static server.');

const stop = async () => {
  server.close();
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
