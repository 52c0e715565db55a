// The real stack for the web tests, no mocks: the Graph simulator
// (`graph-sim`) and the service (`share-resolver`) as child processes on free
// loopback ports, plus typed calls to the simulator's /_sim admin routes.
//
// Binaries: GRAPH_SIM_BIN and SHARE_RESOLVER_BIN, else
// $CARGO_TARGET_DIR/debug/… (default target/ at the repository root).

import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_DIR = resolve(WEB_DIR, '..');

/** The demo tenant of crates/graph-sim/src/demo.rs. */
export const DEMO_TENANT = '5f1c2f7a-7d4e-4e7b-9a51-1d2c3b4a5f60';
export const DEMO_HOST = 'contoso.sharepoint.com';
/** `Launch plan.docx`, everyone may open it. */
export const DEMO_SHARE_URL = 'https://contoso.sharepoint.com/:w:/s/Marketing/EaBcDeFgHiJkLmNoPqRsTuVw?e=4f2Kx9';
/** `Roadmap.xlsx` on a Teams site, everyone. */
export const DEMO_TEAMS_SHARE_URL = 'https://contoso.sharepoint.com/:x:/t/Engineering/EdCbA9876543210zyxwvuTSRQ?e=Zz1Yy2';
/** `Budget.pdf`, only the demo member may open it. */
/** The demo shared folder, `Project files` (crates/graph-sim/src/demo.rs): five children. */
export const DEMO_FOLDER_URL = 'https://contoso.sharepoint.com/:f:/s/Marketing/EFolderProjectFiles0000000?e=Fo1d3r';
/** Its item id, and the demo drive's id (graph_sim::demo_drive_id()). */
export const DEMO_FOLDER_ID = '01FOLDERPROJECTFILES00000000000000';
export const DEMO_DRIVE_ID = 'b!MTA1MTAwOWIzNjMyNGM5MThjNDRlZWM2NTdlMzEzYThhYWU0Y2ExZmI5Mzc0OGE2';
/** Its sub-folder `Specs` (`Requirements.docx`, `Archive/`). */
export const DEMO_SPECS_ID = '01FOLDERSPECS000000000000000000000';
export const DEMO_PRIVATE_SHARE_URL = 'https://contoso.sharepoint.com/:b:/s/Marketing/EPrivateOnlyForMember000?e=q1';

function binary(envName, name) {
  if (process.env[envName]) return process.env[envName];
  const target = process.env.CARGO_TARGET_DIR ?? join(REPO_DIR, 'target');
  return join(target, 'debug', name);
}

/** A free loopback TCP port (free when asked; good enough on a test box). */
export function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

/** `u!` share id of a sharing URL (base64url, no padding). */
export function uId(url) {
  return `u!${Buffer.from(url).toString('base64url')}`;
}

/** Starts a child and keeps its stderr tail for error messages. */
function start(bin, env, label) {
  if (!existsSync(bin)) throw new Error(`${label}: no binary at ${bin} (cargo build, or set the *_BIN variable)`);
  const child = spawn(bin, [], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderrTail = '';
  child.stderr.on('data', (d) => {
    child.stderrTail = (child.stderrTail + d).slice(-4000);
  });
  return child;
}

async function waitHealthy(url, child, label) {
  const until = Date.now() + 15000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${label} exited (${child.exitCode}): ${child.stderrTail}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${label} not healthy at ${url}: ${child.stderrTail}`);
}

const running = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts the simulator and the service. `env` adds to (or overrides) the
 * service's environment, e.g. `{ALLOWED_ORIGINS: 'http://127.0.0.1:5173'}`;
 * or is an (async) function of the simulator's URL that returns it (for
 * settings that name the simulator, such as LOGIN_BASE_URL).
 */
export async function startStack({ env = {} } = {}) {
  const simPort = await freePort();
  const sim = start(binary('GRAPH_SIM_BIN', 'graph-sim'), { SIM_ADDR: `127.0.0.1:${simPort}` }, 'graph-sim');
  running.add(sim);
  const simUrl = `http://127.0.0.1:${simPort}`;
  await waitHealthy(`${simUrl}/_sim/health`, sim, 'graph-sim');

  const port = await freePort();
  const service = start(
    binary('SHARE_RESOLVER_BIN', 'share-resolver'),
    {
      GRAPH_BASE_URL: `${simUrl}/v1.0`,
      // SharePoint REST warm-ups go to the simulator, never to the internet.
      SHAREPOINT_BASE_URL_OVERRIDE: simUrl,
      LISTEN_ADDR: `127.0.0.1:${port}`,
      RUST_LOG: 'warn',
      ...(typeof env === 'function' ? await env(simUrl) : env),
    },
    'share-resolver',
  );
  running.add(service);
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitHealthy(`${baseUrl}/healthz`, service, 'share-resolver');
  return new Stack(baseUrl, simUrl, [service, sim]);
}

export class Stack {
  constructor(baseUrl, simUrl, children) {
    this.baseUrl = baseUrl;
    this.simUrl = simUrl;
    this.children = children;
  }

  async admin(path, body, method = body === undefined ? 'GET' : 'POST') {
    const r = await fetch(`${this.simUrl}/_sim/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = await r.json();
    if (!r.ok) throw new Error(`/_sim/${path}: ${r.status} ${JSON.stringify(answer)}`);
    return answer;
  }

  /** Adds a user: `{tid, oid, guest, behaviour}` (see graph-sim admin_args). */
  addUser(user) {
    return this.admin('users', user);
  }

  /** Queues a fault: `{target, status, retryAfter, times}` or `{action: 'drop'}`. */
  inject(fault) {
    return this.admin('faults', fault);
  }

  /** Drops pending faults (hydration and the log stay). */
  clearFaults() {
    return this.admin('faults', undefined, 'DELETE');
  }

  /** Adds a share: `{url, driveItem, onlyFor}`. */
  addShare(share) {
    return this.admin('shares', share);
  }

  async mint(args) {
    return (await this.admin('tokens', args)).token;
  }

  /** The simulator's request log. */
  requests() {
    return this.admin('requests');
  }

  /** Forgets faults, hydration and the log. */
  reset() {
    return this.admin('reset', {});
  }

  /**
   * A fresh user (its own tid/oid, so tests never share hydration) with a
   * token: `{tid, oid, token}`. `behaviour` and `guest` as for addUser.
   */
  async user({ guest = true, behaviour, tid = DEMO_TENANT } = {}) {
    const oid = randomUUID();
    if (behaviour || !guest) await this.addUser({ tid, oid, guest, behaviour: behaviour ?? 'normal' });
    const token = await this.mint({ tid, oid, guest });
    return { tid, oid, token };
  }

  async stop() {
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise((done) => {
            running.delete(child);
            if (child.exitCode !== null) return done();
            child.once('exit', done);
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 3000).unref();
          }),
      ),
    );
  }
}

/** The simulator's API app secret (SIM_API_CLIENT_SECRET: the environment, or its constant in crates/graph-sim/src). */
export function simApiClientSecret() {
  if (process.env.SIM_API_CLIENT_SECRET) return process.env.SIM_API_CLIENT_SECRET;
  const dir = join(REPO_DIR, 'crates', 'graph-sim', 'src');
  for (const file of readdirSync(dir, { recursive: true })) {
    if (!String(file).endsWith('.rs')) continue;
    const m = /SIM_API_CLIENT_SECRET\s*:\s*&str\s*=\s*"([^"]+)"/.exec(readFileSync(join(dir, String(file)), 'utf8'));
    if (m) return m[1];
  }
  return undefined;
}

/** A demo guest's API token (obo mode) from the simulator at `simUrl`, or undefined when it mints none. */
export async function mintApiToken(simUrl, oid = randomUUID()) {
  const r = await fetch(`${simUrl}/_sim/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tid: DEMO_TENANT, oid, guest: true, api: true }),
  });
  return r.ok ? (await r.json()).token : undefined;
}

/**
 * The service's environment for AUTH_MODE=obo against the simulator's
 * identity platform (its API app: audience from a sample token, issuer's
 * login base, the secret); undefined when the simulator has none.
 */
export async function oboServiceEnv(simUrl) {
  const sample = await mintApiToken(simUrl);
  const secret = simApiClientSecret();
  if (!sample || !secret) return undefined;
  const claims = JSON.parse(Buffer.from(sample.split('.')[1], 'base64url').toString());
  const audience = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
  return {
    AUTH_MODE: 'obo',
    ALLOWED_TENANTS: DEMO_TENANT,
    API_AUDIENCE: audience,
    // The frontends whose tokens are served: the simulator's SPA, which
    // the sample token names as its client (azp).
    ALLOWED_CLIENT_APPS: claims.azp,
    OBO_CLIENT_ID: audience,
    OBO_CLIENT_SECRET: secret,
    // iss = {LOGIN_BASE_URL}/{tid}/v2.0
    LOGIN_BASE_URL: claims.iss.replace(new RegExp(`/${claims.tid}/v2\\.0$`), ''),
  };
}
