// Copies MSAL.js's browser builds (UMD: window.msal, and the v5 redirect
// bridge's window.msalRedirectBridge for redirect.html) next to the example page, so example/ can be served or deployed on its own, with no
// bundler and no CDN. The copy is not committed (.gitignore); `npm run build`
// makes it again from the pinned devDependency.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const lib = join(web, 'node_modules/@azure/msal-browser/lib');
const vendor = join(web, 'example/vendor');
mkdirSync(vendor, { recursive: true });
for (const file of ['msal-browser.min.js', 'redirect-bridge/msal-redirect-bridge.min.js']) {
  const to = join(vendor, file.split('/').pop());
  copyFileSync(join(lib, file), to);
  console.log(`vendor: ${to}`);
}
