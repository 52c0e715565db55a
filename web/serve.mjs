#!/usr/bin/env node
// A tiny static server for web/ (no dependencies): the example page at
// /example/, the client at /client/dist/. For local use and the browser tests.
//
//   node serve.mjs [--port 5173] [--host 127.0.0.1] [--sim http://127.0.0.1:4000]
//
// --sim also answers POST /__sim/token from graph-sim's /_sim/tokens, for the
// example's `?auth=simulator` demo sign-in, and POST /__sim/shared-with-you
// from its /_sim/shared-with-you (the demo guest's links, for shared.html);
// same origin, so no CORS needed.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('.', import.meta.url));

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ts': 'text/plain; charset=utf-8',
};

/** Starts serving; resolves to the `http.Server` once it listens. */
export function serve({ port = 5173, host = '127.0.0.1', root = ROOT, sim } = {}) {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://localhost');
      const admin = SIM_ROUTES[url.pathname];
      if (admin && sim && req.method === 'POST') return await simAdmin(req, res, sim, admin);
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
      if (url.pathname === '/') return redirect(res, '/example/');
      let path = normalize(join(root, decodeURIComponent(url.pathname)));
      if (path !== root && !path.startsWith(root.endsWith(sep) ? root : root + sep)) return send(res, 403, 'forbidden');
      if (/[\\/]node_modules[\\/]|[\\/]\./.test(path.slice(root.length))) return send(res, 404, 'not found');
      let info = await stat(path).catch(() => undefined);
      if (info?.isDirectory()) {
        if (!url.pathname.endsWith('/')) return redirect(res, `${url.pathname}/`);
        path = join(path, 'index.html');
        info = await stat(path).catch(() => undefined);
      }
      if (!info?.isFile()) return send(res, 404, 'not found');
      res.writeHead(200, {
        'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
        'content-length': info.size,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      if (req.method === 'HEAD') return res.end();
      createReadStream(path).pipe(res);
    } catch (e) {
      send(res, 500, String(e));
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

function send(res, status, text) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

function redirect(res, location) {
  res.writeHead(302, { location });
  res.end();
}

/** The simulator's admin routes the local demo's pages may call, by this server's path. */
const SIM_ROUTES = { '/__sim/token': 'tokens', '/__sim/shared-with-you': 'shared-with-you' };

/** Proxies a request to one of graph-sim's admin routes (the local demo's "sign-in", its links). */
async function simAdmin(req, res, sim, route) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const answer = await fetch(`${sim.replace(/\/+$/, '')}/_sim/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: Buffer.concat(chunks),
  }).catch((e) => ({ status: 502, text: async () => JSON.stringify({ error: String(e) }) }));
  res.writeHead(answer.status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(await answer.text());
}

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const port = Number(arg('port', process.env.PORT ?? 5173));
  const host = arg('host', '127.0.0.1');
  const sim = arg('sim', process.env.SIM_URL);
  const server = await serve({ port, host, sim });
  const { port: bound } = server.address();
  const base = `http://${host}:${bound}/example/`;
  console.log(`serving ${ROOT} at http://${host}:${bound}/`);
  console.log(`example: ${base}${sim ? '?auth=simulator' : '?clientId=<your SPA client id>&tenant=<tenant>'}`);
}
