// Copies MSAL.js's browser build (UMD: defines window.msal) next to the
// example page, so example/ can be served or deployed on its own, with no
// bundler and no CDN. The copy is not committed (.gitignore); `npm run build`
// makes it again from the pinned devDependency.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const from = join(web, 'node_modules/@azure/msal-browser/lib/msal-browser.min.js');
const to = join(web, 'example/vendor/msal-browser.min.js');
mkdirSync(dirname(to), { recursive: true });
copyFileSync(from, to);
console.log(`vendor: ${to}`);
