// What the end-to-end scripts share: where the site and the screenshots are, how Chromium is started, and
// the named checks whose tally ends each script (`e2e: N passed, M failed`, exit status 1 on a failure).

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const url = process.env.PLAYGROUND_URL ?? 'http://127.0.0.1:8080/';
export const shots = process.env.SCREENSHOT_DIR ?? 'target/screenshots';
mkdirSync(shots, { recursive: true });

/** Debian's Chromium in this sandbox: no sandbox, no GPU, no network chatter of its own. */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic',
];

let passed = 0;
let failed = 0;

/** Run one named check; a thrown error fails it and the run goes on. */
export async function check(name, body) {
  const t = Date.now();
  try {
    await body();
    passed += 1;
    console.log(`ok    ${name} (${Date.now() - t} ms)`);
  } catch (e) {
    failed += 1;
    console.log(`FAIL  ${name}: ${e.message.split('\n')[0]}`);
  }
}

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/** A full-page screenshot into the screenshot directory. */
export async function shot(page, name) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

/** Prints the tally and exits: 0 when every check passed. */
export function finish() {
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}
