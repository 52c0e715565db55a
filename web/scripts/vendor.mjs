// What the plain example page loads, put next to it in example/vendor/, so
// example/ can be served or deployed on its own, with no bundler and no CDN.
// The copies are not committed (.gitignore); `npm run build` makes them
// again from the pinned packages:
// - MSAL.js's browser builds (UMD: window.msal, and the v5 redirect
//   bridge's window.msalRedirectBridge for redirect.html);
// - the client (client/dist/index.js) bundled with openapi-fetch into one ES
//   module: a browser cannot resolve the package's bare `openapi-fetch`
//   import without a bundler or an import map, and the page's CSP allows no
//   inline script (an import map is one).
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const lib = join(web, 'node_modules/@azure/msal-browser/lib');
const vendor = join(web, 'example/vendor');
mkdirSync(vendor, { recursive: true });
for (const file of ['msal-browser.min.js', 'redirect-bridge/msal-redirect-bridge.min.js']) {
  const to = join(vendor, file.split('/').pop());
  copyFileSync(join(lib, file), to);
  console.log(`vendor: ${to}`);
}

const client = join(vendor, 'share-resolver-client.js');
await build({
  entryPoints: [join(web, 'client/dist/index.js')],
  outfile: client,
  bundle: true,
  format: 'esm',
  target: 'es2022',
  sourcemap: true,
  logLevel: 'warning',
});
console.log(`vendor: ${client}`);
