// Debian's Chromium for the browser tests, headless and offline: launch()
// gives it a fresh temporary --user-data-dir; without the background
// networking flags its own connections are refused on a machine without
// internet; every host name but loopback (and those mapped) resolves nowhere,
// so the browser cannot reach past this machine.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

import { REPO_DIR } from './harness.mjs';

export const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
export const SHOTS = join(REPO_DIR, '.tmp', 'screenshots');

/** Chromium, with `names` resolving to 127.0.0.1 and every other name but loopback to nothing. */
export function launchChromium({ names = [] } = {}) {
  mkdirSync(SHOTS, { recursive: true });
  const mapped = names.map((n) => `MAP ${n} 127.0.0.1, `).join('');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--host-resolver-rules=${mapped}MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost`,
    ],
  });
}

/** A full-page screenshot as .tmp/screenshots/{name}.png. */
export function shot(page, name) {
  return page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}
