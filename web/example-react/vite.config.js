// The React example, built by Vite into dist/ (not committed):
//   npm --prefix web run build:react     (NODE_ENV=development for React's checks)
// JSX goes through esbuild's automatic runtime: no Babel plugin needed.
import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vite';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: './',
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    sourcemap: true,
    // No inline modulepreload polyfill: the page's CSP allows no inline script.
    modulePreload: { polyfill: false },
    rollupOptions: { input: { index: here('index.html'), shared: here('shared.html'), redirect: here('redirect.html') } },
  },
});
